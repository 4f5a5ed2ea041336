"""app.run_gui: a bad --db is a Chinese message and a non-zero exit, never a traceback; a fresh default
database opens the first-run wizard and gets its daily backup. Plus the font choice and the crash dialog."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop import app
from quzhou_desktop.gui import crash
from quzhou_desktop.gui.fonts import pick_faces
from quzhou_desktop.gui.shell.first_run import FirstRunWizard
from quzhou_desktop.store.backup import list_backups
from quzhou_desktop.store.db import Database


def _answer_later(seen: list[str], pick: Callable[[QWidget], bool]) -> None:
    """Close the first visible top-level widget ``pick`` accepts, from inside the app's event loop."""

    def poll() -> None:
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and pick(w):
                seen.append(w.text() if isinstance(w, QMessageBox) else type(w).__name__)
                assert isinstance(w, QDialog), w
                w.reject() if isinstance(w, FirstRunWizard) else w.done(0)
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def _not_database(tmp: Path) -> Path:
    p = tmp / "notes.sqlite3"
    p.write_text("这不是数据库", encoding="utf-8")
    return p


def _too_new(tmp: Path) -> Path:
    p = tmp / "new.sqlite3"
    Database(p, create=True).dispose()
    with sqlite3.connect(p) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    return p


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "missing.sqlite3", "数据库文件不存在"),
        (lambda tmp: tmp / "no-such-dir" / "x.sqlite3", "不存在"),
        (_not_database, "不是本系统的数据库"),
        (lambda tmp: tmp, "不是本系统的数据库"),
        (_too_new, "更新版本的程序创建"),
    ],
    ids=["missing", "missing-dir", "not-a-database", "directory", "too-new"],
)
def test_bad_db_is_a_chinese_message(
    qtbot: QtBot, db_path: Path, tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    seen: list[str] = []
    _answer_later(seen, lambda w: isinstance(w, QMessageBox))
    code = app.run_gui(["--db", str(make(tmp_path))])
    assert code == app.EXIT_DB_PROBLEM
    assert len(seen) == 1 and expected in seen[0]


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` cannot be written while inside: mode 0400, and for root (whom modes do not stop) immutable."""
    path.chmod(0o400)
    immutable = os.geteuid() == 0
    chattr = shutil.which("chattr")
    if immutable and (chattr is None or subprocess.run([chattr, "+i", str(path)]).returncode != 0):
        pytest.skip("running as root where chattr +i is refused: no file is read-only for root here")
    try:
        yield
    finally:
        if immutable:
            subprocess.run([str(chattr), "-i", str(path)], check=True)
        path.chmod(0o600)


@pytest.mark.skipif(os.name != "posix", reason="file modes and chattr are POSIX")
def test_read_only_db_is_a_chinese_message(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    p = tmp_path / "ro.sqlite3"
    Database(p, create=True).dispose()
    seen: list[str] = []
    with read_only(p):
        _answer_later(seen, lambda w: isinstance(w, QMessageBox))
        assert app.run_gui(["--db", str(p)]) == app.EXIT_DB_PROBLEM
    assert len(seen) == 1 and "只读" in seen[0]


def test_fresh_default_database_opens_the_wizard(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUZHOU_DB", str(db_path))
    seen: list[str] = []
    _answer_later(seen, lambda w: isinstance(w, FirstRunWizard))
    assert app.run_gui([]) == 0
    assert seen == ["FirstRunWizard"]
    assert db_path.exists()
    assert [b.reason for b in list_backups(db_path)] == ["daily"]


@pytest.mark.parametrize(
    ("installed", "windows", "expected"),
    [
        (["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK JP"], False, ["WenQuanYi Micro Hei"]),
        (["Noto Sans CJK JP", "Noto Sans CJK SC"], False, ["Noto Sans CJK SC"]),
        (
            ["SimSun", "Microsoft YaHei", "AR PL UMing CN"],
            True,
            ["Microsoft YaHei", "SimSun", "AR PL UMing CN"],
        ),
        (["simsun"], True, ["simsun"]),
        (["Noto Sans CJK JP", "IPAGothic"], False, []),
    ],
)
def test_ui_font_preference(installed: list[str], windows: bool, expected: list[str]) -> None:
    # A Japanese face is never chosen for Chinese text
    assert pick_faces(installed, windows=windows) == expected


def test_one_crash_dialog_with_the_log_path(qtbot: QtBot, tmp_path: Path) -> None:
    uninstall = crash.install_excepthook(tmp_path / "quzhou-desktop.log")
    try:
        for _ in range(2):
            try:
                raise RuntimeError("boom")
            except RuntimeError as exc:
                crash.report_exception(exc)
        box = crash.current_dialog()
        assert box is not None
        assert str(tmp_path / "quzhou-desktop.log") in box.text()
        assert "RuntimeError: boom" in box.detailedText()
        assert (
            sum(1 for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
            == 1
        )
        box.done(0)
        assert crash.current_dialog() is None
    finally:
        uninstall()
