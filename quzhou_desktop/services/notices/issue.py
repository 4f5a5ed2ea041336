"""Printing notices: build the document from the database, issue its 核验码, record the print, render the PDF
(checking a printed code is ``services.notices.checks``).

A print is one write transaction: the code is ``make_code(kind, record_id, canonical_content(doc), audit head,
seq)`` — a version-2 code that carries the cited audit entry, an anchor on paper — a ``NoticePrint`` row
(audited) is added, and the PDF is rendered before the commit — a character no font has (MissingGlyph) rolls
the record back, so no code exists for paper that was never printed. After the commit the site's anchor journal
gets a signed anchor of the same entry (``services.kernel.anchoring``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.printing.documents import Notice, canonical_content
from quzhou_desktop.printing.fonts import FontSet
from quzhou_desktop.printing.render import no_cycle_collection, render_many
from quzhou_desktop.printing.verification import code_from_hash, content_hash
from quzhou_desktop.services.kernel.anchoring import write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.notices.common import NoticeCache
from quzhou_desktop.services.notices.contract_notices import contract_notice, evaluation_notice
from quzhou_desktop.services.notices.disclosure import disclosure_notice
from quzhou_desktop.services.notices.money import (
    finance_notice,
    review_record_id,
    review_report,
    voucher_form,
)
from quzhou_desktop.services.notices.prints import PrintRow, record_prints
from quzhou_desktop.services.notices.register import (
    plan_notice,
    register_form,
    resolution_notice,
    result_notice,
)
from quzhou_desktop.store.audit.chain import chain_head
from quzhou_desktop.store.models import (
    Disclosure,
    Matter,
    MatterStep,
    MonthlyReview,
    NoticePrint,
    Voucher,
)

__all__ = [
    "KIND_LABELS",
    "IssuedNotice",
    "NoticeCache",
    "build_document",
    "due_items",
    "print_notices",
    "review_record_id",
]

KIND_LABELS: dict[str, str] = {
    "plan": "方案公示",
    "resolution": "决议公告",
    "result": "实施结果公告",
    "finance": "财务公开表",
    "review": "村监会月度审核意见书",
    "voucher": "支出凭证审批单",
    "register": "五议两公开登记表",
    "disclosure": "党务村务公开",
    "contract": "合同公开",
    "evaluation": "民主评议结果公告",
}
PAPERS = ("A4", "A3")
_IN = 900  # keep IN lists under SQLite's variable limit

_BUILDERS: dict[str, Callable[[AppContext, str, NoticeCache | None], Notice]] = {
    "plan": plan_notice,
    "resolution": resolution_notice,
    "result": result_notice,
    "finance": finance_notice,
    "review": review_report,
    "voucher": voucher_form,
    "register": register_form,
    "disclosure": disclosure_notice,
    "contract": contract_notice,
    "evaluation": evaluation_notice,
}


class UnknownNoticeKind(ValidationError):
    code = "print_kind"
    template = "不支持的打印类型“{kind}”。可选：{choices}"


def _kind(kind: str) -> str:
    if kind not in _BUILDERS:
        choices = "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items())
        raise UnknownNoticeKind(kind=kind, choices=choices)
    return kind


def build_document(ctx: AppContext, kind: str, record_id: str, *, cache: NoticeCache | None = None) -> Notice:
    """The printable document of ``kind`` for ``record_id`` as the database holds it now (no code yet).

    ``cache``: lookups shared by the documents of one batch (``print_notices`` passes one); the document is the
    same with or without it.
    """
    return _BUILDERS[_kind(kind)](ctx, record_id, cache)


def village_of(ctx: AppContext, kind: str, record_id: str) -> str:
    """The village a record belongs to (permission checks, batch grouping)."""
    with ctx.read() as s:
        return _found(kind, record_id, _village_in(s, kind, record_id))


def _found(kind: str, record_id: str, vid: str | None) -> str:
    if vid is None:
        raise NotFound(what=f"编号为 {record_id} 的{KIND_LABELS.get(kind, '记录')}")
    return vid


def _village_in(s: Session, kind: str, record_id: str) -> str | None:
    """The record's village id, None when there is no such record."""
    vid: str | None = None
    if kind in ("plan", "resolution", "result"):
        vid = s.scalar(
            select(Matter.village_id)
            .join(MatterStep, MatterStep.matter_id == Matter.id)
            .where(MatterStep.id == record_id)
        )
    elif kind == "register":
        vid = s.scalar(select(Matter.village_id).where(Matter.id == record_id))
    elif kind == "voucher":
        vid = s.scalar(select(Voucher.village_id).where(Voucher.id == record_id))
    elif kind in ("finance", "disclosure", "contract", "evaluation"):
        vid = s.scalar(select(Disclosure.village_id).where(Disclosure.id == record_id))
    elif kind == "review":
        vid = s.scalar(select(MonthlyReview.village_id).where(MonthlyReview.id == record_id))
    return vid


def _villages_in(s: Session, items: Sequence[tuple[str, str]]) -> list[str | None]:
    """``_village_in`` of every (kind, record id), read with one query per kind (and IN-list part)."""
    found: dict[tuple[str, str], str | None] = {}
    by_kind: dict[str, list[str]] = {}
    for kind, rid in items:
        by_kind.setdefault(kind, []).append(rid)
    for kind, rids in by_kind.items():
        for i in range(0, len(rids), _IN):
            part = rids[i : i + _IN]
            if kind in ("plan", "resolution", "result"):
                q = (
                    select(MatterStep.id, Matter.village_id)
                    .join(Matter, Matter.id == MatterStep.matter_id)
                    .where(MatterStep.id.in_(part))
                )
            elif kind == "register":
                q = select(Matter.id, Matter.village_id).where(Matter.id.in_(part))
            elif kind == "voucher":
                q = select(Voucher.id, Voucher.village_id).where(Voucher.id.in_(part))
            elif kind in ("finance", "disclosure", "contract", "evaluation"):
                q = select(Disclosure.id, Disclosure.village_id).where(Disclosure.id.in_(part))
            elif kind == "review":
                q = select(MonthlyReview.id, MonthlyReview.village_id).where(MonthlyReview.id.in_(part))
            else:
                continue
            found.update(((kind, rid), vid) for rid, vid in s.execute(q))
    return [found.get(item) for item in items]


@dataclass(frozen=True)
class IssuedNotice:
    kind: str
    record_id: str
    code: str
    document: Notice  # with ``code`` and ``paper`` set, as printed
    pages: int
    pdf: bytes = b""  # with ``groups``: the PDF of its group, on the first notice of each group


def print_notices(
    ctx: AppContext,
    items: Sequence[tuple[str, str]],
    out: Path | str | BinaryIO | None,
    *,
    paper: str = "A4",
    progress: Callable[[int, int], None] | None = None,
    groups: Sequence[str] | None = None,
) -> list[IssuedNotice]:
    """Print (kind, record id) items into ONE PDF at ``out``; each gets its own 核验码 and NoticePrint row.
    ``groups`` (one key per item): instead, the notices of each key are rendered into a PDF of their own
    (``IssuedNotice.pdf`` of the key's first notice) and ``out`` may be None.

    Requires Perm.PRINT for every record's village.  ``progress(done, total)`` is called as documents are built
    (the last step, rendering, reports ``total``).  Nothing is recorded if any document fails to build or render.
    """
    if paper not in PAPERS:
        raise ValidationError(field="纸张", reason=f"“{paper}”不支持，可选 A4 或 A3")
    unique = list(dict.fromkeys((_kind(k), r) for k, r in items))
    key_of = {} if groups is None else dict(zip(((k, r) for k, r in items), groups, strict=True))
    keys = None if groups is None else [key_of[u] for u in unique]
    if not unique:
        raise ValidationError(field="打印内容", reason="没有需要打印的公告")
    # Building a batch makes ORM rows and views by the ten thousand, and rendering a token per character: the
    # cycle collector, left on, would walk every live object of the application again and again meanwhile.
    with no_cycle_collection():
        return _print(ctx, unique, out, paper, progress, keys)


def _print(
    ctx: AppContext,
    unique: list[tuple[str, str]],
    out: Path | str | BinaryIO | None,
    paper: str,
    progress: Callable[[int, int], None] | None,
    keys: list[str] | None,
) -> list[IssuedNotice]:
    from quzhou_desktop.services.notices.fonts import current_fontset

    user = ctx.require_user()
    with ctx.read() as s:  # every record's village, a query per kind; checked in item order below, as before
        villages = _villages_in(s, unique)
    docs: list[Notice] = []
    total = len(unique) + 1
    cache = NoticeCache(batch=unique)
    for n, ((kind, rid), vid) in enumerate(zip(unique, villages, strict=True), 1):
        ctx.require(Perm.PRINT, _found(kind, rid, vid))
        docs.append(build_document(ctx, kind, rid, cache=cache))
        if progress:
            progress(n, total)
    fonts = current_fontset()
    issued: list[IssuedNotice] = []
    buf = io.BytesIO()
    with ctx.write("notice.print") as s:
        seq, head = chain_head(s.connection())
        now = ctx.clock.now()
        printed: list[Notice] = []
        rows: list[PrintRow] = []
        for (kind, rid), doc in zip(unique, docs, strict=True):
            hashed = content_hash(canonical_content(doc))
            code = code_from_hash(kind, rid, hashed, head, seq)
            rows.append(PrintRow(code, kind, rid, hashed))
            printed.append(dataclasses.replace(doc, code=code, paper=paper))
        record_prints(s, rows, audit_seq=seq, audit_hash=head, printed_at=now, printed_by=user.id)
        pdfs, pages = _render(printed, buf, fonts, keys)  # MissingGlyph here rolls the print records back
        issued = [
            IssuedNotice(k, r, d.code, d, p, one)
            for (k, r), d, p, one in zip(unique, printed, pages, pdfs, strict=True)
        ]
    write_anchor(ctx.db, "print", point=(seq, head))
    data = buf.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    if progress:
        progress(total, total)
    return issued


def _render(
    docs: list[Notice], buf: BinaryIO, fonts: FontSet, keys: list[str] | None
) -> tuple[list[bytes], list[int]]:
    """Render into ``buf`` (one PDF), or the documents of each key into a PDF of their own."""
    if keys is None:
        return [b""] * len(docs), render_many(docs, buf, fonts=fonts)
    pdfs = [b""] * len(docs)
    pages = [0] * len(docs)
    members: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    for idx in members.values():
        one = io.BytesIO()
        for i, n in zip(idx, render_many([docs[i] for i in idx], one, fonts=fonts), strict=True):
            pages[i] = n
        pdfs[idx[0]] = one.getvalue()
    return pdfs, pages


def print_notice(
    ctx: AppContext, kind: str, record_id: str, out: Path | str | BinaryIO, *, paper: str = "A4"
) -> IssuedNotice:
    """One notice: ``print_notices`` with a single item."""
    return print_notices(ctx, [(kind, record_id)], out, paper=paper)[0]


def due_items(ctx: AppContext, village_ids: Sequence[str], today: dt.date) -> list[tuple[str, str]]:
    """Every printable notice due this period for the villages, never printed before: the 财务公开, 党务公开 /
    村务公开 and 决议公开 / 实施结果公开 the cadence engine lists (C20, C21, C31), and this month's recorded
    村监会月度审核."""
    from quzhou_desktop.services.disclosures.cadence import due_notices

    ids = list(village_ids)
    items = [(k, r) for k, r in due_notices(ctx, ids, today) if k in _BUILDERS]
    start = today.replace(day=1)
    with ctx.read() as s:
        printed = set(s.scalars(select(NoticePrint.record_id).where(NoticePrint.kind == "review")))
        reviews = s.scalars(
            select(MonthlyReview.id)
            .where(
                MonthlyReview.village_id.in_(ids),
                MonthlyReview.meeting_date >= start,
                MonthlyReview.meeting_date <= today,
            )
            .order_by(MonthlyReview.village_id, MonthlyReview.year, MonthlyReview.month)
        ).all()
    items += [("review", rid) for rid in reviews if rid not in printed]
    return items
