"""``verify``'s check of what predates signing, and of what should have been signed.

A record names its signed act (a voucher event's, a disclosure review's or a monthly review's ``signature``
column holds the act's id); the act must exist and be about that record. Records signed before signing keys
hold an old hash instead, and 定稿, postings and locks made then have no act at all: they are counted and
reported as signed the old way.

The root's statement names the audit entry that was last when it was signed (``era``): everything up to there
predates signing, and every later signature anchors the log up to its own moment. So after the era, the audit
log must show no record *becoming* signed without an act, no old-style hash written, no redaction, and no
change to something signed (a submitted voucher, a final meeting record, a posted disclosure, a signed
review) — each of these is a finding naming the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from quzhou_desktop.services.integrity.describe import record_name
from quzhou_desktop.services.integrity.trust import Root
from quzhou_desktop.services.vouchers.statements import CONTENT_FIELDS, SIGN_BOTH, VOUCHER_ACTS
from quzhou_desktop.store.audit.verify import REDACTION_ENTITY, Problem
from quzhou_desktop.store.dialects.sql import dialect_of, distinct_from, json_differs, json_equals, json_text

SIGNED_KINDS = tuple(VOUCHER_ACTS)
_KINDS = ", ".join(f"'{k}'" for k in SIGNED_KINDS)
LEGACY = "length({col}) = 64"
# The acts this site signed and those it received from its peers (``peer_act``): a village's record at the
# township names the village's act, a 受理/退回 at the village the township's.
ACTS = (
    "(SELECT id, act, record_kind, record_id, subject_id FROM signed_act UNION ALL "
    "SELECT id, act, record_kind, record_id, subject_id FROM peer_act)"
)
ACT_ID = "({col} IS NOT NULL AND length({col}) != 64)"


@dataclass
class EraReport:
    problems: list[Problem] = field(default_factory=list)
    legacy: dict[str, int] = field(default_factory=dict)  # Chinese label → records signed the old way


def _ids(s: Session, sql: str, **params: Any) -> list[str]:
    return [str(r[0]) for r in s.execute(text(sql), params)]


def check_era(s: Session, root: Root | None) -> EraReport:
    report = EraReport()
    _links(s, report)
    _legacy_counts(s, report)
    if root is not None:
        _after_era(s, root.log_seq, report)
    return report


def _add(s: Session, report: EraReport, kind: str, record: tuple[str, str], what: str) -> None:
    report.problems.append(Problem(kind, f"{record_name(s, *record)}：{what}", record[0], record[1]))


def _links(s: Session, report: EraReport) -> None:
    """Each record that names an act: the act exists and is about it."""
    d = dialect_of(s)
    col = "e.signature"
    for eid, vid in s.execute(
        text(
            f"SELECT e.id, e.voucher_id FROM voucher_event e LEFT JOIN {ACTS} a ON a.id = e.signature "
            f"WHERE {ACT_ID.format(col=col)} AND (a.id IS NULL OR ({distinct_from(d, 'a.subject_id', 'e.id')} "
            # 一肩挑: the second event of one act over both offices (its decision lists both; records.py)
            f"AND NOT (a.act = '{SIGN_BOTH}' AND a.record_id = e.voucher_id)))"
        )
    ):
        _add(
            s,
            report,
            "unsigned",
            ("voucher", vid),
            f"审核或签字记录 {str(eid)[:8]} 的签名记录缺失：签名被删除",
        )
    for table, act in (("disclosure", "disclosure.review"), ("monthly_review", "month.sign")):
        column = "review_signature" if table == "disclosure" else "signature"
        col = f"r.{column}"
        for (rid,) in s.execute(
            text(
                f"SELECT r.id FROM {table} r LEFT JOIN {ACTS} a ON a.id = {col} "
                f"WHERE {ACT_ID.format(col=col)} AND (a.id IS NULL OR {distinct_from(d, 'a.record_id', 'r.id')} OR a.act != :act)"
            ),
            {"act": act},
        ):
            _add(s, report, "unsigned", (table, str(rid)), "审核签名记录缺失：签名被删除")


def _legacy_counts(s: Session, report: EraReport) -> None:
    counts = {
        "凭证审核、签字": f"SELECT count(*) FROM voucher_event WHERE kind IN ({_KINDS}) AND "
        + LEGACY.format(col="signature"),
        "公开审核": "SELECT count(*) FROM disclosure WHERE " + LEGACY.format(col="review_signature"),
        "月度审核": "SELECT count(*) FROM monthly_review WHERE " + LEGACY.format(col="signature"),
        "会议记录定稿": "SELECT count(*) FROM matter_step m WHERE state = 'final' AND NOT EXISTS (SELECT 1 FROM "
        f"{ACTS} a WHERE a.record_kind = 'matter_step' AND a.record_id = m.id)",
        "公开张贴": "SELECT count(*) FROM disclosure d WHERE status IN ('posted', 'superseded') AND NOT EXISTS "
        f"(SELECT 1 FROM {ACTS} a WHERE a.record_kind = 'disclosure' AND a.record_id = d.id "
        "AND a.act = 'disclosure.post')",
    }
    for label, sql in counts.items():
        n = int(s.execute(text(sql)).scalar() or 0)
        if n:
            report.legacy[label] = n


def _tail(s: Session, era: int, entity: str, where: str) -> list[tuple[int, str, Any, Any]]:
    rows = s.execute(
        text(
            "SELECT seq, entity_id, before_json, after_json FROM audit_log a "
            f"WHERE a.seq > :era AND a.entity = :entity AND ({where}) ORDER BY a.seq"
        ),
        {"era": era, "entity": entity},
    )
    return [(int(r[0]), str(r[1]), _load(r[2]), _load(r[3])) for r in rows]


def _load(value: str | None) -> Any:
    return json.loads(value) if value else None


def _after(d: str, f: str) -> str:
    """Field ``f`` of the entry's state after (SQL text)."""
    return json_text(d, "a.after_json", f)


def _before(d: str, f: str) -> str:
    return json_text(d, "a.before_json", f)


def _became(d: str, field_: str, value: str | bool) -> str:
    """The entry sets ``field_`` to ``value`` (it had another value, or the record is new)."""
    return (
        f"{json_equals(d, 'a.after_json', field_, value)} AND "
        f"(a.before_json IS NULL OR {json_differs(d, 'a.before_json', field_, value)})"
    )


def _no_act(act: str) -> str:
    return f"NOT EXISTS (SELECT 1 FROM {ACTS} x WHERE x.record_id = a.entity_id AND x.act = '{act}')"


def _differs(before: Any, after: Any, fields: tuple[str, ...] | None, ignore: tuple[str, ...]) -> bool:
    keys = fields or tuple((set(before) | set(after)) - set(ignore) - {"row_version"})
    return any(before.get(k) != after.get(k) for k in keys)


def _after_era(s: Session, era: int, report: EraReport) -> None:
    d = dialect_of(s)
    for (seq,) in s.execute(
        text("SELECT seq FROM audit_log WHERE entity = :e AND seq > :era"),
        {"e": REDACTION_ENTITY, "era": era},
    ):
        report.problems.append(
            Problem(
                "log",
                f"审计日志第{seq}条是信任根建立之后写入的删密记录：只有数据库升级才会写，日志被篡改",
                "audit_log",
                str(seq),
                int(seq),
            )
        )
    # vouchers: signed events written without an act, events changed, signed content changed
    for _seq, eid, _b, after in _tail(s, era, "voucher_event", f"a.before_json IS NULL AND {_after(d, 'kind')} "
                                      f"IN ({_KINDS}) AND ({_after(d, 'signature')} IS NULL OR "
                                      f"length({_after(d, 'signature')}) = 64)"):  # fmt: skip
        _add(s, report, "unsigned", ("voucher", str(after.get("voucher_id"))),
             f"审核或签字记录 {eid[:8]} 是信任根建立之后写入的，却没有电子签名")  # fmt: skip
    for _seq, _eid, before, _a in _tail(s, era, "voucher_event", "a.before_json IS NOT NULL"):
        _add(s, report, "content", ("voucher", str(before.get("voucher_id"))), "凭证的审核或签字记录被改动")
    unsigned_voucher = (
        f"NOT EXISTS (SELECT 1 FROM {ACTS} x WHERE x.record_kind = 'voucher' AND x.record_id = a.entity_id)"
    )
    for _seq, vid, before, after in _tail(
        s,
        era,
        "voucher",
        f"a.before_json IS NOT NULL AND {_before(d, 'status')} != 'draft' AND {unsigned_voucher}",
    ):
        if _differs(before, after, CONTENT_FIELDS, ()):
            _add(s, report, "content", ("voucher", vid), "提交审核后凭证内容被改动（与签字时的不符）")
    # meeting records: 定稿 without an act; a final record changed
    for _seq, sid, _b, _a in _tail(s, era, "matter_step", f"{_became(d, 'state', 'final')} "
                                   f"AND {_no_act('matter.finalize')}"):  # fmt: skip
        _add(s, report, "unsigned", ("matter_step", sid), "信任根建立之后定稿，却没有电子签名")
    for _seq, sid, before, after in _tail(s, era, "matter_step", f"{_before(d, 'state')} = 'final'"):
        if _differs(before, after, None, ()):
            _add(s, report, "content", ("matter_step", sid), "已定稿的会议记录被改动")
    _months(s, era, report)
    _disclosures(s, era, report)
    _evaluations(s, era, report)


def _evaluations(s: Session, era: int, report: EraReport) -> None:
    """民主评议: 定稿 without an act, and a final record changed (its result notice may be linked later; the
    votes of a final record are compared with the act by ``records``)."""
    d = dialect_of(s)
    for _seq, eid, _b, _a in _tail(s, era, "evaluation", f"{_became(d, 'state', 'final')} AND "
                                   f"{_no_act('evaluation.finalize')}"):  # fmt: skip
        _add(s, report, "unsigned", ("evaluation", eid), "信任根建立之后定稿，却没有电子签名")
    for _seq, eid, before, after in _tail(s, era, "evaluation", f"{_before(d, 'state')} = 'final'"):
        if _differs(before, after, None, ("disclosure_id",)):
            _add(s, report, "content", ("evaluation", eid), "已定稿的民主评议记录被改动")


def _months(s: Session, era: int, report: EraReport) -> None:
    d = dialect_of(s)
    signed = "'signed'"
    for _seq, rid, _b, after in _tail(s, era, "monthly_review", _became(d, "state", "signed")):
        if not after.get("signature") or len(str(after.get("signature"))) == 64:
            _add(s, report, "unsigned", ("monthly_review", rid), "信任根建立之后签署，却没有电子签名")
    for _seq, rid, _b, _a in _tail(
        s, era, "monthly_review", f"{_became(d, 'locked', True)} AND {_no_act('month.lock')}"
    ):
        _add(s, report, "unsigned", ("monthly_review", rid), "信任根建立之后锁定，却没有电子签名")
    lock_fields = ("locked", "locked_at", "lock_reason")
    for _seq, rid, before, after in _tail(
        s, era, "monthly_review", f"{_before(d, 'state')} = {signed} AND {_after(d, 'state')} = {signed}"
    ):
        if _differs(before, after, None, lock_fields):
            _add(s, report, "content", ("monthly_review", rid), "签署后的例会记录被改动")


def _disclosures(s: Session, era: int, report: EraReport) -> None:
    d = dialect_of(s)
    legacy_hash = f"length({_after(d, 'review_signature')}) = 64"
    for _seq, did, _b, _a in _tail(s, era, "disclosure", f"{legacy_hash} AND (a.before_json IS NULL OR "
                                   f"{distinct_from(d, _before(d, 'review_signature'), _after(d, 'review_signature'))})"):  # fmt: skip
        _add(s, report, "unsigned", ("disclosure", did), "信任根建立之后审核，却没有电子签名")
    for _seq, did, _b, _a in _tail(s, era, "disclosure", f"{_became(d, 'status', 'posted')} AND "
                                   f"{_no_act('disclosure.post')}"):  # fmt: skip
        _add(s, report, "unsigned", ("disclosure", did), "信任根建立之后公开，却没有电子签名")
    content = ("village_id", "category", "item_id", "kind", "period_start", "period_end", "title", "body",
               "table_json", "total_income_fen", "total_expense_fen")  # fmt: skip
    for _seq, did, before, after in _tail(s, era, "disclosure", f"{_before(d, 'status')} IN ('posted', 'superseded') "
                                          f"OR ({_before(d, 'status')} = 'reviewed' AND "
                                          f"{_after(d, 'review_signature')} = {_before(d, 'review_signature')})"):  # fmt: skip
        fields = (
            content
            if before.get("status") == "reviewed"
            else (*content, "channels", "posted_from", "posted_to")
        )
        if _differs(before, after, fields, ()):
            _add(s, report, "content", ("disclosure", did), "审核或公开后的内容被改动")
