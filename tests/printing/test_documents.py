"""Every notice kind prints its names, numbers, 大写 amounts (C24) and 成文日期 (C27)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.documents import KINDS, Notice, canonical_content
from quzhou_desktop.printing.render import UnknownKind, render
from tests.support.pdf import cell_texts, flat, page_texts
from tests.support.printing import (
    ALL,
    DISCLOSURE,
    FINANCE,
    PLAN,
    REGISTER,
    RESOLUTION,
    RESULT,
    REVIEW,
    VOUCHER,
)

C27 = re.compile(r"\d{4}年[1-9]\d?月[1-9]\d?日")

EXPECTED = {
    "plan": [
        "下村村关于村道硬化工程实施方案的公示",
        "吴建国",
        "应到会11人",
        "实到10人",
        "90.9%",
        "¥128,650.00",
        "人民币壹拾贰万捌仟陆佰伍拾元整",
        "自2026年11月2日至2026年11月8日",
        "共7天",
        "0570-8765432",
        "下村村村民委员会",
        "2026年11月2日",
    ],
    "resolution": [
        "村民代表会议",
        "吴建国",
        "应到会45人",
        "实到42人",
        "93.3%",
        "举手表决",
        "同意39票",
        "反对2票",
        "弃权1票",
        "自2026年11月24日至2026年11月30日",
        "意见箱",
        "13905701234",
        "2026年11月24日",
    ],
    "result": [
        "2027年3月10日",
        "工程施工费",
        "¥118,650.00",
        "人民币壹拾壹万捌仟陆佰伍拾元整",
        "¥3,500.00",
        "¥128,650.00",
        "人民币壹拾贰万捌仟陆佰伍拾元整",
        "群众评议",
        "2027年3月18日",
    ],
    "finance": [
        "2026年11月",
        "上级补助",
        "80,000.00",
        "1,286.50",
        "¥95,600.00",
        "¥58,486.50",
        fen_to_upper(9560000),
        fen_to_upper(5848650),
        "毛秀英",
        "郑立新",
        "余晓燕",
        "2026年12月3日",
        "2026年12月5日",
    ],
    "review": [
        "2026-11-001",
        "衢州市柯城区通达路桥工程有限公司",
        "50,000.00",
        "¥58,486.50",
        fen_to_upper(5848650),
        "补正：附考勤表",
        "毛秀英",
        "2026年12月3日",
    ],
    "voucher": [
        "2026-11-001",
        "徐国平",
        "吴建国",
        "周春林",
        "¥50,000.00",
        "人民币伍万元整",
        "3张",
        "下村〔2026〕7号",
        "同意。附件齐全，与决议相符。",
        "2026年11月7日",
        "先审后签",
    ],
    "register": [
        "下村村村道硬化工程",
        "提议",
        "商议",
        "审议",
        "决议公开",
        "实施结果公开",
        "45/42",
        "93.3%",
        "39/2/1",
        "31/27",
        "2027年3月18日",
    ],
    "disclosure": [
        "下村村2026年第三季度党员党费缴纳情况公开",
        "公开类别：党务公开",
        "公开期间：2026年第三季度",
        "公开事项：党员党费缴纳情况（定期公开）",
        "全体党员、村民：",
        "本季度应缴党费党员31名",
        "周春林",
        "月缴纳额（元）",
        "生活困难，经支部同意",
        "自2026年10月15日至2026年11月14日，共31天",
        "13905701234",
        "村务监督委员会审核意见：经审核，公开内容真实、完整，同意公开。",
        "审核人：毛秀英",
        "审核日期：2026年10月12日",
        "中共下村村支部委员会",
        "2026年10月15日",
    ],
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_text_of_each_kind(rendered: dict[str, Path], kind: str) -> None:
    text = flat("".join(page_texts(rendered[kind]))) + "|" + "|".join(cell_texts(rendered[kind]))
    for needle in EXPECTED[kind]:
        assert flat(needle) in text, (kind, needle)
    assert "核验码：" + ALL[kind].code in text


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_dates_are_written_the_c27_way(rendered: dict[str, Path], kind: str) -> None:
    text = flat("".join(page_texts(rendered[kind])))
    assert C27.search(text)
    assert not re.search(r"\d{4}年0\d月|月0\d日", text)  # never zero-padded


def test_amount_totals_match_the_lines() -> None:
    assert sum(a.fen for a in RESULT.amounts) == 12865000
    assert format_fen(12865000) == "¥128,650.00"
    assert sum(v.fen for v in REVIEW.vouchers) == 5848650


def test_kinds_registry_covers_every_document() -> None:
    assert (
        set(KINDS)
        == set(ALL)
        == {"plan", "resolution", "result", "finance", "review", "voucher", "register", "disclosure"}
    )
    docs = (PLAN, RESOLUTION, RESULT, FINANCE, REVIEW, VOUCHER, REGISTER, DISCLOSURE)
    assert {type(d).kind for d in docs} == set(KINDS)


def test_render_to_a_stream() -> None:
    buf = io.BytesIO()
    assert render(VOUCHER, buf) == 1
    assert buf.getvalue().startswith(b"%PDF-")


def test_output_is_deterministic(tmp_path: Path) -> None:
    a, b = io.BytesIO(), io.BytesIO()
    render(PLAN, a)
    render(PLAN, b)
    assert a.getvalue() == b.getvalue()


def test_canonical_content_ignores_code_and_paper_but_not_data() -> None:
    base = canonical_content(RESOLUTION)
    assert canonical_content(dataclasses.replace(RESOLUTION, code="", paper="A3")) == base
    assert canonical_content(dataclasses.replace(RESOLUTION, objection="电话0570-1234567")) != base
    assert b'"kind":"resolution"' in base


def _plain(value: Any) -> Any:
    """The document as plain data, the definition of its canonical form: records as objects of their fields,
    sequences as arrays, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _reference(doc: Notice) -> bytes:
    data = _plain(doc)
    del data["code"], data["paper"]
    data["kind"] = doc.kind
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@pytest.mark.parametrize("kind", sorted(ALL))
def test_canonical_content_is_the_sorted_compact_json_of_the_document(kind: str) -> None:
    """What a 核验码 binds must never change for a printed notice: the bytes are those ``json.dumps`` writes for
    the document as plain data (how they were first defined), whatever encoder writes them now."""
    doc = ALL[kind]
    assert canonical_content(doc) == _reference(doc)
    assert canonical_content(dataclasses.replace(doc, code="7K4M-2P9X-QZ3H-238L", paper="A3")) == _reference(
        doc
    )


@given(
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
    fen=st.integers(min_value=-(10**15), max_value=10**15),
    on=st.dates(),
)
@settings(max_examples=200, deadline=None)
def test_canonical_content_escapes_any_text_as_json_dumps_does(text: str, fen: int, on: dt.date) -> None:
    """Control characters, quotes, backslashes, line separators and astral characters, in nested records too."""
    line = dataclasses.replace(REVIEW.vouchers[0], payee=text, fen=fen, date=on)
    doc = dataclasses.replace(REVIEW, title=text, overall_opinion=text + "\n" + text, vouchers=(line, line))
    assert canonical_content(doc) == _reference(doc)


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    from quzhou_desktop.printing.documents import Notice

    with pytest.raises(UnknownKind):
        render(Notice(organisation="x", title="x", date=RESOLUTION.date, issuer="x"), tmp_path / "x.pdf")
