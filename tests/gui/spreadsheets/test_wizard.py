"""导入导出 page: the wizard end to end (file → sheet → header row and mapping → preview → import), a header
chosen by hand, clean-rows-only, the problem list (lazy, searchable, exported) and the data preview; exports."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from quzhou_desktop.gui.spreadsheets.page import SpreadsheetsPage
from quzhou_desktop.gui.spreadsheets.wizard import ImportWizard
from quzhou_desktop.gui.tasks import worker_pool
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.villages import list_villages
from quzhou_desktop.spreadsheets.schemas import VOUCHERS
from quzhou_desktop.store.models import Voucher
from tests.support.gui import close_message_boxes

FIX = Path(__file__).resolve().parents[2] / "fixtures"
SHOTS = os.environ.get("QUZHOU_SHOTS")  # a folder: save the wizard's screens as PNG for a look


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def wait(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: wizard.task is None or not wizard.task.running, timeout=20_000)
    worker_pool().waitForDone(5_000)


def vouchers_in_db(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Voucher)) or 0


def make_page(qtbot: QtBot, ctx: AppContext) -> tuple[SpreadsheetsPage, str]:
    page = SpreadsheetsPage(ctx)
    qtbot.addWidget(page)
    vid = next(v.id for v in list_villages(ctx))
    page.set_village(vid)
    page.resize(1000, 500)
    return page, vid


def cell(model: QAbstractItemModel, row: int, col: int) -> str:
    return str(model.data(model.index(row, col)))


def item_text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    assert item is not None, (row, col)
    return item.text()


def map_box(wiz: ImportWizard, label: str) -> QComboBox:
    table = wiz.mapping_page.map_table
    row = next(r for r in range(table.rowCount()) if item_text(table, r, 0) == label)
    box = table.cellWidget(row, 2)
    assert isinstance(box, QComboBox)
    return box


def open_file(qtbot: QtBot, page: SpreadsheetsPage, kind: str, path: Path) -> ImportWizard:
    """Open the wizard on ``path`` and go to page 3 (核对表头和列) with 自动查找."""
    wiz = page.open_wizard()
    wiz.kind.setCurrentIndex(wiz.kind.findData(kind))
    wiz.path.setText(str(path))
    wiz.next.click()
    assert wiz.stack.currentIndex() == 1
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2
    return wiz


def test_wizard_previews_every_error_then_imports_only_clean_rows(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    shot(page, "exchange_page")
    before = vouchers_in_db(demo_ctx)
    wiz = page.open_wizard()
    wiz.kind.setCurrentIndex(wiz.kind.findData("vouchers"))
    wiz.path.setText(str(FIX / "vouchers_errors.xlsx"))
    shot(wiz, "wizard_1_file")
    wiz.next.click()
    assert wiz.stack.currentIndex() == 1 and wiz.sheet.count() >= 2
    shot(wiz, "wizard_2_sheet")
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2
    assert map_box(wiz, "凭证号").currentData() == 0  # 凭证号 in column A
    assert wiz.mapping_page.sheet_model.first_row == 1  # the detected header is highlighted
    shot(wiz, "wizard_3_mapping")
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 3
    errors = wiz.preview_page.error_model
    assert wiz.plan is not None and errors.rowCount() == len(wiz.plan.errors) >= 6
    assert [cell(errors, 0, c) for c in range(4)] == ["凭证", "3", "B 日期", "2026-02-30"]
    assert not wiz.next.isEnabled()  # problems: nothing can be written …
    shot(wiz, "wizard_4_preview_errors")
    wiz.clean_only.setChecked(True)  # … unless the user explicitly takes only the clean rows
    clean = len(wiz.plan.clean_new())
    assert wiz.next.isEnabled() and wiz.next.text() == f"只导入无误的{clean}行"
    shot(wiz, "wizard_4_preview_clean_only")
    wiz.next.click()
    wait(qtbot, wiz)
    close_message_boxes()
    assert wiz.report is not None and wiz.report.imported == clean
    assert vouchers_in_db(demo_ctx) == before + clean
    assert wiz.next.text() == "完成" and not wiz.back.isEnabled()
    shot(wiz, "wizard_5_done")
    wiz.next.click()
    assert wiz.result() == QDialog.DialogCode.Accepted


def test_user_corrects_the_mapping(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "vouchers", FIX / "vouchers_title_merged.xlsx")
    shot(wiz, "wizard_3_mapping_title_merged")
    # map 摘要 to “（不导入）”: the page warns, and the preview refuses the import
    map_box(wiz, "摘要").setCurrentIndex(0)
    assert "摘要" in wiz.mapping_page.missing.text()
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and "摘要" in wiz.plan.errors[0].message
    assert not wiz.next.isEnabled()
    # back, and give a column another field already had: that field lets go of it
    wiz.back.click()
    assert wiz.stack.currentIndex() == 2
    g = map_box(wiz, "资金来源").currentData()
    map_box(wiz, "摘要").setCurrentIndex(map_box(wiz, "摘要").findData(g))
    assert map_box(wiz, "资金来源").currentData() is None
    assert wiz.mapping is not None and wiz.mapping.columns["summary"] == g
    wiz.close()


def _unknown_header_vouchers(path: Path, *, title_rows: int = 1, rows: int = 3) -> None:
    """A title, then a header no synonym knows, then ``rows`` good vouchers."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(title_rows):
        ws.append([f"某某村支出登记（第{n + 1}行说明）"])
    ws.append(["票号", "年月日", "办理人", "开销说明", "钱数"])
    for n in range(rows):
        ws.append(
            [f"手-{n + 1:03d}", f"2026-04-{n % 28 + 1:02d}", "张三", f"办公用品{n + 1}", f"{n + 1},000.50"]
        )
    wb.save(path)


def test_header_not_found_the_user_picks_row_and_columns(
    qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    # Given a voucher sheet whose header texts no synonym knows
    path = tmp_path / "手工登记.xlsx"
    _unknown_header_vouchers(path)
    page, _ = make_page(qtbot, demo_ctx)
    before = vouchers_in_db(demo_ctx)
    # When the wizard reads it, it does not stop: page 3 shows the rows and says what to do
    wiz = open_file(qtbot, page, "vouchers", path)
    mp = wiz.mapping_page
    assert not close_message_boxes()
    assert "表头没有自动找到" in mp.note.text()
    assert mp.sheet_model.rowCount() == 5 and mp.sheet_model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert mp.sheet_model.headerData(4, Qt.Orientation.Horizontal) == "E"
    assert mp.header_spin.value() == 2  # a guess: the first row with several texts
    mp.choose_header(1)  # the user first tries the title row …
    assert mp.sheet_model.first_row == 1 and wiz.mapping is not None and wiz.mapping.columns == {}
    # … then selects row 2 in the table and presses 设为表头行
    mp.sheet_view.selectRow(1)
    assert mp.set_header_button.isEnabled()
    mp.set_header_button.click()
    assert wiz.mapping is not None and wiz.mapping.header_row == 2 and mp.sheet_model.first_row == 2
    box = map_box(wiz, "凭证号")  # unknown texts stay unmapped; the choices name the header texts
    assert box.currentText() == "（不导入）" and box.itemText(1) == "A 列：票号"
    shot(wiz, "wizard_3_mapping_not_found")
    for label, col in (("凭证号", 0), ("日期", 1), ("经手人", 2), ("摘要", 3), ("金额", 4)):
        box = map_box(wiz, label)
        box.setCurrentIndex(box.findData(col))
    assert wiz.mapping.missing(VOUCHERS) == []
    assert item_text(mp.map_table, 0, 3) == "手-001"  # 第一行数据: what the chosen column holds
    shot(wiz, "wizard_3_mapping_by_hand")
    # Then the preview reads the rows below that header with those columns, and the import writes them
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and wiz.plan.errors == [] and wiz.plan.parse.header_row == 2
    assert len(wiz.plan.new) == 3
    wiz.next.click()
    wait(qtbot, wiz)
    close_message_boxes()
    assert wiz.report is not None and wiz.report.imported == 3
    assert vouchers_in_db(demo_ctx) == before + 3
    wiz.close()


def test_header_below_the_first_rows_is_reached_with_more_rows(
    qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "deep.xlsx"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(34):
        ws.append([f"填表说明第{n + 1}条"])
    ws.append(["凭证号", "日期", "经手人", "摘要", "金额"])  # row 35: below the rows detection reads
    ws.append(["深-1", "2026-05-01", "李四", "茶叶", "88"])
    wb.save(path)
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "vouchers", path)
    mp = wiz.mapping_page
    assert "表头没有自动找到" in mp.note.text() and mp.more_button.isVisible() is not False
    assert mp.header_spin.maximum() == 31
    mp.more_button.click()
    wait(qtbot, wiz)
    assert mp.preview is not None
    assert mp.sheet_model.rowCount() == 36 and not mp.preview.more
    mp.header_spin.setValue(35)  # the spin box alone: the synonyms map every column
    assert wiz.mapping is not None and wiz.mapping.header_row == 35
    assert wiz.mapping.missing(VOUCHERS) == []
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and wiz.plan.errors == [] and [r.row for r, _ in wiz.plan.new] == [36]
    wiz.close()


def test_columns_chosen_by_hand_survive_more_rows_and_going_back(
    qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "手工登记.xlsx"
    _unknown_header_vouchers(path, title_rows=1, rows=40)  # more rows than the first read shows
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "vouchers", path)
    mp = wiz.mapping_page
    mp.choose_header(2)
    for label, col in (("凭证号", 0), ("日期", 1), ("经手人", 2), ("摘要", 3), ("金额", 4)):
        map_box(wiz, label).setCurrentIndex(map_box(wiz, label).findData(col))
    chosen = wiz.mapping
    assert chosen is not None and chosen.missing(VOUCHERS) == []
    # 显示更多行 reads further down the same sheet: the header row and the columns stay as chosen
    assert mp.more_button.isVisible() is not False
    shown = mp.sheet_model.rowCount()
    mp.more_button.click()
    wait(qtbot, wiz)
    assert mp.sheet_model.rowCount() > shown and wiz.mapping == chosen
    assert map_box(wiz, "金额").currentData() == 4
    # back to the sheet page and to the file page, then forward again with nothing changed: still as chosen
    wiz.back.click()
    wiz.back.click()
    assert wiz.stack.currentIndex() == 0
    wiz.next.click()
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2 and wiz.mapping == chosen
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and wiz.plan.errors == [] and len(wiz.plan.new) == 40
    # the clerk fixes the file and saves it again: it is read afresh, as detection finds it
    wiz.back.click()
    wiz.back.click()
    assert wiz.stack.currentIndex() == 1
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2 and wiz.mapping != chosen
    assert "表头没有自动找到" in mp.note.text()
    wiz.next.click()
    wait(qtbot, wiz)
    # another kind of import is read afresh: the voucher columns mean nothing to a 花名册
    wiz.back.click()
    wiz.back.click()
    wiz.back.click()
    wiz.kind.setCurrentIndex(wiz.kind.findData("people"))
    wiz.next.click()
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2 and wiz.mapping != chosen
    wiz.close()


def test_switching_the_header_row_recomputes_the_mapping(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "ledger", FIX / "ledger_two_row_header.xlsx")
    mp = wiz.mapping_page
    detected = wiz.mapping
    # “金额” merged over “收入 | 支出”: a two-row header on rows 2–3, both highlighted
    assert detected is not None and (detected.header_row, detected.header_rows) == (3, 2)
    assert (mp.header_spin.value(), mp.header_rows.currentData()) == (2, 2)
    assert (mp.sheet_model.first_row, mp.sheet_model.header_rows) == (2, 2)
    assert mp.sheet_view.columnSpan(0, 0) == 8  # the merged title spans the table
    assert "程序找到的表头在第2—3行" in mp.note.text()
    shot(wiz, "wizard_3_mapping_two_rows")
    assert map_box(wiz, "收入金额").currentData() == 4
    # one row only: the sub-headers are no longer read
    mp.header_rows.setCurrentIndex(mp.header_rows.findData(1))
    assert wiz.mapping is not None and (wiz.mapping.header_row, wiz.mapping.header_rows) == (2, 1)
    assert map_box(wiz, "收入金额").currentData() is None and map_box(wiz, "日期").currentData() == 0
    assert "收入金额或支出金额" in mp.missing.text()
    # the title row: nothing matches, every field waits for the user
    mp.header_spin.setValue(1)
    assert wiz.mapping.columns == {} if wiz.mapping else False
    assert map_box(wiz, "日期").currentText() == "（不导入）"
    # back to rows 2–3: the same mapping as detection
    mp.choose_header(2, 2)
    assert wiz.mapping == detected
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and wiz.plan.parse.header_row == 3 and len(wiz.plan.parse.rows) == 4
    wiz.close()


def test_a_bad_file_lists_every_error_lazily_and_exports_them(
    qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    # Given a 5,000-row sheet in which every date is wrong
    path = tmp_path / "bad.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("凭证")
    ws.append(["凭证号", "日期", "经手人", "摘要", "金额"])
    n = 5000
    for i in range(n):
        ws.append([f"错-{i}", f"2026-13-{i % 28 + 1:02d}", "张三", "办公用品", 10])
    wb.save(path)
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "vouchers", path)
    wiz.next.click()  # 取消 while it reads: the wizard stays on the mapping page
    assert wiz.task is not None and not wiz.next.isEnabled()
    wiz.task.cancel()
    wait(qtbot, wiz)
    assert any("已取消" in t for t in close_message_boxes())
    assert wiz.stack.currentIndex() == 2 and wiz.plan is None and wiz.next.isEnabled()
    wiz.next.click()
    wait(qtbot, wiz)
    pp = wiz.preview_page
    # Then the model knows all of them but builds only the first page
    assert wiz.plan is not None and len(wiz.plan.errors) == n
    assert pp.error_model.total == n and pp.error_model.rowCount() <= 500
    assert pp.tabs.tabText(0) == f"问题（{n}处）" and pp.tabs.currentIndex() == 0
    shot(wiz, "wizard_4_many_errors")
    # 查找 narrows the list; sorting by 行 descending puts the last row first
    pp.search.setText("第5001行")
    qtbot.waitUntil(lambda: pp.error_model.total == 1, timeout=5_000)
    assert cell(pp.error_model, 0, 1) == str(n + 1) and "列出1处" in pp.shown.text()
    pp.search.clear()
    qtbot.waitUntil(lambda: pp.error_model.total == n, timeout=5_000)
    pp.errors.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert cell(pp.error_model, 0, 1) == str(n + 1)
    pp.errors.selectRow(0)
    assert "2026-13" in pp.detail.text()
    # And 导出问题清单 writes every one of them to a workbook
    out = tmp_path / "问题清单.xlsx"
    pp.export_errors(str(out))
    qtbot.waitUntil(lambda: pp.export_task is not None and not pp.export_task.running, timeout=30_000)
    assert any(str(n) in t for t in close_message_boxes())
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("问题清单").to_python()
    assert "bad.xlsx" in rows[0][0] and "5000处" in rows[0][0]
    assert rows[1] == ["工作表", "行", "列", "单元格的值", "问题"]
    assert len(rows) == n + 2
    assert rows[2][:4] == ["凭证", 2, "B 日期", "2026-13-01"] and "日期" in rows[2][4]
    wiz.close()


def test_data_preview_shows_the_records_as_understood(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    wiz = open_file(qtbot, page, "vouchers", FIX / "vouchers_title_merged.xlsx")
    wiz.next.click()
    wait(qtbot, wiz)
    pp = wiz.preview_page
    assert pp.tabs.currentIndex() == 1 and pp.tabs.tabText(1) == "数据预览（前8条）"
    model = pp.records.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[:3] == ["行", "凭证号", "日期"] and titles[-2:] == ["村名", "状态"]
    first = {t: cell(model, 0, c) for c, t in enumerate(titles)}
    assert first["行"] == "4" and first["日期"] == "2026-01-05" and first["金额"] == "1,234.50"
    assert first["经手人"] == "张三" and first["附件张数"] == "3" and first["状态"] == "新记录"
    assert first["村名"]  # the wizard's village, as no column names one
    assert cell(model, 1, titles.index("日期")) == "2026-01-10"  # an Excel serial, read as a date
    shot(wiz, "wizard_4_data_preview")
    wiz.close()


def test_export_buttons_write_registers(qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    out = tmp_path / "v.xlsx"
    page.export("vouchers", str(out))
    qtbot.waitUntil(lambda: out.exists() and bool(close_message_boxes()), timeout=20_000)
    ws = load_workbook(out).active
    assert ws is not None and ws["A2"].value == "村"
    page.save_template("people", str(tmp_path / "t.xlsx"))
    close_message_boxes()
    assert (tmp_path / "t.xlsx").exists()


def test_page_labels_match_the_export_service_and_page_import_is_light() -> None:
    """The page lists the same registers as ``services.exports.registers``, yet importing it does not load openpyxl."""
    import subprocess
    import sys

    from quzhou_desktop.services.exports.kinds import EXPORT_KINDS as PAGE_KINDS  # what the page lists
    from quzhou_desktop.services.exports.registers import EXPORT_KINDS

    assert PAGE_KINDS is EXPORT_KINDS
    code = (
        "import sys, quzhou_desktop.gui.spreadsheets.page as p; "
        "heavy = [m for m in ('openpyxl', 'python_calamine', 'quzhou_desktop.services.exports.registers') if m in sys.modules]; "
        "sys.exit(str(heavy) if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_an_empty_sheet_is_said_to_be_empty(qtbot: QtBot, demo_ctx: AppContext) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    wiz = page.open_wizard()
    wiz.path.setText(str(FIX / "empty.xlsx"))
    wiz.next.click()
    wiz.next.click()  # 自动查找 in a workbook with nothing in it: a message, and the wizard stays
    wait(qtbot, wiz)
    assert any("没有任何数据" in t for t in close_message_boxes()) and wiz.stack.currentIndex() == 1
    wiz.sheet.setCurrentIndex(1)  # the (empty) sheet itself: page 3 says so and goes no further
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2 and "是空的" in wiz.mapping_page.note.text()
    assert not wiz.next.isEnabled() and wiz.back.isEnabled()
    wiz.close()


def test_hidden_sheets_are_marked_and_amounts_in_wan_yuan_are_previewed_in_yuan(
    qtbot: QtBot, demo_ctx: AppContext
) -> None:
    page, _ = make_page(qtbot, demo_ctx)
    wiz = page.open_wizard()
    wiz.path.setText(str(FIX / "vouchers_hidden_first.xlsx"))
    wiz.next.click()
    assert [wiz.sheet.itemText(i) for i in range(wiz.sheet.count())] == [
        "自动查找",
        "去年（隐藏的工作表）",
        "今年",
    ]
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.mapping_page.preview is not None and wiz.mapping_page.preview.sheet == "今年"
    wiz.close()
    # “金额（万元）”: the drop-down names the unit, the data preview shows 元
    wiz = open_file(qtbot, page, "vouchers", FIX / "vouchers_wan_yuan.xlsx")
    assert map_box(wiz, "金额").currentText() == "E 列：金额（万元）"
    wiz.next.click()
    wait(qtbot, wiz)
    model = wiz.preview_page.records.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert [cell(model, r, titles.index("金额")) for r in range(2)] == ["1,234.56", "15,000.00"]
    wiz.close()


def test_a_hostile_file_is_refused_and_the_wizard_stays(
    qtbot: QtBot, demo_ctx: AppContext, tmp_path: Path
) -> None:
    """A file that would make the reader allocate 549 GB (one value in XFD1048576) or inflate to 1 GB: the
    wizard says why in Chinese and stays on the first page; the app goes on working (another file opens)."""
    from tests.hostile.corpus import corner_cell, html_spans, zip_bomb

    page, _ = make_page(qtbot, demo_ctx)
    wiz = page.open_wizard()
    for name, make in (("角落.xlsx", corner_cell), ("炸弹.xlsx", zip_bomb), ("跨行.xls", html_spans)):
        path = tmp_path / name
        make(path)
        wiz.path.setText(str(path))
        wiz.next.click()
        wait(qtbot, wiz)
        texts = close_message_boxes()
        assert any(name in t and ("太大" in t or "压缩比异常" in t) for t in texts), texts
        assert wiz.stack.currentIndex() == 0
    wiz.kind.setCurrentIndex(wiz.kind.findData("vouchers"))
    wiz.path.setText(str(FIX / "vouchers_gb18030.csv"))
    wiz.next.click()
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 2 and "GB18030" in wiz.mapping_page.sheet_title.text()
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 3 and "文字编码：GB18030" in wiz.preview_page.summary.text()
    wiz.close()
