"""Wizard page 4 (预览并导入): the summary, then two tabs — 问题 (every problem, searchable, sortable, exported
as a workbook to print) and 数据预览 (the first records as the program read them) — and 只导入无误的行."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_info
from quzhou_desktop.gui.spreadsheets.error_model import error_model, write_error_list
from quzhou_desktop.gui.spreadsheets.mapping_page import rows_text
from quzhou_desktop.gui.spreadsheets.records_model import SAMPLE_ROWS, records_model
from quzhou_desktop.gui.spreadsheets.sheet_model import fixed_rows
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.gui.widgets.paged_model import PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.imports.plan import ImportPlan, ImportReport
from quzhou_desktop.spreadsheets.result import CellError
from quzhou_desktop.spreadsheets.schemas import kind_spec
from quzhou_desktop.spreadsheets.sniff import encoding_label

SEARCH_DELAY_MS = 250
ERROR_WIDTHS = (110, 60, 140, 150)  # 工作表, 行, 列, 单元格的值; 问题 takes the rest
_SKIP_LABELS = {"blank": "空白", "total": "合计", "footer": "表尾说明", "example": "示例"}


class PreviewPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: ImportPlan | None = None
        self.export_task: Task[int] | None = None
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        problems = QWidget()
        pl = QVBoxLayout(problems)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("查找：")))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("输入文字，只列出问题、列名或单元格的值含有它的行"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.shown = QLabel()
        bar.addWidget(self.shown)
        self.export_button = QPushButton(tr("导出问题清单…"))
        self.export_button.setToolTip(tr("把全部问题存成 Excel 表格，可以打印出来对照着改"))
        bar.addWidget(self.export_button)
        pl.addLayout(bar)
        self.error_model, self.error_source = error_model([])
        self.error_model.setParent(self)
        self.errors = register_view(self.error_model, sort_column=1)
        fixed_rows(self.errors)
        pl.addWidget(self.errors, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pl.addWidget(self.detail)
        self.tabs.addTab(problems, tr("问题"))

        data = QWidget()
        dl = QVBoxLayout(data)
        self.data_note = QLabel()
        self.data_note.setWordWrap(True)
        dl.addWidget(self.data_note)
        self.records: QTableView = register_view(records_model_empty(self))
        self.records.setSortingEnabled(False)  # file order: the sample is the first rows
        self.records.horizontalHeader().setSortIndicatorShown(False)
        fixed_rows(self.records)
        dl.addWidget(self.records, 1)
        self.tabs.addTab(data, tr("数据预览"))

        self.clean_only = QCheckBox(tr("跳过有问题的行，只导入无误的行"))
        lay.addWidget(self.clean_only)
        self._search_timer = QTimer(self)  # filter once typing pauses: 100,000 problems take a moment
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self._search(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.export_button.clicked.connect(lambda: self.export_errors())

    # -- filling -------------------------------------------------------------------------------------
    def show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.summary.setText(summary_html(plan))
        old = self.error_model
        self.error_model, self.error_source = error_model(plan.errors)
        self.error_model.setParent(self)
        if self.search.text().strip():
            self.error_source.set_query(self.search.text())
            self.error_model.reload()
        self.errors.setModel(self.error_model)
        self.errors.selectionModel().currentRowChanged.connect(self._show_detail)
        self.errors.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        for c, w in enumerate(ERROR_WIDTHS):
            self.errors.setColumnWidth(c, w)
        old.deleteLater()
        self._count_shown()
        self.detail.setText(tr("选中一行，可在这里看到完整的说明。") if plan.errors else "")
        self.export_button.setEnabled(bool(plan.errors))
        self.tabs.setTabText(0, tr("问题（{n}处）").format(n=len(plan.errors)))

        old_records = self.records.model()
        model = records_model(plan)
        model.setParent(self)
        self.records.setModel(model)
        self.records.resizeColumnsToContents()
        if old_records is not None:
            old_records.deleteLater()
        n = min(len(plan.parse.rows), SAMPLE_ROWS)
        self.tabs.setTabText(1, tr("数据预览（前{n}条）").format(n=n))
        self.data_note.setText(
            tr(
                "下面是程序从表中读出的前{n}条无误的记录。请核对日期、金额、姓名等是否读对了；"
                "如果某一列读错了，请点“上一步”改正对应的列。"
            ).format(n=n)
            if n
            else tr("没有读出无误的记录。")
        )
        self.tabs.setCurrentIndex(0 if plan.errors else 1)
        self.clean_only.setChecked(False)

    def show_report(self, report: ImportReport) -> None:
        done = tr("导入完成。")
        self.summary.setText(
            f"<b style='color:#006000'>{done}</b><br>"
            + report.summary()
            + tr("。已写入数据库，并记入审计日志。")
        )
        self.clean_only.setEnabled(False)

    def _search(self, text: str) -> None:
        self.error_source.set_query(text)
        self.error_model.reload()
        self._count_shown()

    def _count_shown(self) -> None:
        total, shown = len(self.error_source.errors), self.error_source.count()
        self.shown.setText(
            tr("列出{shown}处 / 共{total}处").format(shown=shown, total=total) if shown != total else ""
        )

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            e: CellError = self.error_model.row(current.row())
            self.detail.setText(e.message)

    # -- export --------------------------------------------------------------------------------------
    def export_errors(self, path: str | None = None) -> None:
        """Save every problem as a workbook (through the task helper: 100,000 rows take a few seconds)."""
        plan = self.plan
        if plan is None or not plan.errors:
            return
        name = Path(plan.parse.file).stem
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                tr("导出问题清单"),
                tr("{name}-问题清单.xlsx").format(name=name),
                tr("Excel 工作簿 (*.xlsx);;CSV 文本 (*.csv)"),
            )
        if not path:
            return
        target, errors = Path(path), list(plan.errors)
        title = tr("“{name}”导入问题清单（{rows}行有问题，共{n}处）").format(
            name=Path(plan.parse.file).name, rows=len(plan.bad_rows), n=len(errors)
        )

        def work(progress: Progress) -> int:
            def tick(n: int) -> None:
                progress.check()
                progress.report(n, len(errors), tr("已写入{n}行…").format(n=n))

            return write_error_list(target, errors, title=title, progress=tick)

        self.export_task = run_task(
            work,
            parent=self,
            title=tr("导出问题清单"),
            label=tr("正在导出…"),
            on_success=lambda n: show_info(self, tr("已把{n}处问题导出到 {path}").format(n=n, path=target)),
            on_cancel=lambda: show_info(self, tr("已取消导出。")),
            cancellable=True,
        )


def records_model_empty(parent: QWidget) -> PagedTableModel[object]:
    model: PagedTableModel[object] = PagedTableModel([], lambda *_a: [], lambda: 0, parent=parent)
    return model


def summary_html(plan: ImportPlan) -> str:
    """What the preview found, in a few Chinese sentences (problems in red, a clean file in green)."""
    p = plan.parse
    skipped = "，".join(
        tr("{what}行{n}行").format(what=label, n=p.skipped[k])
        for k, label in _SKIP_LABELS.items()
        if p.skipped.get(k)
    )
    lines = [
        tr("文件“{file}”，工作表“{sheet}”，表头在第{row}行。").format(
            file=Path(p.file).name, sheet=p.sheet, row=rows_text(p.mapping)
        )
        + (tr("文字编码：{encoding}。").format(encoding=encoding_label(p.encoding)) if p.encoding else ""),
        tr("共读取{n}行").format(n=p.rows_read)
        + (tr("（{skipped}已跳过）").format(skipped=skipped) if skipped else "")
        + tr("；其中新记录{new}条，数据库中已有{dup}条（不会重复导入）。").format(
            new=len(plan.new), dup=plan.duplicates
        ),
    ]
    if kind_spec(p.kind).fen_fields:
        lines.append(tr("无误各行金额合计 {total} 元。").format(total=format_fen(p.total_fen, symbol=False)))
    if plan.errors:
        text = tr(
            "有{rows}行存在问题（共{n}处），见“问题”一页。请在表格中改正后重新导入，或勾选下方“只导入无误的行”。"
        ).format(rows=len(plan.bad_rows), n=len(plan.errors))
        lines.append(f"<span style='color:#b00000'>{text}</span>")
    else:
        lines.append(f"<span style='color:#006000'>{tr('检查通过，没有发现问题。')}</span>")
    return "<br>".join(lines)
