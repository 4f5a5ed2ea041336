"""编制村务档案: choose the village, the year (or the dates of a 任期 / 离任审计) and a folder; the archive is built in
the background with progress and the folder is shown at the end."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import button_box, error_label
from quzhou_desktop.services.archive.span import Span, span_of
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.villages import list_villages

if TYPE_CHECKING:
    from quzhou_desktop.gui.tasks import Progress, Task
    from quzhou_desktop.services.archive.build import ArchiveResult


class ArchiveDialog(QDialog):
    def __init__(self, ctx: AppContext, village_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task[ArchiveResult] | None = None
        self.result_box: QMessageBox | None = None
        self.setWindowTitle(tr("编制村务档案"))
        lay = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "把一个村一年（或一段任期、离任审计期间）的全部公告打印为PDF（每份带核验码），连同会议记录、附件、"
                "各类台账、卷内目录（写明类别和保管期限）、校验报告和文件清单，放入一个文件夹。"
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.village = QComboBox()
        for v in list_villages(ctx):
            self.village.addItem(v.label, v.id)
        if village_id is not None and (i := self.village.findData(village_id)) >= 0:
            self.village.setCurrentIndex(i)
        form.addRow(tr("村："), self.village)

        today = ctx.clock.today()
        self.by_year = QRadioButton(tr("年度"))
        self.year = QSpinBox()
        self.year.setRange(1980, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(tr("年"))
        self.by_dates = QRadioButton(tr("起止日期（任期、离任审计）"))
        self.date_from = QDateEdit(QDate(today.year - 2, 1, 1))
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        year_row = QHBoxLayout()
        year_row.addWidget(self.by_year)
        year_row.addWidget(self.year)
        year_row.addStretch(1)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.by_dates)
        dates_row.addWidget(self.date_from)
        dates_row.addWidget(QLabel(tr("至")))
        dates_row.addWidget(self.date_to)
        dates_row.addStretch(1)
        span_box = QVBoxLayout()
        span_box.addLayout(year_row)
        span_box.addLayout(dates_row)
        form.addRow(tr("期间："), span_box)
        self.by_year.toggled.connect(self._span_mode)
        self.by_year.setChecked(True)
        self._span_mode(True)

        folder_row = QHBoxLayout()
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.folder = QLineEdit(docs or str(Path.home()))
        choose = QPushButton(tr("选择…"))
        choose.clicked.connect(self.choose_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form.addRow(tr("保存到："), folder_row)
        lay.addLayout(form)

        self.make_zip = QCheckBox(tr("另生成一个 zip 压缩包（便于拷贝、报送）"))
        self.make_zip.setChecked(True)
        lay.addWidget(self.make_zip)
        self.voucher_forms = QCheckBox(tr("同时打印每张支出凭证审批单（凭证多时较慢）"))
        lay.addWidget(self.voucher_forms)
        self.full_verify = QCheckBox(
            tr("校验报告对整个数据库做完整校验（大库需数分钟；默认只校验档案所含的记录）")
        )
        lay.addWidget(self.full_verify)
        self.error = error_label()
        lay.addWidget(self.error)
        self.buttons = button_box("编制档案", dialog=self)
        lay.addWidget(self.buttons)

    def _span_mode(self, by_year: bool) -> None:
        self.year.setEnabled(by_year)
        self.date_from.setEnabled(not by_year)
        self.date_to.setEnabled(not by_year)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("选择保存档案的文件夹"), self.folder.text())
        if path:
            self.folder.setText(path)

    def span(self) -> Span:
        if self.by_year.isChecked():
            return span_of(self.year.value())
        return span_of(None, _py(self.date_from.date()), _py(self.date_to.date()))

    def accept(self) -> None:
        """Check the input here (errors in red), then build in the background; the dialog closes when done."""
        from quzhou_desktop.gui.tasks import run_task
        from quzhou_desktop.services.archive.build import build_archive

        self.error.clear()
        village_id = self.village.currentData()
        if not village_id:
            self.error.setText(tr("请选择村"))
            return
        try:
            span = self.span()
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return
        out = Path(self.folder.text().strip()).expanduser()
        if not self.folder.text().strip() or not out.is_dir():
            self.error.setText(tr(f"文件夹“{self.folder.text().strip()}”不存在，请重新选择"))
            return
        with_zip, forms, full = (
            self.make_zip.isChecked(),
            self.voucher_forms.isChecked(),
            self.full_verify.isChecked(),
        )

        def work(progress: Progress) -> ArchiveResult:
            def tick(done: int, total: int, text: str) -> None:
                progress.check()
                progress.report(done, total, tr(text))

            return build_archive(
                self.ctx,
                str(village_id),
                span,
                out,
                make_zip=with_zip,
                voucher_forms=forms,
                full_verify=full,
                progress=tick,
            )

        self.buttons.setEnabled(False)
        self.task = run_task(
            work,
            parent=self,
            title=tr("编制村务档案"),
            label=tr("正在编制村务档案…"),
            on_success=self._done,
            on_failure=self._failed,
            on_cancel=lambda: self._failed(None),
            cancellable=True,
        )

    def _failed(self, exc: BaseException | None) -> None:
        self.buttons.setEnabled(True)
        if exc is None:
            self.error.setText(tr("已取消，未生成档案。"))
        elif isinstance(exc, QuzhouError):
            self.error.setText(str(exc))
        else:
            from quzhou_desktop.gui.tasks import default_failure

            default_failure(self, exc)

    def _done(self, result: ArchiveResult) -> None:
        self.buttons.setEnabled(True)
        super().accept()
        lines = [tr(f"已生成村务档案：{result.folder}")]
        if result.zip_path is not None:
            lines.append(tr(f"压缩包：{result.zip_path}"))
        lines.append(
            tr(
                f"共{result.files}个文件（{result.size / 1024 / 1024:.1f} MB），其中公告{result.notices}份带核验码。"
            )
        )
        lines.append(
            tr("数据库校验通过。") if result.verify_passed else tr("数据库校验未通过，详见档案中的校验报告。")
        )
        lines += [tr(f"未归档：{s}") for s in result.skipped]
        box = QMessageBox(
            QMessageBox.Icon.Information, tr("村务档案"), "\n".join(lines), parent=self.parentWidget()
        )
        show = box.addButton(tr("打开文件夹"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("关闭"), QMessageBox.ButtonRole.RejectRole)
        folder = result.folder

        def clicked(button: object) -> None:
            if button is show:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

        box.buttonClicked.connect(clicked)
        self.result_box = box
        box.open()


def _py(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())
