"""Backup, restore and safety copies as permission-checked, audited use cases (GUI and CLI both go through here).

Verification is ``services.verification`` (it also reads printed codes, so it sits above the notices).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel.acts import record_act
from quzhou_desktop.services.kernel.anchoring import backup_hook, write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.site import ensure_site, read_site
from quzhou_desktop.store import backup as store_backup
from quzhou_desktop.store import restore as store_restore
from quzhou_desktop.store.anchors import RESTORE_ACTION, RESTORE_ENTITY, file_head, merge_journal
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)


def _db_path(ctx: AppContext) -> Path:
    if ctx.db.path is None:
        raise ValidationError(field="数据库", reason="内存数据库不能备份或恢复")
    return ctx.db.path


def backup_now(ctx: AppContext, *, dest: Path | None = None) -> Path:
    """A manual backup by a logged-in user with the right; audited as ``backup.create``."""
    ctx.require(Perm.BACKUP)
    path = _db_path(ctx)
    out = store_backup.make_backup(path, reason="manual", dest=dest, anchor=backup_hook(ctx.db))
    seq, head = file_head(out)
    record_act(ctx.db, ctx.actor, "backup.create", "backup", {"file": str(out), "seq": seq, "head": head})
    return out


def daily_backup(db: Database) -> Path | None:
    """Today's automatic backup at start-up (before anyone logs in; not an act of a user, so not audited)."""
    if db.path is None:
        return None
    return store_backup.daily_backup(db.path, anchor=backup_hook(db))


def list_backups(ctx: AppContext) -> list[store_backup.BackupInfo]:
    ctx.require_user()
    return store_backup.list_backups(ctx.db.path) if ctx.db.path else []


def list_safety_copies(ctx: AppContext) -> list[store_backup.BackupInfo]:
    """The copies restores kept of the databases they replaced (never rotated away)."""
    ctx.require_user()
    return store_backup.list_safety_copies(ctx.db.path) if ctx.db.path else []


def delete_safety_copy(ctx: AppContext, copy: Path) -> None:
    """An administrator deletes a safety copy; audited as ``backup.delete_safety_copy``."""
    ctx.require(Perm.RESTORE)
    path = _db_path(ctx)
    seq, head = file_head(copy) if copy.is_file() else (0, "")
    store_backup.delete_safety_copy(path, copy)
    record_act(
        ctx.db,
        ctx.actor,
        "backup.delete_safety_copy",
        "safety_copy",
        {"file": str(copy), "seq": seq, "head": head},
    )


@dataclass(frozen=True)
class RestoreOutcome:
    safety_copy: Path | None
    act_seq: int  # the restore's entry in the restored database's audit chain
    anchors_recovered: int  # anchors the backup carried that the journal did not hold


def restore_statement(act_id: str, actor: Actor, details: dict[str, Any]) -> dict[str, Any]:
    """What the administrator vouches for by restoring: the act, who, and the chain ends of both sides."""
    return {"act": RESTORE_ACTION, "id": act_id, "user": actor.user_id, "username": actor.username, **details}


def sign_restore_act(db: Database, actor: Actor, act_id: str, statement: dict[str, Any]) -> None:
    """SIGNING HOOK for the restore act (issue 15, the user-keys half).

    A restore is an administrator's act and must be signed with the administrator's key over ``statement``.
    The signing function of the user-keys work is called here; until it is merged this does nothing and the
    restore is recorded (audited, chained, anchored) but not signed."""
    del db, actor, act_id, statement


def restore_backup(ctx: AppContext, backup: Path) -> RestoreOutcome:
    """Check the right, release the open database, verify ``backup`` and copy it over the database; then record
    the restore in the restored database (who, the backup's chain end, the replaced database's chain end, the
    safety copy), bring the backup's anchors back into the journal and anchor the result.

    The caller re-opens the database afterwards (nobody is logged in to it)."""
    ctx.require(Perm.RESTORE)
    path = _db_path(ctx)
    actor, user = ctx.actor, ctx.user
    hook = backup_hook(ctx.db)
    ctx.db.dispose()
    result = store_restore.restore(backup, path, anchor=hook)
    db = Database(path)
    try:
        site = read_site(db)
        recovered = merge_journal(anchor_journal_path(site.id), result.anchor_lines) if site else 0
        details: dict[str, Any] = {
            "backup": {"file": str(backup), "seq": result.restored[0], "head": result.restored[1]},
            "replaced": (
                None if result.replaced is None else {"seq": result.replaced[0], "head": result.replaced[1]}
            ),
            "safety_copy": None if result.safety_copy is None else str(result.safety_copy),
            "anchors_recovered": recovered,
        }
        act_id, seq = record_act(db, actor, RESTORE_ACTION, RESTORE_ENTITY, details)
        sign_restore_act(db, actor, act_id, restore_statement(act_id, actor, details))
        ensure_site(AppContext(db, user, ctx.clock))  # re-lists this computer's key if the backup predates it
        write_anchor(db, "restore")
    finally:
        db.dispose()
    log.info("restore recorded as audit entry %s (%d anchors recovered)", seq, recovered)
    return RestoreOutcome(result.safety_copy, seq, recovered)


def reopen_database(ctx: AppContext) -> None:
    """Open the database file again (after a restore, done or refused), with nobody logged in."""
    path = _db_path(ctx)
    ctx.db.dispose()
    ctx.user = None
    ctx.db = Database(path)
