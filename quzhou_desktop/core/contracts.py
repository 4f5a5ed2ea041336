"""Collective contracts and the assets and resources they cover: kinds, the decision a disposal needs (C33) and
the payment schedule (C34).

``check_decision`` says whether a contract has the 决议 that 村民委员会组织法 第二十四条 requires before collective
property is let, contracted out or otherwise disposed of; ``line_status`` says of one schedule line whether it is
paid, not yet due, due (inside the township's grace period) or overdue; ``check_payments`` refuses payments beyond
the contract amount; ``even_schedule`` splits an amount over a term (yearly rent, quarterly instalments …).
Findings carry the rule id and a Chinese sentence with dates and amounts.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from quzhou_desktop.core.dates import format_chinese_date
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.money import Finding, format_fen
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "PERIODS",
    "AssetKind",
    "AssetStatus",
    "ContractKind",
    "Decision",
    "Direction",
    "LineState",
    "LineStatus",
    "check_decision",
    "check_payments",
    "check_schedule",
    "even_schedule",
    "line_status",
]


class ContractKind(Enum):
    """What a contract does with collective property or money. 发包/承包 and 租赁 dispose of collective property
    (C33); 工程, 采购 and 服务 spend collective money (their vouchers follow C16)."""

    CONTRACTING = "contracting"
    LEASE = "lease"
    WORKS = "works"
    PURCHASE = "purchase"
    SERVICE = "service"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def disposes_property(self) -> bool:
        """C33: lets, contracts out or otherwise disposes of collective assets or resources."""
        return self in (ContractKind.CONTRACTING, ContractKind.LEASE)

    @property
    def direction(self) -> Direction:
        """The usual direction of its payments: rent and contract fees are received, works are paid for."""
        return Direction.RECEIVABLE if self.disposes_property else Direction.PAYABLE


_KIND_LABELS = {
    ContractKind.CONTRACTING: "发包/承包",
    ContractKind.LEASE: "租赁",
    ContractKind.WORKS: "工程",
    ContractKind.PURCHASE: "采购",
    ContractKind.SERVICE: "服务",
}


class Direction(Enum):
    RECEIVABLE = "receivable"
    PAYABLE = "payable"

    @property
    def label(self) -> str:
        return "应收" if self is Direction.RECEIVABLE else "应付"

    @property
    def verb(self) -> str:
        return "收" if self is Direction.RECEIVABLE else "付"


class AssetKind(Enum):
    """Collective assets (buildings, equipment) and resources (land, water, forests: 财务公开规定's 各类资源)."""

    BUILDING = "building"
    LAND = "land"
    WATER = "water"
    FOREST = "forest"
    EQUIPMENT = "equipment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ASSET_LABELS[self]

    @property
    def is_resource(self) -> bool:
        return self in (AssetKind.LAND, AssetKind.WATER, AssetKind.FOREST)

    @property
    def unit(self) -> str:
        """The area unit a clerk uses for it: 亩 for land, water and forest, 平方米 for buildings."""
        return "亩" if self.is_resource else "平方米"


_ASSET_LABELS = {
    AssetKind.BUILDING: "房屋建筑物",
    AssetKind.LAND: "土地",
    AssetKind.WATER: "水面",
    AssetKind.FOREST: "林地林木",
    AssetKind.EQUIPMENT: "机器设备",
    AssetKind.OTHER: "其他",
}


class AssetStatus(Enum):
    SELF_USE = "self_use"
    LEASED = "leased"
    CONTRACTED = "contracted"
    IDLE = "idle"

    @property
    def label(self) -> str:
        return {"self_use": "自用", "leased": "出租", "contracted": "承包", "idle": "闲置"}[self.value]

    @property
    def needs_contract(self) -> bool:
        """出租 and 承包 are let to somebody: a contract should say to whom and for how much."""
        return self in (AssetStatus.LEASED, AssetStatus.CONTRACTED)


# ---------------------------------------------------------------------------------------------------------
# C33 the decision


@dataclass(frozen=True)
class Decision:
    """The 决议 a contract refers to: a recorded 五议两公开 step (``body``, ``passed``, ``on``) or only a written
    reference to a decision kept on paper (``written``)."""

    body: Body | None = None
    passed: bool | None = None
    on: date | None = None
    title: str = ""
    written: str = ""


_DECIDING = (Body.VILLAGERS, Body.REPRESENTATIVES)


def check_decision(kind: ContractKind, decision: Decision | None, *, signed_on: date | None) -> list[Finding]:
    """C33: a 发包/承包 or 租赁 contract needs a passed 决议 of the 村民会议 or the 村民代表会议, taken before the
    contract was signed. Other kinds need none (their spending follows C16 on the vouchers)."""
    if not kind.disposes_property:
        return []
    what = f"{kind.label}合同处分村集体资产资源"
    if decision is None or (decision.body is None and not decision.written.strip()):
        return [
            Finding(
                "error", "C33", f"{what}，须有村民会议或村民代表会议的决议，本合同没有关联决议", "missing"
            )
        ]
    if decision.body is None:
        return []  # a decision on paper, named by the clerk: accepted as written (like C16's references)
    title = f"“{decision.title}”" if decision.title else "所关联的决议"
    if decision.body not in _DECIDING:
        return [
            Finding(
                "error",
                "C33",
                f"{title}由{decision.body.label}作出，{what}须由村民会议或村民代表会议决议",
                "body",
            )
        ]
    if decision.passed is not True:
        return [Finding("error", "C33", f"{title}未获通过，不能作为{what}的依据", "not_passed")]
    if decision.on is not None and signed_on is not None and signed_on < decision.on:
        return [
            Finding(
                "error",
                "C33",
                f"合同签订日期{format_chinese_date(signed_on)}早于决议日期{format_chinese_date(decision.on)}，"
                "处分集体财产须先决议后签订",
                "after_signing",
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------------------
# C34 the schedule


class LineState(Enum):
    PAID = "paid"
    NOT_DUE = "not_due"
    DUE = "due"
    OVERDUE = "overdue"

    def label(self, direction: Direction) -> str:
        v = direction.verb
        return {"paid": f"已{v}清", "not_due": "未到期", "due": f"到期待{v}", "overdue": "逾期"}[self.value]


@dataclass(frozen=True)
class LineStatus:
    state: LineState
    outstanding_fen: int
    overdue_from: date  # first day the line counts as overdue
    days_overdue: int  # OVERDUE: days since ``overdue_from`` (the first day counts as 1); else 0
    explanation: str


def line_status(
    due_on: date,
    amount_fen: int,
    paid_fen: int,
    today: date,
    rules: TownshipRules,
    *,
    direction: Direction = Direction.RECEIVABLE,
) -> LineStatus:
    """C34: paid when what was received (paid) covers the line; otherwise not due before ``due_on``, due from
    ``due_on`` to the end of the grace period, overdue after it. Rent ¥12,000 due 03-31 with ¥8,000 received and
    no grace → ¥4,000 overdue from 04-01."""
    outstanding = max(0, amount_fen - paid_fen)
    overdue_from = due_on + timedelta(days=rules.contract_grace_days + 1)
    v = direction.verb
    head = f"{format_chinese_date(due_on)}应{v}{format_fen(amount_fen)}"
    got = f"，已{v}{format_fen(paid_fen)}" if paid_fen else ""
    if outstanding == 0:
        return LineStatus(LineState.PAID, 0, overdue_from, 0, f"{head}{got}，已{v}清")
    if today < due_on:
        return LineStatus(LineState.NOT_DUE, outstanding, overdue_from, 0, f"{head}{got}，未到期")
    if today < overdue_from:
        grace = (
            f"（宽限至{format_chinese_date(overdue_from - timedelta(days=1))}）"
            if rules.contract_grace_days
            else ""
        )
        text = f"{head}{got}，尚欠{format_fen(outstanding)}，已到期{grace}"
        return LineStatus(LineState.DUE, outstanding, overdue_from, 0, text)
    days = (today - overdue_from).days + 1
    text = f"{head}{got}，{format_fen(outstanding)}自{format_chinese_date(overdue_from)}起逾期（{days}天）"
    return LineStatus(LineState.OVERDUE, outstanding, overdue_from, days, text)


def check_payments(contract_amount_fen: int, paid_fen: int, new_fen: int) -> list[Finding]:
    """C34: what has been paid (or received) under a contract, with the new payment, may not exceed its amount."""
    if new_fen <= 0:
        return [Finding("error", "C34", "收付款金额须大于零", "not_positive")]
    total = paid_fen + new_fen
    if total > contract_amount_fen:
        return [
            Finding(
                "error",
                "C34",
                f"本次{format_fen(new_fen)}加上已收付的{format_fen(paid_fen)}共{format_fen(total)}，"
                f"超过合同金额{format_fen(contract_amount_fen)}",
                "beyond_contract",
            )
        ]
    return []


def check_schedule(
    contract_amount_fen: int, lines: Sequence[tuple[date, int]], start: date | None, end: date | None
) -> list[Finding]:
    """C34: the schedule may not promise more than the contract amount (error); less than the amount, or a line
    dated outside the term, is shown as a reminder."""
    out: list[Finding] = []
    total = sum(a for _, a in lines)
    if any(a <= 0 for _, a in lines):
        out.append(Finding("error", "C34", "收付款计划每期金额须大于零", "line_not_positive"))
    if total > contract_amount_fen:
        out.append(
            Finding(
                "error",
                "C34",
                f"收付款计划合计{format_fen(total)}超过合同金额{format_fen(contract_amount_fen)}",
                "schedule_beyond",
            )
        )
    elif lines and total < contract_amount_fen:
        out.append(
            Finding(
                "warning",
                "C34",
                f"收付款计划合计{format_fen(total)}少于合同金额{format_fen(contract_amount_fen)}，"
                f"差{format_fen(contract_amount_fen - total)}",
                "schedule_short",
            )
        )
    outside = [d for d, _ in lines if (start and d < start) or (end and d > end)]
    if outside:
        out.append(
            Finding(
                "warning",
                "C34",
                f"收付款日期{format_chinese_date(outside[0])}不在合同期限内，请核对",
                "outside_term",
            )
        )
    return out


PERIODS: dict[str, tuple[str, int]] = {
    "once": ("一次性", 0),
    "year": ("每年", 12),
    "half": ("每半年", 6),
    "quarter": ("每季度", 3),
    "month": ("每月", 1),
}
"""Payment periods a schedule is generated by: key → (Chinese label, months; 0 = once)."""


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def even_schedule(start: date, end: date, amount_fen: int, period: str) -> list[tuple[date, int]]:
    """The term [start, end] split into periods, each due on its first day (rent is paid in advance), the amount
    shared evenly with the odd 分 on the last line. ``once``: one line due on ``start``."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    if end < start or amount_fen <= 0:
        return []
    months = PERIODS[period][1]
    dues = [start]
    if months:
        n = 1
        while (nxt := _add_months(start, months * n)) <= end:
            dues.append(nxt)
            n += 1
    share, rest = divmod(amount_fen, len(dues))
    return [(d, share + (rest if i == len(dues) - 1 else 0)) for i, d in enumerate(dues)]
