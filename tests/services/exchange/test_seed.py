"""A township that kept a village's registers before enrolling its PC: the enrolment file carries every record of
that village (roster, matters and steps, vouchers and their events, contracts, the ledger, scans), and nothing of
the other villages; the village continues that history, and its later changes reach the township as updates."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from quzhou_desktop.core.signing import b64, sign
from quzhou_desktop.services.contracts.contract import create_contract
from quzhou_desktop.services.exchange.enrol import join_as_village, write_enrolment
from quzhou_desktop.services.exchange.errors import ExchangeRefused
from quzhou_desktop.services.exchange.package import Package, container
from quzhou_desktop.services.exchange.seed import KEPT_HERE, PARENT, apply_seed, seed_tables, village_seed
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel.attachments import add_attachment
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.roster.people import get_person, update_person
from quzhou_desktop.services.vouchers.flow import accept_voucher
from quzhou_desktop.store.audit.chain import Actor, canonical, row_state
from quzhou_desktop.store.audit.verify import audited_tables
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import (
    Attachment,
    Contract,
    ContractScheduleLine,
    LedgerLine,
    Matter,
    MatterStep,
    PeerAct,
    Person,
    Township,
    UserAccount,
    Voucher,
)
from tests import pg
from tests.support.contracts import make_village
from tests.support.exchange import Sites, join, problems, site_private
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, World, make_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def tbl(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def states(world: World, model: Any, ids: set[str] | None = None) -> dict[str, str]:
    """Every row of ``model`` (or those of ``ids``) as canonical states, by id."""
    table = tbl(model)
    with world.db.read() as s:
        rows = s.execute(select(table)).mappings()
        return {
            r["id"]: canonical(row_state(table, dict(r))) or "" for r in rows if ids is None or r["id"] in ids
        }


@pytest.fixture
def kept(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: Callable[[str], Path | str],
    opened: Callable[[World], World],
) -> World:
    """The township with 溪口村's registers kept at the township: a lease with its schedule, matters and steps,
    ledger lines, a voucher with a scan; and a person of 上洋村."""
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    world = opened(make_world(target("township.sqlite3")))
    v = make_village(world)
    create_contract(v.clerk, v.vid, v.lease())
    add_attachment(
        world.admin,
        owner_kind="voucher",
        owner_id=v.works_voucher,
        village_id=v.vid,
        perm=Perm.VOUCHER_EDIT,
        data=PDF,
        filename="发票.pdf",
    )
    with world.admin.write("test.other") as s:
        s.add(Person(village_id=world.village_ids[1], name="上洋村民"))
    return world


def test_every_table_is_placed() -> None:
    """A new audited table must say whether and how it goes to a village (else its rows would be left behind)."""
    seedable = {t.name for t in seed_tables()}
    for t in audited_tables():
        placed = (
            t.name in KEPT_HERE
            or t.name in ("township", "village")
            or "village_id" in t.c
            or t.name in PARENT
        )
        assert placed, t.name
        assert (t.name in seedable) == (t.name not in KEPT_HERE), t.name


def test_village_gets_the_records_the_township_kept(
    kept: World, tmp_path: Path, target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    vid, other = kept.village_ids
    village = opened(join(kept, vid, tmp_path, target("village.sqlite3")))
    for model in (Matter, MatterStep, Voucher, LedgerLine, Contract, ContractScheduleLine, Attachment):
        theirs = states(village, model)
        ours = states(kept, model)
        if model in (Matter, Voucher, LedgerLine, Contract):
            ours = {k: st for k, st in ours.items() if f'"village_id":"{vid}"' in st}
        assert theirs, model.__name__
        assert theirs == ours, model.__name__
    people = states(village, Person)
    assert people == {k: st for k, st in states(kept, Person).items() if f'"village_id":"{vid}"' in st}
    assert not any(f'"village_id":"{other}"' in st for st in people.values())
    with village.db.read_engine.connect() as conn:
        blob = conn.exec_driver_sql("SELECT data FROM attachment_blob").scalar_one()
    assert bytes(blob) == PDF
    assert problems(village) == []
    # the township computes the same seed from its database as the village holds in its own
    with kept.db.read_engine.connect() as a, village.db.read_engine.connect() as b:
        ours_seed, theirs_seed = village_seed(a, vid), village_seed(b, vid)
    assert [r for r in ours_seed.rows if r[0] != "township"] == [
        r for r in theirs_seed.rows if r[0] != "township"
    ]


def test_village_changes_to_kept_records_reach_the_township(
    kept: World, tmp_path: Path, target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    vid = kept.village_ids[0]
    village = opened(join(kept, vid, tmp_path, target("village.sqlite3")))
    with village.db.read() as s:
        tenant = s.scalars(select(Person).where(Person.name == "王建国")).one()
    _row, fields = get_person(village.admin, tenant.id)
    update_person(village.admin, tenant.id, replace(fields, phone="13900000000"))
    sites = Sites(kept, {"溪口村": village}, tmp_path)
    report = sites.report("溪口村")
    (result,) = sites.at_township(report.path)
    assert result.status == "applied", result.message
    assert result.conflicts == 0
    assert states(kept, Person, {tenant.id}) == states(village, Person, {tenant.id})
    assert '"phone":"13900000000"' in states(kept, Person, {tenant.id})[tenant.id]
    assert problems(kept) == [] and problems(village) == []


def test_the_enrolment_file_counts_and_carries_the_scans(kept: World, tmp_path: Path) -> None:
    vid = kept.village_ids[0]
    enrolment = write_enrolment(kept.admin, vid, tmp_path / "登记.zip")
    pkg = Package.open(enrolment.path)
    assert pkg.field("counts", "attachments") == 1
    lines = [line for line in pkg.member("seed.jsonl").decode("utf-8").splitlines() if line]
    assert pkg.field("counts", "records") == len(lines)
    assert {json.loads(line)["table"] for line in lines} >= {
        "matter_step",
        "contract_schedule_line",
        "attachment",
    }


def test_a_seed_naming_a_table_it_may_not_carry_is_refused(kept: World) -> None:
    """Rows of a local table (user accounts, keys, signatures) never come from an enrolment file."""
    with kept.db.read_engine.begin() as conn, pytest.raises(ValueError, match="user_account"):
        apply_seed(conn, [("user_account", {"id": "x"})], Actor(None, "t"), when=kept.clock.now(), reason="t")


def test_signatures_made_at_the_township_come_with_the_records(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: Callable[[str], Path | str],
    opened: Callable[[World], World],
) -> None:
    """Vouchers reviewed, signed and accepted while the township kept the village: the enrolment file carries
    those electronic signatures and their signers' keys, so the village's full verify finds them signed."""
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    world = opened(make_world(target("township.sqlite3")))
    vv = make_voucher_village(world)
    accepted = vv.delivered(150_000, number="001")
    accept_voucher(world.admin, accepted, PASSWORD)
    vv.delivered(90_000, number="002")
    village = opened(join(world, vv.vid, tmp_path, target("village.sqlite3")))
    with village.db.read() as s:
        acts = s.scalars(select(PeerAct)).all()
        assert {a.act for a in acts} >= {"voucher.review", "voucher.accept"}
        assert s.get_one(Voucher, accepted).status == "accepted"
    assert [p.message for p in verify_db(village.db).problems] == []
    # an act changed in the file (or on the server) at the village is named by verify
    where = pg.target_of(village.db)
    village.db.dispose()
    con = pg.raw_connection(village.db)
    con.execute("UPDATE peer_act SET signature = ? WHERE id = ?", ("A" * 86 + "==", acts[0].id))
    con.commit()
    con.close()
    again = Database(where)
    try:
        assert any("签名" in p.message for p in verify_db(again).problems)
    finally:
        again.dispose()


def _forged_enrolment(kept: World, path: Path, change: Callable[[dict[str, bytes], str], None]) -> str:
    """The enrolment file at ``path`` with its members changed by ``change(members, scan_member)``, its manifest
    listing the new digests and signed again with the township's key; returns the scan's member name."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    (scan,) = [n for n in members if n.startswith("attachments/")]
    change(members, scan)
    doc = json.loads(members["manifest.json"])
    doc["members"] = {
        n: hashlib.sha256(b).hexdigest()
        for n, b in members.items()
        if n not in ("manifest.json", "manifest.sig")
    }
    members["manifest.json"] = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    members["manifest.sig"] = b64(sign(site_private(kept), members["manifest.json"])).encode("ascii")
    path.write_bytes(container(members))
    return scan


def _swap(members: dict[str, bytes], scan: str) -> None:
    members[scan] = b"%PDF-1.4 another scan"


def _drop(members: dict[str, bytes], scan: str) -> None:
    del members[scan]


@pytest.mark.parametrize(
    ("change", "reason"),
    [(_swap, "附件“{scan}”的名称与其内容的校验值不符"), (_drop, "缺少附件“{scan}”的内容")],
    ids=["content-not-its-name", "missing"],
)
def test_an_enrolment_file_with_a_wrong_scan_is_refused_naming_it(
    kept: World,
    tmp_path: Path,
    target: Callable[[str], Path | str],
    change: Callable[[dict[str, bytes], str], None],
    reason: str,
) -> None:
    """The scans of an enrolment file are checked like an import's: a scan whose content is not the SHA-256 its
    name (and its attachment record) says, or one the file lacks, refuses the file and nothing is set up."""
    enrolment = write_enrolment(kept.admin, kept.village_ids[0], tmp_path / "登记.zip")
    scan = _forged_enrolment(kept, enrolment.path, change)
    db = Database(target("village.sqlite3"), create=True)
    try:
        with pytest.raises(ExchangeRefused, match=re.escape(reason.format(scan=scan))):
            join_as_village(
                db,
                enrolment.path,
                admin_username="cunadmin",
                admin_password=PASSWORD,
                admin_display_name="村",
            )
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Township)) == 0
            assert s.scalar(select(func.count()).select_from(UserAccount)) == 0
    finally:
        db.dispose()
