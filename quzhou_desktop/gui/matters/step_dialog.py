"""登记步骤: one dialog for every step of a matter; the fields shown depend on the step type.

While the clerk types, the dialog asks the service what finalising would say (``StepCheck``: what is still to
fill, quorum and pass rule with the arithmetic, C10–C15 findings) and shows it under the form; 「定稿」 is refused
with exactly those words.  An inquorate meeting (会议无效) or a failed vote (未通过) took place and may be
finalised as it was: the dialog says what that does to the matter.  「保存草稿」 keeps an incomplete record.

Meetings lay out in two columns (facts, votes and texts left; attendance right) inside a scroll area, so the
dialog fits a 1366×728 screen with its buttons always visible.  Choosers list people by office and pinyin, the
chair defaults to the office that chairs the body and the recorder to the last one; attendance can be ticked
all at once or copied from the body's previous meeting, and the 决议 can start from the plan.
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
from quzhou_desktop.core.meetings import VOTE_METHOD_LABELS, Body
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import error_label, password_edit
from quzhou_desktop.gui.widgets.fit import fit_to_screen, scrolling
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import steps as steps_svc
from quzhou_desktop.services.matters.common import POSTING_STEPS, StepView
from quzhou_desktop.services.matters.steps import AttendanceEntry, Roster, StepCheck, StepInput
from quzhou_desktop.services.roster.offices import OfficeHolder, default_chair, office_holders

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

    COL_PRESENT, COL_NAME, COL_ROLE, COL_EXCLUDED, COL_REASON = range(5)

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
        self.holders: list[OfficeHolder] = []
        self._chair_auto = True  # the chair follows the body's default until the clerk picks someone
        today = ctx.clock.today()
        outer = QVBoxLayout(self)
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 4, 0)
        left = QVBoxLayout()
        columns.addLayout(left, 5)
        right = QVBoxLayout()
        outer.addWidget(scrolling(content), 1)
        form = self.form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        left.addLayout(form)
        lay = left

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
        for method, label in VOTE_METHOD_LABELS.items():
            self.method_combo.addItem(tr(label), method)
        self.roster_label = QLabel()
        self.table = QTableWidget(0, 5)
        self.all_present = QPushButton(tr("全部到会"))
        self.copy_previous = QPushButton(tr("同上次会议"))
        self.copy_previous.setToolTip(tr("按本村同一会议上一次的出席情况勾选"))

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
            form.addRow(tr("主持人"), self.chair_combo)
            form.addRow(tr("记录人"), self.recorder_combo)
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
        self.roster_label.setWordWrap(True)
        alay.addWidget(self.roster_label)
        top = QHBoxLayout()
        top.addWidget(self.all_present)
        top.addWidget(self.copy_previous)
        top.addStretch(1)
        alay.addLayout(top)
        self.table.setHorizontalHeaderLabels(
            [tr("到会"), tr("姓名"), tr("身份"), tr("不计入应到"), tr("原因")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setTabKeyNavigation(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(self.COL_ROLE, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.table.setMinimumHeight(160)
        alay.addWidget(self.table, 1)
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
            columns.addLayout(right, 4)
            right.addWidget(self.villagers_box)
            right.addWidget(self.attendance_box, 1)
            self.villagers_box.setSizePolicy(self.villagers_box.sizePolicy().horizontalPolicy(),
                                             self.villagers_box.sizePolicy().Policy.Maximum)  # fmt: skip
            lay.addWidget(self.votes_box)

        # -- texts --------------------------------------------------------------------------------------
        self.plan_edit = text_edit("表决的方案全文")
        self.minutes_edit = text_edit("会议记录：议题、发言要点等")
        self.decision_edit = text_edit("决议（意见）内容")
        self.texts = QTabWidget()
        self.suggest_button = QPushButton(tr("按方案生成决议"))
        self.suggest_button.setToolTip(tr("用事项名称和方案生成一段决议文字，可再修改"))
        self.suggest_button.setAutoDefault(False)
        self.suggest_button.clicked.connect(self.suggest_decision)
        if self.is_meeting:  # every text in view: no tab switching while recording a meeting
            texts = QFormLayout()
            texts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            decision = QVBoxLayout()
            decision.addWidget(self.decision_edit)
            decision.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignLeft)
            texts.addRow(tr("决议/意见"), decision)
            texts.addRow(tr("会议记录"), self.minutes_edit)
            texts.addRow(tr("方案内容"), self.plan_edit)
            line = self.fontMetrics().lineSpacing()
            for edit, lines in ((self.decision_edit, 3), (self.minutes_edit, 5), (self.plan_edit, 3)):
                edit.setMinimumHeight(line * lines + 12)
            self.decision_edit.setMaximumHeight(line * 4 + 12)
            self.plan_edit.setMaximumHeight(line * 5 + 12)
            lay.addLayout(texts, 1)
        else:
            if step is StepType.PLAN_POSTING:
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
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.verdict_area = scrolling(self.verdict)  # long verdicts scroll; the buttons stay put
        self.verdict_area.setFixedHeight(self.verdict.fontMetrics().lineSpacing() * 5 + 8)
        outer.addWidget(self.verdict_area)
        self.error = error_label()
        outer.addWidget(self.error)
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
        outer.addLayout(buttons)

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
        if draft is None and self.is_meeting:
            self._default_people()
        self._set_tab_order()
        if self.is_meeting:
            fit_to_screen(self, 1180, 720)
        else:
            fit_to_screen(self, 680, 460)
        self.run_check()

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
        self.chair_combo.activated.connect(lambda _i: setattr(self, "_chair_auto", False))
        for le in (self.place_edit, self.posting_place):
            le.textChanged.connect(lambda _t: later())
        for te in (self.plan_edit, self.minutes_edit, self.decision_edit):
            te.textChanged.connect(later)
        self.table.itemChanged.connect(lambda _it: self._attendance_changed())
        self._yes_auto = self.draft is None  # 赞成 follows 到会 − 反对 − 弃权 until the clerk types it
        self.yes_spin.lineEdit().textEdited.connect(lambda _t: setattr(self, "_yes_auto", False))
        for sp in (self.no_spin, self.abstain_spin, self.present_spin):
            sp.valueChanged.connect(lambda _v: self._fill_yes())
        self.all_present.clicked.connect(self.mark_all_present)
        self.copy_previous.clicked.connect(self.copy_previous_attendance)
        self.draft_button.clicked.connect(lambda: self.save(final=False))
        self.final_button.clicked.connect(lambda: self.save(final=True))
        self.cancel_button.clicked.connect(self.reject)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        if self.is_meeting:
            chain = [self.body_combo, self.date_edit, self.notice_check, self.notice_edit, self.urgent_check,
                     self.place_edit, self.chair_combo, self.recorder_combo, self.township_edit,
                     self.present_spin, self.reps_spin, self.all_present, self.copy_previous, self.table,
                     self.yes_spin, self.no_spin, self.abstain_spin, self.method_combo, self.decision_edit,
                     self.suggest_button, self.minutes_edit, self.plan_edit]  # fmt: skip
        elif self.is_posting:
            chain = [self.posting_from, self.posting_to, self.posting_place]
        else:
            chain = [self.date_edit]
        if not self.is_meeting:
            chain.append(self.texts)
        chain += [self.final_button, self.draft_button, self.cancel_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _fill_people(self) -> None:
        """Office holders on the meeting date, "王建国（书记、主任）", by pinyin."""
        try:
            self.holders = office_holders(self.ctx, self.village_id, pydate(self.date_edit.date()))
        except QuzhouError:
            self.holders = []
        for combo in (self.chair_combo, self.recorder_combo):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("（请选择）"), None)
            for h in self.holders:
                combo.addItem(h.label, h.person_id)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _default_people(self) -> None:
        """The chair's office for this body; the recorder of the village's last meeting."""
        b = self.body()
        if b is not None and self._chair_auto:
            chair = default_chair(self.holders, b)
            if chair is not None:
                self.chair_combo.setCurrentIndex(max(self.chair_combo.findData(chair), 0))
        if self.recorder_combo.currentData() is None:
            try:
                recorder = steps_svc.last_recorder(self.ctx, self.village_id)
            except QuzhouError:
                recorder = None
            if recorder is not None:
                self.recorder_combo.setCurrentIndex(max(self.recorder_combo.findData(recorder), 0))

    def _default_posting_end(self) -> None:
        """Propose the first day the notice may come down (C11/C12 counted from the next day)."""
        from quzhou_desktop.core.dates import earliest_after
        from quzhou_desktop.services.kernel.settings import get_rules

        rules = get_rules(self.ctx, self.village_id)
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
        if self.is_meeting and self.draft is None and self.holders:
            self._default_people()

    def _notice_toggled(self) -> None:
        on = self.notice_check.isChecked() and not self.urgent_check.isChecked()
        self.notice_edit.setEnabled(on)
        if on and self.notice_edit.date() >= self.date_edit.date():
            self._default_notice()
        self._timer.start()

    def _default_notice(self) -> None:
        """The latest notice date C13 allows for this body (the clerk corrects it if the notice went earlier)."""
        from quzhou_desktop.core.dates import latest_notice_date
        from quzhou_desktop.services.kernel.settings import get_rules

        rules = get_rules(self.ctx, self.village_id)
        days = (
            rules.notice_days_villagers
            if self.body() is Body.VILLAGERS
            else rules.notice_days_representatives
        )
        self.notice_edit.blockSignals(True)
        self.notice_edit.setDate(qdate(latest_notice_date(pydate(self.date_edit.date()), days)))
        self.notice_edit.blockSignals(False)

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
            for c, item in enumerate((present, name, role, excluded, reason)):
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
        self._attendance_changed()

    def set_present(self, count: int) -> None:
        """Tick the first ``count`` people as present and the rest absent (keyboard-free helper for tests)."""
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            state = Qt.CheckState.Checked if r < count else Qt.CheckState.Unchecked
            self._item(r, self.COL_PRESENT).setCheckState(state)
        self.table.blockSignals(False)
        self._attendance_changed()

    def _attendance_changed(self) -> None:
        self._fill_yes()
        self._timer.start()

    def _fill_yes(self) -> None:
        """Most votes are all in favour: 赞成 = voting members present − 反对 − 弃权, until typed over."""
        if not self._yes_auto or not self.is_meeting:
            return
        if self.body() is Body.VILLAGERS:
            present = self.present_spin.value()
        else:
            voting = {e.person_id for e in self.roster.entries if e.votes} if self.roster else set()
            present = sum(1 for a in self.attendance() if a.status == "present" and a.person_id in voting)
        yes = max(present - self.no_spin.value() - self.abstain_spin.value(), 0)
        self.yes_spin.blockSignals(True)
        self.yes_spin.setValue(yes)
        self.yes_spin.blockSignals(False)

    def copy_previous_attendance(self) -> bool:
        """Tick whoever came to this body's previous meeting in the village (False if there was none)."""
        b = self.body()
        if b is None or b is Body.VILLAGERS:
            return False
        try:
            when, marks = steps_svc.previous_attendance(
                self.ctx, self.village_id, b.value, before=pydate(self.date_edit.date()),
                exclude_step_id=self.draft.id if self.draft else None,
            )  # fmt: skip
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return False
        if when is None:
            self.error.setText(tr("本村还没有登记过") + b.label + tr("，请逐一勾选或点“全部到会”"))
            return False
        self.error.clear()
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            pid = self._item(r, self.COL_NAME).data(Qt.ItemDataRole.UserRole)
            status = marks.get(pid, "absent")
            self._item(r, self.COL_PRESENT).setCheckState(
                Qt.CheckState.Checked if status == "present" else Qt.CheckState.Unchecked
            )
            if b is Body.PARTY:
                self._item(r, self.COL_EXCLUDED).setCheckState(
                    Qt.CheckState.Checked if status == "excluded" else Qt.CheckState.Unchecked
                )
        self.table.blockSignals(False)
        self._attendance_changed()
        return True

    def suggest_decision(self) -> None:
        """Start the 决议 from the matter and its plan (the clerk edits it afterwards)."""
        from quzhou_desktop.services.matters.matter import get_matter

        try:
            title = get_matter(self.ctx, self.matter_id).matter.title
        except QuzhouError as exc:
            self.error.setText(str(exc))
            return
        text = steps_svc.suggested_decision(title, self.plan_edit.toPlainText(), self.body())
        self.decision_edit.setPlainText(text)
        self.decision_edit.setFocus()
        self.decision_edit.moveCursor(self.decision_edit.textCursor().MoveOperation.End)

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
        self.verdict.setText(verdict_html(check))
        o = check.outcome
        label = tr("定稿")
        if check.can_finalize and o is not None and not o.valid:
            label = tr("定稿（记为会议无效）")
        elif check.can_finalize and o is not None and o.passed is False:
            label = tr("定稿（记为未通过）")
        self.final_button.setText(label)
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
            check = self.run_check()
            if check is not None and check.refusal and check.refusal in str(exc):
                self.error.setText(tr("尚不能定稿，请按上面所列补充或更正。"))  # the reasons are shown once
            else:
                self.error.setText(str(exc))
            return
        self.accept()


OK, BAD, WARN, TODO = "#1b5e20", "#b00020", "#8a6d00", "#455a64"


def verdict_html(check: StepCheck) -> str:
    """The live verdict: what is still to fill, the meeting's arithmetic, what blocks, what 定稿 will do."""
    parts: list[tuple[str, str]] = []
    if check.todo:
        parts.append((TODO, check.todo_line))
    o = check.outcome
    if o is not None:
        color = OK if o.valid and o.passed is not False else BAD
        parts += [(color, line) for line in o.explanation_lines]
        if o.basis:
            parts.append((color, f"（{o.basis}）"))
    if check.errors:
        parts.append((BAD, tr("尚不能定稿：")))
        parts += [(BAD, f"• {e}") for e in check.errors]
    parts += [(WARN, f"• {tr('提醒')}：{w}") for w in check.warnings]
    if check.can_finalize:
        note = check.outcome_note
        parts.append((WARN, note) if note else (OK, tr("可以定稿。")))
    return "<br>".join(f"<span style='color:{c}'>{escape(s)}</span>" for c, s in parts)
