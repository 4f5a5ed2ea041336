"""An account's standing: whether it traces back to the root of trust through signed administrators' acts.

The replay here walks the signed acts in order from the root (``trust.root`` of a new database, or
``trust.adopt`` of one made before signing keys) and keeps which keys are trusted (valid from the act that
issued the key to the act that retired it) and which accounts exist with which role and villages. An act
counts only when it is canonical, signed by a trusted key of its signer that was valid at the time, by someone
whose role at that moment allowed it. ``verify`` (``services.integrity.trust.Replay``) runs the same replay over
every act and compares the whole database with it; ``login`` runs it over the accounts' acts only and refuses
an account the replay does not know as it is now (``account_standing``): a row copied in with another user's
password hash, a role or village granted behind the app's back, a key no administrator issued.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.services.kernel.acts import parse_statement, signature_bytes
from quzhou_desktop.services.kernel.roles import TOWNSHIP_WIDE, Perm, Role, has_perm
from quzhou_desktop.services.kernel.statements import ACCOUNT_FIELDS, account_content, jsonable
from quzhou_desktop.services.kernel.trust import ROOT_ACTS
from quzhou_desktop.store.audit.problems import Problem
from quzhou_desktop.store.models import SignedAct, SigningKey, UserAccount

__all__ = [
    "ACCOUNT_ACTS",
    "ACT_PERMS",
    "AccountReplay",
    "KeyState",
    "Root",
    "TrustReport",
    "account_of",
    "account_standing",
    "find_root",
    "key_of",
]

ACT_PERMS: dict[str, Perm | tuple[Perm, ...]] = {
    "user.create": Perm.USERS_MANAGE,
    "user.update": Perm.USERS_MANAGE,
    "user.reset": Perm.USERS_MANAGE,
    "settings.rules": Perm.SETTINGS_EDIT,
    "village.create": Perm.VILLAGE_MANAGE,
    "village.update": Perm.VILLAGE_MANAGE,
    "village.active": Perm.VILLAGE_MANAGE,
    "voucher.review": Perm.VOUCHER_REVIEW,
    "voucher.sign_director": Perm.VOUCHER_SIGN_DIRECTOR,
    "voucher.sign_secretary": Perm.VOUCHER_SIGN_SECRETARY,
    "voucher.sign_both": (Perm.VOUCHER_SIGN_DIRECTOR, Perm.VOUCHER_SIGN_SECRETARY),
    "voucher.accept": Perm.VOUCHER_ACCEPT,
    "voucher.return": Perm.VOUCHER_ACCEPT,
    "month.sign": Perm.MONTH_REVIEW,
    "month.lock": Perm.MONTH_LOCK,
    "month.unlock": Perm.MONTH_UNLOCK,
    "disclosure.review": Perm.DISCLOSURE_REVIEW,
    "disclosure.post": Perm.DISCLOSURE_EDIT,
    "matter.finalize": Perm.MATTER_EDIT,
    "evaluation.finalize": Perm.EVALUATION_EDIT,
    "data.restore": Perm.RESTORE,
    "exchange.settle_conflict": Perm.VILLAGE_MANAGE,
    "exchange.settle_fork": Perm.VILLAGE_MANAGE,
}
"""The right an act needs (checked against the signer's role and villages as the replay knows them); a tuple:
any one of them (一肩挑: the account holds one office by its role, the other by the roster)."""


ACCOUNT_ACTS = (*ROOT_ACTS, "trust.recover", "trust.recovery_code", "key.enroll", "user.create", "user.update",
                "user.reset")  # fmt: skip
"""The acts that issue keys and grant accounts, roles and villages: all ``account_standing`` replays."""


@dataclass
class KeyState:
    user_id: str
    public: bytes
    valid_from: datetime
    retired_at: datetime | None = None
    check: Callable[[bytes, bytes], bool] = field(default=lambda _m, _s: False, repr=False)


@dataclass(frozen=True)
class Root:
    act_id: str
    number: int
    kind: str  # trust.root / trust.adopt
    key_id: str
    public: bytes
    user_id: str
    log_seq: int
    at: datetime
    accounts: dict[str, dict[str, Any]]
    legacy: dict[str, str | None]  # adopted account → digest of its old password hash
    listed_keys: dict[str, str]  # adopted account → the key it already had


@dataclass
class TrustReport:
    problems: list[Problem] = field(default_factory=list)
    root: Root | None = None
    acts: int = 0
    anchors: dict[int, tuple[str, int]] = field(default_factory=dict)  # audit seq → (hash, act number)


def key_of(data: Any) -> tuple[str, bytes] | None:
    try:
        return str(data["id"]), bytes.fromhex(str(data["public"]))
    except (KeyError, TypeError, ValueError):
        return None


def find_root(s: Session) -> tuple[Root | None, list[Problem]]:
    """The root act, parsed (None when the database has none), and findings about it."""
    rows = list(s.scalars(select(SignedAct).where(SignedAct.act.in_(ROOT_ACTS)).order_by(SignedAct.number)))
    if not rows:
        return None, []
    act = rows[0]
    problems = [
        Problem("trust", f"签名记录第{extra.number}号又建立了一个信任根：信任根只能有一个，这是伪造的", "signed_act",
                extra.id)
        for extra in rows[1:]
    ]  # fmt: skip
    st = parse_statement(act)
    content = st.get("content") if st else None
    if not isinstance(content, dict):
        return None, [
            *problems,
            Problem("trust", "信任根的签署内容已损坏：无法核对任何签名", "signed_act", act.id),
        ]
    if act.act == "trust.root":
        key = key_of(content.get("key"))
        accounts = {str(content["account"]["id"]): account_of(content["account"])}
        legacy: dict[str, str | None] = {}
        listed: dict[str, str] = {}
    else:
        key = key_of(content.get("root", {}).get("key"))
        accounts, legacy, listed = {}, {}, {}
        for a in content.get("accounts", []):
            accounts[str(a["id"])] = account_of(a)
            legacy[str(a["id"])] = a.get("legacy_verifier")
            if a.get("key"):
                listed[str(a["id"])] = str(a["key"]["id"])
    if key is None or key[0] != act.key_id:
        return None, [
            *problems,
            Problem("trust", "信任根的密钥与其签署内容不符：无法核对任何签名", "signed_act", act.id),
        ]
    seq = int(st.get("log", {}).get("seq", 0)) if st else 0
    root = Root(act.id, act.number, act.act, key[0], key[1], act.signer_id, seq, act.signed_at, accounts, legacy,
                listed)  # fmt: skip
    return root, problems


def account_of(content: dict[str, Any]) -> dict[str, Any]:
    return {k: content.get(k) for k in ACCOUNT_FIELDS}


class AccountReplay:
    """One pass over the signed acts (all of them, or only ``ACCOUNT_ACTS``) from the root. ``problem`` records
    a finding; ``verify``'s replay names the record and the act, and checks the other acts (``other``)."""

    def __init__(self, s: Session, *, only: tuple[str, ...] | None = None) -> None:
        self.s = s
        self.only = only
        self.report = TrustReport()
        self.keys: dict[str, KeyState] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.enrolled: set[str] = set()
        self.root: Root | None = None

    # -- findings ---------------------------------------------------------------------------------------

    def problem(
        self, kind: str, act: SignedAct | None, what: str, *, record: tuple[str, str] | None = None
    ) -> None:
        entity, rid = (
            record if record is not None else ((act.record_kind, act.record_id) if act else (None, None))
        )
        self.report.problems.append(Problem(kind, what, entity, rid))

    # -- the replay -------------------------------------------------------------------------------------

    def run(self) -> TrustReport:
        root, problems = find_root(self.s)
        self.root = self.report.root = root
        self.report.problems.extend(problems)
        if root is not None:
            self.accounts = {k: dict(v) for k, v in root.accounts.items()}
        for act in self._acts():
            self.report.acts += 1
            self.one(act)
        self.finish()
        return self.report

    def _acts(self) -> Iterator[SignedAct]:
        q = select(SignedAct).order_by(SignedAct.number).execution_options(yield_per=500)
        if self.only is not None:
            q = q.where(SignedAct.act.in_(self.only))
        yield from self.s.scalars(q)

    def _key_state(self, user_id: str, public: bytes, valid_from: datetime) -> KeyState:
        return KeyState(user_id, public, valid_from, None, signing.verifier_of(public))

    def one(self, act: SignedAct) -> None:
        st = parse_statement(act)
        if st is None:
            self.problem("signature", act, "签署内容不是原样（签名记录被改动）")
            return
        if not self._envelope_matches(act, st):
            self.problem("signature", act, "签名记录与其签署内容不一致（签名记录被改动）")
            return
        log = st.get("log") or {}
        if isinstance(log.get("seq"), int) and log["seq"] > 0:
            self.report.anchors.setdefault(int(log["seq"]), (str(log.get("head")), act.number))
        root = self.root
        if root is not None and act.id == root.act_id and root.key_id not in self.keys:
            self.keys[root.key_id] = self._key_state(root.user_id, root.public, act.signed_at)
        if act.act == "key.enroll" and act.key_id not in self.keys:
            if not self._enrol(act, st):
                return
        key = self.keys.get(act.key_id)
        if key is None:
            self.problem("key", act, "所用的签名密钥不是信任根或管理员签发的（伪造的密钥）")
            return
        if key.user_id != act.signer_id:
            self.problem("key", act, "所用的签名密钥属于另一个用户")
            return
        if act.signed_at < key.valid_from or (key.retired_at is not None and act.signed_at > key.retired_at):
            self.problem("key", act, "签署时该密钥无效（尚未签发或已停用）")
            return
        sig = signature_bytes(act)
        if sig is None or not key.check(act.statement.encode("utf-8"), sig):
            self.problem("signature", act, "电子签名无效（签名被伪造或重新计算）")
            return
        if not self._allowed(act):
            return
        self.apply(act, st)

    def _envelope_matches(self, act: SignedAct, st: dict[str, Any]) -> bool:
        record = st.get("record") or {}
        signer = st.get("signer") or {}
        return (
            st.get("act") == act.act
            and record.get("kind") == act.record_kind
            and record.get("id") == act.record_id
            and record.get("version") == act.record_version
            and signer.get("user") == act.signer_id
            and st.get("key") == act.key_id
            and st.get("at") == jsonable(act.signed_at)
        )

    def _enrol(self, act: SignedAct, st: dict[str, Any]) -> bool:
        """A key made at a legacy account's first login: allowed once, for an account the root adopted with
        that old password hash (or, before any root exists, provisionally)."""
        uid = act.signer_id
        content, decision = st.get("content") or {}, st.get("decision") or {}
        key = key_of(content.get("key"))
        root = self.root
        ok = key is not None and key[0] == act.key_id and act.record_id == uid and uid not in self.enrolled
        if ok and root is not None:
            listed = root.listed_keys.get(uid)
            if act.number < root.number:  # enrolled before the root: the adoption names the key
                ok = listed == act.key_id
            else:  # after: an account the root adopted without a key, by the old hash it adopted
                legacy = root.legacy.get(uid)
                ok = listed is None and legacy is not None and legacy == decision.get("legacy_verifier")
        if not ok or key is None:
            self.problem("key", act, "自行生成的签名密钥不符合升级规则（不是该账号升级后首次登录时生成的）")
            return False
        self.enrolled.add(uid)
        self.keys[key[0]] = self._key_state(uid, key[1], act.signed_at)
        return True

    def _allowed(self, act: SignedAct) -> bool:
        perm = ACT_PERMS.get(act.act)
        if perm is None or self.root is None:
            return True
        acc = self.accounts.get(act.signer_id)
        if acc is None or not acc.get("active"):
            self.problem("account", act, "签名人不是经信任根认可的有效账号")
            return False
        role = Role(str(acc.get("role")))
        if not any(has_perm(role, p) for p in (perm if isinstance(perm, tuple) else (perm,))):
            self.problem("account", act, f"签名人当时的角色（{role.label}）无权做这件事")
            return False
        if act.village_id and role not in TOWNSHIP_WIDE and act.village_id not in (acc.get("villages") or []):
            self.problem("account", act, "签名人当时不属于这个村")
            return False
        return True

    # -- effects ----------------------------------------------------------------------------------------

    def apply(self, act: SignedAct, st: dict[str, Any]) -> None:
        """The act's effect on keys and accounts; any other act goes to ``other``."""
        content, decision = st.get("content") or {}, st.get("decision") or {}
        name = act.act
        if name in ROOT_ACTS and self.root is not None and act.id == self.root.act_id:
            self.on_root(act, content)
        elif name in ROOT_ACTS:
            return  # a second root: reported by find_root
        elif name in ("trust.recover", "trust.recovery_code"):
            if self.root is None or act.key_id != self.root.key_id:
                self.problem("trust", act, "只有信任根管理员的密钥才能做这件事")
        elif name in ("user.create", "user.reset"):
            account, key = content.get("account") or {}, key_of(content.get("key"))
            uid = str(account.get("id"))
            if key is None or uid != act.record_id:
                self.problem("signature", act, "签署内容不完整")
                return
            if name == "user.reset":
                old = self.keys.get(str(decision.get("retired_key")))
                if old is not None and old.user_id == uid:
                    old.retired_at = act.signed_at
            elif uid in self.accounts:
                self.problem("account", act, "这个账号已经存在，不能再次新建")
            self.keys[key[0]] = self._key_state(uid, key[1], act.signed_at)
            self.accounts[uid] = account_of(account)
        elif name == "user.update":
            account = content.get("account") or {}
            self.accounts[str(account.get("id"))] = account_of(account)
        else:
            self.other(act, st)

    def on_root(self, act: SignedAct, content: dict[str, Any]) -> None:
        """The root act: the adopted accounts (``trust.adopt``) become the replay's accounts."""
        if act.act == "trust.adopt" and self.root is not None:
            self.accounts = {k: dict(v) for k, v in self.root.accounts.items()}

    def other(self, act: SignedAct, st: dict[str, Any]) -> None:
        """An act that is not about keys or accounts (``verify`` checks it against its record)."""

    def finish(self) -> None:
        """After the last act (``verify`` compares the database with the replay here)."""


def account_standing(s: Session, account_id: str) -> str | None:
    """None when the account is as the signed administrators' acts from the root made it (or the database has
    no root yet: nothing to trace against until an administrator establishes it); else why not, in Chinese."""
    acc = s.get(UserAccount, account_id)
    if acc is None:
        return "账号不存在"
    replay = AccountReplay(s, only=ACCOUNT_ACTS)
    replay.run()
    if replay.root is None:
        return None
    signed = replay.accounts.get(acc.id)
    if signed is None:
        return "没有任何管理员签名新建过这个账号"
    if account_of(account_content(s, acc)) != signed:
        return "账号的角色、所属村或状态与管理员签名授予的不符"
    key = s.scalars(
        select(SigningKey).where(SigningKey.user_id == acc.id, SigningKey.retired_at.is_(None))
    ).first()
    if key is not None:
        state = replay.keys.get(key.id)
        if (
            state is None
            or state.user_id != acc.id
            or state.public.hex() != key.public_key
            or state.retired_at
        ):
            return "账号的签名密钥不是管理员签发的"
    return None
