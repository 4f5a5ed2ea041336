"""The 工作台's 先审后签 lists in one query (``voucher_todo``) are exactly the six queue functions' lists, for
every role, one village or all, inside a snapshot or not, and when a queue has more vouchers than it shows."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date

import pytest

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers import queues
from quzhou_desktop.services.vouchers.flow import agency_acts_here, review_voucher, sign_voucher
from quzhou_desktop.services.vouchers.todo import VoucherTodo, voucher_todo
from tests.support.vouchers import VoucherVillage
from tests.support.world import PASSWORD


def _separately(ctx: AppContext, village_id: str | None) -> VoucherTodo:
    return VoucherTodo(
        review=queues.awaiting_my_review(ctx, village_id),
        sign=queues.awaiting_my_signature(ctx, village_id),
        returned=queues.returned_to_me(ctx, village_id),
        agency=queues.awaiting_acceptance(ctx, village_id),
        deliver=queues.awaiting_delivery(ctx, village_id),
        stale=queues.stale_unreviewed(ctx, village_id=village_id),
        agency_here=agency_acts_here(ctx),
    )


def _reviewed(v: VoucherVillage, number: str, day: int) -> str:
    vid = v.submitted(100_000, number=number, voucher_date=date(2026, 11, day))
    review_voucher(v.member1, vid, "agree", "", PASSWORD)
    review_voucher(v.chair, vid, "agree", "", PASSWORD)
    return vid


@pytest.mark.parametrize("limit", [500, 2], ids=["all-shown", "queues-cut-at-2"])
def test_voucher_todo_is_the_six_queues(
    village: VoucherVillage, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = village
    old = [v.submitted(10_000 + i, number=f"1{i:02d}", voucher_date=date(2026, 11, 9 - i)) for i in range(3)]
    for k in range(3):  # 需补正: back with the clerk
        back = v.submitted(20_000, number=f"2{k:02d}", voucher_date=date(2026, 11, 4 + k))
        review_voucher(v.chair, back, "correct", "缺发票", PASSWORD)
    for k in range(3):  # reviewed, awaiting the 主任
        _reviewed(v, f"3{k:02d}", 6 - k)
    for k in range(3):  # 主任 signed, awaiting the 书记; then signed by both, awaiting delivery
        sign_voucher(v.director, _reviewed(v, f"4{k:02d}", 2 + k), PASSWORD)
        done = _reviewed(v, f"5{k:02d}", 7 + k)
        sign_voucher(v.director, done, PASSWORD)
        sign_voucher(v.secretary, done, PASSWORD)
    for k in range(3):
        v.delivered(30_000, number=f"6{k:02d}", voucher_date=date(2026, 11, 10 + k))
    review_voucher(v.member1, old[0], "agree", "", PASSWORD)  # one reviewer done with one of the old ones
    v.world.clock.advance(days=20)  # the first ones are stale now; these are not
    fresh = [v.submitted(40_000, number=f"7{i:02d}", voucher_date=date(2026, 11, 1 + i)) for i in range(3)]
    assert fresh and old
    monkeypatch.setattr(queues, "_LIMIT", limit)
    users = [v.world.admin, v.clerk, v.chair, v.member1, v.member2, v.director, v.secretary]
    seen: set[str] = set()
    for ctx in users:
        for village_id in (v.vid, None):
            for shared in (False, True):
                with ctx.snapshot() if shared else nullcontext():
                    expected = _separately(ctx, village_id)
                    got = voucher_todo(ctx, village_id)
                assert got == expected, (ctx.require_user().username, village_id, shared)
                seen.update(
                    name for name in ("review", "sign", "returned", "deliver", "stale") if getattr(got, name)
                )
    assert seen == {"review", "sign", "returned", "deliver", "stale"}  # every list had something to compare
    if limit == 2:
        assert len(voucher_todo(v.member1, v.vid).stale) == 2 and len(voucher_todo(v.clerk).returned) == 2
