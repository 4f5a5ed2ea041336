"""Backup and restore of a unit's server database, with the same rules as a database file's
(``services.kernel.maintenance``):

- a backup (pg_dump, custom format) needs a login with the right and is an audited act
  (``backup.create``); an anchor of the chain end the dump holds at least is signed and appended to the
  site's journal, and the journal's newest lines are written beside the dump (``….dump.anchors``, which
  ``verify --anchor`` reads);
- a restore goes into a fresh database, which is verified before it takes the database's name; the replaced
  database is kept on the server as the safety copy (``<name>_before_restore_<time>``); the restore is then
  recorded in the restored database as an act signed by the administrator, with both chain ends (the
  backup's and the replaced database's), the anchors beside the dump come back into the journal, and the
  result is anchored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel import keys
from quzhou_desktop.services.kernel.acts import ActSignature, record_act
from quzhou_desktop.services.kernel.anchoring import backup_hook, write_anchor
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.signatures import office_of
from quzhou_desktop.services.kernel.site import ensure_site, read_site
from quzhou_desktop.store.anchors import RESTORE_ACTION, RESTORE_ENTITY, merge_journal, read_journal
from quzhou_desktop.store.audit.chain import chain_head
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import SigningKey
from quzhou_desktop.store.server import dump
from quzhou_desktop.store.server.roles import ServerNames, restore_names, with_database

log = logging.getLogger(__name__)

__all__ = [
    "ServerAdminLogin",
    "ServerRestoreOutcome",
    "ServerRestoreRequest",
    "backup_folder",
    "backup_server",
    "restore_server",
    "restore_server_as",
    "server_admin_login",
]


def _head(db: Database) -> tuple[int, str]:
    with db.read_engine.connect() as conn:
        return chain_head(conn)


def backup_server(ctx: AppContext, *, dest: Path | None = None) -> Path:
    """A manual backup of the server database by a logged-in user with the right; audited as
    ``backup.create``. The anchor covers the chain as it was just before the dump (the dump holds that much
    at least: the chain only grows)."""
    ctx.require(Perm.BACKUP)
    seq, head = _head(ctx.db)
    hook = backup_hook(ctx.db)
    lines = list(hook(seq, head)) if hook is not None else []
    out = dump.backup_database(ctx.db, dest, lines)
    record_act(ctx.db, ctx.actor, "backup.create", "backup", {"file": str(out), "seq": seq, "head": head})
    return out


class ServerRestoreOutcome:
    def __init__(self, safety_copy: str, act_seq: int, anchors_recovered: int, signed: bool) -> None:
        self.safety_copy = safety_copy  # the replaced database's name on the server
        self.act_seq = act_seq
        self.anchors_recovered = anchors_recovered
        self.signed = signed


def restore_server(
    ctx: AppContext,
    backup: Path,
    admin_address: str,
    names: ServerNames,
    credential: keys.Credential | None = None,
    *,
    admin_password: str | None = None,
) -> ServerRestoreOutcome:
    """Check the right (and the administrator's signature), restore ``backup`` through ``admin_address``
    (the server administrator's login) into a fresh database, verified before it replaces ``names.database``;
    then record the restore there as a signed act. The caller opens the database again afterwards."""
    ctx.require(Perm.RESTORE)
    signer = keys.signer_for(ctx, credential) if credential is not None else None
    actor, user = ctx.actor, ctx.user
    replaced = _head(ctx.db)
    hook = backup_hook(ctx.db)
    if hook is not None:
        hook(*replaced)  # the replaced database's end, anchored before it is set aside
    ctx.db.dispose()
    safety = dump.restore(backup, admin_address, names, password=admin_password)
    db = Database(with_database(admin_address, names.database), password=admin_password)
    try:
        restored = _head(db)
        site = read_site(db)
        beside = dump.anchors_beside(backup)
        lines = read_journal(beside) if beside.is_file() else []
        recovered = merge_journal(anchor_journal_path(site.id), lines) if site else 0
        details: dict[str, Any] = {
            "backup": {"file": str(backup), "seq": restored[0], "head": restored[1]},
            "replaced": {"seq": replaced[0], "head": replaced[1]},
            "safety_copy": safety,
            "anchors_recovered": recovered,
        }
        signature: ActSignature | None = None
        if signer is not None:
            with db.read() as s:
                key = s.get(SigningKey, signer.key_id)
                if key is not None and key.user_id == signer.user.id and key.retired_at is None:
                    signature = ActSignature(
                        signer, "data.restore", office_of(s, signer.user), ctx.clock.now()
                    )
            if signature is None:
                log.warning("restore recorded unsigned: the backup predates %s's key", signer.user.username)
        _act_id, seq = record_act(db, actor, RESTORE_ACTION, RESTORE_ENTITY, details, signature=signature)
        ensure_site(AppContext(db, user, ctx.clock))
        write_anchor(db, "restore")
    finally:
        db.dispose()
    log.info("server restore recorded as audit entry %s (%d anchors recovered)", seq, recovered)
    return ServerRestoreOutcome(safety, seq, recovered, signature is not None)


@dataclass(frozen=True)
class ServerAdminLogin:
    """The server administrator's login a restore from the GUI uses, checked by ``server_admin_login``: the
    address (never with a password), the roles, and a typed password held in memory for this one restore."""

    address: str
    names: ServerNames
    password: str | None = field(default=None, repr=False)


def server_admin_login(ctx: AppContext, admin_user: str, password: str | None = None) -> ServerAdminLogin:
    """For a restore from the GUI, which is connected as the application role: the server administrator's
    login (``admin_user`` on the same server, the password from the PostgreSQL password file or ``password``)
    checked now, before anything is touched — that it logs in and may restore this database
    (``store.server.roles.restore_names``) and that pg_restore is installed on this computer."""
    ctx.require(Perm.RESTORE)
    if ctx.db.server_url is None:
        raise ValidationError(field="数据库", reason="这不是单位服务器上的数据库")
    admin_user = admin_user.strip()
    if not admin_user:
        raise ValidationError(field="管理员用户名", reason="请填写服务器管理员的用户名（通常是 postgres）")
    url = ctx.db.read_engine.url
    current = url.set(drivername="postgresql").render_as_string(hide_password=False)
    address = with_database(current, url.database or "", user=admin_user)
    dump.find_tool("pg_restore")
    names = restore_names(address, url.username or "", password=password or None)
    return ServerAdminLogin(address, names, password or None)


@dataclass(frozen=True)
class ServerRestoreRequest:
    """What the GUI asks the app to do once the window has closed: restore ``backup`` with ``admin``'s login,
    signed with ``credential``."""

    backup: Path
    admin: ServerAdminLogin
    credential: keys.Credential | None = None


def backup_folder(ctx: AppContext) -> Path:
    """Where this computer keeps the server's backups (``backup`` writes there by default)."""
    return dump.default_backup_path(ctx.db.read_engine.url.render_as_string(hide_password=True)).parent


def restore_server_as(ctx: AppContext, request: ServerRestoreRequest) -> ServerRestoreOutcome:
    """``restore_server`` with the login ``server_admin_login`` checked (the GUI's way)."""
    admin = request.admin
    return restore_server(
        ctx, request.backup, admin.address, admin.names, request.credential, admin_password=admin.password
    )
