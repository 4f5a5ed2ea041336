"""Backup, restore and verify through the permission-checked service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel import maintenance
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.signatures import SignatureFailed
from quzhou_desktop.services.verification.run import verify
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import SignedAct
from tests.support.world import PASSWORD, World

pytestmark = pytest.mark.sqlite_only  # backups of the SQLite file; a server's: tests/server


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DIRECTOR, Role.SECRETARY, Role.READONLY])
def test_backup_refused_without_the_right(world: World, role: Role) -> None:
    ctx = world.new_user("u1", role)
    with pytest.raises(PermissionDenied):
        maintenance.backup_now(ctx)


@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR_CHAIR, Role.DIRECTOR, Role.READONLY])
def test_restore_refused_without_the_right_and_database_stays_open(world: World, role: Role) -> None:
    copy = maintenance.backup_now(world.admin)
    ctx = world.new_user("u1", role)
    with pytest.raises(PermissionDenied, match="恢复数据库"):
        maintenance.restore_backup(ctx, copy)
    assert verify(ctx).ok


def test_clerk_backs_up_admin_restores(world: World) -> None:
    clerk = world.new_user("wenshu", Role.CLERK)
    copy = maintenance.backup_now(clerk)
    assert copy in [b.path for b in maintenance.list_backups(clerk)]
    with pytest.raises(SignatureFailed):  # the restore is the administrator's signed act: nothing is touched
        maintenance.restore_backup(world.admin, copy, "wrong-password")
    outcome = maintenance.restore_backup(world.admin, copy, PASSWORD)
    assert outcome.safety_copy is not None and outcome.safety_copy.exists()
    assert outcome.signed
    report = verify(AppContext(Database(world.path)))
    assert report.ok, [p.message for p in report.problems]
    with world.db.read() as s:
        (act,) = s.scalars(select(SignedAct).where(SignedAct.act == "data.restore")).all()
        assert act.signer_id == world.admin.require_user().id
