"""The demo township's contracts, assets and reviews: a village hall lease with an overdue receivable, a land
承包, a works contract tied to its 五议两公开 matter, a lease ending soon, a disposal without a decision on the
村监会's list, an asset let without a contract, and two years of 民主评议 ending an office (C22) — all audited."""

from __future__ import annotations

import random
from datetime import date

import pytest

from quzhou_desktop.services.contracts import query as Q
from quzhou_desktop.services.contracts import reminders as R
from quzhou_desktop.services.demo import PARTS, DemoState
from quzhou_desktop.services.evaluations import query as E
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from tests.support.world import FixedClock

TODAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo() -> tuple[AppContext, DemoState]:
    ctx = AppContext(Database(None), clock=FixedClock.on(TODAY))
    state = DemoState(ctx=ctx, rng=random.Random(2026), today=TODAY)
    for part in PARTS:
        part(state)
    return ctx, state


def test_demo_contracts_and_assets(demo: tuple[AppContext, DemoState]) -> None:
    _ctx, state = demo
    clerk = state.login("wenshu")
    v1 = state.village_ids[0]
    rows = {r.title: r for r in Q.list_contracts(clerk, Q.ContractFilter(village_id=v1))}
    assert {"村老会堂租赁合同", "村北农田承包合同", "村主干道硬化及路灯安装工程施工合同", "村办公楼一楼店面租赁合同",
            "村南山塘养殖承包合同", "村东闲置仓库租赁合同"} <= set(rows)  # fmt: skip
    works = Q.contract_detail(clerk, rows["村主干道硬化及路灯安装工程施工合同"].id)
    assert (
        works.decision_text.startswith("主干道硬化及路灯安装工程（")
        and "村民代表会议决议通过" in works.decision_text
    )
    assert [r.title for r in R.expiring_contracts(clerk, v1)] == ["村办公楼一楼店面租赁合同"]
    overdue = R.overdue_receivables(clerk, v1)
    assert [o.title for o in overdue] == ["村老会堂租赁合同"] and overdue[0].overdue_fen == 1_800_000
    assert [r.title for r in R.undecided_contracts(clerk, v1)] == ["村南山塘养殖承包合同"]
    assert [a.name for a in R.leased_without_contract(clerk, v1)] == ["村东旧粮站"]


def test_demo_reviews_end_an_office_and_miss_two_villages(demo: tuple[AppContext, DemoState]) -> None:
    _ctx, state = demo
    admin = state.login("admin")
    due = E.by_elections_due(admin)
    assert len(due) == 1 and due[0].ended_on == date(2025, 12, 10) and due[0].role_text == "村委会委员"
    assert [n for _, n in E.missed_years(admin, 2025)] == ["横路村", "石门村"]
    reviews = E.evaluations_of(admin, state.village_ids[0])
    assert [(r.year, r.state, r.incompetent) for r in reviews] == [(2025, "final", 1), (2024, "final", 1)]


def test_demo_audit_chain_verifies(demo: tuple[AppContext, DemoState]) -> None:
    ctx, _state = demo
    with ctx.db.read_engine.connect() as conn:
        assert verify_all(conn) == []
