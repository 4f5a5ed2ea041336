"""``verify``'s check of signatures and the root of trust: every signed act is replayed in order.

The replay starts from the root (``trust.root`` of a new database, or ``trust.adopt`` of one made before
signing keys) and keeps, act by act, which keys are trusted (with their validity: from the act that issued the
key to the act that retired it), which accounts exist with which role and villages, the villages and the
rules. Each act must be canonical JSON equal to its row, signed by a trusted key of its signer that was valid
when it was signed, by someone whose role (at that moment) allows the act. Administrators' acts change the
state; other acts are compared with their records (``services.integrity.records``). At the end the database
must hold exactly what the replay says: every account, village grant, role, village, rule setting and key.

Anything else is a finding, in Chinese, naming the record and the act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.services.integrity.describe import act_name, changed_fields, record_name
from quzhou_desktop.services.integrity.records import check_record_act
from quzhou_desktop.services.kernel.acts import parse_statement, signature_bytes
from quzhou_desktop.services.kernel.roles import TOWNSHIP_WIDE, Perm, Role, has_perm
from quzhou_desktop.services.kernel.statements import (
    ACCOUNT_FIELDS,
    account_content,
    jsonable,
    township_content,
    village_content,
)
from quzhou_desktop.services.kernel.trust import ROOT_ACTS
from quzhou_desktop.store.audit.verify import Problem
from quzhou_desktop.store.models import MonthlyReview, SignedAct, SigningKey, Township, UserAccount, Village

ACT_PERMS: dict[str, Perm] = {
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
    "voucher.accept": Perm.VOUCHER_ACCEPT,
    "voucher.return": Perm.VOUCHER_ACCEPT,
    "month.sign": Perm.MONTH_REVIEW,
    "month.lock": Perm.MONTH_LOCK,
    "month.unlock": Perm.MONTH_UNLOCK,
    "disclosure.review": Perm.DISCLOSURE_REVIEW,
    "disclosure.post": Perm.DISCLOSURE_EDIT,
    "matter.finalize": Perm.MATTER_EDIT,
    "data.restore": Perm.RESTORE,
}
"""The right an act needs (checked against the signer's role and villages as the replay knows them)."""


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


def _key(data: Any) -> tuple[str, bytes] | None:
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
        key = _key(content.get("key"))
        accounts = {str(content["account"]["id"]): _account(content["account"])}
        legacy: dict[str, str | None] = {}
        listed: dict[str, str] = {}
    else:
        key = _key(content.get("root", {}).get("key"))
        accounts, legacy, listed = {}, {}, {}
        for a in content.get("accounts", []):
            accounts[str(a["id"])] = _account(a)
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


def _account(content: dict[str, Any]) -> dict[str, Any]:
    return {k: content.get(k) for k in ACCOUNT_FIELDS}


class Replay:
    """One pass over every signed act (see the module docstring)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.report = TrustReport()
        self.keys: dict[str, KeyState] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.villages: dict[str, dict[str, Any]] = {}
        self.township: dict[str, Any] | None = None
        self.locks: dict[str, tuple[bool, SignedAct]] = {}
        self.enrolled: set[str] = set()
        self.root: Root | None = None
        self._names: dict[str, str] = {}

    # -- findings ---------------------------------------------------------------------------------------

    def _signer_name(self, user_id: str) -> str:
        if user_id not in self._names:
            acc = self.s.get(UserAccount, user_id)
            self._names[user_id] = acc.display_name if acc else user_id[:8]
        return self._names[user_id]

    def problem(
        self, kind: str, act: SignedAct | None, what: str, *, record: tuple[str, str] | None = None
    ) -> None:
        parts = []
        if record is not None:
            parts.append(record_name(self.s, *record))
        elif act is not None:
            parts.append(record_name(self.s, act.record_kind, act.record_id))
        if act is not None:
            parts.append(act_name(act, self._signer_name(act.signer_id)))
        head = "：".join(parts[:1]) if len(parts) == 1 else f"{parts[0]}，{parts[1]}"
        entity, rid = (
            record if record is not None else ((act.record_kind, act.record_id) if act else (None, None))
        )
        self.report.problems.append(Problem(kind, f"{head}：{what}" if head else what, entity, rid))

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
        key = _key(content.get("key"))
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
        if not has_perm(role, perm):
            self.problem("account", act, f"签名人当时的角色（{role.label}）无权做这件事")
            return False
        if act.village_id and role not in TOWNSHIP_WIDE and act.village_id not in (acc.get("villages") or []):
            self.problem("account", act, "签名人当时不属于这个村")
            return False
        return True

    # -- effects ----------------------------------------------------------------------------------------

    def apply(self, act: SignedAct, st: dict[str, Any]) -> None:
        content, decision = st.get("content") or {}, st.get("decision") or {}
        name = act.act
        if name == "trust.root" and self.root is not None and act.id == self.root.act_id:
            self.villages = {str(v["id"]): v for v in content.get("villages", [])}
            self.township = content.get("township")
        elif name == "trust.adopt" and self.root is not None and act.id == self.root.act_id:
            self.accounts = {k: dict(v) for k, v in self.root.accounts.items()}
            self.villages = {str(v["id"]): v for v in content.get("villages", [])}
            self.township = content.get("township")
        elif name in ROOT_ACTS:
            return  # a second root: reported by find_root
        elif name in ("trust.recover", "trust.recovery_code"):
            if self.root is None or act.key_id != self.root.key_id:
                self.problem("trust", act, "只有信任根管理员的密钥才能做这件事")
        elif name in ("user.create", "user.reset"):
            account, key = content.get("account") or {}, _key(content.get("key"))
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
            self.accounts[uid] = _account(account)
        elif name == "user.update":
            account = content.get("account") or {}
            self.accounts[str(account.get("id"))] = _account(account)
        elif name == "settings.rules":
            self.township = content.get("township")
        elif name.startswith("village."):
            village = content.get("village") or {}
            self.villages[str(village.get("id"))] = village
        elif name in ("month.lock", "month.unlock"):
            self.locks[act.record_id] = (bool(content.get("locked")), act)
        else:
            for kind, what in check_record_act(self.s, act, st):
                self.problem(kind, act, what)

    # -- the database against the replay ------------------------------------------------------------------

    def finish(self) -> None:
        if self.root is not None:
            self._accounts()
            self._villages()
            self._township()
        self._keys()
        self._locks()

    def _accounts(self) -> None:
        seen = set()
        for acc in self.s.scalars(select(UserAccount).order_by(UserAccount.username)):
            seen.add(acc.id)
            signed = self.accounts.get(acc.id)
            if signed is None:
                self.problem("account", None, "没有任何管理员签名新建过这个账号：账号是伪造的",
                             record=("user_account", acc.id))  # fmt: skip
                continue
            now = _account(account_content(self.s, acc))
            if now != signed:
                self.problem("account", None,
                             f"{changed_fields(signed, now)}与管理员最后一次签名授予的不符：账号或授权被篡改",
                             record=("user_account", acc.id))  # fmt: skip
        for uid in self.accounts.keys() - seen:
            self.report.problems.append(
                Problem(
                    "account",
                    f"管理员签名新建的账号 {uid[:8]} 已不在数据库中：数据被删除",
                    "user_account",
                    uid,
                )
            )

    def _villages(self) -> None:
        for v in self.s.scalars(select(Village).order_by(Village.name)):
            signed = self.villages.get(v.id)
            now = village_content(v)
            if signed is None:
                self.problem("account", None, "没有任何管理员签名新增过这个村", record=("village", v.id))
            elif now != signed:
                self.problem("account", None, f"{changed_fields(signed, now)}与管理员签名的不符：村信息被篡改",
                             record=("village", v.id))  # fmt: skip

    def _township(self) -> None:
        t = self.s.scalars(select(Township)).first()
        if t is not None and self.township is not None and township_content(t) != self.township:
            what = changed_fields(self.township, township_content(t))
            self.problem(
                "account", None, f"{what}与管理员签名的不符：规则设置被篡改", record=("township", t.id)
            )

    def _keys(self) -> None:
        for k in self.s.scalars(select(SigningKey).order_by(SigningKey.created_at)):
            state = self.keys.get(k.id)
            who = ("user_account", k.user_id)
            if state is None:
                if self.root is not None:
                    self.problem(
                        "key", None, "有一把签名密钥没有任何签名记录签发它：密钥是伪造的", record=who
                    )
                continue
            if state.public.hex() != k.public_key or state.user_id != k.user_id:
                self.problem("key", None, "签名密钥与签发时的不符：密钥被替换", record=who)
            elif state.retired_at is not None and (k.retired_at is None or k.sealed_key is not None):
                self.problem("key", None, "已被停用的签名密钥仍可使用：密钥记录被篡改", record=who)
            elif state.retired_at is None and k.retired_at is not None:
                self.problem("key", None, "签名密钥被停用，但没有管理员签名的重置记录", record=who)

    def _locks(self) -> None:
        for review_id, (locked, act) in self.locks.items():
            r = self.s.get(MonthlyReview, review_id)
            if r is None:
                self.problem("content", act, "月度审核记录已不在数据库中")
            elif bool(r.locked) != locked:
                self.problem("content", act, "月份的锁定状态与最后一次签名的不符")


def check_anchors(s: Session, report: TrustReport) -> list[Problem]:
    """Every signed act names the audit chain's head when it was signed: that entry must still carry that
    hash, or the log before it was rewritten."""
    out: list[Problem] = []
    if not report.anchors:
        return out
    seqs = sorted(report.anchors)
    found: dict[int, str] = {}
    for i in range(0, len(seqs), 500):
        chunk = seqs[i : i + 500]
        rows = s.execute(
            text(f"SELECT seq, hash FROM audit_log WHERE seq IN ({','.join(str(x) for x in chunk)})")
        )
        found.update({int(r[0]): str(r[1]) for r in rows})
    for seq in seqs:
        head, number = report.anchors[seq]
        if found.get(seq) != head:
            out.append(
                Problem(
                    "log",
                    f"审计日志第{seq}条及之前的记录被改写：与签名记录第{number}号签署时记下的校验值不符",
                    "audit_log",
                    str(seq),
                    seq,
                )
            )
            break
    return out
