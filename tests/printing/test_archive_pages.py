"""The archive's own pages: the 卷内目录 as a ruled table that repeats its header on every page, the 校验报告 and a
meeting's 会议记录; embedded fonts only, no 核验码 footer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypedDict

from quzhou_desktop.printing.archive import CatalogueDoc, CatalogueLine, MinutesDoc, VerifyReportDoc
from quzhou_desktop.printing.render import render
from tests.support.pdf import cell_texts, flat, page_texts, pdf_text, pdffonts


class Header(TypedDict):
    organisation: str
    issuer: str
    date: dt.date


ORG = Header(organisation="石梁镇溪口村", issuer="溪口村村民委员会", date=dt.date(2026, 12, 6))


def _lines(n: int) -> tuple[CatalogueLine, ...]:
    return tuple(
        CatalogueLine(number=i, title=f"五议两公开：村道硬化工程第{i}段（登记表、决议公告）", date=dt.date(2026, 3, i % 28 + 1),
                      category="村务管理类", retention="永久", extent="3页", file=f"村务管理类/{i:04d}-村道硬化工程.pdf")
        for i in range(1, n + 1)
    )  # fmt: skip


def test_the_catalogue_repeats_its_header_and_lists_every_item(tmp_path: Path) -> None:
    doc = CatalogueDoc(**ORG, title="溪口村村务档案卷内目录（2026年）", span="2026年",
                       built="2026年12月6日编制，共60件；编制人：周建华。", lines=_lines(60))  # fmt: skip
    out = tmp_path / "c.pdf"
    pages = render(doc, out)
    assert pages > 2
    texts = [flat(t) for t in page_texts(out)]
    assert all("件号" in t and "题名" in t and "文件名" in t for t in texts)  # the header on every page
    cells = cell_texts(out)
    assert (
        "0060-村道硬化工程.pdf" in cells and "村务管理类/0060-村道硬化工程.pdf" not in cells
    )  # the folder is the 类别
    assert "2026年3月5日" in cells and "核验码" not in pdf_text(out)
    assert all(row[-1] == "Type" or "yes" in row for row in pdffonts(out))  # every font embedded


def test_the_verify_report_and_the_minutes(tmp_path: Path) -> None:
    report = VerifyReportDoc(**ORG, title="溪口村村务档案校验报告", passed=False, summary="校验未通过：发现1个问题。",
                             problems=("记录 voucher 1 与审计日志第9条记录的状态不符",),
                             anchor=("档案编制时数据库审计日志共9条。",))  # fmt: skip
    render(report, tmp_path / "v.pdf")
    text = pdf_text(tmp_path / "v.pdf")
    assert "一、校验结论" in text and "二、发现的问题" in text and "三、档案与数据库的对应" in text
    minutes = MinutesDoc(**ORG, title="村道硬化工程村民代表会议决议会议记录", matter="村道硬化工程", step="村民代表会议决议",
                         body="村民代表会议", meeting_date=dt.date(2026, 5, 8), place="村委会会议室", chair="周建华",
                         recorder="刘辉福", attendance="应到45人，实到38人", votes="赞成35票，反对2票，弃权1票",
                         minutes="会议审议了村道硬化工程实施方案。\n与会代表逐项讨论。", decision="同意实施。")  # fmt: skip
    render(minutes, tmp_path / "m.pdf")
    text = pdf_text(tmp_path / "m.pdf")
    assert (
        "应到45人，实到38人" in text
        and "一、会议记录" in text
        and "二、决定事项" in text
        and "刘辉福" in text
    )
