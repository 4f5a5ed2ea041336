"""``AppContext.snapshot``: the 工作台's panels read through one session (one transaction) and never write."""

from __future__ import annotations

import threading

import pytest

from quzhou_desktop.services.kernel.settings import get_rules, update_rules
from tests.support.world import PASSWORD, World


def test_a_snapshot_shares_one_read_session_on_its_thread_and_refuses_writes(world: World) -> None:
    ctx = world.admin
    with ctx.read() as a, ctx.read() as b:
        assert a is not b
    with ctx.snapshot():
        with ctx.read() as a, ctx.read() as b:
            assert a is b
            with ctx.snapshot(), ctx.read() as c:  # nested: still the one session
                assert c is a
        other: list[object] = []

        def read_elsewhere() -> None:
            with ctx.read() as s:
                other.append(s)

        t = threading.Thread(target=read_elsewhere)
        t.start()
        t.join()
        assert other and other[0] is not a  # the GUI's worker thread keeps sessions of its own
        with pytest.raises(RuntimeError), ctx.write("test.inside"):
            pass
    with ctx.read() as a, ctx.read() as b:
        assert a is not b


def test_rules_are_read_once_per_snapshot_and_fresh_after_it(world: World) -> None:
    ctx = world.admin
    before = get_rules(ctx).contract_expiry_days
    with ctx.snapshot():
        assert get_rules(ctx) is get_rules(ctx)
    update_rules(ctx, {"contract_expiry_days": before + 5}, credential=PASSWORD)
    assert get_rules(ctx).contract_expiry_days == before + 5
