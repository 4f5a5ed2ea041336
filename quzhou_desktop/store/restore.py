"""Restore a backup over the database: the backup is opened and verified first, and the database as it was
is kept as a backup of its own."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.backup import BackupError, make_backup, why
from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)


class RestoreRefused(QuzhouError):
    code = "backup.restore_refused"
    template = "备份文件未通过校验，没有恢复：{problem}"


def restore(backup: Path, db_path: Path) -> Path:
    """Verify ``backup``, keep the current database as a backup, then copy ``backup`` over it.

    Returns the path of the safety copy of the database as it was before the restore."""
    if not backup.is_file():
        raise BackupError(f"备份文件不存在：{backup}")
    candidate = Database(backup, migrate=False)
    try:
        with candidate.read_engine.connect() as conn:
            problems = verify_all(conn)
    except QuzhouError:
        raise
    except Exception as exc:  # a damaged file, or no database at all: the details go to the log only
        log.warning("restore refused %s: %s", backup, exc)
        raise RestoreRefused(problem="文件已损坏，或者不是本系统的数据库备份") from None
    finally:
        candidate.dispose()
    if problems:
        raise RestoreRefused(problem=problems[0].message)
    safety = make_backup(db_path, reason="before-restore") if db_path.exists() else db_path
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as s, sqlite3.connect(db_path) as d:
            s.backup(d)
        s.close()
        d.close()
    except sqlite3.Error as exc:
        log.warning("restore %s -> %s failed: %s", backup, db_path, exc)
        raise BackupError(f"恢复失败：{why(exc)}。原数据库的备份在 {safety}") from exc
    log.info("restored %s from %s (safety copy %s)", db_path, backup, safety)
    return safety
