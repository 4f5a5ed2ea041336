"""Chinese names for what the exchange screens show: import outcomes, records and their fields, gaps."""

from __future__ import annotations

from datetime import datetime, timedelta

from quzhou_desktop.gui.i18n import tr

OUTCOMES = {
    "applied": "已导入",
    "duplicate": "重复，未改动",
    "waiting": "暂存，等前序数据包",
    "fork": "历史分叉，已拒绝",
    "refused": "已拒绝",
    "receipt": "回执已导入",
}

RECORDS = {
    "township": "乡镇",
    "village": "村",
    "person": "村民",
    "kin_link": "近亲属关系",
    "membership": "任职",
    "matter": "五议两公开事项",
    "matter_step": "事项步骤",
    "step_attendance": "会议到会",
    "step_amendment": "步骤更正",
    "voucher": "支出凭证",
    "voucher_event": "凭证流转",
    "monthly_review": "月度审核",
    "ledger_line": "台账",
    "disclosure_item": "公开目录",
    "disclosure": "公开事项",
    "disclosure_feedback": "群众意见",
    "notice_print": "打印记录",
    "evaluation": "民主评议",
    "evaluation_entry": "评议结果",
    "contract": "合同",
    "contract_party": "合同当事人",
    "contract_schedule_line": "合同付款计划",
    "contract_payment": "合同付款",
    "contract_deposit": "合同保证金",
    "asset": "资产资源",
    "attachment": "附件",
}

FIELDS = {
    "id": "编号",
    "name": "名称",
    "code": "代码",
    "title": "标题",
    "phone": "电话",
    "status": "状态",
    "state": "状态",
    "row_version": "修改次数",
    "created_at": "创建时间",
    "updated_at": "修改时间",
    "village_id": "所属村",
    "township_id": "所属乡镇",
    "person_id": "人员",
    "amount_fen": "金额（分）",
    "number": "编号",
    "households": "户数",
    "adults": "18周岁以上人数",
    "finance_busy": "财务往来较多",
    "active": "在用",
    "rules_json": "规则设置",
    "settings_json": "设置",
    "gender": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "address": "住址",
    "note": "备注",
    "reason": "理由",
    "summary": "摘要",
    "category": "类别",
    "started_on": "开始日期",
    "ended_on": "结束日期",
    "role": "职务",
    "body": "组织",
}


def record_label(entity: str) -> str:
    return tr(RECORDS.get(entity, "记录"))


def field_label(name: str) -> str:
    return tr(FIELDS[name]) if name in FIELDS else name


def when(value: datetime | None) -> str:
    """A stored time (UTC) as a clerk reads it (Asia/Shanghai); "从未" for none."""
    if value is None:
        return tr("从未")
    return (value + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def gaps(accepted_seq: int, waiting: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The missing ranges before each waiting package, given how far the peer's chain is held."""
    out: list[tuple[int, int]] = []
    held = accepted_seq
    for first, last in sorted(waiting):
        if first > held + 1:
            out.append((held + 1, first - 1))
        held = max(held, last)
    return out


def gap_text(missing: list[tuple[int, int]]) -> str:
    parts = [tr("缺少第{a}条").format(a=a) if a == b else tr("缺少第{a}至{b}条").format(a=a, b=b)
             for a, b in missing]  # fmt: skip
    return "；".join(parts)


def digit_groups(fp: str) -> str:
    """A key fingerprint as it is read out by phone: groups of five digits, wider spaced."""
    return "  ".join(fp.split())
