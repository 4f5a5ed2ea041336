"""The record walk of .xlsb (BIFF12) parts, for the guards that measure them before calamine reads them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile


def biff12_records(name: str, chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(record type, payload) of an .xlsb part; a record longer than 4 MiB is a damaged file."""
    buf = b""
    pos = 0
    for chunk in chunks:
        buf = buf[pos:] + chunk
        pos = 0
        while True:
            start = pos
            rtype, pos = _varint(buf, pos, 2)
            size, pos = _varint(buf, pos, 4) if pos >= 0 else (0, -1)
            if pos < 0 or pos + size > len(buf):
                if size > 4 * L.MiB:
                    raise DamagedFile(name=name, reason="二进制工作表的记录长度异常")
                pos = start
                break
            yield rtype, buf[pos : pos + size]
            pos += size
    if pos < len(buf):
        raise DamagedFile(name=name, reason="二进制工作表不完整")


def _varint(buf: bytes, pos: int, most: int) -> tuple[int, int]:
    value = 0
    for i in range(most):
        if pos + i >= len(buf):
            return 0, -1
        b = buf[pos + i]
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            return value, pos + i + 1
    return value, pos + most
