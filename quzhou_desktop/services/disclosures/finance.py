"""财务公开: the period's income and spending lines from reviewed vouchers and the imported ledger, with 小写
and 大写 totals (C24), and the plain data the printing engineer renders (C31: no review, no print)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.dates import format_chinese_date, month_of, quarter_of
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.services.disclosures.disclosure import (
    WHERE_TO_ASK,
    DisclosureSpec,
    ReviewRequired,
    create_disclosure,
    review_valid,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules, rules_in
from quzhou_desktop.services.vouchers.data import finance_lines
from quzhou_desktop.store.models import Disclosure, Person, Township, UserAccount, Village

_IN = 900  # keep IN lists under SQLite's variable limit


@dataclass(frozen=True)
class FinanceLine:
    """One line of the 财务公开表. ``source`` is "凭证" (reviewed voucher) or "账簿" (ledger)."""

    date: dt.date
    source: str
    ref: str  # voucher number
    summary: str
    subject: str  # 科目 / 资金来源
    counterparty: str
    income_fen: int
    expense_fen: int
    review: str = ""  # 村监会审核意见 of the voucher behind the line


@dataclass(frozen=True)
class FinanceTable:
    start: dt.date
    end: dt.date
    lines: tuple[FinanceLine, ...]
    income_fen: int
    expense_fen: int

    @property
    def income_text(self) -> str:
        return format_fen(self.income_fen)

    @property
    def expense_text(self) -> str:
        return format_fen(self.expense_fen)

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "lines": [{**asdict(ln), "date": ln.date.isoformat()} for ln in self.lines],
            "income_fen": self.income_fen,
            "expense_fen": self.expense_fen,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> FinanceTable:
        raw = data.get("lines") or []
        assert isinstance(raw, list)
        lines = tuple(FinanceLine(**{**r, "date": dt.date.fromisoformat(r["date"])}) for r in raw)
        return cls(
            dt.date.fromisoformat(str(data["start"])),
            dt.date.fromisoformat(str(data["end"])),
            lines,
            int(str(data["income_fen"])),
            int(str(data["expense_fen"])),
        )


def period_lines(ctx: AppContext, village_id: str, start: dt.date, end: dt.date) -> list[FinanceLine]:
    """The period's lines from ``services.vouchers.data.finance_lines`` (reviewed vouchers and the ledger;
    a voucher already on the ledger under its number is counted once)."""
    return [
        FinanceLine(x.on, x.source, x.number, x.summary, x.funding_source, x.counterparty, x.income_fen,
                    x.expense_fen, x.review)
        for x in finance_lines(ctx, village_id, start, end)
    ]  # fmt: skip


def build_finance_table(ctx: AppContext, village_id: str, start: dt.date, end: dt.date) -> FinanceTable:
    """The period's lines and totals (read-only; nothing is written)."""
    ctx.require_village(village_id)
    if end < start:
        raise ValidationError(field="公开期间", reason="结束日期不能早于开始日期")
    lines = period_lines(ctx, village_id, start, end)
    return FinanceTable(
        start, end, tuple(lines), sum(x.income_fen for x in lines), sum(x.expense_fen for x in lines)
    )


def finance_period_title(village_name: str, start: dt.date, end: dt.date) -> str:
    for p in (month_of(start), quarter_of(start)):
        if (p.start, p.end) == (start, end):
            return f"{village_name}{p.label}财务收支公开"
    return f"{village_name}{format_chinese_date(start)}至{format_chinese_date(end)}财务收支公开"


def upper(fen: int, ctx: AppContext, village_id: str | None = None) -> str:
    """大写 of ``fen`` in the style of ``village_id``'s township (None: this office's own)."""
    return fen_to_upper(fen, small_style=get_rules(ctx, village_id).upper_small_style)


def create_finance_disclosure(
    ctx: AppContext,
    village_id: str,
    start: dt.date,
    end: dt.date,
    *,
    item_id: str | None,
    title: str | None = None,
    body: str = "",
    supersedes_id: str | None = None,
) -> str:
    """A draft 财务收支公开 for [start, end] with the table snapshot and totals. Returns its id."""
    ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    table = build_finance_table(ctx, village_id, start, end)
    with ctx.read() as s:
        v = s.get(Village, village_id)
        if v is None:
            raise NotFound(what="这个村")
        vname = v.name
    if not body:
        body = (
            f"本期收入合计{table.income_text}（{upper(table.income_fen, ctx, village_id)}），"
            f"支出合计{table.expense_text}（{upper(table.expense_fen, ctx, village_id)}）。"
            f"如有疑问，请{WHERE_TO_ASK}。"
        )
    spec = DisclosureSpec(
        village_id=village_id,
        category="finance",
        title=title or finance_period_title(vname, start, end),
        body=body,
        item_id=item_id,
        kind="finance_period",
        period_start=start,
        period_end=end,
        table=table.to_json(),
        total_income_fen=table.income_fen,
        total_expense_fen=table.expense_fen,
    )
    return create_disclosure(ctx, spec, supersedes_id=supersedes_id)


# ---------------------------------------------------------------------------------------------------------
# print data


@dataclass(frozen=True)
class FinanceNoticeData:
    """Everything the 财务公开表 needs, plain values (mirrors ``printing.documents.FinanceNotice``)."""

    disclosure_id: str
    organisation: str  # "石梁镇溪口村"
    issuer: str  # "溪口村村民委员会"
    title: str
    date: dt.date  # 成文日期 (posting date, else review date)
    period: str  # "2026年10月" / "2026年第三季度" / "2026年10月1日至2026年10月15日"
    lines: tuple[FinanceLine, ...]
    income_fen: int
    expense_fen: int
    income_lower: str  # "¥12,345.60" (C26)
    expense_lower: str
    income_upper: str  # C24
    expense_upper: str
    reviewers: tuple[str, ...]
    review_date: dt.date
    review_opinion: str
    review_line: str  # "村务监督委员会审核意见：…  审核人：张三  2026年11月3日"
    channels: tuple[str, ...]
    posted_from: dt.date | None
    posted_to: dt.date | None


def _period_label(start: dt.date | None, end: dt.date | None) -> str:
    if start is None or end is None:
        return ""
    title = finance_period_title("", start, end)
    return title.removesuffix("财务收支公开")


def finance_notice_data(ctx: AppContext, disclosure_id: str) -> FinanceNoticeData:
    """Plain data for printing a 财务公开表. C31: raises ``ReviewRequired`` unless a valid 村监会 review is
    recorded on the disclosure."""
    with ctx.read() as s:
        d = s.get(Disclosure, disclosure_id)
        if d is None or d.category != "finance":
            raise NotFound(what="这份财务公开")
        ctx.require_village(d.village_id)
        if not review_valid(d) or d.reviewed_at is None:
            raise ReviewRequired(title=d.title)
        return _notice_data(s, d)


def finance_notices_data(ctx: AppContext, disclosure_ids: Sequence[str]) -> dict[str, FinanceNoticeData]:
    """``finance_notice_data`` of each printable disclosure among ``disclosure_ids`` (a print batch's), read in
    one session with a query per table: each equals the one read alone. One that is missing, not a 财务公开,
    in a village the user may not see or without a valid review (C31) is left out — read alone, it gives the
    reason."""
    visible = ctx.visible_village_ids()
    ids = sorted(set(disclosure_ids))
    out: dict[str, FinanceNoticeData] = {}
    with ctx.read() as s:
        found: list[Disclosure] = []
        for i in range(0, len(ids), _IN):
            found += s.scalars(select(Disclosure).where(Disclosure.id.in_(ids[i : i + _IN])))
        ready = [
            d
            for d in found
            if d.category == "finance"
            and (visible is None or d.village_id in visible)
            and d.reviewed_at is not None
        ]
        # loaded into the session, so each notice's own look-ups (s.get) find them without a query
        for model, keys in (
            (Village, {d.village_id for d in ready}),
            (Person, {d.reviewed_by_person_id for d in ready if d.reviewed_by_person_id}),
            (UserAccount, {d.reviewed_by_user for d in ready if d.reviewed_by_user}),
        ):
            wanted = sorted(k for k in keys if k)
            for i in range(0, len(wanted), _IN):
                s.scalars(select(model).where(model.id.in_(wanted[i : i + _IN]))).all()
        for d in ready:
            if review_valid(d):
                out[d.id] = _notice_data(s, d)
    return out


def _notice_data(s: Session, d: Disclosure) -> FinanceNoticeData:
    """The print data of a reviewed 财务公开 ``d`` (checked by the caller) in session ``s``: headed by the
    village's own township, 大写 in that township's style (both read once per session and township)."""
    from quzhou_desktop.services.disclosures.disclosure import _reviewer_name

    v = s.get(Village, d.village_id)
    t = s.get(Township, v.township_id) if v is not None else None
    style = rules_in(s, d.village_id).upper_small_style
    reviewer = _reviewer_name(s, d) or ""
    table = FinanceTable.from_json(json.loads(d.table_json)) if d.table_json else None
    vname = v.name if v else ""
    assert d.reviewed_at is not None
    reviewed_on = (d.reviewed_at + dt.timedelta(hours=8)).date()  # UTC → Asia/Shanghai
    income, expense = d.total_income_fen or 0, d.total_expense_fen or 0
    opinion = d.review_opinion or ""
    line = f"村务监督委员会审核意见：{opinion}  审核人：{reviewer}  {format_chinese_date(reviewed_on)}"
    return FinanceNoticeData(
        disclosure_id=d.id, organisation=f"{t.name if t else ''}{vname}", issuer=f"{vname}村民委员会",
        title=d.title, date=d.posted_from or reviewed_on,
        period=_period_label(d.period_start, d.period_end),
        lines=table.lines if table else (),
        income_fen=income, expense_fen=expense,
        income_lower=format_fen(income), expense_lower=format_fen(expense),
        income_upper=fen_to_upper(income, small_style=style),
        expense_upper=fen_to_upper(expense, small_style=style),
        reviewers=(reviewer,) if reviewer else (), review_date=reviewed_on,
        review_opinion=opinion, review_line=line,
        channels=tuple(c for c in (d.channels or "").split("、") if c),
        posted_from=d.posted_from, posted_to=d.posted_to,
    )  # fmt: skip
