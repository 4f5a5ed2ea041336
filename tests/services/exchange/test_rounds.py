"""Two villages and their township on three database files, over many rounds of USB-stick exchange: reports,
dispatches and receipts; duplicates, reordering, a missing package, a village restored from an old backup (a
fork), a conflict on a township-owned record, attachments, and a voucher that goes village → 代理中心 退回 →
corrected → 受理. After every round ``verify`` passes on every site and the township's registers equal the
union of the villages' records."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from quzhou_desktop.services.exchange.apply import import_files
from quzhou_desktop.services.exchange.export import plan_export
from quzhou_desktop.services.exchange.package import container
from quzhou_desktop.services.exchange.receipts import receipt_path
from quzhou_desktop.services.exchange.settle import settle_conflict, settle_fork
from quzhou_desktop.services.exchange.status import exchange_status, list_conflicts, list_forks
from quzhou_desktop.services.kernel.attachments import add_attachment
from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm, Role
from quzhou_desktop.services.kernel.signatures import SignatureFailed
from quzhou_desktop.services.verification.run import verify
from quzhou_desktop.services.vouchers.flow import (
    accept_voucher,
    deliver_voucher,
    return_voucher,
    review_voucher,
    sign_voucher,
)
from quzhou_desktop.services.vouchers.voucher import correct_voucher, submit_voucher
from quzhou_desktop.store.audit.chain import canonical, row_state
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import (
    Attachment,
    Membership,
    Person,
    SignedAct,
    Township,
    Voucher,
    VoucherEvent,
)
from tests import pg
from tests.support.exchange import Sites, problems
from tests.support.vouchers import VoucherVillage, make_voucher_village
from tests.support.world import PASSWORD, World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REGISTERS = (Person, Membership, Voucher, VoucherEvent)


def tbl(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def register(world: World, village_id: str) -> dict[str, dict[str, str]]:
    """Every record of the village in the registers, by table and id, as canonical states."""
    out: dict[str, dict[str, str]] = {}
    with world.db.read() as s:
        for model in REGISTERS:
            table = tbl(model)
            rows = s.execute(select(table).where(table.c.village_id == village_id)).mappings()
            out[table.name] = {r["id"]: canonical(row_state(table, dict(r))) or "" for r in rows}
        vouchers = set(out["voucher"])
        t = tbl(Attachment)
        rows = s.execute(select(t)).mappings()
        out["attachment"] = {
            r["id"]: canonical(row_state(t, dict(r))) or "" for r in rows if r["owner_id"] in vouchers
        }
    return out


def check_round(sites: Sites) -> None:
    for w in [sites.township, *sites.villages.values()]:
        assert problems(w) == [], w.db.label
    for w in sites.villages.values():
        vid = w.village_ids[0]
        assert register(sites.township, vid) == register(w, vid)


def full_round(sites: Sites) -> None:
    """Every village reports, the township imports all at once and dispatches; receipts go both ways."""
    reports = [sites.report(name).path for name in sites.villages]
    results = sites.at_township(*reversed(reports))
    assert all(r.ok for r in results), [r.message for r in results]
    for name in sites.villages:
        sites.at(name, receipt_path(sites.file(f"{name}-{_round_of(reports, name)}.上报.zip")))
        d = sites.dispatch(name).path
        assert all(r.ok for r in sites.at(name, d))
        sites.at_township(receipt_path(d))
    check_round(sites)


def _round_of(reports: list[Path], name: str) -> str:
    p = next(p for p in reports if p.name.startswith(name))
    return p.name.split("-")[1].split(".")[0]


def delivered(vv: VoucherVillage, amount: int = 150_000, **kw: Any) -> str:
    vid = vv.submitted(amount, **{"number": f"N{amount}", **kw})
    return sign_through(vv, vid)


def sign_through(vv: VoucherVillage, vid: str) -> str:
    tick = vv.world.clock.advance
    review_voucher(vv.member1, vid, "agree", "", PASSWORD)
    tick(minutes=5)
    review_voucher(vv.member2, vid, "agree", "", PASSWORD)
    tick(minutes=5)
    sign_voucher(vv.director, vid, PASSWORD)
    tick(minutes=5)
    sign_voucher(vv.secretary, vid, PASSWORD)
    tick(minutes=5)
    deliver_voucher(vv.clerk, vid)
    tick(minutes=5)
    return vid


def status_of(world: World, voucher_id: str) -> str:
    with world.db.read() as s:
        return s.get_one(Voucher, voucher_id).status


def counts(world: World) -> tuple[int, ...]:
    with world.db.read() as s:
        return tuple(len(s.execute(select(tbl(m))).all()) for m in (*REGISTERS, Attachment, Township))


def chain_length(world: World) -> int:
    with world.db.read_engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() or 0)


def test_voucher_returned_corrected_and_accepted_over_three_rounds(sites: Sites) -> None:
    xk, sy = sites.villages["溪口村"], sites.villages["上洋村"]
    a, b = make_voucher_village(xk), make_voucher_village(sy)
    # Round 1: each village delivers a voucher; 溪口村's carries a scanned invoice
    va = delivered(a)
    add_attachment(
        a.clerk,
        owner_kind="voucher",
        owner_id=va,
        village_id=a.vid,
        perm=Perm.VOUCHER_EDIT,
        data=PDF,
        filename="发票.pdf",
    )
    vb = delivered(b, 90_000)
    full_round(sites)
    assert status_of(sites.township, va) == "delivered"
    # Round 2: the 代理记账中心 returns 溪口村's voucher and accepts 上洋村's; the villages see it
    return_voucher(sites.township.admin, va, "缺少验收单", PASSWORD)
    accept_voucher(sites.township.admin, vb, PASSWORD)
    full_round(sites)
    assert status_of(xk, va) == "returned"
    assert status_of(sy, vb) == "accepted"
    # Round 3: the clerk corrects it (a new version), the village reviews and signs again, the centre accepts
    new_id, _ = correct_voucher(a.clerk, va, a.fields(150_000, number="N150000", note="补验收单"))
    xk.clock.advance(minutes=5)
    submit_voucher(a.clerk, new_id)
    xk.clock.advance(minutes=5)
    sign_through(a, new_id)
    full_round(sites)
    assert status_of(sites.township, va) == "superseded"
    accept_voucher(sites.township.admin, new_id, PASSWORD)
    full_round(sites)
    assert status_of(xk, new_id) == "accepted"
    # And the township's status shows both villages up to date, with nothing waiting
    status = exchange_status(sites.township.admin)
    assert {p.name for p in status.peers} == {"溪口村", "上洋村"}
    assert all(p.waiting == () and p.forks == 0 and p.conflicts == 0 for p in status.peers)


@pytest.mark.sqlite_only  # the PC restored from a copy of its file
def test_duplicates_reordering_and_a_missing_package(sites: Sites, tmp_path: Path) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    full_round(sites)
    # Two packages made one after the other without a receipt in between overlap; the later one arrives first
    delivered(a)
    plan = plan_export(xk.admin, to="石梁镇")  # what the clerk sees before writing the package
    p1 = sites.report("溪口村").path
    assert plan.kind == "report" and plan.entries > 0 and plan.last_seq == chain_length(xk) - 1
    delivered(a, 80_000)
    p2 = sites.report("溪口村").path
    [r2] = sites.at_township(p2)
    assert r2.status == "applied"
    before = chain_length(sites.township)
    [r1] = sites.at_township(p1)
    assert r1.status == "duplicate"
    [again] = sites.at_township(p2)
    assert again.status == "duplicate"
    assert chain_length(sites.township) == before  # the same package twice changes nothing
    sites.at("溪口村", receipt_path(p2))
    check_round(sites)
    # The township PC is restored from a backup made before p3 was imported: p4 then waits for p3
    delivered(a, 70_000)
    p3 = sites.report("溪口村").path
    backup = tmp_path / "township-backup.sqlite3"
    sites.township.db.dispose()
    shutil.copy(sites.township.path, backup)
    reopen(sites.township)
    assert sites.at_township(p3)[0].status == "applied"
    sites.at("溪口村", receipt_path(p3))
    delivered(a, 60_000)
    p4 = sites.report("溪口村").path
    sites.township.db.dispose()
    shutil.copy(backup, sites.township.path)
    reopen(sites.township)
    [waiting] = sites.at_township(p4)
    assert waiting.status == "waiting"
    assert "缺少第" in waiting.message and "请先导入" in waiting.message
    with sites.township.db.read() as s:
        assert s.get(Voucher, p4_voucher(xk)) is None  # nothing applied
    assert exchange_status(sites.township.admin).peers[0].waiting != ()
    [r3] = sites.at_township(p3)
    assert r3.status == "applied" and [t.status for t in r3.then] == ["applied"]
    sites.at("溪口村", receipt_path(p4))
    check_round(sites)


def p4_voucher(world: World) -> str:
    with world.db.read() as s:
        return s.scalars(select(Voucher.id).where(Voucher.amount_fen == 60_000)).one()


def reopen(world: World) -> None:
    world.db = Database(world.path)
    ctx = AppContext(world.db, clock=world.clock)
    ctx.user = load_current_user(ctx, world.admin.require_user().id)
    world.admin = ctx


@pytest.mark.sqlite_only  # the PC restored from a copy of its file
def test_a_village_restored_from_an_old_backup_is_a_fork(sites: Sites, tmp_path: Path) -> None:
    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    full_round(sites)
    backup = tmp_path / "village-backup.sqlite3"
    xk.db.dispose()
    shutil.copy(xk.path, backup)
    reopen(xk)
    # The village records a phone number and reports it; the township accepts it
    set_phone(xk, a.persons["主任丁"], "13900000001")
    p2 = sites.report("溪口村").path
    assert sites.at_township(p2)[0].status == "applied"
    # The village PC is restored from the old backup and the clerk enters the change again (and one more)
    xk.db.dispose()
    shutil.copy(backup, xk.path)
    reopen(xk)
    set_phone(xk, a.persons["主任丁"], "13900000001")
    set_phone(xk, a.persons["书记戊"], "13900000002")
    p3 = sites.report("溪口村").path
    before = counts(sites.township), chain_length(sites.township)
    [fork] = sites.at_township(p3)
    assert fork.status == "fork"
    assert "分叉" in fork.message and "最后一致的是第" in fork.message
    assert counts(sites.township) == before[0]  # nothing applied
    [alarm] = list_forks(sites.township.admin)
    first = exchange_status(sites.township.admin).peers[0]  # what needs attention comes first
    assert first.name == "溪口村" and first.forks == 1 and first.attention > 0
    assert alarm.side == "theirs" and alarm.common_seq < alarm.their_seq <= alarm.accepted_seq
    # The village learns it from the refusal receipt
    [back] = sites.at("溪口村", receipt_path(p3))
    assert back.status == "fork"
    assert list_forks(xk.admin)[0].side == "ours"
    # The administrator decides the village's present history stands; the package is imported again
    settle_fork(
        sites.township.admin,
        alarm.id,
        keep="theirs",
        reason="村电脑硬盘损坏，已从备份恢复并补录",
        password=PASSWORD,
    )
    settle_fork(
        xk.admin, list_forks(xk.admin)[0].id, keep="ours", reason="以恢复后补录的数据为准", password=PASSWORD
    )
    assert sites.at_township(p3)[0].status == "applied"
    sites.at("溪口村", receipt_path(p3))
    assert list_forks(sites.township.admin) == []
    check_round(sites)
    full_round(sites)


def set_phone(world: World, person_id: str, phone: str) -> None:
    world.clock.advance(minutes=1)
    with world.admin.write("person.update") as s:
        s.get_one(Person, person_id).phone = phone


def test_a_change_to_a_township_record_is_a_conflict(sites: Sites) -> None:
    xk = sites.villages["溪口村"]
    make_voucher_village(xk)
    with xk.admin.write("township.rename") as s:
        s.scalars(select(Township)).one().name = "石梁镇（村里改的）"
    p = sites.report("溪口村").path
    [r] = sites.at_township(p)
    assert r.status == "applied" and r.conflicts == 1
    with sites.township.db.read() as s:
        assert s.scalars(select(Township.name)).one() == "石梁镇"  # never last-write-wins
    [c] = list_conflicts(sites.township.admin)
    assert c.entity == "township" and c.differing == ["name", "row_version"]
    assert c.ours is not None and c.ours["name"] == "石梁镇" and c.theirs["name"] == "石梁镇（村里改的）"
    assert exchange_status(sites.township.admin).peers[0].conflicts == 1
    with pytest.raises(SignatureFailed):  # a signed decision: the wrong password settles nothing
        settle_conflict(
            sites.township.admin, c.id, keep="ours", reason="乡镇名称以乡镇为准", password="wrong-pass"
        )
    assert len(list_conflicts(sites.township.admin)) == 1
    settle_conflict(sites.township.admin, c.id, keep="ours", reason="乡镇名称以乡镇为准", password=PASSWORD)
    assert list_conflicts(sites.township.admin) == []
    with sites.township.db.read() as s:
        act = s.scalars(select(SignedAct).where(SignedAct.act == "exchange.settle_conflict")).one()
        assert act.record_id == str(c.id) and act.signer_id == sites.township.admin.require_user().id
        assert json.loads(act.statement)["decision"] == {"keep": "ours", "reason": "乡镇名称以乡镇为准"}
    assert verify(sites.township.admin).problems == []  # the act checks against the signer's key
    for w in [sites.township, xk]:
        assert problems(w) == []


def test_refusals_apply_nothing(sites: Sites, tmp_path: Path) -> None:
    from quzhou_desktop.core.signing import b64, new_keypair, sign

    xk = sites.villages["溪口村"]
    a = make_voucher_village(xk)
    va = delivered(a)
    add_attachment(
        a.clerk,
        owner_kind="voucher",
        owner_id=va,
        village_id=a.vid,
        perm=Perm.VOUCHER_EDIT,
        data=PDF,
        filename="发票.pdf",
    )
    good = sites.report("溪口村").path
    data = good.read_bytes()
    before = counts(sites.township), chain_length(sites.township)

    def refused(name: str, content: bytes, reason: str) -> None:
        path = tmp_path / name
        path.write_bytes(content)
        [r] = sites.at_township(path)
        assert r.status == "refused", r.message
        assert name in r.message and reason in r.message and "未作任何修改" in r.message
        assert (counts(sites.township), chain_length(sites.township)) == before

    # a flipped byte anywhere: the zip or a member's digest no longer checks
    for at in range(7, len(data), max(1, len(data) // 16)):
        flipped = bytearray(data)
        flipped[at] ^= 0x01
        refused(f"flipped-{at}.zip", bytes(flipped), "")
    # a member's bytes rewritten as a plain zip tool would: the container no longer matches its content
    refused("rezipped.zip", plain_rezip(data), "结构")
    # a member changed and its digest updated: the manifest no longer matches its signature
    refused("edited.zip", rezip(data, edit_entries=True), "签名")
    # signed by a key the township never enrolled
    other = new_keypair()
    refused("stranger.zip", rezip(data, sign_with=lambda m: b64(sign(other.private, m))), "签名")
    refused("unknown-site.zip", rezip(data, site="00000000-0000-0000-0000-000000000000"), "未在本站点登记")
    refused("not-a-package.zip", b"hello", "不是数据包")
    # signed with the village's own key, but an entry no longer matches its hash
    refused("resigned.zip", resign(xk, data), "与其校验值不符")
    # a clerk of the other village, at the township, may not import it
    clerk = sites.township.new_user("shangyang", Role.CLERK, [sites.villages["上洋村"].village_ids[0]])
    [r] = import_files(clerk, [good])
    assert r.status == "refused" and "不能代表这个村" in r.message
    # the good package still applies
    assert sites.at_township(good)[0].status == "applied"
    sites.at("溪口村", receipt_path(good))
    check_round(sites)


def rezip(
    data: bytes, *, edit_entries: bool = False, sign_with: Any = None, site: str | None = None
) -> bytes:
    import hashlib
    import io
    import json
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    manifest = json.loads(members["manifest.json"])
    if edit_entries:
        members["entries.jsonl"] = members["entries.jsonl"].replace(b"150000", b"950000")
        manifest["members"]["entries.jsonl"] = hashlib.sha256(members["entries.jsonl"]).hexdigest()
    if site is not None:
        manifest["from"]["site"] = site
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    if sign_with is not None:
        members["manifest.sig"] = sign_with(members["manifest.json"]).encode()
    return container(members)  # a well-made zip, so the check that fails is the one meant


def plain_rezip(data: bytes) -> bytes:
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n in src.namelist():
            zf.writestr(n, src.read(n))
    return out.getvalue()


def resign(village: World, data: bytes) -> bytes:
    """The package with one entry's amount changed, re-signed with the village's real site key."""
    from quzhou_desktop.core.signing import b64, sign
    from quzhou_desktop.services.exchange.identity import local_site, site_private_key

    with village.db.read() as s:
        site = local_site(s)
    assert site is not None
    private = site_private_key(site)
    return rezip(data, edit_entries=True, sign_with=lambda m: b64(sign(private, m)))


def test_a_rewritten_history_below_a_receipt_is_caught_by_verify(sites: Sites) -> None:
    xk = sites.villages["溪口村"]
    make_voucher_village(xk)
    full_round(sites)
    assert problems(xk) == []
    # Someone rewrites an early entry and re-hashes the whole chain so it links up again
    from quzhou_desktop.store.audit.chain import entry_hash, norm_value

    xk.db.dispose()
    conn = pg.raw_connection(xk.db)  # on a server as its superuser, the triggers off for the session
    file = isinstance(conn, sqlite3.Connection)
    if file:
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").fetchone()[
            0
        ]
        conn.execute(
            "DROP TRIGGER audit_log_no_update"
        )  # the attacker has the file, and puts the trigger back
    rows = conn.execute(
        "SELECT seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason FROM audit_log "
        "ORDER BY seq"
    ).fetchall()
    prev = "0" * 64
    for r in rows:
        reason = "改写" if r[0] == 3 else r[9]
        h = entry_hash(
            seq=r[0], ts=r[1] if isinstance(r[1], str) else norm_value(r[1]), user_id=r[2], username=r[3], action=r[4], entity=r[5], entity_id=r[6],
            before_json=r[7], after_json=r[8], reason=reason, prev_hash=prev,
        )  # fmt: skip
        conn.execute(
            "UPDATE audit_log SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?", (reason, prev, h, r[0])
        )
        prev = h
    if file:
        conn.execute(trigger)
    conn.commit()
    conn.close()
    found = problems(xk)
    assert [p.kind for p in found] == ["anchor"]
    assert "回执" in found[0].message


def test_each_site_keeps_its_own_identity_and_anchors(sites: Sites) -> None:
    """The enrolment file and every dispatch carry the township row, whose settings hold the township's site
    identity: the village keeps its own identity, its anchors are signed with its own key and its ``verify``
    checks them; the township's journal gets none of the village's anchors."""
    from quzhou_desktop.core.anchors import signature_ok
    from quzhou_desktop.paths import anchor_journal_path
    from quzhou_desktop.services.kernel.anchoring import write_anchor
    from quzhou_desktop.services.kernel.site import read_site

    xk = sites.villages["溪口村"]
    town, own = read_site(sites.township.db), read_site(xk.db)
    assert town is not None and own is not None
    assert own.id != town.id and own.kind == "village" and own.name == "石梁镇溪口村"
    assert not set(own.keys) & set(town.keys)
    # rounds both ways (the township row goes down, the village's own site entries go up): nobody's identity moves
    make_voucher_village(xk)
    full_round(sites)
    full_round(sites)
    assert read_site(xk.db) == own
    after = read_site(sites.township.db)
    assert after is not None and after.id == town.id
    # each receipt the village imported is an anchor of its own journal, signed with its own key
    from quzhou_desktop.core.anchors import parse_line

    kept = [parse_line(x) for x in anchor_journal_path(own.id).read_text(encoding="utf-8").splitlines()]
    receipts = [a for a in kept if a.why == "石梁镇回执"]
    assert receipts and all(a.site == own.id and a.public_key in own.keys for a in receipts)
    with xk.db.read_engine.connect() as conn:
        hashes: dict[int, str] = dict(conn.exec_driver_sql("SELECT seq, hash FROM audit_log").all())
    assert all(hashes[a.seq] == a.head for a in receipts)
    anchor = write_anchor(xk.db, "测试")
    assert anchor is not None and anchor.site == own.id and anchor.public_key in own.keys
    assert signature_ok(anchor, anchor.public_key)
    town_journal = anchor_journal_path(town.id)
    assert not town_journal.exists() or own.id not in town_journal.read_text(encoding="utf-8")
    for w in [xk, sites.township]:
        report = verify(w.admin)
        assert report.problems == [], w.db.label
    assert verify(xk.admin).anchors_used >= 1
