"""What a file really is, from its first bytes: offices rename files freely, and many web systems and
bookkeeping programs save an HTML table, a SpreadsheetML 2003 XML file or plain tab-separated text with an
.xls extension. Also the text decoding those files need (UTF-8 / UTF-16 / GBK family)."""

from __future__ import annotations

import codecs
import io
import re
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HEAD = 65536
_SPREADSHEETML = "urn:schemas-microsoft-com:office:spreadsheet"
_WORKBOOK_TAG = re.compile(r"<(?:[\w.-]+:)?workbook[\s>/]", re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?:html|table|!doctype\s+html|body|tr|td|th)[\s>/]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_OOXML = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb"})


def _utf16le(word: str) -> bytes:
    return word.encode("utf-16-le")


def head_text(data: bytes) -> str:
    """The start of the file as text good enough to look for ASCII markers (BOMs honoured)."""
    head = data[:_HEAD]
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", errors="ignore")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


def content_kind(data: bytes) -> str:
    """One of ``ole`` (.xls/.et, or an encrypted .xlsx), ``zip`` (.xlsx/.xlsb/.ods …), ``xml2003``, ``mht``,
    ``html``, ``xml`` (some other XML), ``text`` or ``binary``."""
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGICS):
        return "zip"
    text = head_text(data)
    start = text.lstrip().lower()
    if start.startswith("<") and _SPREADSHEETML in text and _WORKBOOK_TAG.search(text):
        return "xml2003"
    top = start[:4096]
    if "mime-version:" in top and "multipart/" in top:
        return "mht"
    if start.startswith("<") and _HTML_TAG.search(text):
        return "html"
    if start.startswith("<?xml"):
        return "xml"
    bom16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if _CONTROL.search(text[:8192] if bom16 else data[:8192].decode("latin-1")):
        return "binary"
    return "text"


def looks_delimited(text: str) -> bool:
    """Whether text reads as a table: some of its first lines hold a tab, comma or semicolon."""
    lines = [line for line in text[:_HEAD].splitlines()[:30] if line.strip()]
    return any(("\t" in line or "," in line or ";" in line) for line in lines)


def zip_document(data: bytes) -> str | None:
    """Why a ZIP file is no workbook (a Word or PowerPoint file), or ``None`` to let the reader try it."""
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if any(n.startswith("word/") for n in names):
        return "这是 Word 文档，不是表格"
    if any(n.startswith("ppt/") for n in names):
        return "这是 PowerPoint 演示文稿，不是表格"
    return None


def ole_document(data: bytes) -> str | None:
    """Why an OLE compound file is no workbook (a Word or PowerPoint file), or ``None``."""
    if _utf16le("WordDocument") in data:
        return "这是 Word 文档，不是表格"
    if _utf16le("PowerPoint Document") in data:
        return "这是 PowerPoint 演示文稿，不是表格"
    return None


def ole_encrypted(data: bytes, suffix: str) -> bool:
    """Whether an unreadable OLE file is a password-protected workbook: Excel and WPS keep an encrypted
    .xlsx inside an OLE container with ``EncryptionInfo`` and ``EncryptedPackage`` streams."""
    if _utf16le("EncryptedPackage") in data or _utf16le("EncryptionInfo") in data:
        return True
    return suffix.lower() in _OOXML


def describe_unknown(data: bytes, suffix: str) -> str:
    """A Chinese phrase saying what the file seems to be instead of a table."""
    if data.startswith(b"%PDF"):
        return "这是 PDF 文件，不是表格"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return "这是图片文件，不是表格"
    if data.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "这是压缩文件，请先解压后再导入其中的表格"
    if data.startswith(b"{\\rtf"):
        return "这是 RTF 文档，不是表格"
    kind = content_kind(data)
    if kind == "xml":
        return "这是 XML 文件，但不是 Excel 2003 XML 表格"
    if kind == "text":
        return "文件内容是普通文字，没有用逗号或制表符分隔的列"
    return "文件内容不是 Excel 或 WPS 表格，也不是网页表格或 CSV 文本"


_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB = frozenset(
    {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "euc-cn", "csgb2312", "gb18030", "936", "ms936"}
)


# Bytes that no encoding of the file can read become this noncharacter (one per bad sequence), never U+FFFD:
# the importer then reports the cell (“第N行「摘要」列含有无法识别的字符”) instead of storing a guess.
UNDECODABLE = "\ufdd0"


def _mark(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return UNDECODABLE, err.end


codecs.register_error("quzhou-undecodable", _mark)
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GB18030（GBK）"}


def _decode(data: bytes, encoding: str) -> str:
    return data.decode(encoding, errors="quzhou-undecodable")


def decode_text_as(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) or UTF-16 (with BOM), else whichever of UTF-8 and
    GB18030 (a superset of GBK/GB2312) reads more of the bytes. Unreadable bytes become :data:`UNDECODABLE`."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Text in GBK decoded as UTF-8 fails on nearly every Chinese character; UTF-8 text with a few damaged
    # bytes fails only there. So: UTF-8 when at least 10 of its non-ASCII characters read for each one that
    # does not, else whichever reads more.
    utf8 = _decode(data, "utf-8")
    bad_utf8 = utf8.count(UNDECODABLE)
    wide = len(utf8) - len(utf8.encode("ascii", errors="ignore")) - bad_utf8
    if wide >= 10 * bad_utf8:
        return utf8, "utf-8"
    gb = _decode(data, "gb18030")
    if bad_utf8 < gb.count(UNDECODABLE):
        return utf8, "utf-8"
    return gb, "gb18030"


def decode_text(data: bytes) -> str:
    return decode_text_as(data)[0]


def decode_markup_as(data: bytes) -> tuple[str, str]:
    """HTML or XML text and its encoding: a BOM, else UTF-8 when the bytes are valid UTF-8 (pages often
    declare GB2312 and are UTF-8, or the reverse), else the charset/encoding the page declares, else GB18030."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text_as(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:_HEAD])
    if m is not None:
        name = m.group(1).decode("ascii", errors="ignore").lower()
        if name not in _GB and not name.startswith("utf"):
            try:
                return _decode(data, name), codecs.lookup(name).name
            except LookupError:
                pass
    return decode_text_as(data)


def decode_markup(data: bytes) -> str:
    return decode_markup_as(data)[0]


def encoding_label(encoding: str | None) -> str:
    """How the preview names an encoding (``None``: a binary workbook, no text encoding to choose)."""
    if encoding is None:
        return ""
    return ENCODING_LABELS.get(encoding, encoding.upper())
