"""Plain input records for the printable notices (五议两公开 notices, 财务公开表, 审核意见书, 审批单, 登记表).

Services fill these from the database; printing never reads the database.  Money is integer 分; dates are
``datetime.date``.  Every text field is checked glyph by glyph when drawn (MissingGlyph names the field).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

import msgspec

from quzhou_desktop.core.meetings import VOTE_METHOD_LABELS


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Header fields common to every kind."""

    kind: ClassVar[str] = ""
    organisation: str  # 村/组织名称, e.g. "柯城区石梁镇下村村"
    title: str  # full title, e.g. "下村村关于村道硬化工程实施方案的公示"
    date: dt.date  # 成文日期
    issuer: str  # 署名 (issuing body), e.g. "下村村村民委员会"
    code: str = ""  # verification code (verification.make_code); empty → no footer
    paper: str = "A4"  # "A4" or "A3"


@dataclass(frozen=True, kw_only=True)
class Meeting:
    body: str  # 村民代表会议, 村务联席会议, 党员大会 …
    date: dt.date
    place: str = ""
    chair: str = ""
    entitled: int | None = None  # 应到 (against the roster)
    present: int | None = None  # 实到


@dataclass(frozen=True, kw_only=True)
class Votes:
    yes: int
    no: int
    abstain: int
    method: str = VOTE_METHOD_LABELS["举手"]  # or 无记名投票


@dataclass(frozen=True, kw_only=True)
class PlanNotice(Notice):
    kind: ClassVar[str] = "plan"
    matter: str
    plan_text: str  # paragraphs separated by newlines
    meeting: Meeting  # the 商议 meeting
    posting_from: dt.date
    posting_to: dt.date
    feedback: str  # how to give opinions


@dataclass(frozen=True, kw_only=True)
class ResolutionNotice(Notice):
    kind: ClassVar[str] = "resolution"
    matter: str
    meeting: Meeting
    votes: Votes
    decision_text: str
    posting_from: dt.date
    posting_to: dt.date
    objection: str  # 意见箱 / phone


@dataclass(frozen=True, kw_only=True)
class AmountLine:
    label: str
    fen: int


@dataclass(frozen=True, kw_only=True)
class ResultNotice(Notice):
    kind: ClassVar[str] = "result"
    matter: str
    summary: str
    amounts: tuple[AmountLine, ...]
    completed: dt.date
    feedback: str  # 群众评议 channel
    posting_from: dt.date | None = None
    posting_to: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class FinanceLine:
    date: dt.date
    summary: str  # 摘要 / 开支项目
    income_fen: int = 0
    expense_fen: int = 0
    source: str = ""  # 资金来源
    department: str = ""  # 使用部门
    opinion: str = ""  # 审核意见


@dataclass(frozen=True, kw_only=True)
class FinanceNotice(Notice):
    kind: ClassVar[str] = "finance"
    period: str  # "2026年10月" / "2026年第三季度"
    lines: tuple[FinanceLine, ...]
    reviewers: tuple[str, ...]  # 村监会 reviewer names
    review_date: dt.date
    review_opinion: str = "经审核，以上收支真实、合规，同意公开。"


@dataclass(frozen=True, kw_only=True)
class ReviewedVoucher:
    no: str
    date: dt.date
    payee: str
    purpose: str
    fen: int
    opinion: str  # 同意 / 补正 / 不同意 …


@dataclass(frozen=True, kw_only=True)
class Signer:
    role: str  # 村监会主任 / 委员 …
    name: str = ""  # empty → a blank line to sign by hand


@dataclass(frozen=True, kw_only=True)
class ReviewReport(Notice):
    kind: ClassVar[str] = "review"
    month: str  # "2026年10月"
    meeting_date: dt.date
    attendees: tuple[str, ...]
    vouchers: tuple[ReviewedVoucher, ...]
    overall_opinion: str
    signers: tuple[Signer, ...]


@dataclass(frozen=True, kw_only=True)
class Signoff:
    name: str = ""
    date: dt.date | None = None
    opinion: str = ""


@dataclass(frozen=True, kw_only=True)
class VoucherForm(Notice):
    kind: ClassVar[str] = "voucher"
    no: str
    voucher_date: dt.date
    handler: str  # 经手人
    witness: str  # 证明人
    payee: str
    purpose: str
    fen: int
    funding_source: str
    attachments: int
    decision_ref: str = ""  # 决议 / 联席会议 record reference (C16)
    review: Signoff = Signoff()  # 村监会审核: opinion, names, date
    director: Signoff = Signoff()  # 主任/社长签字
    secretary: Signoff = Signoff()  # 书记签字
    joint_note: str = ""  # 一肩挑: one signature recorded as both 主任 and 书记 (C32)
    agency: Signoff = Signoff()  # 代理中心受理


@dataclass(frozen=True, kw_only=True)
class RegisterStep:
    step: str  # 提议 / 商议 / 审议 / 决议 / 决议公开 / 实施 / 实施结果公开
    date: dt.date
    form: str  # 会议形式, e.g. 村务联席会议
    entitled: int | None = None
    present: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    result: str = ""  # 通过 / 未通过 / 会议无效 of a vote
    content: str = ""
    signatures: str = ""  # names, or empty for hand signatures


@dataclass(frozen=True, kw_only=True)
class RegisterForm(Notice):
    kind: ClassVar[str] = "register"
    matter: str
    category: str = ""
    steps: tuple[RegisterStep, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DisclosureTable:
    """A table of a 党务/村务 disclosure: column headings and rows of plain text cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, kw_only=True)
class DisclosureNotice(Notice):
    """A 党务公开 or 村务公开 for the 公开栏: title, period, body and table, the 村监会 review when recorded."""

    kind: ClassVar[str] = "disclosure"
    category: str  # 党务公开 / 村务公开
    item: str = ""  # the 公开目录 item, e.g. "党员党费缴纳情况（定期公开）"
    period: str = ""  # "2026年第三季度" / "2026年" / "2026年10月1日至2026年10月15日"
    addressee: str = "全体村民："
    body: str = ""  # paragraphs separated by newlines
    table: DisclosureTable | None = None
    closing: str = ""  # paragraphs after the table
    posting_from: dt.date | None = None
    posting_to: dt.date | None = None
    feedback: str = ""
    reviewers: tuple[str, ...] = ()  # 村监会 reviewer names; empty → not reviewed
    review_date: dt.date | None = None
    review_opinion: str = ""


KINDS: dict[str, type[Notice]] = {
    cls.kind: cls
    for cls in (
        PlanNotice,
        ResolutionNotice,
        ResultNotice,
        FinanceNotice,
        ReviewReport,
        VoucherForm,
        RegisterForm,
        DisclosureNotice,
    )
}


# The canonical form is the text ``json.dumps(ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` gives
# for the document as plain data (records as objects of their fields, sequences as arrays, dates as ISO text),
# UTF-8 encoded. msgspec writes exactly that text from the records themselves (no plain copy first), several
# times faster: a 200-notice batch converts tens of thousands of values. tests/printing/test_documents.py holds
# the two equal.
_encode = msgspec.json.Encoder(order="sorted").encode
_FIELDS: dict[type, tuple[str, ...]] = {}  # per Notice class: its fields but code and paper


def canonical_content(doc: Notice) -> bytes:
    """Deterministic bytes of everything printed except the code and paper: feed to verification.make_code."""
    cls = type(doc)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in ("code", "paper")
        )
    data: dict[str, Any] = {name: getattr(doc, name) for name in names}
    data["kind"] = doc.kind
    return _encode(data)
