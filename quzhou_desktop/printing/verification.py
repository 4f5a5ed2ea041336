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
import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil
from reportlab.pdfgen.pathobject import PDFPathObject

from quzhou_desktop.core.errors import ValidationError

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
