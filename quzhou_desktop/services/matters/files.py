"""Scanned documents (会议记录、签到表、公示照片) attached to the steps of a matter.

Adding a scan to a final step is allowed (scans often arrive after the meeting is recorded) and audited;
a scan added by mistake is withdrawn with a reason, never deleted.
"""

from __future__ import annotations

from pathlib import Path

from quzhou_desktop.core.errors import NotFound
from quzhou_desktop.services.kernel.attachments import (
    AttachmentInfo,
    add_attachment,
    add_attachment_file,
    list_attachments,
    withdraw_attachment,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.matters.common import load_matter
from quzhou_desktop.store.models import Attachment, MatterStep

OWNER = "matter_step"

__all__ = ["add_step_file", "add_step_scan", "step_files", "withdraw_step_file"]


def _village(ctx: AppContext, step_id: str) -> str:
    with ctx.read() as s:
        row = s.get(MatterStep, step_id)
        if row is None:
            raise NotFound(what="这个步骤")
        return load_matter(s, row.matter_id).village_id


def add_step_file(ctx: AppContext, step_id: str, path: Path, *, caption: str | None = None) -> AttachmentInfo:
    vid = _village(ctx, step_id)
    return add_attachment_file(
        ctx, path, owner_kind=OWNER, owner_id=step_id, village_id=vid, perm=Perm.MATTER_EDIT, caption=caption
    )


def add_step_scan(
    ctx: AppContext, step_id: str, data: bytes, filename: str, *, caption: str | None = None
) -> AttachmentInfo:
    vid = _village(ctx, step_id)
    return add_attachment(
        ctx,
        owner_kind=OWNER,
        owner_id=step_id,
        village_id=vid,
        perm=Perm.MATTER_EDIT,
        data=data,
        filename=filename,
        caption=caption,
    )


def step_files(ctx: AppContext, step_ids: list[str]) -> list[AttachmentInfo]:
    for sid in step_ids[:1]:
        ctx.require_village(_village(ctx, sid))
    return list_attachments(ctx, OWNER, step_ids)


def withdraw_step_file(ctx: AppContext, attachment_id: str, *, reason: str) -> None:
    with ctx.read() as s:
        a = s.get(Attachment, attachment_id)
        if a is None or a.owner_kind != OWNER:
            raise NotFound(what="这个附件")
        step_id = a.owner_id
    withdraw_attachment(
        ctx, attachment_id, village_id=_village(ctx, step_id), perm=Perm.MATTER_EDIT, reason=reason
    )
