"""Backup, restore and verification as permission-checked use cases (GUI and CLI both go through here)."""

from __future__ import annotations

from pathlib import Path

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store import backup as store_backup
from quzhou_desktop.store import restore as store_restore
from quzhou_desktop.store.audit.verify import Problem, verify_all
from quzhou_desktop.store.db import Database


def _db_path(ctx: AppContext) -> Path:
    if ctx.db.path is None:
        raise ValidationError(field="数据库", reason="内存数据库不能备份或恢复")
    return ctx.db.path


def backup_now(ctx: AppContext, *, dest: Path | None = None) -> Path:
    ctx.require(Perm.BACKUP)
    return store_backup.make_backup(_db_path(ctx), reason="manual", dest=dest)


def list_backups(ctx: AppContext) -> list[store_backup.BackupInfo]:
    ctx.require_user()
    return store_backup.list_backups(ctx.db.path) if ctx.db.path else []


def restore_backup(ctx: AppContext, backup: Path) -> Path:
    """Check the right, release the open database, verify ``backup`` and copy it over the database.

    Returns the safety copy of the database as it was. The caller re-opens the database afterwards."""
    ctx.require(Perm.RESTORE)
    path = _db_path(ctx)
    ctx.db.dispose()
    return store_restore.restore(backup, path)


def reopen_database(ctx: AppContext) -> None:
    """Open the database file again (after a restore, done or refused), with nobody logged in."""
    path = _db_path(ctx)
    ctx.db.dispose()
    ctx.user = None
    ctx.db = Database(path)


def verify_database(ctx: AppContext) -> list[Problem]:
    """Integrity, audit chain, every record against its audit entry, attachments. Empty = clean."""
    ctx.require_user()
    with ctx.db.read_engine.connect() as conn:
        return verify_all(conn)
