"""The import wizard: kind and file → sheet → column mapping (correctable) → preview with every problem → import.

Reading, checking and writing run on the worker thread (``gui.tasks``) with progress and 取消; nothing is written
until the user presses 导入 on a clean preview, or ticks 只导入无误的行 (then the button says so).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.exchange.headers import ColumnMapping
from quzhou_desktop.exchange.reader import column_letter, open_workbook
from quzhou_desktop.exchange.schemas import KINDS, kind_spec
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.services.context import AppContext
from quzhou_desktop.services.imports import ImportPlan, ImportReport, commit_import, preview_import

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv);;所有文件 (*)"
STEPS = ("1. 选择文件", "2. 工作表", "3. 核对列", "4. 预览并导入")


class ImportWizard(QDialog):
    def __init__(self, ctx: AppContext, village_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.village_id = ctx, village_id
        self.plan: ImportPlan | None = None
        self.mapping: ColumnMapping | None = None
        self.report: ImportReport | None = None
        self.task: Task[object] | None = None
        self.setWindowTitle(tr("导入表格"))
        self.resize(900, 600)
        lay = QVBoxLayout(self)
        self.steps = QLabel()
        lay.addWidget(self.steps)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._sheet_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())
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
        self._go(0)

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
                "支持 .xlsx、.xls、.ods 和 .csv。表头上方可以有标题行，表底可以有“合计”行（会核对后跳过）。"
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
        note = QLabel(tr("选“自动查找”时，程序在各工作表中寻找表头。"))
        form.addRow(note)
        return w

    def _mapping_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        lay.addWidget(self.mapping_note)
        self.map_table = QTableWidget(0, 3)
        self.map_table.setHorizontalHeaderLabels([tr("字段"), tr("必填"), tr("表中的列")])
        self.map_table.verticalHeader().setVisible(False)
        self.map_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.map_table, 1)
        return w

    def _preview_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.errors = QTableWidget(0, 5)
        self.errors.setHorizontalHeaderLabels(
            [tr("工作表"), tr("行"), tr("列"), tr("单元格的值"), tr("问题")]
        )
        self.errors.verticalHeader().setVisible(False)
        self.errors.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.errors.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.errors.setWordWrap(True)
        lay.addWidget(self.errors, 1)
        self.clean_only = QCheckBox(tr("跳过有问题的行，只导入无误的行"))
        self.clean_only.toggled.connect(lambda _c: self._update_buttons())
        lay.addWidget(self.clean_only)
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
            self.next.setEnabled(not busy and (i > 0 or bool(self.path.text().strip())))
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
            self.next.setText(tr(f"只导入无误的{new}行"))
        else:
            self.next.setText(tr(f"导入{new}条"))
        ok = (
            plan is not None
            and new > 0
            and (not plan.errors or (clean_rows and not plan.file_level_errors()))
        )
        self.next.setEnabled(ok and not busy)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("选择要导入的文件"), "", tr(FILE_FILTER))
        if path:
            self.path.setText(path)

    def _forward(self) -> None:
        i = self.stack.currentIndex()
        if i == 0:
            self._load_sheets()
        elif i == 1:
            self.mapping = None
            self._preview(then=2)
        elif i == 2:
            self._preview(then=3)
        elif self.report is not None:
            self.accept()
        else:
            self._commit()

    # -- work -----------------------------------------------------------------------------------------
    def _load_sheets(self) -> None:
        try:
            names = open_workbook(Path(self.path.text().strip())).sheet_names
        except Exception as exc:  # a Chinese ImportFileError, or an unexpected reader failure
            show_error(self, exc)
            return
        self.sheet.clear()
        self.sheet.addItem(tr("自动查找"), None)
        for n in names:
            self.sheet.addItem(n, n)
        self._go(1)

    def _preview(self, *, then: int) -> None:
        path, kind = Path(self.path.text().strip()), str(self.kind.currentData())
        sheet = self.sheet.currentData()
        mapping = self._edited_mapping() if then == 3 else None

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
            self.mapping = plan.parse.mapping
            self._fill_mapping()
            self._fill_preview()
            self._go(then)

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
            self.summary.setText(report.summary() + tr("。已写入数据库，并记入审计日志。"))
            self._go(3)
            show_info(self, report.summary())

        self._run(work, done, tr("正在导入…"))

    def _run(self, work, done, label: str) -> None:  # type: ignore[no-untyped-def]
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

    # -- filling --------------------------------------------------------------------------------------
    def _fill_mapping(self) -> None:
        m = self.mapping
        if m is None:
            return
        spec = kind_spec(m.kind)
        self.mapping_note.setText(
            tr(f"表头在第{m.header_row}行。请核对每个字段对应的列；如识别有误，可在右侧下拉框中改正。")
        )
        self.map_table.setRowCount(len(spec.fields))
        for r, (f, (label, need, _letter, _text)) in enumerate(
            zip(spec.fields, m.describe(spec), strict=True)
        ):
            self.map_table.setItem(r, 0, QTableWidgetItem(label))
            self.map_table.setItem(r, 1, QTableWidgetItem(need))
            box = QComboBox()
            box.addItem(tr("（不导入）"), None)
            for idx in sorted(m.headers):
                box.addItem(f"{column_letter(idx)} 列：{m.header_text(idx)}", idx)
            col = m.columns.get(f.key)
            box.setCurrentIndex(max(0, box.findData(col)) if col is not None else 0)
            box.setProperty("field", f.key)
            self.map_table.setCellWidget(r, 2, box)
        self.map_table.resizeColumnsToContents()
        self.map_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _edited_mapping(self) -> ColumnMapping | None:
        m = self.mapping
        if m is None:
            return None
        for r in range(self.map_table.rowCount()):
            box = self.map_table.cellWidget(r, 2)
            if isinstance(box, QComboBox):
                key = str(box.property("field"))
                if box.currentData() != m.columns.get(key):
                    m = m.with_column(key, box.currentData())
        return m

    def _fill_preview(self) -> None:
        plan = self.plan
        if plan is None:
            return
        p = plan.parse
        skipped = "，".join(f"{k}行{n}行" for k, n in _skips(p.skipped))
        lines = [
            f"文件“{Path(p.file).name}”，工作表“{p.sheet}”，表头在第{p.header_row}行。",
            f"共读取{p.rows_read}行" + (f"（{skipped}已跳过）" if skipped else "") + "；"
            f"其中新记录{len(plan.new)}条，数据库中已有{plan.duplicates}条（不会重复导入）。",
        ]
        if p.kind != "people":
            lines.append(f"无误各行金额合计 {p.total_fen // 100:,}.{p.total_fen % 100:02d} 元。")
        if plan.errors:
            lines.append(
                f"<span style='color:#b00000'>有{len(plan.bad_rows)}行存在问题（共{len(plan.errors)}处），见下表。"
                "请在表格中改正后重新导入，或勾选下方“只导入无误的行”。</span>"
            )
        else:
            lines.append("<span style='color:#006000'>检查通过，没有发现问题。</span>")
        self.summary.setText("<br>".join(lines))
        self.errors.setRowCount(len(plan.errors))
        for r, e in enumerate(plan.errors):
            for c, v in enumerate(
                (e.sheet, str(e.row), f"{e.column_letter} {e.column}".strip(), e.value, e.message)
            ):
                item = QTableWidgetItem(v)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.errors.setItem(r, c, item)
        self.errors.setVisible(bool(plan.errors))
        self.errors.resizeColumnsToContents()
        self.errors.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.errors.resizeRowsToContents()


_SKIP_LABELS = {"blank": "空白", "total": "合计", "footer": "表尾说明", "example": "示例"}


def _skips(skipped: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, skipped[k]) for k, label in _SKIP_LABELS.items() if skipped.get(k)]
