"""登记步骤: one dialog for every step of a matter; the fields shown depend on the step type.

While the clerk types, the dialog asks the service what finalising would say (quorum and pass rule with the
arithmetic, C10–C15 findings) and shows it under the form.  「保存草稿」 keeps an incomplete record;
「定稿」 records the step as final — the service refuses, with the Chinese reason, what the rules forbid.
"""

from __future__ import annotations

import itertools
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import error_label, password_edit
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import steps as steps_svc
from quzhou_desktop.services.matters.common import POSTING_STEPS, StepView
from quzhou_desktop.services.matters.steps import AttendanceEntry, Roster, StepCheck, StepInput
from quzhou_desktop.services.roster.people import members

CHECK_DELAY_MS = 250
NOTICE_BODIES = (Body.VILLAGERS, Body.REPRESENTATIVES)


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date) -> QDateEdit:
    e = QDateEdit(qdate(d))
    e.setCalendarPopup(True)
    e.setDisplayFormat("yyyy年M月d日")
    e.setMinimumWidth(150)
    return e


def spin(maximum: int = 100000) -> QSpinBox:
    s = QSpinBox()
    s.setRange(0, maximum)
    s.setGroupSeparatorShown(False)
    s.setMinimumWidth(90)
    s.setAlignment(Qt.AlignmentFlag.AlignRight)
    return s


def text_edit(placeholder: str) -> QPlainTextEdit:
    e = QPlainTextEdit()
    e.setPlaceholderText(tr(placeholder))
    e.setTabChangesFocus(True)
    return e


class StepDialog(QDialog):
    """Record (or continue the draft of) ``step`` of matter ``matter_id``."""

    COL_NAME, COL_ROLE, COL_PRESENT, COL_EXCLUDED, COL_REASON = range(5)

    def __init__(
        self,
        ctx: AppContext,
        matter_id: str,
        village_id: str,
        step: StepType,
        *,
        draft: StepView | None = None,
        carry: StepView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.matter_id, self.village_id, self.step = ctx, matter_id, village_id, step
        self.draft = draft
        self.saved: StepView | None = None
        self.roster: Roster | None = None
        self.last_check: StepCheck | None = None
        self.setWindowTitle(tr("登记步骤：") + step.label)
        self.is_meeting = bool(step.bodies)
        self.is_posting = step in POSTING_STEPS
        today = ctx.clock.today()
        lay = QVBoxLayout(self)
        form = self.form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        lay.addLayout(form)

        # -- meeting facts ------------------------------------------------------------------------------
        self.body_combo = QComboBox()
        self.date_edit = date_edit(today)
        self.notice_edit = date_edit(today)
        self.notice_check = QCheckBox(tr("已通知"))
        self.urgent_check = QCheckBox(tr("紧急情况，未提前通知"))
        self.place_edit = QLineEdit()
        self.place_edit.setMaxLength(100)
        self.chair_combo = QComboBox()
        self.recorder_combo = QComboBox()
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText(tr("如：镇农经站 陈伟（站长）"))
        self.posting_from = date_edit(today)
        self.posting_to = date_edit(today)
        self.posting_place = QLineEdit()
        self.posting_place.setMaxLength(100)
        self.posting_place.setPlaceholderText(tr("如：村务公开栏"))
        self.present_spin = spin(100000)
        self.reps_spin = spin(100000)
        self.yes_spin, self.no_spin, self.abstain_spin = spin(), spin(), spin()
        self.method_combo = QComboBox()
        self.method_combo.addItem(tr("举手表决"), "举手")
        self.method_combo.addItem(tr("无记名投票"), "无记名")
        self.roster_label = QLabel()
        self.table = QTableWidget(0, 5)
        self.all_present = QPushButton(tr("全部到会"))

        self.notice_row = QWidget()
        notice = QHBoxLayout(self.notice_row)
        notice.setContentsMargins(0, 0, 0, 0)
        notice.addWidget(self.notice_check)
        notice.addWidget(self.notice_edit)
        notice.addWidget(self.urgent_check)
        notice.addStretch(1)
        if self.is_meeting:
            for b in step.bodies:
                self.body_combo.addItem(b.label, b.value)
            form.addRow(tr("会议类型"), self.body_combo)
            form.addRow(tr("会议日期"), self.date_edit)
            form.addRow(tr("通知日期"), self.notice_row)
            form.addRow(tr("会议地点"), self.place_edit)
            people = QHBoxLayout()
            people.addWidget(self.chair_combo, 1)
            people.addWidget(QLabel(tr("记录人")))
            people.addWidget(self.recorder_combo, 1)
            form.addRow(tr("主持人"), people)
            form.addRow(tr("乡镇参会人员"), self.township_edit)
        elif self.is_posting:
            span = QHBoxLayout()
            span.addWidget(self.posting_from)
            span.addWidget(QLabel(tr("至（撤下日期）")))
            span.addWidget(self.posting_to)
            span.addStretch(1)
            form.addRow(tr("公示期"), span)
            form.addRow(tr("公示地点"), self.posting_place)
        else:
            form.addRow(tr("完成日期") if step is StepType.IMPLEMENT else tr("建议日期"), self.date_edit)

        # -- attendance and votes -----------------------------------------------------------------------
        self.villagers_box = QGroupBox(tr("村民会议到会情况"))
        vform = QFormLayout(self.villagers_box)
        vform.addRow(tr("到会村民（18周岁以上）"), self.present_spin)
        vform.addRow(tr("到会户代表（户）"), self.reps_spin)
        self.attendance_box = QGroupBox(tr("出席情况（名册按会议日期）"))
        alay = QVBoxLayout(self.attendance_box)
        top = QHBoxLayout()
        top.addWidget(self.roster_label, 1)
        top.addWidget(self.all_present)
        alay.addLayout(top)
        self.table.setHorizontalHeaderLabels(
            [tr("姓名"), tr("身份"), tr("到会"), tr("不计入应到"), tr("原因")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setTabKeyNavigation(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        self.table.setMinimumHeight(200)
        alay.addWidget(self.table)
        self.votes_box = QGroupBox(tr("表决"))
        vl = QHBoxLayout(self.votes_box)
        for label, w in (
            (tr("赞成"), self.yes_spin),
            (tr("反对"), self.no_spin),
            (tr("弃权"), self.abstain_spin),
        ):
            vl.addWidget(QLabel(label))
            vl.addWidget(w)
        vl.addWidget(QLabel(tr("表决方式")))
        vl.addWidget(self.method_combo)
        vl.addStretch(1)
        if self.is_meeting:
            lay.addWidget(self.villagers_box)
            lay.addWidget(self.attendance_box, 1)
            lay.addWidget(self.votes_box)

        # -- texts --------------------------------------------------------------------------------------
        self.plan_edit = text_edit("表决的方案全文")
        self.minutes_edit = text_edit("会议记录：议题、发言要点等")
        self.decision_edit = text_edit("决议（意见）内容")
        self.texts = QTabWidget()
        if self.is_meeting:
            self.texts.addTab(self.plan_edit, tr("方案内容"))
            self.texts.addTab(self.decision_edit, tr("决议/意见"))
            self.texts.addTab(self.minutes_edit, tr("会议记录"))
        elif step is StepType.PLAN_POSTING:
            self.texts.addTab(self.plan_edit, tr("公示的方案"))
        elif step is StepType.RESOLUTION_DISCLOSURE:
            self.texts.addTab(self.decision_edit, tr("公开的决议内容"))
        elif step is StepType.RESULT_DISCLOSURE:
            self.texts.addTab(self.decision_edit, tr("公开的实施结果"))
            self.texts.addTab(self.minutes_edit, tr("群众评议情况"))
        elif step is StepType.IMPLEMENT:
            self.texts.addTab(self.minutes_edit, tr("实施情况"))
        else:
            self.texts.addTab(self.plan_edit, tr("建议内容"))
        self.texts.setMinimumHeight(110)
        lay.addWidget(self.texts, 1)

        # -- verdict and buttons ------------------------------------------------------------------------
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setObjectName("verdictLabel")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setMinimumHeight(self.verdict.fontMetrics().lineSpacing() * 6)
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.verdict)
        self.error = error_label()
        lay.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.draft_button = QPushButton(tr("保存草稿"))
        self.final_button = QPushButton(tr("定稿"))
        self.final_button.setToolTip(
            tr("定稿后不能再修改，如有错误只能登记更正并写明原因；定稿是您的电子签名，须输入登录密码")
        )
        self.password = password_edit("定稿时输入您的登录密码（签名）")
        self.password.setMaximumWidth(240)
        self.cancel_button = QPushButton(tr("取消"))
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.password)
        for button in (self.draft_button, self.final_button, self.cancel_button):
            button.setAutoDefault(False)
            if button is not self.draft_button:
                buttons.addWidget(button)
        lay.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.run_check)
        self._wire()
        self._fill_people()
        if carry is not None:
            self._carry(carry)
        if self.is_posting:
            self._default_posting_end()
        if draft is not None:
            self._load(draft)
        self._body_changed()
        self._set_tab_order()
        self.resize(760, 760 if self.is_meeting else 460)

    # -- wiring ----------------------------------------------------------------------------------------

    def _wire(self) -> None:
        later = self._timer.start
        self.body_combo.currentIndexChanged.connect(lambda _i: self._body_changed())
        self.date_edit.dateChanged.connect(lambda _d: self._date_changed())
        for w in (self.notice_edit, self.posting_from, self.posting_to):
            w.dateChanged.connect(lambda _d: later())
        for c in (self.notice_check, self.urgent_check):
            c.toggled.connect(lambda _b: self._notice_toggled())
        for sp in (self.present_spin, self.reps_spin, self.yes_spin, self.no_spin, self.abstain_spin):
            sp.valueChanged.connect(lambda _v: later())
        for cb in (self.chair_combo, self.recorder_combo, self.method_combo):
            cb.currentIndexChanged.connect(lambda _i: later())
        for le in (self.place_edit, self.posting_place):
            le.textChanged.connect(lambda _t: later())
        for te in (self.plan_edit, self.minutes_edit, self.decision_edit):
            te.textChanged.connect(later)
        self.table.itemChanged.connect(lambda _it: later())
        self.all_present.clicked.connect(self.mark_all_present)
        self.draft_button.clicked.connect(lambda: self.save(final=False))
        self.final_button.clicked.connect(lambda: self.save(final=True))
        self.cancel_button.clicked.connect(self.reject)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        if self.is_meeting:
            chain = [self.body_combo, self.date_edit, self.notice_check, self.notice_edit, self.urgent_check,
                     self.place_edit, self.chair_combo, self.recorder_combo, self.township_edit,
                     self.present_spin, self.reps_spin, self.all_present, self.table, self.yes_spin,
                     self.no_spin, self.abstain_spin, self.method_combo]  # fmt: skip
        elif self.is_posting:
            chain = [self.posting_from, self.posting_to, self.posting_place]
        else:
            chain = [self.date_edit]
        chain += [self.texts, self.draft_button, self.final_button, self.cancel_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _fill_people(self) -> None:
        on = pydate(self.date_edit.date())
        seen: dict[str, str] = {}
        try:
            rows = members(self.ctx, self.village_id, None, on=on)
        except QuzhouError:
            rows = []
        for r in rows:
            if r.body in ("party_meeting", "rep_meeting", "villager_group"):
                continue
            label = f"{r.person_name}（{r.body_label.split('（')[0]}{r.role_label}）"
            seen.setdefault(r.person_id, label)
        for combo in (self.chair_combo, self.recorder_combo):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("（请选择）"), None)
            for pid, label in sorted(seen.items(), key=lambda kv: kv[1]):
                combo.addItem(label, pid)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _default_posting_end(self) -> None:
        """Propose the first day the notice may come down (C11/C12 counted from the next day)."""
        from quzhou_desktop.core.dates import earliest_after
        from quzhou_desktop.services.kernel.settings import get_rules

        rules = get_rules(self.ctx)
        days = {StepType.PLAN_POSTING: rules.plan_posting_days,
                StepType.RESOLUTION_DISCLOSURE: rules.result_posting_days}.get(self.step, 7)  # fmt: skip
        self.posting_to.setDate(qdate(earliest_after(pydate(self.posting_from.date()), days)))

    def _carry(self, prev: StepView) -> None:
        """Prefill texts from the previous step (the plan travels from step to step)."""
        self.plan_edit.setPlainText(prev["plan_text"] or "")
        if self.step in (StepType.RESOLUTION_DISCLOSURE,):
            self.decision_edit.setPlainText(prev["decision_text"] or "")
        if prev["place"]:
            self.place_edit.setText(prev["place"])

    def _load(self, v: StepView) -> None:
        if v.body is not None:
            self.body_combo.setCurrentIndex(max(self.body_combo.findData(v.body.value), 0))
        for key, edit in (("meeting_date", self.date_edit), ("posting_from", self.posting_from),
                          ("posting_to", self.posting_to)):  # fmt: skip
            if v[key]:
                edit.setDate(qdate(v[key]))
        if v["notice_date"]:
            self.notice_check.setChecked(True)
            self.notice_edit.setDate(qdate(v["notice_date"]))
        self.urgent_check.setChecked(bool(v["urgent"]))
        self.place_edit.setText(v["place"] or "")
        self.posting_place.setText(v["posting_place"] or "")
        self.township_edit.setText(v["township_attendees"] or "")
        self._fill_people()
        for combo, key in (
            (self.chair_combo, "chair_person_id"),
            (self.recorder_combo, "recorder_person_id"),
        ):
            combo.setCurrentIndex(max(combo.findData(v[key]), 0))
        for sp, key in ((self.yes_spin, "votes_for"), (self.no_spin, "votes_against"),
                        (self.abstain_spin, "votes_abstain"), (self.present_spin, "present_count"),
                        (self.reps_spin, "household_reps_present")):  # fmt: skip
            sp.setValue(v[key] or 0)
        if v["vote_method"]:
            self.method_combo.setCurrentIndex(max(self.method_combo.findData(v["vote_method"]), 0))
        self.plan_edit.setPlainText(v["plan_text"] or "")
        self.minutes_edit.setPlainText(v["minutes"] or "")
        self.decision_edit.setPlainText(v["decision_text"] or "")
        self._saved_attendance = {a.person_id: a for a in v.attendance}

    # -- roster ----------------------------------------------------------------------------------------

    def body(self) -> Body | None:
        value = self.body_combo.currentData()
        return Body(value) if value else None

    def _body_changed(self) -> None:
        b = self.body()
        villagers = b is Body.VILLAGERS
        self.villagers_box.setVisible(self.is_meeting and villagers)
        self.attendance_box.setVisible(self.is_meeting and not villagers)
        if self.is_meeting:
            self.form.setRowVisible(self.notice_row, b in NOTICE_BODIES)
        self.table.setColumnHidden(self.COL_EXCLUDED, b is not Body.PARTY)
        self.table.setColumnHidden(self.COL_REASON, b is not Body.PARTY)
        self._notice_toggled()
        self._load_roster()

    def _notice_toggled(self) -> None:
        self.notice_edit.setEnabled(self.notice_check.isChecked() and not self.urgent_check.isChecked())
        self._timer.start()

    def _date_changed(self) -> None:
        self._fill_people()
        self._load_roster()

    def _load_roster(self) -> None:
        b = self.body()
        if not self.is_meeting or b is None:
            self._timer.start()
            return
        keep = {e.person_id: e for e in self.attendance()}
        keep = keep or dict(getattr(self, "_saved_attendance", {}))
        try:
            self.roster = steps_svc.meeting_roster(
                self.ctx, self.village_id, b.value, pydate(self.date_edit.date())
            )
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return
        self.roster_label.setText(self.roster.summary)
        if b is Body.VILLAGERS:
            self.present_spin.setMaximum(max(self.roster.adults, 0))
            self.reps_spin.setMaximum(max(self.roster.households, 0))
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.roster.entries))
        for r, e in enumerate(self.roster.entries):
            old = keep.get(e.person_id)
            name = QTableWidgetItem(e.name)
            name.setData(Qt.ItemDataRole.UserRole, e.person_id)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            role = QTableWidgetItem(e.roles if e.votes else e.roles + tr("（列席，不表决）"))
            role.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            present = QTableWidgetItem()
            present.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable
            )
            is_present = old is not None and getattr(old, "status", "") == "present"
            present.setCheckState(Qt.CheckState.Checked if is_present else Qt.CheckState.Unchecked)
            excluded = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if e.votes:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            excluded.setFlags(flags)
            is_excl = old is not None and getattr(old, "status", "") == "excluded"
            excluded.setCheckState(Qt.CheckState.Checked if is_excl else Qt.CheckState.Unchecked)
            reason = QTableWidgetItem((getattr(old, "reason", None) or "") if old else "")
            for c, item in enumerate((name, role, present, excluded, reason)):
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self._timer.start()

    def _item(self, row: int, col: int) -> QTableWidgetItem:
        item = self.table.item(row, col)
        assert item is not None
        return item

    def mark_all_present(self) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            if self._item(r, self.COL_EXCLUDED).checkState() != Qt.CheckState.Checked:
                self._item(r, self.COL_PRESENT).setCheckState(Qt.CheckState.Checked)
        self.table.blockSignals(False)
        self._timer.start()

    def set_present(self, count: int) -> None:
        """Tick the first ``count`` people as present and the rest absent (keyboard-free helper for tests)."""
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            state = Qt.CheckState.Checked if r < count else Qt.CheckState.Unchecked
            self._item(r, self.COL_PRESENT).setCheckState(state)
        self.table.blockSignals(False)
        self._timer.start()

    def attendance(self) -> tuple[AttendanceEntry, ...]:
        out = []
        for r in range(self.table.rowCount()):
            pid = self._item(r, self.COL_NAME).data(Qt.ItemDataRole.UserRole)
            if self._item(r, self.COL_EXCLUDED).checkState() == Qt.CheckState.Checked:
                out.append(AttendanceEntry(pid, "excluded", self._item(r, self.COL_REASON).text()))
            elif self._item(r, self.COL_PRESENT).checkState() == Qt.CheckState.Checked:
                out.append(AttendanceEntry(pid, "present"))
            else:
                out.append(AttendanceEntry(pid, "absent"))
        return tuple(out)

    # -- input, check, save ----------------------------------------------------------------------------

    def input(self) -> StepInput:
        b = self.body()
        meeting_date = pydate(self.date_edit.date()) if not self.is_posting else None
        notice = None
        if (
            self.is_meeting
            and b in NOTICE_BODIES
            and self.notice_check.isChecked()
            and not self.urgent_check.isChecked()
        ):
            notice = pydate(self.notice_edit.date())
        villagers = b is Body.VILLAGERS
        return StepInput(
            step_type=self.step.value,
            body=b.value if b else None,
            meeting_date=meeting_date,
            place=self.place_edit.text() if self.is_meeting else None,
            notice_date=notice,
            urgent=self.urgent_check.isChecked() if self.is_meeting else False,
            chair_person_id=self.chair_combo.currentData() if self.is_meeting else None,
            recorder_person_id=self.recorder_combo.currentData() if self.is_meeting else None,
            attendance=self.attendance() if self.is_meeting and not villagers else (),
            present_count=self.present_spin.value() if villagers else None,
            household_reps_present=self.reps_spin.value() if villagers else None,
            votes_for=self.yes_spin.value() if self.is_meeting else None,
            votes_against=self.no_spin.value() if self.is_meeting else None,
            votes_abstain=self.abstain_spin.value() if self.is_meeting else None,
            vote_method=self.method_combo.currentData() if self.is_meeting else None,
            township_attendees=self.township_edit.text() if self.is_meeting else None,
            plan_text=self.plan_edit.toPlainText(),
            minutes=self.minutes_edit.toPlainText(),
            decision_text=self.decision_edit.toPlainText(),
            posting_from=pydate(self.posting_from.date()) if self.is_posting else None,
            posting_to=pydate(self.posting_to.date()) if self.is_posting else None,
            posting_place=self.posting_place.text() if self.is_posting else None,
        )

    def run_check(self) -> StepCheck | None:
        self._timer.stop()
        try:
            check = steps_svc.check_step_input(self.ctx, self.matter_id, self.input())
        except QuzhouError as exc:
            self.verdict.setText(escape(str(exc)))
            return None
        self.last_check = check
        ok, bad, warn = "#1b5e20", "#b00020", "#8a6d00"
        parts: list[tuple[str, str]] = []
        if check.outcome is not None:
            color = ok if check.outcome.valid and check.outcome.passed is not False else bad
            parts += [(color, line) for line in check.outcome.explanation_lines]
            parts.append((color, f"（{check.outcome.basis}）"))
        if check.errors:
            parts.append((bad, tr("尚不能定稿：")))
            parts += [(bad, f"• {e}") for e in check.errors]
        parts += [(warn, f"• {tr('提醒')}：{w}") for w in check.warnings]
        if not check.errors:
            parts.append((ok, tr("可以定稿。")))
        self.verdict.setText("<br>".join(f"<span style='color:{c}'>{escape(s)}</span>" for c, s in parts))
        return check

    def save(self, *, final: bool) -> None:
        self.error.clear()
        try:
            self.saved = steps_svc.save_step(
                self.ctx,
                self.matter_id,
                self.input(),
                step_id=self.draft.id if self.draft else None,
                final=final,
                expected_version=self.draft.row_version if self.draft else None,
                password=self.password.text() if final else None,
            )
        except QuzhouError as exc:
            self.error.setText(str(exc))
            self.run_check()
            return
        self.accept()
