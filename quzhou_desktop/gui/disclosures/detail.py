"""One disclosure: its content, 财务 table with 小写/大写 totals, review line, feedback with C23 deadlines,
photos and history, and the actions its state allows (edit, review, post, correct, feedback, reply)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.gui.disclosures.dialogs import (
    DisclosureDialog,
    FeedbackDialog,
    PostDialog,
    ReplyDialog,
    ReviewDialog,
    fill_finance_table,
    totals_text,
)
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt, show_error, show_warnings
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures import feedback as fb
from quzhou_desktop.services.disclosures import finance as fin
from quzhou_desktop.services.disclosures.disclosure import DisclosureInfo
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

FEEDBACK_HEADERS = ("收到日期", "反映人", "方式", "类型", "内容", "答复日期", "答复", "答复期限")


def _table(headers: tuple[str, ...]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([tr(h) for h in headers])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    t.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


class DisclosureDetail(QDialog):
    """Non-modal-friendly dialog (opened with ``open()``); emits nothing, the caller reloads on finish."""

    def __init__(self, ctx: AppContext, disclosure_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.disclosure_id = ctx, disclosure_id
        self.child: QDialog | None = None
        self.changed = False
        self.setWindowTitle(tr("公开内容"))
        self.resize(900, 640)
        lay = QVBoxLayout(self)
        self.head = QLabel()
        self.head.setWordWrap(True)
        lay.addWidget(self.head)
        bar = QHBoxLayout()
        self.edit_button = QPushButton(tr("修改草稿…"))
        self.review_button = QPushButton(tr("村监会审核…"))
        self.post_button = QPushButton(tr("标记为已公开…"))
        self.correct_button = QPushButton(tr("更正…"))
        self.feedback_button = QPushButton(tr("登记群众意见…"))
        self.reply_button = QPushButton(tr("答复意见…"))
        self.photo_button = QPushButton(tr("添加张贴照片…"))
        for b in (self.edit_button, self.review_button, self.post_button, self.correct_button,
                  self.feedback_button, self.reply_button, self.photo_button):  # fmt: skip
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.tabs = QTabWidget()
        self.body = QLabel()
        self.body.setWordWrap(True)
        content = QWidget()
        cl = QVBoxLayout(content)
        cl.addWidget(self.body)
        self.finance = QTableWidget()
        self.totals = QLabel()
        cl.addWidget(self.finance, 1)
        cl.addWidget(self.totals)
        self.review_line = QLabel()
        self.review_line.setWordWrap(True)
        cl.addWidget(self.review_line)
        self.tabs.addTab(content, tr("内容"))
        self.feedback = _table(FEEDBACK_HEADERS)
        self.feedback.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.feedback, tr("群众意见"))
        self.photos = QLabel()
        self.photos.setWordWrap(True)
        self.tabs.addTab(self.photos, tr("张贴照片"))
        self.history = _table(("时间", "操作人", "操作", "原因"))
        self.tabs.addTab(self.history, tr("历史记录"))
        lay.addWidget(self.tabs, 1)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        end = QHBoxLayout()
        end.addStretch(1)
        end.addWidget(close)
        lay.addLayout(end)
        self.edit_button.clicked.connect(self.edit)
        self.review_button.clicked.connect(self.review)
        self.post_button.clicked.connect(self.post)
        self.correct_button.clicked.connect(self.correct)
        self.feedback_button.clicked.connect(self.add_feedback)
        self.reply_button.clicked.connect(self.reply)
        self.photo_button.clicked.connect(self.add_photo)
        self.feedback.itemSelectionChanged.connect(self._buttons)
        self.info: DisclosureInfo | None = None
        self.items: list[fb.FeedbackInfo] = []
        self.reload()

    # -- data --------------------------------------------------------------------------------------------

    def reload(self) -> None:
        info = self.info = svc.get_disclosure(self.ctx, self.disclosure_id)
        period = ""
        if info.period_start:
            period = f"{info.period_start.isoformat()} {tr('至')} {(info.period_end or info.period_start).isoformat()}"
        posted = ""
        if info.posted_from:
            posted = f"{tr('公开于')}{info.posted_from.isoformat()}" + (
                f"{tr('至')}{info.posted_to.isoformat()}" if info.posted_to else ""
            ) + f"（{'、'.join(info.channels)}）"  # fmt: skip
        links = []
        if info.supersedes_id:
            links.append(tr("这是一份更正公开，原公开仍保留。"))
        if info.superseded_by_id:
            links.append(tr("本公开已被更正公开取代。"))
        if info.matter_id:
            links.append(tr("由五议两公开事项生成。"))
        due = f"{tr('截止')}{info.due_on.isoformat()}" if info.due_on else ""
        warn = "".join(f"<br><span style='color:#b00020'>{w}</span>" for w in info.warnings)
        self.head.setText(
            f"<h3>{info.title}</h3>{info.village_name} · {info.category_label} · {info.item_name or ''} · "
            f"<b>{info.status_label}</b><br>{tr('期间')}：{period}　{due}　{posted}<br>{' '.join(links)}{warn}"
        )
        self.body.setText(info.body.replace("\n", "<br>"))
        table = fin.FinanceTable.from_json(info.table) if info.category == "finance" and info.table else None
        self.finance.setVisible(table is not None)
        self.totals.setVisible(table is not None)
        if table is not None:
            fill_finance_table(self.finance, table.lines)
            self.totals.setText(totals_text(self.ctx, table.income_fen, table.expense_fen, info.village_id))
        if info.reviewer_name and info.reviewed_at is not None:
            self.review_line.setText(
                f"{tr('村务监督委员会审核意见')}：{info.review_opinion}　{tr('审核人')}：{info.reviewer_name}　"
                f"{info.reviewed_at + timedelta(hours=8):%Y-%m-%d}"
            )
        elif info.category == "finance":
            self.review_line.setText(
                with_basis(tr("尚未经村务监督委员会审核：财务公开须审核签字后方可公开、打印"), "C31") + "。"
            )
        else:
            self.review_line.setText(tr("尚未经村务监督委员会事先审查。"))
        self._fill_feedback()
        photos = fb.list_photos(self.ctx, info.id)
        self.photos.setText(
            "\n".join(f"{p.filename}　{p.caption or ''}　{p.size_text}" for p in photos)
            or tr("还没有张贴照片。")
        )
        hist = fb.history(self.ctx, info.id)
        self.history.setRowCount(len(hist))
        for r, h in enumerate(hist):
            local = h.at + timedelta(hours=8)  # stored UTC, shown in Asia/Shanghai
            for c, text in enumerate([f"{local:%Y-%m-%d %H:%M}", h.who, h.what, h.reason or ""]):
                self.history.setItem(r, c, QTableWidgetItem(text))
        self.tabs.setTabText(1, f"{tr('群众意见')}（{len(self.items)}）")
        self._buttons()

    def _fill_feedback(self) -> None:
        self.items = fb.list_feedback(self.ctx, self.disclosure_id)
        self.feedback.setRowCount(len(self.items))
        for r, f in enumerate(self.items):
            due = (
                f.status.explanation.split("，")[-1]
                if f.status.late
                else f"{f.status.deadline.isoformat()}{tr('前')}"
            )
            cells = [f.received_on.isoformat(), f.from_name, f.channel, f.kind_label, f.content,
                     f.replied_on.isoformat() if f.replied_on else tr("未答复"), f.reply or "", due]  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if f.status.late and c in (5, 7):
                    item.setForeground(QColor("#b00020"))
                self.feedback.setItem(r, c, item)

    def _selected_feedback(self) -> fb.FeedbackInfo | None:
        rows = self.feedback.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _buttons(self) -> None:
        info = self.info
        if info is None:
            return
        vid = info.village_id
        editable = info.status in ("draft", "reviewed")
        published = info.status in ("posted", "superseded")
        self.edit_button.setVisible(editable and info.category != "finance")
        self.edit_button.setEnabled(self.ctx.can(Perm.DISCLOSURE_EDIT, vid))
        self.review_button.setVisible(editable)
        self.review_button.setEnabled(self.ctx.can(Perm.DISCLOSURE_REVIEW, vid))
        self.post_button.setVisible(editable)
        self.post_button.setEnabled(self.ctx.can(Perm.DISCLOSURE_EDIT, vid))
        self.correct_button.setVisible(info.status == "posted" and not info.superseded_by_id)
        self.correct_button.setEnabled(self.ctx.can(Perm.DISCLOSURE_EDIT, vid))
        self.feedback_button.setVisible(published)
        self.feedback_button.setEnabled(self.ctx.can(Perm.FEEDBACK_EDIT, vid))
        sel = self._selected_feedback()
        self.reply_button.setVisible(published)
        self.reply_button.setEnabled(sel is not None and sel.open and self.ctx.can(Perm.FEEDBACK_EDIT, vid))
        self.photo_button.setEnabled(self.ctx.can(Perm.DISCLOSURE_EDIT, vid))

    # -- actions -----------------------------------------------------------------------------------------

    def _open(self, dlg: QDialog, after: object = None) -> QDialog:
        self.child = dlg

        def done(result: int) -> None:
            if result:
                self.changed = True
                if callable(after):
                    after(dlg)
                self.reload()

        dlg.finished.connect(done)
        dlg.open()
        return dlg

    def edit(self) -> QDialog | None:
        assert self.info is not None
        return self._open(DisclosureDialog(self.ctx, self.info.village_id, self.info, self))

    def review(self) -> QDialog | None:
        assert self.info is not None
        return self._open(ReviewDialog(self.ctx, self.info, self))

    def post(self) -> QDialog | None:
        assert self.info is not None

        def warn(dlg: QDialog) -> None:
            assert isinstance(dlg, PostDialog)
            show_warnings(self, dlg.warnings)

        return self._open(PostDialog(self.ctx, self.info, self), warn)

    def correct(self) -> QDialog | None:
        assert self.info is not None

        def action(reason: str) -> None:
            new = svc.start_correction(self.ctx, self.disclosure_id, reason=reason)
            self.disclosure_id = new

        return self._open(ReasonDialog(tr("更正公开"), tr("写明更正原因（原公开将保留，并在新公开标记为已公开后显示为“已更正”）："),
                                       action, self))  # fmt: skip

    def add_feedback(self) -> QDialog | None:
        return self._open(FeedbackDialog(self.ctx, self.disclosure_id, self))

    def reply(self) -> QDialog | None:
        sel = self._selected_feedback()
        if sel is None:
            return None
        return self._open(ReplyDialog(self.ctx, sel, self))

    def add_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("选择张贴照片"), "", tr("图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")
        )
        if path:
            self.attach(Path(path))

    def attach(self, path: Path) -> None:
        try:
            fb.add_photo(self.ctx, self.disclosure_id, path)
        except QuzhouError as exc:
            show_error(self, exc)
            return
        self.changed = True
        attempt(self, self.reload)
