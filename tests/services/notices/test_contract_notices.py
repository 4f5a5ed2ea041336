"""合同公开 and 民主评议结果公告: made as 村务公开 drafts from their registers, printed with their layouts (the PDF
text holds the contract's terms, the schedule, the votes and verdicts and what followed), verified by their
核验码, listed for batch printing, and kept as reviewed once the 村监会 has signed them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.services.contracts.contract import (
    DepositFields,
    contract_fields,
    create_contract,
    update_contract,
)
from quzhou_desktop.services.disclosures.disclosure import get_disclosure, post_disclosure, review_disclosure
from quzhou_desktop.services.disclosures.from_records import create_from_contract, create_from_evaluation
from quzhou_desktop.services.evaluations.evaluation import (
    EntryFields,
    EvaluationFields,
    finalize_evaluation,
    save_evaluation,
)
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.notices.checks import verify_notice
from quzhou_desktop.services.notices.issue import due_items, print_notice
from quzhou_desktop.store.models import Membership, Person
from tests.support.contracts import D, Village, make_village
from tests.support.world import PASSWORD, World


@pytest.fixture
def v(world: World) -> Village:
    return make_village(world)


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "").replace(" ", "")


def test_contract_notice_prints_the_terms_and_verifies(v: Village, tmp_path: Path) -> None:
    cid, _ = create_contract(
        v.clerk, v.vid, v.lease(deposits=(DepositFields("押金", "receivable", 200_000, D("2026-03-25")),))
    )
    did = create_from_contract(v.clerk, cid)
    d = get_disclosure(v.clerk, did)
    assert (d.category, d.kind, d.status) == ("village", "contract", "draft")
    assert "合同金额：¥24,000.00（人民币贰万肆仟元整）" in d.body
    issued = print_notice(v.clerk, "contract", did, tmp_path / "c.pdf")
    text = pdf_text(tmp_path / "c.pdf")
    for piece in ["溪口村关于《村文化礼堂租赁合同》的合同公开", "全体村民", "2026年3月10日村民代表会议决议（村文化礼堂对外出租）",
                  "王建国（本村村民）", "HT-2026-01", "¥24,000.00（人民币贰万肆仟元整）", "2026年4月1日至2028年3月31日",
                  "押金¥2,000.00，2026年3月25日收取", "收付款计划", "2027年4月1日", "12,000.00", "意见反馈",
                  "溪口村村民委员会", "核验码"]:  # fmt: skip
        assert piece in text, piece
    assert verify_notice(v.clerk, issued.code).unchanged
    # while a draft, making it again refreshes it; the printed paper then no longer matches
    fields = contract_fields(v.clerk, cid)
    update_contract(v.clerk, cid, replace(fields, title="村文化礼堂租赁合同（补充）"))
    assert create_from_contract(v.clerk, cid) == did
    check = verify_notice(v.clerk, issued.code)
    assert not check.unchanged and "被修改过" in check.reason
    # reviewed by the 村监会 and posted, it stays as it is
    chair = _chair(v)
    review_disclosure(chair, did, password=PASSWORD, opinion="内容与合同一致，同意公开。")
    post_disclosure(v.clerk, did, channels=("公开栏",), posted_from=date(2026, 11, 25), password=PASSWORD)
    update_contract(v.clerk, cid, replace(fields, title="又改了名称"))
    assert create_from_contract(v.clerk, cid) == did
    assert get_disclosure(v.clerk, did).title == "溪口村关于《村文化礼堂租赁合同（补充）》的合同公开"
    print_notice(v.clerk, "contract", did, tmp_path / "posted.pdf")
    text = pdf_text(tmp_path / "posted.pdf")
    assert "村务监督委员会审核意见：内容与合同一致，同意公开。" in text and "2026年11月25日" in text


def _chair(v: Village) -> AppContext:
    with v.world.admin.write("test.roster") as s:
        p = Person(village_id=v.vid, name="刘监委")
        s.add(p)
        s.flush()
        s.add(
            Membership(
                village_id=v.vid, person_id=p.id, body="supervisory", role="chair", start_date=D("2024-03-01")
            )
        )
        pid = p.id
    from quzhou_desktop.services.kernel.users import create_user

    info = create_user(v.world.admin, username="jianwei_zr", display_name="刘监委", role=Role.SUPERVISOR_CHAIR,
                       password=PASSWORD, village_ids=[v.vid], person_id=pid, credential=PASSWORD)  # fmt: skip
    return v.world.as_user(info.id)


def test_evaluation_notice_prints_the_verdicts_and_what_followed(v: Village, tmp_path: Path) -> None:
    chair = _chair(v)
    with v.world.admin.write("test.roster") as s:
        people = {n: Person(village_id=v.vid, name=n) for n in ("李主任", "张委员")}
        s.add_all(people.values())
        s.flush()
        for n, role in (("李主任", "director"), ("张委员", "member")):
            s.add(Membership(village_id=v.vid, person_id=people[n].id, body="village_committee", role=role,
                             start_date=D("2024-03-01")))  # fmt: skip
        ids = {n: p.id for n, p in people.items()}
    last = None
    for year in (2025, 2026):
        entries = (EntryFields(ids["李主任"], "village_committee", "村委会主任", 33, 5, 2),
                   EntryFields(ids["张委员"], "village_committee", "村委会委员", 6, 10, 24))  # fmt: skip
        eid, _ = save_evaluation(v.clerk, EvaluationFields(v.vid, year, date(year, 11, 20), "representatives",
                                                           chair.require_user().person_id, entries,
                                                           place="村委会二楼会议室", participants=40))  # fmt: skip
        with pytest.raises(ValidationError, match="定稿后"):
            create_from_evaluation(v.clerk, eid)
        finalize_evaluation(v.clerk, eid, password=PASSWORD)
        last = eid
    assert last is not None
    did = create_from_evaluation(v.clerk, last)
    assert ("evaluation", did) in due_items(v.clerk, [v.vid], date(2026, 11, 24))
    issued = print_notice(v.clerk, "evaluation", did, tmp_path / "e.pdf")
    text = pdf_text(tmp_path / "e.pdf")
    for piece in ["溪口村2026年度民主评议结果公告", "2026年11月20日，本村在村委会二楼会议室召开村民代表会议",
                  "由村务监督委员会主任刘监委主持", "参加评议40人", "李主任", "村委会主任", "称职", "张委员", "不称职",
                  "评议结果的处理", "张委员在2025年、2026年民主评议中连续两次被评为不称职，其职务终止",
                  "溪口村村务监督委员会"]:  # fmt: skip
        assert piece in text, piece
    assert verify_notice(v.clerk, issued.code).unchanged
