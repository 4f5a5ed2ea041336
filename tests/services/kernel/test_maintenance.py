"""Backup, restore and verify through the permission-checked service."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel import maintenance
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.verification.run import verify


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DIRECTOR, Role.SECRETARY, Role.READONLY])
def test_backup_refused_without_the_right(world, role: Role) -> None:  # type: ignore[no-untyped-def]
    ctx = world.new_user("u1", role)
    with pytest.raises(PermissionDenied):
        maintenance.backup_now(ctx)


@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR_CHAIR, Role.DIRECTOR, Role.READONLY])
def test_restore_refused_without_the_right_and_database_stays_open(world, role: Role) -> None:  # type: ignore[no-untyped-def]
    copy = maintenance.backup_now(world.admin)
    ctx = world.new_user("u1", role)
    with pytest.raises(PermissionDenied, match="恢复数据库"):
        maintenance.restore_backup(ctx, copy)
    assert verify(ctx).ok


def test_clerk_backs_up_admin_restores(world) -> None:  # type: ignore[no-untyped-def]
    clerk = world.new_user("wenshu", Role.CLERK)
    copy = maintenance.backup_now(clerk)
    assert copy in [b.path for b in maintenance.list_backups(clerk)]
    outcome = maintenance.restore_backup(world.admin, copy)
    assert outcome.safety_copy is not None and outcome.safety_copy.exists()
