"""The three import kinds: their fields (Chinese labels, header synonyms, types) and the plain records.

Records are what the import service receives: named tuples (immutable, cheap to make by the 100,000) with integer 分, ``datetime.date`` and
normalised strings, each carrying the spreadsheet row number it came from. No SQL here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

FieldType = Literal[
    "text", "name", "code", "date", "fen", "count", "gender", "phone", "idcard", "roles", "upper"
]
Kind = Literal["people", "vouchers", "ledger"]
KINDS: tuple[Kind, ...] = ("people", "vouchers", "ledger")
EXAMPLE_MARK = "【示例】"  # starts the example row of a template; the importer skips such rows


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str  # record attribute
    label: str  # Chinese column name shown to the user and written in templates
    type: FieldType
    required: bool = False
    synonyms: tuple[str, ...] = ()  # header texts (after normalisation) that mean this field
    example: str = ""
    width: int = 12  # template / export column width in characters

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


class PersonRecord(NamedTuple):
    row: int
    name: str
    gender: str | None = None
    id_number: str | None = None
    phone: str | None = None
    group: str | None = None
    roles: tuple[str, ...] = ()
    village: str | None = None
    start_date: _dt.date | None = None  # 任职日期 of the memberships in 身份 (import date when absent)


class VoucherRecord(NamedTuple):
    row: int
    number: str
    date: _dt.date
    handler: str
    summary: str
    amount_fen: int
    payee: str | None = None
    fund_source: str | None = None
    attachments: int | None = None
    remark: str | None = None
    village: str | None = None
    amount_upper: str | None = None  # 大写金额 as written (checked against amount_fen, C24/C25)


class LedgerRecord(NamedTuple):
    row: int
    date: _dt.date
    summary: str
    income_fen: int = 0
    expense_fen: int = 0
    number: str | None = None
    subject: str | None = None
    counterparty: str | None = None
    village: str | None = None


Record = PersonRecord | VoucherRecord | LedgerRecord

_VILLAGE = FieldSpec(
    "village",
    "村名",
    "name",
    synonyms=("村", "所属村", "村别", "村庄", "行政村", "村名称"),
    example="余东村",
    width=10,
)


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: Kind
    label: str  # 花名册 / 支出凭证 / 收支明细
    fields: tuple[FieldSpec, ...]
    record: type[PersonRecord] | type[VoucherRecord] | type[LedgerRecord]
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of fields of which at least one column must exist
    fen_fields: tuple[str, ...] = ()

    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)


PEOPLE = KindSpec(
    "people",
    "花名册",
    (
        FieldSpec("name", "姓名", "name", True, ("名字", "成员姓名", "人员姓名", "户主姓名"), "张三", 10),
        FieldSpec("gender", "性别", "gender", False, (), "男", 6),
        FieldSpec(
            "id_number",
            "身份证号",
            "idcard",
            False,
            ("身份证号码", "公民身份号码", "身份证", "证件号码", "身份证件号码", "身份号码"),
            "11010519491231002X",
            21,
        ),
        FieldSpec(
            "phone",
            "联系电话",
            "phone",
            False,
            ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "移动电话"),
            "13800000000",
            14,
        ),
        FieldSpec(
            "group", "村民小组", "name", False, ("小组", "组别", "所属小组", "组", "村小组"), "第一小组", 10
        ),
        FieldSpec(
            "roles",
            "身份",
            "roles",
            False,
            ("职务", "人员类别", "政治面貌", "身份类别", "类别", "人员身份"),
            "正式党员、村民代表",
            22,
        ),
        FieldSpec(
            "start_date",
            "任职日期",
            "date",
            False,
            ("任职时间", "任职开始日期", "当选日期", "任职起始日期"),
            "2026-01-01",
            12,
        ),
        _VILLAGE,
    ),
    PersonRecord,
)

VOUCHERS = KindSpec(
    "vouchers",
    "支出凭证",
    (
        FieldSpec(
            "number",
            "凭证号",
            "code",
            True,
            ("凭证编号", "凭证字号", "凭证号码", "单据号", "单据编号", "报销单号", "编号"),
            "记-001",
            10,
        ),
        FieldSpec(
            "date",
            "日期",
            "date",
            True,
            ("凭证日期", "发生日期", "报销日期", "支出日期", "记账日期", "填报日期"),
            "2026-10-05",
            12,
        ),
        FieldSpec("handler", "经手人", "name", True, ("经办人", "报销人", "经手", "经办"), "李四", 10),
        FieldSpec(
            "payee",
            "收款方",
            "name",
            False,
            ("收款人", "收款单位", "对方单位", "领款人", "收款单位(人)", "收款单位或个人"),
            "衢州市某某建材有限公司",
            24,
        ),
        FieldSpec(
            "summary",
            "摘要",
            "text",
            True,
            ("事由", "用途", "开支项目", "支出事由", "报销事由", "开支内容", "支出内容", "内容", "项目"),
            "村道路灯维修材料费",
            30,
        ),
        FieldSpec(
            "amount_fen",
            "金额",
            "fen",
            True,
            ("支出金额", "报销金额", "开支金额", "小写金额", "金额小写", "支付金额", "小写", "人民币小写"),
            "1,234.50",
            14,
        ),
        FieldSpec(
            "fund_source", "资金来源", "name", False, ("经费来源", "资金渠道", "来源"), "村集体经济收入", 16
        ),
        FieldSpec(
            "attachments",
            "附件张数",
            "count",
            False,
            ("附件", "附件数", "单据张数", "附单据张数", "附单据", "附件(张)"),
            "3",
            9,
        ),
        FieldSpec("remark", "备注", "text", False, ("说明", "附注"), "", 20),
        _VILLAGE,
        FieldSpec(
            "amount_upper",
            "大写金额",
            "upper",
            False,
            (
                "金额大写",
                "大写",
                "人民币大写",
                "金额人民币大写",
                "报销金额大写",
                "支出金额大写",
                "大写金额数",
            ),
            "人民币壹仟贰佰叁拾肆元伍角整",
            30,
        ),
    ),
    VoucherRecord,
    fen_fields=("amount_fen",),
)

LEDGER = KindSpec(
    "ledger",
    "收支明细",
    (
        FieldSpec(
            "date", "日期", "date", True, ("记账日期", "凭证日期", "发生日期", "业务日期"), "2026-10-05", 12
        ),
        FieldSpec(
            "number", "凭证号", "code", False, ("凭证字号", "凭证编号", "凭证号码", "单据号"), "记-001", 10
        ),
        FieldSpec("summary", "摘要", "text", True, ("事由", "内容", "业务摘要"), "收到上级补助资金", 30),
        FieldSpec(
            "subject",
            "科目",
            "name",
            False,
            ("会计科目", "科目名称", "总账科目", "收支科目", "收支项目"),
            "补助收入",
            14,
        ),
        FieldSpec("income_fen", "收入金额", "fen", False, ("收入", "收入额", "收入(元)"), "50,000.00", 14),
        FieldSpec("expense_fen", "支出金额", "fen", False, ("支出", "支出额", "支出(元)"), "", 14),
        FieldSpec(
            "counterparty",
            "对方单位",
            "name",
            False,
            ("往来单位", "对方户名", "对方名称", "收付款单位", "对方单位(人)", "收款单位", "付款单位"),
            "某某镇财政所",
            22,
        ),
        _VILLAGE,
    ),
    LedgerRecord,
    one_of=(("income_fen", "expense_fen"),),
    fen_fields=("income_fen", "expense_fen"),
)

SCHEMAS: dict[str, KindSpec] = {"people": PEOPLE, "vouchers": VOUCHERS, "ledger": LEDGER}

# Common 资金来源 values offered as a drop-down in templates (free text is still accepted).
FUND_SOURCES: tuple[str, ...] = (
    "村集体经济收入",
    "上级补助资金",
    "财政转移支付",
    "项目专项资金",
    "一事一议资金",
    "村级组织运转经费",
    "其他",
)


def kind_spec(kind: str) -> KindSpec:
    try:
        return SCHEMAS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}") from None
