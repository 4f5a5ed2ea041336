"""Dialogs of the 三务公开 section: a general disclosure, a 财务公开 built from the ledger, the 村监会 review
(C31, password re-entry), posting, a villager's feedback and its reply (C23)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.dates import Period, month_of
from quzhou_desktop.core.money import format_fen
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box, password_edit
from quzhou_desktop.services.disclosures import catalogue as cat
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures import feedback as fb
from quzhou_desktop.services.disclosures import finance as fin
from quzhou_desktop.services.disclosures.disclosure import (
    CATEGORY_LABELS,
    CHANNELS,
    DisclosureInfo,
    DisclosureSpec,
)
from quzhou_desktop.services.kernel.context import AppContext

FINANCE_HEADERS = ("日期", "来源", "凭证号", "摘要", "科目/资金来源", "收入（元）", "支出（元）")


def previous_month(today: date) -> Period:
    return month_of(today.replace(day=1) - timedelta(days=1))


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def date_edit(d: date) -> QDateEdit:
    w = QDateEdit(qdate(d))
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    return w


def fill_finance_table(table: QTableWidget, lines: tuple[fin.FinanceLine, ...]) -> None:
    table.setColumnCount(len(FINANCE_HEADERS))
    table.setHorizontalHeaderLabels([tr(h) for h in FINANCE_HEADERS])
    table.setRowCount(len(lines))
    for r, ln in enumerate(lines):
        cells = [ln.date.isoformat(), ln.source, ln.ref, ln.summary, ln.subject,
                 format_fen(ln.income_fen, symbol=False) if ln.income_fen else "",
                 format_fen(ln.expense_fen, symbol=False) if ln.expense_fen else ""]  # fmt: skip
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c >= 5:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)


def totals_text(ctx: AppContext, income: int, expense: int, village_id: str) -> str:
    return (
        f"{tr('收入合计')}：{format_fen(income)}（{fin.upper(income, ctx, village_id)}）\n"
        f"{tr('支出合计')}：{format_fen(expense)}（{fin.upper(expense, ctx, village_id)}）"
    )


class DisclosureDialog(ServiceDialog):
    """New or edited 党务/村务 (or any non-table) disclosure draft."""

    saved = Signal(str)

    def __init__(
        self, ctx: AppContext, village_id: str, info: DisclosureInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.info = ctx, village_id, info
        self.setWindowTitle(tr("编辑公开内容") if info else tr("新建公开"))
        self.resize(640, 520)
        form = QFormLayout()
        self.category = QComboBox()
        for key, label in CATEGORY_LABELS.items():
            self.category.addItem(label, key)
        self.item = QComboBox()
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        today = ctx.clock.today()
        prev = previous_month(today)
        self.start = date_edit(info.period_start if info and info.period_start else prev.start)
        self.end = date_edit(info.period_end if info and info.period_end else prev.end)
        period = QHBoxLayout()
        period.addWidget(self.start)
        period.addWidget(QLabel(tr("至")))
        period.addWidget(self.end)
        period.addStretch(1)
        self.body = QPlainTextEdit()
        form.addRow(tr("公开类别"), self.category)
        form.addRow(tr("公开事项"), self.item)
        form.addRow(tr("标题"), self.title_edit)
        form.addRow(tr("公开内容所属期间"), period)
        form.addRow(tr("正文"), self.body)
        self.field_widgets = {"标题": self.title_edit, "公开类别": self.category, "公开期间": self.end}
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("保存草稿", dialog=self)
        lay.addWidget(buttons)
        self.category.currentIndexChanged.connect(lambda _i: self._fill_items())
        if info is not None:
            self.category.setCurrentIndex(self.category.findData(info.category))
            self.category.setEnabled(False)
            self.title_edit.setText(info.title)
            self.body.setPlainText(info.body)
        self._fill_items()
        if info is not None and info.item_id:
            self.item.setCurrentIndex(max(0, self.item.findData(info.item_id)))
        self.setTabOrder(self.category, self.item)
        self.setTabOrder(self.item, self.title_edit)
        self.setTabOrder(self.title_edit, self.start)
        self.setTabOrder(self.start, self.end)
        self.setTabOrder(self.end, self.body)

    def _fill_items(self) -> None:
        self.item.clear()
        self.item.addItem(tr("（不属于目录中的事项）"), None)
        for i in cat.list_items(self.ctx, self.village_id):
            if i.category == self.category.currentData():
                self.item.addItem(f"{i.name}（{svc.CADENCE_LABELS.get(i.cadence, i.cadence)}）", i.id)

    def save(self) -> None:
        spec = DisclosureSpec(
            village_id=self.village_id,
            category=str(self.category.currentData()),
            title=self.title_edit.text(),
            body=self.body.toPlainText(),
            item_id=self.item.currentData(),
            kind=self.info.kind if self.info else "general",
            period_start=pydate(self.start.date()),
            period_end=pydate(self.end.date()),
            table=self.info.table if self.info else None,
            total_income_fen=self.info.total_income_fen if self.info else None,
            total_expense_fen=self.info.total_expense_fen if self.info else None,
            matter_id=self.info.matter_id if self.info else None,
            step_id=self.info.step_id if self.info else None,
        )
        if self.info is None:
            did = svc.create_disclosure(self.ctx, spec)
        else:
            svc.update_draft(self.ctx, self.info.id, spec, expected_version=self.info.row_version)
            did = self.info.id
        self.saved.emit(did)


class FinanceDialog(ServiceDialog):
    """新建财务公开: pick the month or quarter; lines come from reviewed vouchers and the imported ledger."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, village_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.village_id = ctx, village_id
        self.setWindowTitle(tr("新建财务公开"))
        self.resize(820, 560)
        today = ctx.clock.today()
        last = previous_month(today)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(last.year)
        self.period = QComboBox()
        for m in range(1, 13):
            self.period.addItem(f"{m}{tr('月')}", (m, 1))
        for q in range(1, 5):
            self.period.addItem(tr(f"第{q}季度"), (q * 3 - 2, 3))
        self.period.setCurrentIndex(last.first_month - 1)
        self.item = QComboBox()
        for i in cat.list_items(ctx, village_id):
            if i.category == "finance" and i.cadence in ("quarterly", "monthly"):
                self.item.addItem(i.name, i.id)
        self.item.addItem(tr("（不属于目录中的事项）"), None)
        self.table = QTableWidget()
        self.totals = QLabel()
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("年度")))
        row.addWidget(self.year)
        row.addWidget(QLabel(tr("期间")))
        row.addWidget(self.period)
        row.addWidget(QLabel(tr("公开事项")))
        row.addWidget(self.item, 1)
        note = QLabel(tr("收支明细取自村监会已审核的支出凭证和代理记账中心导入的账簿；同一凭证号只计一次。"))
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(note)
        lay.addWidget(self.title_label)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.totals)
        lay.addWidget(self.error)
        buttons = button_box("生成草稿", dialog=self)
        lay.addWidget(buttons)
        self.year.valueChanged.connect(lambda _v: self.preview())
        self.period.currentIndexChanged.connect(lambda _i: self.preview())
        self.preview()

    def dates(self) -> tuple[date, date]:
        first, months = self.period.currentData()
        p = Period(self.year.value(), first, months)
        return p.start, p.end

    def preview(self) -> None:
        start, end = self.dates()
        t = fin.build_finance_table(self.ctx, self.village_id, start, end)
        fill_finance_table(self.table, t.lines)
        self.totals.setText(totals_text(self.ctx, t.income_fen, t.expense_fen, self.village_id))
        self.title_label.setText(f"<b>{fin.finance_period_title('', start, end)}</b>  "
                                 f"{tr('共')}{len(t.lines)}{tr('笔')}")  # fmt: skip

    def save(self) -> None:
        start, end = self.dates()
        did = fin.create_finance_disclosure(
            self.ctx, self.village_id, start, end, item_id=self.item.currentData()
        )
        self.saved.emit(did)


class ReviewDialog(ServiceDialog):
    """村监会审核 (C31): opinion and password re-entry as the electronic signature."""

    def __init__(self, ctx: AppContext, info: DisclosureInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.info = ctx, info
        self.setWindowTitle(tr("村务监督委员会审核"))
        self.resize(520, 260)
        form = QFormLayout()
        head = QLabel(f"<b>{info.title}</b>")
        head.setWordWrap(True)
        self.opinion = QPlainTextEdit(tr("经审核，以上内容真实、完整，同意公开。"))
        self.opinion.setFixedHeight(70)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("审核意见"), self.opinion)
        form.addRow(tr("登录密码（确认签名）"), self.password)
        self.field_widgets = {"审核意见": self.opinion}
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("审核签名", dialog=self)
        lay.addWidget(buttons)
        self.password.setFocus()

    def save(self) -> None:
        svc.review_disclosure(self.ctx, self.info.id, password=self.password.text(),
                              opinion=self.opinion.toPlainText(), expected_version=self.info.row_version)  # fmt: skip
        self.password.clear()


class PostDialog(ServiceDialog):
    """标记为已公开: where and from when to when."""

    def __init__(self, ctx: AppContext, info: DisclosureInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.info = ctx, info
        self.warnings: list[str] = []
        self.setWindowTitle(tr("标记为已公开"))
        today = ctx.clock.today()
        self.checks = [QCheckBox(tr(c)) for c in CHANNELS]
        self.checks[0].setChecked(True)
        boxes = QHBoxLayout()
        for c in self.checks:
            boxes.addWidget(c)
        self.start = date_edit(today)
        self.end = date_edit(today + timedelta(days=30))
        form = QFormLayout()
        form.addRow(tr("公开方式"), boxes)
        form.addRow(tr("张贴日期"), self.start)
        form.addRow(tr("撤下日期"), self.end)
        self.password = password_edit()
        form.addRow(tr("登录密码"), self.password)
        note = QLabel(tr("标记为已公开后内容不能再修改；如有错误须新建更正公开。公开是您的电子签名。"))
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        buttons = button_box("确认公开", dialog=self)
        lay.addWidget(buttons)

    def save(self) -> None:
        channels = tuple(c for c, box in zip(CHANNELS, self.checks, strict=True) if box.isChecked())
        self.warnings = svc.post_disclosure(
            self.ctx, self.info.id, channels=channels, posted_from=pydate(self.start.date()),
            posted_to=pydate(self.end.date()), expected_version=self.info.row_version,
            password=self.password.text(),
        )  # fmt: skip


class FeedbackDialog(ServiceDialog):
    """登记群众意见: date, who, channel, question or objection, content."""

    def __init__(self, ctx: AppContext, disclosure_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.disclosure_id = ctx, disclosure_id
        self.setWindowTitle(tr("登记群众意见"))
        self.resize(520, 340)
        self.received = date_edit(ctx.clock.today())
        self.who = QLineEdit()
        self.who.setPlaceholderText(tr("不填则记为匿名"))
        self.channel = QComboBox()
        for c in fb.FEEDBACK_CHANNELS:
            self.channel.addItem(tr(c), c)
        self.kind = QComboBox()
        for k, label in fb.FEEDBACK_KINDS.items():
            self.kind.addItem(tr(label), k)
        self.content = QPlainTextEdit()
        form = QFormLayout()
        form.addRow(tr("收到日期"), self.received)
        form.addRow(tr("反映人"), self.who)
        form.addRow(tr("反映方式"), self.channel)
        form.addRow(tr("意见类型"), self.kind)
        form.addRow(tr("意见内容"), self.content)
        self.field_widgets = {"收到日期": self.received, "意见内容": self.content, "反映人": self.who}
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("登记", dialog=self)
        lay.addWidget(buttons)

    def save(self) -> None:
        fb.add_feedback(self.ctx, self.disclosure_id, received_on=pydate(self.received.date()),
                        from_name=self.who.text(), channel=str(self.channel.currentData()),
                        kind=str(self.kind.currentData()), content=self.content.toPlainText())  # fmt: skip


class ReplyDialog(ServiceDialog):
    """答复群众意见; shows the C23 deadline."""

    def __init__(self, ctx: AppContext, item: fb.FeedbackInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.item = ctx, item
        self.setWindowTitle(tr("答复群众意见"))
        self.resize(520, 320)
        head = QLabel(
            f"{item.from_name}（{item.kind_label}，{item.received_on.isoformat()}）：{item.content}"
        )
        head.setWordWrap(True)
        due = QLabel(item.status.explanation)
        due.setWordWrap(True)
        self.replied = date_edit(ctx.clock.today())
        self.reply = QPlainTextEdit()
        form = QFormLayout()
        form.addRow(tr("答复日期"), self.replied)
        form.addRow(tr("答复内容"), self.reply)
        self.field_widgets = {"答复日期": self.replied, "答复内容": self.reply}
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(due)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("保存答复", dialog=self)
        lay.addWidget(buttons)

    def save(self) -> None:
        fb.reply_feedback(
            self.ctx, self.item.id, reply=self.reply.toPlainText(), replied_on=pydate(self.replied.date())
        )
