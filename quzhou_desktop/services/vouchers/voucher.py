"""支出凭证 entry: create and edit drafts, submit to the 村监会, corrections as new versions, void, lists.

Lists and lookups are in ``services.vouchers.query``; review, signatures and delivery in ``services.vouchers.flow``; the monthly meeting and month lock in ``services.vouchers.monthly``;
queues and the 监督台账 in ``services.vouchers.queues``; plain data for printing and export in ``services.vouchers.data``.
A voucher is edited in place only while it is a draft; once anyone has reviewed it, a correction is a new
version (same number, version + 1) and the old one is kept as superseded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.core.rules import with_basis
from quzhou_desktop.core.vouchers import VoucherState, check_decisions, check_transition
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules, rules_in
from quzhou_desktop.services.kernel.validate import clean_name, non_negative_int, optional, required
from quzhou_desktop.services.vouchers.common import (
    SUPERSEDED,
    RuleFailed,
    add_event,
    check_month_open,
    load_voucher,
    state_of,
    status_label,
)
from quzhou_desktop.store.models import Matter, MatterStep, Person, Village, Voucher

__all__ = [
    "VoucherFields",
    "VoucherFilter",
    "VoucherRow",
    "add_scan",
    "correct_voucher",
    "create_voucher",
    "submit_voucher",
    "update_voucher",
    "void_voucher",
]

MAX_AMOUNT_FEN = 100_000_000_000  # 10亿元: anything above is a typing mistake


@dataclass(frozen=True)
class VoucherFields:
    """What the 报账员 enters. ``amount_fen`` is integer 分; person ids are optional roster links."""

    number: str
    voucher_date: date
    handler_name: str
    payee: str
    purpose: str
    amount_fen: int
    witness_name: str | None = None
    funding_source: str | None = None
    budget_line: str | None = None
    invoice_count: int = 0
    decision_ref: str | None = None  # 村务联席会议 decision (C16 数额较大)
    decision_step_id: str | None = None
    resolution_ref: str | None = None  # 村民（代表）会议 resolution (C16 数额巨大)
    resolution_step_id: str | None = None
    note: str | None = None
    handler_person_id: str | None = None
    payee_person_id: str | None = None


@dataclass(frozen=True)
class VoucherRow:
    id: str
    village_id: str
    village_name: str
    year: int
    number: str
    version: int
    voucher_date: date
    handler_name: str
    payee: str
    purpose: str
    amount_fen: int
    status: str
    submitted_at: datetime | None
    prepared_by: str | None

    @property
    def amount_text(self) -> str:
        return format_fen(self.amount_fen)

    @property
    def amount_upper(self) -> str:
        return fen_to_upper(self.amount_fen)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def number_text(self) -> str:
        return self.number if self.version == 1 else f"{self.number}（第{self.version}版）"


@dataclass(frozen=True)
class VoucherFilter:
    village_id: str | None = None
    year: int | None = None
    month: int | None = None
    statuses: frozenset[str] = field(default_factory=frozenset)
    text: str = ""
    include_superseded: bool = False
    start: date | None = None
    end: date | None = None


# ---------------------------------------------------------------------------------------------------------
# validation


def clean_fields(f: VoucherFields) -> VoucherFields:
    if not isinstance(f.voucher_date, date):
        raise ValidationError(field="凭证日期", reason="请填写日期")
    amount = int(f.amount_fen)
    if amount <= 0:
        raise ValidationError(field="金额", reason="必须大于零")
    if amount > MAX_AMOUNT_FEN:
        raise ValidationError(field="金额", reason=f"{format_fen(amount)}过大，请核对")
    return replace(
        f,
        number=required(f.number, "凭证号", max_len=30),
        handler_name=clean_name(required(f.handler_name, "经手人", max_len=40)),
        witness_name=clean_name(optional(f.witness_name, "证明人", max_len=40)) or None,
        payee=required(f.payee, "收款人（单位）", max_len=100),
        purpose=required(f.purpose, "用途（摘要）", max_len=200),
        amount_fen=amount,
        funding_source=optional(f.funding_source, "资金来源", max_len=60),
        budget_line=optional(f.budget_line, "预算项目", max_len=60),
        invoice_count=non_negative_int(f.invoice_count, "附单据张数", maximum=999),
        decision_ref=optional(f.decision_ref, "联席会议决定", max_len=200),
        resolution_ref=optional(f.resolution_ref, "村民（代表）会议决议", max_len=200),
        note=optional(f.note, "备注", max_len=1000),
    )


def _person_by_name(s: Session, village_id: str, name: str) -> str | None:
    """The roster person of that name when exactly one active person has it (links 经手人/收款人)."""
    ids = s.scalars(
        select(Person.id).where(Person.village_id == village_id, Person.name == name, Person.active.is_(True))
    ).all()
    return ids[0] if len(ids) == 1 else None


# Bodies whose passed decision a voucher may cite (C16): the 决定 of the 联席会议, the 决议 of the 村民(代表)会议.
_DECISION_BODIES = {"decision": ("joint",), "resolution": ("representatives", "villagers")}


def _check_decision(s: Session, v: Voucher, step_id: str | None, slot: str, voucher_date: date) -> None:
    """A linked decision must be this village's, final and passed, of the body its slot needs, and dated on
    or before the voucher (C16)."""
    if not step_id:
        return
    step = s.get(MatterStep, step_id)
    if step is None:
        raise NotFound(what="所关联的五议两公开决策记录")
    field_name = "联席会议决定" if slot == "decision" else "村民（代表）会议决议"

    matter = s.get(Matter, step.matter_id)
    if matter is None or matter.village_id != v.village_id:
        raise ValidationError(field=field_name, reason="所选记录不是本村的决策")
    if step.state != "final" or step.passed is not True:
        raise ValidationError(field=field_name, reason="所选记录尚未定稿或未获通过，不能作为支出依据")
    if step.body not in _DECISION_BODIES[slot]:
        need = "村务联席会议的决定" if slot == "decision" else "村民会议或村民代表会议的决议"
        raise ValidationError(field=field_name, reason=with_basis(f"此处须关联{need}", "C16"))
    if step.meeting_date is None or step.meeting_date > voucher_date:
        raise ValidationError(
            field=field_name, reason=with_basis("所选决策晚于凭证日期：支出须先经决策，再办理", "C16")
        )


def _apply(s: Session, v: Voucher, f: VoucherFields) -> None:
    _check_decision(s, v, f.decision_step_id, "decision", f.voucher_date)
    _check_decision(s, v, f.resolution_step_id, "resolution", f.voucher_date)
    v.year = f.voucher_date.year
    v.number = f.number
    v.voucher_date = f.voucher_date
    v.handler_name = f.handler_name
    v.handler_person_id = f.handler_person_id or _person_by_name(s, v.village_id, f.handler_name)
    v.witness_name = f.witness_name
    v.payee = f.payee
    v.payee_person_id = f.payee_person_id or _person_by_name(s, v.village_id, f.payee)
    v.purpose = f.purpose
    v.amount_fen = f.amount_fen
    v.funding_source = f.funding_source
    v.budget_line = f.budget_line
    v.invoice_count = f.invoice_count
    v.decision_ref = f.decision_ref
    v.decision_step_id = f.decision_step_id
    v.resolution_ref = f.resolution_ref
    v.resolution_step_id = f.resolution_step_id
    v.note = f.note


def _check_unique(s: Session, village_id: str, year: int, number: str, *, family: str | None = None) -> None:
    """Numbers are unique per village and year; versions of one voucher share theirs."""
    q = select(Voucher).where(
        Voucher.village_id == village_id, Voucher.year == year, Voucher.number == number
    )
    for other in s.scalars(q):
        if family is None or _root(s, other) != family:
            village = s.get(Village, village_id)
            raise Conflict(f"{village.name if village else ''}{year}年已有凭证号“{number}”，请换一个号码")


def _root(s: Session, v: Voucher) -> str:
    while v.supersedes_id:
        prev = s.get(Voucher, v.supersedes_id)
        if prev is None:
            break
        v = prev
    return v.id


def warnings_for(f: VoucherFields, ctx: AppContext, village_id: str | None = None) -> list[str]:
    """Saved anyway, but shown: C16 decision missing (by ``village_id``'s township's thresholds; None: this
    office's own), no invoice attached (白条, C40)."""
    out = [x.shown for x in check_decisions(f.amount_fen, get_rules(ctx, village_id), **_refs(f))]
    if f.invoice_count == 0:
        out.append(with_basis("附单据张数为0：没有发票或收据的支出（白条）村监会一般不予通过", "C40"))
    return out


def _refs(f: VoucherFields | Voucher) -> dict[str, str | None]:
    return {
        "joint_meeting_ref": f.decision_ref or f.decision_step_id,
        "resolution_ref": f.resolution_ref or f.resolution_step_id,
    }


# ---------------------------------------------------------------------------------------------------------
# entry


def create_voucher(ctx: AppContext, village_id: str, fields: VoucherFields) -> tuple[str, list[str]]:
    """Save a new draft. Returns its id and the warnings to show (C16 references, 白条)."""
    user = ctx.require(Perm.VOUCHER_EDIT, village_id)
    f = clean_fields(fields)
    with ctx.write("voucher.create") as s:
        check_month_open(s, village_id, f.voucher_date, "录入凭证")
        _check_unique(s, village_id, f.voucher_date.year, f.number)
        v = Voucher(village_id=village_id, version=1, status=VoucherState.DRAFT.value, prepared_by=user.id)
        _apply(s, v, f)
        s.add(v)
        s.flush()
        vid = v.id
    return vid, warnings_for(f, ctx, village_id)


def update_voucher(ctx: AppContext, voucher_id: str, fields: VoucherFields) -> list[str]:
    """Edit a draft in place. Anything already submitted is corrected with ``correct_voucher`` instead."""
    f = clean_fields(fields)
    with ctx.write("voucher.update") as s:
        v = load_voucher(s, voucher_id)
        ctx.require(Perm.VOUCHER_EDIT, v.village_id)
        if v.status != VoucherState.DRAFT.value:
            raise ValidationError(
                field="凭证",
                reason=f"{v.number}已{status_label(v.status)}，不能直接修改；"
                "如需更正，请点“更正”生成新版本，重新送村监会审核",
            )
        check_month_open(s, v.village_id, v.voucher_date, "修改凭证")
        check_month_open(s, v.village_id, f.voucher_date, "修改凭证")
        if (f.number, f.voucher_date.year) != (v.number, v.year):
            if v.version != 1 and f.voucher_date.year != v.year:
                raise ValidationError(field="凭证日期", reason="更正版本须与原凭证在同一年度")
            _check_unique(s, v.village_id, f.voucher_date.year, f.number, family=_root(s, v))
        _apply(s, v, f)
        village_id = v.village_id
    return warnings_for(f, ctx, village_id)


def submit_voucher(ctx: AppContext, voucher_id: str) -> None:
    """Send a draft (or a voucher sent back) to the 村监会. C16: the required decisions must be referenced."""
    user = ctx.require_user()
    with ctx.write("voucher.submit") as s:
        v = load_voucher(s, voucher_id)
        ctx.require(Perm.VOUCHER_EDIT, v.village_id)
        rules = rules_in(s, v.village_id)  # the village's own township's thresholds, read in this session
        state = state_of(v)
        if state is None:
            raise ValidationError(field="凭证", reason="这张凭证已被更正版本取代，请提交新版本")
        check_transition(state, VoucherState.SUBMITTED)
        check_month_open(s, v.village_id, v.voucher_date, "提交凭证")
        findings = check_decisions(v.amount_fen, rules, **_refs(v))
        if findings:
            raise RuleFailed(findings)
        now = ctx.clock.now()
        v.status = VoucherState.SUBMITTED.value
        v.submitted_at = now
        add_event(
            s, v, "submit", at=now, user_id=user.id, actor_name=user.display_name, actor_role=user.role_label
        )


@dataclass(frozen=True)
class BatchResult:
    submitted: tuple[str, ...]  # voucher numbers sent to the 村监会
    refused: tuple[tuple[str, str], ...]  # (number, the Chinese reason)

    @property
    def summary(self) -> str:
        head = f"已提交{len(self.submitted)}张凭证"
        if not self.refused:
            return head + "。"
        why = "；".join(f"{n}：{r}" for n, r in self.refused)
        return f"{head}；{len(self.refused)}张未能提交——{why}"


def submit_vouchers(ctx: AppContext, voucher_ids: list[str]) -> BatchResult:
    """Submit several vouchers (say the drafts an import brought in), each in its own transaction: one that
    the rules refuse (C16, a locked month …) is reported and the others still go."""
    from quzhou_desktop.core.errors import QuzhouError

    done, refused = [], []
    for vid in voucher_ids:
        with ctx.read() as s:
            v = load_voucher(s, vid)
            number = v.number if v.version == 1 else f"{v.number}（第{v.version}版）"
        try:
            submit_voucher(ctx, vid)
        except QuzhouError as exc:
            refused.append((number, str(exc)))
        else:
            done.append(number)
    return BatchResult(tuple(done), tuple(refused))


def correct_voucher(ctx: AppContext, voucher_id: str, fields: VoucherFields) -> tuple[str, list[str]]:
    """A correction after 需补正 or 退回: a new draft version; the old voucher is kept as superseded."""
    user = ctx.require_user()
    f = clean_fields(fields)
    with ctx.write("voucher.correct") as s:
        old = load_voucher(s, voucher_id)
        ctx.require(Perm.VOUCHER_EDIT, old.village_id)
        if old.status not in (VoucherState.NEEDS_CORRECTION.value, VoucherState.RETURNED.value):
            raise ValidationError(
                field="凭证",
                reason=f"只有村监会要求补正或代理记账中心退回的凭证才能更正，{old.number}现为“{status_label(old.status)}”",
            )
        if f.voucher_date.year != old.year:
            raise ValidationError(field="凭证日期", reason="更正版本须与原凭证在同一年度")
        check_month_open(s, old.village_id, old.voucher_date, "更正凭证")
        check_month_open(s, old.village_id, f.voucher_date, "更正凭证")
        if f.number != old.number:
            raise ValidationError(field="凭证号", reason="更正版本沿用原凭证号")
        new = Voucher(
            village_id=old.village_id,
            version=old.version + 1,
            supersedes_id=old.id,
            status=VoucherState.DRAFT.value,
            prepared_by=user.id,
        )
        _apply(s, new, f)
        s.add(new)
        s.flush()
        add_event(
            s,
            old,
            "superseded",
            at=ctx.clock.now(),
            user_id=user.id,
            actor_name=user.display_name,
            actor_role=user.role_label,
            text=f"由第{new.version}版取代",
        )
        old.status = SUPERSEDED
        new_id, village_id = new.id, new.village_id
    return new_id, warnings_for(f, ctx, village_id)


def void_voucher(ctx: AppContext, voucher_id: str, reason: str) -> None:
    user = ctx.require_user()
    why = required(reason, "作废原因", max_len=500)
    with ctx.write("voucher.void", reason=why) as s:
        v = load_voucher(s, voucher_id)
        ctx.require(Perm.VOUCHER_EDIT, v.village_id)
        state = state_of(v)
        if state is None:
            raise ValidationError(field="凭证", reason="已被更正版本取代的凭证不能作废")
        check_transition(state, VoucherState.VOID)
        check_month_open(s, v.village_id, v.voucher_date, "作废凭证")
        v.status = VoucherState.VOID.value
        add_event(
            s,
            v,
            "void",
            at=ctx.clock.now(),
            user_id=user.id,
            actor_name=user.display_name,
            actor_role=user.role_label,
            text=why,
        )


def add_scan(ctx: AppContext, voucher_id: str, path: Path) -> str:
    """Attach an invoice scan to a draft (scans are part of what reviewers sign; later, correct instead)."""
    from quzhou_desktop.services.kernel.attachments import add_attachment_file

    with ctx.read() as s:
        v = load_voucher(s, voucher_id)
        village_id, status, number = v.village_id, v.status, v.number
    if status != VoucherState.DRAFT.value:
        raise ValidationError(
            field="扫描件", reason=f"{number}已{status_label(status)}，不能再添加扫描件；请生成更正版本后添加"
        )
    return add_attachment_file(
        ctx, path, owner_kind="voucher", owner_id=voucher_id, village_id=village_id, perm=Perm.VOUCHER_EDIT
    ).id
