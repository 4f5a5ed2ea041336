"""导入导出 section: the import wizard, import templates, and one export button per register (台账).

openpyxl (≈10 MB), the workbook reader and the import/export services are imported only when an import, a
template or an export starts: the page itself is a few buttons, and most visits never use them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.exports.kinds import EXPORT_KINDS
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.spreadsheets.schemas import KINDS, kind_spec

if TYPE_CHECKING:
    from quzhou_desktop.gui.spreadsheets.archive_dialog import ArchiveDialog
    from quzhou_desktop.gui.spreadsheets.wizard import ImportWizard
    from quzhou_desktop.gui.tasks import Progress


class SpreadsheetsPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        lay = QVBoxLayout(self)

        imp = QGroupBox(tr("导入表格"))
        il = QVBoxLayout(imp)
        il.addWidget(
            QLabel(
                tr(
                    "把花名册、支出凭证、代理记账中心的收支明细、资产资源台账或合同台账从 Excel / WPS / CSV 导入。先预览，确认无误才写入。"
                )
            )
        )
        row = QHBoxLayout()
        self.import_button = QPushButton(tr("导入表格…"))
        self.import_button.clicked.connect(self.open_wizard)
        row.addWidget(self.import_button)
        row.addSpacing(24)
        row.addWidget(QLabel(tr("下载空白模板：")))
        self.template_buttons: dict[str, QPushButton] = {}
        for k in KINDS:
            b = QPushButton(kind_spec(k).label)
            b.clicked.connect(lambda _c=False, kind=k: self.save_template(kind))
            self.template_buttons[k] = b
            row.addWidget(b)
        row.addStretch(1)
        il.addLayout(row)
        lay.addWidget(imp)

        exp = QGroupBox(tr("导出台账"))
        el = QVBoxLayout(exp)
        dates = QHBoxLayout()
        self.limit = QCheckBox(tr("只导出此期间："))
        today = QDate.currentDate()
        self.date_from = QDateEdit(QDate(today.year(), 1, 1))
        self.date_to = QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.limit.toggled.connect(self.date_from.setEnabled)
        self.limit.toggled.connect(self.date_to.setEnabled)
        dates.addWidget(self.limit)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(tr("至")))
        dates.addWidget(self.date_to)
        dates.addSpacing(24)
        self.with_ids = QCheckBox(tr("花名册导出完整身份证号"))
        self.with_ids.setToolTip(tr("默认只显示身份证号的前6位和后4位；完整号码需要相应权限"))
        dates.addWidget(self.with_ids)
        dates.addStretch(1)
        el.addLayout(dates)
        self.scope = QLabel()
        el.addWidget(self.scope)
        grid = QGridLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for i, (kind, label) in enumerate(EXPORT_KINDS.items()):
            b = QPushButton(tr(f"导出{label}…"))
            b.setMinimumWidth(180)
            b.clicked.connect(lambda _c=False, k=kind: self.export(k))
            self.export_buttons[kind] = b
            grid.addWidget(b, i // 3, i % 3)
        el.addLayout(grid)
        lay.addWidget(exp)

        arc = QGroupBox(tr("村务档案"))
        al = QHBoxLayout(arc)
        note = QLabel(
            tr(
                "一个村一年（或任期、离任审计期间）的公告、会议记录、附件和台账，连同卷内目录和校验报告，"
                "编成一个文件夹或压缩包，供归档和审计。"
            )
        )
        note.setWordWrap(True)
        al.addWidget(note, 1)
        self.archive_button = QPushButton(tr("编制村务档案…"))
        self.archive_button.clicked.connect(self.open_archive)
        al.addWidget(self.archive_button)
        lay.addWidget(arc)
        lay.addStretch(1)
        self.set_village(None)

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        where = tr("当前村") if village_id else tr("有权查看的全部村")
        self.scope.setText(tr(f"导出范围：{where}。导出的工作簿带标题、冻结表头、筛选和 A4 横向打印设置。"))
        self.with_ids.setEnabled(self.ctx.can(Perm.EXPORT_ID_NUMBERS, village_id))
        self.import_button.setEnabled(self.ctx.can(Perm.IMPORT, village_id))
        self.archive_button.setEnabled(self.ctx.can(Perm.PRINT, village_id))

    def refresh(self) -> None:
        self.set_village(self.village_id)

    def open_archive(self) -> ArchiveDialog:
        from quzhou_desktop.gui.spreadsheets.archive_dialog import ArchiveDialog

        dialog = ArchiveDialog(self.ctx, self.village_id, self)
        dialog.open()
        return dialog

    def open_wizard(self) -> ImportWizard:
        from quzhou_desktop.gui.spreadsheets.wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self.village_id, self)
        wizard.open()
        return wizard

    def save_template(self, kind: str, path: str | None = None) -> None:
        label = kind_spec(kind).label
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, tr("保存导入模板"), f"{label}导入模板.xlsx", tr("Excel 工作簿 (*.xlsx)")
            )
        if not path:
            return
        from quzhou_desktop.spreadsheets.templates import write_template

        try:
            write_template(kind, path)
        except OSError as exc:
            show_error(self, tr(f"无法保存到“{path}”：{exc.strerror or exc}"))
            return
        show_info(self, tr(f"已保存{label}导入模板：{path}"))

    def export(self, kind: str, path: str | None = None) -> None:
        from quzhou_desktop.gui.tasks import run_task
        from quzhou_desktop.services.exports.registers import export_register

        label = EXPORT_KINDS[kind]
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, tr(f"导出{label}"), f"{label}.xlsx", tr("Excel 工作簿 (*.xlsx)")
            )
        if not path:
            return
        d1 = _py(self.date_from.date()) if self.limit.isChecked() else None
        d2 = _py(self.date_to.date()) if self.limit.isChecked() else None
        with_ids = kind == "people" and self.with_ids.isChecked()
        target = Path(path)

        def work(progress: Progress) -> int:
            def tick(n: int) -> None:
                progress.check()
                progress.report(n, 0, tr(f"已写入{n}行…"))

            return export_register(
                self.ctx, kind, target, village_id=self.village_id, date_from=d1, date_to=d2,
                with_id_numbers=with_ids, progress=tick,
            )  # fmt: skip

        run_task(
            work,
            parent=self,
            title=tr(f"导出{label}"),
            label=tr("正在导出…"),
            on_success=lambda n: show_info(self, tr(f"已导出{n}行到 {target}")),
            on_cancel=lambda: show_info(self, tr("已取消导出。")),
            cancellable=True,
        )


def _py(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())
