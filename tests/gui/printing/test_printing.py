"""Printing GUI: preview of a real notice (QPdfView), printing its pages into a PDF printer, 另存为, the 核验 dialog,
the 设置 → 打印 font tab (choice persisted per PC) and batch printing in the background."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.printing import actions
from quzhou_desktop.gui.printing.actions import batch_print, preview_notice
from quzhou_desktop.gui.printing.preview import PreviewDialog
from quzhou_desktop.gui.printing.settings_tab import AUTO, PrintSettingsTab
from quzhou_desktop.gui.printing.verify_dialog import VerifyDialog
from quzhou_desktop.services.notices.fonts import load_choices, role_faces, settings_path
from quzhou_desktop.services.notices.issue import IssuedNotice
from tests.support.notices import Printables


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))


def test_preview_prints_every_page_and_saves(qtbot: QtBot, printables: Printables, tmp_path: Path) -> None:
    dialog = preview_notice(None, printables.ctx, "register", printables.matter_id)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.page_count == 2 and "核验码" in dialog.info.text()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == ""
    with pdfplumber.open(tmp_path / "printed.pdf") as pdf:
        assert len(pdf.pages) == 2
    saved = dialog.save_to(tmp_path / "另存")
    assert saved.suffix == ".pdf" and saved.read_bytes() == dialog.pdf_bytes


def test_preview_of_a_missing_record_is_a_message_not_a_crash(
    qtbot: QtBot, printables: Printables, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr("quzhou_desktop.gui.messages.show_error", lambda _p, e, **_k: shown.append(str(e)))
    assert preview_notice(None, printables.ctx, "voucher", "no-such-id") is None
    assert shown and "找不到" in shown[0]


@pytest.mark.parametrize(
    "typed,verdict", [(None, "未变更"), ("2222-3333-4444", "无法核验"), ("abc", "无法核验")]
)
def test_verify_dialog(qtbot: QtBot, printables: Printables, typed: str | None, verdict: str) -> None:
    if typed is None:
        d = preview_notice(None, printables.ctx, "voucher", printables.voucher_id)
        assert d is not None
        qtbot.addWidget(d)
        typed = d.info.text()[4:18].lower()
    dialog = VerifyDialog(printables.ctx)
    qtbot.addWidget(dialog)
    dialog.code_edit.setText(typed)
    dialog.run()
    assert verdict in dialog.verdict.text() + dialog.details.text()


def test_settings_tab_shows_each_role_and_persists_a_choice(qtbot: QtBot, printables: Printables) -> None:
    tab = PrintSettingsTab(printables.ctx)
    qtbot.addWidget(tab)
    assert set(tab.combos) == {"title", "body", "heading", "kai", "number"}
    assert set(tab.current) == set(tab.combos)
    assert all("（自动）" in label.text() for label in tab.current.values())
    combo = tab.combos["body"]
    assert combo.itemText(0) == AUTO and combo.count() == len(tab.faces) + 1
    combo.setCurrentIndex(combo.count() - 1)  # the last installed face
    chosen = tab.faces[-1]
    assert load_choices()["body"] == (str(chosen.path), chosen.index) and settings_path().is_file()
    assert next(r for r in role_faces() if r.role == "body").face == chosen
    assert "（已指定）" in tab.current["body"].text()
    combo.setCurrentIndex(0)
    assert "body" not in load_choices()


def test_batch_print_runs_in_the_background_and_opens_the_preview(
    qtbot: QtBot, printables: Printables, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[PreviewDialog] = []
    original = actions.open_preview

    def spy(parent: QWidget | None, pdf: bytes, issued: Sequence[IssuedNotice]) -> PreviewDialog:
        d = original(parent, pdf, issued)
        qtbot.addWidget(d)
        opened.append(d)
        return d

    monkeypatch.setattr(actions, "open_preview", spy)
    task = batch_print(None, printables.ctx, [printables.village_id])
    assert task is not None
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    # the 财务公开, the 村监会 review, the 党务公开 and the 村务公开 draft of the printables
    assert "4 份公告" in opened[0].info.text()


def test_settings_tab_loads_the_font_machinery_only_when_used() -> None:
    """Building the 设置 page's 打印 tab does not import reportlab / fontTools; showing it does."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from quzhou_desktop.gui.printing.settings_tab import PrintSettingsTab\n"
        "from quzhou_desktop.services.kernel.context import AppContext\n"
        "from quzhou_desktop.store.db import Database\n"
        "tab = PrintSettingsTab(AppContext(Database(None)))\n"
        "heavy = [m for m in ('reportlab', 'fontTools') if m in sys.modules]\n"
        "if heavy: sys.exit(f'built: {heavy}')\n"
        "tab.show(); app.processEvents()\n"
        "if 'reportlab' not in sys.modules or not tab.combos: sys.exit('shown: no fonts')\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
