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

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from quzhou_desktop.services.integrity.describe import act_name, changed_fields, record_name
from quzhou_desktop.services.integrity.records import check_record_act
from quzhou_desktop.services.kernel.site import home_township
from quzhou_desktop.services.kernel.standing import (
    ACT_PERMS,
    AccountReplay,
    KeyState,
    Root,
    TrustReport,
    account_of,
    find_root,
)
from quzhou_desktop.services.kernel.statements import account_content, township_content, village_content
from quzhou_desktop.store.audit.verify import Problem
from quzhou_desktop.store.models import MonthlyReview, SignedAct, SigningKey, UserAccount, Village

__all__ = ["ACT_PERMS", "KeyState", "Replay", "Root", "TrustReport", "check_anchors", "find_root"]


class Replay(AccountReplay):
    """One pass over every signed act (see the module docstring): the accounts' part is
    ``services.kernel.standing.AccountReplay`` (what login checks too); here the villages, the rules, the month
    locks and every other act against its record, and at the end the database against the replay."""

    def __init__(self, s: Session) -> None:
        super().__init__(s)
        self.villages: dict[str, dict[str, Any]] = {}
        self.township: dict[str, Any] | None = None
        self.locks: dict[str, tuple[bool, SignedAct]] = {}
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

    # -- effects ----------------------------------------------------------------------------------------

    def on_root(self, act: SignedAct, content: dict[str, Any]) -> None:
        super().on_root(act, content)
        self.villages = {str(v["id"]): v for v in content.get("villages", [])}
        self.township = content.get("township")

    def other(self, act: SignedAct, st: dict[str, Any]) -> None:
        content = st.get("content") or {}
        name = act.act
        if name == "settings.rules":
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
            now = account_of(account_content(self.s, acc))
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
        """The villages of this office's own township against its administrators' acts. A county's database
        holds other townships' villages too: their administrators signed them on their own PCs (their acts
        arrive as ``peer_act``), and the county's chain and receipts vouch for what arrived."""
        q = select(Village).order_by(Village.name)
        home = home_township(self.s)
        if home is not None:
            q = q.where(Village.township_id == home.id)
        for v in self.s.scalars(q):
            signed = self.villages.get(v.id)
            now = village_content(v)
            if signed is None:
                self.problem("account", None, "没有任何管理员签名新增过这个村", record=("village", v.id))
            elif now != signed:
                self.problem("account", None, f"{changed_fields(signed, now)}与管理员签名的不符：村信息被篡改",
                             record=("village", v.id))  # fmt: skip

    def _township(self) -> None:
        t = home_township(self.s)
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
