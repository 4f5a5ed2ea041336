"""Character coverage straight from a font's raw ``cmap`` table (formats 4 and 12), without decoding it.

fontTools' ``getBestCmap`` builds a dict of every mapped character with its glyph *name*: for a CJK face that is
30,000–60,000 entries, ≈ 0.4 s and ≈ 10 MB of short-lived objects (kept until the cycle collector runs), per face.
Discovery only needs to know whether a handful of characters are mapped, and printing needs the set of mapped
characters; both are read here from the table's bytes.  The subtable chosen and the characters reported are the
ones ``getBestCmap`` gives (every code point whose glyph is not 0, i.e. not ``.notdef``); a best subtable of
another format returns None and the caller falls back to fontTools.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

# fontTools' getBestCmap preference order: (platform, encoding).
PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def best_subtable(cmap: bytes) -> bytes | None:
    """The bytes of the subtable getBestCmap would use, from its offset to the end of the table."""
    (count,) = struct.unpack_from(">H", cmap, 2)
    first: dict[tuple[int, int], int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
        first.setdefault((platform, encoding), offset)  # getcmap returns the first of a pair
    for key in PREFERENCE:
        if key in first:
            return cmap[first[key] :]
    return None


def _format4(sub: bytes) -> Iterator[tuple[int, int, int, int, int]]:
    """(start, end, delta, range offset, position of the range offset) per segment."""
    (seg_x2,) = struct.unpack_from(">H", sub, 6)
    n = seg_x2 // 2
    ends = struct.unpack_from(f">{n}H", sub, 14)
    starts = struct.unpack_from(f">{n}H", sub, 16 + seg_x2)
    deltas = struct.unpack_from(f">{n}H", sub, 16 + 2 * seg_x2)
    ro_base = 16 + 3 * seg_x2
    offsets = struct.unpack_from(f">{n}H", sub, ro_base)
    for i in range(n):
        yield starts[i], ends[i], deltas[i], offsets[i], ro_base + 2 * i


def _glyph4(sub: bytes, c: int, start: int, delta: int, ro: int, ro_pos: int) -> int:
    if ro == 0:
        return (c + delta) & 0xFFFF
    (g,) = struct.unpack_from(">H", sub, ro_pos + ro + 2 * (c - start))
    return (g + delta) & 0xFFFF if g else 0


def _groups12(sub: bytes) -> Iterator[tuple[int, int, int]]:
    (n,) = struct.unpack_from(">I", sub, 12)
    for i in range(n):
        yield struct.unpack_from(">III", sub, 16 + 12 * i)


def mapped(cmap: bytes) -> set[int] | None:
    """Every code point the best subtable maps to a glyph other than 0; None for formats other than 4 and 12."""
    sub = best_subtable(cmap)
    if sub is None:
        return set()
    (fmt,) = struct.unpack_from(">H", sub, 0)
    out: set[int] = set()
    if fmt == 4:
        for start, end, delta, ro, ro_pos in _format4(sub):
            if start == 0xFFFF:
                continue
            if ro == 0:
                out.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            else:
                out.update(c for c in range(start, end + 1) if _glyph4(sub, c, start, delta, ro, ro_pos))
        return out
    if fmt == 12:
        for start, end, glyph in _groups12(sub):
            out.update(range(start + (1 if glyph == 0 else 0), end + 1))
        return out
    return None


def covers(cmap: bytes, code_points: Iterable[int]) -> bool | None:
    """Whether the best subtable maps every one of ``code_points`` (a few); None when its format is neither 4
    nor 12."""
    sub = best_subtable(cmap)
    if sub is None:
        return False
    (fmt,) = struct.unpack_from(">H", sub, 0)
    wanted = list(code_points)
    if fmt == 4:
        segments = list(_format4(sub))
        for c in wanted:
            seg = next((s for s in segments if s[0] <= c <= s[1] and s[0] != 0xFFFF), None)
            if seg is None or not _glyph4(sub, c, seg[0], seg[2], seg[3], seg[4]):
                return False
        return True
    if fmt == 12:
        groups = list(_groups12(sub))
        for c in wanted:
            grp = next((g for g in groups if g[0] <= c <= g[1]), None)
            if grp is None or grp[2] + c - grp[0] == 0:
                return False
        return True
    return None
