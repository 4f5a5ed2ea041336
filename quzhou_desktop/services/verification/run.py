"""The verify entry point and its parts, each in its own function so further checks slot in beside them:

- ``structure_problems``: the store's checks of the file (integrity, triggers, foreign keys), the chain, every
  audited record against its latest entry, every attachment's content;
- ``anchor_findings``: every anchor found (``services.kernel.anchoring.gather_anchors``) and every code typed
  from paper (``services.notices.checks.notice_anchor``) against the chain (``store.anchors.compare_points``):
  "审计日志在第K条之后被改写" when the chain at an anchored seq has another head (K: the highest seq below it
  that another anchor still confirms; "在第N条或之前" when none does), "第L条之后的记录缺失" when an anchor
  names a seq past the chain's end L; anchors whose signature fails or whose key the site does not list are
  named and not used; anchors replaced by a restore the chain records are listed as notes.

- ``signature_findings``: every signed act, key, account and grant traced to the root of trust, and signed
  records against what was signed (``services.integrity.check_signatures``); skipped when the file itself is
  damaged (its rows cannot be trusted to read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, text

from quzhou_desktop.services.integrity import check_signatures
from quzhou_desktop.services.kernel.anchoring import FoundAnchor, GatheredAnchors, gather_anchors, key_label
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.site import SiteInfo, read_site
from quzhou_desktop.services.notices.checks import NoticeAnchor, notice_anchor
from quzhou_desktop.store.anchors import ChainPoint, PointCheck, compare_points
from quzhou_desktop.store.audit.verify import Problem, verify_all

__all__ = ["VerifyReport", "anchor_findings", "signature_findings", "structure_problems", "verify"]

SHANGHAI = timedelta(hours=8)


def local_time(at: datetime | None) -> str:
    return "时间不详" if at is None else f"{at + SHANGHAI:%Y-%m-%d %H:%M}"


@dataclass
class VerifyReport:
    db_label: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Chinese: worth knowing, not a failure
    entries: int = 0  # audit entries
    anchors_used: int = 0  # distinct (seq, head) points checked against the chain
    latest: ChainPoint | None = None  # the newest anchored point that still holds
    site: SiteInfo | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if not self.ok:
            return f"校验未通过：{self.db_label}，发现 {len(self.problems)} 处问题"
        text_ = (
            f"校验通过：{self.db_label}（完整性正常，审计日志 {self.entries} 条，记录与日志一致，附件完好，"
            "电子签名与账号授权有效；"
        )
        if self.latest is None:
            return text_ + "没有数据库之外的锚点，无法发现整条日志被改写或回退）"
        return text_ + (
            f"数据库之外的锚点 {self.anchors_used} 个，最新为第{self.latest.seq}条（{local_time(self.latest.at)}），"
            "均与审计日志一致）"
        )


def structure_problems(conn: Connection) -> list[Problem]:
    """The store's checks: file, chain, records, attachments."""
    return verify_all(conn)


def signature_findings(ctx: AppContext, structure: Sequence[Problem]) -> tuple[list[Problem], list[str]]:
    """The signatures' problems and notes (the root's fingerprint, acts checked, what predates signing)."""
    if any(p.kind == "integrity" for p in structure):
        return [], []
    found = check_signatures(ctx.db)
    return list(found.problems), list(found.notes)


def _point(f: FoundAnchor) -> ChainPoint:
    return ChainPoint(f.anchor.seq, f.anchor.head, f.anchor.time, f.source)


def _sources(group: list[PointCheck]) -> str:
    first = group[0].point.source
    return first if len(group) == 1 else f"{first}等 {len(group)} 处"


def _point_problem(group: list[PointCheck]) -> Problem | str:
    """A failed check as a Problem, or a note (Chinese) for a point a restore replaced."""
    c = group[0]
    p, where = c.point, _sources(group)
    when = local_time(p.at)
    taken = f"（{when}）" if p.at is not None else ""
    if c.status == "superseded":
        assert c.restore is not None
        r = c.restore
        return (
            f"{where}记录的第{p.seq}条{taken}属于恢复之前的数据库：审计日志第{r.seq}条记录了"
            f"{r.username or '某用户'}于{local_time(r.at)}从备份恢复（恢复到第{r.backup_seq}条）"
        )
    if c.status == "missing":
        return Problem(
            "anchor_missing",
            f"第{c.chain_end}条之后的记录缺失：{where}证明审计日志{'在' + when if p.at else '曾'}已有第{p.seq}条，"
            f"数据库中现在只到第{c.chain_end}条（日志被回退或删除）",
            seq=p.seq,
        )
    lead = f"审计日志在第{c.known_good}条之后被改写" if c.known_good else f"审计日志在第{p.seq}条或之前被改写"
    return Problem(
        "anchor_rewritten",
        f"{lead}：{where}记录的第{p.seq}条{taken}校验值与数据库中现在的不同（日志被改写后重新计算过）",
        seq=p.seq,
    )


def _signature_findings(gathered: GatheredAnchors, site: SiteInfo | None) -> tuple[list[Problem], list[str]]:
    problems = [
        Problem(
            "anchor_signature",
            f"{f.source}的锚点（第{f.anchor.seq}条，{local_time(f.anchor.time)}）签名不符：锚点被篡改或伪造，未采用",
            seq=f.anchor.seq,
        )
        for f in gathered.bad_signature
    ] + [
        Problem(
            "anchor_unknown_key",
            f"{f.source}的锚点（第{f.anchor.seq}条）由本站点未登记的密钥签名（指纹 {key_label(f.anchor)}）："
            "不是本站点签发的，或站点密钥记录被改动过，未采用",
            seq=f.anchor.seq,
        )
        for f in gathered.unknown_key
    ]
    notes = list(gathered.unreadable)
    others = sorted({f.anchor.site for f in gathered.other_site})
    if others:
        whose = "本数据库还没有站点标识" if site is None else "它们属于另一个站点"
        notes.append(f"有 {len(gathered.other_site)} 个锚点未采用：{whose}（站点编号 {'、'.join(others)}）")
    return problems, notes


def anchor_findings(
    conn: Connection, site: SiteInfo | None, gathered: GatheredAnchors, notices: Sequence[NoticeAnchor]
) -> tuple[list[Problem], list[str], list[PointCheck]]:
    """Problems and notes from every anchor and printed code, and the checks of the points that were usable."""
    problems, notes = _signature_findings(gathered, site)
    points = [_point(f) for f in gathered.usable]
    for n in notices:
        if n.problem:
            problems.append(Problem("notice", n.problem))
        if n.note:
            notes.append(n.note)
        if n.point is not None:
            points.append(n.point)
    checks = compare_points(conn, points)
    groups: dict[tuple[int, str | None, str], list[PointCheck]] = {}
    for c in checks:
        groups.setdefault((c.point.seq, c.point.head, c.status), []).append(c)
    for (_seq, _head, status), group in sorted(groups.items(), key=lambda kv: kv[0][0]):
        if status == "ok":
            continue
        found = _point_problem(group)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            notes.append(found)
    if site is None:
        notes.append("这个数据库还没有站点标识和站点密钥：请用管理员账号登录一次，此后备份和打印时会写下锚点")
    elif not gathered.usable and not any(n.point for n in notices):
        notes.append("没有找到本站点的锚点：审计日志被整条改写或回退时，只有数据库之外的锚点能发现")
    return problems, notes, checks


def verify(
    ctx: AppContext, *, anchor_files: Sequence[Path] = (), notice_codes: Sequence[str] = ()
) -> VerifyReport:
    """Everything ``verify`` checks, with every anchor it can find. No login needed: it only reads."""
    site = read_site(ctx.db)
    notices = [notice_anchor(ctx, code) for code in notice_codes]  # a malformed code raises before any work
    report = VerifyReport(ctx.db.label, site=site)
    with ctx.db.read_engine.connect() as conn:
        structure = structure_problems(conn)
        report.entries = int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar() or 0)
        gathered = gather_anchors(site, anchor_files)
        problems, notes, checks = anchor_findings(conn, site, gathered, notices)
    signed, signed_notes = signature_findings(ctx, structure)
    report.problems = [*structure, *signed, *problems]
    report.notes = [*signed_notes, *notes]
    held = [c.point for c in checks if c.status == "ok" and c.point.head is not None]
    report.anchors_used = len({(p.seq, p.head) for p in held})
    if held:
        report.latest = max(held, key=lambda p: (p.seq, p.at or datetime.min))
    return report
