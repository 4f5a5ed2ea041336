"""The bodies people sit in (花名册 memberships) and the roles within each."""

from __future__ import annotations

BODY_LABELS: dict[str, str] = {
    "party_branch": "村党组织（支委会）",
    "village_committee": "村民委员会",
    "joint_meeting": "村务联席会议",
    "party_meeting": "党员大会（党员）",
    "rep_meeting": "村民代表会议（代表）",
    "supervisory": "村务监督委员会",
    "villager_group": "村民小组",
}

ROLE_IN_BODY: dict[str, dict[str, str]] = {
    "party_branch": {"secretary": "书记", "deputy_secretary": "副书记", "member": "委员"},
    "village_committee": {"director": "主任", "deputy_director": "副主任", "member": "委员"},
    "joint_meeting": {"member": "成员"},
    "party_meeting": {"member": "党员"},
    "rep_meeting": {"rep": "村民代表"},
    "supervisory": {"chair": "主任", "member": "委员"},
    "villager_group": {"leader": "组长", "member": "组员"},
}

PARTY_STATUS_LABELS = {"full": "正式党员", "probationary": "预备党员"}


def body_label(body: str) -> str:
    return BODY_LABELS.get(body, body)


def role_label(body: str, role: str) -> str:
    return ROLE_IN_BODY.get(body, {}).get(role, role)
