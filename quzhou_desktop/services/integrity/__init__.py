"""``verify`` as a whole: the store's checks (SQLite integrity, the audit chain, every record against its
latest audit entry, attachments) and the signatures (``services.integrity.trust``: every signed act, the keys,
the accounts and grants traced to the root; ``services.integrity.era``: records that predate signing and
records that should have been signed). The CLI ``verify`` command and the GUI's 校验数据库 call
``verify_database``; each group of checks is its own function, so others can be added beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import text

from quzhou_desktop.core import signing
from quzhou_desktop.services.integrity.era import EraReport, check_era
from quzhou_desktop.services.integrity.trust import Replay, TrustReport, check_anchors
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.verify import Problem, verify_all
from quzhou_desktop.store.db import Database

__all__ = ["SignatureCheck", "VerifyReport", "check_signatures", "verify_database", "verify_db"]


@dataclass(frozen=True)
class SignatureCheck:
    problems: list[Problem]
    notes: list[str]  # Chinese lines: the root and its fingerprint, acts checked, what predates signing
    acts: int
    fingerprint: str | None


@dataclass(frozen=True)
class VerifyReport:
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_signatures(db: Database) -> SignatureCheck:
    """Every signed act, key, account and grant against the root; records that predate signing."""
    with db.read() as s:
        trust: TrustReport = Replay(s).run()
        problems = list(trust.problems)
        problems.extend(check_anchors(s, trust))
        era: EraReport = check_era(s, trust.root)
        problems.extend(era.problems)
        enrolled = [
            str(r[0])
            for r in s.execute(
                text(
                    "SELECT u.username FROM signed_act a JOIN user_account u ON u.id = a.signer_id "
                    "WHERE a.act = 'key.enroll' ORDER BY a.number"
                )
            )
        ]
    notes: list[str] = []
    root = trust.root
    fp = signing.fingerprint(root.public) if root is not None else None
    if root is None:
        notes.append(
            "尚未建立信任根（本数据库来自旧版本，乡镇管理员登录一次即可建立）：账号和授权暂无法追溯核对"
        )
    else:
        when = root.at + timedelta(hours=8)
        how = "首次设置时" if root.kind == "trust.root" else "升级后由管理员"
        notes.append(f"信任根：{how}建立于 {when:%Y-%m-%d %H:%M}，密钥指纹 {fp}（请与管理员恢复单核对）")
    notes.append(f"已核对电子签名 {trust.acts} 份")
    if enrolled:
        notes.append(
            f"升级后本人首次登录时生成的签名密钥 {len(enrolled)} 把（未经管理员签发，如有怀疑请重置该用户密码）："
            + "、".join(enrolled)
        )
    if era.legacy:
        counts = "，".join(f"{label} {n} 条" for label, n in era.legacy.items())
        where = f"（已由信任根锁定于审计日志第{root.log_seq}条）" if root is not None else ""
        notes.append(f"早于电子签名的记录，按旧方式签名或未签名{where}：{counts}")
    return SignatureCheck(problems, notes, trust.acts, fp)


def verify_db(db: Database) -> VerifyReport:
    """Everything ``verify`` checks, on an open database (no login: reading only)."""
    with db.read_engine.connect() as conn:
        problems = verify_all(conn)
        entries = int(conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() or 0)
    if any(p.kind == "integrity" for p in problems):
        return VerifyReport(problems, [], entries)
    signatures = check_signatures(db)
    return VerifyReport(problems + signatures.problems, signatures.notes, entries)


def verify_database(ctx: AppContext) -> VerifyReport:
    """``verify_db`` for the logged-in user (the GUI's 校验数据库)."""
    ctx.require_user()
    return verify_db(ctx.db)
