"""Hostile spreadsheets, made on demand (nothing large is committed): what a careless or malicious sender can
put in a file to crash, stall or exhaust the importer. Each case names the file it writes, the import kind, and
words its refusal must contain. ``make(folder)`` writes them all (≈10 MB on disk, a few seconds).

    python -m tests.hostile.corpus /tmp/hostile      # write the corpus to look at or import by hand
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIX = Path(__file__).resolve().parents[1] / "fixtures"
MiB = 1 << 20

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="凭证" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    f'2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>凭证号</t></is></c><c r="B1" t="inlineStr"><is><t>日期</t></is>'
    '</c><c r="C1" t="inlineStr"><is><t>摘要</t></is></c><c r="D1" t="inlineStr"><is><t>金额</t></is></c></row>'
)


# -- ZIP packages written by hand (to state sizes and build deflate streams no library would) -------------
@dataclass
class Part:
    name: str
    packed: bytes  # raw deflate (or the bytes themselves when stored)
    size: int  # uncompressed size
    crc: int
    declared: int | None = None  # the size the directory states, when it lies


def deflated(name: str, data: bytes) -> Part:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Part(name, c.compress(data) + c.flush(), len(data), zlib.crc32(data))


def repeated(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> Part:
    """head + block × times + tail as one deflate stream, built from one compressed copy of ``block``: after
    a full flush the compressor forgets what came before, so each copy compresses to the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, first + one * times + last, len(head) + len(block) * times + len(tail), crc)


def write_zip(path: Path, parts: list[Part]) -> None:
    body = bytearray()
    central = bytearray()
    for p in parts:
        name = p.name.encode()
        size = p.size if p.declared is None else p.declared
        offset = len(body)
        fields = (20, 0x0800, 8, 0, 0, p.crc, len(p.packed), size, len(name), 0)
        body += b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + name + p.packed
        central += b"PK\x01\x02" + struct.pack("<HHHHHHIIIHHHHHII", 20, 20, 0x0800, 8, 0, 0, p.crc,
                                               len(p.packed), size, len(name), 0, 0, 0, 0, 0, offset) + name  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))


def xlsx(path: Path, sheet: Part | str, shared: Part | str | None = None) -> None:
    parts = [deflated("[Content_Types].xml", _CT.encode()), deflated("_rels/.rels", _RELS.encode()),
             deflated("xl/workbook.xml", _WB.encode()), deflated("xl/_rels/workbook.xml.rels", _WB_RELS.encode())]  # fmt: skip
    if isinstance(sheet, str):
        sheet = deflated("xl/worksheets/sheet1.xml", (_SHEET_HEAD + sheet + _SHEET_TAIL).encode())
    parts.append(sheet)
    if isinstance(shared, str):
        shared = deflated("xl/sharedStrings.xml", shared.encode())
    if shared is not None:
        parts.append(shared)
    write_zip(path, parts)


# -- the cases -----------------------------------------------------------------------------------------
def corner_cell(path: Path) -> None:
    """A header in A1 and one value in XFD1048576: calamine would allocate 1,048,576 × 16,384 cells (549 GB)."""
    xlsx(path, HEADER_ROW + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')


def corner_cell_hidden_in_row_one(path: Path) -> None:
    """The far cell's reference inside row 1 (the row tags say nothing is far)."""
    xlsx(path, HEADER_ROW.replace("</row>", '<c r="XFD1048576"><v>1</v></c></row>'))


def zip_bomb(path: Path) -> None:
    """A 1 GB sheet XML of plausible rows in ≈2–3 MB (the directory states the real size)."""
    row = b'<row><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    block = row * (MiB // len(row))
    head = (_SHEET_HEAD + HEADER_ROW).encode()
    xlsx(path, repeated("xl/worksheets/sheet1.xml", head, block, 1024, _SHEET_TAIL.encode()))


def zip_bomb_lying(path: Path) -> None:
    """The same kind of stream, 256 MB, under a directory that says 64 KB (and a matching small ratio)."""
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    block = row * (MiB // len(row))
    part = repeated(
        "xl/worksheets/sheet1.xml", (_SHEET_HEAD + HEADER_ROW).encode(), block, 256, b"</sheetData>"
    )
    part.declared = 64 * 1024
    xlsx(path, part)


def huge_shared_string(path: Path) -> None:
    """One shared string of 500 MB (deflates to ≈0.5 MB)."""
    head = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    )
    sst = repeated("xl/sharedStrings.xml", head, b"A" * MiB, 500, b"</t></si></sst>")
    xlsx(path, HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', sst)


def shared_string_copies(path: Path) -> None:
    """A 90,000-character string used by 100,000 cells: 26 GB once calamine copies it into each cell."""
    sst = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f"<si><t>{'长' * 30_000}</t></si></sst>")  # fmt: skip
    rows = "".join(f'<row r="{r}"><c r="C{r}" t="s"><v>0</v></c></row>' for r in range(2, 100_002))
    xlsx(path, HEADER_ROW + rows, sst)


def entity_bomb_xlsx(path: Path) -> None:
    """“Billion laughs” in a sheet's DOCTYPE."""
    lol = (
        '<!DOCTYPE w [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )
    doc = f'<?xml version="1.0"?>{lol}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'  # fmt: skip
    xlsx(path, deflated("xl/worksheets/sheet1.xml", doc.encode()))


def not_a_workbook_zip(path: Path) -> None:
    """A ZIP archive of photos renamed .xlsx (calamine: “Cannot detect file format”)."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("照片/1.txt", "不是表格")


def html_spans(path: Path) -> None:
    """36 KB of HTML: 1,000 cells each spanning 1,000 rows and 1,000 columns."""
    cells = '<td rowspan="1000" colspan="1000">x</td>' * 1000
    path.write_text(f"<html><body><table><tr>{cells}</tr><tr><td>a</td></tr></table></body></html>")


def html_long_cell(path: Path) -> None:
    path.write_text(
        f"<table><tr><td>摘要</td></tr><tr><td>{'长' * 200_000}</td></tr></table>", encoding="utf-8"
    )


def html_too_big(path: Path) -> None:
    """9 MB of web page saved as .xls (html.parser reads ≈0.5–1 MB/s)."""
    row = "<tr>" + "<td>1</td>" * 10 + "</tr>\n"
    path.write_text("<table>" + row * (9 * MiB // len(row)) + "</table>")


def lowercase_references(path: Path) -> None:
    """References in lowercase (each read one by one), the last one far down."""
    rows = "".join(f'<row><c r="a{r}"><v>{r}</v></c></row>' for r in range(2, 50_000))
    xlsx(path, HEADER_ROW + rows + '<row><c r="zz999999"><v>1</v></c></row>')


def ods_repeats(path: Path) -> None:
    """One text cell repeated over 1,000 columns and 100,000 rows: 100 million cells from 1 KB."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="凭证"><table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


def xls_far_cell(path: Path) -> None:
    """A real .xls (LibreOffice) whose first shared-string cell is moved to row 65,536, column 65,536: BIFF8
    row and column fields are 16 bits, so calamine would allocate 4.3 billion cells."""
    import olefile

    data = bytearray((FIX / "libreoffice" / "vouchers_title_merged.xls").read_bytes())
    path.write_bytes(bytes(data))
    ole = olefile.OleFileIO(str(path), write_mode=True)
    book = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while pos + 4 <= len(book):
        rtype, size = struct.unpack_from("<HH", book, pos)
        if rtype == 0x00FD:  # LABELSST
            struct.pack_into("<HH", book, pos + 4, 0xFFFF, 0xFFFF)
            break
        pos += 4 + size
    ole.write_stream("Workbook", bytes(book))
    ole.close()


def _ole_sector(data: bytes | bytearray, index: int) -> int:
    return 512 + index * 512  # version 3 compound files: 512-byte sectors after the 512-byte header


def xls_fat_loop(path: Path) -> None:
    """A real .xls whose Workbook stream's sector chain loops back on itself."""
    data = bytearray((FIX / "libreoffice" / "vouchers_title_merged.xls").read_bytes())
    fat = _ole_sector(data, struct.unpack_from("<I", data, 0x4C)[0])
    first = _workbook_entry(data)[1]
    second = struct.unpack_from("<I", data, fat + 4 * first)[0]
    struct.pack_into("<I", data, fat + 4 * second, first)
    path.write_bytes(bytes(data))


def xls_stream_size_lie(path: Path) -> None:
    """A real .xls whose directory says the Workbook stream holds 2 GB."""
    data = bytearray((FIX / "libreoffice" / "vouchers_title_merged.xls").read_bytes())
    entry = _workbook_entry(data)[0]
    struct.pack_into("<I", data, entry + 0x78, 0x7FFFFFFF)
    path.write_bytes(bytes(data))


def _workbook_entry(data: bytearray) -> tuple[int, int]:
    """(offset of the Workbook directory entry, its first sector)."""
    directory = _ole_sector(data, struct.unpack_from("<I", data, 0x30)[0])
    for i in range(4):
        off = directory + 128 * i
        if bytes(data[off : off + 16]).decode("utf-16-le", errors="ignore").startswith("Workbook"):
            return off, struct.unpack_from("<I", data, off + 0x74)[0]
    raise ValueError("no Workbook stream")


def xml2003_wide(path: Path) -> None:
    """SpreadsheetML rows each jumping to column 16,384 (ss:Index): 6.5 million cells from 40 KB."""
    row = '<Row><Cell ss:Index="16384"><Data ss:Type="String">x</Data></Cell></Row>'
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="凭证"><Table>'
        + row * 400 + "</Table></Worksheet></Workbook>"
    )  # fmt: skip


def csv_unclosed_quote(path: Path) -> None:
    path.write_text('凭证号,摘要\n1,"' + "这一格的引号没有配对" * 20_000 + "\n", encoding="utf-8")


def csv_too_many_rows(path: Path) -> None:
    path.write_bytes("凭证号,金额\n".encode() + b"1,2\n" * 600_000)


def oversized_file(path: Path) -> None:
    """101 MB (sparse: no disk used): refused on its size before a byte is read."""
    with path.open("wb") as f:
        f.truncate(101 * MiB)


def gb18030_undecodable(path: Path) -> None:
    """A GB18030 CSV with bytes GB18030 cannot read in 摘要 (imported before as “�0�…”)."""
    head = "凭证号,日期,经手人,摘要,金额,村名\n".encode("gb18030")
    ok = "记-1,2026-03-01,张三,购买办公用品,100,余东村\n".encode("gb18030")
    bad = "记-2,2026-03-02,李四,".encode("gb18030") + b"\xff\x30\x80" + "维修\n".encode("gb18030")
    path.write_bytes(head + ok + bad[:-1] + ",50,余东村\n".encode("gb18030"))


@dataclass(frozen=True)
class Case:
    file: str
    kind: str
    make: Callable[[Path], None]
    words: tuple[str, ...]  # in the message, besides the file's name


CASES = (
    Case("角落一格.xlsx", "vouchers", corner_cell, ("太大", "第1,048,576行")),
    Case("第一行藏远格.xlsx", "vouchers", corner_cell_hidden_in_row_one, ("太大",)),
    Case("压缩炸弹.xlsx", "vouchers", zip_bomb, ("压缩比异常",)),
    Case("谎报大小.xlsx", "vouchers", zip_bomb_lying, ("声明",)),
    Case("超长共享文字.xlsx", "vouchers", huge_shared_string, ("解压",)),
    Case("共享文字复制.xlsx", "vouchers", shared_string_copies, ("内存",)),
    Case("实体炸弹.xlsx", "vouchers", entity_bomb_xlsx, ("DOCTYPE",)),
    Case("照片压缩包.xlsx", "vouchers", not_a_workbook_zip, ("无法识别",)),
    Case("跨行跨列.xls", "vouchers", html_spans, ("太大",)),
    Case("超长单元格.xls", "vouchers", html_long_cell, ("32,767",)),
    Case("大网页.xls", "vouchers", html_too_big, ("另存为 .xlsx",)),
    Case("小写引用.xlsx", "vouchers", lowercase_references, ("第999,999行",)),
    Case("重复单元格.ods", "vouchers", ods_repeats, ("太大",)),
    Case("远处单元格.xls", "vouchers", xls_far_cell, ("第65,536列",)),
    Case("扇区成环.xls", "vouchers", xls_fat_loop, ("已损坏",)),
    Case("流长度谎报.xls", "vouchers", xls_stream_size_lie, ("已损坏",)),
    Case("XML跳列.xml", "vouchers", xml2003_wide, ("单元格超过",)),
    Case("引号不配对.csv", "vouchers", csv_unclosed_quote, ("引号",)),
    Case("行数过多.csv", "ledger", csv_too_many_rows, ("500,000",)),
    Case("超大文件.xlsx", "vouchers", oversized_file, ("101 MB",)),
)
UNDECODABLE = Case("乱码.csv", "vouchers", gb18030_undecodable, ("第3行「摘要」列含有无法识别的字符",))


def make(folder: Path, cases: tuple[Case, ...] = (*CASES, UNDECODABLE)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases:
        path = folder / case.file
        if not path.exists():
            case.make(path)
        out.append(path)
    return out


if __name__ == "__main__":
    for p in make(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")):
        print(f"{p.stat().st_size:>12,}  {p}")
