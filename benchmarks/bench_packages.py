"""Exchange packages between sites (issue: villages and township on separate PCs).

- A village-year 上报数据包 (≈5,000 audit entries with their states, ≈100 scanned attachments) written by
  ``export_package``: budget ≤ 1 s.
- The township importing 30 villages' yearly packages in one ``import_files`` call (check every member digest,
  the signature, every entry's hash and link, place, apply in one transaction per package with the audit
  entries, write a signed receipt): budget ≤ 3× the floor, the same record rows (and attachment blobs) inserted
  into the same township database with bare ``executemany`` in one transaction, measured in the same run.

The village databases are synthetic: each is enrolled through the real enrolment file and answer, then gets a
year of records (people, vouchers, their review and signature events, status changes, scans) written as the
app's audit entries, so its chain and records verify.

    python -m benchmarks.bench_packages [--villages 30] [--entries 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.measure import Measurement, table

WRITE_LIMIT_S = 1.0
IMPORT_RATIO = 3.0
PASSWORD = "bench-pass-1"


@dataclass
class Network:
    folder: Path
    township_db: Path  # the township after enrolment, before any package
    villages: list[tuple[str, Path]]  # (name, database)
    packages: list[Path]


def _row(tbl: Any, **values: Any) -> dict[str, Any]:
    row = dict.fromkeys((c.name for c in tbl.columns), None)
    row.update(values)
    return row


def _act(signer: Any, village: tuple[str, str], voucher: dict[str, Any], event: dict[str, Any], number: int,
         at: datetime) -> dict[str, Any]:  # fmt: skip
    """The 村监会 review ``event`` of ``voucher`` as the signed act the app writes (a real Ed25519 signature by
    the village administrator's key over the canonical statement)."""
    from quzhou_desktop.core import signing
    from quzhou_desktop.services.kernel.signatures import Office, envelope
    from quzhou_desktop.store.models import new_uuid

    office = Office("supervisor", "村监会成员", village[0], village[1]).to_json(None, None)
    statement = envelope(act="voucher.review", record_kind="voucher", record_id=voucher["id"], record_version=1,
                         content={"amount_fen": voucher["amount_fen"], "payee": voucher["payee"],
                                  "purpose": voucher["purpose"]},
                         decision={"opinion": "agree", "event": event["id"]}, user=signer.user, office=office,
                         key_id=signer.key_id, at=at, log=(number, "0" * 64))  # fmt: skip
    message = signing.statement_bytes(statement)
    return {"id": new_uuid(), "created_at": at, "row_version": 1, "number": number, "act": "voucher.review",
            "record_kind": "voucher", "record_id": voucher["id"], "record_version": 1, "subject_id": event["id"],
            "village_id": village[0], "signer_id": signer.user.id, "key_id": signer.key_id, "signed_at": at,
            "statement": message.decode("utf-8"), "signature": signing.b64(signer.sign(message))}  # fmt: skip


def _year(db: Any, village: tuple[str, str], signer: Any, entries: int, rng: random.Random) -> None:
    """About ``entries`` audit entries of a village's year, written the way the app records them: every 村监会
    review of a voucher is a signed act by a real key (two per voucher, as the acts a village's year holds)."""
    from sqlalchemy import insert

    from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, row_state
    from quzhou_desktop.store.models import Base, new_uuid

    tables = Base.metadata.tables
    person_t, voucher_t, event_t = tables["person"], tables["voucher"], tables["voucher_event"]
    attachment_t, blob_t, act_t = tables["attachment"], tables["attachment_blob"], tables["signed_act"]
    village_id = village[0]
    person_ids: list[str] = []
    with db.read_engine.connect() as c:
        signed_from = c.exec_driver_sql(
            "SELECT valid_from FROM signing_key WHERE id = ?", (signer.key_id,)
        ).scalar()
        numbered = int(c.exec_driver_sql("SELECT coalesce(max(number), 0) FROM signed_act").scalar() or 0)
    signed_from = datetime.fromisoformat(str(signed_from))
    acts: list[dict[str, Any]] = []

    clerk = Actor(new_uuid(), "wenshu")
    start = datetime(2026, 1, 5, 1, 0)
    n_vouchers = max(1, entries // 5)
    n_scans = max(1, entries // 50)
    n_people = max(1, entries // 35)
    with db.write_connection() as conn:
        changes: list[Change] = []
        people = []
        for i in range(n_people):
            p = _row(person_t, id=new_uuid(), created_at=start, row_version=1, village_id=village_id,
                     name=f"村民{i:03d}", gender="男" if i % 2 else "女", phone=f"139{i:08d}", group_name=f"第{i % 8 + 1}组",
                     household_head=i % 4 == 0, active=True)  # fmt: skip
            people.append(p)
            changes.append(Change("person.create", "person", p["id"], None, row_state(person_t, p)))
        conn.execute(insert(person_t), people)
        vouchers, events, updates = [], [], []
        for i in range(n_vouchers):
            at = start + timedelta(hours=6 * i)
            v = _row(voucher_t, id=new_uuid(), created_at=at, row_version=1, village_id=village_id, year=2026,
                     number=f"{i + 1:04d}", version=1, voucher_date=date(2026, 1, 1) + timedelta(days=i % 360),
                     handler_name="王小明", payee=f"衢州市某某商店{i % 40}", purpose=f"村道维修材料第{i}批",
                     amount_fen=rng.randint(5_000, 3_000_000), funding_source="村集体经营收入", invoice_count=2,
                     submitted_at=at, status="submitted", prepared_by=clerk.user_id)  # fmt: skip
            vouchers.append(v)
            changes.append(Change("voucher.create", "voucher", v["id"], None, row_state(voucher_t, v)))
            for k, kind in enumerate(("submit", "review", "review")):
                e = _row(event_t, id=new_uuid(), created_at=at, row_version=1, voucher_id=v["id"],
                         village_id=village_id, kind=kind, opinion=None if kind == "submit" else "agree",
                         text="票据齐全" if kind == "review" else None, user_id=clerk.user_id,
                         person_id=person_ids[k % len(person_ids)] if person_ids else None, actor_name="监委甲",
                         actor_role="村务监督委员会成员", at=at + timedelta(minutes=k), signature=None)  # fmt: skip
                if kind == "review":  # signed after the key was made (the acts' times lie in its validity)
                    act = _act(
                        signer,
                        village,
                        v,
                        e,
                        numbered + len(acts) + 1,
                        signed_from + timedelta(seconds=len(acts) + 1),
                    )
                    acts.append(act)
                    e["signature"] = act["id"]
                events.append(e)
                changes.append(Change(f"voucher.{kind}", "voucher_event", e["id"], None,
                                      row_state(event_t, e)))  # fmt: skip
            if i % 10 < 6:
                after = {**v, "status": "reviewed", "row_version": 2}
                updates.append(after)
                changes.append(Change("voucher.review.agree", "voucher", v["id"], row_state(voucher_t, v),
                                      row_state(voucher_t, after)))  # fmt: skip
        conn.execute(insert(voucher_t), vouchers)
        conn.execute(insert(event_t), events)
        conn.execute(insert(act_t), acts)
        changes += [Change("voucher.review", "signed_act", a["id"], None, row_state(act_t, a)) for a in acts]
        for u in updates:
            conn.execute(voucher_t.update().where(voucher_t.c.id == u["id"]).values(
                status=u["status"], row_version=u["row_version"]))  # fmt: skip
        blobs, scans = [], []
        for i in range(n_scans):
            data = b"%PDF-1.4\n" + rng.randbytes(50_000) + b"\n%%EOF\n"
            import hashlib

            sha = hashlib.sha256(data).hexdigest()
            blobs.append({"sha256": sha, "size": len(data), "data": data})
            a = _row(attachment_t, id=new_uuid(), created_at=start, row_version=1, owner_kind="voucher",
                     owner_id=vouchers[i % len(vouchers)]["id"], sha256=sha, filename=f"发票{i}.pdf",
                     mime="application/pdf", size=len(data), caption=None, active=True)  # fmt: skip
            scans.append(a)
            changes.append(Change("attachment.add", "attachment", a["id"], None, row_state(attachment_t, a)))
        conn.execute(insert(blob_t), blobs)
        conn.execute(insert(attachment_t), scans)
        append_entries(conn, clerk, changes, ts=start)


def build(folder: Path, villages: int, entries: int) -> Network:
    """A township with ``villages`` enrolled villages, each with a year of records; the packages written."""
    from quzhou_desktop.services.exchange.enrol import accept_answer, join_as_village, write_enrolment
    from quzhou_desktop.services.exchange.export import export_package
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.kernel.keys import signer_for
    from quzhou_desktop.services.roster.setup import initialise
    from quzhou_desktop.services.roster.villages import VillageSpec, list_villages
    from quzhou_desktop.store.db import Database

    os.environ["QUZHOU_DATA_DIR"] = str(folder / "data")
    rng = random.Random(16)
    empty = folder / "empty.sqlite3"
    Database(empty, create=True).dispose()
    tdb = folder / "township.sqlite3"
    shutil.copyfile(empty, tdb)
    township = AppContext(Database(tdb))
    initialise(township, township_name="石梁镇", villages=[VillageSpec(name=f"第{i + 1:02d}村") for i in range(villages)],
               admin_username="admin", admin_password=PASSWORD, admin_display_name="管理员")  # fmt: skip
    login(township, "admin", PASSWORD)
    made: list[tuple[str, Path]] = []
    usb = folder / "usb"
    usb.mkdir(exist_ok=True)
    for v in list_villages(township):
        enrolment = write_enrolment(township, v.id, usb / f"{v.name}.登记.zip")
        vdb_path = folder / f"{v.name}.sqlite3"
        shutil.copyfile(empty, vdb_path)
        vdb = Database(vdb_path)
        joined = join_as_village(vdb, enrolment.path, admin_username="cunadmin", admin_password=PASSWORD,
                                 admin_display_name="村管理员")  # fmt: skip
        accept_answer(township, joined.answer, confirmed_fingerprint=joined.village_fingerprint)
        vctx = AppContext(vdb)
        login(vctx, "cunadmin", PASSWORD)
        _year(vdb, (v.id, v.name), signer_for(vctx, PASSWORD), entries, rng)
        vdb.dispose()
        made.append((v.name, vdb_path))
    township.db.dispose()
    packages = []
    for name, path in made:
        ctx = AppContext(Database(path))
        login(ctx, "cunadmin", PASSWORD)
        packages.append(export_package(ctx, to="石梁镇", out=usb / f"{name}.上报.zip").path)
        ctx.db.dispose()
    return Network(folder, tdb, made, packages)


def floor_rows(net: Network) -> tuple[dict[str, list[dict[str, Any]]], list[tuple[str, int, bytes]]]:
    """The record rows (by table, each the state the packages record last) and the attachment blobs the
    packages hold: what any import of them must at least write."""
    from quzhou_desktop.services.exchange.package import Package
    from quzhou_desktop.services.exchange.states import changes_of

    rows: dict[str, dict[str, dict[str, Any]]] = {}
    blobs: dict[str, tuple[str, int, bytes]] = {}
    for p in net.packages:
        pkg = Package.open(p)
        for e in pkg.entries():
            for c in changes_of(e):
                if not e.action.startswith("exchange.") and c.entity not in ("user_account", "user_village"):
                    rows.setdefault(c.entity, {})[c.entity_id] = c.after
        for name in pkg.manifest["members"]:
            if name.startswith("attachments/"):
                data = pkg.member(name)
                sha = name.split("/", 1)[1]
                blobs[sha] = (sha, len(data), data)
    return {entity: list(by_id.values()) for entity, by_id in rows.items()}, list(blobs.values())


def _floor(net: Network, target: Path) -> float:
    """The same record rows and blobs as the packages hold, inserted with bare executemany (one transaction)."""
    rows, blobs = floor_rows(net)
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")
    t0 = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany("INSERT OR IGNORE INTO attachment_blob (sha256, size, data) VALUES (?, ?, ?)", blobs)
    for entity, states in rows.items():
        cols = list(states[0])
        con.executemany(
            f"INSERT INTO {entity} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(s[c] for c in cols) for s in states],
        )
    con.execute("COMMIT")
    spent = time.perf_counter() - t0
    con.close()
    return spent


def _bare_checks(net: Network) -> tuple[float, int]:
    """Seconds for Ed25519 alone to verify every act signature the packages hold with its key (the least any
    import that checks them spends), and how many."""
    import json

    from quzhou_desktop.core.signing import unb64, verifier_of
    from quzhou_desktop.services.exchange.package import ACTS, KEYS, Package

    work: list[tuple[Any, bytes, bytes]] = []
    for p in net.packages:
        pkg = Package.open(p)
        keys = {k["id"]: verifier_of(bytes.fromhex(k["public_key"]))
                for k in map(json.loads, pkg.member(KEYS).decode("utf-8").splitlines())}  # fmt: skip
        for a in map(json.loads, pkg.member(ACTS).decode("utf-8").splitlines()):
            work.append((keys[a["key_id"]], a["statement"].encode("utf-8"), unb64(a["signature"])))
    t0 = time.perf_counter()
    for check, message, signature in work:
        assert check(message, signature)
    return time.perf_counter() - t0, len(work)


def measure(net: Network, repeat: int) -> list[Measurement]:
    from quzhou_desktop.services.exchange.apply import import_files
    from quzhou_desktop.services.exchange.export import export_package
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    _name, path = net.villages[0]
    ctx = AppContext(Database(path))
    login(ctx, "cunadmin", PASSWORD)
    writes = []
    plan = None
    for i in range(repeat):
        t0 = time.perf_counter()
        plan = export_package(ctx, to="石梁镇", out=net.folder / f"write-{i}.zip").plan
        writes.append(time.perf_counter() - t0)
    ctx.db.dispose()
    size = (net.folder / "write-0.zip").stat().st_size
    ours, floor, checks, with_checks = [], [], [], []
    results = []
    n_acts = 0
    for i in range(repeat):
        target = net.folder / f"import-{i}.sqlite3"
        shutil.copyfile(net.township_db, target)
        floor_db = net.folder / f"floor-{i}.sqlite3"
        shutil.copyfile(net.township_db, floor_db)
        floor.append(_floor(net, floor_db))
        spent, n_acts = _bare_checks(net)
        checks.append(spent)
        with_checks.append(floor[-1] + spent)
        t_ctx = AppContext(Database(target))
        login(t_ctx, "admin", PASSWORD)
        t0 = time.perf_counter()
        results = import_files(t_ctx, net.packages)
        ours.append(time.perf_counter() - t0)
        t_ctx.db.dispose()
        bad = [r.message for r in results if r.status != "applied"]
        assert not bad, bad
        target.unlink()
        floor_db.unlink()
    entries = sum(r.entries for r in results)
    assert plan is not None
    return [
        Measurement(f"village-year 上报数据包 written ({plan.entries:,} entries, {plan.attachments} scans, "
                    f"{size / 1e6:.1f} MB)", "s", writes, "s", WRITE_LIMIT_S),
        Measurement(f"township imports {len(net.packages)} villages' yearly packages ({entries:,} entries, "
                    f"{n_acts:,} signed acts)", "s", ours, "ratio", IMPORT_RATIO, floor,
                    "bare executemany of the same rows"),
        Measurement(f"  … the same against the floor plus bare Ed25519 checks of the {n_acts:,} signatures", "s",
                    ours, "ratio", 0.0, with_checks, "executemany + bare signature checks"),
        Measurement(f"  … bare Ed25519 checks of the {n_acts:,} act signatures alone", "s", checks, "ratio", 0.0,
                    floor, "bare executemany of the same rows"),
    ]  # fmt: skip


def packages(scratch: Path, repeat: int, *, villages: int = 30, entries: int = 5000) -> list[Measurement]:
    folder = scratch / "packages"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        return measure(build(folder, villages, entries), repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_packages")
    ap.add_argument("--villages", type=int, default=30)
    ap.add_argument("--entries", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        rows = packages(Path(tmp), args.repeat, villages=args.villages, entries=args.entries)
        print("\n".join(table(rows)))
        print(f"({time.perf_counter() - t0:.0f} s in all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
