"""Per-township rule configuration: every threshold, period and step list of ``core.rules`` that townships set.

``TownshipRules`` is immutable and validated on construction; ``FIELDS`` describes every setting so a settings
screen can be generic; ``help`` says what the setting does, and the rules tab adds the rules it changes
(``core.rules.rules_for_setting``) with their sources.  The spending tiers are examples only (C16).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from quzhou_desktop.core.errors import ValidationError

__all__ = ["FIELDS", "FieldSpec", "TownshipRules", "format_value", "unit_of"]

FieldKind = Literal["int", "fen", "bool", "choice"]


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one setting: key, Chinese label, kind, bounds, choices (value, Chinese label), help."""

    key: str
    label: str
    kind: FieldKind
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()


# 保管期限 choices of the archive categories (C42), as ``core.archive.RETENTIONS``.
_RETENTION: tuple[tuple[str, str], ...] = (("permanent", "永久"), ("30y", "30年"), ("10y", "10年"))

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("rep_pass_base_all_members", "代表会议按全体组成人员过半数通过", "bool",
              "勾选后村民代表会议须经全体组成人员过半数赞成（部分地方的更严规定）；不勾选则为到会人员过半数（法定）。"),
    FieldSpec("party_two_thirds_attendance", "党员大会执行三分之二到会规定", "bool",
              "四议两公开实践要求到会党员占三分之二以上；不勾选时仍执行支部工作条例的半数到会、超过应到半数赞成。"),
    FieldSpec("rep_ratio_mode", "村民代表推选方式", "choice",
              "按户推选时每5至15户推选1人；按村民小组推选时不检查户数比例。",
              choices=(("households", "按户推选（5至15户1人）"), ("groups", "按村民小组推选"))),
    FieldSpec("plan_posting_days", "方案公示天数", "int",
              "商议后方案公示的天数，自公示次日起算，期满后方可召开党员大会审议（宁海为15日）。", 0, 90),
    FieldSpec("result_posting_days", "决议公示天数", "int",
              "决议公开的天数，自张贴次日起算（宁海为3日）。", 0, 90),
    FieldSpec("notice_days_villagers", "村民会议提前通知天数", "int",
              "村民会议应提前通知的天数（紧急情况除外），默认10日。", 0, 60),
    FieldSpec("notice_days_representatives", "村民代表会议提前通知天数", "int",
              "村民代表会议应提前送达议题和材料的天数，默认3日。", 0, 60),
    FieldSpec("spending_t1_fen", "数额较大起点（元）", "fen",
              "达到此金额的支出须先经村务联席会议商议同意。默认5,000元仅为示例，请按乡镇规定设置。",
              1, 10**14),
    FieldSpec("spending_t2_fen", "数额巨大起点（元）", "fen",
              "达到此金额的支出还须经村民（代表）会议决定。默认50,000元仅为示例，请按乡镇规定设置。",
              1, 10**14),
    FieldSpec("review_mode", "村监会审核签字方式", "choice",
              "全体成员签字（武义后村做法），或超过一定金额须村监会主任签字（后陈村做法）。",
              choices=(("chair_above", "超过限额须主任签字"), ("all_members", "全体成员签字"))),
    FieldSpec("review_chair_threshold_fen", "须村监会主任签字的金额（元，超过）", "fen",
              "支出超过此金额时须村监会主任签字（后陈村为2,000元）。", 0, 10**14),
    FieldSpec("review_min_concurring", "须同意的村监会成员人数", "int",
              "审核同意须签字的村监会成员最少人数；0 表示过半数成员。", 0, 5),
    FieldSpec("finance_monthly_if_busy", "财务往来较多的村每月公开", "bool",
              "财务往来较多的村，财务收支每月公开一次；否则至少每季度一次。"),
    FieldSpec("disclosure_deadline_day", "定期公开截止日", "int",
              "每季度（或每月）第一个月的此日前完成定期公开，默认20日。", 1, 28),
    FieldSpec("disclosure_review_scope", "须经村监会审核方可公开的类别", "choice",
              "财务公开须经村务监督委员会审核签字后方可公开、打印；乡镇可要求村务公开（或党务、村务公开）也先审后公开，"
              "未审核的不能公开、打印。",
              choices=(("finance", "只有财务公开"), ("finance_village", "财务公开和村务公开"),
                       ("all", "党务、村务、财务公开"))),
    FieldSpec("fixed_disclosure_month", "固定公开截止月份", "int",
              "每年公开一次的固定公开事项（党组织设置、年度目标等），须在当年此月的定期公开截止日前公开；"
              "默认1月，即1月20日前。", 1, 12),
    FieldSpec("resolution_disclosure_days", "决议公开期限（天）", "int",
              "决议通过后，须在此天数内公开决议，超过的列为逾期；默认1天，即决议次日。", 0, 30),
    FieldSpec("result_disclosure_days", "实施结果公开期限（天）", "int",
              "组织实施完成后，须在此天数内公开实施结果，超过的列为逾期；默认30天。", 1, 365),
    FieldSpec("stall_days", "五议两公开其他步骤推进期限（天）", "int",
              "其他步骤自上一步起超过此天数仍未推进的，列为逾期；默认90天。", 7, 730),
    FieldSpec("reply_days", "意见答复期限（天）", "int",
              "对群众意见、质询应在此天数内答复，默认10日。", 1, 60),
    FieldSpec("upper_small_style", "不足一元的大写写法", "choice",
              "不足一元的金额大写，如0.07元写作“人民币柒分”或“人民币零元零角柒分”。",
              choices=(("short", "人民币柒分"), ("full", "人民币零元零角柒分"))),
    FieldSpec("include_suggest", "设“党员群众建议”步骤", "bool",
              "五议两公开是否以党员群众建议为第一步（可跳过）。"),
    FieldSpec("include_plan_posting", "设“方案公示”步骤", "bool",
              "商议后、审议前是否须公示方案（宁海做法）。"),
    FieldSpec("include_supervisory_review", "设“村监会核议”步骤", "bool",
              "商议后是否须经村务监督委员会核议。"),
    FieldSpec("merge_propose_consult", "“一肩挑”村提议、商议合并进行", "bool",
              "书记、主任“一肩挑”的村可将提议和商议合并为一次会议。"),
    FieldSpec("contract_grace_days", "合同收付款宽限天数", "int",
              "合同每期款项到期后，超过此天数仍未收（付）清的列为逾期；默认0天，即到期日次日起算逾期。", 0, 365),
    FieldSpec("contract_expiry_days", "合同到期提醒天数", "int",
              "合同在到期前此天数内列入工作台提醒，以便及时续签或收回资产，默认90天。", 1, 730),
    FieldSpec("evaluation_competent_pct", "评为称职的满意票比例（超过）", "int",
              "民主评议中满意票超过参评票数的此比例的，评为称职（默认超过50%）。", 1, 99),
    FieldSpec("evaluation_incompetent_pct", "评为不称职的不满意票比例（超过）", "int",
              "民主评议中不满意票超过参评票数的此比例的，评为不称职（默认超过50%）；其余为基本称职。", 1, 99),
    FieldSpec("archive_retention_party", "档案保管期限：党群工作类", "choice",
              "党务公开等党群工作类档案的保管期限，默认永久。", choices=_RETENTION),
    FieldSpec("archive_retention_admin", "档案保管期限：村务管理类", "choice",
              "五议两公开登记表、会议记录、决议公告、村务公开、村监会审核意见书、民主评议等村务管理类档案的"
              "保管期限，默认永久。", choices=_RETENTION),
    FieldSpec("archive_retention_business", "档案保管期限：经营管理类", "choice",
              "集体资产资源台账、承包租赁等经营合同的保管期限，默认永久。", choices=_RETENTION),
    FieldSpec("archive_retention_construction", "档案保管期限：基本建设类", "choice",
              "工程合同等基本建设类档案的保管期限，默认永久。", choices=_RETENTION),
    FieldSpec("archive_retention_accounting", "档案保管期限：会计类", "choice",
              "支出凭证、收支明细账、财务公开表等会计类档案的保管期限，默认30年（会计凭证、会计账簿）。",
              choices=_RETENTION),
    FieldSpec("archive_retention_audiovisual", "档案保管期限：声像类", "choice",
              "公示现场照片等声像类档案的保管期限，默认永久。", choices=_RETENTION),
)  # fmt: skip

_BY_KEY = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class TownshipRules:
    """All configurable thresholds; construction validates every value (``ValidationError`` on bad input)."""

    rep_pass_base_all_members: bool = False  # C4 strict
    party_two_thirds_attendance: bool = True  # C8 on top of C7
    rep_ratio_mode: str = "households"  # C6
    plan_posting_days: int = 15  # C11
    result_posting_days: int = 3  # C12
    notice_days_villagers: int = 10  # C13
    notice_days_representatives: int = 3  # C13
    spending_t1_fen: int = 500_000  # C16, example only: 5,000 元
    spending_t2_fen: int = 5_000_000  # C16, example only: 50,000 元
    review_mode: str = "chair_above"  # C18
    review_chair_threshold_fen: int = 200_000  # C18: 2,000 元
    review_min_concurring: int = 0  # C18: 0 = more than half of the committee
    finance_monthly_if_busy: bool = True  # C20
    disclosure_deadline_day: int = 20  # C21
    disclosure_review_scope: str = "finance"  # C31: categories that need the 村监会 review before posting
    fixed_disclosure_month: int = 1  # C21: yearly (固定) items by the deadline day of this month
    resolution_disclosure_days: int = 1  # C41: 决议公开 at the latest the day after the 决议
    result_disclosure_days: int = 30  # C41: 实施结果公开 within 30 days of the 实施
    stall_days: int = 90  # C41: any other step within 90 days of the previous one
    reply_days: int = 10  # C23
    upper_small_style: str = "short"  # C24
    include_suggest: bool = True  # C10 (Quzhou wording starts with 建议)
    include_plan_posting: bool = True  # C10/C11
    include_supervisory_review: bool = False  # C10 (村监会核议 variant)
    merge_propose_consult: bool = False  # C10 (一肩挑)
    contract_grace_days: int = 0  # C34
    contract_expiry_days: int = 90  # C34 reminder on the 工作台
    evaluation_competent_pct: int = 50  # C22: 满意 > 50% → 称职
    evaluation_incompetent_pct: int = 50  # C22: 不满意 > 50% → 不称职
    archive_retention_party: str = "permanent"  # C42
    archive_retention_admin: str = "permanent"  # C42
    archive_retention_business: str = "permanent"  # C42
    archive_retention_construction: str = "permanent"  # C42
    archive_retention_accounting: str = "30y"  # C42: 会计档案管理办法 第十四条 (凭证、账簿 30年)
    archive_retention_audiovisual: str = "permanent"  # C42

    def __post_init__(self) -> None:
        for spec in FIELDS:
            _check_value(spec, getattr(self, spec.key))
        self.validate()

    def validate(self) -> None:
        """Cross-field checks (field-level checks run in ``__post_init__``)."""
        if self.spending_t1_fen >= self.spending_t2_fen:
            raise ValidationError(field=_BY_KEY["spending_t2_fen"].label, reason="应大于“数额较大起点”")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TownshipRules:
        """Build from stored settings; unknown keys are ignored, missing keys take defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def with_changes(self, **changes: Any) -> TownshipRules:
        return replace(self, **changes)

    def review_required(self, category: str) -> bool:
        """C31: whether a disclosure of ``category`` (party / village / finance) needs the 村监会 review before it is
        posted or printed."""
        scope = {"finance": ("finance",), "finance_village": ("finance", "village")}
        return category in scope.get(self.disclosure_review_scope, ("finance", "village", "party"))


def unit_of(spec: FieldSpec) -> str:
    """The unit a number is shown with: 元, 天, 日 (a day of the month), 人, or nothing."""
    if spec.kind == "fen":
        return "元"
    if spec.key.endswith("_days") or spec.key.startswith("notice_days"):
        return "天"
    if spec.key == "fixed_disclosure_month":
        return "月"
    if spec.key == "disclosure_deadline_day":
        return "日"
    if spec.key == "review_min_concurring":
        return "人"
    if spec.key.endswith("_pct"):
        return "%"
    return ""


def format_value(spec: FieldSpec, value: Any) -> str:
    """A setting's value as users read it: 是/否, the choice's label, "5,000.00元", "15天"."""
    if spec.kind == "bool":
        return "是" if value else "否"
    if spec.kind == "choice":
        return dict(spec.choices).get(str(value), str(value))
    if spec.kind == "fen":
        return _show(spec, int(value))
    if spec.key == "review_min_concurring" and value == 0:
        return "过半数成员"
    return f"{value}{unit_of(spec)}"


def _check_value(spec: FieldSpec, value: object) -> None:
    def bad(reason: str) -> ValidationError:
        return ValidationError(field=spec.label, reason=reason)

    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad("应为“是”或“否”")
        return
    if spec.kind == "choice":
        allowed = [c for c, _ in spec.choices]
        if value not in allowed:
            raise bad("应为以下之一：" + "、".join(label for _, label in spec.choices))
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad("应为整数")
    if spec.minimum is not None and value < spec.minimum:
        raise bad(f"不能小于{_show(spec, spec.minimum)}")
    if spec.maximum is not None and value > spec.maximum:
        raise bad(f"不能大于{_show(spec, spec.maximum)}")


def _show(spec: FieldSpec, value: int) -> str:
    if spec.kind == "fen":
        yuan, fen = divmod(value, 100)
        return f"{yuan:,}.{fen:02d}元"
    return str(value)
