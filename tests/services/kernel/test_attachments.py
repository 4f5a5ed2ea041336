"""Scanned files: type by content, size limit, hash, once-per-content storage, withdrawal; Chinese refusals."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from quzhou_desktop.core.errors import PermissionDenied, ValidationError
from quzhou_desktop.services.demo.state import DEMO_PASSWORD as PASSWORD
from quzhou_desktop.services.kernel import attachments as A
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.matters import files as F
from quzhou_desktop.services.matters import steps as S
from quzhou_desktop.store.models import AttachmentBlob
from tests.support.matters import D0, MattersTown, meeting, new_matter

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def step(town: MattersTown) -> tuple[MattersTown, str]:
    """The town and a final 提议 step of a new matter."""
    m = new_matter(town)
    v = S.save_step(town.clerk, m.id, meeting(town, "propose", "branch", D0), final=True, password=PASSWORD)
    return town, v.id


@pytest.mark.parametrize(
    ("data", "mime"), [(PNG, "image/png"), (PDF, "application/pdf"), (JPEG, "image/jpeg")]
)
def test_supported_scans_are_stored_with_their_hash(
    step: tuple[MattersTown, str], data: bytes, mime: str
) -> None:
    w, sid = step
    info = F.add_step_scan(w.clerk, sid, data, "会议记录.bin")
    assert (info.mime, info.size, info.sha256) == (mime, len(data), hashlib.sha256(data).hexdigest())
    got, content = A.attachment_data(w.clerk, info.id)
    assert content == data and got.filename == "会议记录.bin"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", "是空文件"),
        (b"MZ\x90\x00 a program", "只能添加PDF、JPG"),
        (b"PK\x03\x04 docx", "只能添加PDF、JPG"),
        (b"%PDF-1.4 truncated", "PDF文件不完整"),
        (b"%PDF-1.4" + b"0" * (A.MAX_BYTES + 1), "超过20 MB的上限"),
    ],
)
def test_refusals(step: tuple[MattersTown, str], data: bytes, text: str) -> None:
    w, sid = step
    with pytest.raises(ValidationError, match=text):
        F.add_step_scan(w.clerk, sid, data, "x.pdf")


def test_same_content_stored_once_and_duplicates_refused(step: tuple[MattersTown, str]) -> None:
    w, sid = step
    F.add_step_scan(w.clerk, sid, PNG, "a.png")
    with pytest.raises(ValidationError, match="同一个文件已经添加过"):
        F.add_step_scan(w.clerk, sid, PNG, "b.png")
    a = A.add_attachment(
        w.clerk,
        owner_kind="voucher",
        owner_id="v1",
        village_id=w.vid,
        perm=Perm.MATTER_EDIT,
        data=PNG,
        filename="c.png",
    )
    with w.clerk.read() as s:
        assert s.scalar(select(func.count()).select_from(AttachmentBlob)) == 1
    assert a.sha256 == hashlib.sha256(PNG).hexdigest()


def test_files_from_disk_and_withdrawal(step: tuple[MattersTown, str], tmp_path: Path) -> None:
    w, sid = step
    p = tmp_path / "签到表.pdf"
    p.write_bytes(PDF)
    info = F.add_step_file(w.clerk, sid, p)
    assert [f.filename for f in F.step_files(w.clerk, [sid])] == ["签到表.pdf"]
    with pytest.raises(ValidationError, match="写明原因"):
        F.withdraw_step_file(w.clerk, info.id, reason=" ")
    F.withdraw_step_file(w.clerk, info.id, reason="传错文件")
    assert F.step_files(w.clerk, [sid]) == []
    with pytest.raises(ValidationError, match="无法读取"):
        F.add_step_file(w.clerk, sid, tmp_path / "missing.pdf")


def test_permission(step: tuple[MattersTown, str]) -> None:
    w, sid = step
    with pytest.raises(PermissionDenied):
        F.add_step_scan(w.login("zhuren"), sid, PNG, "a.png")
