"""Dialogs of the 数据交换 section that write files: a package (what will go, then where), an enrolment file for
a village, and accepting a village's answer after the fingerprints were compared by phone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.gui.exchange.labels import digit_groups
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.tasks import default_failure, run_task
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, error_label, show_field_error
from quzhou_desktop.services.exchange.enrol import Enrolled, EnrolmentFile, accept_answer, write_enrolment
from quzhou_desktop.services.exchange.export import ExportPlan, ExportResult, export_package
from quzhou_desktop.services.kernel.context import AppContext


def fingerprint_label(fp: str) -> QLabel:
    """A fingerprint in large fixed-width digits, selectable (to read it out or copy it)."""
    label = QLabel(digit_groups(fp))
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(label.font().pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setObjectName("fingerprint")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FolderRow(QWidget):
    """A folder (a USB stick or a shared folder) typed or chosen."""

    def __init__(self, folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(str(folder) if folder else "")
        self.edit.setPlaceholderText(tr("U盘或共享文件夹"))
        browse = QPushButton(tr("选择文件夹…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("选择U盘或文件夹"), self.edit.text())
        if chosen:
            self.edit.setText(chosen)

    def folder(self) -> Path:
        text = self.edit.text().strip()
        if not text:
            raise ValidationError(field="保存到", reason="请选择U盘或文件夹")
        path = Path(text)
        if not path.is_dir():
            raise ValidationError(field="保存到", reason=f"找不到文件夹 {path}")
        return path


class ExportDialog(QDialog):
    """Shows what a package for the peer ``to`` (its site id) would hold (``plan_export``), then writes it to the
    chosen folder in the background. ``written`` is set once written."""

    def __init__(
        self,
        ctx: AppContext,
        plan: ExportPlan,
        *,
        to: str,
        file_name: str,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.plan, self.to, self.file_name = ctx, plan, to, file_name
        self.written: ExportResult | None = None
        kind = tr("上报数据包") if plan.kind == "report" else tr("下发数据包")
        self.setWindowTitle(tr("生成") + kind)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("发给："), QLabel(plan.peer_name))
        if plan.last_seq > plan.after_seq:
            span = tr("本站点审计日志第{a}至{b}条").format(a=plan.after_seq + 1, b=plan.last_seq)
        else:
            span = tr("没有新的记录（对方已收到本站点第{b}条为止的全部记录）").format(b=plan.last_seq)
        form.addRow(tr("范围："), QLabel(span))
        records = tr("{n}条").format(n=plan.entries)
        if plan.stubs:
            records += tr("（另有{n}条只带校验值，如用户账号）").format(n=plan.stubs)
        form.addRow(tr("记录："), QLabel(records))
        form.addRow(tr("附件："), QLabel(tr("{n}个").format(n=plan.attachments)))
        self.folder_row = FolderRow(folder)
        form.addRow(tr("保存到："), self.folder_row)
        form.addRow(tr("文件名："), QLabel(file_name))
        lay.addLayout(form)
        note = QLabel(
            tr(
                "数据包带本站点的签名，可以复制到U盘或共享文件夹交给对方；对方导入后会生成回执，请把回执带回来导入。"
            )
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        self.error = error_label()
        lay.addWidget(self.error)
        self.buttons = button_box("生成", dialog=self)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def accept(self) -> None:
        try:
            out = self.folder_row.folder() / self.file_name
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.buttons.setEnabled(False)
        ctx, to = self.ctx, self.to

        def work(_p: object) -> ExportResult:
            return export_package(ctx, to=to, out=out)

        def done(r: ExportResult) -> None:
            self.written = r
            QDialog.accept(self)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(exc, QuzhouError):
                self.error.setText(str(exc))
            else:
                default_failure(self, exc)

        run_task(work, parent=self, title=tr("正在生成数据包"), on_success=done, on_failure=failed)


class EnrolDialog(ServiceDialog):
    """Township: write the enrolment file of one village to a folder (a USB stick for the village PC)."""

    def __init__(
        self,
        ctx: AppContext,
        villages: list[tuple[str, str]],
        *,
        folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.done_file: EnrolmentFile | None = None
        self.setWindowTitle(tr("登记村"))
        lay = QVBoxLayout(self)
        intro = QLabel(tr("为一个村生成登记文件，拷到村里的电脑上，在首次设置中选“作为村安装”导入。"
                          "登记文件带有本乡镇的密钥和本乡镇为这个村登记过的全部数据（花名册、事项、凭证、合同、公开和附件）。"))  # fmt: skip
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.village_combo = QComboBox()
        for vid, name in villages:
            self.village_combo.addItem(name, vid)
        self.folder_row = FolderRow(folder)
        form.addRow(tr("村："), self.village_combo)
        form.addRow(tr("保存到："), self.folder_row)
        lay.addLayout(form)
        lay.addWidget(self.error)
        self.buttons = button_box("生成登记文件", dialog=self)
        lay.addWidget(self.buttons)
        self.field_widgets = {"村": self.village_combo, "保存到": self.folder_row.edit}
        self.setMinimumWidth(520)

    def accept(self) -> None:
        """Write the file in the background: it carries all the village's records and scans, which for a
        village the township kept for years takes some seconds."""
        try:
            vid = self.village_combo.currentData()
            if not isinstance(vid, str):
                raise ValidationError(field="村", reason="没有可以登记的村")
            out = self.folder_row.folder() / f"{self.village_combo.currentText()}.登记.zip"
        except QuzhouError as exc:
            show_field_error(self.error, exc, self.field_widgets)
            return
        self.error.clear()
        self.buttons.setEnabled(False)
        ctx = self.ctx

        def work(_p: object) -> EnrolmentFile:
            return write_enrolment(ctx, vid, out)

        def done(e: EnrolmentFile) -> None:
            self.done_file = e
            QDialog.accept(self)

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if isinstance(exc, QuzhouError):
                show_field_error(self.error, exc, self.field_widgets)
            else:
                default_failure(self, exc)

        run_task(work, parent=self, title=tr("正在生成登记文件"), on_success=done, on_failure=failed)


class AcceptDialog(ServiceDialog):
    """Township: enrol the village (or the county) of an answer file once both fingerprints were compared by
    phone."""

    def __init__(
        self,
        ctx: AppContext,
        answer: Path,
        *,
        village: str,
        village_fingerprint: str,
        own_fingerprint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.answer, self.village_fp = ctx, answer, village_fingerprint
        self.enrolled: Enrolled | None = None
        self.setWindowTitle(tr("接受应答文件"))
        lay = QVBoxLayout(self)
        intro = QLabel(tr("{v}的应答文件：{f}").format(v=village, f=answer.name))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        how = QLabel(tr("请打电话给{v}，请对方读出其电脑上显示的两组指纹，逐组核对："
                        "{v}的指纹应与下面第一行相同，本乡镇的指纹应与第二行相同。任何一位不同都不要接受。").format(v=village))  # fmt: skip
        how.setWordWrap(True)
        lay.addWidget(how)
        form = QFormLayout()
        form.addRow(tr("{v}的密钥指纹：").format(v=village), fingerprint_label(village_fingerprint))
        form.addRow(tr("本乡镇的密钥指纹："), fingerprint_label(own_fingerprint))
        lay.addLayout(form)
        self.checked = QCheckBox(tr("已电话核对指纹，两组都一致"))
        lay.addWidget(self.checked)
        lay.addWidget(self.error)
        self.buttons = button_box("接受登记", dialog=self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.checked.toggled.connect(ok.setEnabled)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def save(self) -> None:
        if not self.checked.isChecked():
            raise ValidationError(field="指纹", reason="请先电话核对指纹")
        self.enrolled = accept_answer(self.ctx, self.answer, confirmed_fingerprint=self.village_fp)
