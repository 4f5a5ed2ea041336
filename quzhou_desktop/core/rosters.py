"""Roster composition checks: 村民代表会议 (C5, C6) and 村务监督委员会 (C19)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from quzhou_desktop.core.money import Finding, Level
from quzhou_desktop.core.rules_config import TownshipRules

__all__ = [
    "KinLink",
    "KinRelation",
    "SupervisoryMember",
    "check_representative_composition",
    "check_representative_ratio",
    "check_supervisory_committee",
]


def check_representative_composition(members: int, representatives: int, women_reps: int) -> list[Finding]:
    """C5: 村民代表 ≥ 4/5 of the 代表会议 组成人员 (5Rp ≥ 4M); 妇女代表 ≥ 1/3 of them (3W ≥ M)."""
    out: list[Finding] = []
    if 5 * representatives < 4 * members:
        need = -(-4 * members // 5)
        out.append(
            Finding(
                "error",
                "C5",
                f"组成人员{members}人，村民代表{representatives}人，不足五分之四（需{need}人）",
                "representatives",
            )
        )
    if 3 * women_reps < members:
        need = -(-members // 3)
        out.append(
            Finding(
                "error",
                "C5",
                f"组成人员{members}人，妇女村民代表{women_reps}人，不足三分之一（需{need}人）",
                "women",
            )
        )
    return out


def check_representative_ratio(households: int, representatives: int, rules: TownshipRules) -> list[Finding]:
    """C6 (household mode): one representative per 5–15 households, i.e. H/15 ≤ Rp ≤ H/5."""
    if rules.rep_ratio_mode != "households":
        return []
    low, high = -(-households // 15), households // 5
    if 15 * representatives < households:
        return [
            Finding(
                "error",
                "C6",
                f"全村{households}户，村民代表{representatives}人，少于每15户1人（应为{low}至{high}人）",
                "too_few",
            )
        ]
    if 5 * representatives > households:
        return [
            Finding(
                "error",
                "C6",
                f"全村{households}户，村民代表{representatives}人，多于每5户1人（应为{low}至{high}人）",
                "too_many",
            )
        ]
    return []


class KinRelation(Enum):
    """Family links.  近亲属 per 民法典 第1045条: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女."""

    SPOUSE = "spouse"
    PARENT_CHILD = "parent_child"
    SIBLING = "sibling"
    GRANDPARENT_GRANDCHILD = "grandparent_grandchild"
    IN_LAW = "in_law"  # 近姻亲: not 近亲属 in law; barred by some local templates → warning (C19)

    @property
    def label(self) -> str:
        return {
            "spouse": "配偶",
            "parent_child": "父母子女",
            "sibling": "兄弟姐妹",
            "grandparent_grandchild": "祖孙",
            "in_law": "近姻亲",
        }[self.value]

    @property
    def is_close_relative(self) -> bool:
        return self is not KinRelation.IN_LAW


# The 亲属关系 a user may record, and the kinship each stands for (C19: no 近亲属 on the 村监会).
RELATION_KIND: dict[str, KinRelation] = {
    "配偶": KinRelation.SPOUSE,
    "父母": KinRelation.PARENT_CHILD,
    "子女": KinRelation.PARENT_CHILD,
    "兄弟姐妹": KinRelation.SIBLING,
    "祖父母": KinRelation.GRANDPARENT_GRANDCHILD,
    "外祖父母": KinRelation.GRANDPARENT_GRANDCHILD,
    "孙子女": KinRelation.GRANDPARENT_GRANDCHILD,
    "外孙子女": KinRelation.GRANDPARENT_GRANDCHILD,
    "近姻亲": KinRelation.IN_LAW,
}


@dataclass(frozen=True)
class KinLink:
    a: str
    b: str
    relation: KinRelation


@dataclass(frozen=True)
class SupervisoryMember:
    person_id: str
    name: str
    is_chair: bool = False
    is_party_member: bool = False
    has_finance_skill: bool = False  # 会计/管理 knowledge (组织法 第32条)
    is_village_staff: bool = False  # 村文书、报账员等聘用人员 (barred by some local templates, C19)


def check_supervisory_committee(
    members: Sequence[SupervisoryMember],
    committee_ids: Iterable[str],
    kin_links: Iterable[KinLink],
    *,
    secretary_id: str | None = None,
    names: dict[str, str] | None = None,
) -> list[Finding]:
    """C19: 3–5 members, exactly one 主任, nobody in the 村委会 or a 近亲属 of a 村委会 member (error);
    主任 = 村党组织书记, 近姻亲, hired village staff, nobody with finance skills (warnings)."""
    names = dict(names or {})
    names.update({m.person_id: m.name for m in members})
    committee = set(committee_ids)
    out: list[Finding] = []
    n = len(members)
    if not 3 <= n <= 5:
        out.append(Finding("error", "C19", f"村务监督委员会应由3至5人组成，现有{n}人", "size"))
    chairs = [m for m in members if m.is_chair]
    if len(chairs) != 1:
        who = "、".join(m.name for m in chairs)
        msg = (
            "村务监督委员会须设主任1名，现未设主任"
            if not chairs
            else f"村务监督委员会只能设主任1名，现有{who}"
        )
        out.append(Finding("error", "C19", msg, "chair_count"))
    links = list(kin_links)
    for m in members:
        if m.person_id in committee:
            out.append(
                Finding(
                    "error", "C19", f"{m.name}是村民委员会成员，不得担任村务监督委员会成员", "in_committee"
                )
            )
        for link in links:
            other = link.b if link.a == m.person_id else link.a if link.b == m.person_id else None
            if other is None or other not in committee:
                continue
            level: Level = "error" if link.relation.is_close_relative else "warning"
            tail = "不得担任" if level == "error" else "按通行做法不宜担任"
            out.append(
                Finding(
                    level,
                    "C19",
                    f"{m.name}是村民委员会成员{names.get(other, other)}的{link.relation.label}，{tail}村务监督委员会成员",
                    "close_relative" if level == "error" else "in_law",
                )
            )
        if m.is_village_staff:
            out.append(
                Finding(
                    "warning", "C19", f"{m.name}是村聘用人员（文书、报账员等），按通行做法不宜担任", "staff"
                )
            )
    if secretary_id is not None and any(c.person_id == secretary_id for c in chairs):
        chair = next(c for c in chairs if c.person_id == secretary_id)
        out.append(
            Finding(
                "warning",
                "C19",
                f"村务监督委员会主任{chair.name}由村党组织书记兼任，原则上不应兼任",
                "secretary_chair",
            )
        )
    if members and not any(m.has_finance_skill for m in members):
        out.append(Finding("warning", "C19", "村务监督委员会成员中应有具备财会、管理知识的人员", "skills"))
    return out
