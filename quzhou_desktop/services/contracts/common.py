"""Shared pieces of the contract services: Chinese labels, loading rows, the decision a contract names (C33) and
the errors the rules raise."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from quzhou_desktop.core.contracts import AssetKind, AssetStatus, ContractKind, Decision, Direction
from quzhou_desktop.core.errors import NotFound, ValidationError
from quzhou_desktop.core.matters import StepType
from quzhou_desktop.core.meetings import Body
from quzhou_desktop.store.models import Asset, Contract, Matter, MatterStep

KIND_LABELS = {k.value: k.label for k in ContractKind}
ASSET_KIND_LABELS = {k.value: k.label for k in AssetKind}
ASSET_STATUS_LABELS = {s.value: s.label for s in AssetStatus}
DIRECTION_LABELS = {d.value: d.label for d in Direction}
PARTY_KINDS = {"villager": "本村村民", "company": "外部单位或个人"}
DEPOSIT_KINDS = ("押金", "履约保证金", "质量保证金")
STATUS_LABELS = {"active": "履行中", "expired": "已到期", "terminated": "已终止"}
AREA_UNITS = ("平方米", "亩")


def contract_kind(value: str) -> ContractKind:
    try:
        return ContractKind(value)
    except ValueError:
        raise ValidationError(field="合同类型", reason="应为发包/承包、租赁、工程、采购或服务") from None


def direction(value: str) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        raise ValidationError(field="收付方向", reason="应为应收或应付") from None


def status_of(c: Contract, today: date) -> str:
    """active / expired / terminated: an active contract past its end date reads as 已到期."""
    if c.status == "terminated":
        return "terminated"
    return "expired" if c.end_date < today else "active"


def load_contract(s: Session, contract_id: str) -> Contract:
    c = s.get(Contract, contract_id)
    if c is None:
        raise NotFound(what="这份合同")
    return c


def load_asset(s: Session, asset_id: str) -> Asset:
    a = s.get(Asset, asset_id)
    if a is None:
        raise NotFound(what="这项资产资源")
    return a


def _body(key: str | None) -> Body | None:
    try:
        return Body(key) if key else None
    except ValueError:
        return None


def decision_of(s: Session, c: Contract) -> tuple[Decision | None, MatterStep | None]:
    """The decision ``c`` names for C33: its 五议两公开 step (with the matter's title), or its written reference."""
    if c.decision_step_id:
        st = s.get(MatterStep, c.decision_step_id)
        if st is not None:
            m = s.get(Matter, st.matter_id)
            return Decision(_body(st.body), st.passed, st.meeting_date, m.title if m else ""), st
    if c.decision_ref:
        return Decision(written=c.decision_ref), None
    return None, None


def check_step_of_village(s: Session, step_id: str, village_id: str) -> MatterStep:
    """The 五议两公开 step a contract names must exist, be final and belong to the contract's village."""
    st = s.get(MatterStep, step_id)
    m = s.get(Matter, st.matter_id) if st is not None else None
    if st is None or m is None or m.village_id != village_id:
        raise NotFound(what="所关联的本村五议两公开决议")
    if st.step_type != StepType.RESOLVE.value:
        raise ValidationError(
            field="决议", reason="请选择村民会议或村民代表会议的决议（五议两公开的“决议”步骤）"
        )
    if st.state != "final":
        raise ValidationError(field="决议", reason="所选的会议记录还是草稿，请先在五议两公开中定稿")
    return st
