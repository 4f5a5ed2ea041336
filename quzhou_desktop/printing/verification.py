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
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil
from reportlab.pdfgen.pathobject import PDFPathObject

from quzhou_desktop.core.errors import ValidationError

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


_RUN = re.compile(rb"\x00{5,}|\x01{5,}")
_FINDER_LIKE = bytes([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0])
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def lost_points(modules: Sequence[Sequence[bool]]) -> int:
    """The mask penalty reportlab's ``QRUtil.getLostPoint`` gives ``modules`` (same value), on bytes and ints.

    reportlab's scorer is pure Python over lists of cells (≈ 0.15 ms a mask, 8 masks a code); this one gives the
    identical score, so the chosen mask and therefore the printed QR code stay exactly as reportlab draws them:
    runs of ≥ 5 equal cells in rows and columns score length − 2; each 2×2 block of one colour 3; each
    1011101 0000 pattern in a row 40 (reportlab compares a column's tuple with its pattern list, which never
    matches, and it stops one cell short of the row end: both kept); the dark share 10 per 5 % from 50 %.
    """
    return _lost_points_rows([bytes(map(bool, row)) for row in modules])


def _lost_points_rows(rows: list[bytes]) -> int:
    """``lost_points`` of rows given as bytes of 0/1 cells."""
    n = len(rows)
    cols = [bytes(col) for col in zip(*rows, strict=True)]
    runs = _RUN.findall(b"\x02".join((*rows, *cols)))  # \x02 keeps runs from crossing lines
    score = sum(map(len, runs)) - 2 * len(runs)
    bits = [int(row.translate(_DIGITS)[::-1], 2) for row in rows]  # bit c = column c
    pairs = (1 << (n - 1)) - 1
    for a, b in itertools.pairwise(bits):
        same_v = ~(a ^ b)
        score += 3 * (same_v & (same_v >> 1) & ~(a ^ (a >> 1)) & pairs).bit_count()
    for row in rows:
        j = row.find(_FINDER_LIKE, 0, n - 1)
        while j >= 0:
            score += 40
            j = row.find(_FINDER_LIKE, j + len(_FINDER_LIKE), n - 1)
    dark = sum(row.count(1) for row in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


_CELLS = bytes.maketrans(b"01", b"\x00\x01")


@lru_cache(maxsize=8)
def _remasks(n: int, positions: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """Per mask k, per row, the bits (bit n-1-c = column c) that turn data laid out under mask 0 into data
    under mask k: mask0(r, c) XOR maskk(r, c) at the data cells, 0 elsewhere. The same for every code of a
    version, so computed once."""
    mask0 = QRUtil.getMask(0)
    out = []
    for k in range(8):
        mask = QRUtil.getMask(k)
        rows = [0] * n
        for c, r in positions:
            if bool(mask0(r, c)) != bool(mask(r, c)):
                rows[r] |= 1 << (n - 1 - c)
        out.append(tuple(rows))
    return tuple(out)


@lru_cache(maxsize=512)
def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules (True = dark) of ``qr_payload(code)``; cached, encoding is the costly part.

    reportlab's encoder lays out the code once (under mask 0, format cells blank, as its trial layouts are);
    the 8 masks are then applied to the data cells as row bit masks, scored with ``lost_points`` and the best
    kept as ``QRCode.make`` keeps it (the first with the lowest score), and reportlab writes its format bits.
    Tests hold the result equal to ``QRCode.make`` module for module.
    """
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(qr_payload(code))
    qr.version = qr.calculate_version()
    qr.makeImpl(True, 0)
    n = qr.getModuleCount()
    trial = [int("".join("1" if m else "0" for m in row), 2) for row in qr.modules]
    remasks = _remasks(n, tuple(qr.dataPosIterator()))
    best, best_points, best_rows = 0, -1, trial
    for k in range(8):
        rows = [t ^ x for t, x in zip(trial, remasks[k], strict=True)]
        points = _lost_points_rows([format(v, f"0{n}b").encode().translate(_CELLS) for v in rows])
        if best_points < 0 or points < best_points:
            best, best_points, best_rows = k, points, rows
    qr.modules = [[bool((v >> (n - 1 - c)) & 1) for c in range(n)] for v in best_rows]
    qr.setupTypeInfo(False, best)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.modules)


def qr_path(code: str, x: float, y: float, size: float) -> PDFPathObject:
    """The QR code of ``code`` as one fill path with its lower-left corner at (x, y), ``size`` points square.

    Each dark run of a row is one rect.  Build it once per document and draw it on every page: formatting the
    rects' coordinates is what costs, not drawing the finished path.
    """
    matrix = qr_matrix(code)
    n = len(matrix) + 8  # 4-module quiet zone on every side
    m = size / n
    path = PDFPathObject()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + (4 + start) * m, y + size - (4 + r + 1) * m, (c - start) * m, m)
            else:
                c += 1
    return path
