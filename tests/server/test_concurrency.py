"""Several PCs on one server database, as real processes: nothing lost, one audit chain, a clear message for
a record changed under someone, and a writer killed mid-transaction leaves no trace and no lock."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import AuditEntry, Person, Voucher
from tests.pg import Cluster
from tests.server import writers
from tests.support.world import World, make_world

WRITERS = 8
EACH = 12
SPAWN = mp.get_context("spawn")


@pytest.fixture
def server_world(pg_database: tuple[Cluster, str]) -> Iterator[tuple[World, str]]:
    c, name = pg_database
    w = make_world(c.app_url(name))
    yield w, c.app_url(name)
    w.db.dispose()


def _problems(w: World) -> list[object]:
    with w.db.read_engine.connect() as conn:
        return list(verify_all(conn))


def test_eight_writers_in_mixed_and_same_villages_lose_nothing(server_world: tuple[World, str]) -> None:
    w, url = server_world
    admin = w.admin.require_user().id
    start, out = SPAWN.Event(), SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=writers.enter_vouchers,
            args=(url, admin, w.village_ids[k % 2], f"W{k}", EACH, start, out),
        )
        for k in range(WRITERS)
    ]
    for p in procs:
        p.start()
    time.sleep(0.5)
    start.set()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert sorted(tag for tag, _s, _t in results) == sorted(f"W{k}" for k in range(WRITERS))
    with w.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Voucher)) == WRITERS * EACH
        per_village = dict(
            s.execute(select(Voucher.village_id, func.count()).group_by(Voucher.village_id)).all()
        )
        seqs = list(s.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert per_village == {w.village_ids[0]: WRITERS // 2 * EACH, w.village_ids[1]: WRITERS // 2 * EACH}
    assert seqs == list(range(1, len(seqs) + 1))  # one unbroken line
    assert _problems(w) == []


def test_a_record_changed_under_someone_is_refused_with_a_message(server_world: tuple[World, str]) -> None:
    w, url = server_world
    admin = w.admin.require_user().id
    p = add_person(w.admin, w.village_ids[0], PersonFields(name="赵大山", gender="男"))
    start, out = SPAWN.Event(), SPAWN.Queue()
    procs = [
        SPAWN.Process(
            target=writers.update_same_person, args=(url, admin, p.id, f"1380000{k:04d}", start, out)
        )
        for k in range(WRITERS)
    ]
    for proc in procs:
        proc.start()
    time.sleep(0.5)
    start.set()
    results = [out.get(timeout=240) for _ in procs]
    for proc in procs:
        proc.join(60)
    won = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(won) == 1 and len(refused) == WRITERS - 1
    assert all("已被其他人修改" in msg for _k, msg in refused)
    with w.db.read() as s:
        person = s.get(Person, p.id)
        assert person is not None and person.phone == won[0][1] and person.row_version == 2
    assert _problems(w) == []


def test_writer_killed_mid_transaction_leaves_no_trace_and_no_lock(server_world: tuple[World, str]) -> None:
    w, url = server_world
    admin = w.admin.require_user().id
    with w.db.read() as s:
        entries_before = s.scalar(select(func.count()).select_from(AuditEntry))
    ready = SPAWN.Event()
    proc = SPAWN.Process(target=writers.hang_mid_transaction, args=(url, admin, w.village_ids[0], ready))
    proc.start()
    assert ready.wait(120), "the writer never got into its transaction"
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    t0 = time.perf_counter()
    add_person(w.admin, w.village_ids[0], PersonFields(name="下一个", gender="女"))
    assert time.perf_counter() - t0 < 10  # the dead writer's chain lock went with its connection
    with w.db.read() as s:
        names = set(s.scalars(select(Person.name)))
        entries_after = s.scalar(select(func.count()).select_from(AuditEntry))
    assert "写了一半" not in names and "下一个" in names
    assert entries_after == (entries_before or 0) + 1
    assert _problems(w) == []
