"""A county server and its townships: a township (with two villages on PCs of their own) joins the county through
the real enrolment file, answer and fingerprints, then reports over rounds; a second township with a village
of the same name joins too. The county holds what each township holds, ``verify`` passes on every site, and a
township's forged package — a record of another township, a village signature that does not verify — is
refused whole."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from quzhou_desktop.services.exchange import county as county_module
from quzhou_desktop.services.exchange.apply import import_files
from quzhou_desktop.services.exchange.county import accept_township, foreign_record, write_county_enrolment
from quzhou_desktop.services.exchange.enrol import accept_answer, join_as_village
from quzhou_desktop.services.exchange.errors import ExchangeNotReady, ExchangeRefused
from quzhou_desktop.services.exchange.export import export_package
from quzhou_desktop.services.exchange.receipts import receipt_path
from quzhou_desktop.services.exchange.status import exchange_status
from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role, offered_roles
from quzhou_desktop.services.kernel.site import home_township, read_site
from quzhou_desktop.services.kernel.users import roles_offered
from quzhou_desktop.services.notices.issue import print_notice
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec
from quzhou_desktop.services.verification.run import verify
from quzhou_desktop.store.audit.chain import canonical, row_state
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import NoticePrint, PeerAct, Township, Village, Voucher, VoucherEvent
from tests.services.exchange.test_rounds import delivered, full_round, register, tbl
from tests.support.exchange import Sites, count, problems, repack, site_private
from tests.support.notices import make_printables
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, FixedClock, World


def make_county(where: Path | str, clock: FixedClock) -> World:
    db = Database(where, create=True)
    ctx = AppContext(db, clock=clock)
    sheet = initialise(
        ctx,
        township_name="柯城区",
        villages=[],
        admin_username="xian",
        admin_password=PASSWORD,
        admin_display_name="区农业农村局",
        site_kind="county",
    )
    ctx.user = load_current_user(ctx, sheet.admin_id)
    return World(db, ctx, [], clock)


def make_township(where: Path | str, clock: FixedClock, name: str, villages: list[str]) -> World:
    db = Database(where, create=True)
    ctx = AppContext(db, clock=clock)
    sheet = initialise(
        ctx,
        township_name=name,
        villages=[VillageSpec(name=v, households=200, adults=500) for v in villages],
        admin_username="admin",
        admin_password=PASSWORD,
        admin_display_name="管理员",
        site_kind="township",
    )
    ctx.user = load_current_user(ctx, sheet.admin_id)
    with db.read() as s:
        ids = [v.id for v in s.scalars(select(Village).order_by(Village.name))]
    return World(db, ctx, ids, clock)


def join_county(township: World, county: World, folder: Path, label: str) -> None:
    """The township's enrolment file, the county's acceptance and answer, the township's acceptance."""
    e = write_county_enrolment(township.admin, "柯城区", folder / f"{label}.区县登记.zip")
    added = accept_township(county.admin, e.path, confirmed=e.fingerprint.replace(" ", ""))
    assert added.fingerprint == e.fingerprint and added.answer.exists()
    done = accept_answer(township.admin, added.answer, confirmed_fingerprint=added.county_fingerprint)
    assert done.village == "柯城区"


def report_to_county(township: World, county: World, out: Path) -> None:
    r = export_package(township.admin, to="柯城区", out=out)
    assert r.plan.kind == "report"
    [result] = import_files(county.admin, [out])
    assert result.status == "applied", result.message
    [receipt] = import_files(township.admin, [receipt_path(out)])
    assert receipt.status == "receipt", receipt.message


def township_id(world: World) -> str:
    with world.db.read() as s:
        home = home_township(s)
        assert home is not None
        return home.id


@pytest.fixture
def county(target: Callable[[str], Path | str], opened: Callable[[World], World], sites: Sites) -> World:
    return opened(make_county(target("county.sqlite3"), sites.township.clock))


def test_a_township_joins_its_county_and_reports_what_its_villages_sent(sites: Sites, county: World) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    delivered(a)  # reviewed and signed on the village PC: the township keeps the village's signatures
    full_round(sites)
    join_county(sites.township, county, sites.folder, "石梁镇")
    assert problems(county) == []
    vid = xk.village_ids[0]
    assert register(county, vid) == register(sites.township, vid)
    assert count(county, PeerAct) > 0  # the township's own acts and the village acts it passed on
    # the county keeps its own identity: its home row is its own, the township's has no site entry
    site = read_site(county.db)
    assert site is not None and site.kind == "county" and site.name == "柯城区"
    with county.db.read() as s:
        assert {t.name for t in s.scalars(select(Township))} == {"柯城区", "石梁镇"}
        township_row = s.get_one(Township, township_id(sites.township))
        assert "site" not in json.loads(township_row.rules_json)
    # next round: the village delivers another voucher, the township passes it on to the county
    delivered(a, 80_000)
    full_round(sites)
    report_to_county(sites.township, county, sites.folder / "石梁镇-1.区县.zip")
    assert register(county, vid) == register(sites.township, vid)
    assert count(county, Voucher) == count(sites.township, Voucher) == 2
    assert count(county, VoucherEvent) == count(sites.township, VoucherEvent)
    assert problems(county) == [] and problems(sites.township) == []
    # everything verify checks, signatures and anchors included, on both sides
    assert verify(county.admin).problems == [] and verify(sites.township.admin).problems == []
    # the same package again changes nothing; the county's status shows the township up to date
    [again] = import_files(county.admin, [sites.folder / "石梁镇-1.区县.zip"])
    assert again.status == "duplicate"
    [peer] = exchange_status(county.admin).peers
    assert peer.name == "石梁镇" and peer.forks == 0 and peer.conflicts == 0 and peer.waiting == ()
    assert peer.reports  # a township reports to its county; the county sends it nothing
    county_peer = next(p for p in exchange_status(sites.township.admin).peers if p.kind == "county")
    assert not county_peer.reports and county_peer.receipt_seq > 0


def test_an_enrolment_file_in_many_parts(
    sites: Sites, county: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A township's years of records go in parts; a part missing from the file refuses it whole."""
    monkeypatch.setattr(county_module, "PART_ROWS", 7)
    delivered(make_voucher_village(sites.villages["溪口村"]))
    full_round(sites)
    e = write_county_enrolment(sites.township.admin, "柯城区", sites.folder / "登记.zip")
    doc = json.loads(zipfile.ZipFile(e.path).read("manifest.json"))
    assert doc["counts"]["seed_parts"] > 3
    broken = sites.folder / "缺一部分.zip"
    broken.write_bytes(repack(e.path.read_bytes(), site_private(sites.township), drop=("seed/00002.jsonl",)))
    with pytest.raises(ExchangeRefused, match="不完整"):
        accept_township(county.admin, broken, confirmed=e.fingerprint)
    assert count(county, Village) == 0 and count(county, Voucher) == 0
    accept_township(county.admin, e.path, confirmed=e.fingerprint)
    vid = sites.villages["溪口村"].village_ids[0]
    assert register(county, vid) == register(sites.township, vid)
    assert problems(county) == []


def test_two_townships_with_a_village_of_the_same_name(
    sites: Sites, county: World, target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    other = opened(
        make_township(target("hangbu.sqlite3"), sites.township.clock, "航埠镇", ["溪口村", "北山村"])
    )
    join_county(sites.township, county, sites.folder, "石梁镇")
    join_county(other, county, sites.folder, "航埠镇")
    with county.db.read() as s:
        named = s.execute(select(Village.name, Township.name).join(Township)).all()
    assert sorted(named) == sorted(
        [("溪口村", "石梁镇"), ("上洋村", "石梁镇"), ("溪口村", "航埠镇"), ("北山村", "航埠镇")]
    )
    assert problems(county) == []
    # 航埠镇 reports a voucher of its own 溪口村
    vv = make_voucher_village(other)
    delivered(vv, 50_000)
    report_to_county(other, county, sites.folder / "航埠镇-1.区县.zip")
    assert sum(count(county, Voucher, village_id=v) for v in other.village_ids) == 1
    assert register(county, vv.vid) == register(other, vv.vid)
    assert verify(county.admin).problems == []
    assert problems(county) == []


def forged_tail(world: World, out: Path, entity: str, entity_id: str, after: dict[str, Any]) -> None:
    """The package at ``out`` with one more entry at its end changing ``entity`` to ``after``, re-signed with the
    sender's real site key: what a township PC's owner could send."""

    def add(lines: list[list[Any]]) -> int:
        last = lines[-1]
        row = [last[0] + 1, last[1], None, "admin", "roster.edit", entity, entity_id, None, canonical(after)]
        lines.append([*row, None, "", ""])
        return len(lines) - 1

    def counted(doc: dict[str, Any]) -> None:
        doc["counts"]["entries"] += 1
        doc["range"]["last"]["seq"] += 1

    out.write_bytes(repack(out.read_bytes(), site_private(world), entries=add, manifest=counted))


def test_a_package_may_not_touch_another_townships_records(
    sites: Sites, county: World, target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    other = opened(make_township(target("hangbu.sqlite3"), sites.township.clock, "航埠镇", ["北山村"]))
    join_county(sites.township, county, sites.folder, "石梁镇")
    join_county(other, county, sites.folder, "航埠镇")
    delivered(make_voucher_village(other), 50_000)
    out = sites.folder / "航埠镇-1.区县.zip"
    export_package(other.admin, to="柯城区", out=out)
    victim = sites.township.village_ids[0]  # a village of 石梁镇
    with county.db.read() as s:
        village = s.get_one(Village, victim)
        state = row_state(tbl(Village), {c: getattr(village, c) for c in tbl(Village).columns.keys()})
    forged_tail(
        other, out, "village", victim, {**state, "name": "改名村", "row_version": state["row_version"] + 1}
    )
    [r] = import_files(county.admin, [out])
    assert r.status == "refused" and "另一个乡镇" in r.message, r.message
    assert count(county, Voucher) == 0
    with county.db.read() as s:
        assert s.get_one(Village, victim).name == village.name
    assert problems(county) == []


def test_a_relayed_village_signature_that_does_not_verify_is_refused(sites: Sites, county: World) -> None:
    vv = make_voucher_village(sites.villages["溪口村"])
    delivered(vv)
    full_round(sites)
    join_county(sites.township, county, sites.folder, "石梁镇")
    delivered(vv, 70_000)
    full_round(sites)
    out = sites.folder / "石梁镇-1.区县.zip"
    export_package(sites.township.admin, to="柯城区", out=out)
    with sites.township.db.read() as s:
        act = s.scalars(select(PeerAct).order_by(PeerAct.number)).first()
        assert act is not None
        state = row_state(tbl(PeerAct), {c: getattr(act, c) for c in tbl(PeerAct).columns.keys()})
    forged_tail(sites.township, out, "peer_act", act.id, {**state, "record_version": 99})
    [r] = import_files(county.admin, [out])
    assert r.status == "refused" and "转来的村电子签名" in r.message, r.message


def test_enrolment_refusals(sites: Sites, county: World, tmp_path: Path) -> None:
    e = write_county_enrolment(sites.township.admin, "柯城区", sites.folder / "登记.zip")
    with pytest.raises(ExchangeRefused, match="密钥指纹"):
        accept_township(county.admin, e.path, confirmed="12345")
    assert count(county, Village) == 0
    # a township database cannot take it, and a village PC cannot be installed from it
    with pytest.raises(ExchangeRefused, match="区县的数据库"):
        accept_township(sites.township.admin, e.path, confirmed=e.fingerprint)
    with pytest.raises(ExchangeRefused, match="区县"):
        join_as_village(
            Database(tmp_path / "new.sqlite3", create=True),
            e.path,
            admin_username="a",
            admin_password=PASSWORD,
            admin_display_name="a",
        )
    added = accept_township(county.admin, e.path, confirmed=e.fingerprint)
    with pytest.raises(ExchangeRefused, match="已经登记过"):
        accept_township(county.admin, e.path, confirmed=e.fingerprint)
    # the county sends nothing to a township
    with pytest.raises(ExchangeNotReady, match="区县站点"):
        export_package(county.admin, to="石梁镇", out=tmp_path / "x.zip")
    accept_answer(sites.township.admin, added.answer, confirmed_fingerprint=added.county_fingerprint)


@pytest.mark.parametrize(
    ("table", "state", "refused"),
    [
        ("township", {"id": "T2"}, True),
        ("township", {"id": "T1"}, False),
        ("village", {"id": "V2", "township_id": "T2"}, True),
        ("village", {"id": "V9", "township_id": "T1"}, False),
        ("person", {"id": "P", "village_id": "V1"}, False),
        ("voucher_event", {"id": "E", "voucher_id": "W1"}, False),
    ],
)
def test_foreign_record(table: str, state: dict[str, Any], refused: bool) -> None:
    """What a township sends, judged on its own (the database's rows are judged end to end above)."""
    own = [("village", {"id": "V1", "township_id": "T1"}), ("voucher", {"id": "W1", "village_id": "V1"})]
    fault = foreign_record(None, "T1", [*own, (table, state)])
    assert (fault is not None) == refused


def test_printed_notices_stay_with_the_township(
    sites: Sites, county: World, target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    """A notice's 核验码 names the township's own chain: its print record goes neither in the enrolment file nor
    in a report, and the county's verify passes."""
    town = opened(
        make_township(target("hangbu.sqlite3"), sites.township.clock, "航埠镇", ["北山村", "南山村"])
    )
    p = make_printables(town)
    print_notice(p.ctx, "voucher", p.voucher_id, sites.folder / "1.pdf")
    join_county(town, county, sites.folder, "航埠镇")
    print_notice(p.ctx, "voucher", p.voucher2_id, sites.folder / "2.pdf")
    report_to_county(town, county, sites.folder / "航埠镇-1.区县.zip")
    assert count(town, NoticePrint) == 2 and count(county, NoticePrint) == 0
    assert count(county, Voucher) == count(town, Voucher)
    assert verify(county.admin).problems == []


def test_a_county_has_its_own_administrator_role(county: World) -> None:
    user = county.admin.require_user()
    assert user.role is Role.COUNTY_ADMIN and user.role.label == "区县管理员"
    assert roles_offered(county.admin) == [Role.COUNTY_ADMIN, Role.COUNTY_VIEWER]
    assert Role.COUNTY_ADMIN not in offered_roles("township") and Role.COUNTY_ADMIN not in offered_roles(
        "village"
    )
