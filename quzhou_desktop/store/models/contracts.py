"""集体合同与资产资源台账: assets and resources, contracts, their parties, payment schedule lines, the payments
linked to vouchers, ledger lines or receipts, and deposits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from quzhou_desktop.store.models.base import Audited, Base


class Asset(Audited, Base):
    """One collective asset or resource (资产资源台账): a building, a plot of land or water, a forest, equipment."""

    __tablename__ = "asset"
    __table_args__ = (
        Index("ix_asset_village_name", "village_id", "name"),
        Index("ix_asset_village_status", "village_id", "status"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    code: Mapped[str | None] = mapped_column(String(30))  # 资产编号, unique in the village when given
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # building, land, water, forest, equipment, other (``core.contracts.AssetKind``)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    area_centi: Mapped[int | None] = mapped_column(Integer)  # area in hundredths of ``area_unit``
    area_unit: Mapped[str | None] = mapped_column(String(10))  # 平方米 / 亩
    value_fen: Mapped[int | None] = mapped_column(Integer)  # 原值 or 评估价值
    acquired_on: Mapped[date | None] = mapped_column(Date)
    # self_use 自用, leased 出租, contracted 承包, idle 闲置 (``core.contracts.AssetStatus``)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)  # False once disposed of


class Contract(Audited, Base):
    """A collective contract (合同台账): what it covers, for how much, for how long, and the decision behind it."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("village_id", "number", name="uq_contract_number"),
        Index("ix_contract_village_end", "village_id", "end_date"),
        Index("ix_contract_status_end", "status", "end_date"),
        # the contract in force for an asset (asset register, 出租 without a contract): one index range
        Index("ix_contract_asset", "asset_id", "status", "end_date"),
    )

    village_id: Mapped[str] = mapped_column(ForeignKey("village.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(30), nullable=False)  # 合同编号
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    # contracting 发包/承包, lease 租赁, works 工程, purchase 采购, service 服务 (``core.contracts.ContractKind``)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    asset_id: Mapped[str | None] = mapped_column(ForeignKey("asset.id"))
    subject: Mapped[str | None] = mapped_column(String(200))  # what it covers, in words
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)  # 合同总金额
    signed_on: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    # C33: the 五议两公开 决议 step (村民会议 / 村民代表会议) or a decision on paper named in words
    decision_step_id: Mapped[str | None] = mapped_column(ForeignKey("matter_step.id"))
    decision_ref: Mapped[str | None] = mapped_column(String(200))
    # active 履行中, terminated 已终止 (before its end, with a reason); expired is read from ``end_date``
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(Text)
    disclosure_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure.id"))  # 合同公开
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(36))


class ContractParty(Audited, Base):
    """The other side of a contract (乙方): a villager of the roster or an outside company or person."""

    __tablename__ = "contract_party"
    __table_args__ = (Index("ix_contract_party_contract", "contract_id", "seq"),)

    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # villager / company
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    id_code: Mapped[str | None] = mapped_column(String(30))  # 统一社会信用代码 of a company
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ContractScheduleLine(Audited, Base):
    """One instalment of a contract's payment schedule (应收 or 应付 by date; C34)."""

    __tablename__ = "contract_schedule_line"
    __table_args__ = (
        Index("ix_contract_schedule_contract", "contract_id", "seq"),
        Index("ix_contract_schedule_due", "due_on"),
    )

    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    direction: Mapped[str] = mapped_column(String(12), nullable=False)  # receivable 应收 / payable 应付
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)  # False once replaced


class ContractPayment(Audited, Base):
    """Money received or paid against a schedule line, tied to a 支出凭证, a 收支明细 line or a paper receipt."""

    __tablename__ = "contract_payment"

    line_id: Mapped[str] = mapped_column(ForeignKey("contract_schedule_line.id"), nullable=False, index=True)
    voucher_id: Mapped[str | None] = mapped_column(ForeignKey("voucher.id"), index=True)
    ledger_line_id: Mapped[str | None] = mapped_column(ForeignKey("ledger_line.id"), index=True)
    receipt_no: Mapped[str | None] = mapped_column(String(40))  # 收据号 when neither is recorded yet
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)  # False once withdrawn


class ContractDeposit(Audited, Base):
    """A deposit under a contract (租赁押金, 履约保证金, 质量保证金): received or paid, and when it went back."""

    __tablename__ = "contract_deposit"

    contract_id: Mapped[str] = mapped_column(ForeignKey("contract.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # 押金 / 履约保证金 / 质量保证金
    direction: Mapped[str] = mapped_column(String(12), nullable=False)  # receivable (收取) / payable (缴纳)
    amount_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    received_on: Mapped[date | None] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)  # False once entered wrongly
