"""Notices built from real records (capability 5): the PDF text holds the right names, numbers, 大写 amounts
(C24) and 成文日期 (C27); every font is embedded; the 核验码 verifies as unchanged until the record changes."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pdfplumber
import pytest

from quzhou_desktop.core.errors import PermissionDenied, QuzhouError
from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.fonts import MissingGlyph
from quzhou_desktop.printing.verification import BadVerificationCode
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.notices.checks import UnknownCode, verify_notice
from quzhou_desktop.services.notices.issue import (
    UnknownNoticeKind,
    due_items,
    print_notice,
    print_notices,
)
from quzhou_desktop.store.models import NoticePrint, StepAmendment, Voucher
from tests.services.notices.test_notices_world import (
    DECISION,
    MATTER,
    OUTCOME,
    NoticeWorld,
    make_notice_world,
)

Getter = Callable[[NoticeWorld], str]
# services/matters_common.step_views still calls Result.tuples() (deprecated in SQLAlchemy 2.1); not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:The Result.tuples:DeprecationWarning")


@pytest.fixture
def nw(tmp_path: Path) -> Iterator[NoticeWorld]:
    w = make_notice_world(tmp_path / "n.sqlite3")
    yield w
    w.world.db.dispose()


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "").replace(" ", "")


CASES: list[tuple[str, Getter, list[str]]] = [
    (
        "plan",
        lambda w: w.steps["consult"],
        ["溪口村关于村道硬化工程方案的公示", "应到会11人，实到10人", "2026年11月2日至2026年11月16日",
         "共15天", "吴建国", "毛秀英", "溪口村村民委员会"],
    ),
    (
        "resolution",
        lambda w: w.steps["resolve"],
        ["决议公告", "2026年11月20日", "村民代表会议", "应到会45人，实到42人", "到会率93.3%",
         "同意39票，反对2票，弃权1票", DECISION, "共7天", "2026年11月21日"],
    ),
    (
        "result",
        lambda w: w.steps["result_disclosure"],
        ["实施结果的公告", OUTCOME, "2026年11月23日实施完成", "村道硬化工程预付款",
         format_fen(5000000), fen_to_upper(5000000), "2026年11月24日"],
    ),
    (
        "register",
        lambda w: w.matter_id,
        ["五议两公开登记表", MATTER, "村集体经济项目", "11/10", "90.9%", "45/42", "93.3%", "39/2/1",
         "2026年10月28日", "张榜公布"],
    ),
    (
        "voucher",
        lambda w: w.voucher_id,
        ["支出凭证审批单", "2026-031", "衢州市柯城区通达路桥工程有限公司", "¥50,000.00", "人民币伍万元整",
         "周丽", "郑国华", "毛秀英", "吴建国", "王书记", "2026年11月12日", "3张"],
    ),
    (
        "review",
        lambda w: w.review_id,
        ["村务监督委员会月度审核意见书", "2026年11月", "毛秀英、郑国华", "2026-031", "2026-032",
         "1,286.50", fen_to_upper(5128650), "本月凭证手续齐全，同意入账。"],
    ),
    (
        "finance",
        lambda w: w.finance_id,
        # the 大写 total of the spending wraps inside its cell: check the part on the first line
        ["溪口村2026年11月财务收支公开", "补助资金", "80,000.00", "51,286.50", "1,286.50",
         fen_to_upper(8000000), "人民币伍万壹仟贰佰捌拾陆", "毛秀英", "经审核，收支真实，同意公开。"],
    ),
]  # fmt: skip


@pytest.mark.parametrize("kind,get,expected", CASES, ids=[c[0] for c in CASES])
def test_each_kind_prints_the_record_with_embedded_fonts_and_verifies(
    nw: NoticeWorld, tmp_path: Path, kind: str, get: Getter, expected: list[str]
) -> None:
    out = tmp_path / f"{kind}.pdf"
    issued = print_notice(nw.ctx, kind, get(nw), out)
    text = pdf_text(out)
    for needle in expected:
        assert needle.replace(" ", "") in text, needle
    assert f"核验码：{issued.code}" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.split(r"\s+", r.strip())[-5] == "yes" for r in rows), fonts  # emb column
    check = verify_notice(nw.ctx, issued.code.lower().replace("-", " "))
    assert check.unchanged and "未变更" in check.summary
    assert (check.kind, check.record_id, check.village, check.printed_by) == (
        kind,
        get(nw),
        "溪口村",
        "管理员",
    )
    with nw.ctx.read() as s:
        row = s.query(NoticePrint).filter_by(code=issued.code).one()
        assert row.printed_by == nw.ctx.require_user().id and row.audit_seq and row.audit_hash


def _amend_decision(w: NoticeWorld) -> None:
    with w.ctx.write("matter.amend") as s:
        s.add(
            StepAmendment(
                step_id=w.steps["resolve"],
                reason="更正笔误",
                changes_json=json.dumps({"decision_text": {"old": DECISION, "new": DECISION + "（更正）"}}),
            )
        )


def _raw_edit(w: NoticeWorld) -> None:
    con = sqlite3.connect(str(w.world.db.path))  # behind the app's back
    con.execute("UPDATE voucher SET amount_fen = 5000100 WHERE number = '2026-031'")
    con.commit()
    con.close()


def _supersede(w: NoticeWorld) -> None:
    with w.ctx.write("voucher.correct") as s:
        old = s.get(Voucher, w.voucher_id)
        assert old is not None
        old.status = "superseded"
        s.add(
            Voucher(
                village_id=old.village_id, year=2026, number=old.number, version=2, supersedes_id=old.id,
                voucher_date=old.voucher_date, handler_name=old.handler_name, payee=old.payee,
                purpose=old.purpose, amount_fen=4900000, status="draft",
            )
        )  # fmt: skip


CHANGES: list[tuple[str, Getter, Callable[[NoticeWorld], None], str]] = [
    ("resolution", lambda w: w.steps["resolve"], _amend_decision, "被修改过"),
    ("voucher", lambda w: w.voucher_id, _raw_edit, "被修改过"),
    ("voucher", lambda w: w.voucher_id, _supersede, "已被更正为第2版"),
    ("review", lambda w: w.review_id, _raw_edit, "被修改过"),
]


@pytest.mark.parametrize(
    "kind,get,change,reason", CHANGES, ids=["amendment", "sqlite", "superseded", "month"]
)
def test_verify_says_changed_after_the_record_changes(
    nw: NoticeWorld,
    tmp_path: Path,
    kind: str,
    get: Getter,
    change: Callable[[NoticeWorld], None],
    reason: str,
) -> None:
    code = print_notice(nw.ctx, kind, get(nw), tmp_path / "x.pdf").code
    change(nw)
    check = verify_notice(nw.ctx, code)
    assert not check.unchanged
    assert "已变更" in check.summary and reason in check.reason


@pytest.mark.parametrize(
    "code,error,message",
    [
        ("hello", BadVerificationCode, "不是有效的核验码"),
        ("0000-1111-OOOO", BadVerificationCode, "不是有效的核验码"),
        ("2222-3333-4444", UnknownCode, "没有核验码为 2222-3333-4444 的打印记录"),
    ],
)
def test_bad_or_unknown_code_is_a_chinese_error(
    nw: NoticeWorld, code: str, error: type[QuzhouError], message: str
) -> None:
    with pytest.raises(error) as exc:
        verify_notice(nw.ctx, code)
    assert message in str(exc.value)


def test_batch_is_one_pdf_with_a_code_per_notice(nw: NoticeWorld, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    items = [("voucher", nw.voucher_id), ("voucher", nw.voucher2_id), ("register", nw.matter_id)]
    issued = print_notices(
        nw.ctx, items, tmp_path / "b.pdf", paper="A3", progress=lambda a, b: seen.append((a, b))
    )
    assert len({i.code for i in issued}) == 3 and seen[-1] == (4, 4)
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        assert len(pdf.pages) == sum(i.pages for i in issued) == 4
        assert round(pdf.pages[0].width / 72 * 25.4) == 297  # A3 portrait: 297 × 420 mm
    assert all(verify_notice(nw.ctx, i.code).unchanged for i in issued)


def test_a_character_no_font_has_prints_nothing_and_records_nothing(nw: NoticeWorld, tmp_path: Path) -> None:
    with nw.ctx.write("test.edit") as s:
        v = s.get(Voucher, nw.voucher2_id)
        assert v is not None
        v.payee = "国网\U000f0001供电"
    out = tmp_path / "none.pdf"
    with pytest.raises(MissingGlyph) as exc:
        print_notice(nw.ctx, "voucher", nw.voucher2_id, out)
    assert "收款" in str(exc.value) or "U+F0001" in str(exc.value)
    assert not out.exists()
    with nw.ctx.read() as s:
        assert s.query(NoticePrint).count() == 0


def test_printing_needs_the_village_and_a_known_kind(nw: NoticeWorld, tmp_path: Path) -> None:
    other = nw.world.new_user("clerk2", Role.CLERK, villages=[nw.world.village_ids[1]])
    with pytest.raises(PermissionDenied):
        print_notice(other, "voucher", nw.voucher_id, tmp_path / "p.pdf")
    with pytest.raises(UnknownNoticeKind, match="不支持的打印类型“poster”"):
        print_notice(nw.ctx, "poster", nw.voucher_id, tmp_path / "p.pdf")
    with pytest.raises(QuzhouError, match="找不到"):
        print_notice(nw.ctx, "voucher", "no-such-id", tmp_path / "p.pdf")


def test_due_items_lists_unprinted_finance_and_review_then_forgets_them(
    nw: NoticeWorld, tmp_path: Path
) -> None:
    today = nw.world.clock.today()
    due = due_items(nw.ctx, [nw.village_id], today)
    assert ("finance", nw.finance_id) in due and ("review", nw.review_id) in due
    print_notices(nw.ctx, due, tmp_path / "due.pdf")
    assert due_items(nw.ctx, [nw.village_id], today) == []


def test_a_shared_batch_cache_builds_the_same_documents(nw: NoticeWorld) -> None:
    """print_notices shares one NoticeCache (names, rules, 村监会 rosters, cited vouchers) across a batch: every
    kind built through it, twice over (the second 实施结果公告 of a village reads the cited vouchers once), equals
    the document built alone (C27: the printed text is a function of the record only)."""
    from quzhou_desktop.printing.documents import canonical_content
    from quzhou_desktop.services.notices.issue import NoticeCache, build_document

    cache = NoticeCache()
    for _round in range(2):
        for kind, get, _expected in CASES:
            alone = canonical_content(build_document(nw.ctx, kind, get(nw)))
            assert canonical_content(build_document(nw.ctx, kind, get(nw), cache=cache)) == alone, kind
    assert cache.spending and cache.seats and cache.orgs and cache.rules is not None
