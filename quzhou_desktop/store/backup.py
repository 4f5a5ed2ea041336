"""Backups with SQLite's online backup API: daily on start-up, before migrations, on demand (restoring one
is ``store.restore``, which opens the backup as a database).

Attachments are stored inside the database, so a backup file is the whole of the data.  Backups are
readable only by the user (mode 600) where the OS allows, since they hold personal data.

A backup made through the services carries anchors (``store.anchors``): ``make_backup``'s ``anchor`` hook is
given the copy's chain end and returns the journal lines the copy keeps in its table ``quzhou_anchor``.

The safety copy a restore makes of the database it replaces lives apart, in ``safety/`` under the backups
folder, outside the rotation: it stays until an administrator deletes it (``delete_safety_copy``). Safety copies
made before that folder existed (``…-before-restore.sqlite3`` among the backups) are exempt from the rotation
too and listed with them.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.paths import backups_dir, ensure_private_dir
from quzhou_desktop.store.anchors import file_head, write_anchor_table

log = logging.getLogger(__name__)
KEEP_DAILY = 14
KEEP_OTHER = 10
SAFETY_REASON = "before-restore"
_NAME = re.compile(r"^quzhou-(\d{8})-(\d{6})-([a-z0-9-]+)\.sqlite3$")
AnchorHook = Callable[[int, str], Sequence[str]]


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


def _copy(src: Path, dest: Path, anchor: AnchorHook | None) -> None:
    tmp = dest.with_suffix(".partial")
    if tmp.exists():
        tmp.unlink()
    if os.name == "posix":  # owner-only from the first byte
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(tmp) as d:
        s.backup(d)
    d.close()
    s.close()
    if anchor is not None:
        write_anchor_table(tmp, anchor(*file_head(tmp)))
    if os.name == "posix":
        tmp.chmod(0o600)
    tmp.replace(dest)


def _free_name(folder: Path, reason: str, now: datetime) -> Path:
    safe = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "manual"
    dest = folder / f"quzhou-{now:%Y%m%d-%H%M%S}-{safe}.sqlite3"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"quzhou-{now:%Y%m%d-%H%M%S}-{safe}-{n}.sqlite3"
    return dest


def make_backup(
    db_path: Path,
    *,
    reason: str = "manual",
    dest: Path | None = None,
    now: datetime | None = None,
    anchor: AnchorHook | None = None,
) -> Path:
    """Copy the database to ``dest`` or the rotation folder. Returns the backup path.

    ``anchor(seq, head)``: given the copy's chain end, the anchor lines to keep inside the copy."""
    now = now or datetime.now()
    if dest is None:
        dest = _free_name(ensure_private_dir(backups_dir(db_path)), reason, now)
    try:
        _copy(db_path, dest, anchor)
    except (sqlite3.Error, OSError) as exc:
        dest.with_suffix(".partial").unlink(missing_ok=True)
        log.warning("backup %s -> %s failed: %s", db_path, dest, exc)
        raise BackupError(f"备份失败：{why(exc)}（目标：{dest}）") from exc
    log.info("backup %s -> %s", db_path, dest)
    rotate(db_path, keep=dest)
    return dest


def safety_dir(db_path: Path) -> Path:
    return backups_dir(db_path) / "safety"


def make_safety_copy(db_path: Path, *, now: datetime | None = None, anchor: AnchorHook | None = None) -> Path:
    """The copy of the database a restore is about to replace, kept apart from the rotation."""
    now = now or datetime.now()
    dest = _free_name(ensure_private_dir(safety_dir(db_path)), SAFETY_REASON, now)
    return make_backup(db_path, reason=SAFETY_REASON, dest=dest, now=now, anchor=anchor)


def list_safety_copies(db_path: Path) -> list[BackupInfo]:
    """Safety copies made before restores, newest first (kept until an administrator deletes them)."""
    found = _scan(safety_dir(db_path)) + [b for b in _scan(backups_dir(db_path)) if b.reason == SAFETY_REASON]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def delete_safety_copy(db_path: Path, copy: Path) -> None:
    """Delete one safety copy (``BackupError`` when ``copy`` is not one of this database's)."""
    if copy.resolve() not in {b.path.resolve() for b in list_safety_copies(db_path)}:
        raise BackupError(f"不是这个数据库的恢复前副本：{copy}")
    try:
        copy.unlink()
    except OSError as exc:
        raise BackupError(f"无法删除恢复前副本 {copy}：{exc}") from exc
    log.info("safety copy %s deleted", copy)


def _scan(folder: Path) -> list[BackupInfo]:
    out: list[BackupInfo] = []
    if not folder.is_dir():
        return out
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m and p.is_file():
            taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
            reason = re.sub(r"-\d+$", "", m.group(3)) if m.group(3).startswith(SAFETY_REASON) else m.group(3)
            out.append(BackupInfo(p, taken, reason, p.stat().st_size))
    return out


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups in the rotation folder, newest first (safety copies: ``list_safety_copies``)."""
    found = [b for b in _scan(backups_dir(db_path)) if b.reason != SAFETY_REASON]
    return sorted(found, key=lambda b: (b.taken_at, b.path.stat().st_mtime_ns), reverse=True)


def rotate(db_path: Path, *, keep: Path | None = None) -> None:
    """Keep the newest daily and other backups, and ``keep`` (the one just made, even when several were made in
    the same second); safety copies are never rotated away."""
    backups = [b for b in list_backups(db_path) if keep is None or b.path != keep]
    daily = [b for b in backups if b.reason == "daily"]
    other = [b for b in backups if b.reason != "daily"]
    kept_daily, kept_other = KEEP_DAILY, KEEP_OTHER
    if keep is not None:  # the new one counts against its own kind's quota
        kept_daily, kept_other = (
            (kept_daily - 1, kept_other) if "-daily" in keep.name else (kept_daily, kept_other - 1)
        )
    for b in daily[max(kept_daily, 0) :] + other[max(kept_other, 0) :]:
        try:
            b.path.unlink()
        except OSError:
            log.warning("could not remove old backup %s", b.path)


def daily_backup(
    db_path: Path, *, now: datetime | None = None, anchor: AnchorHook | None = None
) -> Path | None:
    """Make today's backup unless one exists already. Returns the new path or None."""
    now = now or datetime.now()
    if not db_path.exists():
        return None
    if any(b.reason == "daily" and b.taken_at.date() == now.date() for b in list_backups(db_path)):
        return None
    return make_backup(db_path, reason="daily", now=now, anchor=anchor)
