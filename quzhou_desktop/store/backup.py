"""Backups with SQLite's online backup API: daily on start-up, before migrations, on demand (restoring one
is ``store.restore``, which opens the backup as a database).

Attachments are stored inside the database, so a backup file is the whole of the data.  Backups are
readable only by the user (mode 600) where the OS allows, since they hold personal data.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.paths import backups_dir, ensure_private_dir

log = logging.getLogger(__name__)
KEEP_DAILY = 14
KEEP_OTHER = 10
_NAME = re.compile(r"^quzhou-(\d{8})-(\d{6})-([a-z0-9-]+)\.sqlite3$")


class BackupError(QuzhouError):
    code = "backup"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def why(exc: BaseException) -> str:
    """A Chinese reason for a failed copy (never the English text of SQLite or the operating system)."""
    if isinstance(exc, PermissionError):
        return "没有写入权限，或文件正被其他程序占用"
    if isinstance(exc, OSError):
        return "磁盘已满或无法写入" if exc.errno == 28 else "无法读写文件"
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "数据库正被其他程序使用"
    if "full" in text:
        return "磁盘已满"
    return "数据库文件无法读取或已损坏"


def _copy(src: Path, dest: Path) -> None:
    tmp = dest.with_suffix(".partial")
    if tmp.exists():
        tmp.unlink()
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(tmp) as d:
        s.backup(d)
    d.close()
    s.close()
    if os.name == "posix":
        tmp.chmod(0o600)
    tmp.replace(dest)


def make_backup(
    db_path: Path, *, reason: str = "manual", dest: Path | None = None, now: datetime | None = None
) -> Path:
    """Copy the database to ``dest`` or the rotation folder. Returns the backup path."""
    now = now or datetime.now()
    if dest is None:
        folder = ensure_private_dir(backups_dir(db_path))
        safe = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
        dest = folder / f"quzhou-{now:%Y%m%d-%H%M%S}-{safe}.sqlite3"
        n = 1
        while dest.exists():
            n += 1
            dest = folder / f"quzhou-{now:%Y%m%d-%H%M%S}-{safe}-{n}.sqlite3"
    try:
        _copy(db_path, dest)
    except (sqlite3.Error, OSError) as exc:
        log.warning("backup %s -> %s failed: %s", db_path, dest, exc)
        raise BackupError(f"备份失败：{why(exc)}（目标：{dest}）") from exc
    log.info("backup %s -> %s", db_path, dest)
    rotate(db_path)
    return dest


def list_backups(db_path: Path) -> list[BackupInfo]:
    folder = backups_dir(db_path)
    out: list[BackupInfo] = []
    if not folder.is_dir():
        return out
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m:
            taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            out.append(BackupInfo(p, taken, m.group(3), p.stat().st_size))
    return sorted(out, key=lambda b: b.taken_at, reverse=True)


def rotate(db_path: Path) -> None:
    daily = [b for b in list_backups(db_path) if b.reason == "daily"]
    other = [b for b in list_backups(db_path) if b.reason != "daily"]
    for b in daily[KEEP_DAILY:] + other[KEEP_OTHER:]:
        try:
            b.path.unlink()
        except OSError:
            log.warning("could not remove old backup %s", b.path)


def daily_backup(db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Make today's backup unless one exists already. Returns the new path or None."""
    now = now or datetime.now()
    if not db_path.exists():
        return None
    if any(b.reason == "daily" and b.taken_at.date() == now.date() for b in list_backups(db_path)):
        return None
    return make_backup(db_path, reason="daily", now=now)
