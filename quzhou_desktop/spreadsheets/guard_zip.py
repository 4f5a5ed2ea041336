"""Bounds of a ZIP workbook (.xlsx/.xlsm/.xlsb, .ods) checked before python-calamine opens it.

The central directory is read first (entry count, declared sizes, ratios); then every part calamine may read
is inflated in chunks by our own loop, which stops at the declared size and insists that the DEFLATE stream
ends exactly there (a header that lies about the size is a damaged file, not a bigger read). While inflating,
:mod:`~quzhou_desktop.spreadsheets.guard_sheet` measures what calamine will allocate: each sheet's rectangle
from A1 to its last value, and the text the cells copy from the shared strings.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from quzhou_desktop.spreadsheets import limits as L
from quzhou_desktop.spreadsheets.errors import (
    DamagedFile,
    EncryptedWorkbook,
    FileOvercompressed,
    FileTooLarge,
    NotASpreadsheet,
)
from quzhou_desktop.spreadsheets.guard_exact import exact_scan
from quzhou_desktop.spreadsheets.guard_sheet import (
    NeedsExactScan,
    SharedStrings,
    SheetScan,
    check_sheet,
    mib,
)

_CHUNK = 4 * L.MiB  # inflated bytes per step
_FEED = 1 * L.MiB  # compressed bytes per step


def _entries(name: str, data: bytes) -> list[zipfile.ZipInfo]:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:  # BadZipFile, NotImplementedError, struct.error …: the directory cannot be read
        raise DamagedFile(name=name, reason="压缩包的目录不完整") from None
    if len(infos) > L.MAX_ZIP_ENTRIES:
        raise FileTooLarge(name=name, reason=f"包含{len(infos):,}个部件（正常的表格只有几十个）")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if info.flag_bits & 0x1:
            raise EncryptedWorkbook(name=name)
        if size > L.RATIO_FLOOR and size / packed > L.MAX_RATIO:
            raise FileOvercompressed(
                name=name, reason=f"{mib(packed)}解压后成为{mib(size)}，约{size // packed}倍"
            )
        if size > L.MAX_PART_BYTES:
            raise FileTooLarge(
                name=name, reason=f"其中一个部件解压后有{mib(size)}（上限{mib(L.MAX_PART_BYTES)}）"
            )
        total += size
    if total > L.MAX_UNCOMPRESSED_BYTES:
        raise FileTooLarge(name=name, reason=f"解压后共有{mib(total)}（上限{mib(L.MAX_UNCOMPRESSED_BYTES)}）")
    return infos


def inflate(name: str, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, never more than its declared size; a stream that ends early or goes on
    past the declared size is refused (the CRC is left to calamine: it says nothing about size)."""
    off = info.header_offset
    if data[off : off + 4] != b"PK\x03\x04" or len(data) < off + 30:
        raise DamagedFile(name=name, reason="压缩包的部件位置不对")
    n, m = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + n + m
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise DamagedFile(name=name, reason="压缩包被截断")
    left = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise DamagedFile(name=name, reason="压缩包的部件大小不一致")
        for i in range(0, len(raw), _CHUNK):
            yield bytes(raw[i : i + _CHUNK])
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = zlib.decompressobj(-15)
        pos = 0
        pending: bytes = b""
        while not d.eof:
            if not pending:
                if pos >= len(raw):
                    raise DamagedFile(name=name, reason="压缩数据不完整")
                pending = bytes(raw[pos : pos + _FEED])
                pos += len(pending)
            try:
                out = d.decompress(pending, min(_CHUNK, left + 1))
            except zlib.error:
                raise DamagedFile(name=name, reason="压缩数据损坏") from None
            pending = d.unconsumed_tail
            if out:
                left -= len(out)
                if left < 0:
                    raise FileOvercompressed(name=name, reason="解压后的内容比文件目录中声明的大")
                yield out
        if left:
            raise DamagedFile(name=name, reason="解压后的内容比文件目录中声明的小")
    else:
        raise DamagedFile(name=name, reason="使用了表格文件不会用的压缩方式")


def _is_sst(part: str) -> bool:
    return "sharedstrings" in part.lower()


def _scanned(part: str) -> bool:
    low = part.lower()
    if low.endswith(".xml") or low.endswith(".rels"):
        return True
    return low.endswith(".bin") and ("worksheets/" in low or _is_sst(low))


def check_zip(name: str, data: bytes) -> str:
    """Check a ZIP workbook; return ``"ods"`` or ``"ooxml"``. Raises an ImportFileError subclass when a limit
    is exceeded or the package is damaged; says what the file is when it is a Word or PowerPoint file."""
    infos = _entries(name, data)
    names = [i.filename for i in infos]
    if any(n.startswith("word/") for n in names):
        raise NotASpreadsheet(name=name, detail="这是 Word 文档，不是表格")
    if any(n.startswith("ppt/") for n in names):
        raise NotASpreadsheet(name=name, detail="这是 PowerPoint 演示文稿，不是表格")
    ods = "content.xml" in names and not any(n.startswith("xl/") for n in names)
    if ods:
        from quzhou_desktop.spreadsheets.guard_ods import check_ods_content

        for info in infos:
            if info.filename == "content.xml":
                check_ods_content(name, inflate(name, data, info), info.file_size)
            elif info.filename.lower().endswith(".xml"):
                _drain_markup(name, inflate(name, data, info))
        return "ods"
    strings = SharedStrings()
    ordered = sorted((i for i in infos if _scanned(i.filename)), key=lambda i: not _is_sst(i.filename))
    sheets: list[tuple[zipfile.ZipInfo, SheetScan]] = []
    for info in ordered:
        binary = info.filename.lower().endswith(".bin")
        if _is_sst(info.filename):
            strings.scan(name, inflate(name, data, info), binary=binary)
        else:
            scan = SheetScan(binary=binary)
            try:
                scan.scan(name, inflate(name, data, info), strings)
            except NeedsExactScan:
                scan = exact_scan(name, inflate(name, data, info), strings)
            if scan.cells:
                sheets.append((info, scan))
    for info, scan in sheets:
        exact = None
        if scan.needs_indexes(strings):  # the quick bound is too high: sum the strings the cells really use
            exact = SheetScan(binary=scan.binary, indexes=True)
            exact.scan(name, inflate(name, data, info), strings)
        check_sheet(name, exact or scan, strings, info.file_size)
    return "ooxml"


def _drain_markup(name: str, chunks: Iterator[bytes]) -> None:
    """Inflate a small XML part (checking its size and CRC) and refuse DTDs in it."""
    from quzhou_desktop.spreadsheets.guard_sheet import refuse_dtd

    for chunk in chunks:
        refuse_dtd(name, chunk)
