"""Dialogs between a township and its county's server: the township's enrolment file for the county
(向区县登记), and the county adding a township from that file (添加乡镇) once the fingerprints were compared by
phone. Both run in the background: the file carries every record the township holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.gui.exchange.dialogs import FolderRow, fingerprint_label
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.tasks import default_failure, run_task
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, show_field_error
from quzhou_desktop.services.exchange.county import (
    CountyEnrolment,
    TownshipAdded,
    accept_township,
    write_county_enrolment,
)
from quzhou_desktop.services.kernel.context import AppContext


def _in_background(dlg: ServiceDialog, buttons: QDialogButtonBox, title: str, work: Any, done: Any) -> None:
    """Run ``work`` for the dialog in the background; an expected refusal stays in the dialog."""
    dlg.error.clear()
    buttons.setEnabled(False)

    def failed(exc: BaseException) -> None:
        buttons.setEnabled(True)
        if isinstance(exc, QuzhouError):
            show_field_error(dlg.error, exc, dlg.field_widgets)
        else:
            default_failure(dlg, exc)

    run_task(work, parent=dlg, title=title, on_success=done, on_failure=failed)


class CountyEnrolDialog(ServiceDialog):
    """Township: write the enrolment file for the county's server (to a USB stick or shared folder)."""

    def __init__(self, ctx: AppContext, *, folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.done_file: CountyEnrolment | None = None
        self.setWindowTitle(tr("向区县登记"))
        lay = QVBoxLayout(self)
        intro = QLabel(tr("生成本乡镇向区县登记的文件，交给区县在区县服务器上“添加乡镇”。登记文件带有本乡镇的密钥和"
                          "本乡镇保存的全部记录（包括各村报来的记录和签名）；区县只查看，不修改。"))  # fmt: skip
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.county_edit = QLineEdit()
        self.county_edit.setMaxLength(60)
        self.county_edit.setPlaceholderText(tr("如：柯城区"))
        self.folder_row = FolderRow(folder)
        form.addRow(tr("区县名称："), self.county_edit)
        form.addRow(tr("保存到："), self.folder_row)
        lay.addLayout(form)
        lay.addWidget(self.error)
        self.buttons = button_box("生成登记文件", dialog=self)
        lay.addWidget(self.buttons)
        self.field_widgets = {"区县名称": self.county_edit, "保存到": self.folder_row.edit}
        self.setMinimumWidth(520)

    def accept(self) -> None:
        try:
            county = self.county_edit.text().strip()
            if not county:
                raise ValidationError(field="区县名称", reason="请填写区县的名称")
            out = self.folder_row.folder() / f"{county}.区县.登记.zip"
        except QuzhouError as exc:
            show_field_error(self.error, exc, self.field_widgets)
            return
        ctx = self.ctx

        def work(_p: object) -> CountyEnrolment:
            return write_county_enrolment(ctx, county, out)

        def done(e: CountyEnrolment) -> None:
            self.done_file = e
            QDialog.accept(self)

        _in_background(self, self.buttons, tr("正在生成登记文件"), work, done)


class AddTownshipDialog(ServiceDialog):
    """County: add the township of an enrolment file once both fingerprints were compared by phone."""

    def __init__(
        self,
        ctx: AppContext,
        path: Path,
        *,
        township: str,
        township_fingerprint: str,
        own_fingerprint: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.path, self.township_fp = ctx, path, township_fingerprint
        self.added: TownshipAdded | None = None
        self.setWindowTitle(tr("添加乡镇"))
        lay = QVBoxLayout(self)
        intro = QLabel(tr("{t}的登记文件：{f}").format(t=township, f=path.name))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        how = QLabel(tr("请打电话给乡镇，请对方读出乡镇电脑“数据交换”页上显示的本乡镇密钥指纹，逐组核对，"
                        "应与下面第一行相同；任何一位不同都不要添加。添加后会生成应答文件，请交给乡镇导入，"
                        "乡镇导入时要核对第二行的区县指纹。"))  # fmt: skip
        how.setWordWrap(True)
        lay.addWidget(how)
        form = QFormLayout()
        form.addRow(tr("{t}的密钥指纹：").format(t=township), fingerprint_label(township_fingerprint))
        form.addRow(tr("本区县的密钥指纹："), fingerprint_label(own_fingerprint))
        lay.addLayout(form)
        self.checked = QCheckBox(tr("已电话核对乡镇的指纹，完全一致"))
        lay.addWidget(self.checked)
        lay.addWidget(self.error)
        self.buttons = button_box("添加乡镇", dialog=self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.checked.toggled.connect(ok.setEnabled)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def accept(self) -> None:
        if not self.checked.isChecked():
            return
        ctx, path, fp = self.ctx, self.path, self.township_fp

        def work(_p: object) -> TownshipAdded:
            return accept_township(ctx, path, confirmed=fp)

        def done(added: TownshipAdded) -> None:
            self.added = added
            QDialog.accept(self)

        _in_background(self, self.buttons, tr("正在添加乡镇的记录"), work, done)
