"""Villagers' questions and objections about a disclosure, replies and their deadline (C23), photos of the
posted notice, and a disclosure's history (from the audit chain)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.disclosures import ReplyStatus, reply_status
from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.core.rules_config import TownshipRules
from quzhou_desktop.services.kernel.attachments import AttachmentInfo, add_attachment_file, list_attachments
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.settings import get_rules, rules_in
from quzhou_desktop.services.kernel.validate import clean_name, optional, required
from quzhou_desktop.store.models import (
    Attachment,
    AuditEntry,
    Disclosure,
    DisclosureFeedback,
    UserAccount,
)

FEEDBACK_CHANNELS = ("意见箱", "电话", "当面", "网络", "会议")
FEEDBACK_KINDS = {"question": "询问", "objection": "异议"}


@dataclass(frozen=True)
class FeedbackInfo:
    id: str
    disclosure_id: str
    received_on: date
    from_name: str
    channel: str
    kind: str
    content: str
    reply: str | None
    replied_on: date | None
    status: ReplyStatus  # C23 deadline, late flag, Chinese explanation

    @property
    def kind_label(self) -> str:
        return FEEDBACK_KINDS.get(self.kind, self.kind)

    @property
    def open(self) -> bool:
        return self.replied_on is None


def _info(f: DisclosureFeedback, today: date, rules: TownshipRules) -> FeedbackInfo:
    return FeedbackInfo(
        f.id, f.disclosure_id, f.received_on, f.from_name or "", f.channel or "", f.kind, f.content,
        f.reply, f.replied_on, reply_status(f.received_on, f.replied_on, today, rules),
    )  # fmt: skip


def _disclosure(s: Session, ctx: AppContext, disclosure_id: str) -> Disclosure:
    d = s.get(Disclosure, disclosure_id)
    if d is None:
        raise NotFound(what="这份公开内容")
    ctx.require_village(d.village_id)
    return d


def add_feedback(
    ctx: AppContext,
    disclosure_id: str,
    *,
    received_on: date,
    from_name: str,
    channel: str,
    kind: str,
    content: str,
) -> str:
    """Record a villager's question or objection on a posted disclosure. Returns the feedback id."""
    with ctx.read() as s:
        d = _disclosure(s, ctx, disclosure_id)
        village_id, status, posted_from = d.village_id, d.status, d.posted_from
    ctx.require(Perm.FEEDBACK_EDIT, village_id)
    if status not in ("posted", "superseded"):
        raise ValidationError(field="群众意见", reason="只能对已公开的内容登记意见")
    if kind not in FEEDBACK_KINDS:
        raise ValidationError(field="意见类型", reason="应为询问或异议")
    if channel not in FEEDBACK_CHANNELS:
        raise ValidationError(field="反映方式", reason="应为" + "、".join(FEEDBACK_CHANNELS) + "之一")
    if received_on > ctx.clock.today():
        raise ValidationError(field="收到日期", reason="不能晚于今天")
    if posted_from is not None and received_on < posted_from:
        raise ValidationError(field="收到日期", reason=f"不能早于公开日期（{posted_from.isoformat()}）")
    with ctx.write("disclosure.feedback_add") as s:
        f = DisclosureFeedback(
            disclosure_id=disclosure_id,
            received_on=received_on,
            from_name=optional(clean_name(from_name), "反映人", max_len=40) or "匿名",
            channel=channel,
            kind=kind,
            content=required(content, "意见内容", max_len=2000),
        )
        s.add(f)
        s.flush()
        return f.id


def reply_feedback(ctx: AppContext, feedback_id: str, *, reply: str, replied_on: date) -> ReplyStatus:
    """Record the reply; returns the C23 status (``late`` when after the configured number of days).
    A reply is final: a second reply is refused."""
    with ctx.read() as s:
        f0 = s.get(DisclosureFeedback, feedback_id)
        if f0 is None:
            raise NotFound(what="这条意见")
        d = _disclosure(s, ctx, f0.disclosure_id)
        village_id, received = d.village_id, f0.received_on
    u = ctx.require(Perm.FEEDBACK_EDIT, village_id)
    reply = required(reply, "答复内容", max_len=2000)
    if replied_on < received:
        raise ValidationError(field="答复日期", reason=f"不能早于收到意见的日期（{received.isoformat()}）")
    if replied_on > ctx.clock.today():
        raise ValidationError(field="答复日期", reason="不能晚于今天")
    with ctx.write("disclosure.feedback_reply") as s:
        f = s.get(DisclosureFeedback, feedback_id)
        assert f is not None
        if f.replied_on is not None:
            raise Conflict("这条意见已经答复过，答复不能修改")
        f.reply, f.replied_on, f.replied_by = reply, replied_on, u.id
    return reply_status(received, replied_on, ctx.clock.today(), get_rules(ctx, village_id))


def list_feedback(ctx: AppContext, disclosure_id: str) -> list[FeedbackInfo]:
    today = ctx.clock.today()
    with ctx.read() as s:
        rules = rules_in(s, _disclosure(s, ctx, disclosure_id).village_id)
        rows = s.scalars(
            select(DisclosureFeedback)
            .where(DisclosureFeedback.disclosure_id == disclosure_id)
            .order_by(DisclosureFeedback.received_on, DisclosureFeedback.created_at)
        ).all()
        return [_info(f, today, rules) for f in rows]


@dataclass(frozen=True)
class FeedbackCounts:
    open: int  # not yet replied
    overdue_open: int  # not replied and past the C23 deadline
    late_replies: int  # replied after the deadline


def feedback_counts(ctx: AppContext, village_ids: list[str]) -> dict[str, FeedbackCounts]:
    """Per village: open feedback, open and overdue (C23), replies given late (C23)."""
    today = ctx.clock.today()
    out: dict[str, list[int]] = {v: [0, 0, 0] for v in village_ids}
    with ctx.read() as s:
        rows = s.execute(
            select(Disclosure.village_id, DisclosureFeedback.received_on, DisclosureFeedback.replied_on)
            .join(Disclosure, Disclosure.id == DisclosureFeedback.disclosure_id)
            .where(Disclosure.village_id.in_(village_ids))
        ).all()
        rules = {vid: rules_in(s, vid) for vid in {r[0] for r in rows}}  # each by its own township's
    for vid, received, replied in rows:
        st = reply_status(received, replied, today, rules[vid])
        c = out[vid]
        if replied is None:
            c[0] += 1
            c[1] += int(st.late)
        elif st.late:
            c[2] += 1
    return {v: FeedbackCounts(*c) for v, c in out.items()}


# ---------------------------------------------------------------------------------------------------------
# photos of the posted notice


def add_photo(ctx: AppContext, disclosure_id: str, path: Path, *, caption: str = "") -> AttachmentInfo:
    """Attach a photo of the notice on the board (allowed after posting: it is evidence, not content)."""
    with ctx.read() as s:
        village_id = _disclosure(s, ctx, disclosure_id).village_id
    return add_attachment_file(
        ctx,
        path,
        owner_kind="disclosure",
        owner_id=disclosure_id,
        village_id=village_id,
        perm=Perm.DISCLOSURE_EDIT,
        caption=caption or None,
    )


def list_photos(ctx: AppContext, disclosure_id: str) -> list[AttachmentInfo]:
    with ctx.read() as s:
        _disclosure(s, ctx, disclosure_id)
    return list_attachments(ctx, "disclosure", [disclosure_id])


# ---------------------------------------------------------------------------------------------------------
# history


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  # UTC
    who: str
    what: str  # Chinese description
    reason: str | None


_ACTIONS = {
    "disclosure.create": "新建草稿",
    "disclosure.update": "修改草稿",
    "disclosure.review": "村监会审核",
    "disclosure.post": "标记为已公开",
    "disclosure.correct": "新建更正",
    "disclosure.feedback_add": "登记群众意见",
    "disclosure.feedback_reply": "答复群众意见",
    "attachment.add.disclosure": "添加张贴照片",
    "attachment.withdraw": "撤下照片",
}


def history(ctx: AppContext, disclosure_id: str) -> list[HistoryEntry]:
    """Every audited change of the disclosure, its feedback and its photos, oldest first; the correction
    chain (what it superseded, what superseded it) is part of it."""
    with ctx.read() as s:
        d = _disclosure(s, ctx, disclosure_id)
        fb_ids = list(
            s.scalars(select(DisclosureFeedback.id).where(DisclosureFeedback.disclosure_id == d.id))
        )
        photo_ids = list(
            s.scalars(
                select(Attachment.id).where(
                    Attachment.owner_kind == "disclosure", Attachment.owner_id == d.id
                )
            )
        )
        newer = s.scalars(select(Disclosure).where(Disclosure.supersedes_id == d.id)).all()
        older = s.get(Disclosure, d.supersedes_id) if d.supersedes_id else None
        ids = [d.id, *fb_ids, *photo_ids]
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id.in_(ids)).order_by(AuditEntry.seq)
        ).all()
        names = {u.id: u.display_name for u in s.scalars(select(UserAccount))}
        out: list[HistoryEntry] = []
        for e in rows:
            what = _ACTIONS.get(e.action) or ("演示数据生成" if e.action.startswith("demo.") else "修改")
            if e.action == "disclosure.post" and e.entity_id == d.id and _after_status(e) == "superseded":
                what = "被更正公开取代"
            out.append(
                HistoryEntry(
                    e.ts,
                    names.get(e.user_id or "", "系统" if e.username in (None, "system") else str(e.username)),
                    what,
                    e.reason,
                )
            )
        if older is not None:
            out.insert(0, HistoryEntry(d.created_at, "", f"更正“{older.title}”", None))
        for n in newer:
            out.append(HistoryEntry(n.created_at, "", f"已有更正：“{n.title}”（{_status(n.status)}）", None))
    return sorted(out, key=lambda h: h.at)


def _after_status(e: AuditEntry) -> str | None:
    try:
        data = json.loads(e.after_json or "{}")
    except ValueError:
        return None
    status = data.get("status")
    return status if isinstance(status, str) else None


def _status(status: str) -> str:
    from quzhou_desktop.services.disclosures.disclosure import STATUS_LABELS

    return STATUS_LABELS.get(status, status)
