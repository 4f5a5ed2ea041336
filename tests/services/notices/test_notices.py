"""Notices built from real records (capability 5): the PDF text holds the right names, numbers, 大写 amounts
(C24) and 成文日期 (C27); every font is embedded; the 核验码 verifies as unchanged until the record changes."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest

from quzhou_desktop.core.errors import PermissionDenied, QuzhouError
from quzhou_desktop.core.matters import StepType
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
from tests.pg import raw_connection
from tests.support.notices import (
    DECISION,
    MATTER,
    OUTCOME,
    PARTY_BODY,
    PLAN_TEXT,
    REMARKS,
    RESULT_TEXT,
    Printables,
)
from tests.support.pdf import cell_texts, pdf_text
from tests.support.world import PASSWORD

Getter = Callable[[Printables], str]

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
        ["五议两公开登记表", MATTER, "村集体经济项目", "11/10", "90.9%", "45/42", "93.3%", "39/2/1", "通过",
         "2026年10月28日", "张榜公布", "组织实施"],
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
    (
        "disclosure",
        lambda w: w.party_id,
        ["溪口村2026年第三季度党员党费缴纳情况公开", "公开类别：党务公开", "公开期间：2026年第三季度",
         "全体党员、村民：", PARTY_BODY, "月缴纳额（元）", "吴建国", "25.00", "自2026年11月5日至2026年11月19日",
         "村务监督委员会审核意见：经审核，内容真实，同意公开。", "审核人：毛秀英", "中共溪口村支部委员会",
         "2026年11月5日"],
    ),
]  # fmt: skip


@pytest.mark.parametrize("kind,get,expected", CASES, ids=[c[0] for c in CASES])
def test_each_kind_prints_the_record_with_embedded_fonts_and_verifies(
    printables: Printables, tmp_path: Path, kind: str, get: Getter, expected: list[str]
) -> None:
    out = tmp_path / f"{kind}.pdf"
    issued = print_notice(printables.ctx, kind, get(printables), out)
    text = pdf_text(out)
    for needle in expected:
        assert needle.replace(" ", "") in text, needle
    assert f"核验码：{issued.code}" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.split(r"\s+", r.strip())[-5] == "yes" for r in rows), fonts  # emb column
    check = verify_notice(printables.ctx, issued.code.lower().replace("-", " "))
    assert check.unchanged and "未变更" in check.summary
    assert (check.kind, check.record_id, check.village, check.printed_by) == (
        kind,
        get(printables),
        "溪口村",
        "管理员",
    )
    with printables.ctx.read() as s:
        row = s.query(NoticePrint).filter_by(code=issued.code).one()
        assert row.printed_by == printables.ctx.require_user().id and row.audit_seq and row.audit_hash


def _amend_decision(w: Printables) -> None:
    with w.ctx.write("matter.amend") as s:
        s.add(
            StepAmendment(
                step_id=w.steps["resolve"],
                reason="更正笔误",
                changes_json=json.dumps({"decision_text": {"old": DECISION, "new": DECISION + "（更正）"}}),
            )
        )


def _raw_edit(w: Printables) -> None:
    con = raw_connection(w.world.db)  # behind the app's back: the file, or the server as superuser
    con.execute("UPDATE voucher SET amount_fen = 5000100 WHERE number = '2026-031'")
    con.commit()
    con.close()


def _supersede(w: Printables) -> None:
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


CHANGES: list[tuple[str, Getter, Callable[[Printables], None], str]] = [
    ("resolution", lambda w: w.steps["resolve"], _amend_decision, "被修改过"),
    ("voucher", lambda w: w.voucher_id, _raw_edit, "被修改过"),
    ("voucher", lambda w: w.voucher_id, _supersede, "已被更正为第2版"),
    ("review", lambda w: w.review_id, _raw_edit, "被修改过"),
]


@pytest.mark.parametrize(
    "kind,get,change,reason", CHANGES, ids=["amendment", "sqlite", "superseded", "month"]
)
def test_verify_says_changed_after_the_record_changes(
    printables: Printables,
    tmp_path: Path,
    kind: str,
    get: Getter,
    change: Callable[[Printables], None],
    reason: str,
) -> None:
    code = print_notice(printables.ctx, kind, get(printables), tmp_path / "x.pdf").code
    change(printables)
    check = verify_notice(printables.ctx, code)
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
    printables: Printables, code: str, error: type[QuzhouError], message: str
) -> None:
    with pytest.raises(error) as exc:
        verify_notice(printables.ctx, code)
    assert message in str(exc.value)


def test_batch_is_one_pdf_with_a_code_per_notice(printables: Printables, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    items = [
        ("voucher", printables.voucher_id),
        ("voucher", printables.voucher2_id),
        ("register", printables.matter_id),
    ]
    issued = print_notices(
        printables.ctx, items, tmp_path / "b.pdf", paper="A3", progress=lambda a, b: seen.append((a, b))
    )
    assert len({i.code for i in issued}) == 3 and seen[-1] == (4, 4)
    with pdfplumber.open(tmp_path / "b.pdf") as pdf:
        assert len(pdf.pages) == sum(i.pages for i in issued) == 4
        assert round(pdf.pages[0].width / 72 * 25.4) == 297  # A3 portrait: 297 × 420 mm
    assert all(verify_notice(printables.ctx, i.code).unchanged for i in issued)


def test_a_character_no_font_has_prints_nothing_and_records_nothing(
    printables: Printables, tmp_path: Path
) -> None:
    with printables.ctx.write("test.edit") as s:
        v = s.get(Voucher, printables.voucher2_id)
        assert v is not None
        v.payee = "国网\U000f0001供电"
    out = tmp_path / "none.pdf"
    with pytest.raises(MissingGlyph) as exc:
        print_notice(printables.ctx, "voucher", printables.voucher2_id, out)
    assert "收款" in str(exc.value) and "U+F0001" in str(exc.value)  # the field and the character
    assert not out.exists()
    with printables.ctx.read() as s:
        assert s.query(NoticePrint).count() == 0


def test_printing_needs_the_village_and_a_known_kind(printables: Printables, tmp_path: Path) -> None:
    other = printables.world.new_user("clerk2", Role.CLERK, villages=[printables.world.village_ids[1]])
    with pytest.raises(PermissionDenied):
        print_notice(other, "voucher", printables.voucher_id, tmp_path / "p.pdf")
    with pytest.raises(UnknownNoticeKind, match="不支持的打印类型“poster”"):
        print_notice(printables.ctx, "poster", printables.voucher_id, tmp_path / "p.pdf")
    with pytest.raises(QuzhouError, match="找不到"):
        print_notice(printables.ctx, "voucher", "no-such-id", tmp_path / "p.pdf")


def test_due_items_lists_unprinted_finance_and_review_then_forgets_them(
    printables: Printables, tmp_path: Path
) -> None:
    today = printables.world.clock.today()
    due = due_items(printables.ctx, [printables.village_id], today)
    assert ("finance", printables.finance_id) in due and ("review", printables.review_id) in due
    assert ("disclosure", printables.party_id) in due and ("disclosure", printables.village_draft_id) in due
    print_notices(printables.ctx, due, tmp_path / "due.pdf")
    assert due_items(printables.ctx, [printables.village_id], today) == []


def test_a_shared_batch_cache_builds_the_same_documents(printables: Printables) -> None:
    """print_notices shares one NoticeCache (names, rules, 村监会 rosters, cited vouchers) across a batch: every
    kind built through it, twice over (the second 实施结果公告 of a village reads the cited vouchers once), equals
    the document built alone (C27: the printed text is a function of the record only)."""
    from quzhou_desktop.printing.documents import canonical_content
    from quzhou_desktop.services.notices.issue import NoticeCache, build_document

    cache = NoticeCache()
    for _round in range(2):
        for kind, get, _expected in CASES:
            alone = canonical_content(build_document(printables.ctx, kind, get(printables)))
            assert (
                canonical_content(build_document(printables.ctx, kind, get(printables), cache=cache)) == alone
            ), kind
    assert cache.spending and cache.seats and cache.orgs and cache.rules is not None


def test_a_batch_reads_its_matters_together_and_builds_the_same_documents(printables: Printables) -> None:
    """A cache that knows the whole batch reads every 五议两公开 matter it prints (and the final steps' views) in
    one go; each document equals the one built alone (C27), and a record outside the batch is still read alone."""
    from quzhou_desktop.printing.documents import canonical_content
    from quzhou_desktop.services.notices.issue import NoticeCache, build_document

    matter_kinds = [
        (kind, get) for kind, get, _ in CASES if kind in ("plan", "resolution", "result", "register")
    ]
    assert len(matter_kinds) == 4
    batch = [(kind, get(printables)) for kind, get in matter_kinds]
    cache = NoticeCache(batch=batch[1:])  # the first record is not in the batch
    for kind, rid in batch:
        alone = canonical_content(build_document(printables.ctx, kind, rid))
        assert canonical_content(build_document(printables.ctx, kind, rid, cache=cache)) == alone, kind
    assert cache.matters_read and printables.matter_id in cache.matters
    assert set(cache.step_matter) == {rid for kind, rid in batch[1:] if kind != "register"}


def test_register_rows_print_what_was_entered_for_each_step(printables: Printables, tmp_path: Path) -> None:
    """The 组织实施 row prints the 实施情况 entered, not the plan text the record carries over unseen; every other
    row prints the field its step's form shows (decision or plan of a meeting, where and when a posting was up)."""
    from quzhou_desktop.services.notices.register import register_form

    form = register_form(printables.ctx, printables.matter_id)
    labels = {t.value: t.label for t in StepType}
    rows = {next(k for k, v in labels.items() if v == st.step): st for st in form.steps}
    assert list(rows) == ["propose", "consult", "plan_posting", "deliberate", "resolve", "resolution_disclosure",
                          "implement", "result_disclosure"]  # fmt: skip
    assert rows["propose"].content == "提议实施村道硬化"
    assert rows["consult"].content == PLAN_TEXT
    assert rows["plan_posting"].content.startswith("公示11月2日至11月16日")
    assert (rows["resolve"].yes, rows["resolve"].no, rows["resolve"].abstain, rows["resolve"].result) == (
        39,
        2,
        1,
        "通过",
    )
    assert rows["resolve"].content == DECISION
    assert rows["resolution_disclosure"].content == f"于村务公开栏公开11月21日至11月27日\n{DECISION}"
    assert rows["implement"].content == OUTCOME and rows["implement"].form == "组织实施"
    assert PLAN_TEXT not in rows["implement"].content + rows["result_disclosure"].content
    assert (
        rows["result_disclosure"].content
        == f"于村务公开栏公开11月24日至11月30日\n{RESULT_TEXT}\n群众评议：{REMARKS}"
    )
    assert rows["consult"].signatures == "吴建国、周丽"
    assert all(st.result == "" for name, st in rows.items() if name not in ("resolve", "deliberate"))
    out = tmp_path / "register.pdf"
    print_notice(printables.ctx, "register", printables.matter_id, out)
    cells = cell_texts(out)
    assert OUTCOME in cells and DECISION in cells
    assert f"于村务公开栏公开11月24日至11月30日{RESULT_TEXT}群众评议：{REMARKS}" in cells
    assert not any(PLAN_TEXT in c for c in cells if "公示" not in c and c != PLAN_TEXT)


def test_village_disclosure_prints_rows_pasted_from_a_spreadsheet_as_a_table(
    printables: Printables, tmp_path: Path
) -> None:
    out = tmp_path / "village.pdf"
    issued = print_notice(printables.ctx, "disclosure", printables.village_draft_id, out)
    cells = cell_texts(out)
    assert ["户主", "面积（亩）", "金额（元）", "吴建国", "3.2", "384.00"] == cells[:6]
    text = pdf_text(out)
    assert "公开类别：村务公开" in text and "公开期间：2026年" in text and "全体村民：" in text
    assert "如有异议请于公开期内提出。" in text and "\t" not in text
    assert "审核人" not in text  # no review recorded, none printed
    assert text.index("以下农户享受") < text.index("户主") < text.index("180.00") < text.index("如有异议")
    assert "溪口村村民委员会" in text and isinstance(issued.document.date, dt.date)


def test_township_may_require_the_review_for_village_disclosures_c31(
    printables: Printables, tmp_path: Path
) -> None:
    from quzhou_desktop.services.disclosures.disclosure import TownshipReviewRequired, post_disclosure
    from quzhou_desktop.services.kernel.settings import update_rules

    today = printables.world.clock.today()
    update_rules(printables.ctx, {"disclosure_review_scope": "finance_village"}, credential=PASSWORD)
    with pytest.raises(TownshipReviewRequired, match="本乡镇规定村务公开须经村务监督委员会审核"):
        print_notice(printables.ctx, "disclosure", printables.village_draft_id, tmp_path / "x.pdf")
    with pytest.raises(TownshipReviewRequired):
        post_disclosure(
            printables.ctx,
            printables.village_draft_id,
            channels=("公开栏",),
            posted_from=today,
            password=PASSWORD,
        )
    due = due_items(printables.ctx, [printables.village_id], today)
    assert ("disclosure", printables.village_draft_id) not in due and (
        "disclosure",
        printables.party_id,
    ) in due
    # 党务公开 is outside that scope: it still prints (it was reviewed anyway), and so would an unreviewed one
    print_notice(printables.ctx, "disclosure", printables.party_id, tmp_path / "party.pdf")
    update_rules(printables.ctx, {"disclosure_review_scope": "finance"}, credential=PASSWORD)
    print_notice(printables.ctx, "disclosure", printables.village_draft_id, tmp_path / "ok.pdf")
