"""Who holds which office in a village on a date, as choosers show them: "王建国（书记、主任）", by pinyin.

One person may hold several offices (一肩挑: 书记 and 主任, C32). The 主持人 of a meeting defaults to the office
that chairs that body (书记 for 支委会, 党员大会 and 联席会议; 主任 for 村民(代表)会议; 村监会主任 for the
村监会)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from quzhou_desktop.core.meetings import Body
from quzhou_desktop.core.names import pinyin_key
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.people import members

# (body, role) → the office title people call it by; the order is the order titles are listed in.
OFFICES: dict[tuple[str, str], str] = {
    ("party_branch", "secretary"): "书记",
    ("village_committee", "director"): "主任",
    ("party_branch", "deputy_secretary"): "副书记",
    ("village_committee", "deputy_director"): "副主任",
    ("supervisory", "chair"): "村监会主任",
    ("party_branch", "member"): "支委委员",
    ("village_committee", "member"): "村委委员",
    ("supervisory", "member"): "村监会委员",
    ("joint_meeting", "member"): "联席会议成员",
    ("rep_meeting", "rep"): "村民代表",
    ("villager_group", "leader"): "村民小组长",
}
_RANK = {key: i for i, key in enumerate(OFFICES)}
CHAIR_OFFICE: dict[Body, tuple[str, str]] = {
    Body.BRANCH: ("party_branch", "secretary"),
    Body.PARTY: ("party_branch", "secretary"),
    Body.JOINT: ("party_branch", "secretary"),
    Body.REPRESENTATIVES: ("village_committee", "director"),
    Body.VILLAGERS: ("village_committee", "director"),
    Body.SUPERVISORY: ("supervisory", "chair"),
}


@dataclass(frozen=True)
class OfficeHolder:
    person_id: str
    name: str
    offices: tuple[str, ...]  # titles, highest first
    keys: tuple[tuple[str, str], ...]  # (body, role) of each office

    @property
    def label(self) -> str:
        return f"{self.name}（{'、'.join(self.offices)}）" if self.offices else self.name

    def holds(self, body: str, role: str) -> bool:
        return (body, role) in self.keys


def office_holders(ctx: AppContext, village_id: str, on: date) -> list[OfficeHolder]:
    """Everyone with an office (村两委, 村监会, 联席会议, 村民代表, 小组长) on ``on``, sorted by pinyin.
    A 联席会议成员 who also holds a real office is shown by that office only."""
    found: dict[str, tuple[str, set[tuple[str, str]]]] = {}
    for r in members(ctx, village_id, None, on=on):
        key = (r.body, r.role)
        if key in OFFICES:
            found.setdefault(r.person_id, (r.person_name, set()))[1].add(key)
    out = []
    for pid, (name, keys) in found.items():
        ordered = sorted(keys, key=_RANK.__getitem__)
        if len(ordered) > 1:
            ordered = [k for k in ordered if k != ("joint_meeting", "member")]
        out.append(OfficeHolder(pid, name, tuple(OFFICES[k] for k in ordered), tuple(ordered)))
    return sorted(out, key=lambda h: pinyin_key(h.name))


def default_chair(holders: list[OfficeHolder], body: Body) -> str | None:
    """The person whose office chairs ``body``."""
    office = CHAIR_OFFICE.get(body)
    return next((h.person_id for h in holders if office and h.holds(*office)), None)
