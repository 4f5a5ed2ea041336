"""Finding what to print without an ID: every listed record's print key leads back to that record, and keys
that name nothing or several records are refused in Chinese with the candidates."""

from __future__ import annotations

import shlex

import pytest

from quzhou_desktop.core.errors import NotFound, PermissionDenied, ValidationError
from quzhou_desktop.services.notices.records import (
    LIST_KINDS,
    AmbiguousKey,
    PrintKey,
    list_records,
    parse_period,
    resolve,
)
from tests.support.notices import MATTER, Printables


def key_of(text: str) -> PrintKey:
    args = shlex.split(text)
    opts = {args[i].removeprefix("--"): args[i + 1] for i in range(0, len(args), 2)}
    return PrintKey(**opts)


@pytest.mark.parametrize("kind", sorted(LIST_KINDS))
def test_every_listed_record_prints_from_its_key(printables: Printables, kind: str) -> None:
    rows = list_records(printables.ctx, kind)
    assert rows, kind
    for row in rows:
        assert row.village == "溪口村" or kind in ("users", "villages")
        assert row.id and row.name
        if row.prints:  # the record's own notice; a matter's other notices print from its steps
            assert resolve(printables.ctx, row.prints[0], key_of(row.key)) == row.id, (
                row.name,
                row.prints[0],
            )
        steps = {r.id for r in list_records(printables.ctx, "steps")}
        for print_kind in row.prints[1:]:
            assert resolve(printables.ctx, print_kind, key_of(row.key)) in steps


def test_keys_a_clerk_types(printables: Printables) -> None:
    k = PrintKey("溪口村", matter="硬化")  # a part of the title is enough when it is unique
    assert resolve(printables.ctx, "register", k) == printables.matter_id
    assert resolve(printables.ctx, "resolution", k) == printables.steps["resolution_disclosure"]
    assert (
        resolve(printables.ctx, "resolution", PrintKey("溪口村", matter=MATTER, step="决议"))
        == printables.steps["resolve"]
    )
    assert resolve(printables.ctx, "plan", k) == printables.steps["plan_posting"]
    assert resolve(printables.ctx, "result", k) == printables.steps["result_disclosure"]
    assert resolve(printables.ctx, "voucher", PrintKey("溪口村", number="031")) == printables.voucher_id
    assert (
        resolve(printables.ctx, "finance", PrintKey("溪口村", period="2026年11月")) == printables.finance_id
    )
    assert resolve(printables.ctx, "review", PrintKey("溪口村", period="2026-11")) == printables.review_id
    assert resolve(printables.ctx, "disclosure", PrintKey("溪口村", period="2026Q3")) == printables.party_id
    assert (
        resolve(printables.ctx, "disclosure", PrintKey("溪口村", period="2026年第三季度"))
        == printables.party_id
    )
    assert (
        resolve(printables.ctx, "disclosure", PrintKey("溪口村", period="2026"))
        == printables.village_draft_id
    )


@pytest.mark.parametrize(
    ("kind", "key", "error", "message"),
    [
        ("register", PrintKey("溪口村", matter="水库"), NotFound, "找不到事项“水库”"),
        ("voucher", PrintKey("溪口村", number="2026-03"), AmbiguousKey, "凭证号“2026-03”不止一条"),
        ("voucher", PrintKey("溪口村"), ValidationError, "请用 --number"),
        ("finance", PrintKey("溪口村", period="2026-10"), NotFound, "2026年10月的财务公开"),
        ("finance", PrintKey("溪口村", period="十月"), ValidationError, "应写成 2026-10"),
        ("resolution", PrintKey("溪口村", matter=MATTER, step="表决"), ValidationError, "不认识“表决”"),
        ("register", PrintKey("无此村", matter=MATTER), NotFound, "村“无此村”"),
    ],
    ids=["no-matter", "two-vouchers", "no-number", "no-finance", "bad-period", "bad-step", "no-village"],
)
def test_keys_that_name_nothing_or_several_are_refused(
    printables: Printables, kind: str, key: PrintKey, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as exc:
        resolve(printables.ctx, kind, key)
    if error is AmbiguousKey:
        assert printables.voucher_id in str(exc.value) and printables.voucher2_id in str(exc.value)


def test_a_clerk_sees_and_finds_only_their_villages(printables: Printables) -> None:
    from quzhou_desktop.services.kernel.roles import Role

    other = printables.world.village_ids[1]
    clerk = printables.world.new_user("clerk2", Role.CLERK, [other])
    assert list_records(clerk, "matters") == []
    with pytest.raises(NotFound, match="溪口村"):
        resolve(clerk, "register", PrintKey("溪口村", matter=MATTER))
    with pytest.raises(PermissionDenied):
        list_records(clerk, "users")


@pytest.mark.parametrize(
    ("text", "label"),
    [("2026-10", "2026年10月"), ("2026/3", "2026年3月"), ("2026年10月", "2026年10月"), ("2026Q3", "2026年第3季度"),
     ("2026-q1", "2026年第1季度"), ("2026年第四季度", "2026年第4季度"), ("2026", "2026年")],
)  # fmt: skip
def test_periods_as_clerks_write_them(text: str, label: str) -> None:
    assert parse_period(text).label == label
