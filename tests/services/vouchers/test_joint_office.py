"""一肩挑 (C32): where one person is both 村委会主任 and 村党组织书记, one signature records both offices (two
events of one act, with a note shown on the voucher and printed on the 审批单); separation of duties still
holds; the sign button's reason is known before any password (``sign_block``)."""

from __future__ import annotations

import io
import json
from datetime import date

import pdfplumber
import pytest
from sqlalchemy import select, text, update

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.notices.issue import print_notices
from quzhou_desktop.services.notices.money import voucher_form
from quzhou_desktop.services.vouchers import flow
from quzhou_desktop.services.vouchers.data import voucher_detail
from quzhou_desktop.store.models import Membership, SignedAct, VoucherEvent
from tests.support.vouchers import VoucherVillage, make_voucher_village
from tests.support.world import PASSWORD, World


@pytest.fixture
def village(world: World) -> VoucherVillage:
    """溪口村 where 主任丁 is also 书记 (一肩挑); overrides the plain ``village`` fixture in this module."""
    village = make_voucher_village(world)
    with world.admin.write("test.roster") as s:  # 主任丁 becomes 书记 too; 书记戊 leaves
        s.execute(
            update(Membership)
            .where(Membership.person_id == village.persons["书记戊"])
            .values(end_date=date(2025, 12, 31), end_reason="换届")
        )
        s.add(Membership(village_id=village.vid, person_id=village.persons["主任丁"], body="party_branch",
                         role="secretary", start_date=date(2026, 1, 1)))  # fmt: skip
    return village


def reviewed(village: VoucherVillage, **kw: object) -> str:
    vid = village.submitted(**kw)
    flow.review_voucher(village.chair, vid, "agree", "", PASSWORD)
    flow.review_voucher(village.member1, vid, "agree", "", PASSWORD)
    village.world.clock.advance(minutes=5)
    return vid


def test_one_signature_records_both_offices_with_a_note(village: VoucherVillage) -> None:
    vid = reviewed(village)
    assert flow.signing_offices(village.director, vid) == ["主任（社长）", "书记"]
    assert flow.sign_voucher(village.director, vid, PASSWORD) == "secretary_signed"
    events = [e for e in voucher_detail(village.clerk, vid).events if e.kind.startswith("sign_")]
    assert [e.kind for e in events] == ["sign_director", "sign_secretary"]
    assert events[0].at == events[1].at and {e.actor_name for e in events} == {"主任丁"}
    assert all("一肩挑" in e.text for e in events)  # shown on the voucher's history
    form = voucher_form(village.clerk, vid)
    assert form.director.name == form.secretary.name == "主任丁"
    assert "一肩挑" in form.joint_note and "一肩挑" not in form.director.opinion
    buf = io.BytesIO()
    print_notices(village.clerk, [("voucher", vid)], buf)
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "一肩挑" in text.replace("\n", "")


def test_the_joint_signature_is_one_signed_act_over_both_offices(village: VoucherVillage) -> None:
    vid = reviewed(village)
    flow.sign_voucher(village.director, vid, PASSWORD)
    with village.world.db.read() as s:
        acts = s.scalars(
            select(SignedAct).where(SignedAct.record_id == vid, SignedAct.act.like("voucher.sign%"))
        )
        (act,) = acts.all()
        events = s.scalars(select(VoucherEvent).where(VoucherEvent.signature == act.id)).all()
        statement = json.loads(act.statement)
    assert act.act == "voucher.sign_both" and act.signer_id == village.director.require_user().id
    assert sorted(e.kind for e in events) == ["sign_director", "sign_secretary"]
    assert [d["kind"] for d in statement["decision"]["events"]] == ["sign_director", "sign_secretary"]
    assert statement["office"]["title"] == "主任（社长）、书记"
    assert voucher_detail(village.clerk, vid).tamper == ()
    # (the fixture's roster change is a bulk update the store's check names; the signatures all hold)
    assert [p for p in verify_db(village.world.db).problems if p.entity != "membership"] == []
    # the 书记's half changed behind the app's back: the one act no longer matches, and verify names it
    with village.world.db.write_engine.begin() as conn:
        conn.execute(text("UPDATE voucher_event SET actor_name = '某人' WHERE voucher_id = :v AND kind = 'sign_secretary'"),
                     {"v": vid})  # fmt: skip
    assert voucher_detail(village.clerk, vid).tamper != ()
    assert any("主任（社长）和书记签字" in p.message for p in verify_db(village.world.db).problems)


def test_separate_office_holders_still_sign_one_after_the_other(world: World) -> None:
    village = make_voucher_village(world)
    vid = reviewed(village)
    assert flow.signing_offices(village.director, vid) == ["主任（社长）"]
    assert flow.sign_block(village.secretary, vid).endswith("须先由村委会主任（社长）签字，再由书记签字")
    assert flow.sign_voucher(village.director, vid, PASSWORD) == "director_signed"
    assert flow.sign_block(village.director, vid) != ""
    assert flow.sign_voucher(village.secretary, vid, PASSWORD) == "secretary_signed"
    assert voucher_form(village.clerk, vid).joint_note == ""


def test_separation_of_duties_holds_for_the_joint_office_holder(village: VoucherVillage) -> None:
    vid = reviewed(village, handler_name="主任丁")
    reason = flow.sign_block(village.director, vid)
    assert "主任丁是本凭证的经手人，不能" in reason
    with pytest.raises(QuzhouError, match="主任丁是本凭证的经手人"):
        flow.sign_voucher(village.director, vid, PASSWORD)


def test_before_review_the_reason_is_known_without_a_password(village: VoucherVillage) -> None:
    vid = village.submitted()
    reason = flow.sign_block(village.director, vid)
    assert reason.startswith("先审后签：凭证001目前为“待村监会审核”") and "C17" not in reason
