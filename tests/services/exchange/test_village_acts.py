"""On a village PC enrolled with its township, the 代理记账中心's 受理/退回 are not recorded: they are the
township's acts and arrive in its 下发数据包. A village PC that reports to no township keeps them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.vouchers.flow import accept_voucher, agency_acts_here, return_voucher
from quzhou_desktop.services.vouchers.queues import awaiting_acceptance
from tests.support.exchange import Sites
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, World, make_world


def test_a_village_pc_leaves_acceptance_to_the_township(sites: Sites) -> None:
    village = sites.villages["溪口村"]
    vv = make_voucher_village(village)
    vid = vv.delivered()
    assert not agency_acts_here(village.admin)
    assert awaiting_acceptance(village.admin) == []
    with pytest.raises(PermissionDenied, match="石梁镇代理记账中心在乡镇的电脑上办理"):
        accept_voucher(village.admin, vid, PASSWORD)
    with pytest.raises(PermissionDenied, match="石梁镇代理记账中心"):
        return_voucher(village.admin, vid, "缺少验收单", PASSWORD)
    assert agency_acts_here(sites.township.admin)


def test_a_township_database_keeps_acceptance(
    target: Callable[[str], Path | str], opened: Callable[[World], World]
) -> None:
    world = opened(make_world(target("t.sqlite3")))
    vv = make_voucher_village(world)
    vid = vv.delivered()
    assert agency_acts_here(world.admin)
    assert [r.id for r in awaiting_acceptance(world.admin)] == [vid]
    accept_voucher(world.admin, vid, PASSWORD)
