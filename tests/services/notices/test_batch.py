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

from quzhou_desktop.printing.documents import canonical_content
from quzhou_desktop.printing.render import render
from quzhou_desktop.services.disclosures.disclosure import ReviewRequired
from quzhou_desktop.services.notices.issue import IssuedNotice, build_document, print_notice, print_notices
from quzhou_desktop.store.models import Disclosure, MonthlyReview, NoticePrint
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
