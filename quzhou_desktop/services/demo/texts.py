"""Texts of the demo's 党务 and 村务 disclosures: a title topic and a body (with a table where the board would
have one) for each item of the default 公开目录, filled with the village's own roster names."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from quzhou_desktop.services.demo.state import DemoState
from quzhou_desktop.store.models import Person

QUARTERS = "一二三四"

TOPICS = {
    "党组织设置及成员、任期目标、后备干部、年度目标": "党组织设置及年度目标",
    "党员党费缴纳情况": "党员党费缴纳情况",
    "党员荣辱档案、党组织财务报表、村务工作完成情况": "党员管理和村务工作完成情况",
    "发展党员、预备党员转正等": "发展党员情况",
    "村民代表会议决议事项清单及执行情况": "村民代表会议决议事项及执行情况",
    "宅基地审批": "宅基地审批情况",
    "农业补贴、低保名单、残疾人补贴、救助慰问等": "农业补贴和救助慰问情况",
    "政府拨付和社会捐赠的救灾救助、补贴补助资金物资管理使用": "救灾救助和补助资金物资使用情况",
    "协助政府开展工作的情况": "协助政府开展工作情况",
}


def quarter_label(d: date) -> str:
    """ "2026年第三季度"."""
    return f"{d.year}年第{QUARTERS[(d.month - 1) // 3]}季度"


def _names(s: Session, ids: list[str]) -> list[str]:
    return [p.name for pid in ids if (p := s.get(Person, pid)) is not None]


def content(
    s: Session, state: DemoState, village_id: str, item: str, label: str
) -> tuple[str, dict[str, Any] | None]:
    """(body, table or None) of the disclosure of ``item`` for the period ``label``."""
    rng, people = state.rng, state.people[village_id]
    if item.startswith("党组织设置"):
        branch = _names(s, list(people["party_branch"]))
        roles = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员"]
        duties = ["主持全面工作", "协助书记，分管村务和经济发展", "党员教育管理和发展党员", "宣传和精神文明建设",
                  "党风廉政建设和村务监督联系"]  # fmt: skip
        rows = [[r, n, d] for r, n, d in zip(roles, branch, duties, strict=False)]
        body = (
            f"现将本村党组织设置及{label}工作目标公开如下。\n"
            "任期目标：建强支部班子，壮大村集体经济，村集体经营性收入年均增长10%以上。\n"
            f"{label}目标：完成主干道硬化和路灯安装，发展党员1至2名，村集体经营性收入达到50万元。\n"
            "后备干部：经支部推荐、镇党委考察，确定后备干部2名（名单见村务公开栏附页）。"
        )
        return body, {"columns": ["职务", "姓名", "分工"], "rows": rows}
    if item == "党员党费缴纳情况":
        members = _names(s, list(people["party"])[:6])
        rows = []
        for n in members:
            month = rng.choice([2, 5, 10, 20, 30])
            rows.append([n, f"{month}.00", f"{month * 3}.00"])
        body = f"现将本村党员{label}党费缴纳情况公开如下，本季度全体党员均按时足额缴纳（部分党员名单从略）。"
        return body, {"columns": ["姓名", "月缴纳额（元）", "本季度合计（元）"], "rows": rows}
    if item.startswith("党员荣辱档案"):
        return (
            f"{label}，全体党员参加主题党日活动3次，无违纪违法党员。党组织经费收入1,200.00元、支出860.00元，"
            "主要用于党员学习资料和主题党日活动。村务工作：主干道硬化工程按计划推进，山塘清淤已完成招标。",
            None,
        )
    if item.startswith("村民代表会议决议事项"):
        return (
            f"{label}，本村召开村民代表会议2次，表决通过事项2项，均已按决议组织实施，执行情况良好。"
            "决议全文已在决议公开中张贴。",
            None,
        )
    if item == "宅基地审批":
        names = _names(s, rng.sample(list(people["all"]), 3))
        rows = [[n, f"第{'一二三四五六'[rng.randrange(6)]}村民小组", str(rng.choice([90, 100, 110, 120])), "已批准"]
                for n in names]  # fmt: skip
        return f"{label}本村宅基地审批情况公开如下：", {
            "columns": ["户主", "村民小组", "面积（平方米）", "审批结果"],
            "rows": rows,
        }
    if item.startswith("农业补贴"):
        names = _names(s, rng.sample(list(people["all"]), 4))
        kinds = ["耕地地力保护补贴", "低保金", "残疾人两项补贴", "春节困难户慰问"]
        rows = [[n, k, f"{rng.randint(2, 18) * 50}.00"] for n, k in zip(names, kinds, strict=False)]
        return f"{label}本村农业补贴、低保和救助慰问发放情况公开如下（部分名单）：", {
            "columns": ["姓名", "项目", "金额（元）"],
            "rows": rows,
        }
    if item.startswith("政府拨付"):
        return (
            f"{label}，本村收到上级防汛物资（编织袋500只、救生衣20件），已入库登记，由村委会统一保管；"
            "社会捐赠慰问金3,000.00元，已全部发放给困难家庭，发放名单经村务监督委员会核对。",
            None,
        )
    if item.startswith("协助政府"):
        return (
            f"{label}，本村协助镇政府完成医保参保登记、森林防火巡查和人口信息采集等工作，参保率达到98%以上。",
            None,
        )
    return f"现将{label}{TOPICS.get(item, item)}公开如下，接受全体村民监督。", None
