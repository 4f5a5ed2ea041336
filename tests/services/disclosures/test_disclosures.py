"""三务公开 services: catalogue, drafting, C31 review before posting, supersession, matters link, register,
audit entries and permission refusals — on a real temporary SQLite file."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.disclosures import catalogue as cat
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures import finance as fin
from quzhou_desktop.services.disclosures import register as reg
from quzhou_desktop.services.disclosures.disclosure import DisclosureLocked, DisclosureSpec, ReviewRequired
from quzhou_desktop.services.kernel.auth import SignatureFailed
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.models import AuditEntry, Disclosure
from tests.support.disclosures import DisclosureStaff, add_vouchers, audit_actions
from tests.support.world import PASSWORD


def general(staff: DisclosureStaff, village_id: str | None = None, **kw: object) -> str:
    vid = village_id or staff.v0
    spec = DisclosureSpec(
        village_id=vid, category="party", title="2026年第三季度党费缴纳情况", body="全体党员已按时缴纳党费。",
        item_id=staff.item(vid, "party", "quarterly"), period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
    )  # fmt: skip
    for k, v in kw.items():
        object.__setattr__(spec, k, v)
    return svc.create_disclosure(staff.clerk, spec)


# ---------------------------------------------------------------------------------------------------------
# catalogue


def test_default_catalogue_covers_the_three_categories_and_is_created_once(staff: DisclosureStaff) -> None:
    items = cat.list_items(staff.clerk, staff.v0)
    assert {i.category for i in items} == {"party", "village", "finance"}
    assert {i.cadence for i in items} == {"fixed", "quarterly", "immediate"}
    assert any("财务收支" in i.name and i.cadence == "quarterly" for i in items)
    assert cat.ensure_default_catalogue(staff.world.admin) == 0


def test_default_items_name_their_sources_and_old_source_codes_are_restated(staff: DisclosureStaff) -> None:
    bases = {i.name: i.basis for i in cat.list_items(staff.clerk, None)}
    assert bases["协助政府开展工作的情况"] == "每季度（《中华人民共和国村民委员会组织法》第三十条）"
    assert bases["一事一议筹资筹劳"] == "专项、随时（《农村集体经济组织财务公开规定》）"
    # a database made by an earlier version holds the source codes of a document users never had
    from quzhou_desktop.store.models import DisclosureItem

    with staff.world.admin.write("test.old_basis") as s:
        for item in s.scalars(select(DisclosureItem).where(DisclosureItem.village_id.is_(None))):
            if item.name == "协助政府开展工作的情况":
                item.basis = "每季度（S6）"
            if item.name == "宅基地审批":
                item.basis = "每季度首月20日前（S26）"
    assert cat.ensure_default_catalogue(staff.world.admin) == 0
    bases = {i.name: i.basis for i in cat.list_items(staff.clerk, None)}
    assert bases["协助政府开展工作的情况"] == "每季度（《中华人民共和国村民委员会组织法》第三十条）"
    assert bases["宅基地审批"] == "每季度首月20日前（浙江省县级村务公开目录（地方做法））"
    assert not [b for b in bases.values() if b and re.search(r"\bS\d+", b)]
    with staff.world.admin.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)))
    assert actions == ["disclosure.catalogue_sources"]
    assert cat.ensure_default_catalogue(staff.world.admin) == 0  # nothing left to restate: no further entry
    with staff.world.admin.read() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc())).first() == actions[0]


def test_village_item_and_township_change(staff: DisclosureStaff) -> None:
    own = cat.add_item(
        staff.clerk, staff.v0, category="village", name="集体林地流转情况", cadence="quarterly"
    )
    assert own.id in {i.id for i in cat.list_items(staff.clerk, staff.v0)}
    assert own.id not in {i.id for i in cat.list_items(staff.clerk, staff.v1)}
    with pytest.raises(PermissionDenied):  # a clerk cannot change the township catalogue
        cat.add_item(staff.clerk, None, category="party", name="主题党日活动", cadence="monthly")
    t = cat.add_item(staff.world.admin, None, category="party", name="主题党日活动", cadence="monthly")
    assert t.id in {i.id for i in cat.list_items(staff.clerk, staff.v1)}
    cat.set_item_active(staff.world.admin, t.id, False, reason="乡镇调整目录")
    assert t.id not in {i.id for i in cat.list_items(staff.clerk, staff.v1)}


# ---------------------------------------------------------------------------------------------------------
# drafting, C31 review, posting


def test_create_update_post_general_disclosure_with_audit(staff: DisclosureStaff) -> None:
    did = general(staff)
    info = svc.get_disclosure(staff.clerk, did)
    assert info.status == "draft" and info.due_on == date(2026, 10, 20)  # C21: Q3 covered → Q4 deadline
    spec = DisclosureSpec(staff.v0, "party", "2026年第三季度党费缴纳情况（修订）", body="已缴清。",
                          item_id=info.item_id, period_start=info.period_start, period_end=info.period_end)  # fmt: skip
    svc.update_draft(staff.clerk, did, spec, expected_version=info.row_version)
    warnings = svc.post_disclosure(
        staff.clerk, did, channels=("公开栏", "网络"), posted_from=date(2026, 10, 12), password=PASSWORD
    )
    assert warnings and "事先审查" in warnings[0]  # C31: non-finance → warning only
    info = svc.get_disclosure(staff.clerk, did)
    assert info.status == "posted" and info.channels == ("公开栏", "网络")
    assert audit_actions(staff.world, did) == ["disclosure.create", "disclosure.update", "disclosure.post"]


@pytest.mark.parametrize(
    "reviewed,expect",
    [(False, "refused"), (True, "posted")],
    ids=["C31-no-review-blocks", "C31-reviewed-posts"],
)
def test_c31_finance_needs_review_before_posting(staff: DisclosureStaff, reviewed: bool, expect: str) -> None:
    add_vouchers(staff.world, staff.v0, [(date(2026, 10, 5), "2026-001", 123450, "reviewed")])
    did = fin.create_finance_disclosure(
        staff.clerk,
        staff.v0,
        date(2026, 10, 1),
        date(2026, 10, 31),
        item_id=staff.item(staff.v0, "finance", "quarterly"),
    )
    if reviewed:
        svc.review_disclosure(staff.sup, did, password=PASSWORD, opinion="经审核，收支真实，同意公开。")

    def post() -> list[str]:
        return svc.post_disclosure(
            staff.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )

    if expect == "refused":
        with pytest.raises(ReviewRequired) as exc:
            post()
        assert exc.value.code == "C31" and "村务监督委员会审核" in str(exc.value)
        with pytest.raises(ReviewRequired):  # C31: no review → block print
            fin.finance_notice_data(staff.clerk, did)
        assert svc.get_disclosure(staff.clerk, did).status == "draft"
    else:
        assert post() == []
        data = fin.finance_notice_data(staff.clerk, did)
        assert data.expense_fen == 123450 and data.expense_lower == "¥1,234.50"
        assert data.expense_upper == "人民币壹仟贰佰叁拾肆元伍角整"
        assert data.reviewers == ("郑监督",) and "郑监督" in data.review_line
        assert data.period == "2026年10月"


def test_review_needs_password_membership_and_permission(staff: DisclosureStaff) -> None:
    did = general(staff)
    with pytest.raises(SignatureFailed):
        svc.review_disclosure(staff.sup, did, password="wrong", opinion="同意")
    with pytest.raises(PermissionDenied):  # a clerk may not review
        svc.review_disclosure(staff.clerk, did, password=PASSWORD, opinion="同意")
    with pytest.raises(PermissionDenied):  # 村监会 of another village
        svc.review_disclosure(staff.sup_other, did, password=PASSWORD, opinion="同意")
    assert svc.get_disclosure(staff.clerk, did).status == "draft"
    svc.review_disclosure(staff.sup, did, password=PASSWORD, opinion="同意公开")
    info = svc.get_disclosure(staff.clerk, did)
    assert info.status == "reviewed" and info.reviewer_name == "郑监督" and info.review_opinion == "同意公开"


def test_supervisor_role_without_seat_cannot_review(staff: DisclosureStaff) -> None:
    did = general(staff)
    seatless = staff.world.new_user("jw3", Role.SUPERVISOR, [staff.v0])
    with pytest.raises(PermissionDenied, match="不是溪口村村务监督委员会的在任成员"):
        svc.review_disclosure(seatless, did, password=PASSWORD, opinion="同意")


def test_edit_after_review_voids_the_review(staff: DisclosureStaff) -> None:
    add_vouchers(staff.world, staff.v0, [(date(2026, 10, 5), "2026-001", 50000, "director_signed")])
    item = staff.item(staff.v0, "finance", "quarterly")
    did = fin.create_finance_disclosure(
        staff.clerk, staff.v0, date(2026, 10, 1), date(2026, 10, 31), item_id=item
    )
    svc.review_disclosure(staff.sup, did, password=PASSWORD, opinion="同意")
    info = svc.get_disclosure(staff.clerk, did)
    spec = DisclosureSpec(staff.v0, "finance", info.title, body="改过的说明", item_id=item, kind="finance_period",
                          period_start=info.period_start, period_end=info.period_end, table=info.table,
                          total_income_fen=info.total_income_fen, total_expense_fen=info.total_expense_fen)  # fmt: skip
    svc.update_draft(staff.clerk, did, spec, expected_version=info.row_version)
    assert svc.get_disclosure(staff.clerk, did).status == "draft"
    with pytest.raises(ReviewRequired):
        svc.post_disclosure(
            staff.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )


def test_tampered_review_is_detected(staff: DisclosureStaff) -> None:
    add_vouchers(staff.world, staff.v0, [(date(2026, 10, 5), "2026-001", 50000, "reviewed")])
    did = fin.create_finance_disclosure(
        staff.clerk, staff.v0, date(2026, 10, 1), date(2026, 10, 31), item_id=None
    )
    svc.review_disclosure(staff.sup, did, password=PASSWORD, opinion="同意")
    with staff.world.admin.write("test.tamper") as s:  # someone edits the amount behind the app's back
        d = s.get(Disclosure, did)
        assert d is not None
        d.total_expense_fen = 5000
    assert svc.get_disclosure(staff.clerk, did).warnings
    with pytest.raises(ReviewRequired):
        svc.post_disclosure(
            staff.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )


# ---------------------------------------------------------------------------------------------------------
# finance table


def test_finance_table_from_reviewed_vouchers_and_ledger(staff: DisclosureStaff) -> None:
    add_vouchers(
        staff.world, staff.v0,
        [
            (date(2026, 10, 1), "001", 10000, "reviewed"),
            (date(2026, 10, 31), "002", 20000, "accepted"),
            (date(2026, 10, 15), "003", 40000, "submitted"),  # not reviewed: left out
            (date(2026, 10, 16), "004", 80000, "rejected"),
            (date(2026, 11, 1), "005", 160000, "reviewed"),  # next month
            (date(2026, 9, 30), "006", 320000, "reviewed"),  # previous month
        ],
        ledger=[
            (date(2026, 10, 3), None, "土地租金收入", 500000, 0),
            (date(2026, 10, 31), "002", "同一笔支出", 0, 20000),  # same as voucher 002: counted once
            (date(2026, 10, 20), "L-9", "代理中心记账支出", 0, 3300),
        ],
    )  # fmt: skip
    t = fin.build_finance_table(staff.clerk, staff.v0, date(2026, 10, 1), date(2026, 10, 31))
    assert t.income_fen == 500000 and t.expense_fen == 10000 + 20000 + 3300
    assert [ln.ref for ln in t.lines if ln.expense_fen] == ["001", "L-9", "002"]
    assert fin.FinanceTable.from_json(json.loads(json.dumps(t.to_json()))) == t


@pytest.mark.parametrize(
    "start,end,title",
    [
        (date(2026, 10, 1), date(2026, 10, 31), "溪口村2026年10月财务收支公开"),
        (date(2024, 2, 1), date(2024, 2, 29), "溪口村2024年2月财务收支公开"),  # leap year
        (date(2026, 7, 1), date(2026, 9, 30), "溪口村2026年第3季度财务收支公开"),
        (date(2026, 10, 1), date(2026, 10, 15), "溪口村2026年10月1日至2026年10月15日财务收支公开"),
    ],
)
def test_finance_titles(start: date, end: date, title: str) -> None:
    assert fin.finance_period_title("溪口村", start, end) == title


# ---------------------------------------------------------------------------------------------------------
# immutability and supersession


def test_posted_is_immutable_and_correction_supersedes(staff: DisclosureStaff) -> None:
    did = general(staff)
    svc.post_disclosure(
        staff.clerk, did, channels=("公开栏",), posted_from=date(2026, 10, 12), password=PASSWORD
    )
    info = svc.get_disclosure(staff.clerk, did)
    spec = DisclosureSpec(staff.v0, "party", "改标题", item_id=info.item_id)
    with pytest.raises(DisclosureLocked, match="已公开"):
        svc.update_draft(staff.clerk, did, spec, expected_version=info.row_version)
    with pytest.raises(ValidationError, match="更正原因"):
        svc.start_correction(staff.clerk, did, reason=" ")
    new = svc.start_correction(staff.clerk, did, reason="党员人数统计有误")
    assert svc.get_disclosure(staff.clerk, did).status == "posted"  # until the correction is posted
    svc.post_disclosure(
        staff.clerk, new, channels=("公开栏",), posted_from=date(2026, 10, 15), password=PASSWORD
    )
    old, corr = svc.get_disclosure(staff.clerk, did), svc.get_disclosure(staff.clerk, new)
    assert old.status == "superseded" and old.superseded_by_id == new
    assert corr.supersedes_id == did and corr.title.startswith("（更正）") and "统计有误" in corr.body
    assert "disclosure.post" in audit_actions(staff.world, did)  # the old row's status change is audited
    with staff.world.admin.read() as s:
        reason = s.scalars(select(AuditEntry.reason).where(AuditEntry.entity_id == new)).first()
    assert reason == "党员人数统计有误"


# ---------------------------------------------------------------------------------------------------------
# permissions


def test_permission_refusals(staff: DisclosureStaff) -> None:
    spec = DisclosureSpec(staff.v0, "village", "测试")
    with pytest.raises(PermissionDenied):
        svc.create_disclosure(staff.director, spec)  # 主任 has no 编辑公开事项
    with pytest.raises(PermissionDenied):
        svc.create_disclosure(staff.reader, spec)
    other = staff.world.new_user("wenshu2", Role.CLERK, [staff.v1])
    with pytest.raises(PermissionDenied, match="不能代表这个村"):
        svc.create_disclosure(other, spec)
    did = general(staff)
    with pytest.raises(PermissionDenied):
        svc.get_disclosure(other, did)
    with pytest.raises(PermissionDenied):
        svc.post_disclosure(
            staff.sup, did, channels=("公开栏",), posted_from=date(2026, 10, 1), password=PASSWORD
        )


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"title": "  "}, "标题"),
        ({"category": "other"}, "公开类别"),
        ({"channels": ("微信群",)}, "公开方式"),
        ({"period_start": date(2026, 10, 1), "period_end": date(2026, 9, 30)}, "公开期间"),
    ],
)
def test_bad_fields_are_named(staff: DisclosureStaff, kw: dict[str, Any], field: str) -> None:
    base = {"village_id": staff.v0, "category": "village", "title": "测试"}
    with pytest.raises(ValidationError, match=field):
        svc.create_disclosure(staff.clerk, DisclosureSpec(**{**base, **kw}))


# ---------------------------------------------------------------------------------------------------------
# register


def test_register_filters(staff: DisclosureStaff) -> None:
    # overdue: covered Q3 → due 10-20, still a draft on 11-24
    late_draft = general(staff)
    on_time = general(staff, title="按时")
    svc.post_disclosure(
        staff.clerk, on_time, channels=("公开栏",), posted_from=date(2026, 10, 20), password=PASSWORD
    )
    late_post = general(staff, title="逾期公开")
    svc.post_disclosure(
        staff.clerk, late_post, channels=("公开栏",), posted_from=date(2026, 10, 21), password=PASSWORD
    )
    other_village = general(staff, village_id=staff.v1, title="上洋村")
    flt = reg.DisclosureFilter
    ids = lambda f: {r.id for r in reg.list_disclosures(staff.clerk, f)}  # noqa: E731
    assert ids(flt()) == {late_draft, on_time, late_post, other_village}
    assert ids(flt(village_id=staff.v1)) == {other_village}
    assert ids(flt(village_id=staff.v0, overdue_only=True)) == {late_draft, late_post}
    rows = {r.id: r for r in reg.list_disclosures(staff.clerk, flt(overdue_only=True))}
    assert rows[late_post].days_late == 1 and rows[late_post].late_text == "逾期1天公开"
    assert rows[late_draft].days_late == 35  # 10-20 → 11-24
    assert ids(flt(category="finance")) == set()
    assert ids(flt(period_from=date(2026, 10, 1))) == set()
    assert ids(flt(period_from=date(2026, 9, 1), period_to=date(2026, 9, 30))) == ids(flt())
    assert reg.count_disclosures(staff.clerk, flt(status="posted")) == 2
    page = reg.list_disclosures(staff.clerk, flt(), offset=1, limit=2, sort="title", descending=False)
    assert len(page) == 2


@pytest.mark.parametrize("sort", sorted(reg.SORTS))
def test_register_pages_follow_the_sort(staff: DisclosureStaff, sort: str) -> None:
    """Page by page (the ids sorted first, then their rows) gives the rows in the sort's order, every row once,
    for one village and for all."""
    for i, title in enumerate(("丙", "甲", "乙", "丁")):
        general(staff, title=title)
        general(staff, village_id=staff.v1, title=f"{title}{i}")
    key = {"village": "village_name", "period": "period_start", "due": "due_on", "posted": "posted_from"}
    for village_id in (staff.v0, None):
        flt = reg.DisclosureFilter(village_id=village_id)
        for descending in (False, True):
            pages = [
                reg.list_disclosures(staff.clerk, flt, offset=o, limit=3, sort=sort, descending=descending)
                for o in range(0, 9, 3)
            ]
            rows = [r for page in pages for r in page]
            assert len({r.id for r in rows}) == len(rows) == reg.count_disclosures(staff.clerk, flt)
            values = [getattr(r, key.get(sort, sort)) for r in rows]
            present = [v for v in values if v is not None]
            assert present == sorted(present, reverse=descending), (sort, descending, values)
            assert values[len(present) :] == [None] * (len(values) - len(present))  # empty last


def test_resolution_disclosure_from_matter_links_back(staff: DisclosureStaff) -> None:
    from quzhou_desktop.services.disclosures.from_matters import (
        create_from_matter_step,
        disclosures_for_matter,
    )
    from quzhou_desktop.store.models import Matter, MatterStep

    with staff.world.admin.write("test.matter") as s:
        m = Matter(village_id=staff.v0, title="村道硬化工程", category="public_works", source="村干部提议",
                   year=2026, amount_fen=12000000)  # fmt: skip
        s.add(m)
        s.flush()
        st = MatterStep(matter_id=m.id, seq=6, step_type="resolve", body="representatives",
                        meeting_date=date(2026, 11, 2), place="村会议室", entitled_count=45, present_count=38,
                        votes_for=35, votes_against=2, votes_abstain=1, passed=True, state="final",
                        decision_text="同意实施村道硬化工程。")  # fmt: skip
        s.add(st)
        s.flush()
        mid, sid = m.id, st.id
    did = create_from_matter_step(staff.clerk, sid)
    info = svc.get_disclosure(staff.clerk, did)
    assert info.kind == "resolution" and info.matter_id == mid and info.step_id == sid
    assert "赞成35票" in info.body and "村民代表会议" in info.body and "壹拾贰万元整" in info.body
    assert [x.id for x in disclosures_for_matter(staff.clerk, mid)] == [did]


def test_datetime_clock_is_used_for_review_time(staff: DisclosureStaff) -> None:
    did = general(staff)
    svc.review_disclosure(staff.sup, did, password=PASSWORD, opinion="同意")
    assert svc.get_disclosure(staff.clerk, did).reviewed_at == datetime(2026, 11, 24, 2, 0, 0)
