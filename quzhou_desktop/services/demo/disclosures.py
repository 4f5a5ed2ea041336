"""Demo step 40: two years of 三务公开 for every village.

Most villages post on time; 东坑村 falls behind in the last two periods and 石门村 posts late and has missed a
quarter; 财务公开 are reviewed by each village's 村监会主任 (C31) before posting; some villagers' objections are
still open (one past the C23 deadline) and one was answered late; one posted disclosure was corrected.  The
决议公开 / 实施结果公开 of the demo matters are created from the register and linked to it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.dates import Period, month_of, quarter_of
from quzhou_desktop.core.disclosures import period_deadline
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.demo.state import DEMO_PASSWORD, DemoState
from quzhou_desktop.services.demo.texts import TOPICS, content, quarter_label
from quzhou_desktop.services.disclosures.catalogue import ItemInfo, ensure_default_catalogue, list_items
from quzhou_desktop.services.disclosures.disclosure import (
    WHERE_TO_ASK,
    due_date_for,
    mark_posted,
    sign_review,
)
from quzhou_desktop.services.disclosures.finance import (
    FinanceLine,
    FinanceTable,
    finance_period_title,
    period_lines,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.settings import get_rules
from quzhou_desktop.services.kernel.signatures import Signer, office_of
from quzhou_desktop.services.kernel.users import create_user
from quzhou_desktop.store.models import (
    Disclosure,
    DisclosureFeedback,
    MatterStep,
    Person,
    UserAccount,
    Village,
)

BEHIND = {2: 2, 4: 1}  # village index → number of latest periods not posted
LATE_DAYS = {4: (3, 12)}  # village index → range of days late for its postings
FEEDBACK = [
    ("objection", "意见箱", "第三项支出金额偏大，请说明明细。", "该笔为工程进度款，已附合同及验收单，欢迎查阅。"),
    ("question", "当面", "低保名单中的两户是否符合条件？", "经村民代表会议评议，两户均符合条件，已报镇民政办审核。"),
    ("question", "电话", "党费收缴标准是怎么定的？", "按党员月收入比例缴纳，标准已在公开栏附表列明。"),
]  # fmt: skip


def build(state: DemoState) -> None:
    admin = state.login("admin")
    ensure_default_catalogue(admin)
    reviewers = _reviewers(state)
    today = state.today
    since = quarter_of(date(today.year - 2, today.month, 1)).start
    signers = {name: _signer(state, name) for name in {*reviewers.values(), "wenshu", "admin"}}
    wenshu = signers["wenshu"].user
    for idx, vid in enumerate(state.village_ids):
        poster = signers["wenshu" if vid in wenshu.village_ids else "admin"]
        _village(state, admin, idx, vid, since, signers[reviewers[vid]], poster)
    _from_matters(state, admin)


def _signer(state: DemoState, username: str) -> Signer:
    ctx, grant = state.signing(username)
    return grant.signer(ctx)


def _reviewers(state: DemoState) -> dict[str, str]:
    """Village id → user name of its 村监会主任; villages beyond the first get an account here."""
    out: dict[str, str] = {}
    admin, grant = state.signing("admin")
    for idx, vid in enumerate(state.village_ids):
        pid = str(state.people[vid]["supervisory_chair"])
        with state.ctx.read() as s:
            acc = s.scalars(select(UserAccount).where(UserAccount.person_id == pid)).first()
            username = acc.username if acc is not None else None
            p = s.get(Person, pid)
            assert p is not None
            name = p.name
        if username is None:
            username = f"jianwei_zr{idx + 1}"
            info = create_user(admin, username=username, display_name=name, role=Role.SUPERVISOR_CHAIR,
                               password=DEMO_PASSWORD, village_ids=[vid], person_id=pid, credential=grant,
                               must_change=False)  # fmt: skip
            state.users[username] = info.id
        out[vid] = username
    return out


def _periods(since: date, today: date, *, monthly: bool) -> list[Period]:
    p = month_of(since) if monthly else quarter_of(since)
    out = []
    while p.start <= today:
        out.append(p)
        p = p.next()
    return out


def _posting_day(state: DemoState, idx: int, deadline: date) -> date:
    lo, hi = LATE_DAYS.get(idx, (0, 0))
    if hi:
        return deadline + timedelta(days=state.rng.randint(lo, hi))
    return deadline - timedelta(days=state.rng.randint(1, 12))


def _village(
    state: DemoState, admin: AppContext, idx: int, vid: str, since: date, reviewer: Signer, poster: Signer
) -> None:
    today = state.today
    rules = get_rules(admin)
    items = [i for i in list_items(admin, vid) if i.cadence in ("quarterly", "monthly", "fixed")]
    author = state.users["wenshu"] if idx == 0 else state.users["admin"]
    ledger = _prefetch_lines(admin, vid, since, today)
    party_item = next((i for i in list_items(admin, vid) if i.name.startswith("发展党员")), None)
    with state.ctx.write("demo.disclosures") as s:
        v = s.get(Village, vid)
        assert v is not None
        busy = v.finance_busy
        posted_rows: list[Disclosure] = []
        pending: list[tuple[ItemInfo, Period]] = []
        for item in items:
            monthly = item.category == "finance" and busy and rules.finance_monthly_if_busy
            if item.cadence == "fixed":
                periods = [Period(y, 1, 12) for y in range(since.year + 1, today.year + 1)]
            else:
                periods = _periods(since, today, monthly=monthly)
            skip = BEHIND.get(idx, 0)
            for n, p in enumerate(periods):
                deadline = period_deadline(p, rules)
                if idx == 0 and deadline > today and item.cadence != "fixed" and n == len(periods) - 1:
                    pending.append((item, p))  # the demo village prepares this period's posting now
                    continue
                if deadline > today or (item.cadence != "fixed" and n >= len(periods) - skip):
                    continue  # not yet due, or this village is behind
                if idx == 4 and item.category == "finance" and n == len(periods) - 3:
                    continue  # 石门村 missed one quarter altogether
                posted = min(_posting_day(state, idx, deadline), today)
                covered = _covered(p, item)
                d = _disclosure(state, s, v, item, covered, posted, author, busy, rules, ledger)
                now = state.ctx.clock.now()
                if item.category == "finance":
                    at = datetime.combine(posted - timedelta(days=2), time(1, 30))
                    sign_review(s, d, reviewer, office_of(s, reviewer.user, vid, title="村监会主任"),
                                person_id=reviewer.user.person_id, at=at,
                                opinion="经审核，以上收支真实、完整，同意公开。", signed_at=now)  # fmt: skip
                assert d.posted_from is not None
                mark_posted(s, d, poster, office_of(s, poster.user, vid), channels=d.channels or "公开栏",
                            posted_from=d.posted_from, posted_to=d.posted_to, signed_at=now)  # fmt: skip
                posted_rows.append(d)
        for item, p in pending:  # ready to print: the 财务公开 reviewed, the others drafted
            d = _disclosure(state, s, v, item, _covered(p, item), today, author, busy, rules, ledger)
            d.posted_from = d.posted_to = None
            if item.category == "finance":
                at = datetime.combine(today - timedelta(days=1), time(1, 30))
                sign_review(s, d, reviewer, office_of(s, reviewer.user, vid, title="村监会主任"),
                            person_id=reviewer.user.person_id, at=at,
                            opinion="经审核，以上收支真实、完整，同意公开。", signed_at=state.ctx.clock.now())  # fmt: skip
        if idx == 0:
            _party_candidate(state, s, v, author, party_item)
        s.flush()
        _feedback(state, s, idx, posted_rows)
        if idx == 0 and posted_rows:
            _correction(state, s, posted_rows, author, poster)


def _party_candidate(state: DemoState, s: Session, v: Village, author: str, item: ItemInfo | None) -> None:
    """A 党务 即时公开 drafted today: the 公示 of a prospective party member (due to print at once)."""
    people = state.people[v.id]
    reps = [r for pid in people["reps"] if (r := s.get(Person, str(pid))) is not None]
    p = max(reps, key=lambda r: (r.id_number or "")[6:14])  # the youngest representative
    today = state.today
    born = p.id_number[6:10] + "年" + str(int(p.id_number[10:12])) + "月" if p.id_number else ""
    s.add(
        Disclosure(
            village_id=v.id, category="party", item_id=item.id if item else None, kind="general",
            period_start=today, period_end=today, title=f"关于拟发展{p.name}同志为中共预备党员的公示",
            body=f"经党员推荐、支部委员会研究并报镇党委预审，拟发展{p.name}同志为中共预备党员，现予公示。"
            "公示期7天，党员和群众如有意见，可向村党支部书记或镇党委组织办反映。",
            table_json=json.dumps({"columns": ["姓名", "性别", "出生年月", "所在村民小组", "递交入党申请书时间"],
                                   "rows": [[p.name, p.gender or "", born, p.group_name or "",
                                             f"{today.year - 2}年3月"]]}, ensure_ascii=False),
            status="draft", created_by=author,
        )
    )  # fmt: skip


def _prefetch_lines(
    admin: AppContext, vid: str, since: date, today: date
) -> dict[tuple[date, date], tuple[FinanceLine, ...]]:
    """Real lines (reviewed vouchers, ledger) of every month and quarter in the window, read before the
    demo's write transaction opens."""
    out = {}
    for monthly in (True, False):
        for p in _periods(since - timedelta(days=92), today, monthly=monthly):
            out[(p.start, p.end)] = tuple(period_lines(admin, vid, p.start, p.end))
    return out


def _covered(p: Period, item: ItemInfo) -> tuple[date, date]:
    """The disclosure posted in period ``p`` covers the period before it."""
    if p.months == 12:
        return date(p.year, 1, 1), date(p.year, 12, 31)
    prev_start = p.start - timedelta(days=1)
    q = month_of(prev_start) if p.months == 1 else quarter_of(prev_start)
    return q.start, q.end


def _disclosure(
    state: DemoState,
    s: Session,
    v: Village,
    item: ItemInfo,
    covered: tuple[date, date],
    posted: date,
    author: str,
    busy: bool,
    rules: TownshipRules,
    ledger: dict[tuple[date, date], tuple[FinanceLine, ...]],
) -> Disclosure:
    start, end = covered
    d = Disclosure(village_id=v.id, category=item.category, item_id=item.id, period_start=start, period_end=end,
                   channels="公开栏、网络" if state.rng.random() < 0.4 else "公开栏", created_by=author)  # fmt: skip
    if item.category == "finance":
        lines = ledger.get((start, end), ())
        table = FinanceTable(
            start, end, lines, sum(x.income_fen for x in lines), sum(x.expense_fen for x in lines)
        )
        d.kind = "finance_period"
        d.title = finance_period_title(v.name, start, end)
        d.body = f"本期收支明细见下表，如有疑问请{WHERE_TO_ASK}。"
        d.table_json = json.dumps(table.to_json(), ensure_ascii=False, sort_keys=True)
        d.total_income_fen, d.total_expense_fen = table.income_fen, table.expense_fen
    else:
        d.kind = "general"
        label = f"{start.year}年" if item.cadence == "fixed" else quarter_label(start)
        d.title = f"{v.name}{label}{TOPICS.get(item.name, item.name)}公开"[:200]
        d.body, extra = content(s, state, v.id, item.name, label)
        d.table_json = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    d.due_on = due_date_for(item.cadence, end, busy=busy, rules=rules, category=item.category)
    d.posted_from, d.posted_to = posted, posted + timedelta(days=30)
    s.add(d)
    return d


def _feedback(state: DemoState, s: Session, idx: int, rows: list[Disclosure]) -> None:
    today = state.today
    recent = sorted((d for d in rows if d.posted_from), key=lambda d: d.posted_from or today)[-6:]
    for k, d in enumerate(recent[-3:]):
        kind, channel, content, reply = FEEDBACK[k % len(FEEDBACK)]
        received = min((d.posted_from or today) + timedelta(days=2 + k), today)
        f = DisclosureFeedback(disclosure_id=d.id, received_on=received, from_name=_villager(state, idx, k),
                               channel=channel, kind=kind, content=content)  # fmt: skip
        if idx in (2, 4) and k == 0:
            pass  # open, and past the reply deadline (C23)
        elif k == 2 and idx % 2 == 1:
            pass  # open, within the deadline
        else:
            late = idx == 3 and k == 1
            f.replied_on = min(received + timedelta(days=14 if late else 4), today)
            f.reply = reply
        s.add(f)


def _villager(state: DemoState, idx: int, k: int) -> str:
    vid = state.village_ids[idx]
    return ["王秀英", "匿名", "徐国平", "毛建新", "郑丽华"][(idx + k) % 5] if vid else "匿名"


def _correction(state: DemoState, s: Session, rows: list[Disclosure], author: str, poster: Signer) -> None:
    """One posted 党务 disclosure corrected: the new one supersedes it, both are kept."""
    old = next((d for d in reversed(rows) if d.category == "party"), None)
    if old is None or old.posted_from is None:
        return
    new = Disclosure(village_id=old.village_id, category=old.category, item_id=old.item_id, kind=old.kind,
                     period_start=old.period_start, period_end=old.period_end, due_on=old.due_on,
                     title=f"（更正）{old.title}", body=f"{old.body}\n\n更正说明：党员人数统计有误，已更正。",
                     status="draft", supersedes_id=old.id, created_by=author)  # fmt: skip
    s.add(new)
    mark_posted(s, new, poster, office_of(s, poster.user, old.village_id), channels=old.channels or "公开栏",
                posted_from=old.posted_from + timedelta(days=3), posted_to=old.posted_to,
                signed_at=state.ctx.clock.now())  # fmt: skip


def _from_matters(state: DemoState, admin: AppContext) -> None:
    """决议公开 / 实施结果公开 created from the register's disclosure steps and posted on their dates."""
    from quzhou_desktop.services.disclosures.disclosure import post_disclosure
    from quzhou_desktop.services.disclosures.from_matters import create_from_matter_step

    admin, grant = state.signing("admin")

    with state.ctx.read() as s:
        steps = s.execute(
            select(MatterStep.id, MatterStep.posting_from, MatterStep.meeting_date).where(
                MatterStep.step_type.in_(("resolution_disclosure", "result_disclosure")),
                MatterStep.state == "final",
            )
        ).all()
    for sid, posting_from, meeting_date in steps:
        did = create_from_matter_step(admin, sid)
        on = posting_from or meeting_date
        if on is not None:
            post_disclosure(
                admin,
                did,
                channels=("公开栏",),
                posted_from=on,
                posted_to=on + timedelta(days=3),
                password=grant,
            )
