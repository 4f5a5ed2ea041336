"""Demo step 30: a year of 支出凭证 under 先审后签 in the first village, through the real services.

Older months are fully signed, accepted by the 代理记账中心, reviewed at the 月度工作例会 (on the 20th of the
next month) and locked; last month is reviewed but not locked; the current month has drafts, vouchers
awaiting review, one sent back for 补正, one refused (不同意) and one returned by the agency and corrected.
The second village has a few submitted vouchers waiting, entered at the township office (its committee has
no user accounts: the demo users all belong to the first village).
The clock is moved to each event's time so the trail reads like real life.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Protocol

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState, StoryClock, utc_at
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.vouchers.common import SignatureGrant, grant_signature
from quzhou_desktop.services.vouchers.flow import (
    accept_voucher,
    deliver_voucher,
    return_voucher,
    review_voucher,
    sign_voucher,
)
from quzhou_desktop.services.vouchers.month_view import month_bounds
from quzhou_desktop.services.vouchers.monthly import (
    MonthlyReviewFields,
    lock_month,
    save_monthly_review,
    sign_monthly_review,
)
from quzhou_desktop.services.vouchers.query import get_fields
from quzhou_desktop.services.vouchers.voucher import (
    VoucherFields,
    correct_voucher,
    create_voucher,
    submit_voucher,
)

# (purpose, payee, yuan range, funding source, budget line)
SPENDING = [
    ("村道路灯电费", "国网衢州供电公司", (300, 900), "村集体经营收入", "公共设施运行"),
    ("村委会办公用品", "柯城区文具店", (120, 600), "村集体经营收入", "办公经费"),
    ("保洁员工资", "村保洁员", (1500, 1800), "上级补助", "环境卫生"),
    ("垃圾清运费", "衢州市环卫服务有限公司", (800, 1600), "上级补助", "环境卫生"),
    ("水渠清淤人工费", "第三村民小组", (1800, 3200), "村集体经营收入", "农田水利"),
    ("文化礼堂活动物资", "衢州市百货公司", (500, 2600), "上级补助", "文化活动"),
    ("村道修补水泥沙石", "柯城区建材经营部", (2400, 4800), "村集体经营收入", "道路维护"),
    ("老年食堂食材", "村农贸市场", (900, 2200), "社会捐赠", "养老服务"),
    ("村道硬化工程进度款", "衢州市通达路桥工程有限公司", (12000, 38000), "一事一议财政奖补", "村道硬化工程"),
    ("防汛物资采购", "柯城区五金店", (600, 1900), "上级补助", "防汛防灾"),
]
TARGETS = ["draft", "submitted", "reviewed", "director_signed", "secretary_signed", "delivered", "accepted"]
NEEDS_DAYS = {
    "submitted": 1,
    "reviewed": 3,
    "director_signed": 4,
    "secretary_signed": 5,
    "delivered": 6,
    "accepted": 8,
}
JOINT_REF = "村务联席会议决定（{y}年3月12日，村道硬化工程）"


@dataclass
class _Actors:
    clerk: AppContext
    chair: AppContext
    member: AppContext
    director: AppContext
    secretary: AppContext
    admin: AppContext


def build(state: DemoState) -> None:
    real = state.ctx.clock
    clock = StoryClock(utc_at(state.today, 9))
    state.ctx.clock = clock
    try:
        _build(state, clock)
    finally:
        state.ctx.clock = real


def _build(state: DemoState, clock: StoryClock) -> None:
    a = _Actors(*(state.login(u) for u in ("wenshu", "jianwei_zr", "jianwei", "zhuren", "shuji", "admin")))
    # Each signer types the password once for the whole demo (a batch grant, as at the 月度例会).
    signers = (a.chair, a.member, a.director, a.secretary, a.admin)
    grants = {id(c): grant_signature(c, DEMO_PASSWORD) for c in signers}
    state.extra["_voucher_grants"] = grants
    v1 = state.village_ids[0]
    rng, today = state.rng, state.today
    first = date(today.year - 1, today.month, 1)
    months = []
    y, m = first.year, first.month
    while (y, m) <= (today.year, today.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    numbers: dict[int, int] = {}
    ids: dict[str, list[str]] = {"all": []}

    def new_voucher(on: date, pick: int, *, handler: str = "") -> str:
        purpose, payee, (lo, hi), fund, budget = SPENDING[pick]
        yuan = rng.randint(lo, hi)
        fen = yuan * 100 + (rng.choice([0, 0, 50, 80]) if yuan < 3000 else 0)
        numbers[on.year] = numbers.get(on.year, 0) + 1
        clock.at = utc_at(on, 9)
        vid, _ = create_voucher(
            a.clerk,
            v1,
            VoucherFields(
                number=f"{on.year}-{numbers[on.year]:03d}",
                voucher_date=on,
                handler_name=handler or str(state.people[v1]["clerk_name"]),
                witness_name="村务监督委员会" if fen >= 200_000 else None,
                payee=payee,
                purpose=purpose,
                amount_fen=fen,
                funding_source=fund,
                budget_line=budget,
                invoice_count=rng.randint(1, 4),
                decision_ref=JOINT_REF.format(y=on.year) if fen >= 500_000 else None,
            ),
        )
        ids["all"].append(vid)
        return vid

    def step(on: date, hour: int) -> None:
        clock.at = max(clock.at + timedelta(minutes=7), utc_at(on, hour))

    def review(vid: str, on: date, *, chair_first: bool = True) -> None:
        for who in (a.chair, a.member) if chair_first else (a.member, a.chair):
            step(on, 10)
            review_voucher(who, vid, "agree", "票据真实，用途清楚" if who is a.chair else "", _pw(state, who))

    def run(vid: str, on: date, target: str) -> None:
        """Take a draft dated ``on`` to ``target`` with realistic gaps between the steps."""
        days = [on + timedelta(days=k) for k in (1, 3, 4, 5, 6, 8)]
        if target == "draft":
            return
        step(days[0], 16)
        submit_voucher(a.clerk, vid)
        if target == "submitted":
            return
        review(vid, days[1])
        if target == "reviewed":
            return
        step(days[2], 9)
        sign_voucher(a.director, vid, _pw(state, a.director))
        if target == "director_signed":
            return
        step(days[3], 11)
        sign_voucher(a.secretary, vid, _pw(state, a.secretary))
        if target == "secretary_signed":
            return
        step(days[4], 15)
        deliver_voucher(a.clerk, vid)
        if target == "delivered":
            return
        step(days[5], 10)
        accept_voucher(a.admin, vid, _pw(state, a.admin))

    cur = (today.year, today.month)
    last = months[-2]
    for y, m in months:
        start, end = month_bounds(y, m)
        last_day = min(end - timedelta(days=1), today - timedelta(days=1))
        if last_day < start:
            continue
        n = rng.randint(3, 5)
        dates = sorted(start + timedelta(days=rng.randint(0, (last_day - start).days)) for _ in range(n))
        for k, on in enumerate(dates):
            pick = rng.randrange(len(SPENDING) - 1) if (y + m + k) % 9 else len(SPENDING) - 1
            vid = new_voucher(on, pick)
            if (y, m) == cur:
                target = ["draft", "submitted", "reviewed", "director_signed", "submitted"][k % 5]
            elif (y, m) == last:
                target = ["accepted", "delivered", "secretary_signed", "reviewed", "accepted"][k % 5]
            else:
                target = "accepted"
            while target != "draft" and on + timedelta(days=NEEDS_DAYS[target]) > today - timedelta(days=1):
                target = TARGETS[TARGETS.index(target) - 1]
            _safely(partial(run, vid, on, target))
        if (y, m) == months[2]:
            _correction_story(state, a, clock, new_voucher, run, start)
        if (y, m) not in (cur, last) or (today.day >= 20 and (y, m) == last):
            _month_meeting(state, a, clock, v1, y, m, lock=(y, m) != last)
    _current_month_objections(state, a, clock, new_voucher, run)
    _second_village(state, a, clock)
    state.extra["voucher_ids"] = ids["all"]


class NewVoucher(Protocol):
    """Makes a draft voucher dated ``on`` from ``SPENDING[pick]``; returns its id."""

    def __call__(self, on: date, pick: int, *, handler: str = "") -> str: ...


RunTo = Callable[[str, date, str], None]
"""Takes a draft dated ``on`` through the 先审后签 steps to a target state."""


def _pw(state: DemoState, who: AppContext) -> SignatureGrant:
    grants: dict[int, SignatureGrant] = state.extra["_voucher_grants"]
    return grants[id(who)]


def _safely(fn: Callable[[], object]) -> None:
    """Demo steps must never stop the build over a date edge case (e.g. C17 equal times); skip the voucher."""
    try:
        fn()
    except QuzhouError:
        pass


def _correction_story(
    state: DemoState, a: _Actors, clock: StoryClock, new_voucher: NewVoucher, run: RunTo, start: date
) -> None:
    """A voucher sent back for 补正 and corrected, and one returned by the agency and corrected."""
    on = start + timedelta(days=14)
    vid = new_voucher(on, 4)
    clock.at = utc_at(on + timedelta(days=1), 16)
    submit_voucher(a.clerk, vid)
    clock.at = utc_at(on + timedelta(days=3), 10)
    review_voucher(a.chair, vid, "correct", "缺少用工人员签领表，请补齐后再送审", _pw(state, a.chair))
    clock.at = utc_at(on + timedelta(days=4), 9)
    f = get_fields(a.clerk, vid)
    new_id, _ = correct_voucher(
        a.clerk,
        vid,
        VoucherFields(**{**f.__dict__, "invoice_count": f.invoice_count + 1, "note": "已补用工签领表"}),
    )
    run(new_id, on + timedelta(days=3), "accepted")
    on2 = start + timedelta(days=16)
    vid2 = new_voucher(on2, 6)
    run(vid2, on2, "delivered")
    clock.at = max(clock.at, utc_at(on2 + timedelta(days=9), 10))
    return_voucher(a.admin, vid2, "发票抬头与村名不符，请换开发票", _pw(state, a.admin))
    clock.at = utc_at(on2 + timedelta(days=10), 9)
    f2 = get_fields(a.clerk, vid2)
    new2, _ = correct_voucher(a.clerk, vid2, VoucherFields(**{**f2.__dict__, "note": "已换开发票"}))
    run(new2, on2 + timedelta(days=10), "accepted")


def _current_month_objections(
    state: DemoState, a: _Actors, clock: StoryClock, new_voucher: NewVoucher, run: RunTo
) -> None:
    """This month: one voucher awaiting 补正 and one refused by the committee (招待费)."""
    today = state.today
    on = max(date(today.year, today.month, 1), today - timedelta(days=12))
    vid = new_voucher(on, 5)
    clock.at = utc_at(on, 15)
    submit_voucher(a.clerk, vid)
    clock.at = max(clock.at + timedelta(hours=1), utc_at(on + timedelta(days=1), 10))
    review_voucher(a.member, vid, "correct", "发票只有复印件，请提供原件", _pw(state, a.member))
    vid2 = new_voucher(on, 7, handler="村委会")
    v = get_fields(a.clerk, vid2)
    clock.at = max(clock.at + timedelta(hours=1), utc_at(on, 16))
    from quzhou_desktop.services.vouchers.voucher import update_voucher, void_voucher

    update_voucher(
        a.clerk,
        vid2,
        VoucherFields(**{**v.__dict__, "purpose": "接待上级检查工作餐费", "payee": "溪口农家乐"}),
    )
    submit_voucher(a.clerk, vid2)
    clock.at = clock.at + timedelta(hours=20)
    review_voucher(
        a.chair, vid2, "disagree", "属于超标准招待，不符合村级财务管理规定，不予同意", _pw(state, a.chair)
    )
    clock.at = clock.at + timedelta(hours=1)
    review_voucher(a.member, vid2, "disagree", "同意主任意见，招待费不得由村集体列支", _pw(state, a.member))
    # one entered twice by mistake and voided, one returned by the agency and not yet corrected
    vid3 = new_voucher(on, 1)
    clock.at = clock.at + timedelta(minutes=30)
    void_voucher(a.clerk, vid3, "与前一张凭证重复录入")
    on4 = today - timedelta(days=20)
    vid4 = new_voucher(on4, 9)
    run(vid4, on4, "delivered")
    clock.at = max(clock.at + timedelta(hours=2), utc_at(today - timedelta(days=2), 10))
    return_voucher(a.admin, vid4, "缺少采购清单，请补充后重新报送", _pw(state, a.admin))


def _month_meeting(
    state: DemoState, a: _Actors, clock: StoryClock, v1: str, y: int, m: int, *, lock: bool
) -> None:
    meeting = date(y + (m == 12), m % 12 + 1, 20)
    if meeting > state.today:
        return
    sup = list(state.people[v1]["supervisory"])
    clock.at = max(clock.at, utc_at(meeting, 14))
    try:
        save_monthly_review(
            a.chair,
            v1,
            y,
            m,
            MonthlyReviewFields(
                meeting_date=meeting,
                attendee_ids=tuple(sup),
                place="村委会会议室",
                overall_opinion="经逐笔审核，本月支出票据真实、手续齐全、用途清楚，同意入账。",
                open_items="",
            ),
        )
        sign_monthly_review(a.chair, v1, y, m, _pw(state, a.chair))
        if lock:
            lock_month(a.chair, v1, y, m, _pw(state, a.chair))
    except QuzhouError:
        pass  # a month with a voucher still open stays unlocked: it shows on the 工作台


def _second_village(state: DemoState, a: _Actors, clock: StoryClock) -> None:
    if len(state.village_ids) < 2:
        return
    v2 = state.village_ids[1]
    today = state.today
    for k, (days_ago, pick) in enumerate([(25, 0), (18, 3), (4, 1)]):
        on = today - timedelta(days=days_ago)
        purpose, payee, (lo, _hi), fund, budget = SPENDING[pick]
        clock.at = utc_at(on, 9)
        vid, _ = create_voucher(  # entered at the township office: the demo clerk works for 溪口村 only
            a.admin,
            v2,
            VoucherFields(
                number=f"{on.year}-{k + 1:03d}",
                voucher_date=on,
                handler_name=str(state.people[v2]["clerk_name"]),
                payee=payee,
                purpose=purpose,
                amount_fen=lo * 100,
                funding_source=fund,
                budget_line=budget,
                invoice_count=1,
            ),
        )
        clock.at = utc_at(on, 16)
        submit_voucher(a.admin, vid)
