"""What goes into a village's archive for a span of dates: the notices to print, the meetings whose minutes are
written out, the attachments, the registers — each with its title, date and ``core.archive.ItemKind``.

A record belongs to the span by its own date: a step by its meeting (or posting) date, a matter by any of its
steps, a voucher by its date, a disclosure by the start of its period (else its posting or creation day), a
monthly review by its month. Superseded versions and void steps are left out (the registers list them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.archive import ItemKind
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.services.exports.kinds import EXPORT_KINDS
from quzhou_desktop.services.notices.disclosure import period_label
from quzhou_desktop.services.notices.records import NOTICE_STEPS
from quzhou_desktop.store.models import (
    Attachment,
    Contract,
    Disclosure,
    Matter,
    MatterStep,
    MonthlyReview,
    Voucher,
)

__all__ = ["Collected", "Planned", "collect"]

SHANGHAI = dt.timedelta(hours=8)

# Registers and the class they file under.
REGISTER_KINDS: dict[str, ItemKind] = {
    "people": ItemKind.LEDGER_ADMIN,
    "matters": ItemKind.LEDGER_ADMIN,
    "disclosures": ItemKind.LEDGER_ADMIN,
    "supervision": ItemKind.LEDGER_ADMIN,
    "vouchers": ItemKind.LEDGER_ACCOUNTING,
    "ledger": ItemKind.LEDGER_ACCOUNTING,
    "contracts": ItemKind.LEDGER_BUSINESS,
    "assets": ItemKind.LEDGER_BUSINESS,
}
_NOTICE_TITLES = {"plan": "方案公示", "resolution": "决议公告", "result": "实施结果公告"}
_PHOTO_WORDS = ("照片", "现场", "相片", "合影")


@dataclass(frozen=True)
class Planned:
    """One file of the archive before it is made.

    ``source``: notice (``ref`` = (print kind, record id)), minutes (``ref`` = (step id,)), attachment
    (``ref`` = (attachment id,)) or register (``ref`` = (export kind,)).
    """

    kind: ItemKind
    title: str
    date: dt.date | None
    source: str
    ref: tuple[str, ...]
    ext: str
    group: str = ""  # items of one group are filed as one document (a matter's notices, a matter's minutes)


@dataclass
class Collected:
    items: list[Planned] = field(default_factory=list)
    records: dict[str, set[str]] = field(default_factory=dict)  # table → ids of the records the archive shows

    def record(self, table: str, rid: str) -> None:
        self.records.setdefault(table, set()).add(rid)

    def add(
        self,
        kind: ItemKind,
        title: str,
        on: dt.date | None,
        source: str,
        ref: tuple[str, ...],
        ext: str,
        group: str = "",
    ) -> None:
        self.items.append(Planned(kind, title, on, source, ref, ext, group))


def _within(d: dt.date | None, d1: dt.date, d2: dt.date) -> bool:
    return d is not None and d1 <= d <= d2


def _step_day(st: MatterStep) -> dt.date | None:
    return st.meeting_date or st.posting_from


def _matters(
    s: Session, vid: str, d1: dt.date, d2: dt.date, out: Collected
) -> dict[str, tuple[str, dt.date | None]]:
    """Registers, plan/resolution/result notices and minutes of the matters with a step in the span (one group
    per matter each); returns step id → (name, date) of the steps whose attachments belong to the archive."""
    rows = s.execute(
        select(MatterStep, Matter.title, Matter.id, Matter.run_no)
        .join(Matter, Matter.id == MatterStep.matter_id)
        .where(Matter.village_id == vid, MatterStep.state != "void")
        .order_by(Matter.created_at, Matter.id, MatterStep.seq)
    ).all()
    by_matter: dict[str, tuple[str, list[MatterStep]]] = {}
    for st, title, mid, run in rows:
        by_matter.setdefault(mid, (title + (f"（第{run}轮）" if run > 1 else ""), []))[1].append(st)
    steps_in: dict[str, tuple[str, dt.date | None]] = {}
    for mid, (title, steps) in by_matter.items():
        inside = [st for st in steps if _within(_step_day(st), d1, d2)]
        if not inside:
            continue
        last = max(d for st in inside if (d := _step_day(st)) is not None)
        out.record("matter", mid)
        for st in steps:
            out.record("matter_step", st.id)
        group = f"matter:{mid}"
        out.add(ItemKind.REGISTER_FORM, title, last, "notice", ("register", mid), "pdf", group)
        finals = [st for st in reversed(steps) if st.state == "final"]
        resolve = next((st for st in finals if st.step_type == StepType.RESOLVE.value), None)
        for kind, types in NOTICE_STEPS.items():
            chosen = next((st for t in types for st in finals if st.step_type == t.value), None)
            if kind == "resolution" and (resolve is None or resolve.passed is not True):
                continue  # a resolution that did not pass is no 决议公告 (its minutes are filed)
            if chosen is not None and _within(_step_day(chosen), d1, d2):
                out.add(ItemKind(kind), title, _step_day(chosen), "notice", (kind, chosen.id), "pdf", group)
        for st in inside:
            steps_in[st.id] = (f"{title}（{StepType(st.step_type).label}）", _step_day(st))
            if st.state == "final" and st.meeting_date is not None and (st.minutes or st.decision_text):
                out.add(
                    ItemKind.MINUTES, title, st.meeting_date, "minutes", (st.id,), "pdf", f"minutes:{mid}"
                )
    return steps_in


def _disclosure_day(d: Disclosure) -> dt.date:
    return d.period_start or d.posted_from or (d.created_at + SHANGHAI).date()


def _disclosures(s: Session, vid: str, d1: dt.date, d2: dt.date, out: Collected) -> None:
    works = set(
        s.scalars(select(Contract.disclosure_id).where(Contract.village_id == vid, Contract.kind == "works"))
    )
    q = select(Disclosure).where(Disclosure.village_id == vid, Disclosure.status != "superseded")
    for d in s.scalars(q.order_by(Disclosure.period_start, Disclosure.created_at)):
        on = _disclosure_day(d)
        if not _within(on, d1, d2):
            continue
        out.record("disclosure", d.id)
        if d.kind in ("resolution", "result") and d.step_id:
            continue  # printed as the matter's 决议公告 / 实施结果公告, filed with the matter
        if d.category == "finance":
            out.add(ItemKind.FINANCE_DISCLOSURE, d.title, on, "notice", ("finance", d.id), "pdf")
        elif d.kind == "contract":
            kind = ItemKind.WORKS_CONTRACT if d.id in works else ItemKind.CONTRACT
            out.add(kind, d.title, on, "notice", ("contract", d.id), "pdf")
        elif d.kind == "evaluation":
            out.add(ItemKind.EVALUATION, d.title, on, "notice", ("evaluation", d.id), "pdf")
        else:
            party = d.category == "party"
            kind = ItemKind.PARTY_DISCLOSURE if party else ItemKind.VILLAGE_DISCLOSURE
            period = period_label(d.period_start, d.period_end)
            group = f"disclosures:{'党务公开' if party else '村务公开'}:{period}" if period else ""
            out.add(kind, d.title, on, "notice", ("disclosure", d.id), "pdf", group)


def _reviews(s: Session, vid: str, d1: dt.date, d2: dt.date, out: Collected) -> None:
    q = select(MonthlyReview).where(MonthlyReview.village_id == vid)
    for r in s.scalars(q.order_by(MonthlyReview.year, MonthlyReview.month)):
        month = dt.date(r.year, r.month, 1)
        if not (d1.replace(day=1) <= month <= d2):
            continue
        title = f"村监会月度审核意见书：{r.year}年{r.month}月"
        out.record("monthly_review", r.id)
        out.add(ItemKind.REVIEW, title, r.meeting_date or month, "notice", ("review", r.id), "pdf")


def _vouchers(
    s: Session, vid: str, d1: dt.date, d2: dt.date, out: Collected, forms: bool
) -> dict[str, tuple[str, dt.date]]:
    """Voucher id → ("凭证号 用途", date) of the span's current vouchers (their forms added when asked)."""
    q = select(Voucher.id, Voucher.number, Voucher.purpose, Voucher.voucher_date).where(
        Voucher.village_id == vid,
        Voucher.status != "superseded",
        Voucher.voucher_date >= d1,
        Voucher.voucher_date <= d2,
    )
    names: dict[str, tuple[str, dt.date]] = {}
    for vid_, number, purpose, on in s.execute(q.order_by(Voucher.voucher_date, Voucher.number)):
        names[vid_] = (f"{number} {purpose}", on)
        out.record("voucher", vid_)
        if forms:
            out.add(
                ItemKind.VOUCHER,
                f"支出凭证审批单：{number} {purpose}",
                on,
                "notice",
                ("voucher", vid_),
                "pdf",
                f"vouchers:{on:%Y-%m}",
            )
    return names


def _attachments(s: Session, owners: dict[str, tuple[ItemKind, str, dt.date | None]], out: Collected) -> None:
    if not owners:
        return
    ids = list(owners)
    for i in range(0, len(ids), 500):
        q = select(Attachment).where(Attachment.owner_id.in_(ids[i : i + 500]), Attachment.active.is_(True))
        for a in s.scalars(q.order_by(Attachment.created_at, Attachment.id)):
            kind, parent, on = owners[a.owner_id]
            out.record("attachment", a.id)
            words = f"{a.caption or ''}{a.filename}"
            if a.mime.startswith("image/") and any(w in words for w in _PHOTO_WORDS):
                kind = ItemKind.PHOTO
            ext = a.filename.rsplit(".", 1)[-1].lower() if "." in a.filename else a.mime.split("/")[-1]
            title = f"附件：{parent} · {a.caption or a.filename}"
            out.add(kind, title, on, "attachment", (a.id,), ext[:8])


def collect(
    s: Session, village_id: str, d1: dt.date, d2: dt.date, *, voucher_forms: bool = False
) -> Collected:
    """Everything of the village between ``d1`` and ``d2`` (inclusive) that the archive files (registers last),
    and the records it shows, by table."""
    out = Collected()
    owners: dict[str, tuple[ItemKind, str, dt.date | None]] = {
        sid: (ItemKind.MINUTES, name, on) for sid, (name, on) in _matters(s, village_id, d1, d2, out).items()
    }
    n = len(out.items)
    _disclosures(s, village_id, d1, d2, out)
    for p in out.items[n:]:
        owners[p.ref[1]] = (p.kind, p.title, p.date)
    n = len(out.items)
    _reviews(s, village_id, d1, d2, out)
    for p in out.items[n:]:
        owners[p.ref[1]] = (p.kind, p.title.split("：", 1)[-1] + "村监会审核", p.date)
    for vid_, (name, on) in _vouchers(s, village_id, d1, d2, out, voucher_forms).items():
        owners[vid_] = (ItemKind.VOUCHER, f"凭证{name}", on)
    _attachments(s, owners, out)
    for kind, item in REGISTER_KINDS.items():
        out.add(item, EXPORT_KINDS[kind], d2, "register", (kind,), "xlsx")
    out.record("village", village_id)
    return out
