"""TownshipRules: defaults, generic field metadata, validation."""

from __future__ import annotations

from typing import Any

import pytest

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.rules import rules_for_setting
from quzhou_desktop.core.rules_config import FIELDS, TownshipRules


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("rep_pass_base_all_members", False, id="C4-base-present"),
        pytest.param("party_two_thirds_attendance", True, id="C8-local-rule-on"),
        pytest.param("rep_ratio_mode", "households", id="C6-households"),
        pytest.param("plan_posting_days", 15, id="C11-15-days"),
        pytest.param("result_posting_days", 3, id="C12-3-days"),
        pytest.param("notice_days_villagers", 10, id="C13-villagers-10"),
        pytest.param("notice_days_representatives", 3, id="C13-representatives-3"),
        pytest.param("spending_t1_fen", 500_000, id="C16-t1-5000-yuan"),
        pytest.param("spending_t2_fen", 5_000_000, id="C16-t2-50000-yuan"),
        pytest.param("review_mode", "chair_above", id="C18-mode-B"),
        pytest.param("review_chair_threshold_fen", 200_000, id="C18-2000-yuan"),
        pytest.param("disclosure_deadline_day", 20, id="C21-day-20"),
        pytest.param("finance_monthly_if_busy", True, id="C20-monthly"),
        pytest.param("reply_days", 10, id="C23-10-days"),
        pytest.param("upper_small_style", "short", id="C24-short"),
        pytest.param("contract_grace_days", 0, id="C34-overdue-the-day-after"),
        pytest.param("contract_expiry_days", 90, id="C34-expiry-reminder-90"),
        pytest.param("evaluation_competent_pct", 50, id="C22-competent-over-half"),
        pytest.param("evaluation_incompetent_pct", 50, id="C22-incompetent-over-half"),
    ],
)
def test_defaults(key: str, expected: object) -> None:
    assert getattr(TownshipRules(), key) == expected


def test_fields_cover_every_setting() -> None:
    assert [f.key for f in FIELDS] == list(TownshipRules().to_dict())
    for spec in FIELDS:
        assert spec.label and spec.help
        assert spec.kind != "choice" or spec.choices
        assert rules_for_setting(spec.key), spec.key  # the rules tab cites the rules a setting changes


def test_round_trip_ignores_unknown_keys() -> None:
    rules = TownshipRules(plan_posting_days=7, review_mode="all_members")
    data = {**rules.to_dict(), "obsolete_key": 1}
    assert TownshipRules.from_dict(data) == rules
    assert TownshipRules.from_dict({}) == TownshipRules()


@pytest.mark.parametrize(
    ("data", "label"),
    [
        pytest.param({"reply_days": "10"}, "意见答复期限（天）", id="C23-not-int"),
        pytest.param({"reply_days": 0}, "意见答复期限（天）", id="C23-below-min"),
        pytest.param({"plan_posting_days": True}, "方案公示天数", id="C11-bool-is-not-int"),
        pytest.param({"plan_posting_days": -1}, "方案公示天数", id="C11-negative"),
        pytest.param({"review_mode": "chair"}, "村监会审核签字方式", id="C18-bad-choice"),
        pytest.param({"include_suggest": 1}, "设“党员群众建议”步骤", id="C10-bool-required"),
        pytest.param({"disclosure_deadline_day": 31}, "定期公开截止日", id="C21-day-31"),
        pytest.param({"spending_t1_fen": 5_000_000}, "数额巨大起点（元）", id="C16-t1-equals-t2"),
        pytest.param({"spending_t1_fen": 6_000_000}, "数额巨大起点（元）", id="C16-t1-above-t2"),
        pytest.param({"spending_t1_fen": 0}, "数额较大起点（元）", id="C16-t1-zero"),
    ],
)
def test_bad_values_name_the_field(data: dict[str, Any], label: str) -> None:
    with pytest.raises(ValidationError) as info:
        TownshipRules.from_dict(data)
    assert info.value.params["field"] == label
    assert str(info.value).startswith(label + "：")


def test_with_changes_validates() -> None:
    rules = TownshipRules()
    assert rules.with_changes(spending_t2_fen=8_000_000).spending_t2_fen == 8_000_000
    with pytest.raises(ValidationError):
        rules.with_changes(spending_t2_fen=100)
