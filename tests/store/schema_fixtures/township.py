"""The township every fixture holds: a setup, a roster, users, a 五议两公开 matter, vouchers reviewed before
signing (with a scan, an import and the month's review), a finance disclosure reviewed by the 村监会 with one
question answered, and a printed notice; from 0005 also two assets, a lease with its party, schedule, a payment
tied to a ledger line and a deposit, and the year's 民主评议: a few rows in every table.

From 0004 on the township is signed as that release signs it (``acts``): keys sealed by the passwords, setup as
the root of trust, accounts as the administrator's acts, 定稿 and reviews as their signers' acts; and audited
states hold digests in place of secrets.

``build`` writes it into a database at a given revision; where a revision stores something differently, the
story says so (``revision == "0001"``, ``revision >= "0003"``, ``revision >= "0005"``), so an older fixture always comes out
the same.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from tests.store.schema_fixtures.acts import Signing
from tests.store.schema_fixtures.exchange import write_exchange
from tests.store.schema_fixtures.formats import (
    disclosure_review_signature,
    event_signature,
    id_number,
    monthly_review_signature,
    notice_code,
    password_hash,
    tiny_png,
    voucher_content_hash,
)
from tests.store.schema_fixtures.peers import write_peer_signatures
from tests.store.schema_fixtures.signing import (
    SECRETS,
    disclosure_content,
    evaluation_content,
    event_decision,
    month_content,
    review_decision,
    step_content,
    voucher_content,
)
from tests.store.schema_fixtures.writer import Writer, record, uid

# Every user of the fixtures has this password; tests log in as ADMIN.
PASSWORD = "Quzhou-2026"
ADMIN, CLERK, CHAIR = "admin", "wenshu", "jianwei_zr"
TOWNSHIP = "石梁镇"
VILLAGES = ("余东村", "后溪村")

RULES_JSON = json.dumps(
    {
        "disclosure_deadline_day": 20, "finance_monthly_if_busy": True, "include_plan_posting": True,
        "include_suggest": True, "include_supervisory_review": False, "merge_propose_consult": False,
        "notice_days_representatives": 3, "notice_days_villagers": 10, "party_two_thirds_attendance": True,
        "plan_posting_days": 15, "rep_pass_base_all_members": False, "rep_ratio_mode": "households",
        "reply_days": 10, "result_posting_days": 3, "review_chair_threshold_fen": 200000,
        "review_min_concurring": 0, "review_mode": "chair_above", "spending_t1_fen": 500000,
        "spending_t2_fen": 5000000, "upper_small_style": "short",
    },
    sort_keys=True,
)  # fmt: skip

# name, gender, birth date, phone, group, household head, village index, id-number serial
PEOPLE = [
    ("王建国", "男", date(1966, 3, 7), "13857001001", "第一村民小组", True, 0, 101),
    ("李秀英", "女", date(1972, 8, 19), "13857001002", "第二村民小组", False, 0, 102),
    ("张海军", "男", date(1963, 11, 2), "13857001003", "第一村民小组", True, 0, 103),
    ("刘丽华", "女", date(1978, 5, 24), "13857001004", "第三村民小组", False, 0, 104),
    ("陈志强", "男", date(1969, 1, 30), "13857001005", "第二村民小组", True, 0, 105),
    ("黄德明", "男", date(1975, 6, 6), None, "第一村民小组", True, 0, 107),
    ("吴美玲", "女", date(1970, 2, 14), "13857002001", "第一村民小组", False, 1, 201),
]
# person, body, role, party status
SEATS = [
    ("王建国", "party_branch", "secretary", None),
    ("李秀英", "party_branch", "member", None),
    ("李秀英", "village_committee", "director", None),
    ("张海军", "supervisory", "chair", None),
    ("刘丽华", "supervisory", "member", None),
    ("陈志强", "supervisory", "member", None),
    ("黄德明", "rep_meeting", "rep", None),
    ("吴美玲", "party_branch", "secretary", None),
]


def build(con: sqlite3.Connection, revision: str) -> None:
    """Write the township into a database at ``revision`` (the schema the migrations left)."""
    signed = revision >= "0004"
    w = Writer(con, SECRETS if signed else None)
    t = datetime(2026, 10, 8, 1, 0, 0)

    def at(days: float, hours: float = 0) -> datetime:
        return t + timedelta(days=days, hours=hours)

    admin = (uid("user:admin"), ADMIN)
    setup = admin if signed else (None, ADMIN)
    clerk = (uid("user:wenshu"), CLERK)
    chair = (uid("user:jianwei_zr"), CHAIR)
    v1, v2 = uid("village:0"), uid("village:1")

    # setup: township, administrator, villages (one transaction, one time)
    now = at(0)
    w.insert(setup, "setup.initialise", now, "township",
             record("township", now, name=TOWNSHIP, code="330802100", rules_json=RULES_JSON))  # fmt: skip
    admin_row = record(
        "user:admin", now, username=ADMIN, display_name="徐丽华", role="township_admin", person_id=None,
        password_hash=password_hash(PASSWORD, b"fixture-salt-adm"), failed_logins=0, locked_until=None,
        last_login_at=None, password_changed_at=None, must_change_password=False, active=True,
    )  # fmt: skip
    sig = Signing(w, w.rows[("township", uid("township"))]) if signed else None
    villages = []
    for i, (name, code, households, adults, busy) in enumerate(
        [(VILLAGES[0], "330802100201", 412, 1130, True), (VILLAGES[1], "330802100202", 268, 745, False)]
    ):
        villages.append(record(
            f"village:{i}", now, township_id=uid("township"), name=name, code=code, households=households,
            adults=adults, finance_busy=busy, active=True,
        ))  # fmt: skip
    if sig is None:
        w.insert(setup, "setup.initialise", now, "user_account", admin_row)
        for v in villages:
            w.insert(setup, "setup.initialise", now, "village", v)
    else:  # the administrator is the root of trust: its key signs the setup
        for v in villages:
            w.insert(setup, "setup.initialise", now, "village", v)
        sig.new_key(setup, "setup.initialise", now, admin_row, PASSWORD, root=True)
        w.insert(setup, "setup.initialise", now, "user_account", admin_row)
        key = sig.store_key(setup, "setup.initialise", now, admin_row)
        content = sig.root_content(admin_row, key, w.rows[("township", uid("township"))], villages)
        act = sig.sign(setup, "setup.initialise", now, admin_row, act="trust.root", kind="user_account",
                       rid=admin_row["id"], version=1, content=content,
                       office=sig.office("township_admin", "乡镇管理员"))  # fmt: skip
        sig.certify(setup, "setup.initialise", now, key, act, None)

    # roster: people, their seats, one family link
    now = at(1)
    pid = {p[0]: uid(f"person:{p[0]}") for p in PEOPLE}
    for name, gender, born, phone, group, head, vi, serial in PEOPLE:
        number = id_number(f"330802{born:%Y%m%d}{serial:03d}")
        w.insert(admin, "person.add", now, "person", record(
            f"person:{name}", now, village_id=(v1, v2)[vi], name=name, gender=gender, id_number=number,
            phone=phone, group_name=group, household_head=head, note=None, active=True,
        ))  # fmt: skip
    village_of = {p[0]: (v1, v2)[p[6]] for p in PEOPLE}
    for name, body, role, party in SEATS:
        w.insert(admin, "roster.seat", now, "membership", record(
            f"seat:{name}:{body}", now, village_id=village_of[name], person_id=pid[name], body=body, role=role,
            party_status=party, group_name=None, start_date=date(2025, 3, 1), end_date=None, end_reason=None,
        ))  # fmt: skip
    w.insert(admin, "roster.kin", now, "kin_link", record(
        "kin:陈志强:黄德明", now, person_a_id=pid["陈志强"], person_b_id=pid["黄德明"], relation="兄弟姐妹", active=True
    ))  # fmt: skip

    # users for the first village
    now = at(1, 2)
    for uname, display, role, person in [
        ("wenshu", "黄德明", "clerk", None),
        ("jianwei_zr", "张海军", "supervisor_chair", pid["张海军"]),
    ]:
        acc = record(
            f"user:{uname}", now, username=uname, display_name=display, role=role, person_id=person,
            password_hash=password_hash(PASSWORD, f"fixture-salt-{uname[:3]}".encode()), failed_logins=0,
            locked_until=None, last_login_at=None, password_changed_at=now, must_change_password=False,
            active=True,
        )  # fmt: skip
        if sig is not None:
            sig.new_key(admin, "user.create", now, acc, PASSWORD)
        w.insert(admin, "user.create", now, "user_account", acc)
        user_key = sig.store_key(admin, "user.create", now, acc) if sig is not None else None
        w.insert(admin, "user.create", now, "user_village", record(
            f"user_village:{uname}", now, user_id=uid(f"user:{uname}"), village_id=v1, active=True
        ))  # fmt: skip
        if sig is not None and user_key is not None:
            sig.create_account(admin, now, admin_row, acc, [v1], user_key)

    # the disclosure catalogue (township-wide items)
    now = at(1, 3)
    items = [
        ("item:finance", "finance", "财务收支情况（财务计划、收入、支出、资产、资源、债权债务、收益分配、其他）",
         "quarterly", "每季度（S27）"),
        ("item:party", "party", "党员党费缴纳情况", "quarterly", "每季度（S27）"),
    ]  # fmt: skip
    for item_key, category, name, cadence, basis in items:
        w.insert(admin, "disclosure.catalogue_defaults", now, "disclosure_item", record(
            item_key, now, village_id=None, category=category, name=name, cadence=cadence, basis=basis, active=True
        ))  # fmt: skip

    _matter(w, clerk, at, v1, pid, sig)
    _vouchers(w, clerk, chair, at, v1, pid, revision, sig)
    _disclosures(w, clerk, chair, at, v1, pid, sig)
    if revision >= "0005":
        _contracts(w, clerk, at, v1, pid)
        _evaluation(w, clerk, at, v1, pid, sig)
    if revision >= "0006":
        write_exchange(w, admin, at, v1, VILLAGES[0])
    if revision >= "0007":
        write_peer_signatures(w, admin, at, v1, VILLAGES[0])


def _finalize(
    w: Writer, sig: Signing | None, clerk: tuple[str | None, str], now: datetime, step: str
) -> None:
    """定稿 as the clerk's signed act (from 0004)."""
    if sig is None:
        return
    row = w.rows[("matter_step", uid(step))]
    m = w.rows[("matter", row["matter_id"])]
    attendance = [a for (t, _), a in w.rows.items() if t == "step_attendance" and a["step_id"] == row["id"]]
    signer = w.rows[("user_account", uid("user:wenshu"))]
    sig.sign(clerk, "matter.finalize_step", now, signer, act="matter.finalize", kind="matter_step", rid=row["id"],
             version=row["row_version"], content=step_content(m, row, attendance), decision={"scans": []},
             office=sig.office("clerk", "报账员/文书", (m["village_id"], VILLAGES[0])))  # fmt: skip


def _matter(
    w: Writer, clerk: tuple[str | None, str], at: Any, v1: str, pid: dict[str, str], sig: Signing | None
) -> None:
    """A 五议两公开 matter in progress: suggested, proposed by the party branch (one amendment)."""
    mid = uid("matter:路灯")
    now = at(2)
    w.insert(clerk, "matter.create", now, "matter", record(
        "matter:路灯", now, village_id=v1, title="余东村村道路灯改造", category="public_welfare",
        amount_fen=12_600_000, source="村干部提议", suggested_by=None,
        description="更换主干道路灯42盏，资金来源：村集体收入。", year=2026, status="in_progress",
        current_step=None, next_due_date=date(2026, 10, 20), next_deadline=None, run_no=1, previous_run_id=None,
        created_by=clerk[0],
    ))  # fmt: skip
    blank = dict.fromkeys(
        ["body", "place", "notice_date", "chair_person_id", "recorder_person_id", "roster_count", "entitled_count",
         "present_count", "households_count", "household_reps_present", "votes_for", "votes_against",
         "votes_abstain", "vote_method", "township_attendees", "plan_text", "minutes", "decision_text",
         "posting_from", "posting_to", "posting_place", "valid", "passed", "outcome_text", "finalized_at",
         "finalized_by"]
    )  # fmt: skip
    now = at(2, 1)
    w.insert(clerk, "matter.finalize_step", now, "matter_step", record(
        "step:suggest", now, **{**blank, "matter_id": mid, "seq": 1, "step_type": "suggest",
        "meeting_date": date(2026, 10, 10), "urgent": False, "plan_text": "建议：余东村村道路灯改造。",
        "state": "final", "finalized_at": now, "finalized_by": clerk[0]},
    ))  # fmt: skip
    _finalize(w, sig, clerk, now, "step:suggest")

    now = at(5)
    minutes = "会议讨论了“余东村村道路灯改造”，与会党员逐一发表意见。"
    w.insert(clerk, "matter.finalize_step", now, "matter_step", record(
        "step:propose", now, **{**blank, "matter_id": mid, "seq": 2, "step_type": "propose", "body": "branch",
        "meeting_date": date(2026, 10, 13), "place": "村委会二楼会议室", "urgent": False,
        "chair_person_id": pid["王建国"], "recorder_person_id": pid["李秀英"], "roster_count": 2,
        "entitled_count": 2, "present_count": 2, "votes_for": 2, "votes_against": 0, "votes_abstain": 0,
        "vote_method": "举手", "plan_text": "余东村村道路灯改造：更换主干道路灯42盏，资金来源：村集体收入。",
        "minutes": minutes, "decision_text": "同意余东村村道路灯改造方案。", "valid": True, "passed": True,
        "outcome_text": "应到2人，实到2人，会议有效\n赞成2人，通过", "state": "final", "finalized_at": now,
        "finalized_by": clerk[0]},
    ))  # fmt: skip
    for name in ("王建国", "李秀英"):
        w.insert(clerk, "matter.finalize_step", now, "step_attendance", record(
            f"attendance:{name}", now, step_id=uid("step:propose"), person_id=pid[name], status="present",
            reason=None, party_status="full",
        ))  # fmt: skip
    w.update(clerk, "matter.finalize_step", now, "matter", mid, current_step="propose",
             next_due_date=date(2026, 10, 28), next_deadline=date(2027, 1, 11))  # fmt: skip
    _finalize(w, sig, clerk, now, "step:propose")
    now = at(6)
    amended = minutes + "\n补记：村监会主任列席会议，无异议。"
    if (
        sig is None
    ):  # until 0004 the amendment was written over the step as well; since, the signed step stays
        w.update(clerk, "matter.amend_step", now, "matter_step", uid("step:propose"), minutes=amended)
    w.insert(clerk, "matter.amend_step", now, "step_amendment", record(
        "amendment:propose", now, step_id=uid("step:propose"), reason="原始记录漏录村监会主任的列席意见，据手写记录补正",
        changes_json=json.dumps({"minutes": {"new": amended, "old": minutes}}, ensure_ascii=False, sort_keys=True),
        amended_by=clerk[0],
    ))  # fmt: skip


def _event(
    w: Writer,
    who: tuple[str | None, str],
    action: str,
    now: datetime,
    v: dict[str, Any],
    scans: list[str],
    revision: str,
    name: str,
    sig: Signing | None = None,
    **fields: Any,
) -> None:
    previous = [
        e for (table, _), e in w.rows.items() if table == "voucher_event" and e["voucher_id"] == v["id"]
    ]
    e = record(f"event:{name}", now, voucher_id=v["id"], **fields, at=now, signature=None)
    if revision >= "0003":
        e["village_id"] = v["village_id"]
    if sig is None:
        e["signature"] = event_signature(
            voucher_content_hash(v, scans), e, previous[-1]["signature"] if previous else None
        )
    elif e["kind"] == "review":  # a signed act, which the event names
        signer = w.rows[("user_account", str(e["user_id"]))]
        e["signature"] = sig.sign(who, action, now, signer, act="voucher.review", kind="voucher", rid=v["id"],
                                  version=v["version"], content=voucher_content(v, scans),
                                  decision=event_decision(e), subject_id=e["id"],
                                  office=sig.office("supervisor_chair", str(e["actor_role"]),
                                                    (v["village_id"], VILLAGES[0])))  # fmt: skip
    w.insert(who, action, now, "voucher_event", e)


def _vouchers(
    w: Writer,
    clerk: tuple[str | None, str],
    chair: tuple[str | None, str],
    at: Any,
    v1: str,
    pid: dict[str, str],
    revision: str,
    sig: Signing | None,
) -> None:
    """A voucher reviewed before signing (先审后签, with a scan), an import of two more and three ledger lines,
    and the month's supervisory review, signed."""
    now = at(10)
    v = record("voucher:001", now, village_id=v1, year=2026, number="001", version=1, supersedes_id=None,
               voucher_date=date(2026, 10, 16), handler_name="黄德明", handler_person_id=pid["黄德明"],
               witness_name=None, payee="柯城区文具店", payee_person_id=None, purpose="村委会办公用品",
               amount_fen=48_700, funding_source="村集体经营收入", budget_line="办公经费", invoice_count=2,
               decision_ref=None, decision_step_id=None, resolution_ref=None, resolution_step_id=None,
               submitted_at=now, note=None, status="submitted", prepared_by=clerk[0], import_key=None)  # fmt: skip
    w.insert(clerk, "voucher.submit", now, "voucher", v)
    png = tiny_png()
    sha = hashlib.sha256(png).hexdigest()
    w.con.execute("INSERT INTO attachment_blob (sha256, size, data) VALUES (?, ?, ?)", (sha, len(png), png))
    w.insert(clerk, "voucher.submit", now, "attachment", record(
        "attachment:001", now, owner_kind="voucher", owner_id=v["id"], sha256=sha, filename="发票扫描.png",
        mime="image/png", size=len(png), caption="增值税普通发票", active=True,
    ))  # fmt: skip
    _event(w, clerk, "voucher.submit", now, v, [sha], revision, "submit", sig, kind="submit", opinion=None,
           text=None, user_id=clerk[0], person_id=None, actor_name="黄德明", actor_role="报账员/文书")  # fmt: skip
    now = at(12)
    v = w.update(chair, "voucher.review.agree", now, "voucher", v["id"], status="reviewed")
    _event(w, chair, "voucher.review.agree", now, v, [sha], revision, "review", sig, kind="review", opinion="agree",
           text="票据真实，用途清楚", user_id=chair[0], person_id=pid["张海军"], actor_name="张海军",
           actor_role="村监会主任")  # fmt: skip

    # an import from the bookkeeping software: two draft vouchers and three ledger lines
    now = at(14)
    imported = [
        {"id": uid("voucher:002"), "village_id": v1, "year": 2026, "number": "002", "voucher_date": date(2026, 10, 20),
         "handler_name": "黄德明", "handler_person_id": pid["黄德明"], "payee": "第三村民小组", "payee_person_id": None,
         "purpose": "水渠清淤人工费", "amount_fen": 206_700, "funding_source": "村集体经营收入", "invoice_count": 1,
         "note": None},
        {"id": uid("voucher:003"), "village_id": v1, "year": 2026, "number": "003", "voucher_date": date(2026, 10, 27),
         "handler_name": "黄德明", "handler_person_id": pid["黄德明"], "payee": "村保洁员", "payee_person_id": None,
         "purpose": "保洁员工资", "amount_fen": 171_300, "funding_source": "上级补助", "invoice_count": 1,
         "note": "十月份"},
    ]  # fmt: skip
    for r in imported:  # until 0002 an import stored a key of village, year and 凭证号
        key = hashlib.sha256(f"{v1}|2026|{r['number']}".encode()).hexdigest() if revision == "0001" else None
        r["import_key"] = key
    constants = {
        "created_at": now, "row_version": 1, "version": 1, "supersedes_id": None, "witness_name": None,
        "budget_line": None, "decision_ref": None, "decision_step_id": None, "resolution_ref": None,
        "resolution_step_id": None, "submitted_at": None, "status": "draft", "prepared_by": clerk[0],
    }  # fmt: skip
    reason = "从“十月凭证.xlsx”导入（第2–3行）"
    w.insert_batch(clerk, "import.vouchers", now, "voucher", imported, constants, [2, 3], reason)
    lines = [
        (date(2026, 10, 9), "J1009", "上级转移支付", "经营收入", 2_505_200, 0, None),
        (date(2026, 10, 16), "Z1016", "村委会办公用品", "管理费用", 0, 48_700, "柯城区文具店"),
        (date(2026, 10, 26), "J1026", "农家乐管理费", "经营收入", 124_900, 0, None),
    ]
    ledger = [
        {"id": uid(f"ledger:{number}"), "village_id": v1, "entry_date": day, "voucher_no": number, "summary": summary,
         "subject": subject, "income_fen": income, "expense_fen": expense, "counterparty": party,
         "import_key": hashlib.sha256(f"{v1}|{day}|{number}".encode()).hexdigest()}
        for day, number, summary, subject, income, expense, party in lines
    ]  # fmt: skip
    w.insert_batch(clerk, "import.ledger", now, "ledger_line", ledger, {"created_at": now, "row_version": 1},
                   [3, 4, 5], "从“十月明细账.xlsx”导入（第3–5行）")  # fmt: skip

    # the supervisory committee's monthly review of October, signed by the chair
    now = at(30)
    attendees = [pid["张海军"], pid["刘丽华"], pid["陈志强"]]
    review = record("review:2026-10", now, village_id=v1, year=2026, month=10, meeting_date=date(2026, 11, 6),
                    place="村委会会议室", attendee_ids_json=json.dumps(attendees), voucher_count=0, total_fen=0,
                    item_opinions_json="{}", overall_opinion="经逐笔审核，本月支出票据真实、手续齐全、用途清楚。",
                    open_items="002号、003号凭证尚未提交审核", state="draft", signed_at=None, signed_by=None,
                    signature=None, locked=False, locked_at=None, lock_reason=None)  # fmt: skip
    w.insert(chair, "month.review.save", now, "monthly_review", review)
    now = at(30, 1)
    month = [w.rows[("voucher", uid(f"voucher:{n}"))] for n in ("001", "002", "003")]
    counted = [m for m in month if m["status"] != "draft"]
    signed = {**review, "voucher_count": len(counted), "total_fen": sum(m["amount_fen"] for m in counted),
              "state": "signed", "signed_at": now, "signed_by": chair[0]}  # fmt: skip
    if sig is None:
        signature = monthly_review_signature(signed, month)
    else:
        signature = sig.next_id()
    r = w.update(chair, "month.review.sign", now, "monthly_review", review["id"],
                 voucher_count=signed["voucher_count"], total_fen=signed["total_fen"], state="signed", signed_at=now,
                 signed_by=chair[0], signature=signature)  # fmt: skip
    if sig is not None:
        sig.sign(chair, "month.review.sign", now, w.rows[("user_account", str(chair[0]))], act="month.sign",
                 kind="monthly_review", rid=str(r["id"]), version=int(str(r["row_version"])), content=month_content(r),
                 decision={"vouchers": [[m["id"], m["number"], m["version"], m["amount_fen"], m["status"]]
                                        for m in month]},
                 office=sig.office("supervisor_chair", "村监会主任", (v1, VILLAGES[0])))  # fmt: skip

    # the voucher's notice printed
    now = at(31)
    content = hashlib.sha256(f"voucher|{v['id']}|{v['amount_fen']}".encode()).hexdigest()
    w.insert(clerk, "notice.print", now, "notice_print", record(
        "print:001", now, code=notice_code("voucher", v["id"], content, w.head), kind="voucher", record_id=v["id"],
        content_hash=content, audit_seq=w.seq, audit_hash=w.head, printed_at=now, printed_by=clerk[0],
    ))  # fmt: skip


def _disclosures(
    w: Writer,
    clerk: tuple[str | None, str],
    chair: tuple[str | None, str],
    at: Any,
    v1: str,
    pid: dict[str, str],
    sig: Signing | None,
) -> None:
    """October's finance disclosure (reviewed by the chair, posted, one question answered) and a party one."""
    lines = [
        {"counterparty": "", "date": "2026-10-09", "expense_fen": 0, "income_fen": 2_505_200, "ref": "J1009",
         "review": "", "source": "账簿", "subject": "经营收入", "summary": "上级转移支付"},
        {"counterparty": "柯城区文具店", "date": "2026-10-16", "expense_fen": 48_700, "income_fen": 0, "ref": "Z1016",
         "review": "同意", "source": "账簿", "subject": "管理费用", "summary": "村委会办公用品"},
        {"counterparty": "", "date": "2026-10-26", "expense_fen": 0, "income_fen": 124_900, "ref": "J1026",
         "review": "", "source": "账簿", "subject": "经营收入", "summary": "农家乐管理费"},
    ]  # fmt: skip
    table = {
        "end": "2026-10-31",
        "expense_fen": 48_700,
        "income_fen": 2_630_100,
        "lines": lines,
        "start": "2026-10-01",
    }
    now = at(33)
    d = record("disclosure:finance-2026-10", now, village_id=v1, category="finance", item_id=uid("item:finance"),
               kind="finance_period", period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
               due_on=date(2026, 11, 20), title="余东村2026年10月财务收支公开",
               body="本期收支明细见下表，如有疑问请向村务监督委员会反映。",
               table_json=json.dumps(table, ensure_ascii=False, sort_keys=True), total_income_fen=2_630_100,
               total_expense_fen=48_700, channels=None, posted_from=None, posted_to=None, status="draft",
               reviewed_by_person_id=None, reviewed_by_user=None, reviewed_at=None, review_opinion=None,
               review_signature=None, matter_id=None, step_id=None, supersedes_id=None, created_by=clerk[0])  # fmt: skip
    w.insert(clerk, "disclosure.create", now, "disclosure", d)
    now = at(34)
    reviewed = {
        **d,
        "reviewed_by_user": chair[0],
        "reviewed_at": now,
        "review_opinion": "经审核，以上收支真实、完整，同意公开。",
    }
    signature = disclosure_review_signature(reviewed) if sig is None else sig.next_id()
    d = w.update(chair, "disclosure.review", now, "disclosure", d["id"], status="reviewed",
                 reviewed_by_person_id=pid["张海军"], reviewed_by_user=chair[0], reviewed_at=now,
                 review_opinion=reviewed["review_opinion"], review_signature=signature)  # fmt: skip
    if sig is not None:
        sig.sign(chair, "disclosure.review", now, w.rows[("user_account", str(chair[0]))], act="disclosure.review",
                 kind="disclosure", rid=d["id"], version=d["row_version"], content=disclosure_content(d),
                 decision=review_decision(d), office=sig.office("supervisor_chair", "村务监督委员会成员",
                                                                (v1, VILLAGES[0])))  # fmt: skip
    now = at(38)
    w.insert(clerk, "disclosure.feedback", now, "disclosure_feedback", record(
        "feedback:1", now, disclosure_id=d["id"], received_on=date(2026, 11, 14), from_name="王秀英", channel="意见箱",
        kind="question", content="农家乐管理费是按什么标准收的？", reply="按2025年村民代表会议决议，每户每年1000元。",
        replied_on=date(2026, 11, 16), replied_by=clerk[0],
    ))  # fmt: skip


def _contracts(w: Writer, clerk: tuple[str | None, str], at: Any, v1: str, pid: dict[str, str]) -> None:
    """The asset register (a shop let out, a forest unused) and the shop's lease: its tenant from the roster,
    two yearly rents (the first received, tied to the ledger line of 10-26) and a deposit."""
    now = at(40)
    for key, code, name, kind, location, area, unit, value, status in [
        ("asset:shop", "ZC-001", "村委会一楼店面", "building", "余东村村委会大楼一楼", 8550, "平方米", 32_000_000,
         "leased"),
        ("asset:forest", "ZC-002", "后山集体林地", "forest", "后山坞", 12_000, "亩", None, "idle"),
    ]:  # fmt: skip
        w.insert(clerk, "asset.create", now, "asset", record(
            key, now, village_id=v1, code=code, name=name, kind=kind, location=location, area_centi=area,
            area_unit=unit, value_fen=value, acquired_on=None, status=status, note=None, active=True,
        ))  # fmt: skip
    now = at(41)
    cid = uid("contract:shop")
    w.insert(clerk, "contract.create", now, "contract", record(
        "contract:shop", now, village_id=v1, number="YD-ZL-2026-01", title="村委会一楼店面租赁合同", kind="lease",
        asset_id=uid("asset:shop"), subject="村委会大楼一楼店面85.5平方米", amount_fen=249_800,
        signed_on=date(2026, 10, 20), start_date=date(2026, 10, 26), end_date=date(2028, 10, 25),
        decision_step_id=None, decision_ref="2026年9月28日村民代表会议决议（纸质记录）", status="active",
        terminated_on=None, termination_reason=None, disclosure_id=None, note=None, created_by=clerk[0],
    ))  # fmt: skip
    w.insert(clerk, "contract.create", now, "contract_party", record(
        "party:shop", now, contract_id=cid, seq=1, kind="villager", person_id=pid["刘丽华"], name="刘丽华",
        id_code=None, phone="13857001004", address=None, active=True,
    ))  # fmt: skip
    for n, due in enumerate((date(2026, 10, 26), date(2027, 10, 26)), 1):
        w.insert(clerk, "contract.create", now, "contract_schedule_line", record(
            f"line:shop:{n}", now, contract_id=cid, seq=n, due_on=due, amount_fen=124_900, direction="receivable",
            note=f"第{n}年租金", active=True,
        ))  # fmt: skip
    w.insert(clerk, "contract.create", now, "contract_deposit", record(
        "deposit:shop", now, contract_id=cid, kind="押金", direction="receivable", amount_fen=20_000,
        received_on=date(2026, 10, 26), returned_on=None, note=None, active=True,
    ))  # fmt: skip
    now = at(42)
    w.insert(clerk, "contract.payment", now, "contract_payment", record(
        "payment:shop:1", now, line_id=uid("line:shop:1"), voucher_id=None, ledger_line_id=uid("ledger:J1026"),
        receipt_no=None, paid_on=date(2026, 10, 26), amount_fen=124_900, note=None, active=True,
    ))  # fmt: skip


def _evaluation(
    w: Writer, clerk: tuple[str | None, str], at: Any, v1: str, pid: dict[str, str], sig: Signing | None
) -> None:
    """The year's 民主评议 by the 村民代表会议, chaired by the 村监会主任: the 村委会主任 and a 村监会委员; its 定稿
    is the clerk's signed act, as the app has made it since 民主评议 came (0005, after the keys of 0004)."""
    now = at(50)
    eid = uid("evaluation:2026")
    w.insert(clerk, "evaluation.save", now, "evaluation", record(
        "evaluation:2026", now, village_id=v1, year=2026, held_on=date(2026, 11, 20), body="representatives",
        chair_person_id=pid["张海军"], place="村委会二楼会议室", participants=38, note=None, state="draft",
        finalized_at=None, finalized_by=None, disclosure_id=None,
    ))  # fmt: skip
    for n, (name, office, role, votes, verdict) in enumerate([
        ("李秀英", "village_committee", "村委会主任", (30, 6, 2), "competent"),
        ("刘丽华", "supervisory", "村监会委员", (17, 12, 9), "basically_competent"),
    ], 1):  # fmt: skip
        w.insert(clerk, "evaluation.save", now, "evaluation_entry", record(
            f"evaluation_entry:{name}", now, evaluation_id=eid, seq=n, person_id=pid[name], office=office,
            role_text=role, satisfied=votes[0], basically_satisfied=votes[1], dissatisfied=votes[2],
            verdict=verdict, office_ended=False, ended_membership_id=None, consequence=None, active=True,
        ))  # fmt: skip
    now = at(50, 1)
    ev = w.update(clerk, "evaluation.finalize", now, "evaluation", eid, state="final", finalized_at=now,
                  finalized_by=clerk[0])  # fmt: skip
    if sig is not None:
        entries = [r for (t, _), r in w.rows.items() if t == "evaluation_entry" and r["evaluation_id"] == eid]
        sig.sign(clerk, "evaluation.finalize", now, w.rows[("user_account", uid("user:wenshu"))],
                 act="evaluation.finalize", kind="evaluation", rid=eid, version=int(str(ev["row_version"])),
                 content=evaluation_content(ev, entries), office=sig.office("clerk", "报账员/文书", (v1, VILLAGES[0])))  # fmt: skip
