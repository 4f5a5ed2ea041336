"""三务公开 services: catalogue, drafting, C31 review before posting, supersession, matters link, register,
audit entries and permission refusals — on a real temporary SQLite file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.disclosures import catalogue as cat
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures import finance as fin
from quzhou_desktop.services.disclosures import register as reg
from quzhou_desktop.services.disclosures.disclosure import DisclosureLocked, DisclosureSpec, ReviewRequired
from quzhou_desktop.services.kernel.auth import SignatureFailed
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.models import AuditEntry, Disclosure, LedgerLine, Membership, Person, Voucher
from tests.factories import PASSWORD, World


@dataclass
class DWorld:
    w: World
    clerk: AppContext
    sup: AppContext  # 村监会 member of village 0
    sup_other: AppContext  # 村监会 member of village 1 only
    director: AppContext
    reader: AppContext
    v0: str
    v1: str

    def item(self, village_id: str, category: str, cadence: str) -> str:
        items = cat.list_items(self.clerk, village_id)
        return next(i.id for i in items if i.category == category and i.cadence == cadence)


def _supervisor(w: World, village_id: str, name: str, username: str) -> AppContext:
    with w.admin.write("test.roster") as s:
        p = Person(village_id=village_id, name=name, gender="男")
        s.add(p)
        s.flush()
        s.add(
            Membership(village_id=village_id, person_id=p.id, body="supervisory", start_date=date(2024, 1, 1))
        )
        pid = p.id
    from quzhou_desktop.services.kernel.users import create_user

    info = create_user(
        w.admin, username=username, display_name=name, role=Role.SUPERVISOR, password=PASSWORD,
        village_ids=[village_id], person_id=pid, credential=PASSWORD
    )  # fmt: skip
    return w.as_user(info.id)


def make_dworld(world: World) -> DWorld:
    """The ``world`` plus the default 公开目录, a clerk for both villages, one 村监会 member per village."""
    cat.ensure_default_catalogue(world.admin)
    v0, v1 = world.village_ids
    clerk = world.new_user("wenshu", Role.CLERK, [v0, v1])
    return DWorld(
        world, clerk, _supervisor(world, v0, "郑监督", "jianwei"), _supervisor(world, v1, "钱监督", "jianwei2"),
        world.new_user("zhuren", Role.DIRECTOR), world.new_user("chakan", Role.READONLY, [v0, v1]), v0, v1,
    )  # fmt: skip


@pytest.fixture
def dw(world: World) -> DWorld:
    return make_dworld(world)


def add_vouchers(
    w: World, village_id: str, rows: list[tuple[date, str, int, str]], *, ledger: list[tuple] | None = None
) -> None:
    """Vouchers (date, number, fen, status) and ledger lines (date, voucher_no, summary, income, expense)
    written through the ORM inside ``ctx.write`` (audited like any change)."""
    with w.admin.write("test.vouchers") as s:
        for d, no, fen, status in rows:
            s.add(
                Voucher(village_id=village_id, year=d.year, number=no, voucher_date=d, handler_name="经手人",
                        payee="衢州某公司", purpose=f"支出{no}", amount_fen=fen, status=status)
            )  # fmt: skip
        for d, no, summary, inc, exp in ledger or []:
            s.add(LedgerLine(village_id=village_id, entry_date=d, voucher_no=no, summary=summary,
                             income_fen=inc, expense_fen=exp))  # fmt: skip


def general(dw: DWorld, village_id: str | None = None, **kw: object) -> str:
    vid = village_id or dw.v0
    spec = DisclosureSpec(
        village_id=vid, category="party", title="2026年第三季度党费缴纳情况", body="全体党员已按时缴纳党费。",
        item_id=dw.item(vid, "party", "quarterly"), period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
    )  # fmt: skip
    for k, v in kw.items():
        object.__setattr__(spec, k, v)
    return svc.create_disclosure(dw.clerk, spec)


def audit_actions(w: World, entity_id: str) -> list[str]:
    with w.admin.read() as s:
        return list(
            s.scalars(
                select(AuditEntry.action).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.seq)
            )
        )


# ---------------------------------------------------------------------------------------------------------
# catalogue


def test_default_catalogue_covers_the_three_categories_and_is_created_once(dw: DWorld) -> None:
    items = cat.list_items(dw.clerk, dw.v0)
    assert {i.category for i in items} == {"party", "village", "finance"}
    assert {i.cadence for i in items} == {"fixed", "quarterly", "immediate"}
    assert any("财务收支" in i.name and i.cadence == "quarterly" for i in items)
    assert cat.ensure_default_catalogue(dw.w.admin) == 0


def test_default_items_name_their_sources_and_old_source_codes_are_restated(dw: DWorld) -> None:
    bases = {i.name: i.basis for i in cat.list_items(dw.clerk, None)}
    assert bases["协助政府开展工作的情况"] == "每季度（《中华人民共和国村民委员会组织法》第三十条）"
    assert bases["一事一议筹资筹劳"] == "专项、随时（《农村集体经济组织财务公开规定》）"
    # a database made by an earlier version holds the source codes of a document users never had
    from quzhou_desktop.store.models import DisclosureItem

    with dw.w.admin.write("test.old_basis") as s:
        for item in s.scalars(select(DisclosureItem).where(DisclosureItem.village_id.is_(None))):
            if item.name == "协助政府开展工作的情况":
                item.basis = "每季度（S6）"
            if item.name == "宅基地审批":
                item.basis = "每季度首月20日前（S26）"
    assert cat.ensure_default_catalogue(dw.w.admin) == 0
    bases = {i.name: i.basis for i in cat.list_items(dw.clerk, None)}
    assert bases["协助政府开展工作的情况"] == "每季度（《中华人民共和国村民委员会组织法》第三十条）"
    assert bases["宅基地审批"] == "每季度首月20日前（浙江省县级村务公开目录（地方做法））"
    assert not [b for b in bases.values() if b and re.search(r"\bS\d+", b)]
    with dw.w.admin.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)))
    assert actions == ["disclosure.catalogue_sources"]
    assert cat.ensure_default_catalogue(dw.w.admin) == 0  # nothing left to restate: no further entry
    with dw.w.admin.read() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc())).first() == actions[0]


def test_village_item_and_township_change(dw: DWorld) -> None:
    own = cat.add_item(dw.clerk, dw.v0, category="village", name="集体林地流转情况", cadence="quarterly")
    assert own.id in {i.id for i in cat.list_items(dw.clerk, dw.v0)}
    assert own.id not in {i.id for i in cat.list_items(dw.clerk, dw.v1)}
    with pytest.raises(PermissionDenied):  # a clerk cannot change the township catalogue
        cat.add_item(dw.clerk, None, category="party", name="主题党日活动", cadence="monthly")
    t = cat.add_item(dw.w.admin, None, category="party", name="主题党日活动", cadence="monthly")
    assert t.id in {i.id for i in cat.list_items(dw.clerk, dw.v1)}
    cat.set_item_active(dw.w.admin, t.id, False, reason="乡镇调整目录")
    assert t.id not in {i.id for i in cat.list_items(dw.clerk, dw.v1)}


# ---------------------------------------------------------------------------------------------------------
# drafting, C31 review, posting


def test_create_update_post_general_disclosure_with_audit(dw: DWorld) -> None:
    did = general(dw)
    info = svc.get_disclosure(dw.clerk, did)
    assert info.status == "draft" and info.due_on == date(2026, 10, 20)  # C21: Q3 covered → Q4 deadline
    spec = DisclosureSpec(dw.v0, "party", "2026年第三季度党费缴纳情况（修订）", body="已缴清。",
                          item_id=info.item_id, period_start=info.period_start, period_end=info.period_end)  # fmt: skip
    svc.update_draft(dw.clerk, did, spec, expected_version=info.row_version)
    warnings = svc.post_disclosure(
        dw.clerk, did, channels=("公开栏", "网络"), posted_from=date(2026, 10, 12), password=PASSWORD
    )
    assert warnings and "事先审查" in warnings[0]  # C31: non-finance → warning only
    info = svc.get_disclosure(dw.clerk, did)
    assert info.status == "posted" and info.channels == ("公开栏", "网络")
    assert audit_actions(dw.w, did) == ["disclosure.create", "disclosure.update", "disclosure.post"]


@pytest.mark.parametrize(
    "reviewed,expect",
    [(False, "refused"), (True, "posted")],
    ids=["C31-no-review-blocks", "C31-reviewed-posts"],
)
def test_c31_finance_needs_review_before_posting(dw: DWorld, reviewed: bool, expect: str) -> None:
    add_vouchers(dw.w, dw.v0, [(date(2026, 10, 5), "2026-001", 123450, "reviewed")])
    did = fin.create_finance_disclosure(
        dw.clerk, dw.v0, date(2026, 10, 1), date(2026, 10, 31), item_id=dw.item(dw.v0, "finance", "quarterly")
    )
    if reviewed:
        svc.review_disclosure(dw.sup, did, password=PASSWORD, opinion="经审核，收支真实，同意公开。")

    def post() -> list[str]:
        return svc.post_disclosure(
            dw.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )

    if expect == "refused":
        with pytest.raises(ReviewRequired) as exc:
            post()
        assert exc.value.code == "C31" and "村务监督委员会审核" in str(exc.value)
        with pytest.raises(ReviewRequired):  # C31: no review → block print
            fin.finance_notice_data(dw.clerk, did)
        assert svc.get_disclosure(dw.clerk, did).status == "draft"
    else:
        assert post() == []
        data = fin.finance_notice_data(dw.clerk, did)
        assert data.expense_fen == 123450 and data.expense_lower == "¥1,234.50"
        assert data.expense_upper == "人民币壹仟贰佰叁拾肆元伍角整"
        assert data.reviewers == ("郑监督",) and "郑监督" in data.review_line
        assert data.period == "2026年10月"


def test_review_needs_password_membership_and_permission(dw: DWorld) -> None:
    did = general(dw)
    with pytest.raises(SignatureFailed):
        svc.review_disclosure(dw.sup, did, password="wrong", opinion="同意")
    with pytest.raises(PermissionDenied):  # a clerk may not review
        svc.review_disclosure(dw.clerk, did, password=PASSWORD, opinion="同意")
    with pytest.raises(PermissionDenied):  # 村监会 of another village
        svc.review_disclosure(dw.sup_other, did, password=PASSWORD, opinion="同意")
    assert svc.get_disclosure(dw.clerk, did).status == "draft"
    svc.review_disclosure(dw.sup, did, password=PASSWORD, opinion="同意公开")
    info = svc.get_disclosure(dw.clerk, did)
    assert info.status == "reviewed" and info.reviewer_name == "郑监督" and info.review_opinion == "同意公开"


def test_supervisor_role_without_seat_cannot_review(dw: DWorld) -> None:
    did = general(dw)
    seatless = dw.w.new_user("jw3", Role.SUPERVISOR, [dw.v0])
    with pytest.raises(PermissionDenied, match="不是溪口村村务监督委员会的在任成员"):
        svc.review_disclosure(seatless, did, password=PASSWORD, opinion="同意")


def test_edit_after_review_voids_the_review(dw: DWorld) -> None:
    add_vouchers(dw.w, dw.v0, [(date(2026, 10, 5), "2026-001", 50000, "director_signed")])
    item = dw.item(dw.v0, "finance", "quarterly")
    did = fin.create_finance_disclosure(dw.clerk, dw.v0, date(2026, 10, 1), date(2026, 10, 31), item_id=item)
    svc.review_disclosure(dw.sup, did, password=PASSWORD, opinion="同意")
    info = svc.get_disclosure(dw.clerk, did)
    spec = DisclosureSpec(dw.v0, "finance", info.title, body="改过的说明", item_id=item, kind="finance_period",
                          period_start=info.period_start, period_end=info.period_end, table=info.table,
                          total_income_fen=info.total_income_fen, total_expense_fen=info.total_expense_fen)  # fmt: skip
    svc.update_draft(dw.clerk, did, spec, expected_version=info.row_version)
    assert svc.get_disclosure(dw.clerk, did).status == "draft"
    with pytest.raises(ReviewRequired):
        svc.post_disclosure(
            dw.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )


def test_tampered_review_is_detected(dw: DWorld) -> None:
    add_vouchers(dw.w, dw.v0, [(date(2026, 10, 5), "2026-001", 50000, "reviewed")])
    did = fin.create_finance_disclosure(dw.clerk, dw.v0, date(2026, 10, 1), date(2026, 10, 31), item_id=None)
    svc.review_disclosure(dw.sup, did, password=PASSWORD, opinion="同意")
    with dw.w.admin.write("test.tamper") as s:  # someone edits the amount behind the app's back
        d = s.get(Disclosure, did)
        assert d is not None
        d.total_expense_fen = 5000
    assert svc.get_disclosure(dw.clerk, did).warnings
    with pytest.raises(ReviewRequired):
        svc.post_disclosure(
            dw.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 10), password=PASSWORD
        )


# ---------------------------------------------------------------------------------------------------------
# finance table


def test_finance_table_from_reviewed_vouchers_and_ledger(dw: DWorld) -> None:
    add_vouchers(
        dw.w, dw.v0,
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
    t = fin.build_finance_table(dw.clerk, dw.v0, date(2026, 10, 1), date(2026, 10, 31))
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


def test_posted_is_immutable_and_correction_supersedes(dw: DWorld) -> None:
    did = general(dw)
    svc.post_disclosure(
        dw.clerk, did, channels=("公开栏",), posted_from=date(2026, 10, 12), password=PASSWORD
    )
    info = svc.get_disclosure(dw.clerk, did)
    spec = DisclosureSpec(dw.v0, "party", "改标题", item_id=info.item_id)
    with pytest.raises(DisclosureLocked, match="已公开"):
        svc.update_draft(dw.clerk, did, spec, expected_version=info.row_version)
    with pytest.raises(ValidationError, match="更正原因"):
        svc.start_correction(dw.clerk, did, reason=" ")
    new = svc.start_correction(dw.clerk, did, reason="党员人数统计有误")
    assert svc.get_disclosure(dw.clerk, did).status == "posted"  # until the correction is posted
    svc.post_disclosure(
        dw.clerk, new, channels=("公开栏",), posted_from=date(2026, 10, 15), password=PASSWORD
    )
    old, corr = svc.get_disclosure(dw.clerk, did), svc.get_disclosure(dw.clerk, new)
    assert old.status == "superseded" and old.superseded_by_id == new
    assert corr.supersedes_id == did and corr.title.startswith("（更正）") and "统计有误" in corr.body
    assert "disclosure.post" in audit_actions(dw.w, did)  # the old row's status change is audited
    with dw.w.admin.read() as s:
        reason = s.scalars(select(AuditEntry.reason).where(AuditEntry.entity_id == new)).first()
    assert reason == "党员人数统计有误"


# ---------------------------------------------------------------------------------------------------------
# permissions


def test_permission_refusals(dw: DWorld) -> None:
    spec = DisclosureSpec(dw.v0, "village", "测试")
    with pytest.raises(PermissionDenied):
        svc.create_disclosure(dw.director, spec)  # 主任 has no 编辑公开事项
    with pytest.raises(PermissionDenied):
        svc.create_disclosure(dw.reader, spec)
    other = dw.w.new_user("wenshu2", Role.CLERK, [dw.v1])
    with pytest.raises(PermissionDenied, match="不能代表这个村"):
        svc.create_disclosure(other, spec)
    did = general(dw)
    with pytest.raises(PermissionDenied):
        svc.get_disclosure(other, did)
    with pytest.raises(PermissionDenied):
        svc.post_disclosure(
            dw.sup, did, channels=("公开栏",), posted_from=date(2026, 10, 1), password=PASSWORD
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
def test_bad_fields_are_named(dw: DWorld, kw: dict[str, object], field: str) -> None:
    base = {"village_id": dw.v0, "category": "village", "title": "测试"}
    with pytest.raises(ValidationError, match=field):
        svc.create_disclosure(dw.clerk, DisclosureSpec(**{**base, **kw}))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# register


def test_register_filters(dw: DWorld) -> None:
    # overdue: covered Q3 → due 10-20, still a draft on 11-24
    late_draft = general(dw)
    on_time = general(dw, title="按时")
    svc.post_disclosure(
        dw.clerk, on_time, channels=("公开栏",), posted_from=date(2026, 10, 20), password=PASSWORD
    )
    late_post = general(dw, title="逾期公开")
    svc.post_disclosure(
        dw.clerk, late_post, channels=("公开栏",), posted_from=date(2026, 10, 21), password=PASSWORD
    )
    other_village = general(dw, village_id=dw.v1, title="上洋村")
    flt = reg.DisclosureFilter
    ids = lambda f: {r.id for r in reg.list_disclosures(dw.clerk, f)}  # noqa: E731
    assert ids(flt()) == {late_draft, on_time, late_post, other_village}
    assert ids(flt(village_id=dw.v1)) == {other_village}
    assert ids(flt(village_id=dw.v0, overdue_only=True)) == {late_draft, late_post}
    rows = {r.id: r for r in reg.list_disclosures(dw.clerk, flt(overdue_only=True))}
    assert rows[late_post].days_late == 1 and rows[late_post].late_text == "逾期1天公开"
    assert rows[late_draft].days_late == 35  # 10-20 → 11-24
    assert ids(flt(category="finance")) == set()
    assert ids(flt(period_from=date(2026, 10, 1))) == set()
    assert ids(flt(period_from=date(2026, 9, 1), period_to=date(2026, 9, 30))) == ids(flt())
    assert reg.count_disclosures(dw.clerk, flt(status="posted")) == 2
    page = reg.list_disclosures(dw.clerk, flt(), offset=1, limit=2, sort="title", descending=False)
    assert len(page) == 2


def test_resolution_disclosure_from_matter_links_back(dw: DWorld) -> None:
    from quzhou_desktop.services.disclosures.from_matters import (
        create_from_matter_step,
        disclosures_for_matter,
    )
    from quzhou_desktop.store.models import Matter, MatterStep

    with dw.w.admin.write("test.matter") as s:
        m = Matter(village_id=dw.v0, title="村道硬化工程", category="public_works", source="村干部提议",
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
    did = create_from_matter_step(dw.clerk, sid)
    info = svc.get_disclosure(dw.clerk, did)
    assert info.kind == "resolution" and info.matter_id == mid and info.step_id == sid
    assert "赞成35票" in info.body and "村民代表会议" in info.body and "壹拾贰万元整" in info.body
    assert [x.id for x in disclosures_for_matter(dw.clerk, mid)] == [did]


def test_datetime_clock_is_used_for_review_time(dw: DWorld) -> None:
    did = general(dw)
    svc.review_disclosure(dw.sup, did, password=PASSWORD, opinion="同意")
    assert svc.get_disclosure(dw.clerk, did).reviewed_at == datetime(2026, 11, 24, 2, 0, 0)
