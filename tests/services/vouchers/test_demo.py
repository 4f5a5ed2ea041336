"""The demo township's year of vouchers: every state, corrections, reviewed and locked months, clean audit."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from sqlalchemy import select

from quzhou_desktop.services.demo import DemoState, rosters
from quzhou_desktop.services.demo import vouchers as demo_vouchers
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.data import voucher_detail
from quzhou_desktop.services.vouchers.queues import awaiting_my_review, months_not_reviewed
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import MonthlyReview, Voucher


def test_demo_vouchers() -> None:
    # Only the steps this one needs (rosters, then vouchers), so other demo steps do not affect it.
    ctx = AppContext(Database(None))
    state = DemoState(ctx=ctx, rng=random.Random(2026), today=date(2026, 11, 24))
    rosters.build(state)
    demo_vouchers.build(state)
    with ctx.db.read() as s:
        vouchers = list(s.scalars(select(Voucher)))
        reviews = list(s.scalars(select(MonthlyReview)))
    statuses = Counter(v.status for v in vouchers)
    every = {"draft", "submitted", "needs_correction", "rejected", "reviewed", "director_signed",
             "secretary_signed", "delivered", "accepted", "returned", "void", "superseded"}  # fmt: skip
    assert every <= set(statuses)
    assert sum(1 for v in vouchers if v.version > 1) >= 2  # corrected after 补正 and after 退回
    assert sum(1 for r in reviews if r.locked) >= 10
    clerk = state.login("wenshu")
    for v in vouchers[:20]:
        assert voucher_detail(clerk, v.id).tamper == ()
    assert awaiting_my_review(state.login("jianwei"))
    # the demo's today, not the real clock; the clerk works for the demo village only, the township sees all
    assert months_not_reviewed(clerk, today=state.today) == []
    open_months = months_not_reviewed(state.login("admin"), today=state.today)
    assert [(m.village_name, m.year, m.month) for m in open_months] == [("上洋村", 2026, 10)]
    with ctx.db.write_engine.connect() as conn:
        assert verify_all(conn) == []
