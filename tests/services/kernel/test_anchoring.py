"""When anchors are written: every backup (inside the copy too), the daily backup, and after a login or at close
when the chain moved or a day passed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quzhou_desktop.core.anchors import parse_line, to_line
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel import anchoring, maintenance, site
from quzhou_desktop.services.roster.people import PersonFields, add_person
from quzhou_desktop.store.anchors import append_journal, file_head, read_anchor_table, read_journal
from quzhou_desktop.store.models import utcnow
from tests.support.world import World


def _journal(world: World) -> list[str]:
    s = site.read_site(world.db)
    assert s is not None
    return read_journal(anchor_journal_path(s.id))


@pytest.mark.sqlite_only  # a server's backup: tests/server/test_move.py
def test_a_manual_backup_anchors_its_copy_in_the_journal_and_inside_it(world: World) -> None:
    copy = maintenance.backup_now(world.admin)
    (line,) = _journal(world)
    anchor = parse_line(line)
    assert (anchor.seq, anchor.head) == file_head(copy) and anchor.why == "backup"
    assert read_anchor_table(copy) == [line]


@pytest.mark.sqlite_only  # a server's backup: tests/server/test_move.py
def test_the_daily_backup_is_anchored(world: World) -> None:
    made = maintenance.daily_backup(world.db)
    assert made is not None
    assert [parse_line(x).why for x in _journal(world)] == ["backup"]
    assert maintenance.daily_backup(world.db) is None  # once a day


def test_anchor_if_due_writes_only_when_the_chain_moved_or_a_day_passed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert anchoring.anchor_if_due(world.db, "login") is not None
    assert anchoring.anchor_if_due(world.db, "close") is None  # nothing changed
    add_person(world.admin, world.village_ids[0], PersonFields(name="张三"))
    assert anchoring.anchor_if_due(world.db, "close") is not None
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(anchoring, "utcnow", lambda: later)
    assert anchoring.anchor_if_due(world.db, "login") is not None  # a day old: anchored again
    assert [parse_line(x).why for x in _journal(world)] == ["login", "close", "login"]


def test_a_damaged_last_line_does_not_stop_anchoring(world: World) -> None:
    first = anchoring.write_anchor(world.db, "manual")
    assert first is not None
    s = site.read_site(world.db)
    assert s is not None
    append_journal(anchor_journal_path(s.id), [to_line(first)[:40]])  # a torn write
    assert anchoring.anchor_if_due(world.db, "login") is None  # the last whole anchor still holds the head
