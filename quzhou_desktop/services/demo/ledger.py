"""Demo step 35: the 收支明细账 of every village since the demo's first disclosure period, as the township's
代理记账中心 keeps it: income (rents, transfers, contract fees) and spending.  In the demo village the spending
lines are its accepted vouchers under their numbers (so a 财务公开 counts each once); elsewhere, and before the
vouchers begin, typical spending.  The ledger register, its export and the 财务公开 built from it show these."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from quzhou_desktop.core.dates import month_of, quarter_of
from quzhou_desktop.services.demo.state import DemoState
from quzhou_desktop.store.models import LedgerLine, Voucher

# (summary, subject, counterparty, typical yuan)
INCOME = [
    ("收到原粮站仓库租金", "发包及上交收入", "衢州市绿源农业发展有限公司", 12000),
    ("收到上级村级组织运转经费", "补助收入", "石梁镇财政所", 25000),
    ("收到集体厂房租金", "经营收入", "衢州市柯城区华达机械厂", 9600),
    ("收到农家乐管理费", "经营收入", "溪口农家乐", 1200),
    ("收到山林承包费", "发包及上交收入", "徐国平", 15600),
    ("收到存款利息", "其他收入", "衢州农商银行", 86),
]
SPENDING = [
    ("支付村道保洁费", "公益支出", "村保洁员", 3200),
    ("支付村委会办公用电费", "管理费用", "国网衢州供电公司", 486),
    ("支付村干部误工补贴", "管理费用", "村干部", 12600),
    ("支付路灯维修材料费", "公益支出", "柯城区五金店", 875),
    ("支付文化礼堂活动经费", "公益支出", "衢州市百货公司", 1500),
    ("支付办公用品费", "管理费用", "柯城区文具店", 235),
    ("支付银行手续费", "其他支出", "衢州农商银行", 12),
]


def first_month(today: date) -> date:
    """The first month the demo's disclosures cover: a quarter before the quarter two years back."""
    since = quarter_of(date(today.year - 2, today.month, 1)).start
    return quarter_of(since - timedelta(days=1)).start


def build(state: DemoState) -> None:
    today = state.today
    start = first_month(today)
    with state.ctx.read() as s:
        vouchers = s.execute(
            select(Voucher.voucher_date, Voucher.number, Voucher.purpose, Voucher.budget_line, Voucher.payee,
                   Voucher.amount_fen)
            .where(Voucher.village_id == state.village_ids[0], Voucher.status == "accepted")
            .order_by(Voucher.voucher_date, Voucher.number)
        ).all()  # fmt: skip
    booked = {month_of(v[0]).start for v in vouchers}
    rows: list[LedgerLine] = []
    for idx, vid in enumerate(state.village_ids):
        m = month_of(start)
        while m.start <= today:
            last = min(m.end, today - timedelta(days=1))
            if last >= m.start:
                rows += _month(state, vid, m.start, last, with_spending=idx != 0 or m.start not in booked)
            m = m.next()
    rows += [
        LedgerLine(village_id=state.village_ids[0], entry_date=on, voucher_no=no, summary=purpose,
                   subject=budget or "管理费用", counterparty=payee, expense_fen=fen)
        for on, no, purpose, budget, payee, fen in vouchers
    ]  # fmt: skip
    with state.ctx.write("demo.ledger") as s:
        s.add_all(rows)


def _month(state: DemoState, vid: str, first: date, last: date, *, with_spending: bool) -> list[LedgerLine]:
    rng = state.rng
    days = (last - first).days

    def day() -> date:
        return first + timedelta(days=rng.randint(0, days))

    out = []
    for summary, subject, who, yuan in rng.sample(INCOME, 2):
        fen = (yuan + rng.randint(0, yuan // 10)) * 100 if yuan > 100 else yuan * 100 + rng.randint(0, 99)
        out.append(LedgerLine(village_id=vid, entry_date=day(), summary=summary, subject=subject,
                              counterparty=who, income_fen=fen))  # fmt: skip
    if with_spending:
        for summary, subject, who, yuan in rng.sample(SPENDING, 3):
            fen = yuan * 100 + rng.randint(0, yuan) * 10
            out.append(LedgerLine(village_id=vid, entry_date=day(), summary=summary, subject=subject,
                                  counterparty=who, expense_fen=fen))  # fmt: skip
    return out
