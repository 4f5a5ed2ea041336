"""A roster export with full ID numbers: created readable by its owner only, and recorded in the audit log with
who, when and how many numbers (CLI and GUI both export through ``export_register``)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.services.exports.registers import export_register
from quzhou_desktop.services.roster import people
from quzhou_desktop.services.roster.people import PersonFields
from quzhou_desktop.store.models import AuditEntry
from tests.support.world import World

IDS = ["330802199001011232", "330802198505050011"]


def _people(world: World) -> None:
    vid = world.village_ids[0]
    for n, idn in enumerate(IDS):
        people.add_person(world.admin, vid, PersonFields(name=f"村民{n}", id_number=idn))
    people.add_person(world.admin, vid, PersonFields(name="没有号码"))


def _acts(world: World) -> list[AuditEntry]:
    with world.db.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "export.id_numbers")))


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_full_id_export_is_owner_only_and_audited(world: World, tmp_path: Path) -> None:
    _people(world)
    old = os.umask(0o022)  # the usual umask would leave a new file world-readable
    try:
        out = tmp_path / "花名册.xlsx"
        rows = export_register(
            world.admin, "people", out, village_id=world.village_ids[0], with_id_numbers=True
        )
        masked = tmp_path / "masked.xlsx"
        export_register(world.admin, "people", masked, village_id=world.village_ids[0])
    finally:
        os.umask(old)
    assert rows == 3
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE(masked.stat().st_mode) == 0o644  # nothing personal beyond the masked numbers
    (act,) = _acts(world)
    details = json.loads(act.after_json or "{}")
    assert act.username == "admin" and act.ts is not None
    assert details == {"kind": "people", "file": str(out), "village_id": world.village_ids[0], "rows": 3,
                       "id_numbers": 2}  # fmt: skip


def test_masked_export_is_not_an_act(world: World, tmp_path: Path) -> None:
    _people(world)
    export_register(world.admin, "people", tmp_path / "m.xlsx")
    assert _acts(world) == []
