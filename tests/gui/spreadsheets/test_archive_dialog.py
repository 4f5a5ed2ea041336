"""导入导出 → 编制村务档案: the button opens the dialog, bad input stays in the dialog in red, the archive is built in
the background and the result names the folder, with a button to open it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.spreadsheets.archive_dialog import ArchiveDialog
from quzhou_desktop.gui.spreadsheets.page import SpreadsheetsPage
from quzhou_desktop.gui.tasks import worker_pool
from quzhou_desktop.services.kernel.context import AppContext
from tests.support import archive as demo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive-gui") / "demo.sqlite3"
    demo.build(path)
    return path


@pytest.fixture
def clerk(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    ctx = demo.open_as(demo.copy_of(template, tmp_path), "wenshu")
    yield ctx
    worker_pool().waitForDone(10_000)
    ctx.db.dispose()


def _open(qtbot: QtBot, ctx: AppContext) -> ArchiveDialog:
    page = SpreadsheetsPage(ctx)
    qtbot.addWidget(page)
    page.set_village(demo.village_id(ctx))
    assert page.archive_button.isEnabled()
    page.archive_button.click()
    dialogs = page.findChildren(ArchiveDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def test_the_button_builds_the_archive_and_shows_the_folder(
    qtbot: QtBot, clerk: AppContext, tmp_path: Path
) -> None:
    dialog = _open(qtbot, clerk)
    assert dialog.village.currentText() == demo.VILLAGE and dialog.year.value() == 2026
    out = tmp_path / "档案"
    out.mkdir()
    dialog.folder.setText(str(out))
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.result_box is not None, timeout=120_000)
    box = dialog.result_box
    assert box is not None and box.isVisible()
    folder = out / "溪口村村务档案（2026年）"
    assert str(folder) in box.text() and "压缩包" in box.text()
    assert sorted(b.text() for b in box.buttons()) == sorted(["打开文件夹", "关闭"])
    assert (folder / "卷内目录.pdf").is_file() and (out / "溪口村村务档案（2026年）.zip").is_file()
    assert not dialog.isVisible()
    box.done(0)


def test_bad_input_stays_in_the_dialog(qtbot: QtBot, clerk: AppContext, tmp_path: Path) -> None:
    dialog = _open(qtbot, clerk)
    dialog.folder.setText(str(tmp_path / "no-such-folder"))
    dialog.accept()
    assert "不存在" in dialog.error.text() and dialog.isVisible()
    dialog.folder.setText(str(tmp_path))
    dialog.by_dates.setChecked(True)
    dialog.date_from.setDate(dialog.date_to.date().addDays(1))
    dialog.accept()
    assert "开始日期晚于结束日期" in dialog.error.text()
    dialog.by_year.setChecked(True)
    dialog.year.setValue(2019)  # nothing was filed that year: refused by the service, shown in red
    dialog.make_zip.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: "没有可归档的记录" in dialog.error.text(), timeout=30_000)
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert not [p for p in tmp_path.iterdir() if "村务档案" in p.name]
