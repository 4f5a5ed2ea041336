"""QR symbols for the 核验码, module for module as reportlab's encoder draws them, in a fraction of its time.

reportlab's ``QRCode.make`` is pure Python throughout: Reed–Solomon over polynomial objects, the symbol laid out
eight times (once per mask) and scored cell by cell — ≈ 4 ms a code, a fifth of a 200-notice batch. A 核验码
("QZ:" + 14 characters) always fits version 1 at level M in alphanumeric mode, so that case is encoded here:
the bit stream and its error correction from log tables, the function patterns and the data cells' order taken
once from reportlab, each mask applied to whole rows as bit masks and scored by :func:`lost_points` (the score
reportlab gives), the first lowest score kept as ``QRCode.make`` keeps it, and reportlab writes the format bits.
Any other payload goes through reportlab's encoder with the same fast mask choice. Tests hold both equal to
``QRCode.make`` module for module.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.pathobject import PDFPathObject

__all__ = ["lost_points", "qr_modules", "qr_path"]

Matrix = tuple[tuple[bool, ...], ...]

_FINDER_LIKE = bytes([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0])
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_CELLS = bytes.maketrans(b"01", b"\x00\x01")


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
    lines = b"\x02".join((*rows, *cols))  # \x02 keeps runs from crossing lines
    # runs of equal cells: the pieces between cells of the other colour (and line ends)
    runs = [k for k in map(len, lines.replace(b"\x02", b"\x01").split(b"\x01")) if k >= 5]
    runs += [k for k in map(len, lines.replace(b"\x02", b"\x00").split(b"\x00")) if k >= 5]
    score = sum(runs) - 2 * len(runs)
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


def _best_mask(n: int, trial: list[int], positions: tuple[tuple[int, int], ...]) -> Matrix:
    """From the layout under mask 0 (rows as ints, format cells blank), the symbol under the mask reportlab
    picks, with its format bits."""
    remasks = _remasks(n, positions)
    best, best_points, best_rows = 0, -1, trial
    for k in range(8):
        rows = [t ^ x for t, x in zip(trial, remasks[k], strict=True)]
        points = _lost_points_rows([format(v, f"0{n}b").encode().translate(_CELLS) for v in rows])
        if best_points < 0 or points < best_points:
            best, best_points, best_rows = k, points, rows
    qr = QRCode(1, QRErrorCorrectLevel.M)
    qr.moduleCount = n
    qr.modules = [[bool((v >> (n - 1 - c)) & 1) for c in range(n)] for v in best_rows]
    qr.setupTypeInfo(False, best)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.modules)


# -- version 1, level M, alphanumeric ------------------------------------------------------------------------

_N = 21  # modules a side
_DATA_CODEWORDS, _EC_CODEWORDS = 16, 10
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_INDEX = {ch: i for i, ch in enumerate(_ALNUM)}
_NUMERIC = re.compile(r"[0-9]*")

# GF(256) over x^8 + x^4 + x^3 + x^2 + 1, the field of reportlab's tables
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _EXP[_i + 255] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D


def _generator_logs(n: int) -> list[int]:
    """Logs of the coefficients after the leading 1 of ∏ (x + α^i), i < n (all non-zero)."""
    g = [1]
    for i in range(n):
        nxt = [0] * (len(g) + 1)
        for j, coef in enumerate(g):
            nxt[j] ^= coef
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + i]
        g = nxt
    assert all(g), "a Reed–Solomon generator has no zero coefficient"
    return [_LOG[c] for c in g[1:]]


_GEN = _generator_logs(_EC_CODEWORDS)


def _ec(data: list[int]) -> list[int]:
    """The error-correction codewords of one block: the remainder of data·x^n divided by the generator."""
    rem = [*data, *([0] * _EC_CODEWORDS)]
    for i in range(len(data)):
        coef = rem[i]
        if coef:
            lc = _LOG[coef]
            for j, lg in enumerate(_GEN, i + 1):
                rem[j] ^= _EXP[lc + lg]
    return rem[len(data) :]


def _v1_codewords(payload: str) -> list[int] | None:
    """Data and error-correction codewords as reportlab would make them, or None when reportlab would not
    choose alphanumeric mode at version 1 level M for ``payload``."""
    if _NUMERIC.fullmatch(payload) or any(ch not in _ALNUM_INDEX for ch in payload):
        return None
    value, length = 0b0010, 4
    value, length = (value << 9) | len(payload), length + 9
    for i in range(0, len(payload) - 1, 2):
        value, length = (
            (value << 11) | (45 * _ALNUM_INDEX[payload[i]] + _ALNUM_INDEX[payload[i + 1]]),
            length + 11,
        )
    if len(payload) % 2:
        value, length = (value << 6) | _ALNUM_INDEX[payload[-1]], length + 6
    capacity = 8 * _DATA_CODEWORDS
    if length > capacity:
        return None
    if length + 4 <= capacity:  # terminator
        value, length = value << 4, length + 4
    pad = -length % 8
    value, length = value << pad, length + pad
    data = list(value.to_bytes(length // 8, "big"))
    data += [0xEC, 0x11] * ((_DATA_CODEWORDS - len(data)) // 2 + 1)
    data = data[:_DATA_CODEWORDS]
    return data + _ec(data)


@lru_cache(maxsize=1)
def _v1_layout() -> tuple[list[int], tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Version 1, level M: rows (as ints) of the function patterns with the data cells under mask 0 as if every
    data bit were 0 and the format cells blank; the data cells in reportlab's order as (col, row); and per data
    bit (row, bit)."""
    qr = QRCode(1, QRErrorCorrectLevel.M)
    qr.addData("QZ:")
    qr.makeImpl(True, 0)
    positions = tuple(qr.dataPosIterator())
    mask0 = QRUtil.getMask(0)
    modules = [list(row) for row in qr.modules]
    for c, r in positions:
        modules[r][c] = bool(mask0(r, c))  # a 0 bit under mask 0
    base = [int("".join("1" if m else "0" for m in row), 2) for row in modules]
    cells = tuple((r, 1 << (_N - 1 - c)) for c, r in positions)
    return base, positions, cells


def _v1_modules(codewords: list[int]) -> Matrix:
    base, positions, cells = _v1_layout()
    rows = list(base)
    stream = int.from_bytes(bytes(codewords), "big")
    nbits = 8 * len(codewords)
    for i, (r, bit) in enumerate(cells[:nbits]):
        if (stream >> (nbits - 1 - i)) & 1:
            rows[r] ^= bit
    return _best_mask(_N, rows, positions)


@lru_cache(maxsize=512)
def qr_modules(payload: str) -> Matrix:
    """The QR modules (True = dark) reportlab's ``QRCode.make`` draws for ``payload`` at level M."""
    codewords = _v1_codewords(payload)
    if codewords is not None:
        return _v1_modules(codewords)
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(payload)
    qr.version = qr.calculate_version()
    qr.makeImpl(True, 0)
    n = qr.getModuleCount()
    trial = [int("".join("1" if m else "0" for m in row), 2) for row in qr.modules]
    return _best_mask(n, trial, tuple(qr.dataPosIterator()))


def qr_path(payload: str, x: float, y: float, size: float) -> PDFPathObject:
    """The QR code of ``payload`` as one fill path with its lower-left corner at (x, y), ``size`` points square
    (a 4-module quiet zone included). Each dark run of a row is one rect; the path's operators are written in one
    pass (build it once per document and draw it on every page)."""
    matrix = qr_modules(payload)
    n = len(matrix) + 8
    m = size / n
    code = ["n"]  # what PDFPathObject writes before its first operator
    for r, row in enumerate(matrix):
        top = y + size - (4 + r + 1) * m
        for dark, run in itertools.groupby(enumerate(row), key=lambda cell: cell[1]):
            if dark:
                cells = list(run)
                start = cells[0][0]
                code.append(f"{fp_str((x + (4 + start) * m, top, len(cells) * m, m))} re")
    return PDFPathObject(code=code)
