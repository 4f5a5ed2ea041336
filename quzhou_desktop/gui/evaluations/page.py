"""民主评议 section: the village's reviews (record, finalise — which applies C22 — disclose and print the result
notice), and the township overview of who has been reviewed in a year (C35)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui.evaluations.evaluation_dialog import EvaluationDialog
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error, show_info, show_warnings
from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.widgets.dialogs import PasswordDialog
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.disclosures.from_records import create_from_evaluation
from quzhou_desktop.services.evaluations import query
from quzhou_desktop.services.evaluations.evaluation import finalize_evaluation
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

ID_ROLE = Qt.ItemDataRole.UserRole
RED, AMBER = "#b00020", "#8a5a00"


class VillageTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.current: query.EvaluationDetail | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, perm, slot in [
            ("new", "登记民主评议…", Perm.EVALUATION_EDIT, self.new_evaluation),
            ("edit", "修改…", Perm.EVALUATION_EDIT, self.edit_evaluation),
            ("finalize", "定稿", Perm.EVALUATION_EDIT, self.finalize),
            ("disclose", "生成评议结果公开", Perm.DISCLOSURE_EDIT, self.disclose),
        ]:
            b = QPushButton(tr(text))
            b.clicked.connect(lambda _c=False, f=slot: f())
            b.setVisible(ctx.can(perm))
            self.buttons[key] = b
            actions.addWidget(b)
        self.print_button = PrintButton(ctx, self.notice_entries, self)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        lay.addLayout(actions)
        split = QSplitter()
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda _a, _b: self._selected())
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.text = QTextBrowser()
        self.entries = table(["姓名", "职务", "满意", "基本满意", "不满意", "评议结果", "处理"])
        rl.addWidget(self.text, 1)
        rl.addWidget(self.entries, 2)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)
        self._update_buttons()

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        self.village_id = village_id
        if load:
            self.reload()

    def reload(self, select: str | None = None) -> None:
        keep = select or (self.current.id if self.current else None)
        self.list.blockSignals(True)
        self.list.clear()
        self.current = None
        if self.village_id is not None:
            for e in query.evaluations_of(self.ctx, self.village_id):
                item = QListWidgetItem(e.label)
                item.setData(ID_ROLE, e.id)
                self.list.addItem(item)
        self.list.blockSignals(False)
        row = next((i for i in range(self.list.count()) if self.list.item(i).data(ID_ROLE) == keep), 0)
        if self.list.count():
            self.list.setCurrentRow(row)
            self._selected()
        else:
            self._show(None)

    def _selected(self) -> None:
        item = self.list.currentItem()
        self._show(query.evaluation_detail(self.ctx, str(item.data(ID_ROLE))) if item is not None else None)

    def _show(self, d: query.EvaluationDetail | None) -> None:
        self.current = d
        if d is None:
            self.text.setHtml(
                f"<p style='color:#666'>{tr('本村还没有民主评议记录。点“登记民主评议”录入。')}</p>"
            )
            self.entries.setRowCount(0)
            self._update_buttons()
            return
        parts = [f"<h3>{escape(d.village_name)}{d.year}{tr('年度民主评议')}</h3>",
                 f"<p>{d.held_on.isoformat()} · {escape(d.body_label)} · {tr('主持人')}：{escape(d.chair_name or '')}"
                 f" · {escape(d.place)} · {tr('参加')}{d.participants or '—'}{tr('人')} · <b>{escape(d.state_label)}</b></p>"]  # fmt: skip
        for f in d.findings:
            colour = RED if f.is_error else AMBER
            parts.append(f"<p style='color:{colour}'>{escape(f.shown)}</p>")
        for e in d.entries:
            if e.consequence:
                colour = RED if e.office_ended else AMBER
                parts.append(
                    f"<p style='color:{colour}'><b>{tr('评议结果的处理')}：</b>{escape(e.consequence)}</p>"
                )
        if d.state == "draft":
            parts.append(
                f"<p style='color:#555'>{tr('定稿后按评议结果处理（连续两次不称职的村委会成员职务终止），不能再修改。')}</p>"
            )
        if d.disclosure_id:
            parts.append(f"<p>{tr('已生成评议结果公开，可在“三务公开”中审核、公开。')}</p>")
        self.text.setHtml("".join(parts))
        self.entries.setRowCount(len(d.entries))
        for r, e in enumerate(d.entries):
            cells = [e.name, e.role_text, str(e.votes.satisfied), str(e.votes.basically_satisfied),
                     str(e.votes.dissatisfied), e.verdict_label, e.consequence]  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if e.verdict == "incompetent" and c == 5:
                    item.setForeground(QColor(RED))
                if c == 6:
                    item.setToolTip(text)
                self.entries.setItem(r, c, item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        d = self.current
        draft = d is not None and d.state == "draft"
        self.buttons["new"].setEnabled(self.village_id is not None)
        self.buttons["edit"].setEnabled(draft)
        self.buttons["finalize"].setEnabled(draft)
        self.buttons["disclose"].setEnabled(d is not None and d.state == "final")

    def notice_entries(self) -> list[tuple[str, str, str | None]]:
        if self.current is None:
            return []
        did = self.current.disclosure_id
        return [
            (
                tr("民主评议结果公告") if did else tr("民主评议结果公告（请先生成评议结果公开）"),
                "evaluation",
                did,
            )
        ]

    def _open(self, dlg: EvaluationDialog) -> QDialog:
        self.dialog = dlg

        def done() -> None:
            self.reload(dlg.saved_id)
            show_warnings(self, [(tr("错误：") if f.is_error else "") + f.shown for f in dlg.findings])

        dlg.accepted.connect(done)
        dlg.open()
        return dlg

    def new_evaluation(self) -> QDialog | None:
        if self.village_id is None:
            show_info(self, tr("请先在上方选择一个村。"))
            return None
        return self._open(EvaluationDialog(self.ctx, self.village_id, parent=self))

    def edit_evaluation(self) -> QDialog | None:
        d = self.current
        if d is None or d.state != "draft":
            return None
        return self._open(EvaluationDialog(self.ctx, d.village_id, d.id, parent=self))

    def finalize(self) -> QDialog | None:
        """定稿 is a signed act: the user re-enters the password in the dialog (a wrong one stays there)."""
        d = self.current
        if d is None:
            return None
        outcome: list[list[str]] = []

        def sign(password: str) -> None:
            outcome.append(finalize_evaluation(self.ctx, d.id, password=password))

        dlg = PasswordDialog(
            tr("民主评议定稿"),
            tr("定稿后评议记录不能再修改，并按评议结果处理（连续两次不称职的村委会成员职务终止）。"),
            sign,
            parent=self,
        )
        dlg.accepted.connect(lambda: self._finalized(d.id, outcome[0] if outcome else []))
        dlg.open()
        return dlg

    def do_finalize(self, evaluation_id: str, password: str) -> list[str] | None:
        try:
            done = finalize_evaluation(self.ctx, evaluation_id, password=password)
        except QuzhouError as exc:
            show_error(self, exc)
            return None
        return self._finalized(evaluation_id, done)

    def _finalized(self, evaluation_id: str, done: list[str]) -> list[str]:
        self.reload(evaluation_id)
        text = tr("已定稿。") + ("\n\n" + "\n".join(done) if done else "")
        show_info(self, text, title=tr("民主评议已定稿"))
        return done

    def disclose(self) -> str | None:
        d = self.current
        if d is None:
            return None
        try:
            did = create_from_evaluation(self.ctx, d.id)
        except QuzhouError as exc:
            show_error(self, exc)
            return None
        self.reload(d.id)
        show_info(self, tr("已生成评议结果公开（村务公开），请到“三务公开”中公开，并可在此打印结果公告。"))
        return did


OVERVIEW_HEADERS = ["村", "状态", "评议日期", "已评议", "应评议", "未评议的人员", "不称职", "职务终止"]


class OverviewTab(QWidget):
    """全镇评议情况: per village, the year's review, who was and was not reviewed, the verdicts (C35, C22)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.year_combo = QComboBox()
        this_year = ctx.clock.today().year
        for y in range(this_year, this_year - 6, -1):
            self.year_combo.addItem(f"{y}{tr('年度')}", y)
        self.year_combo.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(QLabel(tr("评议年度：")))
        bar.addWidget(self.year_combo)
        bar.addStretch(1)
        self.summary = QLabel()
        bar.addWidget(self.summary)
        lay.addLayout(bar)
        self.table = table(OVERVIEW_HEADERS)
        lay.addWidget(self.table, 1)
        note = QLabel(
            tr("村民委员会成员和村务监督委员会成员每年至少接受一次民主评议，由村务监督委员会主持。")
        )
        note.setStyleSheet("color:#555")
        lay.addWidget(note)

    def reload(self) -> None:
        year = int(self.year_combo.currentData())
        rows = query.overview(self.ctx, year)
        self.table.setRowCount(len(rows))
        for r, v in enumerate(rows):
            cells = [v.village_name, v.status_label, v.held_on.isoformat() if v.held_on else "", str(v.reviewed),
                     str(v.members), "、".join(v.not_reviewed), "、".join(v.incompetent), "、".join(v.offices_ended)]  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1 and v.state != "final":
                    item.setForeground(QColor(RED))
                self.table.setItem(r, c, item)
        done = sum(1 for v in rows if v.state == "final")
        self.summary.setText(tr("{done}/{n}个村已完成评议").format(done=done, n=len(rows)))


class EvaluationsPage(SectionPage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.village = VillageTab(ctx, self)
        self.overview = OverviewTab(ctx, self)
        self.tabs.addTab(self.village, tr("本村民主评议"))
        self.tabs.addTab(self.overview, tr("全镇评议情况"))
        lay.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())

    def set_village(self, village_id: str | None) -> None:
        self.village.set_village(village_id, load=self.tabs.currentWidget() is self.village)
        if self.tabs.currentWidget() is self.overview:
            self.overview.reload()

    def refresh(self) -> None:
        if self.tabs.currentWidget() is self.village:
            self.village.reload()
        else:
            self.overview.reload()

    def show_overview(self) -> None:
        self.tabs.setCurrentWidget(self.overview)
