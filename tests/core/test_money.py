"""C24–C26 and amount parsing (docs/RULES.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import (
    MAX_FEN,
    fen_to_upper,
    fen_to_yuan_str,
    format_fen,
    has_errors,
    parse_amount,
    validate_lower,
    validate_upper,
)

# Worked examples of C24: (fen, canonical, also-acceptable forms).
TABLE_5_2 = [
    pytest.param(100000000, "人民币壹佰万元整", ["壹佰万元正"], id="C24-1000000.00"),
    pytest.param(100005, "人民币壹仟元零伍分", [], id="C24-1000.05-rule4"),
    pytest.param(1050, "人民币壹拾元零伍角整", ["壹拾元伍角整", "壹拾元伍角"], id="C24-10.50-rule3"),
    pytest.param(7, "人民币柒分", ["人民币零元零角柒分"], id="C24-0.07-small"),
    pytest.param(140950, "人民币壹仟肆佰零玖元伍角整", ["人民币壹仟肆佰零玖元伍角"], id="C24-1409.50"),
    pytest.param(600714, "人民币陆仟零柒元壹角肆分", [], id="C24-6007.14"),
    pytest.param(
        168032, "人民币壹仟陆佰捌拾元零叁角贰分", ["人民币壹仟陆佰捌拾元叁角贰分"], id="C24-1680.32"
    ),
    pytest.param(
        10700053, "人民币壹拾万柒仟元零伍角叁分", ["人民币壹拾万零柒仟元伍角叁分"], id="C24-107000.53"
    ),
    pytest.param(20008007, "人民币贰拾万零捌拾元零柒分", [], id="C24-200080.07"),
    pytest.param(1640902, "人民币壹万陆仟肆佰零玖元零贰分", [], id="C24-16409.02"),
    pytest.param(10000000, "人民币壹拾万元整", ["壹拾万元正"], id="C24-100000.00"),
    pytest.param(500109, "人民币伍仟零壹元零玖分", [], id="C24-5001.09"),
]


@pytest.mark.parametrize(("fen", "canonical", "also"), TABLE_5_2)
def test_c24_table_canonical(fen: int, canonical: str, also: list[str]) -> None:
    assert fen_to_upper(fen) == canonical


@pytest.mark.parametrize(("fen", "canonical", "also"), TABLE_5_2)
def test_c25_table_variants_accepted(fen: int, canonical: str, also: list[str]) -> None:
    for text in [canonical, canonical.removeprefix("人民币"), *also]:
        assert validate_upper(text, fen) == [], text
        assert validate_upper(text) == [], text


@pytest.mark.parametrize(
    ("fen", "style", "expected"),
    [
        pytest.param(0, "short", "人民币零元整", id="C24-zero"),
        pytest.param(0, "full", "人民币零元整", id="C24-zero-full"),
        pytest.param(7, "full", "人民币零元零角柒分", id="C24-0.07-full"),
        pytest.param(5, "full", "人民币零元零角伍分", id="C24-0.05-full"),
        pytest.param(50, "short", "人民币伍角整", id="C24-0.50-short"),
        pytest.param(50, "full", "人民币零元伍角整", id="C24-0.50-full"),
        pytest.param(57, "short", "人民币伍角柒分", id="C24-0.57-short"),
        pytest.param(100, "short", "人民币壹元整", id="C24-1.00"),
        pytest.param(1500, "short", "人民币壹拾伍元整", id="C24-15.00-leading-yishi"),
        pytest.param(1001000, "short", "人民币壹万零壹拾元整", id="C24-10010-inner-yishi"),
        pytest.param(1000, "short", "人民币壹拾元整", id="C24-10.00"),
        pytest.param(1005, "short", "人民币壹拾元零伍分", id="C24-10.05-rule4"),
        pytest.param(10000000000, "short", "人民币壹亿元整", id="C24-yi"),
        pytest.param(10000050000, "short", "人民币壹亿零伍佰元整", id="C24-yi-zero-group"),
        pytest.param(10500000000, "short", "人民币壹亿零伍佰万元整", id="C24-yi-wan-small"),
        pytest.param(10000500000, "short", "人民币壹亿伍仟元整", id="C24-yi-qian-rule3"),
        pytest.param(100000000000000, "short", "人民币壹万亿元整", id="C24-wanyi"),
        pytest.param(100010000000000, "short", "人民币壹万零壹亿元整", id="C24-wanyi-zero-yi"),
        pytest.param(100000001000000, "short", "人民币壹万亿零壹万元整", id="C24-wanyi-skip-yi"),
        pytest.param(
            12345678901234,
            "short",
            "人民币壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分",
            id="C24-long",
        ),
        pytest.param(
            MAX_FEN,
            "short",
            "人民币玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            id="C24-max",
        ),
    ],
)
def test_c24_more(fen: int, style: str, expected: str) -> None:
    assert fen_to_upper(fen, small_style=style) == expected
    assert validate_upper(expected, fen) == []


@pytest.mark.parametrize(
    "bad",
    [pytest.param(-1, id="C24-negative"), pytest.param(MAX_FEN + 1, id="C24-too-big")],
)
def test_c24_rejects(bad: int) -> None:
    with pytest.raises(ValidationError) as info:
        fen_to_upper(bad)
    assert info.value.params["field"] == "金额"


@pytest.mark.parametrize(
    ("text", "fen", "detail", "level"),
    [
        pytest.param("壹仟元零伍分整", 100005, "zheng_after_fen", "error", id="C25-zheng-after-fen"),
        pytest.param("人民币壹仟元零伍分正", None, "zheng_after_fen", "error", id="C25-zheng2-after-fen"),
        pytest.param("拾元整", 1000, "bare_shi", "warning", id="C25-bare-shi-warning"),
        pytest.param("壹佰元", 10000, "missing_zheng", "error", id="C25-yuan-without-zheng"),
        pytest.param("壹佰〇伍元整", 10500, "forbidden_char", "error", id="C25-ling-circle"),
        pytest.param("壹佰0伍元整", 10500, "forbidden_char", "error", id="C25-arabic"),
        pytest.param("一佰元整", 10000, "forbidden_char", "error", id="C25-yi-lower"),
        pytest.param("两佰元整", 20000, "forbidden_char", "error", id="C25-liang"),
        pytest.param("念元整", 2000, "forbidden_char", "error", id="C25-nian"),
        pytest.param("伍毛", 50, "forbidden_char", "error", id="C25-mao"),
        pytest.param("壹佰另伍元整", 10500, "forbidden_char", "error", id="C25-ling-other"),
        pytest.param("壹佰伍十元整", 15000, "forbidden_char", "error", id="C25-shi-lower"),
        pytest.param("人民币 壹佰元整", 10000, "space", "error", id="C25-gap"),
        pytest.param("壹佰元整", 20000, "mismatch", "error", id="C24-mismatch"),
        pytest.param("壹仟元伍分", 100005, "nonstandard", "error", id="C24-rule4-zero-required"),
        pytest.param("壹仟肆佰玖元伍角整", 140950, "nonstandard", "error", id="C24-rule1-zero-required"),
        pytest.param("陆仟零零柒元壹角肆分", 600714, "nonstandard", "error", id="C24-rule2-one-zero"),
        pytest.param("壹佰元整整", 10000, "zheng_position", "error", id="C25-double-zheng"),
        pytest.param("壹佰美元整", None, "unknown_char", "error", id="C25-unknown"),
        pytest.param("", None, "empty", "error", id="C25-empty"),
    ],
)
def test_c25_validator_rejects(text: str, fen: int | None, detail: str, level: str) -> None:
    findings = validate_upper(text, fen)
    assert any(f.detail == detail and f.level == level for f in findings), findings
    assert has_errors(findings) == (level == "error")


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        pytest.param("人民币壹佰万圆整", 100000000, id="C25-traditional-yuan"),
        pytest.param("人民币壹佰萬元正", 100000000, id="C25-traditional-wan"),
        pytest.param("貳億元整", 20000000000, id="C25-traditional-er-yi"),
        pytest.param("陸元整", 600, id="C25-traditional-liu"),
        pytest.param("壹拾万零柒仟元零伍角叁分", 10700053, id="C25-both-optional-zeros"),
        pytest.param("人民币伍角", 50, id="C25-jiao-without-zheng"),
    ],
)
def test_c25_variants_accepted(text: str, fen: int) -> None:
    assert validate_upper(text, fen) == []
    assert validate_upper(text) == []


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_FEN), st.sampled_from(["short", "full"]))
def test_c24_property_canonical_is_valid(fen: int, style: str) -> None:
    text = fen_to_upper(fen, small_style=style)
    assert not set(text) & set("〇0123456789一二三四五六七八九十两念毛另")
    assert validate_upper(text, fen) == []
    assert validate_upper(text) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_c24_property_small_values_and_other_amounts(fen: int) -> None:
    text = fen_to_upper(fen)
    assert validate_upper(text, fen + 1) != []
    if fen > 0:
        assert validate_upper(text, fen - 1) != []


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("¥7.60", True, id="C26-7.60-ok"),
        pytest.param("¥ 7.6", False, id="C26-gap-reject"),
        pytest.param("¥7.6", False, id="C26-one-decimal-reject"),
        pytest.param("¥76.—", True, id="C26-dash-ok"),
        pytest.param("¥7.6—", False, id="C26-dash-after-jiao-reject"),
        pytest.param("¥1,234.50", True, id="C26-grouped-ok"),
        pytest.param("¥1234.50", True, id="C26-ungrouped-ok"),
        pytest.param("¥1,2345.50", False, id="C26-bad-grouping"),
        pytest.param("¥0.05", True, id="C26-below-one"),
        pytest.param("¥07.60", False, id="C26-leading-zero"),
        pytest.param("¥7.60元", False, id="C26-trailing-yuan"),
        pytest.param("7.60", False, id="C26-no-symbol"),
        pytest.param("¥7", False, id="C26-no-cents"),
        pytest.param("", False, id="C26-empty"),
        pytest.param("￥7.60", True, id="C26-fullwidth-yen"),
    ],
)
def test_c26_lower(text: str, ok: bool) -> None:
    findings = validate_lower(text)
    assert (findings == []) == ok, findings
    assert all(f.code == "C26" for f in findings)


@pytest.mark.parametrize(
    ("fen", "symbol", "grouping", "expected"),
    [
        pytest.param(123450, True, True, "¥1,234.50", id="fmt-default"),
        pytest.param(123450, False, True, "1,234.50", id="fmt-nosymbol"),
        pytest.param(123450, True, False, "¥1234.50", id="fmt-nogroup"),
        pytest.param(0, True, True, "¥0.00", id="fmt-zero"),
        pytest.param(7, True, True, "¥0.07", id="fmt-fen"),
        pytest.param(-123450, True, True, "-¥1,234.50", id="fmt-negative"),
        pytest.param(100000000000, True, True, "¥1,000,000,000.00", id="fmt-large"),
    ],
)
def test_format_fen(fen: int, symbol: bool, grouping: bool, expected: str) -> None:
    assert format_fen(fen, symbol=symbol, grouping=grouping) == expected
    # C26: with the symbol a non-negative amount is a valid 小写; without it, or negative, the symbol is missing
    assert [f.detail for f in validate_lower(expected)] == ([] if symbol and fen >= 0 else ["no_symbol"])


@pytest.mark.parametrize(
    ("fen", "expected"),
    [(123450, "1234.50"), (0, "0.00"), (5, "0.05"), (-1050, "-10.50")],
    ids=["yuan-str", "yuan-str-zero", "yuan-str-fen", "yuan-str-negative"],
)
def test_fen_to_yuan_str(fen: int, expected: str) -> None:
    assert fen_to_yuan_str(fen) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1,234.50", 123450, id="parse-grouped"),
        pytest.param("￥1,234.50", 123450, id="parse-fullwidth-yen"),
        pytest.param("¥ 1234.5", 123450, id="parse-yen-space"),
        pytest.param("1234.5元", 123450, id="parse-trailing-yuan"),
        pytest.param("1234元5角", 123450, id="parse-yuan-jiao"),
        pytest.param("1234元5角6分", 123456, id="parse-yuan-jiao-fen"),
        pytest.param("5角", 50, id="parse-jiao"),
        pytest.param("1234元整", 123400, id="parse-yuan-zheng"),
        pytest.param("１２３４．５", 123450, id="parse-fullwidth-digits"),
        pytest.param("－12", -1200, id="parse-fullwidth-minus"),
        pytest.param("-¥12.30", -1230, id="parse-minus-yen"),
        pytest.param("¥-12.30", -1230, id="parse-yen-minus"),
        pytest.param(" 12 ", 1200, id="parse-strip"),
        pytest.param(".5", 50, id="parse-leading-point"),
        pytest.param("0", 0, id="parse-zero"),
        pytest.param("RMB 100", 10000, id="parse-rmb"),
        pytest.param(1234, 123400, id="parse-int-yuan"),
        pytest.param(1234.5, 123450, id="parse-float"),
        pytest.param(0.1 + 0.2, 30, id="parse-float-noise"),
        pytest.param(1.1 * 3, 330, id="parse-float-noise-2"),
        pytest.param(Decimal("1234.50"), 123450, id="parse-decimal"),
        pytest.param(Decimal("1.230"), 123, id="parse-decimal-trailing-zero"),
    ],
)
def test_parse_amount(value: str | int | float | Decimal, expected: int) -> None:
    assert parse_amount(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="parse-empty"),
        pytest.param("abc", id="parse-letters"),
        pytest.param("1,23.4", id="parse-bad-grouping"),
        pytest.param("1234.567", id="parse-three-decimals"),
        pytest.param(1234.567, id="parse-float-three-decimals"),
        pytest.param(Decimal("1.234"), id="parse-decimal-three-decimals"),
        pytest.param(float("nan"), id="parse-nan"),
        pytest.param(float("inf"), id="parse-inf"),
        pytest.param(True, id="parse-bool"),
        pytest.param("1e3", id="parse-exponent"),
        pytest.param("--5", id="parse-double-minus"),
        pytest.param("-¥-5", id="parse-two-signs"),
        pytest.param("1 234", id="parse-inner-space"),
        pytest.param("10" * 20, id="parse-too-large"),
        pytest.param(None, id="parse-none"),
    ],
)
def test_parse_amount_rejects(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        parse_amount(value)  # type: ignore[arg-type]
    assert info.value.params["field"] == "金额"
    assert str(info.value).startswith("金额：")


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="人民币零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正拾两一", max_size=24),
    st.none() | st.integers(0, 10**9),
)
def test_c25_property_validator_never_crashes(text: str, fen: int | None) -> None:
    findings = validate_upper(text, fen)
    assert all(f.code in {"C24", "C25"} and f.message for f in findings)
    if not has_errors(findings) and fen is not None:
        assert text.removeprefix("人民币").lstrip("拾") != "" or fen == 0


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_parse_amount_round_trips_formatting(fen: int) -> None:
    assert parse_amount(format_fen(fen)) == fen
    assert parse_amount(fen_to_yuan_str(fen)) == fen
    assert parse_amount(format_fen(fen, symbol=False, grouping=False)) == fen
