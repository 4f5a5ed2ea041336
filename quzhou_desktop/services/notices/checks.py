"""What a 核验码 typed from paper says about the database.

``verify_notice``: which record a printed code is and whether the database still holds what was printed.
``notice_anchor``: the audit-chain anchor the paper carries, for ``verify --notice CODE``.

A version-2 code (``printing.verification``) names the audit entry the print cited (seq) and binds that entry's
chain hash in its 60-bit digest. The database's print record (``NoticePrint``) holds the kind, the record and
the content hash, which the digest also binds: when the digest recomputed from the print record and the chain's
hash at seq equals the paper's, both are as printed. When it does not, the digest recomputed with the hash the
print record stored tells which side changed — the chain (rewritten at or before seq) or the print record.
A version-1 code (printed before anchors) carries no seq; it is checked against the print record alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.printing.documents import canonical_content
from quzhou_desktop.printing.verification import ParsedCode, content_hash, digest_of, make_code, parse_code
from quzhou_desktop.services.kernel.context import AppContext, CurrentUser
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.notices.issue import KIND_LABELS, build_document, village_of
from quzhou_desktop.services.notices.money import local_date
from quzhou_desktop.store.anchors import ChainPoint
from quzhou_desktop.store.models import Disclosure, NoticePrint, UserAccount, Village, Voucher

__all__ = ["CodeBeyondChain", "NoticeAnchor", "NoticeCheck", "UnknownCode", "notice_anchor", "verify_notice"]


class UnknownCode(QuzhouError):
    code = "notice_code"
    template = "数据库中没有核验码为 {code} 的打印记录：这张纸不是从本数据库打印的，或核验码抄错了"


class CodeBeyondChain(QuzhouError):
    code = "notice_code.beyond_chain"
    template = (
        "数据库中没有核验码为 {code} 的打印记录，而这张公告打印时审计日志已有第{seq}条，数据库现在只到第{end}条："
        "第{end}条之后的记录缺失"
    )


@dataclass(frozen=True)
class NoticeCheck:
    """What a 核验码 says about a printed notice."""

    code: str
    kind: str
    kind_label: str
    record_id: str
    title: str
    village: str
    printed_on: dt.date
    printed_at: dt.datetime  # UTC
    printed_by: str
    unchanged: bool
    reason: str  # Chinese: why it changed, empty when unchanged

    @property
    def summary(self) -> str:
        head = (
            f"核验码 {self.code}：{self.village}{self.kind_label}《{self.title}》，"
            f"{self.printed_by or '（未知用户）'}于{self.printed_on.year}年{self.printed_on.month}月"
            f"{self.printed_on.day}日打印。"
        )
        if self.unchanged:
            return head + "数据库中的记录与打印内容一致（未变更）。"
        return head + f"已变更：{self.reason}"


@dataclass(frozen=True)
class _Print:
    """A print record as the database holds it, matched to the code typed from paper."""

    row: NoticePrint
    seq: int | None  # the seq the paper names (None: a version-1 code, or a version-2 code typed short)
    chain_hash: str | None  # the chain's hash now at the cited seq
    chain_end: int


def _find(s: Session, parsed: ParsedCode) -> NoticePrint | None:
    row = s.scalars(select(NoticePrint).where(NoticePrint.code == parsed.code)).first()
    if row is None and parsed.seq is None:  # a version-2 code typed without its last group
        row = s.scalars(select(NoticePrint).where(NoticePrint.code.like(parsed.digest + "-%"))).first()
    return row


def _chain(s: Session, seq: int | None) -> tuple[str | None, int]:
    end = int(s.execute(text("SELECT max(seq) FROM audit_log")).scalar() or 0)
    if not seq:
        return None, end
    return s.execute(text("SELECT hash FROM audit_log WHERE seq = :q"), {"q": seq}).scalar(), end


def _anchor_problem(parsed: ParsedCode, p: _Print) -> str:
    """Why the paper's version-2 digest does not hold for the database ('' when it does)."""
    row, seq = p.row, parsed.seq
    assert seq is not None
    if p.chain_hash is not None and (
        digest_of(row.kind, row.record_id, row.content_hash, p.chain_hash, seq) == parsed.digest
    ):
        return ""
    authentic = row.audit_seq == seq and (
        digest_of(row.kind, row.record_id, row.content_hash, row.audit_hash or "", seq) == parsed.digest
    )
    if not authentic:
        return "数据库中的打印记录与纸面核验码对不上：打印记录在打印后被改动过，或核验码抄错了"
    if p.chain_hash is None:
        return (
            f"打印时审计日志已有第{seq}条，数据库现在只到第{p.chain_end}条：第{p.chain_end}条之后的记录缺失"
        )
    return f"审计日志在第{seq}条或之前被改写：打印时第{seq}条的校验值与数据库中现在的不同"


def _reader(ctx: AppContext, village_id: str) -> AppContext:
    """A read-only context for the record's village: verification only reads, and the paper is public anyway."""
    ro = CurrentUser(
        id="", username="verify", display_name="核验", role=Role.READONLY, person_id=None,
        village_ids=frozenset({village_id}),
    )  # fmt: skip
    return AppContext(ctx.db, ro, ctx.clock)


def _superseded(ctx: AppContext, kind: str, record_id: str) -> str:
    with ctx.read() as s:
        if kind == "voucher":
            newer = s.scalars(select(Voucher).where(Voucher.supersedes_id == record_id)).first()
            if newer is not None:
                return f"这张凭证已被更正为第{newer.version}版（编号 {newer.id}）"
        if kind in ("finance", "disclosure", "contract", "evaluation"):
            newer_d = s.scalars(select(Disclosure).where(Disclosure.supersedes_id == record_id)).first()
            if newer_d is not None:
                return f"这份{KIND_LABELS[kind]}已被更正（新版本编号 {newer_d.id}）"
    return ""


def verify_notice(ctx: AppContext, code: str) -> NoticeCheck:
    """Look up a printed code and rebuild the document from today's data: unchanged iff the content hash is
    equal, the code still derives from it and from the chain at the cited entry, and nothing supersedes the
    record."""
    parsed = parse_code(code)
    with ctx.read() as s:
        row = _find(s, parsed)
        if row is None:
            _hash, end = _chain(s, None)
            if parsed.seq is not None and parsed.seq > end:
                raise CodeBeyondChain(code=parsed.code, seq=parsed.seq, end=end)
            raise UnknownCode(code=parsed.code)
        seq = parsed.seq if parsed.seq is not None else row.audit_seq
        chain_hash, end = _chain(s, seq)
        found = _Print(row, parsed.seq, chain_hash, end)
        acc = s.get(UserAccount, row.printed_by) if row.printed_by else None
        printed_by = acc.display_name if acc else ""
        kind, rid, stored_hash, printed_at = row.kind, row.record_id, row.content_hash, row.printed_at
        audit_seq, audit_hash, stored_code = row.audit_seq, row.audit_hash or "", row.code
    title, village, reason = "", "", ""
    if parsed.seq is not None:
        reason = _anchor_problem(parsed, found)
    try:
        village_id = village_of(ctx, kind, rid)
        reader = _reader(ctx, village_id)
        with reader.read() as s:
            v = s.get(Village, village_id)
            village = v.name if v else ""
        doc = build_document(reader, kind, rid)
        title = doc.title
        content = canonical_content(doc)
        if not reason and content_hash(content) != stored_hash:
            reason = "数据库中的记录在打印后被修改过，与纸面内容不一致"
        elif not reason and make_code(
            kind, rid, content, audit_hash, _stored_seq(stored_code, audit_seq)
        ) != (stored_code):
            reason = "核验码与打印时的记录对不上"
    except QuzhouError as exc:
        reason = reason or f"无法按现有数据重新生成这份公告（{exc}）"
    if not reason and audit_seq and chain_hash != audit_hash:
        reason = f"打印时所依据的审计日志第{audit_seq}条已被改写"
    if not reason:
        reason = _superseded(ctx, kind, rid)
    return NoticeCheck(
        code=stored_code if parsed.seq is None else parsed.code,
        kind=kind,
        kind_label=KIND_LABELS.get(kind, kind),
        record_id=rid,
        title=title,
        village=village,
        printed_on=local_date(printed_at),
        printed_at=printed_at,
        printed_by=printed_by,
        unchanged=not reason,
        reason=reason,
    )


def _stored_seq(stored_code: str, audit_seq: int | None) -> int | None:
    """The seq a stored code was made with: version-2 codes are longer than the 14 characters of version 1."""
    return audit_seq if len(stored_code) > 14 else None


@dataclass(frozen=True)
class NoticeAnchor:
    """What one code typed from paper contributes to ``verify``."""

    code: str
    point: ChainPoint | None  # the chain point the paper vouches for, when it can be established
    problem: str = ""  # the paper contradicts the print record (Chinese)
    note: str = ""  # nothing to check (Chinese)


def notice_anchor(ctx: AppContext, code: str) -> NoticeAnchor:
    """The anchor a printed code carries: (seq, the chain hash the print record stored) when the paper's digest
    proves the print record authentic; only "the chain had seq entries" when it does not."""
    parsed = parse_code(code)
    source = f"核验码 {parsed.code}"
    if parsed.seq is None:
        return NoticeAnchor(
            parsed.code, None, note=f"{source} 是旧版核验码，不含审计锚点，只能用“核验公告”核对记录"
        )
    with ctx.read() as s:
        row = _find(s, parsed)
        if row is None:
            return NoticeAnchor(
                parsed.code, ChainPoint(parsed.seq, None, None, source),
                problem=f"{source} 在数据库中查不到打印记录：打印记录被删除，或核验码抄错了",
            )  # fmt: skip
        authentic = row.audit_seq == parsed.seq and (
            digest_of(row.kind, row.record_id, row.content_hash, row.audit_hash or "", parsed.seq)
            == parsed.digest
        )
        if not authentic:
            return NoticeAnchor(
                parsed.code, ChainPoint(parsed.seq, None, None, source),
                problem=f"{source} 与数据库中的打印记录对不上：打印记录在打印后被改动过，或核验码抄错了",
            )  # fmt: skip
        return NoticeAnchor(parsed.code, ChainPoint(parsed.seq, row.audit_hash, None, source))
