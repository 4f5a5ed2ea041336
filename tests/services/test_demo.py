"""The whole demo township as a new user meets it: every village-level user belongs to the demo village, what the
demo clerk enters the demo committee can review, something is due to print whatever the date, the texts read
naturally, the 收支明细账 has income and spending, and the build is a function of the date."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.services.demo import DEMO_PASSWORD, DemoState, build_demo_context
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import TOWNSHIP_WIDE, Role
from quzhou_desktop.services.notices.issue import due_items
from quzhou_desktop.store.models import (
    Disclosure,
    LedgerLine,
    Matter,
    MatterStep,
    UserAccount,
    UserVillage,
    Village,
)

TODAY = date(2026, 11, 3)  # early in a month: the 20th's monthly meeting and the 20th's deadlines still ahead


@pytest.fixture(scope="module")
def demo() -> tuple[AppContext, DemoState]:
    return build_demo_context(today=TODAY)


def _texts(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        out = [t for (t,) in s.execute(select(Matter.title)) if t]
        out += [t for (t,) in s.execute(select(Matter.description)) if t]
        for row in s.execute(
            select(
                MatterStep.plan_text, MatterStep.minutes, MatterStep.decision_text, MatterStep.posting_place
            )
        ):
            out += [t for t in row if t]
        for title, body, table in s.execute(select(Disclosure.title, Disclosure.body, Disclosure.table_json)):
            shown = {k: v for k, v in json.loads(table).items() if k != "source_id"} if table else None
            out += [t for t in (title, body, json.dumps(shown, ensure_ascii=False) if shown else "") if t]
    return out


def test_every_village_user_belongs_to_the_demo_village(demo: tuple[AppContext, DemoState]) -> None:
    ctx, _state = demo
    with ctx.read() as s:
        names = {v.id: v.name for v in s.scalars(select(Village))}
        users = list(s.scalars(select(UserAccount)))
        seats = {(uv.user_id, names[uv.village_id]) for uv in s.scalars(select(UserVillage))}
    village_users = [
        u for u in users if Role(u.role) not in TOWNSHIP_WIDE and Role(u.role) is not Role.READONLY
    ]
    # the other villages' 村监会主任 sign their villages' 财务公开 reviews (a signed act needs the signer's own
    # account): each has an account for that village only
    chairs = {
        u.username: u
        for u in village_users
        if u.username.startswith("jianwei_zr") and u.username[-1].isdigit()
    }
    assert len(chairs) == len(names) - 1
    for u in chairs.values():
        assert Role(u.role) is Role.SUPERVISOR_CHAIR
        (seat,) = {v for uid, v in seats if uid == u.id}
        assert seat != "溪口村"
    demo_users = [u for u in village_users if u.username not in chairs]
    assert {u.username for u in demo_users} == {"wenshu", "jianwei_zr", "jianwei", "zhuren", "shuji"}
    for u in demo_users:
        assert {v for uid, v in seats if uid == u.id} == {"溪口村"}, u.username


def test_the_demo_clerks_voucher_is_reviewed_and_signed_by_the_demo_committee(
    demo: tuple[AppContext, DemoState],
) -> None:
    from quzhou_desktop.services.vouchers.flow import review_voucher, sign_voucher
    from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher, submit_voucher

    _ctx, state = demo
    clerk = state.login("wenshu")
    vid, _ = create_voucher(
        clerk,
        state.village_ids[0],
        VoucherFields(number="测试-001", voucher_date=TODAY, handler_name="刘素", payee="柯城区文具店",
                      purpose="办公用品", amount_fen=12_000, funding_source="村集体经营收入", invoice_count=1),
    )  # fmt: skip
    submit_voucher(clerk, vid)
    for who in ("jianwei_zr", "jianwei"):
        review_voucher(state.login(who), vid, "agree", "票据真实", DEMO_PASSWORD)
    sign_voucher(state.login("zhuren"), vid, DEMO_PASSWORD)


def test_something_is_due_to_print_of_every_board_kind(
    demo: tuple[AppContext, DemoState], tmp_path: Path
) -> None:
    from quzhou_desktop.services.notices.issue import print_notices

    _ctx, state = demo
    admin = state.login("admin")
    due = due_items(admin, state.village_ids, TODAY)
    kinds = Counter(k for k, _ in due)
    assert {"finance", "disclosure", "resolution"} <= set(kinds), kinds
    mine = due_items(state.login("wenshu"), state.village_ids[:1], TODAY)
    assert {"finance", "disclosure", "resolution"} <= {k for k, _ in mine}
    issued = print_notices(admin, mine, tmp_path / "due.pdf")
    assert len(issued) == len(mine)


def test_texts_read_naturally(demo: tuple[AppContext, DemoState]) -> None:
    ctx, _state = demo
    texts = _texts(ctx)
    assert len(texts) > 200
    for bad in ("方案方案", "计划方案", "某某", "{year}", "None"):
        assert not [t for t in texts if bad in t], bad
    assert any(str(TODAY.year) + "年度村级财务收支计划" in t for t in texts)  # the demo year, not a fixed one


def test_the_ledger_holds_income_and_spending_for_the_registers_and_the_finance_disclosure(
    demo: tuple[AppContext, DemoState], tmp_path: Path
) -> None:
    from quzhou_desktop.services.disclosures.finance import build_finance_table
    from quzhou_desktop.services.exports.registers import export_register

    ctx, state = demo
    v1 = state.village_ids[0]
    with ctx.read() as s:
        lines = list(s.scalars(select(LedgerLine).where(LedgerLine.village_id == v1)))
    assert sum(1 for ln in lines if ln.income_fen) > 20 and sum(1 for ln in lines if ln.expense_fen) > 20
    assert any(ln.voucher_no for ln in lines)  # the accepted vouchers are booked under their numbers
    admin = state.login("admin")
    assert export_register(admin, "ledger", tmp_path / "ledger.xlsx", village_id=v1) == len(lines)
    table = build_finance_table(admin, v1, date(2026, 10, 1), date(2026, 10, 31))
    assert table.income_fen > 0 and table.expense_fen > 0
    assert {ln.source for ln in table.lines} >= {"账簿"}


def test_the_demo_is_a_function_of_the_date() -> None:
    ctx_a, _ = build_demo_context(today=TODAY)
    ctx_b, _ = build_demo_context(today=TODAY)

    def digest(ctx: AppContext) -> str:
        with ctx.read() as s:
            ledger = [
                (ln.entry_date, ln.summary, ln.income_fen, ln.expense_fen)
                for ln in s.scalars(
                    select(LedgerLine).order_by(
                        LedgerLine.entry_date, LedgerLine.summary, LedgerLine.income_fen
                    )
                )
            ]
        return hashlib.sha256(repr((sorted(_texts(ctx)), ledger)).encode()).hexdigest()  # fmt: skip

    assert digest(ctx_a) == digest(ctx_b)
    assert random.Random(1).random() == random.Random(1).random()  # (no hidden global randomness is used)
