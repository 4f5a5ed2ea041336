"""Turn a spreadsheet into validated plain records plus precise, Chinese, per-cell errors.

``parse_workbook`` never raises on bad cell content: every problem becomes a :class:`CellError` naming the
sheet, the row as the user sees it, the column header and letter, the value and the reason. Only a file that
cannot be read at all raises an :class:`~quzhou_desktop.exchange.errors.ImportFileError` subclass.
No database access here: the import service deduplicates against stored records and writes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.exchange import rowcheck
from quzhou_desktop.exchange.errors import EmptyWorkbook, HeaderNotFound, ImportCancelled
from quzhou_desktop.exchange.headers import HEADER_SCAN_ROWS, ColumnMapping, detect_header
from quzhou_desktop.exchange.reader import Row, column_letter, open_workbook
from quzhou_desktop.exchange.schemas import KindSpec, Record, kind_spec
from quzhou_desktop.exchange.values import BadValue, cell_text, to_name

log = logging.getLogger(__name__)

_TOTAL = re.compile(
    r"(?:^|\x00)\s*(本\s*[页月期年季]|全\s*年|总)?\s*([合总小累])\s*计\s*(?:金\s*额|数)?\s*[:：]?\s*(?:\x00|$)"
)
_FOOTER = re.compile(
    r"\s*(?:制\s*表|填\s*表|审\s*核|复\s*核|负\s*责\s*人|单位负责人|会\s*计|出\s*纳|记\s*账|说\s*明|注\s*[:：]|备注\s*[:：]|示例)"
)
EXAMPLE_MARK = "【示例】"  # first cell of a template's example row


@dataclass(frozen=True, slots=True)
class CellError:
    sheet: str
    row: int  # 1-based, as shown in Excel/WPS
    column: str  # header text (or the field's label when the column is missing)
    column_letter: str  # "" when the column is missing altogether
    value: str
    message: str  # full Chinese sentence

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_letter": self.column_letter,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ParseResult:
    kind: str
    file: str
    sheet: str
    sheet_names: list[str]
    header_row: int
    mapping: ColumnMapping
    rows: list[Record] = field(default_factory=list)  # valid rows only, in file order
    errors: list[CellError] = field(default_factory=list)
    total_fen: int = 0  # vouchers: sum of 金额; ledger: 收入 − 支出; people: 0 (valid rows only)
    totals: dict[str, int] = field(default_factory=dict)  # per money field, valid rows only
    rows_read: int = 0  # data rows seen (not blank, not 合计, not footer/example)
    skipped: dict[str, int] = field(default_factory=dict)  # blank / total / footer

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}


@dataclass(frozen=True, slots=True)
class ParseProgress:
    done: int  # sheet rows processed so far
    total: int  # sheet rows expected (an estimate for CSV)
    result: ParseResult | None = None  # set on the last item only


def parse_workbook(
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    village: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ParseResult:
    """Read, normalise and validate a whole sheet. See :func:`iter_parse_workbook`."""
    result: ParseResult | None = None
    for step in iter_parse_workbook(path, kind, sheet=sheet, village=village, mapping=mapping):
        result = step.result
    assert result is not None
    return result


def iter_parse_workbook(
    path: str | Path,
    kind: str,
    *,
    sheet: str | None = None,
    village: str | None = None,
    mapping: ColumnMapping | None = None,
    progress_every: int = 5000,
    cancel: Callable[[], bool] | None = None,
) -> Iterator[ParseProgress]:
    """Like :func:`parse_workbook`, yielding progress every ``progress_every`` rows; the last item has ``result``.

    To cancel, stop iterating (``close()`` the generator) or pass ``cancel`` returning True, which raises
    :class:`ImportCancelled` at the next progress step.
    """
    spec = kind_spec(kind)
    p = Path(path)
    book = open_workbook(p)
    names = [sheet] if sheet is not None else book.sheet_names
    found: tuple[str, ColumnMapping, Iterable[tuple[int, Row]], int] | None = None
    any_rows = False
    for name in names:
        data = book.sheet(name)
        head = list(islice(data.rows, HEADER_SCAN_ROWS + 1))
        any_rows = any_rows or any(any(v != "" and v is not None for v in r) for _, r in head)
        m = mapping if mapping is not None else detect_header(head, spec, merged=data.merged)
        if m is not None:
            rest = chain((r for r in head if r[0] > m.header_row), data.rows)
            found = (name, m, rest, max(data.total_rows - m.header_row, 0))
            break
    if found is None:
        if not any_rows:
            raise EmptyWorkbook(name=p.name)
        raise HeaderNotFound(
            name=p.name,
            where=f"的工作表“{sheet}”" if sheet is not None else "的各工作表",
            scanned=HEADER_SCAN_ROWS,
            kind_label=spec.label,
            fields=_looked_for(spec),
        )
    name, m, rows, total = found
    result = ParseResult(spec.kind, str(p), name, list(book.sheet_names), m.header_row, m)
    yield from _Parser(spec, result, village).run(rows, total, progress_every, cancel)


def _looked_for(spec: KindSpec) -> str:
    keys = [f.key for f in spec.fields if f.required] + [k for g in spec.one_of for k in g]
    parts = []
    for key in keys:
        f = spec.field(key)
        parts.append("/".join(f.names[:4]))
    return "、".join(parts)


class _Parser:
    def __init__(self, spec: KindSpec, result: ParseResult, village: str | None) -> None:
        self.spec = spec
        self.res = result
        self.m = result.mapping
        self.village = to_name(village) if village else None
        self.check = rowcheck.ROW_CHECKS[spec.kind]
        self.plan: list[tuple[str, int, Callable[[Any], Any], dict[Any, Any], bool]] = [
            (f.key, col, rowcheck.converter(f.type), {}, f.required)
            for f in spec.fields
            if (col := self.m.columns.get(f.key)) is not None
        ]
        self.fen_cols = [(k, self.m.columns[k]) for k in spec.fen_fields if k in self.m.columns]
        self.seg_sum = dict.fromkeys(spec.fen_fields, 0)
        self.seg_bad = dict.fromkeys(spec.fen_fields, 0)
        self.all_sum = dict.fromkeys(spec.fen_fields, 0)
        self.all_bad = dict.fromkeys(spec.fen_fields, 0)
        self.seen: dict[tuple[Any, ...], int] = {}
        self.skipped = {"blank": 0, "total": 0, "footer": 0, "example": 0}

    # -- errors ---------------------------------------------------------------------------------------
    def _err(self, row: int, col: int, value: Any, reason: str) -> None:
        header = self.m.header_text(col)
        text = cell_text(value)
        msg = f"第{row}行「{header}」列的值“{text}”{reason}"
        self.res.errors.append(CellError(self.res.sheet, row, header, column_letter(col), text, msg))

    def _blank_err(self, row: int, col: int, reason: str) -> None:
        header = self.m.header_text(col)
        msg = f"第{row}行「{header}」列为空：{reason}"
        self.res.errors.append(CellError(self.res.sheet, row, header, column_letter(col), "", msg))

    def _file_err(self, label: str, message: str) -> None:
        self.res.errors.append(CellError(self.res.sheet, self.m.header_row, label, "", "", message))

    # -- main loop ------------------------------------------------------------------------------------
    def run(
        self, rows: Iterable[tuple[int, Row]], total: int, every: int, cancel: Callable[[], bool] | None
    ) -> Iterator[ParseProgress]:
        missing = self.m.missing_message(self.spec)
        if missing:
            for label in self.m.missing(self.spec):
                self._file_err(label, f"第{self.m.header_row}行表头：{missing}")
            yield self._finish(0, total)
            return
        if "village" not in self.m.columns and self.village is None:
            self._file_err("村名", "表中没有「村名」列，请指定这些数据属于哪个村")
        done = 0
        every = max(every, 1)
        for rownum, values in rows:
            done += 1
            if done % every == 0:
                if cancel is not None and cancel():
                    raise ImportCancelled(name=Path(self.res.file).name)
                yield ParseProgress(done, max(total, done))
            try:
                self._row(rownum, values)
            except Exception:  # a bug must not lose the user's whole preview; report the row instead
                log.exception("unexpected failure on row %s", rownum)
                col = next(iter(self.m.columns.values()), 0)
                self._err(
                    rownum, col, values[col] if col < len(values) else "", "无法处理（程序错误，已记录日志）"
                )
        yield self._finish(done, total)

    def _finish(self, done: int, total: int) -> ParseProgress:
        res = self.res
        res.skipped = self.skipped
        res.errors.sort(key=lambda e: (e.row, e.column_letter.rjust(3)))
        for key in self.spec.fen_fields:
            res.totals[key] = sum(getattr(r, key) for r in res.rows)
        if self.spec.kind == "ledger":
            res.total_fen = res.totals["income_fen"] - res.totals["expense_fen"]
        else:
            res.total_fen = sum(res.totals.values())
        return ParseProgress(done, max(total, done), res)

    def _row(self, rownum: int, values: Row) -> None:
        width = len(values)
        rec: dict[str, Any] = {}
        bad: list[tuple[int, Any, str]] = []
        blank_required: list[tuple[int, str]] = []
        for key, col, conv, cache, required in self.plan:
            v = values[col] if col < width else ""
            if v == "" or v is None:
                out: Any = rowcheck.BLANK
            elif type(v) is bool:  # True == 1 == 1.0 would share a cache slot
                out = conv(v)
            else:
                out = cache.get(v, cache)
                if out is cache:
                    out = cache[v] = conv(v)
            if out is rowcheck.BLANK:
                if required:
                    blank_required.append((col, f"{self.spec.field(key).label}必须填写"))
            elif type(out) is BadValue:
                bad.append((col, v, out.reason))
            else:
                rec[key] = out
        if not rec and not bad:
            self.skipped["blank"] += 1
            return
        strings = "\x00".join(v for v in values if type(v) is str and v)
        if strings.startswith(EXAMPLE_MARK):
            self.skipped["example"] += 1
            return
        total = _TOTAL.search(strings)
        if total is not None:
            self._total_row(rownum, values, total)
            return
        if (bad or blank_required) and self._is_footer(values):
            self.skipped["footer"] += 1
            return
        self.res.rows_read += 1
        for key, col in self.fen_cols:
            if key in rec:
                self.seg_sum[key] += rec[key]
                self.all_sum[key] += rec[key]
            elif self.spec.kind != "ledger" or any(c == col for c, _, _ in bad):
                self.seg_bad[key] += 1
                self.all_bad[key] += 1
        for col, v, reason in bad:
            self._err(rownum, col, v, reason)
        for col, reason in blank_required:
            self._blank_err(rownum, col, reason)
        if bad or blank_required:
            return
        self._finish_record(rownum, values, rec)

    def _finish_record(self, rownum: int, values: Row, rec: dict[str, Any]) -> None:
        if rec.get("village") is None:
            if self.village is None and "village" in self.m.columns:
                self._blank_err(rownum, self.m.columns["village"], "未填写村名，也未指定默认村")
                return
            rec["village"] = self.village
        problems = self.check(rec)
        for key, reason in problems:
            col = self.m.columns[key]
            v = values[col] if col < len(values) else ""
            if v == "" or v is None:
                self._blank_err(rownum, col, reason)
            else:
                self._err(rownum, col, v, reason)
        if problems:
            return
        dup = rowcheck.duplicate_key(self.spec.kind, rec)
        if dup is not None:
            key, ident, scope = dup
            first = self.seen.setdefault(ident, rownum)
            if first != rownum:
                col = self.m.columns[key]
                self._err(rownum, col, values[col], f"与第{first}行重复（{scope}）")
                return
        self.res.rows.append(self.spec.record(row=rownum, **rec))

    @staticmethod
    def _is_footer(values: Row) -> bool:
        filled = [v for v in values if v != "" and v is not None]
        return len(filled) <= 3 and isinstance(filled[0], str) and _FOOTER.match(filled[0]) is not None

    def _total_row(self, rownum: int, values: Row, match: re.Match[str]) -> None:
        self.skipped["total"] += 1
        prefix, word = match.group(1) or "", match.group(2)
        label = match.group(0).strip("\x00").strip()
        cumulative = word == "累"
        segment = word == "小" or any(ch in prefix for ch in "页月期季")
        for key, col in self.fen_cols:
            v = values[col] if col < len(values) else ""
            out: Any = rowcheck.converter("fen")(v) if not (v == "" or v is None) else rowcheck.BLANK
            if out is rowcheck.BLANK:
                continue
            if type(out) is BadValue:
                self._err(rownum, col, v, out.reason)
                continue
            if cumulative:
                continue
            expected, bad = (self.seg_sum, self.seg_bad) if segment else (self.all_sum, self.all_bad)
            if bad[key]:
                continue  # some amounts above are unreadable and already reported
            if out != expected[key]:
                header = self.m.header_text(col)
                self._err(
                    rownum,
                    col,
                    v,
                    f"（{label}{format_fen(out, symbol=False)}元）与上方各行{header}之和"
                    f"{format_fen(expected[key], symbol=False)}元不符，相差{format_fen(out - expected[key], symbol=False)}元",
                )
        for key in self.seg_sum:
            self.seg_sum[key] = 0
            self.seg_bad[key] = 0
