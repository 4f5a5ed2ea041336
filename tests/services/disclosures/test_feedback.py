"""Villagers' feedback on a disclosure: recording, replies, C23 reply deadlines, history and export rows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from quzhou_desktop.core.errors import Conflict, PermissionDenied, ValidationError
from quzhou_desktop.services.disclosures import disclosure as svc
from quzhou_desktop.services.disclosures import feedback as fb
from quzhou_desktop.services.disclosures import register as reg
from quzhou_desktop.services.disclosures.disclosure import DisclosureSpec
from quzhou_desktop.services.kernel.settings import update_rules
from tests.support.disclosures import DisclosureStaff, audit_actions
from tests.support.world import PASSWORD


def posted(staff: DisclosureStaff, on: date = date(2024, 2, 20)) -> str:
    did = svc.create_disclosure(staff.clerk, DisclosureSpec(staff.v0, "village", "低保名单公开"))
    svc.post_disclosure(staff.clerk, did, channels=("公开栏",), posted_from=on, password=PASSWORD)
    return did


def objection(staff: DisclosureStaff, did: str, on: date, kind: str = "objection") -> str:
    return fb.add_feedback(
        staff.clerk,
        did,
        received_on=on,
        from_name="王大妈",
        channel="意见箱",
        kind=kind,
        content="名单有误？",
    )


# C23: 03-01 objection, 03-12 reply → late (N=10); boundaries across February in a leap year
@pytest.mark.parametrize(
    "received,replied,days,late,days_late",
    [
        (date(2026, 3, 1), date(2026, 3, 11), 10, False, 0),
        (date(2026, 3, 1), date(2026, 3, 12), 10, True, 1),
        (date(2024, 2, 25), date(2024, 3, 6), 10, False, 0),  # leap year: 02-25 + 10 = 03-06
        (date(2024, 2, 25), date(2024, 3, 7), 10, True, 1),
        (date(2023, 2, 25), date(2023, 3, 7), 10, False, 0),  # not leap: 02-25 + 10 = 03-07
        (date(2026, 1, 25), date(2026, 2, 1), 7, False, 0),  # cfg 7 days across a 31-day month
        (date(2026, 1, 25), date(2026, 2, 2), 7, True, 1),
    ],
)
def test_c23_reply_deadline(
    staff: DisclosureStaff, received: date, replied: date, days: int, late: bool, days_late: int
) -> None:
    update_rules(staff.world.admin, {"reply_days": days}, credential=PASSWORD)
    did = posted(staff, received - timedelta(days=3))
    fid = objection(staff, did, received)
    st = fb.reply_feedback(staff.clerk, fid, reply="已核实，名单无误。", replied_on=replied)
    assert (st.late, st.days_late) == (late, days_late)
    info = fb.list_feedback(staff.clerk, did)[0]
    assert info.status.late is late and info.replied_on == replied and not info.open


def test_open_objection_overdue_counts_and_register_filter(staff: DisclosureStaff) -> None:
    did = posted(staff, date(2026, 11, 1))
    quiet = posted(staff, date(2026, 11, 1))
    fid = objection(staff, did, date(2026, 11, 10))  # deadline 11-20, today 11-24 → 4 days overdue
    objection(staff, did, date(2026, 11, 20), kind="question")  # deadline 11-30, open, not late
    counts = fb.feedback_counts(staff.clerk, [staff.v0])[staff.v0]
    assert (counts.open, counts.overdue_open, counts.late_replies) == (2, 1, 0)
    info = next(f for f in fb.list_feedback(staff.clerk, did) if f.id == fid)
    assert info.status.days_late == 4 and "已逾期4天" in info.status.explanation
    ids = {r.id for r in reg.list_disclosures(staff.clerk, reg.DisclosureFilter(open_feedback_only=True))}
    assert ids == {did} and quiet not in ids
    fb.reply_feedback(staff.clerk, fid, reply="已答复", replied_on=date(2026, 11, 24))
    counts = fb.feedback_counts(staff.clerk, [staff.v0])[staff.v0]
    assert (counts.open, counts.overdue_open, counts.late_replies) == (1, 0, 1)


def test_feedback_rules(staff: DisclosureStaff) -> None:
    draft = svc.create_disclosure(staff.clerk, DisclosureSpec(staff.v0, "village", "草稿"))
    with pytest.raises(ValidationError, match="已公开"):
        objection(staff, draft, date(2026, 11, 1))
    did = posted(staff, date(2026, 11, 1))
    with pytest.raises(ValidationError, match="不能早于公开日期"):
        objection(staff, did, date(2026, 10, 31))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        objection(staff, did, date(2026, 11, 25))
    with pytest.raises(ValidationError, match="意见类型"):
        objection(staff, did, date(2026, 11, 2), kind="complaint")
    fid = objection(staff, did, date(2026, 11, 2))
    with pytest.raises(ValidationError, match="不能早于收到意见"):
        fb.reply_feedback(staff.clerk, fid, reply="答复", replied_on=date(2026, 11, 1))
    fb.reply_feedback(staff.clerk, fid, reply="答复", replied_on=date(2026, 11, 3))
    with pytest.raises(Conflict, match="答复不能修改"):
        fb.reply_feedback(staff.clerk, fid, reply="再答复", replied_on=date(2026, 11, 4))
    with pytest.raises(PermissionDenied):  # 村监会委员 has no 登记群众意见
        objection_ctx = staff.sup
        fb.add_feedback(objection_ctx, did, received_on=date(2026, 11, 2), from_name="", channel="电话",
                        kind="question", content="?")  # fmt: skip


def test_history_shows_feedback_photos_and_correction(staff: DisclosureStaff, tmp_path: Path) -> None:
    did = posted(staff, date(2026, 11, 1))
    fid = objection(staff, did, date(2026, 11, 2))
    fb.reply_feedback(staff.clerk, fid, reply="已核实", replied_on=date(2026, 11, 5))
    photo = tmp_path / "公开栏.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    fb.add_photo(staff.clerk, did, photo, caption="张贴照片")
    assert [p.filename for p in fb.list_photos(staff.clerk, did)] == ["公开栏.png"]
    new = svc.start_correction(staff.clerk, did, reason="名单漏了一户")
    svc.post_disclosure(
        staff.clerk, new, channels=("公开栏",), posted_from=date(2026, 11, 6), password=PASSWORD
    )
    whats = [h.what for h in fb.history(staff.clerk, did)]
    for expected in (
        "新建草稿",
        "标记为已公开",
        "登记群众意见",
        "答复群众意见",
        "添加张贴照片",
        "被更正公开取代",
    ):
        assert expected in whats
    assert any(w.startswith("已有更正") for w in whats)
    assert audit_actions(staff.world, fid) == ["disclosure.feedback_add", "disclosure.feedback_reply"]
    # objections stay with the old disclosure, which is kept
    assert len(fb.list_feedback(staff.clerk, did)) == 1


def test_export_rows_one_per_feedback(staff: DisclosureStaff) -> None:
    did = posted(staff, date(2026, 11, 1))
    objection(staff, did, date(2026, 11, 2))
    objection(staff, did, date(2026, 11, 3), kind="question")
    posted(staff, date(2026, 11, 4))
    rows = reg.export_rows(staff.clerk, reg.DisclosureFilter(village_id=staff.v0))
    assert all(len(r) == len(reg.EXPORT_HEADERS) for r in rows)
    assert len(rows) == 3
    kinds = sorted(str(r[reg.EXPORT_HEADERS.index("意见类型")]) for r in rows)
    assert kinds == ["", "异议", "询问"]
