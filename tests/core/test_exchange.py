"""``core.exchange``: where a package stands against what was accepted, and who may change which record."""

from __future__ import annotations

from typing import Any

import pytest

from quzhou_desktop.core.exchange import (
    GENESIS,
    Head,
    Standing,
    check_links,
    concerns_village,
    gap_message,
    may_change,
    place,
    travels,
)


def h(n: int, side: str = "a") -> Head:
    return Head(n, f"{side}{n:063d}")


KNOWN = {n: h(n).hash for n in range(1, 41)}  # the receiver accepted entries 1..40 of history "a"


@pytest.mark.parametrize(
    ("after", "last", "entries", "standing", "detail"),
    [
        pytest.param(h(40), h(50), [h(n) for n in range(41, 51)], Standing.NEW, None, id="extends-the-head"),
        pytest.param(
            h(30), h(50), [h(n) for n in range(31, 51)], Standing.NEW, None, id="overlaps-identically"
        ),
        pytest.param(h(30), h(40), [h(n) for n in range(31, 41)], Standing.DUPLICATE, None, id="all-seen"),
        pytest.param(
            Head(0, GENESIS), h(20), [h(n) for n in range(1, 21)], Standing.DUPLICATE, None, id="from-0"
        ),
        pytest.param(h(45), h(50), [h(n) for n in range(46, 51)], Standing.GAP, (41, 45), id="gap"),
        pytest.param(h(41), h(50), [h(n) for n in range(42, 51)], Standing.GAP, (41, 41), id="one-missing"),
        pytest.param(
            h(30),
            h(45),
            [*(h(n) for n in range(31, 35)), *(h(n, "b") for n in range(35, 46))],
            Standing.FORK,
            (34, 35),
            id="restored-backup-diverges-at-35",
        ),
        pytest.param(
            h(30, "b"),
            h(50, "b"),
            [h(n, "b") for n in range(31, 51)],
            Standing.FORK,
            (0, 30),
            id="rewritten-below-the-start",
        ),
        pytest.param(h(20), h(30, "b"), [], Standing.FORK, (20, 30), id="incomplete-dispatch-last-differs"),
    ],
)
def test_place(after: Head, last: Head, entries: list[Head], standing: Standing, detail: Any) -> None:
    p = place(h(40), after, last, entries, KNOWN.get)
    assert p.standing is standing
    if standing is Standing.GAP:
        assert p.missing == detail
    if standing is Standing.FORK:
        assert p.common is not None and p.theirs is not None
        assert (p.common.seq, p.theirs.seq) == detail


def test_links_of_a_complete_package() -> None:
    chain = [(n, h(n - 1).hash, h(n).hash) for n in range(41, 45)]
    assert check_links(h(40), chain) is None
    assert check_links(h(39), chain) == 41  # does not follow the stated start
    broken = [*chain[:2], (43, h(41).hash, h(43).hash), chain[3]]
    assert check_links(h(40), broken) == 43
    assert check_links(h(40), [*chain[:2], *chain[3:]]) == 44  # an entry left out


VOUCHER = {"id": "v", "village_id": "V", "status": "delivered", "row_version": 5, "note": None}


@pytest.mark.parametrize(
    ("sender", "entity", "before", "after", "allowed"),
    [
        ("village", "person", None, {"id": "p"}, True),
        ("township", "person", None, {"id": "p"}, False),  # the village owns its roster
        (
            "village",
            "township",
            {"name": "石梁镇"},
            {"name": "别的"},
            False,
        ),  # settings belong to the township
        ("township", "township", {"name": "石梁镇"}, {"name": "石梁镇"}, True),
        ("township", "voucher_event", None, {"kind": "accept"}, True),  # 代理中心 受理
        ("township", "voucher_event", None, {"kind": "return"}, True),  # 退回
        ("village", "voucher_event", None, {"kind": "accept"}, False),
        ("village", "voucher_event", None, {"kind": "review"}, True),
        ("township", "voucher_event", None, {"kind": "review"}, False),  # the 村监会 reviews in the village
        ("township", "voucher", VOUCHER, {**VOUCHER, "status": "accepted", "row_version": 6}, True),
        ("township", "voucher", VOUCHER, {**VOUCHER, "status": "returned", "row_version": 6}, True),
        (
            "township",
            "voucher",
            VOUCHER,
            {**VOUCHER, "status": "accepted", "note": "改了", "row_version": 6},
            False,
        ),
        ("village", "voucher", VOUCHER, {**VOUCHER, "status": "accepted", "row_version": 6}, False),
        ("village", "voucher", {**VOUCHER, "status": "returned"}, {**VOUCHER, "status": "superseded"}, True),
        (
            "township",
            "voucher",
            None,
            {**VOUCHER, "status": "accepted"},
            False,
        ),  # a new voucher is the village's
    ],
)
def test_who_may_change_what(
    sender: str, entity: str, before: dict[str, Any] | None, after: dict[str, Any], allowed: bool
) -> None:
    assert may_change(sender, entity, before, after) is allowed


@pytest.mark.parametrize(
    ("entity", "action", "sent"),
    [
        ("voucher", "voucher.create", True),
        ("voucher#batch", "import.vouchers", True),
        ("user_account", "users.create", False),  # accounts never leave their PC
        ("voucher", "exchange.apply", False),  # what came from the peer is not sent back
        ("exchange_site", "exchange.import", False),
    ],
)
def test_what_travels(entity: str, action: str, sent: bool) -> None:
    assert travels(entity, action) is sent


def test_what_a_dispatch_concerns() -> None:
    assert concerns_village("township", {"id": "t"}, "V", {})
    assert concerns_village("village", {"id": "V"}, "V", {})
    assert not concerns_village("village", {"id": "W"}, "V", {})
    assert concerns_village("voucher_event", {"village_id": "V"}, "V", {})
    assert concerns_village("attachment", {"voucher_id": "x"}, "V", {"x": "V"})
    assert not concerns_village("voucher", None, "V", {})


def test_gap_message_names_the_missing_entries() -> None:
    assert gap_message((41, 45)).startswith("缺少第41至45条记录，请先导入")
    assert gap_message((41, 41)).startswith("缺少第41条记录，请先导入")
