"""The 管理员恢复单 as a PDF (``printing.recovery``), from what setup, the first root or a recovery returned.

The file holds the recovery code: it is written readable by its owner only, and the caller tells the user to
print it and delete it."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

from quzhou_desktop.printing.recovery import RecoverySheetDoc, recovery_sheet
from quzhou_desktop.printing.render import render
from quzhou_desktop.services.kernel.trust import RecoverySheet
from quzhou_desktop.services.notices.fonts import current_fontset


def _doc(sheet: RecoverySheet) -> RecoverySheetDoc:
    return recovery_sheet(
        township=sheet.township,
        admin_name=sheet.admin_name,
        username=sheet.username,
        fingerprint=sheet.fingerprint,
        recovery_code=sheet.recovery_code,
        issued=(sheet.issued_at + timedelta(hours=8)).date(),
    )


def recovery_sheet_pdf(sheet: RecoverySheet) -> bytes:
    """The one-page PDF in memory (the GUI previews and prints it; nothing is written to disk)."""
    buf = io.BytesIO()
    render(_doc(sheet), buf, fonts=current_fontset())
    return buf.getvalue()


def write_recovery_sheet(sheet: RecoverySheet, out: Path) -> Path:
    """Write the one-page PDF to ``out`` (owner-only permissions where the system has them)."""
    doc = _doc(sheet)
    out.parent.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.chmod(out, 0o600)
    render(doc, out, fonts=current_fontset())
    return out
