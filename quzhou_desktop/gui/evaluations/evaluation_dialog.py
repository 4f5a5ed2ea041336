"""登记民主评议: the meeting (year, date, 村民代表会议 or 村民会议, the chair from the 村务监督委员会, C35) and one row
per person reviewed with the votes; the verdict shows as the counts are typed (the township's shares, C22).
The OK and Cancel buttons stay under the table on a 1366×768 screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.evaluations import EvaluatedOffice, Votes, verdict_of
from quzhou_desktop.core.money import Finding
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dates import date_edit, pydate, qdate
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.gui.widgets.person_picker import PersonPicker
from quzhou_desktop.services.evaluations import query
from quzhou_desktop.services.evaluations.evaluation import EntryFields, EvaluationFields, save_evaluation
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.roster import people as people_svc

PERSON_ROLE = Qt.ItemDataRole.UserRole
OFFICES = tuple((o.value, o.label) for o in EvaluatedOffice)
HEADERS = ["姓名", "职务类别", "职务", "满意", "基本满意", "不满意", "评议结果"]


class EvaluationDialog(ServiceDialog):
    def __init__(
        self,
        ctx: AppContext,
        village_id: str,
        evaluation_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.evaluation_id = ctx, village_id, evaluation_id
        self.rules = get_rules(ctx, village_id)
        self.saved_id: str | None = None
        self.findings: list[Finding] = []
        self.picker: QDialog | None = None
        self.setWindowTitle(tr("修改民主评议") if evaluation_id else tr("登记民主评议"))
        self.setMinimumSize(820, 540)
        lay = QVBoxLayout(self)
        today = ctx.clock.today()
        form = QFormLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.date_edit = date_edit(today)
        self.body_combo = QComboBox()
        for key, label in query.BODY_CHOICES.items():
            self.body_combo.addItem(tr(label), key)
        head = QHBoxLayout()
        head.addWidget(self.year_spin)
        head.addWidget(QLabel(tr("评议日期：")))
        head.addWidget(self.date_edit)
        head.addWidget(QLabel(tr("会议形式：")))
        head.addWidget(self.body_combo)
        head.addStretch(1)
        form.addRow(tr("评议年度："), head)
        self.chair_combo = QComboBox()
        self.chair_hint = QLabel(with_basis(tr("民主评议由村务监督委员会主持"), "C35"))
        self.chair_hint.setStyleSheet("color:#555")
        chair = QHBoxLayout()
        chair.addWidget(self.chair_combo)
        chair.addWidget(self.chair_hint, 1)
        form.addRow(tr("主持人："), chair)
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(tr("如：村委会二楼会议室"))
        self.participants_spin = QSpinBox()
        self.participants_spin.setRange(0, 100_000)
        self.participants_spin.setSpecialValueText(tr("未记录"))
        place = QHBoxLayout()
        place.addWidget(self.place_edit, 1)
        place.addWidget(QLabel(tr("参加评议人数：")))
        place.addWidget(self.participants_spin)
        form.addRow(tr("地点："), place)
        lay.addLayout(form)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((90, 130, 130, 80, 80, 80)):
            self.table.setColumnWidth(col, width)
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.fill_button = QPushButton(tr("加入村委会、村监会全体成员"))
        self.fill_button.clicked.connect(self.fill_members)
        self.add_button = QPushButton(tr("添加其他人员（聘用人员）…"))
        self.add_button.clicked.connect(self.add_person)
        self.remove_button = QPushButton(tr("移除所选"))
        self.remove_button.clicked.connect(self._remove)
        for b in (self.fill_button, self.add_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        shares = tr("满意票超过{a}%为称职，不满意票超过{b}%为不称职，其余为基本称职（乡镇设置）").format(
            a=self.rules.evaluation_competent_pct, b=self.rules.evaluation_incompetent_pct
        )
        note = QLabel(with_basis(shares, "C22"))
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(button_box("保存", dialog=self))
        self.field_widgets = {"评议对象": self.table, "评议日期": self.date_edit, "满意票": self.table,
                              "基本满意票": self.table, "不满意票": self.table}  # fmt: skip
        self.date_edit.dateChanged.connect(lambda _d: self._fill_chairs())
        if evaluation_id:
            self._load(query.evaluation_detail(ctx, evaluation_id))
        else:
            self._fill_chairs()
            self.fill_members()

    # -- rows ----------------------------------------------------------------------------------------------

    def _fill_chairs(self) -> None:
        current = self.chair_combo.currentData()
        self.chair_combo.clear()
        for pid, label in query.chair_choices(self.ctx, self.village_id, pydate(self.date_edit.date())):
            self.chair_combo.addItem(label, pid)
        if self.chair_combo.count() == 0:
            self.chair_combo.addItem(tr("（本村没有在任的村监会成员）"), None)
        i = self.chair_combo.findData(current) if current else -1
        self.chair_combo.setCurrentIndex(max(i, 0))

    def _people(self) -> set[tuple[str, str]]:
        out = set()
        for r in range(self.table.rowCount()):
            item, office = self.table.item(r, 0), self.table.cellWidget(r, 1)
            if item is not None and isinstance(office, QComboBox):
                out.add((str(item.data(PERSON_ROLE)), str(office.currentData())))
        return out

    def add_row(
        self, person_id: str, name: str, office: str, role: str, votes: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        if (person_id, office) in self._people():
            return
        r = self.table.rowCount()
        self.table.insertRow(r)
        item = QTableWidgetItem(name)
        item.setData(PERSON_ROLE, person_id)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 0, item)
        combo = QComboBox()
        for key, label in OFFICES:
            combo.addItem(tr(label), key)
        combo.setCurrentIndex(max(combo.findData(office), 0))
        self.table.setCellWidget(r, 1, combo)
        self.table.setItem(r, 2, QTableWidgetItem(role))
        for c, value in enumerate(votes, 3):
            spin = QSpinBox()
            spin.setRange(0, 100_000)
            spin.setValue(value)
            spin.valueChanged.connect(lambda _v, row_item=item: self._verdict(row_item))
            self.table.setCellWidget(r, c, spin)
        verdict = QTableWidgetItem()
        verdict.setFlags(verdict.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(r, 6, verdict)
        self._verdict(item)

    def _verdict(self, row_item: QTableWidgetItem) -> None:
        r = row_item.row()
        votes = self.votes(r)
        cell = self.table.item(r, 6)
        if cell is None:
            return
        if votes.total == 0:
            cell.setText("")
            return
        v = verdict_of(votes, self.rules)
        cell.setText(tr(v.label))
        cell.setForeground(Qt.GlobalColor.red if v.value == "incompetent" else Qt.GlobalColor.black)

    def votes(self, row: int) -> Votes:
        counts = []
        for c in (3, 4, 5):
            w = self.table.cellWidget(row, c)
            counts.append(w.value() if isinstance(w, QSpinBox) else 0)
        return Votes(*counts)

    def set_votes(self, name: str, satisfied: int, basic: int, dissatisfied: int) -> None:
        """Type the votes of the row of ``name`` (keyboard users and tests)."""
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.text() == name:
                for c, value in zip((3, 4, 5), (satisfied, basic, dissatisfied), strict=True):
                    w = self.table.cellWidget(r, c)
                    if isinstance(w, QSpinBox):
                        w.setValue(value)
                return

    def fill_members(self) -> None:
        for c in query.candidates(self.ctx, self.village_id, pydate(self.date_edit.date())):
            self.add_row(c.person_id, c.name, c.office, c.role_text)

    def _search(self, text: str) -> list[tuple[str, str]]:
        rows = people_svc.list_people(self.ctx, self.village_id, search=text, limit=50)
        return [(r.id, "　".join(x for x in (r.name, r.group_name or "", r.roles) if x)) for r in rows]

    def add_person(self) -> PersonPicker:
        dlg = PersonPicker(tr("选择被评议人员"), self._search, self)
        self.picker = dlg

        def chosen() -> None:
            if dlg.chosen is not None:
                pid, label = dlg.chosen
                self.add_row(pid, label.split("　")[0], EvaluatedOffice.STAFF.value, tr("聘用人员"))

        dlg.accepted.connect(chosen)
        dlg.open()
        return dlg

    def _remove(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.removeRow(rows[0].row())

    def _load(self, d: query.EvaluationDetail) -> None:
        self.year_spin.setValue(d.year)
        self.date_edit.setDate(qdate(d.held_on))
        self.body_combo.setCurrentIndex(max(self.body_combo.findData(d.body), 0))
        self._fill_chairs()
        i = self.chair_combo.findData(d.chair_person_id)
        if i < 0 and d.chair_person_id:
            self.chair_combo.addItem(d.chair_name, d.chair_person_id)
            i = self.chair_combo.count() - 1
        self.chair_combo.setCurrentIndex(max(i, 0))
        self.place_edit.setText(d.place)
        self.participants_spin.setValue(d.participants or 0)
        for e in d.entries:
            v = e.votes
            self.add_row(
                e.person_id,
                e.name,
                e.office,
                e.role_text,
                (v.satisfied, v.basically_satisfied, v.dissatisfied),
            )

    def fields(self) -> EvaluationFields:
        entries = []
        for r in range(self.table.rowCount()):
            item, office, role = self.table.item(r, 0), self.table.cellWidget(r, 1), self.table.item(r, 2)
            if item is None or not isinstance(office, QComboBox):
                continue
            v = self.votes(r)
            entries.append(EntryFields(str(item.data(PERSON_ROLE)), str(office.currentData()),
                                       role.text() if role else "", v.satisfied, v.basically_satisfied,
                                       v.dissatisfied))  # fmt: skip
        chair = self.chair_combo.currentData()
        return EvaluationFields(
            village_id=self.village_id, year=self.year_spin.value(), held_on=pydate(self.date_edit.date()),
            body=str(self.body_combo.currentData()), chair_person_id=str(chair) if chair else None,
            entries=tuple(entries), place=self.place_edit.text(),
            participants=self.participants_spin.value() or None,
        )  # fmt: skip

    def save(self) -> None:
        self.saved_id, self.findings = save_evaluation(
            self.ctx, self.fields(), evaluation_id=self.evaluation_id
        )
