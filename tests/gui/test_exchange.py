"""导入导出 page: the wizard end to end (file → sheet → mapping → preview → import), clean-rows-only, exports."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QComboBox
from sqlalchemy import func, select

from quzhou_desktop.gui.exchange.page import ExchangePage
from quzhou_desktop.gui.tasks import worker_pool
from quzhou_desktop.services.villages import list_villages
from quzhou_desktop.store.models import Voucher
from tests.gui.conftest import close_message_boxes

FIX = Path(__file__).resolve().parents[1] / "fixtures"
SHOTS = os.environ.get("QUZHOU_SHOTS")  # a folder: save the wizard's screens as PNG for a look


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def wait(qtbot, wizard) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: wizard.task is None or not wizard.task.running, timeout=20_000)
    worker_pool().waitForDone(5_000)


def vouchers_in_db(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.read() as s:
        return s.scalar(select(func.count()).select_from(Voucher)) or 0


def make_page(qtbot, ctx) -> tuple[ExchangePage, str]:  # type: ignore[no-untyped-def]
    page = ExchangePage(ctx)
    qtbot.addWidget(page)
    vid = next(v.id for v in list_villages(ctx))
    page.set_village(vid)
    page.resize(1000, 500)
    return page, vid


def test_wizard_previews_every_error_then_imports_only_clean_rows(qtbot, demo_ctx) -> None:  # type: ignore[no-untyped-def]
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
    box = wiz.map_table.cellWidget(0, 2)
    assert isinstance(box, QComboBox) and box.currentData() == 0  # 凭证号 in column A
    shot(wiz, "wizard_3_mapping")
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.stack.currentIndex() == 3
    assert wiz.plan is not None and wiz.errors.rowCount() == len(wiz.plan.errors) == 6
    assert [wiz.errors.item(0, c).text() for c in range(4)] == ["凭证", "3", "B 日期", "2026-02-30"]
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
    shot(wiz, "wizard_5_done")
    wiz.close()


def test_user_corrects_the_mapping(qtbot, demo_ctx) -> None:  # type: ignore[no-untyped-def]
    page, _ = make_page(qtbot, demo_ctx)
    wiz = page.open_wizard()
    wiz.kind.setCurrentIndex(wiz.kind.findData("vouchers"))
    wiz.path.setText(str(FIX / "vouchers_title_merged.xlsx"))
    wiz.next.click()
    wiz.next.click()
    wait(qtbot, wiz)
    # map 摘要 to “（不导入）”: the required column is then missing, and the preview says so
    row = next(r for r in range(wiz.map_table.rowCount()) if wiz.map_table.item(r, 0).text() == "摘要")
    box = wiz.map_table.cellWidget(row, 2)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(0)
    wiz.next.click()
    wait(qtbot, wiz)
    assert wiz.plan is not None and "摘要" in wiz.plan.errors[0].message
    assert not wiz.next.isEnabled()
    wiz.close()


def test_export_buttons_write_registers(qtbot, demo_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
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
    """The page lists the same registers as ``services.exports``, yet importing it does not load openpyxl."""
    import subprocess
    import sys

    from quzhou_desktop.gui.exchange.page import EXPORT_KINDS as PAGE_KINDS
    from quzhou_desktop.services.exports import EXPORT_KINDS

    assert PAGE_KINDS is EXPORT_KINDS
    code = (
        "import sys, quzhou_desktop.gui.exchange.page as p; "
        "heavy = [m for m in ('openpyxl', 'python_calamine', 'quzhou_desktop.services.exports') if m in sys.modules]; "
        "sys.exit(str(heavy) if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
