"""spreadsheets.reader / sniff / html_table / xml2003: files are opened by content, whatever their extension."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from quzhou_desktop.spreadsheets import errors as E
from quzhou_desktop.spreadsheets.html_table import html_rows
from quzhou_desktop.spreadsheets.reader import open_workbook
from quzhou_desktop.spreadsheets.sniff import content_kind, decode_markup
from quzhou_desktop.spreadsheets.xml2003 import read_spreadsheetml
from tests.support.spreadsheets import voucher_records

FIX = Path(__file__).resolve().parent.parent / "fixtures"
SS_HEAD = (
    '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
)


def rows_of(path: Path, sheet: str | None = None) -> list[list[object]]:
    return [values for _, values in open_workbook(path).sheet(sheet).rows]


# -- sniffing ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "ole"),
        (b"PK\x03\x04rest", "zip"),
        (SS_HEAD.encode(), "xml2003"),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?><ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
            "xml2003",
        ),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
        (b"\r\n  <table border=1><tr><td>a</td></tr></table>", "html"),
        (b"<!DOCTYPE html><html><head></head></html>", "html"),
        ("<meta charset=gbk><TABLE><TR><TD>金额</TD></TR></TABLE>".encode("gbk"), "html"),
        ("<html><table></table></html>".encode("utf-16"), "html"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "mht"),
        (b'<?xml version="1.0"?><office:document xmlns:office="x"/>', "xml"),
        ("凭证号\t日期\n记-1\t2026-01-01\n".encode("gb18030"), "text"),
        ("凭证号\t日期\r\n".encode("utf-16"), "text"),
        (b"%PDF-1.7\n\x00\x01\x02", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_content_kind(head: bytes, kind: str) -> None:
    assert content_kind(head) == kind


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ('<meta charset="gb2312"><td>溪口村</td>'.encode("gbk"), "溪口村"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=GBK"><td>上洋村</td>'.encode("gbk"),
            "上洋村",
        ),
        ('<meta charset="gb2312"><td>声明是GB2312，其实是UTF-8</td>'.encode(), "其实是UTF-8"),
        ('<meta charset="utf-8"><td>声明是UTF-8，其实是GBK</td>'.encode("gbk"), "其实是GBK"),
        ("\ufeff<td>带BOM的UTF-16</td>".encode("utf-16-le"), "带BOM的UTF-16"),
        ('<?xml version="1.0" encoding="GB18030"?><a>㐀生僻字</a>'.encode("gb18030"), "㐀生僻字"),
        ('<meta charset="big5"><td>臺灣</td>'.encode("big5"), "臺灣"),
    ],
)
def test_markup_decoding(data: bytes, text: str) -> None:
    assert text in decode_markup(data)


# -- a file opens by what it is, under any accepted name ----------------------------------------------------
@pytest.mark.parametrize(
    ("source", "name", "reader"),
    [
        ("vouchers_xlsx_named.xls", "renamed.xls", "_CalamineBook"),  # .xlsx content, .xls name
        ("libreoffice/people_roster.xls", "roster.xlsx", "_CalamineBook"),  # .xls content, .xlsx name
        ("libreoffice/people_roster.ods", "roster.xls", "_CalamineBook"),  # .ods content, .xls name
        ("vouchers_wps.et", "凭证.et", "_CalamineBook"),
        ("vouchers_wps.et", "凭证.ett", "_CalamineBook"),
        ("vouchers_web_gbk.xls", "web.xls", "_MemoryBook"),
        ("vouchers_web_gbk.xls", "web.html", "_MemoryBook"),
        ("vouchers_2003.xml", "report.xls", "_MemoryBook"),
        ("vouchers_2003.xml", "report.xml", "_MemoryBook"),
        ("ledger_unicode_text.xls", "unicode.xls", "_CsvBook"),
        ("ledger_tab.csv", "tab.xls", "_CsvBook"),
        ("vouchers_xlsx_named.xls", "really_xlsx.csv", "_CalamineBook"),
    ],
)
def test_open_by_content(tmp_path: Path, source: str, name: str, reader: str) -> None:
    path = tmp_path / name
    shutil.copyfile(FIX / source, path)
    book = open_workbook(path)
    assert type(book).__name__ == reader
    assert any(any(v != "" for v in r) for r in rows_of(path, book.sheet_names[-1]))


@pytest.mark.parametrize(
    ("content", "name", "error", "words"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "scan.xls", E.NotASpreadsheet, "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "photo.xlsx", E.NotASpreadsheet, "图片"),
        (b"Rar!\x1a\x07\x00", "bundle.xls", E.NotASpreadsheet, "压缩文件"),
        ("这不是表格，只是一句话\n".encode(), "note.xls", E.NotASpreadsheet, "普通文字"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "pic.xml",
            E.NotASpreadsheet,
            "XML",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
            "x.xls",
            E.DamagedFile,
            "已损坏",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le"),
            "locked.xls",
            E.EncryptedWorkbook,
            "打开密码",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200 + "WordDocument".encode("utf-16-le"),
            "w.xls",
            E.NotASpreadsheet,
            "Word",
        ),
        (b"   \r\n\t ", "blank.xls", E.EmptyWorkbook, "没有任何数据"),
        (
            b"<html><body><table><tr><td></td></tr></table></body></html>",
            "empty.xls",
            E.EmptyWorkbook,
            "没有任何数据",
        ),
        (
            "<html><body><p>会话已过期，请重新登录</p></body></html>".encode(),
            "导出.xls",
            E.NotASpreadsheet,
            "没有表格",
        ),
        (b"anything", "notes.docx", E.NotASpreadsheet, "不支持扩展名“.docx”"),
    ],
)
def test_unknown_content_is_refused_in_chinese(
    tmp_path: Path, content: bytes, name: str, error: type[E.ImportFileError], words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as exc:
        open_workbook(path)
    assert words in str(exc.value)


def test_word_document_saved_as_xls_is_named(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "通知.xls"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(E.NotASpreadsheet) as exc:
        open_workbook(path)
    assert "Word 文档" in str(exc.value)


# -- HTML tables ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "rows", "merged"),
    [
        # rowspan: the next row's cells skip the covered column
        (
            "<table><tr><td rowspan=2>A</td><td>B</td></tr><tr><td>C</td></tr></table>",
            [["A", "B"], ["", "C"]],
            [(0, 0, 1, 0)],
        ),
        # colspan and rowspan together, then a cell after the covered block
        (
            "<table><tr><td colspan=2 rowspan=2>T</td><td>x</td></tr><tr><td>y</td></tr>"
            "<tr><td>1</td><td>2</td><td>3</td></tr></table>",
            [["T", "", "x"], ["", "", "y"], ["1", "2", "3"]],
            [(0, 0, 1, 1)],
        ),
        # <br> is a line break in the cell; &nbsp; a space; source line breaks collapse to one space
        (
            "<table><tr><td>路灯<br>维修</td><td>&nbsp;</td><td>  张\n   三 </td><td>&yen;1,234.50&nbsp;</td></tr></table>",
            [["路灯\n维修", "", "张 三", "¥1,234.50"]],
            [],
        ),
        # cells and rows without end tags, <th>, thead/tbody
        (
            "<table><thead><tr><th>凭证号<th>金额</thead><tbody><tr><td>记-1<td>12<tr><td>记-2<td>13</tbody></table>",
            [["凭证号", "金额"], ["记-1", "12"], ["记-2", "13"]],
            [],
        ),
        # text outside tables is a row of its own; script and style are not text
        (
            "<html><head><title>标题</title><style>td{color:red}</style></head><body><h2>余东村支出明细</h2>"
            "<script>document.write('<td>x</td>')</script><p>单位：元</p><table><tr><td>a</td></tr></table>"
            "<div>制表人：张三</div></body></html>",
            [["余东村支出明细"], ["单位：元"], ["a"], ["制表人：张三"]],
            [],
        ),
        # a table nested in a cell adds its text to that cell
        (
            "<table><tr><td>外<table><tr><td>内1</td><td>内2</td></tr></table></td><td>b</td></tr></table>",
            [["外\n内1 内2", "b"]],
            [],
        ),
        # a rowspan running past the table's last row ends there; a second table continues the rows
        (
            "<table><tr><td rowspan=5>X</td><td>1</td></tr></table><table><tr><td>2</td></tr></table>",
            [["X", "1"], ["2"]],
            [(0, 0, 0, 0)],
        ),
        # a caption is a row above the table's rows
        ("<table><caption>支出明细</caption><tr><td>a</td></tr></table>", [["支出明细"], ["a"]], []),
        # silly spans are bounded
        ('<table><tr><td colspan="abc">a</td><td rowspan="0">b</td></tr></table>', [["a", "b"]], []),
    ],
)
def test_html_layout(html: str, rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    got_rows, got_merged = html_rows(html)
    assert got_rows == rows
    assert got_merged == merged


def test_html_sheet_name_from_excel_page(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_text(
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><!--[if gte mso 9]><xml>'
        "<x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>凭证明细</x:Name>"
        "</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head>"
        "<body><table><tr><td>凭证号</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert open_workbook(path).sheet_names == ["凭证明细"]
    other = tmp_path / "网页导出.xls"
    other.write_text("<table><tr><td>凭证号</td></tr></table>", encoding="utf-8")
    assert open_workbook(other).sheet_names == ["网页导出"]


def test_single_file_web_page(tmp_path: Path) -> None:
    html = "<html><body><table><tr><td>凭证号</td><td>金额</td></tr><tr><td>记-1</td><td>5</td></tr></table>"
    qp = html.encode("gb2312")
    import quopri

    body = quopri.encodestring(qp).decode("ascii")
    path = tmp_path / "单个文件网页.xls"
    path.write_text(
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="B"\r\n\r\n--B\r\n'
        'Content-Type: text/html; charset="gb2312"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        f"{body}\r\n--B--\r\n",
        encoding="ascii",
    )
    assert rows_of(path) == [["凭证号", "金额"], ["记-1", "5"]]


# -- SpreadsheetML 2003 -----------------------------------------------------------------------------------
def _ss(body: str, head: str = SS_HEAD) -> bytes:
    return (head + body + "</Workbook>").encode("utf-8")


def test_spreadsheetml_positions_merges_and_types() -> None:
    data = _ss(
        '<Worksheet ss:Name="表"><Table>'
        '<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">标题</Data></Cell>'
        '<Cell><Data ss:Type="String">D1</Data></Cell></Row>'
        '<Row ss:Index="4"><Cell ss:Index="2" ss:MergeDown="1"><Data ss:Type="Number">12.5</Data></Cell>'
        '<Cell><Data ss:Type="DateTime">2026-10-05T00:00:00.000</Data></Cell>'
        '<Cell><Data ss:Type="DateTime">2026-10-05T08:30:00.000</Data></Cell>'
        '<Cell><Data ss:Type="Boolean">1</Data></Cell>'
        '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>粗</B>体</ss:Data></Cell>'
        '<Cell><Data ss:Type="Number">oops</Data></Cell><Cell/></Row>'
        '<Row ss:Span="1"><Cell ss:Index="3"><Data ss:Type="String">x</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">after span</Data></Cell></Row>'
        "</Table></Worksheet>"
    )
    (sheet,), _encoding = read_spreadsheetml(data, "t.xml")
    assert sheet.rows == [
        ["标题", "", "", "D1"],
        [],
        [],
        ["", 12.5, dt.date(2026, 10, 5), dt.datetime(2026, 10, 5, 8, 30), True, "粗体", "oops", ""],
        ["", "", "x"],
        [],
        ["after span"],
    ]
    assert sheet.merged == [(0, 0, 0, 2), (3, 1, 4, 1)]
    assert not sheet.hidden


def test_spreadsheetml_hidden_sheets_and_gbk(tmp_path: Path) -> None:
    body = (
        '<Worksheet ss:Name="隐藏"><Table><Row><Cell><Data ss:Type="String">甲</Data></Cell></Row></Table>'
        '<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetVeryHidden</Visible>'
        "</WorksheetOptions></Worksheet>"
        '<Worksheet ss:Name="可见"><Table><Row><Cell><Data ss:Type="String">乙</Data></Cell></Row></Table>'
        "</Worksheet>"
    )
    path = tmp_path / "gbk.xls"
    path.write_bytes(
        _ss(body, SS_HEAD.replace('version="1.0"', 'version="1.0" encoding="GB2312"')).decode().encode("gbk")
    )
    book = open_workbook(path)
    assert book.sheet_names == ["隐藏", "可见"] and book.hidden == {"隐藏"}
    assert book.search_order == ["可见", "隐藏"]
    assert rows_of(path) == [["乙"]]  # no sheet named: the first visible one


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
            "<Data>&lol2;</Data></Cell></Row></Table></Worksheet></Workbook>",
            "DOCTYPE",
        ),
        (SS_HEAD + '<Worksheet ss:Name="a"><Table><Row><Cell>', "已损坏"),
        (
            SS_HEAD
            + '<Worksheet ss:Name="a"><Table><Row ss:Index="9999999"/></Table></Worksheet></Workbook>',
            "太大",
        ),
    ],
)
def test_spreadsheetml_refusals(tmp_path: Path, xml: str, words: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(xml, encoding="utf-8")
    with pytest.raises(E.ImportFileError) as exc:
        open_workbook(path)
    assert words in str(exc.value)


# -- hidden and chart sheets ------------------------------------------------------------------------------
def test_hidden_and_chart_sheets(tmp_path: Path) -> None:
    book = open_workbook(FIX / "vouchers_hidden_first.xlsx")
    assert book.sheet_names == ["去年", "今年"]  # the chart sheet is never data
    assert book.hidden == {"去年"} and book.search_order == ["今年", "去年"]
    assert book.sheet().name == "今年"
    assert book.sheet("去年").name == "去年"  # a hidden sheet can still be chosen by name
    wb = Workbook()
    wb.active.sheet_state = "veryHidden"
    wb.create_sheet("可见")
    wb.save(tmp_path / "very.xlsx")
    assert open_workbook(tmp_path / "very.xlsx").search_order == ["可见", "Sheet"]


def test_a_file_that_cannot_be_read_says_why_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locked or forbidden file (the tests run as root, who may read anything: the refusal is simulated)."""
    path = tmp_path / "锁定.xlsx"
    path.write_bytes(b"PK\x03\x04")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(E.FileUnreadable) as exc:
        open_workbook(path)
    assert "锁定.xlsx" in str(exc.value) and "没有读取权限" in str(exc.value)
    assert "Errno" not in str(exc.value) and "Permission" not in str(exc.value)


def test_long_cell_values_are_cut_in_messages(tmp_path: Path) -> None:
    from quzhou_desktop.spreadsheets.parse import parse_workbook

    path = tmp_path / "长.csv"
    path.write_text(
        f"凭证号,日期,经手人,摘要,金额\n记-1,2026-03-01,张三,茶叶,{'9' * 32_000}元\n", encoding="utf-8"
    )
    (err,) = parse_workbook(path, "vouchers", village="余东村").errors
    assert len(err.message) < 120 and "…" in err.message and len(err.value) <= 200


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_undecodable_bytes_are_errors_at_their_cells_never_replacement_characters(
    tmp_path: Path, encoding: str
) -> None:
    from quzhou_desktop.spreadsheets.parse import parse_workbook

    head = "凭证号,日期,经手人,摘要,金额\n".encode(encoding)
    good = "记-1,2026-03-01,张三,茶叶,100\n".encode(encoding)
    bad = "记-2,2026-03-02,李四,".encode(encoding) + b"\xff\x80" + "维修,50\n".encode(encoding)
    garbled_header = "凭证号,日期,经手人,".encode(encoding) + b"\xff" + "备注,摘要,金额\n".encode(encoding)
    path = tmp_path / "乱码.csv"
    path.write_bytes(head + good + bad)
    res = parse_workbook(path, "vouchers", village="余东村")
    assert res.encoding == encoding
    assert [e.message for e in res.errors] == ["第3行「摘要」列含有无法识别的字符"]
    assert [r.summary for r in voucher_records(res)] == ["茶叶"] and "\ufffd" not in res.errors[0].message
    path.write_bytes(garbled_header + "记-1,2026-03-01,张三,x,茶叶,100\n".encode(encoding))
    res = parse_workbook(path, "vouchers", village="余东村")
    assert [e.message for e in res.errors] == ["第1行（表头）D列含有无法识别的字符"]
