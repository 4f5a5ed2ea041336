"""Verification codes printed on every notice (核验码) and their QR code.

Derivation (version 1, deterministic, documented so the CLI/GUI can recompute it from the database):

    content_hash = SHA-256(content bytes).hexdigest()          # content str → UTF-8 first
    message      = "\\x1f".join(["v1", kind, record_id, content_hash, audit_hash]) as UTF-8
    digest       = HMAC-SHA-256(key=b"quzhou-desktop/notice-code/v1", message)
    code         = the first 60 bits of digest, as 12 symbols of ALPHABET (5 bits each, most significant first),
                   grouped 4-4-4 with "-": e.g. "7K4M-2P9X-QZ3H"

ALPHABET is base32 without the look-alikes 0/O and 1/I: "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".
The HMAC key is public; it only separates this use of SHA-256 from others.  The code is a lookup key and a
consistency check against the database (which holds the record, its content hash and its audit chain), not a
signature: anyone with the database can recompute it.  60 bits keep accidental collisions negligible at the
reference scale (a million notices: p ≈ 4·10⁻⁷).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from reportlab.pdfgen.pathobject import PDFPathObject

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.printing.qr import lost_points, qr_modules
from quzhou_desktop.printing.qr import qr_path as payload_path

__all__ = [
    "ALPHABET",
    "BadVerificationCode",
    "content_hash",
    "lost_points",
    "make_code",
    "normalize_code",
    "qr_matrix",
    "qr_path",
    "qr_payload",
]

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_SYMBOLS = 12
KEY = b"quzhou-desktop/notice-code/v1"
QR_PREFIX = "QZ:"
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_SYMBOLS}}}$")


class BadVerificationCode(ValidationError):
    template = "{field}：“{value}”不是有效的核验码（应为 12 位字母数字，如 7K4M-2P9X-QZ3H）"


def content_hash(content: bytes | str) -> str:
    """SHA-256 hex of the printed data (str is encoded as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def make_code(kind: str, record_id: str, content: bytes | str, audit_hash: str) -> str:
    """The 12-symbol code "XXXX-XXXX-XXXX" for a record of ``kind`` printed with ``content`` at ``audit_hash``."""
    message = "\x1f".join(["v1", kind, str(record_id), content_hash(content), audit_hash]).encode("utf-8")
    value = int.from_bytes(hmac.new(KEY, message, hashlib.sha256).digest()[:8], "big") >> 4  # 60 bits
    symbols = [ALPHABET[(value >> (5 * (CODE_SYMBOLS - 1 - i))) & 31] for i in range(CODE_SYMBOLS)]
    raw = "".join(symbols)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def normalize_code(text: str) -> str:
    """A code as typed or scanned ("qz:7k4m 2p9x-qz3h") → canonical "7K4M-2P9X-QZ3H"; raises on garbage."""
    raw = text.strip().upper()
    if raw.startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    raw = re.sub(r"[\s\-–—_]", "", raw)
    if not _CODE_RE.match(raw):
        raise BadVerificationCode(field="核验码", value=text.strip())
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def qr_payload(code: str) -> str:
    """What the QR code holds: "QZ:" + the code (QR alphanumeric mode, fits version 1)."""
    return QR_PREFIX + code


def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules (True = dark) of ``qr_payload(code)``, as reportlab's ``QRCode.make`` draws them (cached)."""
    return qr_modules(qr_payload(code))


def qr_path(code: str, x: float, y: float, size: float) -> PDFPathObject:
    """The QR code of ``code`` as one fill path with its lower-left corner at (x, y), ``size`` points square.
    Build it once per document and draw it on every page."""
    return payload_path(qr_payload(code), x, y, size)
