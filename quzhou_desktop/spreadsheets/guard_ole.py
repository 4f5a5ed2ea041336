"""Bounds of an OLE workbook (.xls, WPS .et) checked before python-calamine reads it.

The compound file's directory is read with olefile (every stream must fit in the file), then the BIFF records
of the workbook stream are walked once: for each sheet the largest row and column holding a value (calamine
allocates the rectangle from its first to its last value), and the text its cells copy from the shared string
table (each cell that uses a shared string gets its own copy). BIFF8 stores 16-bit row and column numbers, so
a 20 KB file can ask for 65,536 × 65,536 cells.
"""

from __future__ import annotations

import struct
from array import array

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import DamagedFile, EncryptedWorkbook, NotASpreadsheet
from quzhou_desktop.spreadsheets.guard_sheet import SharedStrings, SheetScan, check_sheet

_BOF, _EOF, _SST, _CONTINUE = 0x0809, 0x000A, 0x00FC, 0x003C
_LABELSST, _LABEL, _RSTRING = 0x00FD, 0x0204, 0x00D6
_CELLS = frozenset({0x0203, 0x027E, 0x0205, 0x0006, _LABEL, _RSTRING, _LABELSST})  # hold a value
_MULRK = 0x00BD
_SHEET = 0x0010  # BOF substream type of a worksheet


def check_ole(name: str, data: bytes) -> None:
    """Refuse an OLE workbook beyond the limits; Word and PowerPoint files and encrypted workbooks are named."""
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        streams = ["/".join(p) for p in ole.listdir(streams=True, storages=False)]
        for path in streams:
            if ole.get_size(path) > len(data):
                raise DamagedFile(name=name, reason="文件内部记录的数据长度超出了文件本身")
        if "WordDocument" in streams:
            raise NotASpreadsheet(name=name, detail="这是 Word 文档，不是表格")
        if "PowerPoint Document" in streams:
            raise NotASpreadsheet(name=name, detail="这是 PowerPoint 演示文稿，不是表格")
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            raise EncryptedWorkbook(name=name)
        stream = next((s for s in ("Workbook", "Book", "WORKBOOK", "BOOK") if s in streams), None)
        if stream is None:
            raise NotASpreadsheet(name=name, detail="文件中没有 Excel 工作簿数据")
        book = ole.openstream(stream).read()
    except (NotASpreadsheet, DamagedFile, EncryptedWorkbook):
        raise
    except Exception:  # olefile raises many kinds on a broken container
        raise DamagedFile(name=name, reason="文件结构不完整") from None
    try:
        check_biff(name, book)
    except (struct.error, IndexError, ValueError, OverflowError):
        raise DamagedFile(name=name, reason="工作簿数据不完整") from None


def check_biff(name: str, book: bytes) -> None:
    """Walk the BIFF records of a workbook stream and check each worksheet."""
    strings = SharedStrings()
    scan: SheetScan | None = None
    indexes: list[int] = []
    sst: list[bytes] | None = None
    pos, end = 0, len(book)
    while pos + 4 <= end:
        rtype, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if sst is not None:
            if rtype == _CONTINUE:
                sst.append(body)
                continue
            strings.lengths = sst_lengths(sst)
            strings.longest = max(strings.lengths, default=0)
            sst = None
        if rtype == _BOF:
            kind = struct.unpack_from("<H", body, 2)[0] if len(body) >= 4 else 0
            scan = SheetScan() if kind == _SHEET else None
            indexes = []
        elif rtype == _EOF and scan is not None:
            _finish(name, scan, strings, indexes)
            scan = None
        elif rtype == _SST:
            sst = [body]
        elif scan is not None and len(body) >= 4:
            if rtype in _CELLS:
                row, col = struct.unpack_from("<HH", body)
                _cell(scan, row, col)
                if rtype == _LABELSST and len(body) >= 10:
                    indexes.append(struct.unpack_from("<I", body, 6)[0])
                elif rtype in (_LABEL, _RSTRING):
                    scan.text += 3 * size
            elif rtype == _MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body)
                last = struct.unpack_from("<H", body, len(body) - 2)[0]
                _cell(scan, row, max(first, last))
    if scan is not None:
        _finish(name, scan, strings, indexes)


def _cell(scan: SheetScan, row: int, col: int) -> None:
    scan.cells += 1
    if row + 1 > scan.max_row:
        scan.max_row = row + 1
    if col + 1 > scan.max_col:
        scan.max_col = col + 1


def _finish(name: str, scan: SheetScan, strings: SharedStrings, indexes: list[int]) -> None:
    scan.text += strings.text_of(indexes)
    scan.indexes = True
    check_sheet(name, scan, strings, 0)


def sst_lengths(segments: list[bytes]) -> array[int]:
    """UTF-8 bytes (3 per character at most) of each string of a BIFF8 shared string table (the SST record and
    its CONTINUE records; a continued character run starts with a new option byte)."""
    out: array[int] = array("I")
    if not segments or len(segments[0]) < 8:
        return out
    unique = struct.unpack_from("<I", segments[0], 4)[0]
    seg, pos = 0, 8

    def take(n: int) -> bytes:
        nonlocal seg, pos
        got = b""
        while n > 0 and seg < len(segments):
            piece = segments[seg][pos : pos + n]
            got += piece
            pos += len(piece)
            n -= len(piece)
            if pos >= len(segments[seg]):
                seg, pos = seg + 1, 0
        return got

    while len(out) < min(unique, L.MAX_CELLS) and seg < len(segments):
        head = take(3)
        if len(head) < 3:
            break
        cch, flags = struct.unpack("<HB", head)
        runs = struct.unpack("<H", take(2))[0] if flags & 0x08 else 0
        ext = struct.unpack("<I", take(4))[0] if flags & 0x04 else 0
        wide, left = flags & 0x01, cch
        while left > 0 and seg < len(segments):
            avail = len(segments[seg]) - pos
            if avail <= 0:
                seg, pos = seg + 1, 0
                if seg < len(segments):
                    wide, pos = segments[seg][0] & 0x01, 1  # a continued run restates its width
                continue
            n = min(left, avail // (2 if wide else 1))
            if n == 0:
                break
            pos += n * (2 if wide else 1)
            left -= n
        skip = 4 * runs + ext
        while skip > 0 and seg < len(segments):
            step = min(skip, len(segments[seg]) - pos)
            pos += step
            skip -= step
            if pos >= len(segments[seg]):
                seg, pos = seg + 1, 0
        out.append(3 * cch)
    return out
