"""Backup, restore and safety copies as permission-checked, audited use cases (GUI and CLI both go through here).

Verification is ``services.verification`` (it also reads printed codes, so it sits above the notices).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.acts import ActSignature, record_act
from quzhou_desktop.services.kernel.anchoring import backup_hook, write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import Signer, office_of
from quzhou_desktop.services.kernel.site import ensure_site, read_site
from quzhou_desktop.store import backup as store_backup
from quzhou_desktop.store import restore as store_restore
from quzhou_desktop.store.anchors import RESTORE_ACTION, RESTORE_ENTITY, file_head, merge_journal
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import SigningKey

log = logging.getLogger(__name__)


def _db_path(ctx: AppContext) -> Path:
    if ctx.db.server_url is not None:
        raise ValidationError(field="数据库", reason="单位服务器上的数据库由系统管理员在服务器上备份和恢复")
    if ctx.db.path is None:
        raise ValidationError(field="数据库", reason="内存数据库不能备份或恢复")
    return ctx.db.path


def backup_now(ctx: AppContext, *, dest: Path | None = None) -> Path:
    """A manual backup by a logged-in user with the right; audited as ``backup.create``. A server database
    is dumped with pg_dump (``services.kernel.server_backup``)."""
    if ctx.db.server_url is not None:
        from quzhou_desktop.services.kernel.server_backup import backup_server

        return backup_server(ctx, dest=dest)
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
    signed: bool  # the restore is a signed act in the restored database (its signer's key is known there)


@dataclass(frozen=True)
class RestoreRequest:
    """What the GUI asks the app to do when the window closes: restore ``backup``, signed with ``credential``."""

    backup: Path
    credential: keys.Credential | None = None


def _restore_signature(db: Database, signer: Signer | None, at: datetime) -> ActSignature | None:
    """The restore's signature in the restored database: the administrator's key must be known there (current,
    not retired, the administrator's); a backup older than the key cannot check it, so the act is then recorded
    unsigned (and said so)."""
    if signer is None:
        return None
    with db.read() as s:
        key = s.get(SigningKey, signer.key_id)
        if key is None or key.user_id != signer.user.id or key.retired_at is not None:
            return None
        return ActSignature(signer, "data.restore", office_of(s, signer.user), at)


def restore_backup(
    ctx: AppContext, backup: Path, credential: keys.Credential | None = None
) -> RestoreOutcome:
    """Check the right (and the administrator's signature: ``credential``, checked before anything is touched),
    release the open database, verify ``backup`` and copy it over the database; then record the restore in the
    restored database (who, the backup's chain end, the replaced database's chain end, the safety copy) as an act
    signed by the administrator, bring the backup's anchors back into the journal and anchor the result.

    The caller re-opens the database afterwards (nobody is logged in to it)."""
    ctx.require(Perm.RESTORE)
    path = _db_path(ctx)
    signer = keys.signer_for(ctx, credential) if credential is not None else None
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
        signature = _restore_signature(db, signer, ctx.clock.now())
        if signer is not None and signature is None:
            log.warning(
                "restore recorded unsigned: the backup predates %s's signing key", signer.user.username
            )
        _act_id, seq = record_act(db, actor, RESTORE_ACTION, RESTORE_ENTITY, details, signature=signature)
        ensure_site(AppContext(db, user, ctx.clock))  # re-lists this computer's key if the backup predates it
        write_anchor(db, "restore")
    finally:
        db.dispose()
    log.info("restore recorded as audit entry %s (%d anchors recovered)", seq, recovered)
    return RestoreOutcome(result.safety_copy, seq, recovered, signature is not None)


def reopen_database(ctx: AppContext) -> None:
    """Open the database file again (after a restore, done or refused), with nobody logged in; a server
    database again at the same address, with the password it was opened with (kept in memory only)."""
    if ctx.db.server_url is not None:
        url = ctx.db.read_engine.url
        address = (
            url.set(drivername="postgresql")._replace(password=None).render_as_string(hide_password=False)
        )
        ctx.db.dispose()
        ctx.user = None
        ctx.db = Database(address, password=url.password)
        return
    path = _db_path(ctx)
    ctx.db.dispose()
    ctx.user = None
    ctx.db = Database(path)
