"""``printables``: 溪口村 of the ``world`` with one record of every printable kind, built through the ORM and
the services (the demo has no matters, vouchers or disclosures).

A 村道硬化工程 through every 五议两公开 step (商议 11 entitled / 10 present; 决议 45 / 42 with 39 yes, 2 no,
1 abstain), two vouchers (¥50,000.00 signed by everyone; ¥1,286.50 reviewed), the November 村监会 monthly review, a
ledger income of ¥80,000.00 and the reviewed November 财务公开.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.store.models import (
    LedgerLine,
    Matter,
    MatterStep,
    Membership,
    MonthlyReview,
    Person,
    Voucher,
    VoucherEvent,
)
from tests.support.world import PASSWORD, World

D = dt.date
MATTER = "村道硬化工程"
PLAN_TEXT = "对溪边自然村至后山自然村道路实施水泥硬化，全长1.2公里，宽4.5米，预算¥128,650.00。"
DECISION = "同意实施村道硬化工程，由村民委员会组织实施，村务监督委员会全程监督。"
OUTCOME = "工程由衢州市柯城区通达路桥工程有限公司施工，经验收合格。"
RESULT_TEXT = "村道硬化工程已完工，实际支出¥127,900.00。"
REMARKS = "公示期间收到意见1条，已当面答复。"


@dataclass
class Printables:
    world: World
    ctx: AppContext  # admin (township-wide, may print)
    village_id: str
    matter_id: str
    steps: dict[str, str]  # step_type -> id
    voucher_id: str
    voucher2_id: str
    review_id: str
    finance_id: str
    people: dict[str, str]
    party_id: str = ""  # a reviewed, posted 党务公开 with a table
    village_draft_id: str = ""  # an unreviewed 村务公开 draft whose body holds rows pasted from a spreadsheet


def _at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour)


def make_printables(w: World) -> Printables:
    ctx, vid = w.admin, w.village_ids[0]
    people: dict[str, str] = {}
    with ctx.write("test.people") as s:
        for name, phone in [
            ("吴建国", "13905700001"),
            ("毛秀英", "13905701234"),
            ("郑国华", None),
            ("徐小芳", None),
            ("周丽", None),
        ]:
            p = Person(village_id=vid, name=name, gender="男", phone=phone)
            s.add(p)
            s.flush()
            people[name] = p.id
        for name, role in [("毛秀英", "chair"), ("郑国华", "member"), ("徐小芳", "member")]:
            s.add(
                Membership(
                    village_id=vid,
                    person_id=people[name],
                    body="supervisory",
                    role=role,
                    start_date=D(2024, 1, 1),
                )
            )
    steps: dict[str, str] = {}
    common = {"state": "final", "chair_person_id": people["吴建国"], "recorder_person_id": people["周丽"]}
    specs: list[dict[str, object]] = [
        {
            "step_type": "propose",
            "body": "branch",
            "meeting_date": D(2026, 10, 20),
            "decision_text": "提议实施村道硬化",
        },
        {
            "step_type": "consult",
            "body": "joint",
            "meeting_date": D(2026, 10, 28),
            "place": "村委会二楼会议室",
            "entitled_count": 11,
            "present_count": 10,
            "plan_text": PLAN_TEXT,
        },
        {"step_type": "plan_posting", "posting_from": D(2026, 11, 2), "posting_to": D(2026, 11, 16)},
        {"step_type": "deliberate", "body": "party", "meeting_date": D(2026, 11, 18), "passed": True},
        {
            "step_type": "resolve",
            "body": "representatives",
            "meeting_date": D(2026, 11, 20),
            "place": "村文化礼堂",
            "entitled_count": 45,
            "present_count": 42,
            "votes_for": 39,
            "votes_against": 2,
            "votes_abstain": 1,
            "vote_method": "举手",
            "decision_text": DECISION,
            "valid": True,
            "passed": True,
        },
        {
            "step_type": "resolution_disclosure",
            "posting_from": D(2026, 11, 21),
            "posting_to": D(2026, 11, 27),
            "posting_place": "村务公开栏",
            "decision_text": DECISION,
            "plan_text": PLAN_TEXT,
        },
        # the step dialog files 实施情况 as the record text and carries the plan along unseen
        {
            "step_type": "implement",
            "meeting_date": D(2026, 11, 23),
            "minutes": OUTCOME,
            "plan_text": PLAN_TEXT,
        },
        {
            "step_type": "result_disclosure",
            "posting_from": D(2026, 11, 24),
            "posting_to": D(2026, 11, 30),
            "posting_place": "村务公开栏",
            "decision_text": RESULT_TEXT,
            "minutes": REMARKS,
            "plan_text": PLAN_TEXT,
        },
    ]
    with ctx.write("test.matter") as s:
        m = Matter(
            village_id=vid,
            title=MATTER,
            category="collective_project",
            amount_fen=12865000,
            source="村干部提议",
            year=2026,
            status="completed",
        )
        s.add(m)
        s.flush()
        for seq, spec in enumerate(specs, 1):
            st = MatterStep(matter_id=m.id, seq=seq, **common, **spec)
            s.add(st)
            s.flush()
            steps[str(spec["step_type"])] = st.id
        matter_id = m.id
    with ctx.write("test.vouchers") as s:
        v1 = Voucher(
            village_id=vid,
            year=2026,
            number="2026-031",
            voucher_date=D(2026, 11, 10),
            handler_name="周丽",
            witness_name="郑国华",
            payee="衢州市柯城区通达路桥工程有限公司",
            purpose="村道硬化工程预付款",
            amount_fen=5000000,
            funding_source="上级补助",
            invoice_count=3,
            decision_ref="村务联席会议2026年10月28日商议",
            decision_step_id=steps["consult"],
            status="secretary_signed",
        )
        v2 = Voucher(
            village_id=vid,
            year=2026,
            number="2026-032",
            voucher_date=D(2026, 11, 12),
            handler_name="周丽",
            payee="国网衢州供电公司",
            purpose="村文化礼堂电费",
            amount_fen=128650,
            funding_source="集体收入",
            invoice_count=1,
            status="reviewed",
        )
        s.add_all([v1, v2])
        s.flush()
        for v in (v1, v2):
            s.add(VoucherEvent(voucher_id=v.id, kind="submit", actor_name="周丽", at=_at(D(2026, 11, 10), 1)))
            s.add(
                VoucherEvent(
                    voucher_id=v.id,
                    kind="review",
                    opinion="agree",
                    actor_name="毛秀英",
                    person_id=people["毛秀英"],
                    at=_at(D(2026, 11, 11)),
                )
            )
        s.add(
            VoucherEvent(voucher_id=v1.id, kind="sign_director", actor_name="吴建国", at=_at(D(2026, 11, 12)))
        )
        s.add(
            VoucherEvent(
                voucher_id=v1.id, kind="sign_secretary", actor_name="王书记", at=_at(D(2026, 11, 12), 3)
            )
        )
        s.add(
            LedgerLine(
                village_id=vid,
                entry_date=D(2026, 11, 3),
                summary="收到上级“千万工程”补助资金",
                subject="上级补助",
                income_fen=8000000,
            )
        )
        r = MonthlyReview(
            village_id=vid,
            year=2026,
            month=11,
            meeting_date=D(2026, 11, 20),
            place="村委会",
            attendee_ids_json=json.dumps([people["毛秀英"], people["郑国华"]]),
            voucher_count=2,
            total_fen=5128650,
            item_opinions_json=json.dumps({v1.id: "同意", v2.id: "同意"}),
            overall_opinion="本月凭证手续齐全，同意入账。",
            state="signed",
        )
        s.add(r)
        s.flush()
        ids = (v1.id, v2.id, r.id)
    finance_id = _finance(w, vid, people["毛秀英"])
    party_id, village_id = _party_and_village(w, vid)
    return Printables(
        w, ctx, vid, matter_id, steps, ids[0], ids[1], ids[2], finance_id, people, party_id, village_id
    )


PARTY_BODY = "现将本村党员2026年第三季度党费缴纳情况公开如下，接受全体党员和村民监督。"
PARTY_TABLE = {
    "columns": ["姓名", "月缴纳额（元）", "备注"],
    "rows": [["吴建国", "25.00", ""], ["周丽", "2.00", "退休"]],
}
SUBSIDY_BODY = "经村民代表会议评议，以下农户享受2026年度农业补贴：\n户主\t面积（亩）\t金额（元）\n吴建国\t3.2\t384.00\n周丽\t1.5\t180.00\n如有异议请于公开期内提出。"


def _party_and_village(w: World, vid: str) -> tuple[str, str]:
    from quzhou_desktop.services.disclosures.disclosure import (
        DisclosureSpec,
        create_disclosure,
        post_disclosure,
        review_disclosure,
    )
    from quzhou_desktop.services.kernel.auth import load_current_user
    from quzhou_desktop.store.models import UserAccount

    party = create_disclosure(
        w.admin,
        DisclosureSpec(
            vid, "party", "溪口村2026年第三季度党员党费缴纳情况公开", body=PARTY_BODY, table=PARTY_TABLE,
            period_start=D(2026, 7, 1), period_end=D(2026, 9, 30),
        ),
    )  # fmt: skip
    with w.admin.read() as s:
        from sqlalchemy import select

        uid = s.scalars(select(UserAccount.id).where(UserAccount.username == "jianwei")).one()
    chair = w.as_user(uid)
    assert load_current_user(chair, uid).username == "jianwei"
    review_disclosure(chair, party, password=PASSWORD, opinion="经审核，内容真实，同意公开。")
    post_disclosure(
        w.admin,
        party,
        channels=("公开栏",),
        posted_from=D(2026, 11, 5),
        posted_to=D(2026, 11, 19),
        password=PASSWORD,
    )
    village = create_disclosure(
        w.admin,
        DisclosureSpec(vid, "village", "溪口村2026年度农业补贴发放情况公开", body=SUBSIDY_BODY,
                       period_start=D(2026, 1, 1), period_end=D(2026, 12, 31)),
    )  # fmt: skip
    return party, village


def _finance(w: World, vid: str, person_id: str) -> str:
    from quzhou_desktop.services.disclosures.disclosure import review_disclosure
    from quzhou_desktop.services.disclosures.finance import create_finance_disclosure
    from quzhou_desktop.services.kernel.users import create_user

    did = create_finance_disclosure(w.admin, vid, D(2026, 11, 1), D(2026, 11, 30), item_id=None)
    info = create_user(
        w.admin,
        username="jianwei",
        display_name="毛秀英",
        role=Role.SUPERVISOR_CHAIR,
        password=PASSWORD,
        village_ids=[vid],
        person_id=person_id,
        credential=PASSWORD,
    )
    review_disclosure(w.as_user(info.id), did, password=PASSWORD, opinion="经审核，收支真实，同意公开。")
    return did
