"""A print batch reads its records together (the monthly reviews of several villages and months, the vouchers its
实施结果公告 cite, the villages' names): what it prints for each notice is what printing that notice alone gives —
the same document, the same pages, the same text — only the 核验码 differs (C27: the printed text is a function
of the record)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.printing.documents import VoucherForm, canonical_content
from quzhou_desktop.printing.render import render
from quzhou_desktop.services.disclosures.disclosure import ReviewRequired
from quzhou_desktop.services.notices.checks import verify_notice
from quzhou_desktop.services.notices.common import NoticeCache
from quzhou_desktop.services.notices.issue import IssuedNotice, build_document, print_notice, print_notices
from quzhou_desktop.services.notices.prints import PrintRow, record_prints
from quzhou_desktop.store.audit.chain import canonical, chain_head, object_state
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import AuditEntry, Disclosure, MonthlyReview, NoticePrint, VoucherEvent
from tests.services.notices.test_notices import CASES
from tests.support.notices import Printables
from tests.support.pdf import page_texts

FIXED_CODE = "2345-6789-ABCD-EFGH"


def _more_reviews(p: Printables) -> list[str]:
    """An October review in the same village (no vouchers that month) and a November one in another village
    (no 村监会 on its roster), so the batch gathers several villages and months."""
    rows = [
        MonthlyReview(village_id=p.village_id, year=2026, month=10, meeting_date=dt.date(2026, 10, 30),
                      attendee_ids_json=json.dumps([p.people["毛秀英"]]), overall_opinion="十月无支出。",
                      item_opinions_json="{}", state="draft"),
        MonthlyReview(village_id=p.world.village_ids[1], year=2026, month=11, meeting_date=dt.date(2026, 11, 28),
                      attendee_ids_json="[]", item_opinions_json="{}", open_items="补齐例会签到表", state="draft"),
    ]  # fmt: skip
    with p.ctx.write("test.review") as s:
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def _pdf(issued: IssuedNotice) -> bytes:
    buf = io.BytesIO()
    render(dataclasses.replace(issued.document, code=FIXED_CODE), buf)
    return buf.getvalue()


def test_a_batch_prints_each_notice_as_printing_it_alone(printables: Printables, tmp_path: Path) -> None:
    ctx = printables.ctx
    items = [(kind, get(printables)) for kind, get, _ in CASES]
    items += [("review", rid) for rid in _more_reviews(printables)]
    assert sum(k == "review" for k, _ in items) == 3 and {k for k, _ in items} >= {
        "result",
        "finance",
        "voucher",
    }

    batch = print_notices(ctx, items, tmp_path / "batch.pdf")
    alone = [print_notice(ctx, kind, rid, tmp_path / f"{n}.pdf") for n, (kind, rid) in enumerate(items)]

    for (kind, rid), b, a in zip(items, batch, alone, strict=True):
        built = canonical_content(build_document(ctx, kind, rid))  # no batch, no cache
        assert canonical_content(b.document) == canonical_content(a.document) == built, kind
        assert b.pages == a.pages, kind
        assert _pdf(b) == _pdf(a), kind  # with the same code, the same PDF bytes
    # the batch's pages read as the single prints' pages, one after another, the codes aside
    got = page_texts(tmp_path / "batch.pdf")
    want = [t for n in range(len(items)) for t in page_texts(tmp_path / f"{n}.pdf")]
    assert len(got) == len(want) == sum(i.pages for i in batch)
    first = 0
    for b, a in zip(batch, alone, strict=True):
        for page in range(first, first + b.pages):
            assert b.code in got[page] and a.code in want[page]
            assert got[page].replace(b.code, "CODE") == want[page].replace(a.code, "CODE")
        first += b.pages


def test_a_batch_with_an_unreviewed_finance_disclosure_prints_nothing_c31(
    printables: Printables, tmp_path: Path
) -> None:
    """The batch reads its 财务公开 together but leaves out one whose review no longer holds: built alone, it
    refuses with the reason (C31), and nothing of the batch is printed or recorded."""
    ctx = printables.ctx
    with ctx.write("test.edit") as s:
        d = s.get(Disclosure, printables.finance_id)
        assert d is not None
        d.title += "（改）"  # after the review: its signature no longer covers the content
    items = [("voucher", printables.voucher_id), ("finance", printables.finance_id)]
    with pytest.raises(ReviewRequired):
        print_notices(ctx, items, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()
    with ctx.read() as s:
        assert s.query(NoticePrint).count() == 0


def test_a_batch_records_every_print_with_an_audit_entry_naming_it(
    printables: Printables, tmp_path: Path
) -> None:
    """The batch writes its print records below the ORM, yet the log reads as if each had been added alone: one
    ``notice.print`` entry per printed notice, naming its row and holding the row's state (what the ORM's
    audit hook records for a new row), after the entry the codes cite; the chain and every record verify, and
    each 核验码 resolves to its notice, unchanged."""
    ctx = printables.ctx
    items = [(kind, get(printables)) for kind, get, _ in CASES]
    with ctx.db.write_engine.connect() as conn:
        head_seq, _ = chain_head(conn)

    issued = print_notices(ctx, items, tmp_path / "batch.pdf")

    with ctx.read() as s:
        rows = {r.code: r for r in s.scalars(select(NoticePrint))}
        entries = list(
            s.scalars(select(AuditEntry).where(AuditEntry.seq > head_seq).order_by(AuditEntry.seq))
        )
        # the state the audit hook would record for each row, read back through the ORM
        states = {r.id: canonical(object_state(r)) for r in rows.values()}
        admin = ctx.require_user()
        assert len(rows) == len(issued) == len(items)
        assert [(e.action, e.entity) for e in entries] == [("notice.print", "notice_print")] * len(items)
        assert [e.entity_id for e in entries] == sorted(states)  # one each, in the hook's order
        assert all(e.after_json == states[e.entity_id] and e.before_json is None for e in entries)
        assert {(e.user_id, e.username) for e in entries} == {(admin.id, admin.username)}
        for n in issued:
            row = rows[n.code]
            assert (row.kind, row.record_id, row.audit_seq, row.row_version) == (
                n.kind,
                n.record_id,
                head_seq,
                1,
            )
    with ctx.db.write_engine.connect() as conn:
        assert verify_all(conn) == []
    for n in issued:
        check = verify_notice(ctx, n.code)
        assert check.unchanged and (check.kind, check.record_id) == (n.kind, n.record_id)


def test_a_print_record_written_in_bulk_is_audited_like_one_the_orm_adds(printables: Printables) -> None:
    """An entry ``record_prints`` writes and one the ORM's hook writes for the same row differ in nothing but the
    row's own values: same action, entity and state keys, dates in the same canonical text."""
    ctx = printables.ctx
    now = dt.datetime(2026, 12, 1, 8, 30, 15, 123456)
    fields = {"kind": "voucher", "record_id": printables.voucher_id, "content_hash": "ab" * 32}
    with ctx.write("notice.print") as s:
        (bulk_id,) = record_prints(
            s, [PrintRow(code="BULK-CODE", **fields)], audit_seq=1, audit_hash="cd" * 32,
            printed_at=now, printed_by=ctx.require_user().id,
        )  # fmt: skip
    with ctx.write("notice.print") as s:
        orm = NoticePrint(code="ORM-CODE", audit_seq=1, audit_hash="cd" * 32, printed_at=now,
                          printed_by=ctx.require_user().id, **fields)  # fmt: skip
        s.add(orm)
        s.flush()
        orm_id = orm.id
    with ctx.read() as s:
        bulk, hooked = (
            s.scalars(select(AuditEntry).where(AuditEntry.entity_id == i)).one() for i in (bulk_id, orm_id)
        )
        assert (
            (bulk.action, bulk.entity) == (hooked.action, hooked.entity) == ("notice.print", "notice_print")
        )
        a, b = json.loads(bulk.after_json or ""), json.loads(hooked.after_json or "")
        assert a.keys() == b.keys()
        differ = {k for k in a if a[k] != b[k]}
        assert {"id", "code"} <= differ <= {"id", "code", "created_at"}, differ
        assert a["printed_at"] == b["printed_at"] == "2026-12-01 08:30:15.123456"
        assert len(a["created_at"]) == len(b["created_at"]) == 26
    with ctx.db.write_engine.connect() as conn:
        assert verify_all(conn) == []


def test_a_batch_reads_its_vouchers_together_but_one_with_simultaneous_events_alone_c32(
    printables: Printables,
) -> None:
    """The batch reads its 支出凭证审批单 with their events at once; a voucher two of whose events share an instant
    (一肩挑, C32: one signature recorded for 主任 and 书记; here also two reviews at one instant, whose names the
    form lists in the order read) is read alone, so its form is the one printing it alone gives."""
    ctx = printables.ctx
    v1, v2 = printables.voucher_id, printables.voucher2_id
    with ctx.write("test.edit") as s:
        events = {e.kind: e for e in s.scalars(select(VoucherEvent).where(VoucherEvent.voucher_id == v1))}
        director, secretary, review = events["sign_director"], events["sign_secretary"], events["review"]
        secretary.at, secretary.actor_name = director.at, director.actor_name
        director.person_id = secretary.person_id = printables.people["毛秀英"]
        s.add(VoucherEvent(voucher_id=v1, kind="review", opinion="agree", actor_name="郑伟", at=review.at))
    cache = NoticeCache(batch=[("voucher", v1), ("voucher", v2)])
    batch = [build_document(ctx, "voucher", rid, cache=cache) for rid in (v1, v2)]
    assert cache.vouchers_read and set(cache.vouchers) == {v2}  # v1 was read alone
    alone = [build_document(ctx, "voucher", rid) for rid in (v1, v2)]
    assert batch == alone
    form = batch[0]
    assert isinstance(form, VoucherForm) and form.joint_note.startswith("一肩挑") and "、" in form.review.name
