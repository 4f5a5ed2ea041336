"""Register list filters, sort and search; the 工作台 lists; print and export data — over the demo matters."""

from __future__ import annotations

import random

import pytest

from quzhou_desktop.printing.documents import PlanNotice, RegisterForm, ResultNotice
from quzhou_desktop.services.demo import DemoState, rosters
from quzhou_desktop.services.demo import matters as demo_matters
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.matters.export import EXPORT_COLUMNS, export_rows
from quzhou_desktop.services.matters.query import (
    MatterFilter,
    count_matters,
    dashboard,
    list_matters,
    matter_years,
)
from quzhou_desktop.services.notices.issue import build_document
from quzhou_desktop.services.notices.register import NotPrintable
from quzhou_desktop.store.db import Database
from tests.support.matters import TODAY
from tests.support.world import FixedClock


@pytest.fixture(scope="module")
def demo() -> DemoState:
    ctx = AppContext(Database(None), clock=FixedClock.on(TODAY))
    state = DemoState(ctx=ctx, rng=random.Random(3), today=TODAY)
    rosters.build(state)
    demo_matters.build(state)
    return state


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (MatterFilter(), 13),  # 12 demo matters + the second run of the failed one
        (MatterFilter(failed=True), 1),
        (MatterFilter(status="completed"), 2),
        (MatterFilter(category="public_welfare"), 3),
        (MatterFilter(current_step="plan_posting"), 1),
        (MatterFilter(search="光伏"), 2),
        (MatterFilter(search="不存在的事项"), 0),
        (MatterFilter(overdue=True), 2),  # two resolutions not disclosed by the day after
    ],
)
def test_register_filters(demo: DemoState, flt: MatterFilter, expected: int) -> None:
    admin = demo.login("admin")
    assert count_matters(admin, flt) == expected
    assert len(list_matters(admin, flt, limit=50)) == expected


def test_register_is_scoped_to_the_clerks_villages(demo: DemoState) -> None:
    clerk = demo.login("wenshu")  # works for the demo village only
    rows = list_matters(clerk, MatterFilter(), limit=50)
    assert {r.village_name for r in rows} == {"溪口村"}
    assert count_matters(clerk, MatterFilter()) == len(rows) == 5
    assert count_matters(demo.login("admin"), MatterFilter()) == 13


@pytest.mark.parametrize(
    ("sort", "desc"), [("title", False), ("village", True), ("next_due", False), ("amount", True)]
)
def test_register_sorts_in_sql_and_pages(demo: DemoState, sort: str, desc: bool) -> None:
    admin = demo.login("admin")
    whole = list_matters(admin, MatterFilter(), sort=sort, descending=desc, limit=50)
    paged = list_matters(admin, MatterFilter(), sort=sort, descending=desc, offset=0, limit=5) + list_matters(
        admin, MatterFilter(), sort=sort, descending=desc, offset=5, limit=50
    )
    assert [r.id for r in paged] == [r.id for r in whole]
    if sort == "title":
        assert [r.title for r in whole] == sorted(r.title for r in whole)


def test_years(demo: DemoState) -> None:
    assert matter_years(demo.login("admin")) == [2026]


def test_dashboard_lists(demo: DemoState) -> None:
    d = dashboard(demo.login("admin"))
    assert any("方案公示于" in i.text and "期满" in i.text for i in d.postings_ending)
    assert {i.title for i in d.undisclosed if i.overdue} == {"山塘清淤及灌溉渠修复", "土地承包经营权流转"}
    assert any("实施结果尚未公开" in i.text for i in d.undisclosed)
    assert any(i.title == "光伏发电项目入股（第2轮）" for i in d.waiting)
    assert all(i.title != "光伏发电项目入股" for i in d.waiting)  # the failed run waits for nothing


def test_demo_has_a_failed_vote_and_an_amendment(demo: DemoState) -> None:
    admin = demo.login("admin")
    failed = list_matters(admin, MatterFilter(failed=True))[0]
    detail = M.get_matter(admin, failed.id)
    assert detail.later_run_id is not None and detail.final_steps[-1].result_label == "未通过"
    road = list_matters(admin, MatterFilter(search="主干道"))[0]
    consult = M.get_matter(admin, road.id).final_steps[2]
    assert consult.amendments and "漏录" in consult.amendments[0].reason


def test_notices_and_export_of_a_demo_matter(demo: DemoState) -> None:
    admin = demo.login("admin")
    road = list_matters(admin, MatterFilter(search="主干道"))[0]
    steps = {s.step.value: s for s in M.get_matter(admin, road.id).final_steps}
    plan = build_document(admin, "plan", steps["plan_posting"].id)
    assert isinstance(plan, PlanNotice)
    assert plan.title == "溪口村关于主干道硬化及路灯安装工程方案的公示"
    assert plan.meeting.body == "村务联席会议" and plan.meeting.date == steps["consult"]["meeting_date"]
    assert (plan.posting_to - plan.posting_from).days == 16
    result = build_document(admin, "result", steps["result_disclosure"].id)
    assert isinstance(result, ResultNotice)
    assert sum(a.fen for a in result.amounts) == 38_600_000
    reg = build_document(admin, "register", road.id)
    assert isinstance(reg, RegisterForm)
    assert [s.step for s in reg.steps][:2] == ["党员群众建议", "村党组织提议"]
    assert (reg.steps[1].entitled, reg.steps[1].present) == (5, 5)
    rows = export_rows(admin)
    assert rows and set(rows[0]) == {k for k, _ in EXPORT_COLUMNS}
    assert [r["ratio"] for r in rows if r["matter"] == road.title][1] == "100.0%"
    village_rows = export_rows(admin, village_id=demo.village_ids[0])
    assert {r["village"] for r in village_rows} == {"溪口村"}
    failed = list_matters(admin, MatterFilter(failed=True))[0]
    failed_vote = M.get_matter(admin, failed.id).final_steps[-1]
    with pytest.raises(NotPrintable, match="不能打印决议公告"):  # the run never reached a passed 决议
        build_document(admin, "resolution", failed_vote.id)
