"""A county (区/县) database: its own township row holds the site; the townships that report to it are read,
each village by its own township's rules, and nothing of theirs can be changed there, whatever the role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from quzhou_desktop.core.errors import NotFound, PermissionDenied, ValidationError
from quzhou_desktop.services.disclosures import cadence
from quzhou_desktop.services.disclosures.disclosure import DisclosureSpec, create_disclosure
from quzhou_desktop.services.kernel import settings, site
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import COUNTY_PERMS, GRANTS, Perm
from quzhou_desktop.services.matters import matter as M
from quzhou_desktop.services.matters import query as MQ
from quzhou_desktop.services.roster import villages as V
from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.services.vouchers import flow
from quzhou_desktop.services.vouchers.data import voucher_detail
from quzhou_desktop.services.vouchers.monthly import lock_month
from quzhou_desktop.services.vouchers.query import list_vouchers, tier_label
from quzhou_desktop.services.vouchers.voucher import VoucherFilter, create_voucher, submit_voucher
from quzhou_desktop.store.models import AuditEntry
from tests.support.county import AMOUNT, County, make_county
from tests.support.vouchers import BASE_FIELDS
from tests.support.world import PASSWORD, World

REFUSAL = "区县站点只查看各乡镇报送的记录"


@pytest.fixture
def county(world: World) -> County:
    return make_county(world)


def test_home_township_is_the_county_row(county: County) -> None:
    with county.admin.read() as s:
        home = site.home_township(s)
        assert home is not None and home.id == county.county_id and home.name == "柯城区"
        assert site.site_kind(s) == "county"
    assert county.admin.county and county.viewer.county
    info = V.township(county.admin)
    assert info is not None and info.name == "柯城区"


def test_a_township_database_is_not_a_county(world: World) -> None:
    assert not world.admin.county
    assert [v.label for v in V.list_villages(world.admin)] == ["上洋村", "溪口村"]  # today's text


def test_villages_are_listed_with_their_township(county: County) -> None:
    for ctx in (county.admin, county.viewer):
        shown = [(v.township, v.name, v.label) for v in V.list_villages(ctx)]
        assert shown == [
            ("石梁镇", "上洋村", "石梁镇 上洋村"),
            ("石梁镇", "溪口村", "石梁镇 溪口村"),
            ("航埠镇", "大坪村", "航埠镇 大坪村"),
            ("航埠镇", "溪口村", "航埠镇 溪口村"),
        ]


def test_each_village_is_judged_by_its_own_townships_rules(county: County) -> None:
    ctx = county.viewer
    mild, strict = county.villages["石梁镇/溪口村"], county.villages["航埠镇/溪口村"]
    assert settings.get_rules(ctx, mild).spending_t1_fen == 500_000
    assert settings.get_rules(ctx, strict).spending_t1_fen == 100_000
    assert settings.get_rules(ctx).spending_t1_fen == 500_000  # the county's own row: the defaults
    assert tier_label(ctx, AMOUNT, mild) != tier_label(ctx, AMOUNT, strict)
    mild_tier = voucher_detail(ctx, county.vouchers["石梁镇/溪口村"]).tier_label
    strict_tier = voucher_detail(ctx, county.vouchers["航埠镇/溪口村"]).tier_label
    assert "较大" not in mild_tier and "较大" in strict_tier
    with ctx.snapshot():  # one session: the rules of both townships cached side by side
        assert settings.get_rules(ctx, strict).spending_t1_fen == 100_000
        assert settings.get_rules(ctx, mild).spending_t1_fen == 500_000


def test_registers_and_overview_cover_both_townships(county: County) -> None:
    for ctx in (county.admin, county.viewer):
        matters = MQ.list_matters(ctx, MQ.MatterFilter())
        assert sorted(m.village_name for m in matters) == ["石梁镇 溪口村", "航埠镇 溪口村"]
        vouchers = list_vouchers(ctx, VoucherFilter())
        assert sorted(v.village_name for v in vouchers) == ["石梁镇 溪口村", "航埠镇 溪口村"]
        overview = cadence.township_overview(ctx)
        assert len(overview) == 4 and {o.village_name for o in overview} >= {"石梁镇 溪口村", "航埠镇 溪口村"}
        assert M.get_matter(ctx, county.matters["航埠镇/溪口村"]).matter.village_name == "航埠镇 溪口村"
        board = MQ.dashboard(ctx)
        assert {i.village_name for i in board.waiting} == {"石梁镇 溪口村", "航埠镇 溪口村"}


def test_a_village_name_two_townships_share_needs_the_township(county: County) -> None:
    ctx = county.viewer
    with pytest.raises(ValidationError, match="石梁镇、航埠镇都有“溪口村”"):
        V.find_village(ctx, "溪口村")
    assert V.find_village(ctx, "航埠镇/溪口村").id == county.villages["航埠镇/溪口村"]
    assert V.find_village(ctx, "石梁镇溪口村").id == county.villages["石梁镇/溪口村"]
    assert V.find_village(ctx, "石梁镇 溪口村").id == county.villages["石梁镇/溪口村"]
    assert V.find_village(ctx, "大坪村").id == county.villages["航埠镇/大坪村"]
    with pytest.raises(NotFound, match="航埠镇/大坪村"):
        V.find_village(ctx, "后溪村")


# Every service that changes a township's records, refused on a county for any role (C: read-only county).
Change = Callable[[AppContext, County], object]
CHANGES: list[tuple[str, Change]] = [
    ("roster", lambda c, k: add_person(c, k.villages["航埠镇/大坪村"], PersonFields(name="张三"))),
    ("village.add", lambda c, k: V.add_village(c, V.VillageSpec("新村"), credential=PASSWORD)),
    ("village.update", lambda c, k: V.update_village(
        c, k.villages["航埠镇/大坪村"], V.VillageSpec("大坪村", households=9), credential=PASSWORD)),
    ("village.active", lambda c, k: V.set_village_active(
        c, k.villages["航埠镇/大坪村"], False, reason="合并", credential=PASSWORD)),
    ("matter", lambda c, k: M.create_matter(c, M.MatterFields(
        village_id=k.villages["航埠镇/大坪村"], title="修桥", category="public_welfare", source="村干部提议"))),
    ("voucher", lambda c, k: create_voucher(c, k.villages["航埠镇/大坪村"], BASE_FIELDS)),
    ("voucher.submit", lambda c, k: submit_voucher(c, k.vouchers["航埠镇/溪口村"])),
    ("voucher.review", lambda c, k: flow.review_voucher(c, k.vouchers["航埠镇/溪口村"], "agree", "", PASSWORD)),
    ("voucher.sign", lambda c, k: flow.sign_voucher(c, k.vouchers["航埠镇/溪口村"], PASSWORD)),
    ("voucher.deliver", lambda c, k: flow.deliver_voucher(c, k.vouchers["航埠镇/溪口村"])),
    ("voucher.accept", lambda c, k: flow.accept_voucher(c, k.vouchers["航埠镇/溪口村"], PASSWORD)),
    ("month.lock", lambda c, k: lock_month(c, k.villages["航埠镇/溪口村"], 2026, 10, PASSWORD)),
    ("disclosure", lambda c, k: create_disclosure(
        c, DisclosureSpec(village_id=k.villages["航埠镇/溪口村"], category="village", title="村务公开"))),
    ("settings.rules", lambda c, k: settings.update_rules(c, {"stall_days": 30}, credential=PASSWORD)),
]  # fmt: skip


@pytest.mark.parametrize("who", ["admin", "viewer"])
@pytest.mark.parametrize(("what", "change"), CHANGES, ids=[w for w, _ in CHANGES])
def test_nothing_of_the_townships_can_be_changed_on_a_county(
    county: County, who: str, what: str, change: Change
) -> None:
    ctx = county.admin if who == "admin" else county.viewer
    with ctx.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(PermissionDenied, match=REFUSAL):
        change(ctx, county)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


@pytest.mark.parametrize("who", ["admin", "viewer"])
def test_what_a_county_keeps(county: County, who: str) -> None:
    ctx = county.admin if who == "admin" else county.viewer
    user = ctx.require_user()
    for perm in Perm:
        granted = perm in GRANTS[user.role]
        assert ctx.can(perm) is (granted and perm in COUNTY_PERMS), perm
        if perm not in COUNTY_PERMS:
            with pytest.raises(PermissionDenied, match=REFUSAL):
                ctx.require(perm)
    assert ctx.can(Perm.PRINT, county.villages["航埠镇/大坪村"])
    if who == "admin":
        assert ctx.can(Perm.USERS_MANAGE) and ctx.can(Perm.BACKUP) and ctx.can(Perm.EXCHANGE)
    else:
        assert not ctx.can(Perm.USERS_MANAGE)


def test_the_same_services_change_a_township_database(world: World) -> None:
    """The refusals are the county's: on the township's own database the administrator records as before."""
    row = M.create_matter(world.admin, M.MatterFields(
        village_id=world.village_ids[1], title="修桥", category="public_welfare", source="村干部提议"))  # fmt: skip
    assert row.village_name == "上洋村"
