"""Chinese names of records and acts for ``verify``'s findings: "凭证 溪口村 2026年 001号（第1版）"."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from quzhou_desktop.core.matters import StepType
from quzhou_desktop.services.kernel.signatures import ACT_LABELS
from quzhou_desktop.store.models import (
    Disclosure,
    Evaluation,
    Matter,
    MatterStep,
    MonthlyReview,
    SignedAct,
    Township,
    UserAccount,
    Village,
    Voucher,
)

FIELD_LABELS = {
    "amount_fen": "金额", "payee": "收款人", "purpose": "用途", "voucher_date": "日期", "number": "凭证号",
    "scans": "票据扫描件", "handler_name": "经手人", "funding_source": "资金来源", "invoice_count": "票据张数",
    "note": "备注", "title": "标题", "body": "正文", "table": "公开表格", "total_income_fen": "收入合计",
    "total_expense_fen": "支出合计", "period_start": "公开期间", "period_end": "公开期间", "step": "会议记录",
    "attendance": "出席情况", "matter": "所属事项", "role": "角色", "villages": "所属村", "active": "是否启用",
    "username": "用户名", "display_name": "姓名", "rules": "规则设置", "name": "名称", "households": "户数",
    "adults": "18周岁以上人数", "overall_opinion": "总体意见", "attendees": "出席人员",
    "item_opinions": "逐笔意见", "total_fen": "合计金额", "voucher_count": "笔数", "meeting_date": "例会日期",
    "opinion": "意见", "text": "意见内容", "locked": "锁定状态",
}  # fmt: skip


def changed_fields(signed: Any, current: Any) -> str:
    """The labels of the top-level fields that differ ("金额、收款人"), or "内容"."""
    if not isinstance(signed, dict) or not isinstance(current, dict):
        return "内容"
    keys = [k for k in dict.fromkeys([*signed, *current]) if signed.get(k) != current.get(k)]
    for nested in ("account", "village", "township", "step"):
        if keys == [nested]:
            return changed_fields(signed.get(nested), current.get(nested))
    labels = list(dict.fromkeys(FIELD_LABELS.get(k, "其他内容") for k in keys))
    return "、".join(labels) or "内容"


def _village_name(s: Session, village_id: str | None) -> str:
    v = s.get(Village, village_id) if village_id else None
    return v.name if v else ""


def record_name(s: Session, kind: str, record_id: str) -> str:
    if kind == "voucher":
        v = s.get(Voucher, record_id)
        if v is not None:
            return f"凭证 {_village_name(s, v.village_id)} {v.year}年 {v.number}号（第{v.version}版）"
        return f"凭证 {record_id[:8]}"
    if kind == "disclosure":
        d = s.get(Disclosure, record_id)
        return f"公开“{d.title}”" if d else f"公开 {record_id[:8]}"
    if kind == "monthly_review":
        r = s.get(MonthlyReview, record_id)
        if r is not None:
            return f"{_village_name(s, r.village_id)} {r.year}年{r.month}月 村监会月度审核"
        return f"月度审核 {record_id[:8]}"
    if kind == "matter_step":
        st = s.get(MatterStep, record_id)
        m = s.get(Matter, st.matter_id) if st else None
        if st is not None and m is not None:
            return f"事项“{m.title}”的{StepType(st.step_type).label}记录"
        return f"会议记录 {record_id[:8]}"
    if kind == "evaluation":
        ev = s.get(Evaluation, record_id)
        if ev is not None:
            return f"{_village_name(s, ev.village_id)} {ev.year}年民主评议"
        return f"民主评议 {record_id[:8]}"
    if kind == "user_account":
        acc = s.get(UserAccount, record_id)
        return f"用户「{acc.username}」（{acc.display_name}）" if acc else f"用户 {record_id[:8]}"
    if kind == "village":
        village = s.get(Village, record_id)
        return f"村“{village.name}”" if village else f"村 {record_id[:8]}"
    if kind == "township":
        t = s.get(Township, record_id)
        return f"乡镇“{t.name}”" if t else "乡镇"
    return f"{kind} {record_id[:8]}"


def act_name(act: SignedAct, signer: str) -> str:
    """ "村监会审核（张三，2026-11-24 10:00）" — the time shown in Asia/Shanghai."""
    from datetime import timedelta

    when = act.signed_at + timedelta(hours=8)
    return f"{ACT_LABELS.get(act.act, act.act)}（{signer}，{when:%Y-%m-%d %H:%M}）"
