"""How much of a spreadsheet the importer agrees to read: checked before any reader allocates.

A file sent by a careless or malicious sender must be refused with a Chinese message, within seconds and a
bounded amount of memory, and never end the process (python-calamine is Rust: a failed allocation there aborts,
it cannot be caught). Each number is what real office files need with a wide margin; docs/IMPORT-LIMITS.md
gives the reasons. The readers check them as follows:

- every file: its size on disk, before it is read (``MAX_FILE_BYTES`` and the smaller sizes for text);
- .xlsx/.xlsm/.xlsb/.ods (ZIP): the central directory (entry count, each entry's declared uncompressed size
  and ratio, the sum), then a streaming scan of the parts that stops at the declared size (a lying header
  cannot inflate more): the largest cell reference of each sheet (the reader allocates the whole rectangle
  from A1 to it), every shared string's length and the text the sheets' cells copy from them, DOCTYPEs;
- .xls/.et (OLE/BIFF): the compound file's directory, then the BIFF records: cell positions, shared strings;
- HTML tables and SpreadsheetML 2003: spans, ``ss:Index`` jumps and cell counts while parsing;
- CSV and text: the field size, the row count, the cells.
"""

from __future__ import annotations

MiB = 1 << 20

# Whole files (size on disk). A 100,000-row .xlsx is ≈5 MB, the same rows as CSV ≈15 MB, as an HTML “xls”
# ≈50 MB; Excel's own grid filled with short text would be a few hundred MB.
MAX_FILE_BYTES = 100 * MiB  # .xlsx / .xls / .et / .ods
MAX_TEXT_FILE_BYTES = 100 * MiB  # CSV and TXT (decoded whole, rows streamed by the csv module)
# Web pages and XML saved as .xls are parsed by Python (html.parser ≈0.5–1 MB/s, ElementTree ≈2–4 MB/s on a
# 2-core PC): these sizes keep a refusal found at the end of the file under 20 s. A web system's export of one
# village's year is well under 1 MB; a bigger one opens in Excel or WPS and can be saved as .xlsx.
MAX_HTML_BYTES = 8 * MiB
MAX_XML2003_BYTES = 32 * MiB

# The grid. A township's whole voucher history (30 villages × 10 years) is ≈300,000 rows of ≈12 columns.
MAX_ROWS = 500_000  # rows of one sheet, counted from row 1 to the last row holding a value
MAX_COLUMNS = 16_384  # Excel's width (XFD)
MAX_CELLS = 5_000_000  # the rectangle from A1 to the last row and column holding a value (32 bytes each)

# Text. Excel and WPS refuse to hold more than 32,767 characters in one cell.
MAX_CELL_CHARS = 32_767
# What python-calamine holds for one sheet: 32 bytes per cell of the rectangle plus every cell's text (a shared
# string is copied into each cell that uses it; inline text is at most the sheet's XML).
MAX_READER_BYTES = 512 * MiB

# ZIP packages (.xlsx, .ods). The sheet XML of 100,000 rows × 12 columns is ≈60 MB and deflates ≈8–15×;
# a sheet of blank formatted cells reaches ≈100×. DEFLATE cannot exceed ≈1,032×.
MAX_ZIP_ENTRIES = 10_000
MAX_PART_BYTES = 512 * MiB  # one part (a sheet's XML), uncompressed
MAX_UNCOMPRESSED_BYTES = 1024 * MiB  # all parts together
MAX_ODS_CONTENT_BYTES = 128 * MiB  # .ods content.xml is parsed by expat (≈10 MB/s): 100,000 rows ≈ 40 MB
MAX_RATIO = 200  # uncompressed ÷ compressed, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1 * MiB

# HTML tables: a title merged across the table, 村名 merged down a village's rows.
MAX_COLSPAN = 1_000
MAX_ROWSPAN = 100_000
MAX_MERGED_AREA = MAX_CELLS  # the cells all rowspans/colspans of a page cover together

# Characters of a cell value quoted in a message or an error list (a whole 32,767-character cell is unreadable).
QUOTE_CHARS = 40
