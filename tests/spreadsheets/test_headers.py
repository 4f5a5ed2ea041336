"""spreadsheets.headers: header normalisation, synonyms, title rows, two-row merged headers."""

from __future__ import annotations

import pytest

from quzhou_desktop.spreadsheets.headers import ColumnMapping, detect_header, normalize_header
from quzhou_desktop.spreadsheets.schemas import LEDGER, PEOPLE, VOUCHERS, KindSpec


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("金额（元）", "金额"),
        ("金额(元)", "金额"),
        (" 金　额\n（元）", "金额"),
        ("*姓名", "姓名"),
        ("收款单位(人)", "收款单位"),
        ("附件：", "附件"),
        (12, ""),
    ],
)
def test_normalize_header(raw: object, expected: str) -> None:
    assert normalize_header(raw) == expected


@pytest.mark.parametrize(
    ("spec", "header", "field"),
    [
        (VOUCHERS, "金额(元)", "amount_fen"),
        (VOUCHERS, "金额（元）", "amount_fen"),
        (VOUCHERS, "支出金额", "amount_fen"),
        (VOUCHERS, "报销金额", "amount_fen"),
        (VOUCHERS, "事由", "summary"),
        (VOUCHERS, "用途", "summary"),
        (VOUCHERS, "开支项目", "summary"),
        (VOUCHERS, "收款人", "payee"),
        (VOUCHERS, "收款单位", "payee"),
        (VOUCHERS, "对方单位", "payee"),
        (VOUCHERS, "凭证日期", "date"),
        (VOUCHERS, "发生日期", "date"),
        (VOUCHERS, "凭证字号", "number"),
        (VOUCHERS, "单据号", "number"),
        (VOUCHERS, "经办人", "handler"),
        (VOUCHERS, "报销人", "handler"),
        (VOUCHERS, "所属村", "village"),
        (VOUCHERS, "村", "village"),
        (LEDGER, "对方单位", "counterparty"),
        (LEDGER, "会计科目", "subject"),
        (PEOPLE, "公民身份号码", "id_number"),
        (PEOPLE, "手机号码", "phone"),
        (PEOPLE, "政治面貌", "roles"),
    ],
)
def test_synonyms(spec: KindSpec, header: str, field: str) -> None:
    others = {"amount_fen": "摘要", "summary": "金额", "date": "摘要"}.get(
        field, "日期" if spec is not PEOPLE else "姓名"
    )
    rows = [(1, [header, others])]
    m = detect_header(rows, spec)
    assert m is not None and m.columns[field] == 0


def test_title_rows_are_skipped() -> None:
    rows: list[tuple[int, list[object]]] = [
        (1, ["余东村2026年支出凭证登记表", "", "", ""]),
        (2, ["填报单位：余东村", "", "", "单位：元"]),
        (3, ["凭证号", "日期", "摘要", "金额"]),
        (4, ["记-1", "2026-01-01", "买灯泡", 12.0]),
    ]
    m = detect_header(rows, VOUCHERS)
    assert m is not None
    assert (m.header_row, m.header_rows) == (3, 1)
    assert m.columns == {"number": 0, "date": 1, "summary": 2, "amount_fen": 3}


def test_two_row_header_with_merge_information() -> None:
    rows = [
        (1, ["收支明细账", "", "", "", ""]),
        (2, ["日期", "摘要", "金额", "", "对方单位"]),
        (3, ["", "", "收入", "支出", ""]),
        (4, ["2026-01-01", "补助", "100", "", "财政所"]),
    ]
    m = detect_header(rows, LEDGER, merged=[(1, 2, 1, 3)])
    assert m is not None
    assert (m.header_row, m.header_rows) == (3, 2)
    assert m.columns == {"date": 0, "summary": 1, "income_fen": 2, "expense_fen": 3, "counterparty": 4}
    assert m.header_text(2) == "收入"


def test_two_row_header_without_merge_information() -> None:
    # CSV and some writers lose the merge; a blank upper cell over a sub-header joins the group on its left.
    rows = [(1, ["日期", "摘要", "金额", "", "备注"]), (2, ["", "", "收入", "支出", ""])]
    m = detect_header(rows, LEDGER)
    assert m is not None and m.columns["income_fen"] == 2 and m.columns["expense_fen"] == 3


def test_no_header_found() -> None:
    assert detect_header([(1, ["甲", "乙", "丙"]), (2, [1.0, 2.0, 3.0])], VOUCHERS) is None


def test_mapping_correction_and_missing_fields_in_chinese() -> None:
    m = ColumnMapping(
        "vouchers", 1, 1, {"number": 0, "date": 1, "summary": 2}, {0: "凭证号", 1: "日期", 2: "摘要", 3: "钱"}
    )
    assert m.missing(VOUCHERS) == ["经手人", "金额"]
    assert "缺少必填列：经手人、金额" in (m.missing_message(VOUCHERS) or "")
    fixed = m.with_column("amount_fen", 3).with_column("handler", 4)
    assert fixed.missing(VOUCHERS) == []
    assert fixed.with_column("amount_fen", None).missing(VOUCHERS) == ["金额"]
    described = {label: (need, letter) for label, need, letter, _ in fixed.describe(VOUCHERS)}
    assert described["金额"] == ("必填", "D") and described["备注"] == ("选填", None)


def test_ledger_needs_income_or_expense() -> None:
    m = ColumnMapping("ledger", 1, 1, {"date": 0, "summary": 1})
    assert m.missing(LEDGER) == ["收入金额或支出金额"]
