"""Scanned files (minutes, notices on the board, invoices, photos) attached to any record.

Content is checked by its first bytes (not by the file name), limited in size, hashed with SHA-256 and stored
once per hash in ``attachment_blob``; an ``attachment`` row ties it to its owner.  Nothing is deleted: an
attachment is withdrawn with a reason.  The caller names the permission and village that govern the owner, so
every module (matters, vouchers, disclosures) shares these checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.models import Attachment, AttachmentBlob

__all__ = [
    "MAX_BYTES",
    "AttachmentInfo",
    "add_attachment",
    "add_attachment_file",
    "attachment_data",
    "detect_mime",
    "list_attachments",
    "withdraw_attachment",
]

MAX_BYTES = 20 * 1024 * 1024  # one scanned multi-page PDF or a phone photo fits comfortably

# (magic prefix, MIME type, Chinese kind)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG图片"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG图片"),
    (b"GIF87a", "image/gif", "GIF图片"),
    (b"GIF89a", "image/gif", "GIF图片"),
    (b"BM", "image/bmp", "BMP图片"),
    (b"II*\x00", "image/tiff", "TIFF图片"),
    (b"MM\x00*", "image/tiff", "TIFF图片"),
)
ALLOWED_TEXT = "PDF、JPG、PNG、GIF、BMP、TIFF"


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    owner_kind: str
    owner_id: str
    filename: str
    mime: str
    size: int
    sha256: str
    caption: str | None
    active: bool

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, self.size // 1024)} KB"


def detect_mime(data: bytes) -> str | None:
    """The MIME type of a supported scan, judged from its first bytes; None when not supported."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, mime, _ in _SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def _check(data: bytes, filename: str) -> str:
    if not data:
        raise ValidationError(field="附件", reason=f"“{filename}”是空文件")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            field="附件",
            reason=f"“{filename}”有{len(data) / 1024 / 1024:.1f} MB，超过{MAX_BYTES // 1024 // 1024} MB的上限，"
            "请降低扫描分辨率或分成几个文件",
        )
    mime = detect_mime(data)
    if mime is None:
        raise ValidationError(
            field="附件", reason=f"“{filename}”不是扫描件或照片，只能添加{ALLOWED_TEXT}文件（含WEBP照片）"
        )
    if mime == "application/pdf" and b"%%EOF" not in data[-2048:]:
        raise ValidationError(
            field="附件", reason=f"“{filename}”这个PDF文件不完整（可能没有保存完），请重新扫描"
        )
    return mime


def _info(a: Attachment) -> AttachmentInfo:
    return AttachmentInfo(
        a.id, a.owner_kind, a.owner_id, a.filename, a.mime, a.size, a.sha256, a.caption, a.active
    )


def add_attachment(
    ctx: AppContext,
    *,
    owner_kind: str,
    owner_id: str,
    village_id: str,
    perm: Perm,
    data: bytes,
    filename: str,
    caption: str | None = None,
) -> AttachmentInfo:
    """Store ``data`` for ``owner``. Same content is stored once; the same file twice on one owner is refused."""
    ctx.require(perm, village_id)
    name = Path(filename).name.strip() or "附件"
    if len(name) > 200:
        name = name[:90] + "…" + name[-90:]
    mime = _check(data, name)
    digest = hashlib.sha256(data).hexdigest()
    with ctx.write(f"attachment.add.{owner_kind}") as s:
        dup = s.scalars(
            select(Attachment).where(
                Attachment.owner_kind == owner_kind,
                Attachment.owner_id == owner_id,
                Attachment.sha256 == digest,
                Attachment.active.is_(True),
            )
        ).first()
        if dup is not None:
            raise ValidationError(field="附件", reason=f"同一个文件已经添加过（“{dup.filename}”）")
        if s.get(AttachmentBlob, digest) is None:
            s.add(AttachmentBlob(sha256=digest, size=len(data), data=data))
            s.flush()  # no ORM relationship orders the two inserts: the blob must exist first (FK)
        a = Attachment(
            owner_kind=owner_kind,
            owner_id=owner_id,
            sha256=digest,
            filename=name,
            mime=mime,
            size=len(data),
            caption=(caption or "").strip()[:200] or None,
        )
        s.add(a)
        s.flush()
        return _info(a)


def add_attachment_file(
    ctx: AppContext,
    path: Path,
    *,
    owner_kind: str,
    owner_id: str,
    village_id: str,
    perm: Perm,
    caption: str | None = None,
) -> AttachmentInfo:
    """Read ``path`` (size checked before reading) and attach it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(field="附件", reason=f"无法读取“{path.name}”：文件不存在或没有权限") from exc
    if size > MAX_BYTES:
        raise ValidationError(
            field="附件",
            reason=f"“{path.name}”有{size / 1024 / 1024:.1f} MB，超过{MAX_BYTES // 1024 // 1024} MB的上限",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(field="附件", reason=f"无法读取“{path.name}”") from exc
    return add_attachment(
        ctx,
        owner_kind=owner_kind,
        owner_id=owner_id,
        village_id=village_id,
        perm=perm,
        data=data,
        filename=path.name,
        caption=caption,
    )


def list_attachments(
    ctx: AppContext, owner_kind: str, owner_ids: list[str], *, include_withdrawn: bool = False
) -> list[AttachmentInfo]:
    """Attachments of the owners (the caller has checked it may see them), oldest first."""
    if not owner_ids:
        return []
    with ctx.read() as s:
        q = select(Attachment).where(Attachment.owner_kind == owner_kind, Attachment.owner_id.in_(owner_ids))
        if not include_withdrawn:
            q = q.where(Attachment.active.is_(True))
        return [_info(a) for a in s.scalars(q.order_by(Attachment.created_at, Attachment.id))]


def attachment_data(ctx: AppContext, attachment_id: str) -> tuple[AttachmentInfo, bytes]:
    """The file's bytes, verified against its hash."""
    ctx.require_user()
    with ctx.read() as s:
        a = s.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(what="这个附件")
        blob = s.get(AttachmentBlob, a.sha256)
        if blob is None or hashlib.sha256(blob.data).hexdigest() != a.sha256:
            raise ValidationError(field="附件", reason=f"“{a.filename}”的内容已损坏（校验值不符）")
        return _info(a), bytes(blob.data)


def withdraw_attachment(
    ctx: AppContext, attachment_id: str, *, village_id: str, perm: Perm, reason: str
) -> None:
    """Hide an attachment added by mistake (kept in the database and the audit log)."""
    ctx.require(perm, village_id)
    if not reason.strip():
        raise ValidationError(field="原因", reason="撤下附件需要写明原因")
    with ctx.write("attachment.withdraw", reason=reason.strip()) as s:
        a = s.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(what="这个附件")
        a.active = False
