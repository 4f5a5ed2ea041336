"""QR symbols for the 核验码, module for module as reportlab's encoder draws them, in a fraction of its time.

reportlab's ``QRCode.make`` is pure Python throughout: Reed–Solomon over polynomial objects, the symbol laid out
eight times (once per mask) and scored cell by cell — ≈ 4 ms a code, a fifth of a 200-notice batch. A 核验码
("QZ:" + 14 characters) always fits version 1 at level M in alphanumeric mode, so that case is encoded here:
the bit stream and its error correction from log tables, the function patterns and the data cells' order taken
once from reportlab, each mask applied to the whole symbol as one integer and scored by :func:`lost_points`
(the score reportlab gives, from a few dozen whole-symbol bit operations), the first lowest score kept as ``QRCode.make`` keeps it, and the format bits written where reportlab writes
them (taken from it once per mask).
A symbol is one integer throughout: its 26 codewords are placed by table look-up (the cells each value of
each codeword darkens), and the path drawn on paper formats its coordinates once per symbol size and each
row's runs once per distinct row: ≈ 0.1 ms a code, from ≈ 0.25 ms.
Any other payload goes through reportlab's encoder with the same fast mask choice. Tests hold both equal to
``QRCode.make`` module for module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.pathobject import PDFPathObject

__all__ = ["lost_points", "qr_modules", "qr_path"]

Matrix = tuple[tuple[bool, ...], ...]


def lost_points(modules: Sequence[Sequence[bool]]) -> int:
    """The mask penalty reportlab's ``QRUtil.getLostPoint`` gives ``modules`` (same value), by bit operations.

    reportlab's scorer is pure Python over lists of cells (≈ 0.15 ms a mask, 8 masks a code); this one gives the
    identical score, so the chosen mask and therefore the printed QR code stay exactly as reportlab draws them:
    runs of ≥ 5 equal cells in rows and columns score length − 2; each 2×2 block of one colour 3; each
    1011101 0000 pattern in a row 40 (reportlab compares a column's tuple with its pattern list, which never
    matches, and it stops one cell short of the row end: both kept); the dark share 10 per 5 % from 50 %.
    """
    n = len(modules)
    return _score(n, _packed(n, [int("".join("1" if m else "0" for m in row), 2) for row in modules]))


def _packed(n: int, rows: Sequence[int]) -> int:
    """Rows (bit n-1-c = column c) as one integer, row r at bits r·(n+1) …, a zero guard bit between rows."""
    w = n + 1
    return sum(v << (r * w) for r, v in enumerate(rows))


@lru_cache(maxsize=8)
def _masks(n: int) -> tuple[int, int, int]:
    """For packed rows of n cells: the cells with a right-hand neighbour in their row (bit positions 1 … n-1 of a
    row: column c sits at n-1-c), the cells of every row but the last, and where a finder-like pattern may end."""
    w = n + 1
    row_pairs = sum(((1 << n) - 2) << (r * w) for r in range(n))
    upper = sum(((1 << n) - 1) << (r * w) for r in range(n - 1))
    # reportlab looks for 1011101 0000 at columns j … j+10 with j + 11 ≤ n - 1: its last cell at bit n-11-j ≥ 1
    ends = sum(sum(1 << p for p in range(1, n - 10)) << (r * w) for r in range(n))
    return row_pairs, upper, ends


_FINDER_BITS = (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1)  # 1011101 0000 from its last cell (lowest bit) up


def _score(n: int, m: int) -> int:
    """``lost_points`` of packed rows: whole-symbol bit operations instead of a pass per row and column."""
    w = n + 1
    row_pairs, upper, ends = _masks(n)
    # a bit per cell equal to its neighbour: to the left in the row (at the lower bit), below in the column
    h = ~((m ^ (m >> 1)) << 1) & row_pairs
    v = ~(m ^ (m >> w)) & upper
    score = 0
    for same, step in ((h, 1), (v, w)):
        five = same & (same >> step) & (same >> 2 * step) & (same >> 3 * step)  # a window of 5 equal cells
        # a run of L ≥ 5 cells has L - 4 windows and one first window: L - 2 points
        score += five.bit_count() + 2 * (five & ~(five << step)).bit_count()
    score += 3 * (v & (v << 1) & h).bit_count()
    found = ends
    for k, bit in enumerate(_FINDER_BITS):
        found &= (m if bit else ~m) >> k
    score += 40 * found.bit_count()
    dark = m.bit_count()
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


@lru_cache(maxsize=8)
def _packed_remasks(n: int, positions: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """``_remasks`` as one packed integer (``_packed``) per mask."""
    return tuple(_packed(n, rows) for rows in _remasks(n, positions))


def _best_mask(n: int, trial: list[int], positions: tuple[tuple[int, int], ...]) -> Matrix:
    """From the layout under mask 0 (rows as ints, format cells blank), the symbol under the mask reportlab
    picks, with its format bits."""
    w = n + 1
    packed = _best_packed(n, _packed(n, trial), _packed_remasks(n, positions))
    return tuple(_row_cells((packed >> (r * w)) & ((1 << n) - 1), n) for r in range(n))


def _best_packed(n: int, packed: int, remasks: tuple[int, ...]) -> int:
    """``_best_mask`` on packed rows (``_packed``; ``remasks`` from ``_packed_remasks``), giving packed rows."""
    best, best_points = 0, -1
    for k, remask in enumerate(remasks):
        points = _score(n, packed ^ remask)
        if best_points < 0 or points < best_points:
            best, best_points = k, points
    clear, dark = _packed_type_info(n, best)
    return ((packed ^ remasks[best]) & ~clear) | dark


@lru_cache(maxsize=64)
def _packed_type_info(n: int, mask: int) -> tuple[int, int]:
    clear, dark = _type_info(n, mask)
    return _packed(n, clear), _packed(n, dark)


@lru_cache(maxsize=64)
def _type_info(n: int, mask: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per row, the cells reportlab's ``setupTypeInfo`` writes for ``mask`` (the format bits) and the dark ones
    among them, taken once from reportlab."""
    qr = QRCode(1, QRErrorCorrectLevel.M)
    qr.moduleCount = n
    qr.modules = [[None] * n for _ in range(n)]
    qr.setupTypeInfo(False, mask)
    clear = tuple(sum(1 << (n - 1 - c) for c, m in enumerate(row) if m is not None) for row in qr.modules)
    dark = tuple(sum(1 << (n - 1 - c) for c, m in enumerate(row) if m) for row in qr.modules)
    return clear, dark


@lru_cache(maxsize=4096)
def _row_cells(value: int, n: int) -> tuple[bool, ...]:
    """One row's cells (True = dark) from its bits (bit n-1-c = column c); the finder and timing rows recur."""
    return tuple(map("1".__eq__, format(value, f"0{n}b")))


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


def _ec_table() -> tuple[int, ...]:
    """Per leading coefficient, the generator times it as one integer of ``_EC_CODEWORDS`` bytes: the remainder
    register of the division below, shifted a byte at a time, XORs it in."""
    return tuple(
        int.from_bytes(bytes(_EXP[_LOG[c] + lg] if c else 0 for lg in _GEN), "big") for c in range(256)
    )


_EC_TABLE = _ec_table()
_EC_TOP = 8 * (_EC_CODEWORDS - 1)
_EC_MASK = (1 << (8 * _EC_CODEWORDS)) - 1


def _ec(data: list[int]) -> list[int]:
    """The error-correction codewords of one block: the remainder of data·x^n divided by the generator."""
    rem = 0
    for value in data:
        rem = ((rem << 8) & _EC_MASK) ^ _EC_TABLE[value ^ (rem >> _EC_TOP)]
    return list(rem.to_bytes(_EC_CODEWORDS, "big"))


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


@lru_cache(maxsize=1)
def _v1_tables() -> tuple[int, tuple[tuple[int, ...], ...], tuple[int, ...]]:
    """The layout under mask 0 as packed rows (``_packed``); per codeword position the packed cells each of
    its 256 values turns dark there (the XOR of its bits' cells), so a symbol is 26 look-ups, not 208 bit
    placements; and the masks' ``_packed_remasks``."""
    base, positions, cells = _v1_layout()
    w = _N + 1
    bits = [
        r * w + bit.bit_length() - 1 for r, bit in cells
    ]  # packed position of each data bit, stream order
    tables = []
    for j in range(_DATA_CODEWORDS + _EC_CODEWORDS):
        single = [1 << bits[8 * j + 7 - k] for k in range(8)]  # value bit k (LSB = 0) -> its cell
        table = [0] * 256
        for value in range(1, 256):
            low = value & -value
            table[value] = table[value ^ low] ^ single[low.bit_length() - 1]
        tables.append(tuple(table))
    return _packed(_N, base), tuple(tables), _packed_remasks(_N, positions)


def _v1_packed(codewords: list[int]) -> int:
    """Packed rows of the version-1 symbol of ``codewords``, masked and with its format bits."""
    packed, tables, remasks = _v1_tables()
    for table, value in zip(tables, codewords, strict=True):
        packed ^= table[value]
    return _best_packed(_N, packed, remasks)


def _v1_modules(codewords: list[int]) -> Matrix:
    w = _N + 1
    packed = _v1_packed(codewords)
    return tuple(_row_cells((packed >> (r * w)) & ((1 << _N) - 1), _N) for r in range(_N))


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


def _rows(payload: str) -> tuple[int, tuple[int, ...]]:
    """The symbol's side and its rows as ints (bit n-1-c = column c, dark = 1)."""
    codewords = _v1_codewords(payload)
    if codewords is not None:
        w = _N + 1
        packed = _v1_packed(codewords)
        return _N, tuple((packed >> (r * w)) & ((1 << _N) - 1) for r in range(_N))
    matrix = qr_modules(payload)
    return len(matrix), tuple(int("".join("1" if m else "0" for m in row), 2) for row in matrix)


@lru_cache(maxsize=4096)
def _runs(value: int, n: int) -> tuple[tuple[int, int], ...]:
    """The dark runs of one row as (first column, length), left to right; finder and timing rows recur."""
    out = []
    while value:
        high = value.bit_length()  # the run starts at column n - high …
        low = (~value & ((1 << high) - 1)).bit_length()  # … and its last cell is at bit ``low``
        out.append((n - high, high - low))
        value &= (1 << low) - 1
    return tuple(out)


@lru_cache(maxsize=16)
def _grid(
    n: int, x: float, y: float, size: float
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """For a symbol of n modules at (x, y), ``size`` points square with its quiet zone, formatted as the path
    writes them: the left edge of a run starting at each column, each row's lower edge with a space either side,
    and per run length "width height re" (the footer sits at one place: a 核验码's text is of one width)."""
    m = size / (n + 8)
    xs = tuple(fp_str(*(x + (4 + c) * m for c in range(n))).split(" "))
    tops = tuple(f" {fp_str(y + size - (4 + r + 1) * m)} " for r in range(n))
    tails = ("", *(f"{fp_str(k * m)} {fp_str(m)} re" for k in range(1, n + 1)))
    return xs, tops, tails


def qr_path(payload: str, x: float, y: float, size: float) -> PDFPathObject:
    """The QR code of ``payload`` as one fill path with its lower-left corner at (x, y), ``size`` points square
    (a 4-module quiet zone included). Each dark run of a row is one rect; the path's operators are written in one
    pass (build it once per document and draw it on every page), the coordinates formatted once per place and
    size, each row's runs found once per distinct row."""
    n, rows = _rows(payload)
    xs, tops, tails = _grid(n, x, y, size)
    code = ["n"]  # what PDFPathObject writes before its first operator
    for top, value in zip(tops, rows, strict=True):
        code += [f"{xs[start]}{top}{tails[length]}" for start, length in _runs(value, n)]
    return PDFPathObject(code=code)
