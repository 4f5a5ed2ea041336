"""First-run wizard: township, villages, first administrator; one call to ``services.setup.initialise``; then
the 管理员恢复单 (the administrator is the root of trust: its key's fingerprint and the recovery code, shown
once, printed from here). Or, on a village's PC, "作为村安装": the township's enrolment file, the fingerprints,
the village's administrator, then the village's fingerprint and its 管理员恢复单 (``gui.exchange.join_pages``).

Or, on an office PC of a unit that shares a server database: 连接单位服务器 (``serverChosen`` with the
opened database; the township was set up on the server by ``quzhou-desktop server init``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from quzhou_desktop import APP_TITLE
from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.printing.recovery import RecoverySheetPanel
from quzhou_desktop.gui.widgets.admin_form import Admin, AdminForm
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import admin_role
from quzhou_desktop.services.kernel.site import default_kind
from quzhou_desktop.services.kernel.trust import RecoverySheet
from quzhou_desktop.services.kernel.validate import required
from quzhou_desktop.services.roster import setup
from quzhou_desktop.services.roster.villages import VillageSpec, clean_spec
from quzhou_desktop.services.roster.villages import number_warnings as villages_number_warnings

COLUMNS = ("村名", "村代码", "户数", "18周岁以上人数", "财务往来较多")


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class TownshipPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("第一步：乡镇"))
        self.setSubTitle(tr("填写本乡镇（街道）的名称。代码可以不填。"))
        form = self.form = QFormLayout(self)
        self.township_radio = QRadioButton(tr("新建乡镇数据库（乡镇录入本乡镇各村的数据）"))
        self.village_radio = QRadioButton(tr("作为村安装（导入乡镇发来的登记文件，本机只录入本村）"))
        self.township_radio.setChecked(True)
        form.addRow(self.township_radio)
        form.addRow(self.village_radio)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(60)
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        form.addRow(tr("乡镇名称："), self.name_edit)
        form.addRow(tr("乡镇代码："), self.code_edit)
        self.village_radio.toggled.connect(self._mode)
        self.error = _error_label()
        form.addRow(self.error)

    def _mode(self, as_village: bool) -> None:
        self.form.setRowVisible(self.name_edit, not as_village)
        self.form.setRowVisible(self.code_edit, not as_village)
        self.setSubTitle(
            tr(
                "下一步导入乡镇发来的登记文件，村名、花名册、乡镇已登记的本村数据和乡镇的密钥都从登记文件中来。"
            )
            if as_village
            else tr("填写本乡镇（街道）的名称。代码可以不填。")
        )
        self.error.clear()

    def validatePage(self) -> bool:
        if self.village_radio.isChecked():
            return True
        try:
            required(self.name_edit.text(), "乡镇名称", max_len=60)
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.name_edit.setFocus()
            return False
        self.error.clear()
        return True


class VillagesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("第二步：村"))
        self.setSubTitle(tr("逐个添加本乡镇的村。户数和18周岁以上人数用于检查村民代表人数和会议到会人数。"))
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("添加一个村"))
        self.remove_button = QPushButton(tr("删除所选的村"))
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.error = _error_label()
        lay.addWidget(self.error)
        self.add_row()

    def add_row(
        self, name: str = "", code: str = "", households: int = 0, adults: int = 0, busy: bool = False
    ) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        name_edit, code_edit = QLineEdit(name), QLineEdit(code)
        name_edit.setMaxLength(60)
        code_edit.setMaxLength(20)
        hh, ad = QSpinBox(), QSpinBox()
        hh.setRange(0, 100_000)
        ad.setRange(0, 1_000_000)
        hh.setValue(households)
        ad.setValue(adults)
        for spin in (hh, ad):
            spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        busy_box = QCheckBox(tr("是"))
        busy_box.setChecked(busy)
        for c, w in enumerate((name_edit, code_edit, hh, ad, busy_box)):
            self.table.setCellWidget(r, c, w)
        self.table.resizeRowsToContents()
        name_edit.setFocus()
        return r

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)

    def specs(self) -> list[VillageSpec]:
        out = []
        for r in range(self.table.rowCount()):
            name, code, hh, ad, busy = (self.table.cellWidget(r, c) for c in range(len(COLUMNS)))
            assert isinstance(name, QLineEdit) and isinstance(code, QLineEdit)
            assert isinstance(hh, QSpinBox) and isinstance(ad, QSpinBox) and isinstance(busy, QCheckBox)
            out.append(
                VillageSpec(name.text(), code.text() or None, hh.value(), ad.value(), busy.isChecked())
            )
        return out

    def validatePage(self) -> bool:
        specs = self.specs()
        if not specs:
            self.error.setText(tr("村：至少要添加一个村"))
            return False
        seen: set[str] = set()
        for r, spec in enumerate(specs):
            try:
                cleaned = clean_spec(spec)
                if cleaned.name in seen:
                    raise ValidationError(field="村名", reason=f"“{cleaned.name}”重复了")
                seen.add(cleaned.name)
            except ValidationError as exc:
                self.error.setText(tr("第{n}行").format(n=r + 1) + f"　{exc}")
                widget = self.table.cellWidget(r, 0)
                if widget is not None:
                    widget.setFocus()
                return False
        warnings = [f"{spec.name}：{w}" for spec in specs for w in villages_number_warnings(spec)]
        numbers = [(s.households, s.adults) for s in specs]
        if warnings and getattr(self, "_confirmed", None) != numbers:
            self._confirmed = numbers  # shown once; 下一步 again with the same numbers goes on
            self.error.setText(tr("请核对：") + "；".join(warnings) + tr("。确认无误请再点“下一步”。"))
            return False
        self.error.clear()
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("第三步：管理员账号"))
        lay = QVBoxLayout(self)
        self.form = AdminForm()
        lay.addWidget(self.form)
        self.error = _error_label()
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.admin: Admin | None = None

    def initializePage(self) -> None:
        """The administrator is the township's, or with one village (a village's own PC) the village's."""
        wiz = self.wizard()
        villages = wiz.villages_page.table.rowCount() if isinstance(wiz, FirstRunWizard) else 0
        label = admin_role(default_kind(villages)).label
        self.setSubTitle(
            tr("创建第一个管理员账号（{role}），用它登录后再为工作人员建账号。").format(role=label)
        )

    def check(self) -> bool:
        try:
            self.admin = self.form.checked()
        except ValidationError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True


class RecoveryPage(QWizardPage):
    """After the setup: the 管理员恢复单 (shown once)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("第四步：打印管理员恢复单"))
        self.setSubTitle(tr("设置已完成。请打印管理员恢复单并妥善保管，然后点“完成”登录。"))
        self.lay = QVBoxLayout(self)
        self.panel: RecoverySheetPanel | None = None

    def show_sheet(self, sheet: RecoverySheet) -> None:
        self.panel = RecoverySheetPanel(sheet, self)
        self.lay.addWidget(self.panel)


class FirstRunWizard(QWizard):
    """Accepted once the database is initialised and the recovery sheet was shown; ``admin_username`` then
    pre-fills the login dialog. ``serverChosen(database)`` instead when the user connects to the unit's server."""

    serverChosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin_username = ""
        self.setWindowTitle(tr("首次设置") + f" — {APP_TITLE}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.township_page = TownshipPage()
        self.villages_page = VillagesPage()
        self.admin_page = AdminPage()
        self.admin_page.setCommitPage(True)  # once set up, there is no going back
        self.recovery_page = RecoveryPage()
        self.sheet: RecoverySheet | None = None
        for p in (self.township_page, self.villages_page, self.admin_page, self.recovery_page):
            self.addPage(p)
        from quzhou_desktop.gui.exchange.join_pages import JoinedPage, JoinPage

        self.join_page = JoinPage(ctx)
        self.joined_page = JoinedPage(self.join_page)
        self.join_id = self.addPage(self.join_page)
        self.addPage(self.joined_page)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in (
            (QWizard.WizardButton.BackButton, "上一步"),
            (QWizard.WizardButton.NextButton, "下一步"),
            (QWizard.WizardButton.FinishButton, "完成"),
            (QWizard.WizardButton.CancelButton, "取消"),
            (QWizard.WizardButton.CommitButton, "完成设置"),
        ):
            self.setButtonText(button, tr(text))
        self.setButtonText(QWizard.WizardButton.CustomButton1, tr("连接单位服务器…"))
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.customButtonClicked.connect(self._custom_button)
        self.server_dialog: Any = None
        self.resize(720, 520)

    def _custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.connect_server()

    def connect_server(self) -> None:
        """Ask for the server's address; on a working connection hand the database to the flow."""
        from quzhou_desktop.gui.shell.server_dialog import ServerDialog

        dlg = ServerDialog(self)
        self.server_dialog = dlg

        def chosen() -> None:
            self.serverChosen.emit(dlg.database)
            self.hide()

        dlg.accepted.connect(chosen)
        dlg.open()

    def nextId(self) -> int:
        """The township's pages, or (作为村安装) the village's pages, which come last: neither path enters the
        other's pages."""
        if self.currentPage() is self.township_page and self.township_page.village_radio.isChecked():
            return self.join_id
        current, following = self.currentId(), super().nextId()
        if current >= self.join_id:
            return following
        return -1 if following >= self.join_id else following

    def validateCurrentPage(self) -> bool:
        if not super().validateCurrentPage():
            return False
        if self.currentPage() is self.admin_page:
            return self.sheet is not None or (self.admin_page.check() and self._initialise())
        if self.currentPage() is self.join_page and self.join_page.joined is not None:
            assert self.join_page.admin is not None
            self.admin_username = self.join_page.admin.username
        return True

    def accept(self) -> None:
        """Finish: on the administrator's page it sets up and shows the recovery sheet; there it closes."""
        if self.currentPage() is self.admin_page:
            if self.validateCurrentPage():
                self.next()
            return
        super().accept()

    def _initialise(self) -> bool:
        page = self.admin_page
        a = page.admin
        assert a is not None  # checked
        try:
            sheet = setup.initialise(
                self.ctx,
                township_name=self.township_page.name_edit.text(),
                township_code=self.township_page.code_edit.text() or None,
                villages=self.villages_page.specs(),
                admin_username=a.username,
                admin_password=a.password,
                admin_display_name=a.display_name,
            )
        except QuzhouError as exc:
            page.error.setText(str(exc))
            return False
        self.admin_username = a.username
        self.sheet = sheet
        self.recovery_page.show_sheet(sheet)
        return True
