"""The import kinds: their fields (Chinese labels, header synonyms, types) and the plain records.

Records are what the import service receives: named tuples (immutable, cheap to make by the 100,000) with integer 分, ``datetime.date`` and
normalised strings, each carrying the spreadsheet row number it came from. No SQL here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

FieldType = Literal[
    "text", "name", "code", "date", "fen", "count", "gender", "phone", "idcard", "roles", "upper", "area"
]
Kind = Literal["people", "vouchers", "ledger", "assets", "contracts"]
KINDS: tuple[Kind, ...] = ("people", "vouchers", "ledger", "assets", "contracts")
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


class AssetRecord(NamedTuple):
    """One line of a village's 资产资源台账; ``kind`` and ``status`` as written until the row check maps them."""

    row: int
    name: str
    kind: str
    status: str
    code: str | None = None
    location: str | None = None
    area: int | None = (
        None  # hundredths of ``area_unit`` (the reader gives (hundredths, unit the cell writes))
    )
    area_unit: str | None = None
    value_fen: int | None = None
    acquired_on: _dt.date | None = None
    note: str | None = None
    village: str | None = None


class ContractRecord(NamedTuple):
    """One line of a village's 合同台账: the contract, its other party, subject, term and how it is paid."""

    row: int
    number: str
    title: str
    kind: str
    party: str
    amount_fen: int
    start: _dt.date
    end: _dt.date
    signed_on: _dt.date | None = None
    party_code: str | None = None
    party_phone: str | None = None
    asset: str | None = None
    subject: str | None = None
    period: str | None = None
    deposit_fen: int | None = None
    decision: str | None = None
    note: str | None = None
    village: str | None = None


Record = PersonRecord | VoucherRecord | LedgerRecord | AssetRecord | ContractRecord

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
    record: (
        type[PersonRecord]
        | type[VoucherRecord]
        | type[LedgerRecord]
        | type[AssetRecord]
        | type[ContractRecord]
    )
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

ASSETS = KindSpec(
    "assets",
    "资产资源台账",
    (
        FieldSpec("code", "资产编号", "code", False, ("编号", "资产资源编号", "资产代码"), "ZC-001", 10),
        FieldSpec(
            "name",
            "资产名称",
            "name",
            True,
            ("名称", "资产资源名称", "资源名称", "项目名称"),
            "村文化礼堂",
            20,
        ),
        FieldSpec(
            "kind", "类别", "name", True, ("资产类别", "资产类型", "类型", "资源类别"), "房屋建筑物", 12
        ),
        FieldSpec(
            "location", "坐落位置", "text", False, ("坐落", "位置", "地点", "四至"), "村中心路18号", 20
        ),
        FieldSpec("area", "面积", "area", False, ("数量", "建筑面积", "占地面积", "土地面积"), "420", 10),
        FieldSpec("area_unit", "面积单位", "name", False, ("计量单位", "单位"), "平方米", 8),
        FieldSpec(
            "value_fen",
            "价值",
            "fen",
            False,
            ("原值", "账面价值", "评估价值", "资产原值", "金额"),
            "650,000.00",
            14,
        ),
        FieldSpec(
            "acquired_on", "取得日期", "date", False, ("购建日期", "建成日期", "取得时间"), "2008-06-30", 12
        ),
        FieldSpec("status", "使用状态", "name", True, ("状态", "现状", "使用情况", "经营方式"), "出租", 10),
        FieldSpec("note", "备注", "text", False, ("说明",), "", 20),
        _VILLAGE,
    ),
    AssetRecord,
)

CONTRACTS = KindSpec(
    "contracts",
    "合同台账",
    (
        FieldSpec("number", "合同编号", "code", True, ("编号", "合同号", "合同序号"), "HT-2026-01", 12),
        FieldSpec(
            "title", "合同名称", "text", True, ("名称", "项目名称", "合同项目"), "村老会堂租赁合同", 24
        ),
        FieldSpec("kind", "合同类型", "name", True, ("类型", "合同类别", "类别", "经营方式"), "租赁", 10),
        FieldSpec(
            "party",
            "乙方",
            "name",
            True,
            ("承租方", "承包方", "承包人", "承租人", "对方单位", "合同相对方", "签约对方", "乙方名称"),
            "衢州市某某农产品有限公司",
            24,
        ),
        FieldSpec(
            "party_code",
            "证件号码",
            "code",
            False,
            ("乙方证件号码", "身份证号", "统一社会信用代码", "信用代码"),
            "",
            20,
        ),
        FieldSpec(
            "party_phone", "联系电话", "phone", False, ("电话", "乙方电话", "手机"), "0570-3012345", 14
        ),
        FieldSpec(
            "asset", "标的资产", "name", False, ("资产名称", "标的", "资产资源", "资产编号"), "村老会堂", 16
        ),
        FieldSpec("subject", "标的说明", "text", False, ("合同内容", "标的物", "内容"), "整栋420平方米", 20),
        FieldSpec(
            "amount_fen",
            "合同金额",
            "fen",
            True,
            ("金额", "合同总金额", "总金额", "合同价款", "承包金", "租金总额"),
            "144,000.00",
            14,
        ),
        FieldSpec("signed_on", "签订日期", "date", False, ("签约日期", "签订时间"), "2025-09-21", 12),
        FieldSpec(
            "start",
            "开始日期",
            "date",
            True,
            ("起始日期", "合同开始日期", "起租日期", "承包开始日期", "起始时间"),
            "2025-10-01",
            12,
        ),
        FieldSpec(
            "end",
            "结束日期",
            "date",
            True,
            ("终止日期", "合同结束日期", "到期日期", "截止日期", "到期时间"),
            "2028-09-30",
            12,
        ),
        FieldSpec(
            "period", "收付方式", "name", False, ("付款方式", "收款方式", "缴费方式", "支付方式"), "每年", 10
        ),
        FieldSpec(
            "deposit_fen", "保证金", "fen", False, ("押金", "履约保证金", "保证金金额"), "10,000.00", 12
        ),
        FieldSpec(
            "decision",
            "决议依据",
            "text",
            False,
            ("决议", "村民代表会议决议", "审批情况", "决策程序"),
            "2025年9月村民代表会议决议",
            24,
        ),
        FieldSpec("note", "备注", "text", False, ("说明",), "", 20),
        _VILLAGE,
    ),
    ContractRecord,
    fen_fields=("amount_fen",),
)

SCHEMAS: dict[str, KindSpec] = {
    "people": PEOPLE,
    "vouchers": VOUCHERS,
    "ledger": LEDGER,
    "assets": ASSETS,
    "contracts": CONTRACTS,
}

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
