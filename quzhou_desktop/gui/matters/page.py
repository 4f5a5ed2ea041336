"""五议两公开 section: the register (lazy, SQL-filtered and sorted) with the selected matter's timeline."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.matters.amend_dialog import AmendDialog
from quzhou_desktop.gui.matters.detail import MatterDetailView
from quzhou_desktop.gui.matters.files_dialog import FilesDialog
from quzhou_desktop.gui.matters.matter_dialog import MatterDialog
from quzhou_desktop.gui.matters.step_dialog import StepDialog
from quzhou_desktop.gui.messages import show_error, show_warnings
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.widgets.columns import arrange_columns
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog
from quzhou_desktop.gui.widgets.paged_model import CENTER, RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.kernel.attachments import AttachmentInfo
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.matters import files as matters_files
from quzhou_desktop.services.matters import matter as matters_svc
from quzhou_desktop.services.matters import query
from quzhou_desktop.services.matters.common import STATUS_LABELS
from quzhou_desktop.services.matters.matter import CATEGORIES, MatterDetail, MatterRow
from quzhou_desktop.services.roster.villages import list_villages

SEARCH_DELAY_MS = 300

COLUMNS: list[Column[MatterRow]] = [
    Column("村", lambda r: r.village_name, sort="village", tooltip=lambda r: r.village_name),
    Column("事项", lambda r: r.display_title, sort="title", tooltip=lambda r: r.display_title),
    Column("类别", lambda r: r.category_label, sort="category", tooltip=lambda r: r.category_label),
    Column("年度", lambda r: r.year, sort="year", align=CENTER),
    Column("进行到", lambda r: r.current_step_label, sort="current_step"),
    Column("状态", lambda r: r.status_label, sort="status", align=CENTER),
    Column("下一步可办日期", lambda r: r.next_due_date, sort="next_due", align=CENTER),
    Column("逾期", lambda r: "逾期" if r.overdue else "", sort="deadline", align=CENTER),
    Column("预计金额", lambda r: r.amount_text, sort="amount", align=RIGHT),
]


class MattersPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.dialog: QDialog | None = None
        self.current: MatterDetail | None = None
        lay = QVBoxLayout(self)

        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：事项名称、建议人或村名"))
        self.search_edit.setClearButtonEnabled(True)
        self.year_combo = QComboBox()
        self.category_combo = QComboBox()
        self.category_combo.addItem(tr("全部类别"), None)
        for value, label in CATEGORIES:
            self.category_combo.addItem(label, value)
        self.category_combo.setMaximumWidth(220)
        self.step_combo = QComboBox()
        self.step_combo.addItem(tr("全部环节"), None)
        self.step_combo.addItem(tr("尚未开始"), "none")
        for st in query.register_steps(ctx):
            self.step_combo.addItem(tr("已到：") + st.label, st.value)
        self.status_combo = QComboBox()
        self.status_combo.addItem(tr("全部状态"), None)
        for key, label in STATUS_LABELS.items():
            self.status_combo.addItem(label, key)
        self.overdue_check = QCheckBox(tr("只看逾期"))
        bar.addWidget(self.search_edit, 2)
        for w in (
            self.year_combo,
            self.category_combo,
            self.step_combo,
            self.status_combo,
            self.overdue_check,
        ):
            bar.addWidget(w)
        lay.addLayout(bar)

        actions = QHBoxLayout()
        self.new_button = QPushButton(tr("新建事项…"))
        self.step_button = QPushButton(tr("登记下一步…"))
        self.amend_button = QPushButton(tr("登记更正…"))
        self.files_button = QPushButton(tr("扫描件…"))
        self.rerun_button = QPushButton(tr("修改方案重新提议…"))
        self.withdraw_button = QPushButton(tr("撤销事项…"))
        self.print_button = PrintButton(ctx, self.notice_entries, self)
        self.count_label = QLabel()
        for b in (self.new_button, self.step_button, self.amend_button, self.files_button, self.rerun_button,
                  self.withdraw_button, self.print_button):  # fmt: skip
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        lay.addLayout(actions)

        self.model: PagedTableModel[MatterRow] = PagedTableModel(
            COLUMNS, self._fetch, self._count, sort="created", descending=True, parent=self
        )
        self.view = register_view(self.model)
        # 事项, 进行到, 下一步可办日期, 逾期, 预计金额 first: in view at 1366 px without scrolling
        # "乡镇 村" on a county's database needs about twice a village name's width
        village_width = 120 if any(v.label != v.name for v in list_villages(ctx)) else 60
        arrange_columns(self.view, "matters", ctx.user.id if ctx.user else None,
                        widths={0: village_width, 1: 190, 2: 130, 3: 48, 4: 110, 5: 60, 6: 104, 7: 44, 8: 96},
                        order=(1, 4, 6, 7, 8, 5, 0, 2, 3))  # fmt: skip
        self.detail = MatterDetailView(self)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.year_combo, self.category_combo, self.step_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.overdue_check.toggled.connect(lambda _b: self.reload())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _i: self.record_next())
        self.model.reloaded.connect(self._show_count)
        self.new_button.clicked.connect(self.new_matter)
        self.step_button.clicked.connect(self.record_next)
        self.amend_button.clicked.connect(self.amend)
        self.files_button.clicked.connect(self.files)
        self.rerun_button.clicked.connect(self.new_run)
        self.withdraw_button.clicked.connect(self.withdraw)
        self._fill_years()
        self.reload()

    # -- data --------------------------------------------------------------------------------------------

    def filter(self) -> query.MatterFilter:
        return query.MatterFilter(
            village_id=self.village_id,
            year=self.year_combo.currentData(),
            category=self.category_combo.currentData(),
            current_step=self.step_combo.currentData(),
            status=self.status_combo.currentData(),
            overdue=self.overdue_check.isChecked(),
            search=self.search_edit.text(),
        )

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[MatterRow]:
        return query.list_matters(
            self.ctx, self.filter(), sort=sort or "created", descending=desc, offset=offset, limit=limit
        )

    def _count(self) -> int:
        return query.count_matters(self.ctx, self.filter())

    def _fill_years(self) -> None:
        current = self.year_combo.currentData()
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        self.year_combo.addItem(tr("全部年度"), None)
        for y in query.matter_years(self.ctx, self.village_id):
            self.year_combo.addItem(f"{y}{tr('年')}", y)
        self.year_combo.setCurrentIndex(max(self.year_combo.findData(current), 0))
        self.year_combo.blockSignals(False)

    def _show_count(self, total: int) -> None:
        self.count_label.setText(tr("共") + f" {total} " + tr("个事项"))

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        with self.ctx.snapshot():  # the years, the count and the first page in one read transaction
            self._fill_years()
            self.reload()

    def refresh(self) -> None:
        self.reload(keep=True)

    def reload(self, *, keep: bool = False) -> None:
        selected = self.current.matter.id if keep and self.current else None
        self.model.reload()
        if selected:
            self.select_matter(selected)
        else:
            self.current = None
            self.detail.show_empty()
        self._update_buttons()

    def select_matter(self, matter_id: str) -> None:
        row = self.model.find(lambda r: r.id == matter_id)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.find(lambda r: r.id == matter_id)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        self.show_matter(matter_id)

    def _selection_changed(self, _sel: QItemSelection, _old: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.show_matter(self.model.row(rows[0]).id)

    def show_matter(self, matter_id: str) -> None:
        try:
            self.current = matters_svc.get_matter(self.ctx, matter_id)
            ids = [s.id for s in self.current.steps]
            files: dict[str, list[AttachmentInfo]] = {}
            for f in matters_files.step_files(self.ctx, ids) if ids else []:
                files.setdefault(f.owner_id, []).append(f)
        except QuzhouError as exc:
            show_error(self, exc)
            return
        self.detail.show_detail(self.current, files)
        self._update_buttons()

    def notice_entries(self) -> list[tuple[str, str, str | None]]:
        """The selected matter's printable notices; each needs its step recorded as final."""
        d = self.current
        if d is None:
            return []
        final = {s.step: s for s in d.final_steps}

        def step_id(*types: StepType, passed: bool = False) -> str | None:
            for t in types:
                s = final.get(t)
                if s is not None and (not passed or s["passed"]):
                    return s.id
            return None

        return [
            (tr("五议两公开登记表"), "register", d.matter.id),
            (
                tr("方案公示"),
                "plan",
                step_id(StepType.PLAN_POSTING, StepType.CONSULT, StepType.PROPOSE_AND_CONSULT),
            ),
            (tr("决议公告"), "resolution", step_id(StepType.RESOLVE, passed=True)),
            (tr("实施结果公告"), "result", step_id(StepType.RESULT_DISCLOSURE, StepType.IMPLEMENT)),
        ]

    def _update_buttons(self) -> None:
        d = self.current
        m = d.matter if d else None
        can_edit = self.ctx.can(Perm.MATTER_EDIT, m.village_id if m else self.village_id)
        self.new_button.setEnabled(self.ctx.can(Perm.MATTER_EDIT, self.village_id))
        active = bool(m and m.status == "in_progress")
        self.step_button.setEnabled(can_edit and active)
        self.step_button.setText(tr("继续草稿…") if d and d.draft else tr("登记下一步…"))
        self.amend_button.setEnabled(can_edit and bool(d and d.final_steps))
        self.files_button.setEnabled(bool(d and d.steps))
        self.rerun_button.setEnabled(
            can_edit and bool(d and d.matter.status == "failed" and not d.later_run_id)
        )
        self.withdraw_button.setEnabled(can_edit and active)

    # -- actions -----------------------------------------------------------------------------------------

    def _open(self, dialog: QDialog, on_accept: object) -> None:
        self.dialog = dialog
        dialog.setModal(True)
        dialog.accepted.connect(on_accept)
        dialog.open()

    def new_matter(self) -> None:
        dlg = MatterDialog(self.ctx, village_id=self.village_id, parent=self)

        def done() -> None:
            if dlg.saved is not None:
                self._fill_years()
                self.model.reload()
                self.select_matter(dlg.saved.id)

        self._open(dlg, done)

    def allowed_steps(self) -> list[StepType]:
        if self.current is None:
            return []
        return [st for st, ok in matters_svc.step_choices(self.ctx, self.current.matter.id) if ok]

    def record_next(self) -> None:
        d = self.current
        if d is None or d.matter.status != "in_progress":
            return
        if d.draft is not None:
            self.record_step(d.draft.step)
            return
        allowed = self.allowed_steps()
        if len(allowed) == 1:
            self.record_step(allowed[0])
        elif allowed:
            menu = QMenu(self)
            for st in allowed:
                act = QAction(st.label, menu)
                act.triggered.connect(lambda _c=False, s=st: self.record_step(s))
                menu.addAction(act)
            menu.popup(self.step_button.mapToGlobal(self.step_button.rect().bottomLeft()))

    def record_step(self, step: StepType) -> StepDialog | None:
        d = self.current
        if d is None:
            return None
        draft = d.draft if d.draft and d.draft.step is step else None
        carry = d.final_steps[-1] if d.final_steps else None
        dlg = StepDialog(
            self.ctx, d.matter.id, d.matter.village_id, step, draft=draft, carry=carry, parent=self
        )

        def done() -> None:
            warnings = dlg.last_check.warnings if dlg.last_check else ()
            self.reload(keep=True)
            if dlg.saved is not None and dlg.saved.is_final:
                if dlg.saved["valid"] is False:
                    show_error(self, tr("会议无效，已如实记录。事项停留在本步骤，可另行召开会议后再登记本步骤。"),
                               title=tr("会议无效"))  # fmt: skip
                elif dlg.saved["passed"] is False:
                    show_error(self, tr("表决未通过，本轮程序终止，事项记为“未通过”。如修改方案，可点“修改方案重新提议”。"),
                               title=tr("未通过"))  # fmt: skip
                else:
                    show_warnings(self, list(warnings))

        self._open(dlg, done)
        return dlg

    def amend(self) -> None:
        if self.current is None:
            return
        self._open(AmendDialog(self.ctx, list(self.current.steps), self), lambda: self.reload(keep=True))

    def files(self) -> None:
        if self.current is None:
            return
        dlg = FilesDialog(self.ctx, list(self.current.steps), self)
        dlg.finished.connect(lambda _r: self.reload(keep=True))
        self.dialog = dlg
        dlg.open()

    def new_run(self) -> None:
        d = self.current
        if d is None:
            return
        holder: dict[str, str] = {}

        def act(reason: str) -> None:
            holder["id"] = matters_svc.start_new_run(self.ctx, d.matter.id, reason=reason).id

        def done() -> None:
            self.model.reload()
            if "id" in holder:
                self.select_matter(holder["id"])

        prompt = tr("本轮未通过的记录会保留。请写明方案作了哪些修改：")
        self._open(ReasonDialog(tr("修改方案重新提议"), prompt, act, self), done)

    def withdraw(self) -> None:
        d = self.current
        if d is None:
            return

        def act(reason: str) -> None:
            matters_svc.withdraw_matter(self.ctx, d.matter.id, reason=reason)

        prompt = tr("撤销后事项不再推进，已登记的步骤保留。请写明原因：")
        self._open(ReasonDialog(tr("撤销事项"), prompt, act, self), lambda: self.reload(keep=True))
