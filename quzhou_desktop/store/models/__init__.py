"""All mapped tables. Importing this package registers every model on ``Base.metadata``."""

from __future__ import annotations

from quzhou_desktop.store.models.attachments import Attachment, AttachmentBlob
from quzhou_desktop.store.models.audit import AuditEntry
from quzhou_desktop.store.models.base import Audited, Base, new_uuid, utcnow
from quzhou_desktop.store.models.contracts import (
    Asset,
    Contract,
    ContractDeposit,
    ContractParty,
    ContractPayment,
    ContractScheduleLine,
)
from quzhou_desktop.store.models.disclosures import (
    Disclosure,
    DisclosureFeedback,
    DisclosureItem,
    NoticePrint,
)
from quzhou_desktop.store.models.evaluations import Evaluation, EvaluationEntry
from quzhou_desktop.store.models.exchange import (
    ExchangeAccepted,
    ExchangeConflict,
    ExchangeFork,
    ExchangePending,
    ExchangeReceipt,
    ExchangeSite,
)
from quzhou_desktop.store.models.matters import Matter, MatterStep, StepAmendment, StepAttendance
from quzhou_desktop.store.models.org import KinLink, Membership, Person, Township, Village
from quzhou_desktop.store.models.peers import PeerAct, PeerKey
from quzhou_desktop.store.models.trust import SignedAct, SigningKey
from quzhou_desktop.store.models.users import UserAccount, UserVillage
from quzhou_desktop.store.models.vouchers import LedgerLine, MonthlyReview, Voucher, VoucherEvent

__all__ = [
    "Asset",
    "Attachment",
    "AttachmentBlob",
    "AuditEntry",
    "Audited",
    "Base",
    "Contract",
    "ContractDeposit",
    "ContractParty",
    "ContractPayment",
    "ContractScheduleLine",
    "Disclosure",
    "DisclosureFeedback",
    "DisclosureItem",
    "Evaluation",
    "EvaluationEntry",
    "ExchangeAccepted",
    "ExchangeConflict",
    "ExchangeFork",
    "ExchangePending",
    "ExchangeReceipt",
    "ExchangeSite",
    "KinLink",
    "LedgerLine",
    "Matter",
    "MatterStep",
    "Membership",
    "MonthlyReview",
    "NoticePrint",
    "PeerAct",
    "PeerKey",
    "Person",
    "SignedAct",
    "SigningKey",
    "StepAmendment",
    "StepAttendance",
    "Township",
    "UserAccount",
    "UserVillage",
    "Village",
    "Voucher",
    "VoucherEvent",
    "new_uuid",
    "utcnow",
]
