"""Verification codes printed on every notice (核验码) and their QR code.

Version 2 (printed since anchors exist) carries an anchor of the audit chain on the paper itself:

    content_hash = SHA-256(content bytes).hexdigest()          # content str → UTF-8 first
    message      = "\\x1f".join(["v2", kind, record_id, content_hash, str(seq), audit_hash]) as UTF-8
    digest       = HMAC-SHA-256(key=b"quzhou-desktop/notice-code/v1", message)
    code         = the first 60 bits of digest as 12 symbols of ALPHABET (5 bits each, most significant first),
                   then ``seq`` (the audit entry the print cited) in the same alphabet, at least 4 symbols,
                   grouped 4-4-4-rest with "-": e.g. "7K4M-2P9X-QZ3H-238L" (seq 1234)

so a code typed from paper names the audit entry the print cited, and the 60-bit digest binds that entry's
chain hash: ``verify --notice CODE`` recomputes the digest from the database's chain at ``seq`` and from the
record as printed — a chain rewritten at or before ``seq`` (hashes recomputed) no longer gives the printed
digest, even when the print record in the database was rewritten with it.

Version 1 (codes printed before) is the same without ``seq``: message ["v1", kind, record_id, content_hash,
audit_hash], 12 symbols "XXXX-XXXX-XXXX". Both are recognised by their length; a version-1 code is checked
against the print record the database holds (it carries no anchor of its own).

ALPHABET is base32 without the look-alikes 0/O and 1/I: "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".
The HMAC key is public; it only separates this use of SHA-256 from others.  The code is not a signature:
anyone with the database can compute one; what it adds is that the paper, once posted, is out of reach of
whoever edits the file.  60 bits keep accidental collisions negligible at the reference scale (a million
notices: p ≈ 4·10⁻⁷) and make a database doctored to match a printed code a 2⁶⁰ search.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

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
SEQ_MIN_SYMBOLS = 4
SEQ_MAX_SYMBOLS = 7  # seq < 2**35
KEY = b"quzhou-desktop/notice-code/v1"
QR_PREFIX = "QZ:"
_CODE_RE = re.compile(
    rf"^[{ALPHABET}]{{{CODE_SYMBOLS}}}(?:[{ALPHABET}]{{{SEQ_MIN_SYMBOLS},{SEQ_MAX_SYMBOLS}}})?$"
)


class BadVerificationCode(ValidationError):
    template = (
        "{field}：“{value}”不是有效的核验码（应为 16 位左右的字母数字，如 7K4M-2P9X-QZ3H-238L；"
        "较早打印的为 12 位，如 7K4M-2P9X-QZ3H）"
    )


@dataclass(frozen=True)
class ParsedCode:
    code: str  # canonical, with hyphens
    digest: str  # the first 12 symbols, "XXXX-XXXX-XXXX"
    seq: int | None  # the audit entry the print cited; None for a version-1 code

    @property
    def version(self) -> int:
        return 1 if self.seq is None else 2


def content_hash(content: bytes | str) -> str:
    """SHA-256 hex of the printed data (str is encoded as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def _symbols(value: int, count: int) -> str:
    return "".join(ALPHABET[(value >> (5 * (count - 1 - i))) & 31] for i in range(count))


def _seq_symbols(seq: int) -> str:
    if not 0 <= seq < 32**SEQ_MAX_SYMBOLS:
        raise ValueError(f"audit seq {seq} out of range for a verification code")
    count = max(SEQ_MIN_SYMBOLS, -(-seq.bit_length() // 5))
    return _symbols(seq, count)


def digest_of(kind: str, record_id: str, hashed_content: str, audit_hash: str, seq: int | None) -> str:
    """The 12-symbol digest "XXXX-XXXX-XXXX" from the content's SHA-256 (hex) instead of the content."""
    parts = ["v1", kind, str(record_id), hashed_content, audit_hash]
    if seq is not None:
        parts = ["v2", kind, str(record_id), hashed_content, str(seq), audit_hash]
    message = "\x1f".join(parts).encode("utf-8")
    value = int.from_bytes(hmac.new(KEY, message, hashlib.sha256).digest()[:8], "big") >> 4  # 60 bits
    raw = _symbols(value, CODE_SYMBOLS)
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def code_from_hash(
    kind: str, record_id: str, hashed_content: str, audit_hash: str, seq: int | None = None
) -> str:
    """``make_code`` from the content's SHA-256 (what a print record stores)."""
    digest = digest_of(kind, record_id, hashed_content, audit_hash, seq)
    return digest if seq is None else f"{digest}-{_seq_symbols(seq)}"


def make_code(
    kind: str, record_id: str, content: bytes | str, audit_hash: str, seq: int | None = None
) -> str:
    """The code for a record of ``kind`` printed with ``content`` when the audit chain had ``audit_hash`` at
    ``seq``: version 2 "XXXX-XXXX-XXXX-SSSS"; without ``seq`` the version-1 code "XXXX-XXXX-XXXX"."""
    return code_from_hash(kind, record_id, content_hash(content), audit_hash, seq)


def parse_code(text: str) -> ParsedCode:
    """A code as typed or scanned ("qz:7k4m 2p9x-qz3h-238l") → its parts; raises on garbage."""
    raw = text.strip().upper()
    if raw.startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    raw = re.sub(r"[\s\-–—_]", "", raw)
    if not _CODE_RE.match(raw):
        raise BadVerificationCode(field="核验码", value=text.strip())
    digest = f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
    tail = raw[CODE_SYMBOLS:]
    if not tail:
        return ParsedCode(digest, digest, None)
    seq = 0
    for ch in tail:
        seq = seq * 32 + ALPHABET.index(ch)
    return ParsedCode(f"{digest}-{tail}", digest, seq)


def normalize_code(text: str) -> str:
    """A code as typed or scanned → canonical "7K4M-2P9X-QZ3H-238L" (or "7K4M-2P9X-QZ3H"); raises on garbage."""
    return parse_code(text).code


def qr_payload(code: str) -> str:
    """What the QR code holds: "QZ:" + the code; a version-2 code without its hyphens, so that up to seq 2²⁵
    it still fits a version-1 QR code (20 alphanumeric characters)."""
    return QR_PREFIX + (code if len(code) <= 14 else code.replace("-", ""))


def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules (True = dark) of ``qr_payload(code)``, as reportlab's ``QRCode.make`` draws them (cached)."""
    return qr_modules(qr_payload(code))


def qr_path(code: str, x: float, y: float, size: float) -> PDFPathObject:
    """The QR code of ``code`` as one fill path with its lower-left corner at (x, y), ``size`` points square.
    Build it once per document and draw it on every page."""
    return payload_path(qr_payload(code), x, y, size)
