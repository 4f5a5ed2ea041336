"""100,000-row voucher workbooks in the layouts offices really send (openpyxl write-only, seeded).

Layouts:
- ``title_merged``: a merged title row and a 填报单位 line above the header, real dates and numbers, a 合计 row.
- ``two_row_header``: a merged group row over the header row, header synonyms (凭证编号, 报销日期, 经办人 …).
- ``text_amounts``: amounts as text (¥ / 元 / thousands separators / full-width digits) and dates as text in
  four spellings, a 合计 row.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from benchmarks.gen import vocab
from quzhou_desktop.services.demo.names import person_name

LAYOUTS = ("title_merged", "two_row_header", "text_amounts")
HEADERS = {
    "title_merged": (
        "凭证号",
        "日期",
        "经手人",
        "收款方",
        "摘要",
        "金额",
        "资金来源",
        "附件张数",
        "备注",
        "村名",
    ),
    "two_row_header": (
        "凭证编号",
        "报销日期",
        "经办人",
        "收款单位",
        "事由",
        "报销金额",
        "经费来源",
        "附单据张数",
        "说明",
        "所属村",
    ),
    "text_amounts": (
        "凭证号",
        "凭证日期",
        "报销人",
        "领款人",
        "开支内容",
        "支出金额",
        "资金来源",
        "附件",
        "备注",
        "村",
    ),
}
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def voucher_rows(n: int, villages: Sequence[str], seed: int) -> Iterator[tuple[Any, ...]]:
    """``n`` plain voucher rows: (number, date, handler, payee, summary, fen, fund, attachments, remark, village)."""
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    handlers = [person_name(rng, rng.random() < 0.4) for _ in range(60)]
    for k in range(1, n + 1):
        pattern, lo, hi = rng.choice(vocab.VOUCHER_PURPOSES)
        fen = rng.randint(lo, hi)
        if rng.random() < 0.6:
            fen = fen // 100 * 100
        yield (
            f"导-{k:06d}",
            start + timedelta(days=rng.randint(0, 700)),
            rng.choice(handlers),
            rng.choice(vocab.PAYEES),
            pattern.format(nv=rng.choice(vocab.NATURAL_VILLAGES)),
            fen,
            rng.choice(vocab.FUND_SOURCES),
            rng.randint(0, 6),
            "" if rng.random() < 0.8 else "发票后补",
            rng.choice(villages),
        )


def _text_amount(fen: int, k: int) -> str:
    yuan = f"{fen // 100:,}.{fen % 100:02d}"
    style = k % 4
    if style == 0:
        return "¥" + yuan
    if style == 1:
        return yuan.replace(",", "") + "元"
    if style == 2:
        return yuan.translate(FULL_WIDTH)
    return yuan


def _text_date(d: date, k: int) -> str:
    style = k % 4
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if style == 2:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def write_workbook(
    path: Path, layout: str, rows: Sequence[tuple[Any, ...]] | Iterator[tuple[Any, ...]]
) -> int:
    """Write one layout; returns the number of data rows."""
    headers = HEADERS[layout]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("支出凭证")
    last = "J"
    if layout == "title_merged":
        ws.append(["石梁镇各村支出凭证汇总表"])
        ws.merged_cells.add(f"A1:{last}1")
        ws.append(
            [
                "填报单位：石梁镇农村集体“三资”代理服务中心",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "单位：元",
            ]
        )
    elif layout == "two_row_header":
        ws.append(["凭证信息", None, "经办与收款", None, "支出内容", "金额", "资金", "附件", "其他", None])
        for rng_ in ("A1:B1", "C1:D1", "I1:J1"):
            ws.merged_cells.add(rng_)
    ws.append(list(headers))
    total = 0
    count = 0
    text = layout == "text_amounts"
    for k, r in enumerate(rows):
        number, d, handler, payee, summary, fen, fund, att, remark, village = r
        total += fen
        count += 1
        if text:
            ws.append([number, _text_date(d, k), handler, payee, summary, _text_amount(fen, k), fund, str(att),
                       remark or None, village])  # fmt: skip
        else:
            ws.append([number, d, handler, payee, summary, fen / 100, fund, att, remark or None, village])
    if layout != "two_row_header":
        ws.append(["合计", None, None, None, None, _text_amount(total, 3) if text else total / 100])
    wb.save(str(path))
    return count


def make_all(
    folder: Path, n: int, villages: Sequence[str], seed: int, layouts: Sequence[str] = LAYOUTS
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(voucher_rows(n, villages, seed))
    out = []
    for layout in layouts:
        p = folder / f"vouchers-{layout}-{n}.xlsx"
        tmp = p.with_suffix(".partial.xlsx")
        write_workbook(tmp, layout, rows)
        tmp.replace(p)
        out.append(p)
    return out
