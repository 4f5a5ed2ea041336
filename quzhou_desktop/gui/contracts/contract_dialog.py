"""新建/修改合同: what the contract is, with whom, about which asset or resource, for how much and how long, the 决议
behind it (C33), then the payment schedule (C34) and deposits on tabs of their own. Sized for a 1366×768 screen:
the OK and Cancel buttons stay under the tabs."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.contracts import PERIODS, ContractKind, even_schedule
from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.money import Finding, fen_to_upper, fen_to_yuan_str, format_fen, parse_amount
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.gui.contracts import edit_tables as et
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dates import date_edit, pydate, qdate
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.gui.widgets.person_picker import PersonPicker
from quzhou_desktop.services.contracts import assets as asset_svc
from quzhou_desktop.services.contracts import contract as svc
from quzhou_desktop.services.contracts import query
from quzhou_desktop.services.contracts.contract import PartyFields, ScheduleFields
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc


class CompanyDialog(ServiceDialog):
    """An outside party: a company (or a person not on the roster) with its credit code and phone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("添加外部单位"))
        self.party: PartyFields | None = None
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(tr("单位全称，或外村个人的姓名"))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(tr("统一社会信用代码或身份证号，可不填"))
        self.phone_edit = QLineEdit()
        self.address_edit = QLineEdit()
        form.addRow(tr("名称："), self.name_edit)
        form.addRow(tr("证件号码："), self.code_edit)
        form.addRow(tr("联系电话："), self.phone_edit)
        form.addRow(tr("地址："), self.address_edit)
        form.addRow(self.error)
        form.addRow(button_box("添加", dialog=self))
        self.field_widgets = {"乙方": self.name_edit, "乙方电话": self.phone_edit}
        self.setMinimumWidth(420)

    def save(self) -> None:
        p = PartyFields("company", self.name_edit.text(), id_code=self.code_edit.text(), phone=self.phone_edit.text(),
                        address=self.address_edit.text())  # fmt: skip
        self.party = svc.clean_party(p)


class ContractDialog(ServiceDialog):
    def __init__(
        self, ctx: AppContext, village_id: str, contract_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.contract_id = ctx, village_id, contract_id
        self.saved_id: str | None = None
        self.findings: list[Finding] = []
        self.picker: QDialog | None = None
        self.setWindowTitle(tr("修改合同") if contract_id else tr("新建合同"))
        self.setMinimumSize(780, 560)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)
        self.tabs.addTab(self._basic_tab(), tr("基本信息"))
        self.tabs.addTab(self._schedule_tab(), tr("收付款计划"))
        self.tabs.addTab(self._deposit_tab(), tr("保证金"))
        lay.addWidget(self.error)
        lay.addWidget(button_box("保存", dialog=self))
        self.field_widgets = {
            "合同编号": self.number_edit, "合同名称": self.title_edit, "合同金额": self.amount_edit,
            "合同期限": self.end_edit, "签订日期": self.signed_edit, "乙方": self.party_table,
            "决议": self.decision_combo, "收付款计划": self.schedule, "收付款计划金额": self.schedule,
            "保证金": self.deposits, "保证金金额": self.deposits,
        }  # fmt: skip
        if contract_id:
            self._load(svc.contract_fields(ctx, contract_id))
        else:
            self.number_edit.setText(query.next_number(ctx, village_id, ctx.clock.today().year))
        self._kind_changed()
        self._amount_changed()

    # -- tabs ----------------------------------------------------------------------------------------------

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        today = self.ctx.clock.today()
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(30)
        self.kind_combo = QComboBox()
        for k in ContractKind:
            self.kind_combo.addItem(tr(k.label), k.value)
        head = QHBoxLayout()
        head.addWidget(self.number_edit, 1)
        head.addWidget(QLabel(tr("合同类型：")))
        head.addWidget(self.kind_combo)
        form.addRow(tr("合同编号："), head)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(tr("如：村文化礼堂租赁合同"))
        form.addRow(tr("合同名称："), self.title_edit)
        self.asset_combo = QComboBox()
        self.asset_combo.addItem(tr("（不涉及本村资产资源）"), None)
        for aid, label in asset_svc.asset_choices(self.ctx, self.village_id):
            self.asset_combo.addItem(label, aid)
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText(tr("标的说明，如：一楼两间店面85.5平方米"))
        subject = QVBoxLayout()
        subject.setContentsMargins(0, 0, 0, 0)
        subject.addWidget(self.asset_combo)
        subject.addWidget(self.subject_edit)
        form.addRow(tr("标的（资产资源）："), subject)

        self.party_table = et.party_table()
        self.party_table.setMaximumHeight(110)
        party_buttons = QHBoxLayout()
        self.add_villager_button = QPushButton(tr("添加本村村民…"))
        self.add_company_button = QPushButton(tr("添加外部单位…"))
        self.remove_party_button = QPushButton(tr("移除所选"))
        self.add_villager_button.clicked.connect(self.add_villager)
        self.add_company_button.clicked.connect(self.add_company)
        self.remove_party_button.clicked.connect(lambda: et.remove_selected(self.party_table))
        for b in (self.add_villager_button, self.add_company_button, self.remove_party_button):
            party_buttons.addWidget(b)
        party_buttons.addStretch(1)
        parties = QVBoxLayout()
        parties.setContentsMargins(0, 0, 0, 0)
        parties.addWidget(self.party_table)
        parties.addLayout(party_buttons)
        form.addRow(tr("乙方（相对方）："), parties)

        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(tr("合同总金额，元"))
        self.upper_label = QLabel()
        money = QHBoxLayout()
        money.addWidget(self.amount_edit)
        money.addWidget(self.upper_label, 1)
        form.addRow(tr("合同金额："), money)
        self.signed_edit = date_edit(today)
        self.start_edit = date_edit(today)
        self.end_edit = date_edit(date(today.year + 1, today.month, min(today.day, 28)))
        term = QHBoxLayout()
        term.addWidget(self.start_edit)
        term.addWidget(QLabel(tr("至")))
        term.addWidget(self.end_edit)
        term.addSpacing(16)
        term.addWidget(QLabel(tr("签订日期：")))
        term.addWidget(self.signed_edit)
        term.addStretch(1)
        form.addRow(tr("合同期限："), term)

        self.decision_combo = QComboBox()
        self.decision_combo.setEditable(True)
        self.decision_combo.addItem("", None)
        for c in query.decision_choices(self.ctx, self.village_id):
            self.decision_combo.addItem(c.label, c.step_id)
        line = self.decision_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("选择五议两公开决议，或填写纸质决议，如：2019年5月村民代表会议决议"))
        self.decision_hint = QLabel()
        self.decision_hint.setWordWrap(True)
        decision = QVBoxLayout()
        decision.setContentsMargins(0, 0, 0, 0)
        decision.addWidget(self.decision_combo)
        decision.addWidget(self.decision_hint)
        form.addRow(tr("决议依据："), decision)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(44)
        form.addRow(tr("备注："), self.note_edit)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.amount_edit.textChanged.connect(lambda _t: self._amount_changed())
        return page

    def _schedule_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        gen = QHBoxLayout()
        gen.addWidget(QLabel(tr("按合同期限和金额生成：")))
        self.period_combo = QComboBox()
        for key, (label, _months) in PERIODS.items():
            self.period_combo.addItem(tr(label), key)
        self.period_combo.setCurrentIndex(self.period_combo.findData("year"))
        self.generate_button = QPushButton(tr("生成收付款计划"))
        self.generate_button.clicked.connect(self.generate)
        gen.addWidget(self.period_combo)
        gen.addWidget(self.generate_button)
        gen.addStretch(1)
        lay.addLayout(gen)
        self.schedule = et.schedule_table()
        lay.addWidget(self.schedule, 1)
        row = QHBoxLayout()
        add = QPushButton(tr("添加一期"))
        add.clicked.connect(lambda: et.add_line(self.schedule, direction=self._direction()))
        remove = QPushButton(tr("删除所选"))
        remove.clicked.connect(self._remove_line)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.total_label = QLabel()
        row.addWidget(self.total_label)
        lay.addLayout(row)
        note = QLabel(tr("日期写作 2026-04-01。已有收付款记录的一期不能删除，金额不能少于已收付的数。"))
        note.setWordWrap(True)
        lay.addWidget(note)
        self.schedule.itemChanged.connect(lambda _i: self._amount_changed())
        return page

    def _remove_line(self) -> None:
        et.remove_selected(self.schedule)
        self._amount_changed()

    def _deposit_tab(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.deposits = et.deposit_table()
        lay.addWidget(self.deposits, 1)
        row = QHBoxLayout()
        add = QPushButton(tr("添加保证金"))
        add.clicked.connect(lambda: et.add_deposit(self.deposits))
        remove = QPushButton(tr("删除所选"))
        remove.clicked.connect(lambda: et.remove_selected(self.deposits))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        return page

    # -- behaviour ---------------------------------------------------------------------------------------

    def _direction(self) -> str:
        return ContractKind(self.kind_combo.currentData()).direction.value

    def _kind_changed(self) -> None:
        kind = ContractKind(self.kind_combo.currentData())
        if kind.disposes_property:
            text = with_basis(
                tr(f"{kind.label}合同处分村集体资产资源，须有村民会议或村民代表会议的决议，且在签订之前"),
                "C33",
            )
            self.decision_hint.setText(f"<span style='color:#8a5a00'>{text}</span>")
        else:
            self.decision_hint.setText(tr("工程、采购、服务合同的付款按支出凭证的规定办理，可不填"))

    def _amount_fen(self) -> int | None:
        try:
            return parse_amount(self.amount_edit.text()) if self.amount_edit.text().strip() else None
        except QuzhouError:
            return None

    def _amount_changed(self) -> None:
        fen = self._amount_fen()
        self.upper_label.setText(fen_to_upper(fen) if fen and fen > 0 else "")
        total = et.schedule_total(self.schedule)
        shown = format_fen(total) if total is not None else tr("（有金额无法识别）")
        of = f" / {tr('合同金额')} {format_fen(fen)}" if fen else ""
        colour = "#b00020" if fen and total is not None and total > fen else "#333"
        self.total_label.setText(f"<span style='color:{colour}'>{tr('计划合计')} {shown}{of}</span>")

    def generate(self) -> None:
        fen = self._amount_fen()
        if not fen or fen <= 0:
            self.error.setText(tr("请先在“基本信息”中填写合同金额"))
            return
        start, end = pydate(self.start_edit.date()), pydate(self.end_edit.date())
        lines = even_schedule(start, end, fen, str(self.period_combo.currentData()))
        self.schedule.setRowCount(0)
        for due, amount in lines:
            et.add_line(self.schedule, ScheduleFields(due, amount, self._direction()))
        self._amount_changed()

    def _search_people(self, text: str) -> list[tuple[str, str]]:
        rows = people_svc.list_people(self.ctx, self.village_id, search=text, limit=50)
        return [
            (r.id, "　".join(x for x in (r.name, r.group_name or "", r.phone or "", r.roles) if x))
            for r in rows
        ]

    def add_villager(self) -> PersonPicker:
        dlg = PersonPicker(tr("选择本村村民"), self._search_people, self)
        self.picker = dlg

        def chosen() -> None:
            if dlg.chosen is None:
                return
            pid, label = dlg.chosen
            name = label.split("　")[0]
            et.add_party(self.party_table, PartyFields("villager", name, person_id=pid))

        dlg.accepted.connect(chosen)
        dlg.open()
        return dlg

    def add_company(self) -> CompanyDialog:
        dlg = CompanyDialog(self)
        self.picker = dlg
        dlg.accepted.connect(lambda: et.add_party(self.party_table, dlg.party) if dlg.party else None)
        dlg.open()
        return dlg

    def _load(self, f: svc.ContractFields) -> None:
        self.number_edit.setText(f.number)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(f.kind), 0))
        self.title_edit.setText(f.title)
        self.asset_combo.setCurrentIndex(max(self.asset_combo.findData(f.asset_id), 0))
        self.subject_edit.setText(f.subject or "")
        for p in f.parties:
            et.add_party(self.party_table, p)
        self.amount_edit.setText(fen_to_yuan_str(f.amount_fen))
        self.start_edit.setDate(qdate(f.start_date))
        self.end_edit.setDate(qdate(f.end_date))
        if f.signed_on:
            self.signed_edit.setDate(qdate(f.signed_on))
        i = self.decision_combo.findData(f.decision_step_id) if f.decision_step_id else -1
        if i > 0:
            self.decision_combo.setCurrentIndex(i)
        else:
            self.decision_combo.setCurrentText(f.decision_ref or "")
        self.note_edit.setPlainText(f.note or "")
        for line in f.schedule:
            et.add_line(self.schedule, line)
        for d in f.deposits:
            et.add_deposit(self.deposits, d)

    def _decision(self) -> tuple[str | None, str | None]:
        text = self.decision_combo.currentText().strip()
        i = self.decision_combo.findText(text)
        step = self.decision_combo.itemData(i) if i > 0 else None
        return (str(step), None) if step else (None, text or None)

    def fields(self) -> svc.ContractFields:
        text = self.amount_edit.text().strip()
        if not text:
            raise ValidationError(field="合同金额", reason="不能为空")
        step, ref = self._decision()
        asset = self.asset_combo.currentData()
        return svc.ContractFields(
            number=self.number_edit.text(),
            title=self.title_edit.text(),
            kind=str(self.kind_combo.currentData()),
            amount_fen=parse_amount(text),
            start_date=pydate(self.start_edit.date()),
            end_date=pydate(self.end_edit.date()),
            signed_on=pydate(self.signed_edit.date()),
            asset_id=str(asset) if asset else None,
            subject=self.subject_edit.text(),
            decision_step_id=step,
            decision_ref=ref,
            note=self.note_edit.toPlainText(),
            parties=et.read_parties(self.party_table),
            schedule=et.read_schedule(self.schedule),
            deposits=et.read_deposits(self.deposits),
        )

    def save(self) -> None:
        f = self.fields()
        if self.contract_id is None:
            self.saved_id, self.findings = svc.create_contract(self.ctx, self.village_id, f)
        else:
            self.findings = svc.update_contract(self.ctx, self.contract_id, f)
            self.saved_id = self.contract_id
