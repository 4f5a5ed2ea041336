"""C42: the category each kind of archived item files under and its retention period from the township settings."""

from __future__ import annotations

import pytest

from quzhou_desktop.core.archive import (
    RETENTIONS,
    ArchiveCategory,
    ItemKind,
    category_of,
    file_item,
    longest,
    setting_key,
)
from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.rules import rule, rules_for_setting
from quzhou_desktop.core.rules_config import FIELDS, TownshipRules, format_value

K = ItemKind
TABLE = [
    (K.REGISTER_FORM, "村务管理类", "永久"),
    (K.RESOLUTION, "村务管理类", "永久"),
    (K.MINUTES, "村务管理类", "永久"),
    (K.REVIEW, "村务管理类", "永久"),
    (K.EVALUATION, "村务管理类", "永久"),
    (K.PARTY_DISCLOSURE, "党群工作类", "永久"),
    (K.VILLAGE_DISCLOSURE, "村务管理类", "永久"),
    (K.FINANCE_DISCLOSURE, "会计类", "30年"),
    (K.VOUCHER, "会计类", "30年"),
    (K.LEDGER_ACCOUNTING, "会计类", "30年"),
    (K.CONTRACT, "经营管理类", "永久"),
    (K.LEDGER_BUSINESS, "经营管理类", "永久"),
    (K.WORKS_CONTRACT, "基本建设类", "永久"),
    (K.PHOTO, "声像类", "永久"),
]


@pytest.mark.parametrize(
    ("kind", "category", "retention"), TABLE, ids=[f"C42-{k.value}" for k, _, _ in TABLE]
)
def test_C42_default_filing(kind: ItemKind, category: str, retention: str) -> None:
    filed = file_item(TownshipRules(), kind)
    assert (filed.category_label, filed.retention_label) == (category, retention)


def test_C42_every_kind_has_a_category_and_every_category_a_setting() -> None:
    assert {category_of(k) for k in ItemKind} == set(ArchiveCategory)
    keys = {f.key for f in FIELDS}
    for c in ArchiveCategory:
        assert setting_key(c) in keys
        assert rule("C42") in rules_for_setting(setting_key(c))


@pytest.mark.parametrize(("value", "label"), RETENTIONS, ids=[f"C42-{v}" for v, _ in RETENTIONS])
def test_C42_a_township_sets_each_period(value: str, label: str) -> None:
    rules = TownshipRules().with_changes(archive_retention_accounting=value)
    assert file_item(rules, K.VOUCHER).retention_label == label
    spec = next(f for f in FIELDS if f.key == "archive_retention_accounting")
    assert format_value(spec, value) == label


def test_C42_a_period_outside_the_three_is_refused() -> None:
    with pytest.raises(ValidationError, match="永久、30年、10年"):
        TownshipRules(archive_retention_party="5y")


def test_C42_longest_period() -> None:
    assert longest(["10y", "30y"]) == "30y"
    assert longest(["10y", "permanent"]) == "permanent"
    assert longest([]) == "permanent"


def test_C42_cites_the_measures() -> None:
    assert "村级档案管理办法" in rule("C42").source
