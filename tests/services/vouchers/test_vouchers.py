"""先审后签 services over a real temporary SQLite: the whole life, C16–C18, separation of duties, corrections."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from quzhou_desktop.core.errors import Conflict, PermissionDenied, QuzhouError, ValidationError
from quzhou_desktop.services.integrity import verify_db
from quzhou_desktop.services.kernel.auth import SignatureFailed
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.kernel.settings import update_rules
from quzhou_desktop.services.vouchers.common import RuleFailed, SeparationOfDuties
from quzhou_desktop.services.vouchers.data import voucher_detail
from quzhou_desktop.services.vouchers.flow import (
    accept_voucher,
    deliver_voucher,
    return_voucher,
    review_voucher,
    sign_voucher,
)
from quzhou_desktop.services.vouchers.query import count_vouchers, get_fields, list_vouchers, next_number
from quzhou_desktop.services.vouchers.voucher import (
    VoucherFilter,
    correct_voucher,
    create_voucher,
    submit_voucher,
    update_voucher,
    void_voucher,
)
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.models import AuditEntry, Voucher, VoucherEvent
from tests.support.vouchers import VoucherVillage
from tests.support.world import PASSWORD


def _status(village: VoucherVillage, voucher_id: str) -> str:
    return voucher_detail(village.clerk, voucher_id).row.status


def _tick(village: VoucherVillage) -> None:
    village.world.clock.advance(minutes=10)


def test_whole_life_review_then_sign_then_agency(village: VoucherVillage) -> None:
    # Given a submitted ¥1,500.00 voucher (below the C18 chair threshold of ¥2,000)
    vid = village.submitted(150_000)
    # When two of three members agree (more than half, C18)
    assert review_voucher(village.member1, vid, "agree", "", PASSWORD) == "submitted"
    _tick(village)
    assert review_voucher(village.member2, vid, "agree", "票据齐全", PASSWORD) == "reviewed"
    _tick(village)
    # Then the 主任 and then the 书记 sign (C17), the clerk delivers, the agency accepts
    assert sign_voucher(village.director, vid, PASSWORD) == "director_signed"
    _tick(village)
    assert sign_voucher(village.secretary, vid, PASSWORD) == "secretary_signed"
    _tick(village)
    deliver_voucher(village.clerk, vid)
    _tick(village)
    accept_voucher(village.world.admin, vid, PASSWORD)
    d = voucher_detail(village.clerk, vid)
    assert d.row.status == "accepted"
    assert [e.kind for e in d.events] == [
        "submit", "review", "review", "sign_director", "sign_secretary", "deliver", "accept",
    ]  # fmt: skip
    # each review, signature and the acceptance is a signed act the event names; the other events sign nothing
    signed = {"review", "sign_director", "sign_secretary", "accept"}
    assert all((len(e.signature) == 36) == (e.kind in signed) for e in d.events)
    assert d.tamper == ()
    assert d.row.amount_upper == "人民币壹仟伍佰元整"  # C24
    # And every step is in the audit chain, which verifies
    with village.world.db.read() as s:
        actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "voucher")))
    assert {"voucher.create", "voucher.submit", "voucher.review.agree", "voucher.sign_director",
            "voucher.sign_secretary", "voucher.deliver", "voucher.accept"} <= actions  # fmt: skip
    with village.world.db.write_engine.connect() as conn:
        assert verify_all(conn) == []
    assert verify_db(village.world.db).problems == []


@pytest.mark.parametrize(
    ("amount_fen", "reviewers", "expected"),
    [
        (
            200_000,
            ["member1", "member2"],
            "reviewed",
        ),  # C18: exactly ¥2,000 does not exceed → chair not needed
        (200_001, ["member1", "member2"], "submitted"),  # ¥2,000.01 without the chair → not complete
        (200_001, ["member1", "chair"], "reviewed"),
        (150_000, ["member1"], "submitted"),  # 1 of 3 is not more than half
    ],
)
def test_c18_completeness(
    village: VoucherVillage, amount_fen: int, reviewers: list[str], expected: str
) -> None:
    vid = village.submitted(amount_fen)
    status = ""
    for who in reviewers:
        status = review_voucher(getattr(village, who), vid, "agree", "", PASSWORD)
        _tick(village)
    assert status == expected


def test_c18_all_members_mode(village: VoucherVillage) -> None:
    update_rules(village.world.admin, {"review_mode": "all_members"}, credential=PASSWORD)
    vid = village.submitted(10_000)
    assert review_voucher(village.member1, vid, "agree", "", PASSWORD) == "submitted"
    assert review_voucher(village.member2, vid, "agree", "", PASSWORD) == "submitted"
    assert review_voucher(village.chair, vid, "agree", "", PASSWORD) == "reviewed"


@pytest.mark.parametrize(
    ("amount_fen", "refs", "ok"),
    [
        (499_999, {}, True),  # C16 below t1 = ¥5,000: normal rules
        (500_000, {}, False),  # t1 itself (以上) needs the 联席会议 decision
        (500_000, {"decision_ref": "2026年10月5日村务联席会议决定"}, True),
        (5_000_000, {"decision_ref": "联席会议"}, False),  # t2 = ¥50,000 also needs 村民（代表）会议
        (5_000_000, {"decision_ref": "联席会议", "resolution_ref": "村民代表会议决议"}, True),
    ],
)
def test_c16_decision_reference_required_to_submit(
    village: VoucherVillage, amount_fen: int, refs: dict[str, str], ok: bool
) -> None:
    vid, warnings = create_voucher(village.clerk, village.vid, village.fields(amount_fen, **refs))
    assert bool(warnings) is not ok
    if ok:
        submit_voucher(village.clerk, vid)
        assert _status(village, vid) == "submitted"
    else:
        with pytest.raises(RuleFailed) as exc:
            submit_voucher(village.clerk, vid)
        assert exc.value.code == "C16"
        assert "须关联" in str(exc.value)
        assert "依据浙江省有关地方规定（数额标准由乡镇确定）" in str(exc.value) and "C16" not in str(
            exc.value
        )
        assert all("依据浙江省有关地方规定" in w for w in warnings)
        assert _status(village, vid) == "draft"


def test_signature_before_review_is_refused(village: VoucherVillage) -> None:
    vid = village.submitted()
    with pytest.raises(QuzhouError) as exc:
        sign_voucher(village.director, vid, PASSWORD)
    assert exc.value.code == "C17"
    assert "先审后签" in str(exc.value) and "村监会审核" in str(exc.value)
    assert "依据浙江省有关地方规定（财务支出事项应经村务监督委员会审查）" in str(exc.value)
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    review_voucher(village.member1, vid, "agree", "", PASSWORD)
    _tick(village)
    with pytest.raises(ValidationError, match="须先由村委会主任"):  # C17: 主任 before 书记
        sign_voucher(village.secretary, vid, PASSWORD)
    assert _status(village, vid) == "reviewed"


@pytest.mark.parametrize(
    ("who", "kw", "message"),
    [
        ("chair", {"handler_name": "监委甲"}, "是本凭证的经手人，不能审核"),
        ("member1", {"payee": "监委乙"}, "是本凭证的收款人，不能审核"),
    ],
)
def test_no_review_of_own_voucher(
    village: VoucherVillage, who: str, kw: dict[str, str], message: str
) -> None:
    vid = village.submitted(**kw)
    with pytest.raises(QuzhouError, match=message):
        review_voucher(getattr(village, who), vid, "agree", "", PASSWORD)
    with village.world.db.read() as s:
        assert s.scalars(select(VoucherEvent).where(VoucherEvent.kind == "review")).all() == []


def test_director_who_is_payee_cannot_sign(village: VoucherVillage) -> None:
    vid = village.submitted(payee="主任丁", purpose="误工补贴")
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    review_voucher(village.member1, vid, "agree", "", PASSWORD)
    _tick(village)
    with pytest.raises(QuzhouError, match="主任丁是本凭证的收款人"):
        sign_voucher(village.director, vid, PASSWORD)


def test_preparer_cannot_review(village: VoucherVillage) -> None:
    # A township administrator entered the voucher; the same account may not review it (no review permission
    # anyway), and a clerk cannot review at all.
    vid = village.submitted()
    with pytest.raises(PermissionDenied, match="不能村监会审核凭证"):
        review_voucher(village.clerk, vid, "agree", "", PASSWORD)
    with pytest.raises(SeparationOfDuties, match="录入人"):
        from quzhou_desktop.services.vouchers.flow import _check_separation

        with village.world.db.read() as s:
            voucher = s.get(Voucher, vid)
            assert voucher is not None
            _check_separation(s, voucher, village.clerk.require_user(), "审核")


def test_wrong_password_writes_nothing(village: VoucherVillage) -> None:
    vid = village.submitted()
    with pytest.raises(SignatureFailed, match="密码不正确"):
        review_voucher(village.chair, vid, "agree", "", "wrong")
    assert voucher_detail(village.clerk, vid).events[-1].kind == "submit"


def test_non_member_cannot_review_and_no_double_review(village: VoucherVillage) -> None:
    from quzhou_desktop.services.kernel.roles import Role

    outsider = village.world.new_user("jianwei9", Role.SUPERVISOR)  # no person on the 村监会 roster
    vid = village.submitted()
    with pytest.raises(PermissionDenied, match="不是本村村务监督委员会的现任成员"):
        review_voucher(outsider, vid, "agree", "", PASSWORD)
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    with pytest.raises(ValidationError, match="不能重复审核"):
        review_voucher(village.chair, vid, "agree", "", PASSWORD)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([("chair", "disagree")], "rejected"),  # chair objects above ¥2,000 → cannot be completed
        ([("member1", "disagree")], "submitted"),  # one member's objection is recorded, review continues
        ([("member1", "disagree"), ("member2", "disagree")], "rejected"),  # majority no longer reachable
        ([("member1", "disagree"), ("chair", "agree"), ("member2", "agree")], "reviewed"),
        ([("member2", "correct")], "needs_correction"),
    ],
)
def test_objections(village: VoucherVillage, steps: list[tuple[str, str]], expected: str) -> None:
    vid = village.submitted(300_000)
    status = ""
    for who, opinion in steps:
        status = review_voucher(
            getattr(village, who), vid, opinion, "理由" if opinion != "agree" else "", PASSWORD
        )
        _tick(village)
    assert status == expected


def test_objection_needs_a_reason(village: VoucherVillage) -> None:
    vid = village.submitted()
    with pytest.raises(ValidationError, match="请写明需要补正的内容"):
        review_voucher(village.chair, vid, "correct", " ", PASSWORD)


def test_no_edit_after_submit_correction_is_a_new_version(village: VoucherVillage) -> None:
    vid = village.submitted(150_000)
    with pytest.raises(ValidationError, match="不能直接修改"):
        update_voucher(village.clerk, vid, village.fields(140_000))
    review_voucher(village.chair, vid, "correct", "缺少验收单", PASSWORD)
    _tick(village)
    new_id, _ = correct_voucher(village.clerk, vid, village.fields(150_000, invoice_count=3, note="补验收单"))
    assert _status(village, vid) == "superseded"
    d = voucher_detail(village.clerk, new_id)
    assert (d.row.version, d.row.number, d.row.status) == (2, "001", "draft")
    assert [ver for _, ver, _ in d.versions] == [1, 2]
    # The old version is kept unchanged with its review; its signatures still verify
    old = voucher_detail(village.clerk, vid)
    assert old.tamper == () and any(e.opinion == "correct" for e in old.events)
    with pytest.raises(ValidationError, match="只有村监会要求补正"):
        correct_voucher(village.clerk, vid, village.fields())
    # The new version goes through review again from the start
    submit_voucher(village.clerk, new_id)
    _tick(village)
    assert review_voucher(village.chair, new_id, "agree", "", PASSWORD) == "submitted"
    assert review_voucher(village.member1, new_id, "agree", "", PASSWORD) == "reviewed"
    # Lists show the current version only unless asked
    flt = VoucherFilter(village_id=village.vid)
    assert [r.version for r in list_vouchers(village.clerk, flt)] == [2]
    assert count_vouchers(village.clerk, VoucherFilter(village_id=village.vid, include_superseded=True)) == 2


def test_agency_return_then_correction(village: VoucherVillage) -> None:
    vid = village.submitted(100_000)
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    review_voucher(village.member1, vid, "agree", "", PASSWORD)
    _tick(village)
    sign_voucher(village.director, vid, PASSWORD)
    _tick(village)
    sign_voucher(village.secretary, vid, PASSWORD)
    deliver_voucher(village.clerk, vid)
    with pytest.raises(ValidationError, match="退回原因"):
        return_voucher(village.world.admin, vid, "", PASSWORD)
    return_voucher(village.world.admin, vid, "发票抬头不是本村", PASSWORD)
    assert _status(village, vid) == "returned"
    new_id, _ = correct_voucher(village.clerk, vid, village.fields(100_000, note="换开发票"))
    assert _status(village, new_id) == "draft"


def test_number_unique_per_village_and_year(village: VoucherVillage) -> None:
    create_voucher(village.clerk, village.vid, village.fields())
    with pytest.raises(Conflict, match="已有凭证号“001”"):
        create_voucher(village.clerk, village.vid, village.fields(voucher_date=date(2026, 1, 5)))
    create_voucher(
        village.clerk, village.vid, village.fields(voucher_date=date(2025, 12, 30))
    )  # another year
    assert next_number(village.clerk, village.vid, 2026) == "002"


def test_draft_edit_and_void(village: VoucherVillage) -> None:
    vid, _ = create_voucher(village.clerk, village.vid, village.fields())
    update_voucher(village.clerk, vid, village.fields(120_000))
    assert get_fields(village.clerk, vid).amount_fen == 120_000
    with pytest.raises(ValidationError, match="作废原因"):
        void_voucher(village.clerk, vid, "")
    void_voucher(village.clerk, vid, "重复录入")
    assert _status(village, vid) == "void"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_fen", 0, "金额：必须大于零"),
        ("handler_name", " ", "经手人：不能为空"),
        ("purpose", "", "用途（摘要）：不能为空"),
    ],
)
def test_validation_messages(village: VoucherVillage, field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        create_voucher(village.clerk, village.vid, village.fields(**{field: value}))


def test_permissions(village: VoucherVillage) -> None:
    with pytest.raises(PermissionDenied, match="不能录入支出凭证"):
        create_voucher(village.chair, village.vid, village.fields())
    vid = village.submitted()
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    review_voucher(village.member1, vid, "agree", "", PASSWORD)
    with pytest.raises(PermissionDenied):
        sign_voucher(village.clerk, vid, PASSWORD)
    with pytest.raises(PermissionDenied, match="代理记账中心受理或退回"):
        accept_voucher(village.clerk, vid, PASSWORD)
    other = village.world.new_user("wenshu2", Role.CLERK, villages=[village.world.village_ids[1]])
    with pytest.raises(PermissionDenied, match="无权查看这个村"):
        voucher_detail(other, vid)


def test_tampering_is_evident(village: VoucherVillage) -> None:
    vid = village.submitted(150_000)
    review_voucher(village.chair, vid, "agree", "", PASSWORD)
    with village.world.db.write_engine.begin() as conn:
        conn.execute(text("UPDATE voucher SET amount_fen = 950000 WHERE id = :id"), {"id": vid})
    d = voucher_detail(village.clerk, vid)
    assert any("签名后内容被改动" in t for t in d.tamper)


def test_signature_grant_is_personal(village: VoucherVillage) -> None:
    from quzhou_desktop.services.vouchers.common import grant_signature

    vid = village.submitted()
    chair_grant = grant_signature(village.chair, PASSWORD)
    with pytest.raises(SignatureFailed):
        review_voucher(village.member1, vid, "agree", "", chair_grant)  # another member's grant is worthless
    assert review_voucher(village.chair, vid, "agree", "", chair_grant) == "submitted"


@pytest.mark.parametrize("ended_by", ["logging in again", "logging out", "expiry"])
def test_signature_grant_ends_with_its_login(
    village: VoucherVillage, ended_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quzhou_desktop.services.kernel import keys
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.vouchers import common

    vid = village.submitted()
    if ended_by == "expiry":
        monkeypatch.setattr(keys, "GRANT_SECONDS", -1)
    grant = common.grant_signature(village.chair, PASSWORD)
    if ended_by == "logging in again":
        login(village.chair, "jianwei_zr", PASSWORD)
    elif ended_by == "logging out":
        village.chair.user = None
        with pytest.raises(PermissionDenied):
            review_voucher(village.chair, vid, "agree", "", grant)
        login(village.chair, "jianwei_zr", PASSWORD)
    with pytest.raises(SignatureFailed):
        review_voucher(village.chair, vid, "agree", "", grant)
    assert review_voucher(village.chair, vid, "agree", "", PASSWORD) == "submitted"


def test_only_grant_signature_makes_a_grant(village: VoucherVillage) -> None:
    from quzhou_desktop.services.kernel.keys import unlock
    from quzhou_desktop.services.vouchers.common import SignatureGrant

    signer = unlock(village.chair, PASSWORD)
    with pytest.raises(TypeError, match="grant_signature"):
        SignatureGrant(village.chair.require_user(), signer, float("inf"))
