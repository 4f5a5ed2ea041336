"""The import wizard: kind and file → sheet → header row and column mapping (correctable) → preview with every
problem and a sample of the records → import.

Reading, checking and writing run on the worker thread (``gui.tasks``) with progress and 取消; nothing is written
until the user presses 导入 on a clean preview, or ticks 只导入无误的行 (then the button says so). When the
header cannot be found automatically the wizard does not stop: page 3 shows the sheet's first rows and the user
points at the header row and picks the columns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.spreadsheets.mapping_page import MappingPage
from quzhou_desktop.gui.spreadsheets.preview_page import PreviewPage
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.services.imports.plan import ImportPlan, ImportReport, commit_import, preview_import
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.spreadsheets.headers import ColumnMapping
from quzhou_desktop.spreadsheets.reader import open_workbook
from quzhou_desktop.spreadsheets.schemas import KINDS, kind_spec
from quzhou_desktop.spreadsheets.sheet_preview import PREVIEW_ROWS, SheetPreview, find_header_sheet

FILE_FILTER = (
    "表格文件 (*.xlsx *.xlsm *.xls *.et *.ett *.ods *.csv *.txt *.xml *.htm *.html *.mht);;所有文件 (*)"
)
STEPS = ("1. 选择文件", "2. 工作表", "3. 核对表头和列", "4. 预览并导入")
MORE_ROWS = 50


class ImportWizard(QDialog):
    def __init__(self, ctx: AppContext, village_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.village_id = ctx, village_id
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.task: Task[Any] | None = None
        # (file, saved at, kind, sheet asked for) of the sheet on the mapping page: coming back to it
        # unchanged keeps the header row and the columns the user chose
        self._shown: tuple[str, int, str, str | None] | None = None
        self.setWindowTitle(tr("导入表格"))
        self.resize(1000, 640)
        lay = QVBoxLayout(self)
        self.steps = QLabel()
        lay.addWidget(self.steps)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._sheet_page())
        self.mapping_page = MappingPage()
        self.stack.addWidget(self.mapping_page)
        self.preview_page = PreviewPage()
        self.stack.addWidget(self.preview_page)
        buttons = QHBoxLayout()
        self.back = QPushButton(tr("上一步"))
        self.next = QPushButton(tr("下一步"))
        self.cancel = QPushButton(tr("关闭"))
        buttons.addStretch(1)
        for b in (self.back, self.next, self.cancel):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.back.clicked.connect(lambda: self._go(self.stack.currentIndex() - 1))
        self.next.clicked.connect(self._forward)
        self.cancel.clicked.connect(self.reject)
        self.mapping_page.more_rows.connect(self._more_rows)
        self.mapping_page.changed.connect(self._update_buttons)
        self.clean_only.toggled.connect(lambda _c: self._update_buttons())
        self._go(0)

    @property
    def clean_only(self) -> QCheckBox:
        """The preview page's 只导入无误的行."""
        return self.preview_page.clean_only

    @property
    def mapping(self) -> ColumnMapping | None:
        return self.mapping_page.mapping

    # -- pages ----------------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.kind = QComboBox()
        for k in KINDS:
            self.kind.addItem(kind_spec(k).label, k)
        self.path = QLineEdit()
        self.path.setPlaceholderText(tr("请选择要导入的 Excel、WPS 或 CSV 文件"))
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(tr("导入内容："), self.kind)
        form.addRow(tr("文件："), row)
        hint = QLabel(
            tr(
                "支持 Excel 和 WPS 表格（.xlsx、.xls、.et）、.ods 和 CSV 文本。"
                "表头上方可以有标题行，表底可以有“合计”行（会核对后跳过）。"
                "先预览，确认无误后才会写入。"
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)
        self.path.textChanged.connect(lambda _t: self._update_buttons())
        return w

    def _sheet_page(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        self.sheet = QComboBox()
        form.addRow(tr("工作表："), self.sheet)
        note = QLabel(tr("选“自动查找”时，程序在各工作表中寻找表头；下一步可以核对和改正。"))
        note.setWordWrap(True)
        form.addRow(note)
        return w

    # -- navigation -----------------------------------------------------------------------------------
    def _go(self, index: int) -> None:
        index = max(0, min(index, self.stack.count() - 1))
        self.stack.setCurrentIndex(index)
        self.steps.setText(
            "　›　".join(f"<b>{tr(s)}</b>" if i == index else tr(s) for i, s in enumerate(STEPS))
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        i = self.stack.currentIndex()
        busy = self.task is not None and self.task.running
        self.back.setEnabled(i > 0 and not busy and self.report is None)
        if i < 3:
            self.next.setText(tr("下一步"))
            ready = {0: bool(self.path.text().strip()), 1: True}.get(i, self._mapping_ready())
            self.next.setEnabled(not busy and ready)
            return
        plan = self.plan
        if self.report is not None:
            self.next.setText(tr("完成"))
            self.next.setEnabled(True)
            return
        new = 0 if plan is None else (len(plan.clean_new()) if plan.errors else len(plan.new))
        clean_rows = self.clean_only.isChecked()
        self.clean_only.setVisible(plan is not None and bool(plan.errors))
        if plan is not None and plan.errors and clean_rows:
            self.next.setText(tr("只导入无误的{n}行").format(n=new))
        else:
            self.next.setText(tr("导入{n}条").format(n=new))
        ok = (
            plan is not None
            and new > 0
            and (not plan.errors or (clean_rows and not plan.file_level_errors()))
        )
        self.next.setEnabled(ok and not busy)

    def _mapping_ready(self) -> bool:
        page = self.mapping_page
        return page.mapping is not None and page.preview is not None and not page.preview.blank

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择要导入的文件"), "", tr(FILE_FILTER))
        if path:
            self.path.setText(path)

    def _forward(self) -> None:
        i = self.stack.currentIndex()
        if i == 0:
            self._load_sheets()
        elif i == 1:
            if self._shown == self._sheet_key() and self.mapping_page.preview is not None:
                self._go(2)  # same file, kind and sheet: the mapping page is as the user left it
            else:
                self._read_sheet(self.sheet.currentData(), PREVIEW_ROWS, keep=False)
        elif i == 2:
            self._preview()
        elif self.report is not None:
            self.accept()
        else:
            self._commit()

    def _sheet_key(self) -> tuple[str, int, str, str | None]:
        """The file (and when it was last saved: a clerk may fix the sheet and come back), kind and sheet."""
        path = self.path.text().strip()
        try:
            saved = Path(path).stat().st_mtime_ns
        except OSError:
            saved = -1
        return (path, saved, str(self.kind.currentData()), self.sheet.currentData())

    # -- work -----------------------------------------------------------------------------------------
    def _load_sheets(self) -> None:
        try:
            book = open_workbook(Path(self.path.text().strip()))
        except Exception as exc:  # a Chinese ImportFileError, or an unexpected reader failure
            show_error(self, exc)
            return
        chosen = self.sheet.currentData()  # kept when the same file is opened again
        self.sheet.clear()
        self.sheet.addItem(tr("自动查找"), None)
        for n in book.sheet_names:
            self.sheet.addItem(tr("{name}（隐藏的工作表）").format(name=n) if n in book.hidden else n, n)
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(chosen)))
        self._go(1)

    def _read_sheet(self, sheet: str | None, limit: int, *, keep: bool) -> None:
        """Read the first rows of the chosen sheet (or find the sheet) and show them on the mapping page."""
        path, spec = Path(self.path.text().strip()), kind_spec(str(self.kind.currentData()))
        key = self._sheet_key() if not keep else self._shown

        def work(progress: Progress) -> tuple[SheetPreview, ColumnMapping | None]:
            def on_sheet(name: str) -> None:
                progress.check()
                progress.report(0, 0, tr("正在读取工作表“{name}”…").format(name=name))

            return find_header_sheet(path, spec, sheet=sheet, limit=limit, on_sheet=on_sheet)

        def done(found: tuple[SheetPreview, ColumnMapping | None]) -> None:
            preview, detected = found
            self.mapping_page.show_sheet(preview, spec, detected, keep=keep)
            self._shown = key
            self._go(2)

        self._run(work, done, tr("正在读取表格…"))

    def _more_rows(self) -> None:
        preview = self.mapping_page.preview
        if preview is not None:
            self._read_sheet(preview.sheet, len(preview.rows) + MORE_ROWS, keep=True)

    def _preview(self) -> None:
        path, kind = Path(self.path.text().strip()), str(self.kind.currentData())
        mapping, preview = self.mapping_page.mapping, self.mapping_page.preview
        assert mapping is not None and preview is not None
        sheet = preview.sheet

        def work(progress: Progress) -> ImportPlan:
            def report(done: int, total: int, text: str) -> None:
                progress.check()
                progress.report(done, total, text)

            return preview_import(
                self.ctx,
                path,
                kind,
                village_id=self.village_id,
                sheet=sheet,
                mapping=mapping,
                progress=report,
            )

        def done(plan: ImportPlan) -> None:
            self.plan = plan
            self.preview_page.show_plan(plan)
            self._go(3)

        self._run(work, done, tr("正在读取并检查表格…"))

    def _commit(self) -> None:
        plan = self.plan
        assert plan is not None
        clean_only = bool(plan.errors) and self.clean_only.isChecked()

        def work(progress: Progress) -> ImportReport:
            return commit_import(
                self.ctx,
                plan,
                clean_rows_only=clean_only,
                progress=lambda d, t, s: progress.report(d, t, s),
                cancel=lambda: progress.cancelled,
            )

        def done(report: ImportReport) -> None:
            self.report = report
            self.preview_page.show_report(report)
            self._go(3)
            show_info(self, report.summary())

        self._run(work, done, tr("正在导入…"))

    def _run(self, work: Callable[[Progress], Any], done: Callable[[Any], object], label: str) -> None:
        def failed(exc: BaseException) -> None:
            show_error(self, exc)

        self.task = run_task(
            work,
            parent=self,
            title=tr("导入表格"),
            label=label,
            on_success=done,
            on_failure=failed,
            on_cancel=lambda: show_info(self, tr("已取消，数据库未作任何修改。")),
            cancellable=True,
        )
        self.task.finished.connect(self._update_buttons)
        self._update_buttons()
