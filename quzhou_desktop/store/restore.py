"""Restore a backup over the database: the backup is opened and verified first, the database as it was is kept
as a safety copy apart from the rotation, and the backup's anchors are taken out of the restored file.

Recording the restore as an act in the restored database (who, and the chain ends of both sides) is the
caller's part (``services.kernel.maintenance.restore_backup``): the store knows no users.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.store.anchors import file_head, take_anchor_table
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.backup import AnchorHook, BackupError, make_safety_copy, why
from quzhou_desktop.store.db import Database

log = logging.getLogger(__name__)


class RestoreRefused(QuzhouError):
    code = "backup.restore_refused"
    template = "备份文件未通过校验，没有恢复：{problem}"


@dataclass(frozen=True)
class RestoreResult:
    safety_copy: Path | None  # None when there was no database to replace
    replaced: tuple[int, str] | None  # chain end (seq, head) of the database replaced
    restored: tuple[int, str]  # chain end of the backup restored
    anchor_lines: list[str]  # the anchors the backup carried (for the journal)


def restore(
    backup: Path, db_path: Path, *, anchor: AnchorHook | None = None, now: datetime | None = None
) -> RestoreResult:
    """Verify ``backup``, keep the current database as a safety copy, then copy ``backup`` over it.

    ``anchor``: passed to the safety copy's ``make_backup`` (anchors inside it and in the journal)."""
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
    restored = file_head(backup)
    replaced: tuple[int, str] | None = None
    safety: Path | None = None
    if db_path.exists() and db_path.stat().st_size > 0:
        replaced = file_head(db_path)
        safety = make_safety_copy(db_path, now=now, anchor=anchor)
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as s, sqlite3.connect(db_path) as d:
            s.backup(d)
        s.close()
        d.close()
        lines = take_anchor_table(db_path)
    except sqlite3.Error as exc:
        log.warning("restore %s -> %s failed: %s", backup, db_path, exc)
        raise BackupError(f"恢复失败：{why(exc)}。原数据库的备份在 {safety}") from exc
    log.info("restored %s from %s (safety copy %s)", db_path, backup, safety)
    return RestoreResult(safety, replaced, restored, lines)
