"""Child processes for the concurrency tests: each is one office PC with its own connections."""

from __future__ import annotations

import time
from datetime import date
from typing import Any


def _ctx(url: str, user_id: str) -> Any:
    from quzhou_desktop.services.kernel.auth import load_current_user
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(url))
    ctx.user = load_current_user(ctx, user_id)
    return ctx


def enter_vouchers(
    url: str, user_id: str, village_id: str, tag: str, count: int, start: Any, out: Any
) -> None:
    """Enter ``count`` vouchers for one village; report (tag, seconds of the slowest write, total seconds)."""
    from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher

    ctx = _ctx(url, user_id)
    start.wait()
    slowest = 0.0
    t0 = time.perf_counter()
    for i in range(count):
        fields = VoucherFields(
            number=f"{tag}-{i:03d}",
            voucher_date=date(2026, 11, 2),
            handler_name="张三",
            payee="某五金店",
            purpose=f"村道维修材料 {tag} 第{i}笔",
            amount_fen=10_000 + i,
        )
        w0 = time.perf_counter()
        create_voucher(ctx, village_id, fields)
        slowest = max(slowest, time.perf_counter() - w0)
    out.put((tag, slowest, time.perf_counter() - t0))
    ctx.db.dispose()


def update_same_person(url: str, user_id: str, person_id: str, phone: str, start: Any, out: Any) -> None:
    """Everyone edits the same person from version 1: one wins, the others are told it changed."""
    from quzhou_desktop.core.errors import QuzhouError
    from quzhou_desktop.services.roster.people import PersonFields, update_person

    ctx = _ctx(url, user_id)
    start.wait()
    try:
        update_person(
            ctx, person_id, PersonFields(name="赵大山", gender="男", phone=phone), expected_version=1
        )
        out.put(("ok", phone))
    except QuzhouError as exc:
        out.put(("refused", str(exc)))
    ctx.db.dispose()


def hang_mid_transaction(url: str, user_id: str, village_id: str, ready: Any) -> None:
    """Add a person and flush (row and audit entry written, chain lock held), then wait to be killed."""
    from quzhou_desktop.store.models import Person

    ctx = _ctx(url, user_id)
    with ctx.write("roster.add_person") as s:
        s.add(Person(village_id=village_id, name="写了一半"))
        s.flush()
        ready.set()
        time.sleep(120)
