"""The first-run wizard's "作为村安装" path: import the township's enrolment file, compare the township's key
fingerprint by phone, create the village's administrator, write the answer file, show the village's
fingerprint for the township to compare and the village administrator's 管理员恢复单 (shown once, printed or
saved as PDF from here, as on the township's path)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.signing import fingerprint
from quzhou_desktop.gui.exchange.labels import digit_groups
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.printing.recovery import RecoverySheetPanel
from quzhou_desktop.gui.tasks import default_failure, run_task
from quzhou_desktop.gui.widgets.admin_form import Admin, AdminForm
from quzhou_desktop.gui.widgets.dialogs import error_label
from quzhou_desktop.services.exchange.enrol import Joined, join_as_village, read_enrolment
from quzhou_desktop.services.kernel.context import AppContext


def big_digits(text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(label.font().pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class JoinPage(QWizardPage):
    """Choose the enrolment file, check the township's fingerprint, create the administrator; joining
    happens when the page is left (a commit page: there is no way back once the village is set up)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.enrolment: Path | None = None
        self.joined: Joined | None = None
        self.busy = False  # the database is being set up
        self.setTitle(tr("作为村安装"))
        self.setSubTitle(tr("导入乡镇发来的登记文件（…登记.zip），本机将成为这个村的数据库。"))
        self.setCommitPage(True)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(tr("登记文件"))
        browse = QPushButton(tr("选择登记文件…"))
        browse.clicked.connect(self.browse)
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse)
        lay.addLayout(row)
        self.about = QLabel()
        self.about.setWordWrap(True)
        lay.addWidget(self.about)
        self.township_fp = big_digits()
        lay.addWidget(self.township_fp)
        self.checked = QCheckBox(tr("已与乡镇电话核对上面的乡镇密钥指纹，完全一致"))
        lay.addWidget(self.checked)
        self.form = AdminForm("本村管理员用户名：")
        self.admin: Admin | None = None
        lay.addWidget(self.form)
        self.error = error_label()
        lay.addWidget(self.error)

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("选择登记文件"), "", tr("登记文件 (*.zip)"))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> bool:
        """Read the enrolment file and show whose it is and the township's fingerprint."""
        self.enrolment = None
        self.checked.setChecked(False)
        self.file_edit.setText(str(path))
        try:
            pkg, public = read_enrolment(path)
        except QuzhouError as exc:
            self.about.clear()
            self.township_fp.clear()
            self.error.setText(str(exc))
            return False
        self.error.clear()
        self.enrolment = path
        self.about.setText(
            tr(
                "{t}为{v}生成的登记文件。请打电话给乡镇，请对方读出乡镇电脑上的密钥指纹，与下面的数字逐组核对："
            ).format(t=pkg.field("from", "name"), v=pkg.field("village", "name"))
        )
        self.township_fp.setText(digit_groups(fingerprint(public)))
        return True

    def validatePage(self) -> bool:
        """Check the form, then set the database up in the background (the enrolment file may carry years of the
        village's records); the wizard moves on when that is done."""
        if self.joined is not None:
            return True
        if self.busy:
            return False
        try:
            if self.enrolment is None:
                raise ValidationError(field="登记文件", reason="请先选择乡镇发来的登记文件")
            if not self.checked.isChecked():
                raise ValidationError(field="密钥指纹", reason="请先与乡镇电话核对密钥指纹")
            admin = self.admin = self.form.checked()
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        assert self.enrolment is not None
        self.busy = True
        db, enrolment, clock = self.ctx.db, self.enrolment, self.ctx.clock

        def work(_p: object) -> Joined:
            return join_as_village(
                db,
                enrolment,
                admin_username=admin.username,
                admin_password=admin.password,
                admin_display_name=admin.display_name,
                clock=clock,
            )

        def done(joined: Joined) -> None:
            self.busy = False
            self.joined = joined
            wizard = self.wizard()
            if wizard is not None:
                wizard.next()

        def failed(exc: BaseException) -> None:
            self.busy = False
            if isinstance(exc, QuzhouError):
                self.error.setText(str(exc))
            else:
                default_failure(self, exc)

        run_task(work, parent=self, title=tr("正在安装本村数据"), on_success=done, on_failure=failed)
        return False


class JoinedPage(QWizardPage):
    """What the village tells the township: its fingerprint, and where the answer file is."""

    def __init__(self, join: JoinPage) -> None:
        super().__init__()
        self.join = join
        self.setTitle(tr("本村已安装"))
        self.setSubTitle(
            tr("把应答文件交给乡镇。乡镇导入时会打电话核对下面的本村密钥指纹。请打印本村的管理员恢复单。")
        )
        self.panel: RecoverySheetPanel | None = None
        lay = self.lay = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.text)
        lay.addWidget(QLabel(tr("本村密钥指纹：")))
        self.village_fp = big_digits()
        lay.addWidget(self.village_fp)
        lay.addWidget(QLabel(tr("乡镇密钥指纹：")))
        self.township_fp = big_digits()
        lay.addWidget(self.township_fp)
        lay.addStretch(1)

    def initializePage(self) -> None:
        j = self.join.joined
        if j is None:
            return
        wiz = self.wizard()
        if wiz is not None:  # the village is set up: there is nothing left to cancel
            wiz.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.text.setText(
            tr(
                "已作为{v}（{t}）安装。应答文件已保存为：\n{p}\n打印管理员恢复单后点“完成”，用管理员账号登录。"
            ).format(v=j.village, t=j.township, p=j.answer)
        )
        self.village_fp.setText(digit_groups(j.village_fingerprint))
        self.township_fp.setText(digit_groups(j.township_fingerprint))
        if j.recovery is not None and self.panel is None:  # the village's root of trust, shown this once
            self.panel = RecoverySheetPanel(j.recovery, self)
            self.lay.insertWidget(self.lay.count() - 1, self.panel)
