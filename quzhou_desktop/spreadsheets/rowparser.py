"""The validating loop behind ``parse_workbook``, organised for speed.

Rows are taken in chunks. Each mapped column of a chunk is converted at once through a per-column memo
(``good``: raw value → normalised value), so repeated values (names, villages, dates) cost a dict lookup
and the whole column is scanned in C. Only rows that need attention — a bad or missing cell, a 合计 row, a
footer — take the row-by-row path; runs of clean rows become records in bulk.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, compress, islice, repeat
from operator import attrgetter, is_
from pathlib import Path
from typing import Any

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.spreadsheets import rowcheck
from quzhou_desktop.spreadsheets.errors import ImportCancelled
from quzhou_desktop.spreadsheets.reader import Row, column_letter
from quzhou_desktop.spreadsheets.result import CellError, ParseProgress, ParseResult
from quzhou_desktop.spreadsheets.schemas import EXAMPLE_MARK, KindSpec
from quzhou_desktop.spreadsheets.totals import TOTAL, TOTAL_LABELS, total_label
from quzhou_desktop.spreadsheets.units import YUAN
from quzhou_desktop.spreadsheets.values import (
    UNDECODABLE,
    UNDECODABLE_REASON,
    VALUE_CHARS,
    BadValue,
    cell_text,
    quote,
    to_name,
)

log = logging.getLogger(__name__)

CHUNK = 4096
EXAMPLE_ROWS = 10  # how far below the header a template's example row (“【示例】…”) is looked for
_FOOTER = re.compile(
    r"\s*(?:制\s*表|填\s*表|审\s*核|复\s*核|负\s*责\s*人|单位负责人|会\s*计|出\s*纳|记\s*账|说\s*明|注\s*[:：]|备注\s*[:：]|示例)"
)


_MISSING = object()
# (key, column, converter, raw batch converter, memo of good/blank values, memo of bad values, required)
_Step = tuple[
    str, int, Callable[[Any], Any], Callable[[list[Any]], list[Any]], dict[Any, Any], dict[Any, Any], bool
]
_year = attrgetter("year")


class SheetParser:
    def __init__(self, spec: KindSpec, result: ParseResult, village: str | None) -> None:
        self.spec = spec
        self.res = result
        self.m = result.mapping
        self.village = to_name(village) if village else None
        self.check = rowcheck.ROW_CHECKS[spec.kind]
        # (key, column, converter, memo of good values, memo of blank/bad values, required)
        units = {
            f.key: self.m.unit_of(col)
            for f in spec.fields
            if f.type == "fen" and (col := self.m.column_of(f.key)) is not None
        }
        self.plan: list[_Step] = [
            (
                f.key,
                col,
                rowcheck.converter(f.type, unit=units.get(f.key, YUAN)),
                rowcheck.raw_converter(f.type, unit=units.get(f.key, YUAN)),
                {"": rowcheck.BLANK, None: rowcheck.BLANK},
                {},
                f.required,
            )
            for f in spec.fields
            if (col := self.m.columns.get(f.key)) is not None
        ]
        self.fen_conv = {k: rowcheck.converter("fen", unit=u) for k, u in units.items()}
        self.rows_before = 0  # sheet rows below the header handed to _chunk so far
        self.examples: set[int] = set()  # row numbers that may be a template's example row
        self.width = max(self.m.columns.values(), default=0) + 1
        self.fen_cols = [(k, self.m.columns[k]) for k in spec.fen_fields if k in self.m.columns]
        self.seg_sum = dict.fromkeys(spec.fen_fields, 0)
        # rows whose amount could not be read (reported on their own), left out of the sums a 合计 row is checked
        # against: per money field, since the last 小计/本月合计 and in the whole sheet
        self.seg_bad: dict[str, list[int]] = {k: [] for k in spec.fen_fields}
        self.all_sum = dict.fromkeys(spec.fen_fields, 0)
        self.all_bad: dict[str, list[int]] = {k: [] for k in spec.fen_fields}
        self.seen: dict[tuple[Any, ...], int] = {}
        self.skipped = {"blank": 0, "total": 0, "footer": 0, "example": 0}
        names = list(spec.record._fields[1:])  # after "row"
        defaults = {"roles": (), "village": self.village}
        self.record_args = [(n, defaults.get(n)) for n in names]

    # -- errors ---------------------------------------------------------------------------------------
    def _err(self, row: int, col: int, value: Any, reason: str, shown: bool = True) -> None:
        """An error naming the cell; its value is quoted (cut to a readable length) unless ``shown`` is false
        (text no encoding could read)."""
        header = quote(self.m.header_text(col))
        text = cell_text(value)
        if shown:
            msg = f"第{row}行「{header}」列的值“{quote(text)}”{reason}"
        else:
            msg = f"第{row}行「{header}」列{reason}"
        self.res.errors.append(
            CellError(self.res.sheet, row, header, column_letter(col), quote(text, VALUE_CHARS), msg)
        )

    def _blank_err(self, row: int, col: int, reason: str) -> None:
        header = quote(self.m.header_text(col))
        msg = f"第{row}行「{header}」列为空：{reason}"
        self.res.errors.append(CellError(self.res.sheet, row, header, column_letter(col), "", msg))

    def _file_err(self, label: str, message: str) -> None:
        self.res.errors.append(CellError(self.res.sheet, self.m.header_row, label, "", "", message))

    # -- driver ---------------------------------------------------------------------------------------
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
        for col, text in sorted(self.m.headers.items()):  # a garbled header hides its column's data
            if UNDECODABLE in text:
                letter = column_letter(col)
                self.res.errors.append(
                    CellError(self.res.sheet, self.m.header_row, f"{letter}列表头", letter, quote(cell_text(text)),
                              f"第{self.m.header_row}行（表头）{letter}列{UNDECODABLE_REASON}")
                )  # fmt: skip
        size = max(1, min(CHUNK, every))
        done = 0
        next_report = every
        it = iter(rows)
        while True:
            chunk = list(islice(it, size))
            if not chunk:
                break
            self._chunk(chunk)
            done += len(chunk)
            if done >= next_report:
                next_report = done + every
                if cancel is not None and cancel():
                    raise ImportCancelled(name=Path(self.res.file).name)
                yield ParseProgress(done, max(total, done))
        yield self._finish(done, total)

    def _finish(self, done: int, total: int) -> ParseProgress:
        res = self.res
        res.skipped = self.skipped
        res.errors.sort(key=lambda e: (e.row, len(e.column_letter), e.column_letter))
        for key in self.spec.fen_fields:
            res.totals[key] = sum(map(attrgetter(key), res.rows))
        if self.spec.kind == "ledger":
            res.total_fen = res.totals["income_fen"] - res.totals["expense_fen"]
        else:
            res.total_fen = sum(res.totals.values())
        return ParseProgress(done, max(total, done), res)

    # -- conversion -----------------------------------------------------------------------------------
    def _convert(
        self, conv: Callable[[Any], Any], good: dict[Any, Any], special: dict[Any, Any], v: Any
    ) -> Any:
        """One value through the memo; bad values are memoised apart so that a miss in ``good`` finds them."""
        if type(v) is bool or v == 0 or v == 1:  # True == 1 == 1.0: keep them out of the memo
            return conv(v)
        r = special.get(v, _MISSING)
        if r is _MISSING:
            r = conv(v)
            if type(r) is BadValue:
                special[v] = r
            else:
                good[v] = r
        return r

    def _column(self, step: _Step, vals: Sequence[Any], attention: set[int]) -> list[Any]:
        """Convert one column of a chunk; mark rows with a bad (or blank required) cell for attention."""
        _key, _col, conv, raw, good, special, required = step
        out = list(map(good.get, vals))
        if None in out:
            fresh = dict.fromkeys(compress(vals, map(is_, out, repeat(None))))
            for v in special.keys() & fresh.keys():
                del fresh[v]
            fresh.pop(0, None)  # also 0.0 / False: True == 1 == 1.0 must not share a memo slot
            fresh.pop(1, None)
            if fresh:
                todo = list(fresh)
                try:  # happy path: one C-level map over the new distinct values
                    results = raw(todo)
                except Exception:  # any failure: the loop below redoes them one by one
                    results = None
                if results is not None:
                    if None in results:  # values the batch left to the one-by-one loop below
                        good.update((v, r) for v, r in zip(todo, results, strict=True) if r is not None)
                    else:
                        good.update(zip(todo, results, strict=True))
                    if "" in results or () in results:
                        good.update(
                            (v, rowcheck.BLANK) for v, r in zip(todo, results, strict=True) if r in ("", ())
                        )
                out = list(map(good.get, vals))
            if None in out:
                i = out.index(None)
                while True:
                    r = self._convert(conv, good, special, vals[i])
                    out[i] = r
                    if type(r) is BadValue:
                        attention.add(i)
                    try:
                        i = out.index(None, i + 1)
                    except ValueError:
                        break
        if required and rowcheck.BLANK in out:
            i = out.index(rowcheck.BLANK)
            while True:
                attention.add(i)
                try:
                    i = out.index(rowcheck.BLANK, i + 1)
                except ValueError:
                    break
        return out

    def _chunk(self, chunk: list[tuple[int, Row]]) -> None:
        rows = [r for _, r in chunk]
        if min(map(len, rows)) < self.width:
            w = self.width
            rows = [r if len(r) >= w else [*r, *([""] * (w - len(r)))] for r in rows]
            chunk = list(zip([n for n, _ in chunk], rows, strict=True))
        outs: dict[str, list[Any]] = {}
        attention: set[int] = set()
        columns = list(zip(*rows, strict=False))  # transpose the chunk in C
        for step in self.plan:
            outs[step[0]] = self._column(step, columns[step[1]], attention)
        if not TOTAL_LABELS.isdisjoint(chain.from_iterable(rows)):
            attention.update(i for i, r in enumerate(rows) if not TOTAL_LABELS.isdisjoint(r))
        if self.rows_before < EXAMPLE_ROWS:  # a template's example row sits right under the header
            marked = [
                i
                for i, r in enumerate(rows[: EXAMPLE_ROWS - self.rows_before])
                if any(type(v) is str and v.startswith(EXAMPLE_MARK) for v in r)
            ]
            attention.update(marked)
            self.examples.update(chunk[i][0] for i in marked)
        self.rows_before += len(rows)
        start = 0
        for i in sorted(attention):
            if start < i:
                self._clean(chunk, outs, start, i)
            self._guarded_row(*chunk[i])
            start = i + 1
        if start < len(chunk):
            self._clean(chunk, outs, start, len(chunk))

    def _guarded_row(self, rownum: int, values: Row) -> None:
        try:
            self._row(rownum, values)
        except Exception:  # a bug must not lose the user's whole preview; report the row instead
            log.exception("unexpected failure on row %s", rownum)
            col = next(iter(self.m.columns.values()), 0)
            self._err(
                rownum, col, values[col] if col < len(values) else "", "无法处理（程序错误，已记录日志）"
            )

    # -- clean runs -----------------------------------------------------------------------------------
    def _clean(self, chunk: list[tuple[int, Row]], outs: dict[str, list[Any]], a: int, b: int) -> None:
        """Rows a..b-1 have every required cell readable; most become records without a per-row loop."""
        cols = {}
        for k, v in outs.items():
            part = v[a:b]
            if rowcheck.BLANK in part:
                part = [None if x is rowcheck.BLANK else x for x in part]
            cols[k] = part
        if "village" in cols and None in cols["village"]:
            cols["village"] = [self.village if v is None else v for v in cols["village"]]
        fast = self.spec.kind == "vouchers" and None not in cols.get("village", ())
        if fast and "amount_upper" in cols:  # every 大写 must state its row's amount (C24) for the bulk path
            fast = not any(
                u is not None and rowcheck.upper_problem(u, f)
                for u, f in zip(cols["amount_upper"], cols["amount_fen"], strict=True)
            )
        if fast and min(cols["amount_fen"]) > 0:
            villages = cols.get("village", repeat(self.village))
            keys = list(zip(villages, map(_year, cols["date"]), cols["number"], strict=False))
            if len(set(keys)) == len(keys) and self.seen.keys().isdisjoint(keys):
                nums = [n for n, _ in chunk[a:b]]
                self.seen.update(zip(keys, nums, strict=True))
                self._sum(cols)
                self.res.rows_read += b - a
                args = [cols.get(n, repeat(d)) for n, d in self.record_args]
                # tuple.__new__ on ready-made tuples skips the named tuple's Python-level __new__
                self.res.rows.extend(
                    map(partial(tuple.__new__, self.spec.record), zip(nums, *args, strict=False))
                )
                return
        for i in range(a, b):
            rownum, values = chunk[i]
            rec = {k: v[i - a] for k, v in cols.items() if v[i - a] is not None}
            if not rec or (len(rec) == 1 and "village" in rec and "village" not in self.m.columns):
                self.skipped["blank"] += 1
                continue
            self.res.rows_read += 1
            self._sum({k: [rec.get(k)] for k, _ in self.fen_cols})
            self._finish_record(rownum, values, rec)

    def _sum(self, cols: dict[str, list[Any]]) -> None:
        for key, _ in self.fen_cols:
            s = sum(v for v in cols[key] if v is not None)
            self.seg_sum[key] += s
            self.all_sum[key] += s

    # -- the careful path -----------------------------------------------------------------------------
    def _row(self, rownum: int, values: Row) -> None:
        rec: dict[str, Any] = {}
        bad: list[tuple[int, Any, BadValue]] = []
        blank_required: list[tuple[int, str]] = []
        for key, col, conv, _raw, good, special, required in self.plan:
            v = values[col]
            out = good.get(v, _MISSING) if type(v) is not bool else _MISSING
            if out is _MISSING:
                out = self._convert(conv, good, special, v)
            if out is rowcheck.BLANK:
                if required:
                    blank_required.append((col, f"{self.spec.field(key).label}必须填写"))
            elif type(out) is BadValue:
                bad.append((col, v, out))
            else:
                rec[key] = out
        if not rec and not bad:
            self.skipped["blank"] += 1
            return
        strings = [v for v in values if type(v) is str and v]
        if rownum in self.examples and strings[0].startswith(EXAMPLE_MARK):
            self.skipped["example"] += 1
            return
        label = total_label(strings)
        if label is not None:
            self._total_row(rownum, values, label)
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
                self.seg_bad[key].append(rownum)
                self.all_bad[key].append(rownum)
        for col, v, why in bad:
            self._err(rownum, col, v, why.reason, why.quote)
        for col, reason in blank_required:
            self._blank_err(rownum, col, reason)
        if not bad and not blank_required:
            self._finish_record(rownum, values, rec)

    def _column_for(self, key: str) -> int:
        """The column to blame for a problem with ``key``: its own, or (a field the sheet lacks, e.g. 收入金额
        when only 支出金额 is there) its partner, else the first mapped column, so every error names a column."""
        cols = self.m.columns
        if key in cols:
            return cols[key]
        partner = {"income_fen": "expense_fen", "expense_fen": "income_fen"}.get(key)
        if partner in cols:
            return cols[partner]
        return min(cols.values())

    def _finish_record(self, rownum: int, values: Row, rec: dict[str, Any]) -> None:
        if rec.get("village") is None:
            if self.village is None and "village" in self.m.columns:
                self._blank_err(rownum, self.m.columns["village"], "未填写村名，也未指定默认村")
                return
            rec["village"] = self.village
        problems = self.check(rec)
        for key, reason in problems:
            col = self._column_for(key)
            v = values[col]
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
                col = self._column_for(key)
                self._err(rownum, col, values[col], f"与第{first}行重复（{scope}）")
                return
        self.res.rows.append(self.spec.record(row=rownum, **rec))

    @staticmethod
    def _is_footer(values: Row) -> bool:
        filled = [v for v in values if v != "" and v is not None]
        return 0 < len(filled) <= 3 and isinstance(filled[0], str) and _FOOTER.match(filled[0]) is not None

    def _total_row(self, rownum: int, values: Row, label_cell: str) -> None:
        self.skipped["total"] += 1
        match = TOTAL.fullmatch(label_cell)
        assert match is not None
        prefix, word = match.group(1) or "", match.group(2)
        label = "".join(label_cell.split()).rstrip(":：")
        segment = word == "小" or any(ch in prefix for ch in "页月期季")
        for key, col in self.fen_cols:
            v = values[col]
            out: Any = self.fen_conv[key](v) if not (v == "" or v is None) else rowcheck.BLANK
            if out is rowcheck.BLANK:
                continue
            if type(out) is BadValue:
                self._err(rownum, col, v, out.reason, out.quote)
                continue
            if word == "累":
                continue  # a running total may include earlier periods not in this file
            expected, bad = (self.seg_sum, self.seg_bad) if segment else (self.all_sum, self.all_bad)
            # Checked over the rows that could be read, in the same pass that reports the others: the clerk
            # learns of a wrong 合计 now, not after fixing the other rows and importing again.
            if out != expected[key]:
                header = quote(self.m.header_text(col))
                left_out = bad[key]
                readable = "能读取的各行" if left_out else "上方各行"
                note = f"（{rows_text(left_out)}的{header}有误，未计入）" if left_out else ""
                self._err(
                    rownum,
                    col,
                    v,
                    f"（{label}{format_fen(out, symbol=False)}元）与{readable}{header}之和"
                    f"{format_fen(expected[key], symbol=False)}元不符，"
                    f"相差{format_fen(out - expected[key], symbol=False)}元{note}",
                )
        for key in self.seg_sum:
            self.seg_sum[key] = 0
            self.seg_bad[key] = []


def rows_text(rows: list[int], most: int = 5) -> str:
    """“第3、5、9行”, or “第3、5、9、11、12行等8行” for a long list."""
    shown = "、".join(map(str, rows[:most]))
    return f"第{shown}行" + (f"等{len(rows)}行" if len(rows) > most else "")
