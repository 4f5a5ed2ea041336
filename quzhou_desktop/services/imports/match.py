"""Match parsed rows against the database: which are new, which are already there, which collide.

Deterministic keys (the same file always gives the same keys):
- vouchers: village + year + 凭证号 (what ``uq_voucher_number_version`` makes unique);
- ledger lines: a content hash of village, date, 凭证号, 摘要, 科目, amounts, 对方单位 and the occurrence
  number of identical lines within the file (two identical lines in one file are two lines);
- people: the ID number, else village + name + phone.
A key that matches a stored record with the same content is a duplicate (skipped and counted); with different
content it is an error naming the row and the column that differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from typing import Any, cast

from sqlalchemy import Connection, and_, select

from quzhou_desktop.core.money import format_fen
from quzhou_desktop.services.imports.contracts import (
    ASSET_LIMITS,
    CONTRACT_LIMITS,
    match_assets,
    match_contracts,
)
from quzhou_desktop.services.imports.people import check_people
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.spreadsheets.reader import column_letter
from quzhou_desktop.spreadsheets.result import CellError, ParseResult
from quzhou_desktop.spreadsheets.schemas import LedgerRecord, Record, VoucherRecord, kind_spec
from quzhou_desktop.spreadsheets.values import VALUE_CHARS, quote
from quzhou_desktop.store.models import LedgerLine, MonthlyReview, Voucher

MAX_AMOUNT_FEN = 10**11  # 10 亿元: anything above is a typing error
# the right that importing each kind needs, in each village the rows name
KIND_PERMS: dict[str, Perm] = {
    "people": Perm.ROSTER_EDIT,
    "vouchers": Perm.VOUCHER_EDIT,
    "ledger": Perm.VOUCHER_EDIT,
    "assets": Perm.CONTRACT_EDIT,
    "contracts": Perm.CONTRACT_EDIT,
}
_IN = 900  # keep IN lists under SQLite's variable limit
# field → (max length, Chinese label) for what the database columns hold
_LIMITS: dict[str, dict[str, int]] = {
    "vouchers": {
        "number": 30,
        "handler": 40,
        "payee": 100,
        "summary": 200,
        "fund_source": 60,
        "remark": 1000,
    },
    "ledger": {"number": 30, "summary": 200, "subject": 60, "counterparty": 100},
    "people": {"name": 40, "group": 40, "phone": 20},
    "assets": ASSET_LIMITS,
    "contracts": CONTRACT_LIMITS,
}


@dataclass
class Matched:
    new: list[tuple[Record, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # import_key of each new ledger line ("" for others)
    duplicates: int = 0
    errors: list[CellError] = field(default_factory=list)


class Blame:
    """Builds row errors in the parser's style, naming the column the user sees."""

    def __init__(self, result: ParseResult, out: list[CellError]) -> None:
        self.res, self.out = result, out
        self.spec_labels = {f.key: f.label for f in kind_spec(result.kind).fields}

    def __call__(self, row: int, key: str, value: Any, reason: str) -> None:
        col = self.res.mapping.columns.get(key)
        header = self.res.mapping.header_text(col) if col is not None else self.spec_labels.get(key, key)
        header = quote(header)
        letter = column_letter(col) if col is not None else ""
        text = _text(value)
        shown = quote(text)
        msg = (
            f"第{row}行「{header}」列的值“{shown}”{reason}" if text else f"第{row}行「{header}」列：{reason}"
        )
        self.out.append(CellError(self.res.sheet, row, header, letter, quote(text, VALUE_CHARS), msg))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "、".join(map(str, value))
    return str(value)


def key_hash(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()


def chunks(items: Sequence[Any], n: int = _IN) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def match_rows(
    conn: Connection,
    ctx: AppContext,
    result: ParseResult,
    villages: dict[str, str],
    *,
    today: date,
    skip_rows: set[int] | frozenset[int] = frozenset(),
) -> Matched:
    """Resolve each valid row's village, check lengths, then match against stored records."""
    out = Matched()
    blame = Blame(result, out.errors)
    limits = _LIMITS[result.kind]
    items: list[tuple[Any, str]] = []
    allowed: dict[str, bool] = {}
    rows = [r for r in result.rows if r.row not in skip_rows] if skip_rows else result.rows
    too_long: set[int] = set()
    for key, limit in limits.items():  # one C-level pass per column; rows are visited only when one is long
        get = attrgetter(key)
        if max(map(len, filter(None, map(get, rows))), default=0) > limit:
            for r in rows:
                v = get(r)
                if v and len(v) > limit:
                    blame(r.row, key, v, f"太长（{len(v)}字），最多{limit}字")
                    too_long.add(r.row)
    found = list(map(villages.get, map(attrgetter("village"), rows)))
    if not too_long and None not in found:
        vids = cast("list[str]", found)
        for v in set(vids):
            allowed[v] = ctx.can(KIND_PERMS[result.kind], v)
        if all(allowed.values()):  # the usual case: every row resolved and allowed, nothing to blame
            items = list(zip(rows, vids, strict=True))
            rows = []
    for rec in rows:
        if rec.village is None:  # no 村名 column and no default village: the parser reported it for the file
            continue
        vid = villages.get(rec.village)
        if vid is None:
            blame(rec.row, "village", rec.village, "不是本镇（或您有权导入的）村，请核对村名")
            continue
        if vid not in allowed:
            allowed[vid] = ctx.can(KIND_PERMS[result.kind], vid)
        if not allowed[vid]:
            blame(rec.row, "village", rec.village, "：您没有权限向这个村导入数据")
            continue
        if too_long and rec.row in too_long:
            continue
        items.append((rec, vid))
    if result.kind == "vouchers":
        _match_vouchers(conn, items, out, blame)
    elif result.kind == "ledger":
        _match_ledger(conn, items, out)
    elif result.kind in ("assets", "contracts"):
        match = match_assets if result.kind == "assets" else match_contracts
        out.new, out.duplicates = match(conn, items, blame)
        out.keys = [""] * len(out.new)
    else:
        people, out.duplicates = check_people(conn, items, blame, today=today)
        out.new = list(people)
        out.keys = [""] * len(out.new)
    return out


# -- vouchers ---------------------------------------------------------------------------------------------

_V_FIELDS = ("date", "handler", "payee", "summary", "amount_fen", "fund_source", "attachments", "remark")
_V_LABELS = ("日期", "经手人", "收款方", "摘要", "金额", "资金来源", "附件张数", "备注")


def voucher_content(rec: VoucherRecord) -> tuple[Any, ...]:
    return (
        rec.date,
        rec.handler,
        rec.payee or rec.handler,
        rec.summary,
        rec.amount_fen,
        rec.fund_source,
        rec.attachments or 0,
        rec.remark,
    )


def _match_vouchers(conn: Connection, items: list[tuple[Any, str]], out: Matched, blame: Blame) -> None:
    t = Voucher.__table__
    recs = list(map(itemgetter(0), items))
    amounts = list(map(attrgetter("amount_fen"), recs))
    too_big = max(amounts, default=0) > MAX_AMOUNT_FEN
    row_vids, row_years = map(itemgetter(1), items), map(attrgetter("date.year"), recs)
    if too_big:  # such rows are refused below; they need no look-up
        keys = {(v, y) for v, y, a in zip(row_vids, row_years, amounts, strict=True) if a <= MAX_AMOUNT_FEN}
    else:
        keys = set(zip(row_vids, row_years, strict=True))
    scopes: dict[str, set[int]] = {}
    for vid, year in keys:
        scopes.setdefault(vid, set()).add(year)
    stored: dict[tuple[str, int, str], list[tuple[Any, ...]]] = {}
    locked: set[tuple[str, int, int]] = set()
    mr = MonthlyReview.__table__
    for vid, years in scopes.items():
        q = select(
            t.c.year,
            t.c.number,
            t.c.voucher_date,
            t.c.handler_name,
            t.c.payee,
            t.c.purpose,
            t.c.amount_fen,
            t.c.funding_source,
            t.c.invoice_count,
            t.c.note,
        ).where(t.c.village_id == vid, t.c.year.in_(sorted(years)))
        for row in conn.execute(q):
            stored.setdefault((vid, row[0], row[1]), []).append(tuple(row[2:]))
        lq = select(mr.c.year, mr.c.month).where(
            and_(mr.c.village_id == vid, mr.c.locked.is_(True), mr.c.year.in_(sorted(years)))
        )
        locked.update((vid, y, m) for y, m in conn.execute(lq))
    if not stored and not locked and not too_big:
        out.new = list(items)  # nothing stored for these villages and years: every row is new
        out.keys = [""] * len(items)
        return
    for rec, vid in items:
        if rec.amount_fen > MAX_AMOUNT_FEN:
            blame(rec.row, "amount_fen", format_fen(rec.amount_fen, symbol=False), "过大，请核对")
            continue
        versions = stored.get((vid, rec.date.year, rec.number)) if stored else None
        if versions is not None:
            mine = voucher_content(rec)
            if mine in versions:
                out.duplicates += 1
                continue
            theirs = versions[-1]
            i = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b)
            blame(
                rec.row,
                _V_FIELDS[i],
                format_fen(mine[i], symbol=False) if _V_FIELDS[i] == "amount_fen" else mine[i],
                f"与已登记的{rec.date.year}年凭证{rec.number}不一致（已登记的{_V_LABELS[i]}为"
                f"“{format_fen(theirs[i], symbol=False) if _V_FIELDS[i] == 'amount_fen' else quote(_text(theirs[i]))}”），"
                "同一凭证号不能导入两次；如确需更正，请在凭证登记中用“更正”",
            )
            continue
        if locked and (vid, rec.date.year, rec.date.month) in locked:
            blame(
                rec.row,
                "date",
                rec.date,
                f"所在的{rec.date.year}年{rec.date.month}月已经村监会审核并锁定，不能再导入该月的凭证",
            )
            continue
        out.new.append((rec, vid))
        out.keys.append("")


# -- ledger -----------------------------------------------------------------------------------------------


def ledger_keys(items: list[tuple[LedgerRecord, str]]) -> list[str]:
    seen: dict[tuple[Any, ...], int] = {}
    keys = []
    for rec, vid in items:
        content = (
            vid,
            rec.date,
            rec.number,
            rec.summary,
            rec.subject,
            rec.income_fen,
            rec.expense_fen,
            rec.counterparty,
        )
        n = seen.get(content, 0) + 1
        seen[content] = n
        keys.append(key_hash("ledger", *content, n))
    return keys


def _match_ledger(conn: Connection, items: list[tuple[Any, str]], out: Matched) -> None:
    t = LedgerLine.__table__
    keys = ledger_keys(items)
    existing: set[str] = set()
    for part in chunks(sorted(set(keys))):
        existing.update(conn.execute(select(t.c.import_key).where(t.c.import_key.in_(part))).scalars())
    for (rec, vid), key in zip(items, keys, strict=True):
        if key in existing:
            out.duplicates += 1
        else:
            out.new.append((rec, vid))
            out.keys.append(key)
