"""The village-year archive (村务档案): the categories of the 村级档案管理办法 an archived item belongs to, their
retention periods (township settings), and which category each kind of item files under (C42).

Pure values: the services decide which records go into an archive; this module only says how each is filed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "RETENTIONS",
    "ArchiveCategory",
    "Filed",
    "ItemKind",
    "category_of",
    "file_item",
    "longest",
    "retention_label",
    "retention_of",
    "setting_key",
]


class ArchiveCategory(Enum):
    """The classes of 村级档案 this app produces (《村级档案管理办法》第八条 and its 保管期限表)."""

    PARTY = "party"
    ADMIN = "admin"
    BUSINESS = "business"
    CONSTRUCTION = "construction"
    ACCOUNTING = "accounting"
    AUDIOVISUAL = "audiovisual"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def order(self) -> int:
        return list(ArchiveCategory).index(self)


_LABELS = {
    ArchiveCategory.PARTY: "党群工作类",
    ArchiveCategory.ADMIN: "村务管理类",
    ArchiveCategory.BUSINESS: "经营管理类",
    ArchiveCategory.CONSTRUCTION: "基本建设类",
    ArchiveCategory.ACCOUNTING: "会计类",
    ArchiveCategory.AUDIOVISUAL: "声像类",
}

# Retention periods (保管期限): value stored in the settings → label users read.
RETENTIONS: tuple[tuple[str, str], ...] = (("permanent", "永久"), ("30y", "30年"), ("10y", "10年"))
_RETENTION_LABELS = dict(RETENTIONS)
_RANK = {"permanent": 0, "30y": 1, "10y": 2}


def retention_label(value: str) -> str:
    return _RETENTION_LABELS.get(value, value)


def longest(values: list[str]) -> str:
    """The longest of several retention periods (永久 beats 30年 beats 10年); 永久 for none."""
    return min(values, key=lambda v: _RANK.get(v, 0), default="permanent")


def setting_key(category: ArchiveCategory) -> str:
    """The ``TownshipRules`` field holding the category's retention period."""
    return f"archive_retention_{category.value}"


class ItemKind(Enum):
    """What an archived file is, as the catalogue files it."""

    REGISTER_FORM = "register"  # 五议两公开登记表
    PLAN = "plan"
    RESOLUTION = "resolution"
    RESULT = "result"
    MINUTES = "minutes"  # 会议记录 of a meeting step
    PARTY_DISCLOSURE = "party_disclosure"
    VILLAGE_DISCLOSURE = "village_disclosure"
    FINANCE_DISCLOSURE = "finance"
    CONTRACT = "contract"
    WORKS_CONTRACT = "works_contract"  # 工程 contracts file under 基本建设类
    EVALUATION = "evaluation"
    REVIEW = "review"  # 村监会月度审核意见书
    VOUCHER = "voucher"
    PHOTO = "photo"  # a photograph attached to any record
    LEDGER_ACCOUNTING = "ledger_accounting"  # 支出凭证台账, 收支明细账
    LEDGER_ADMIN = "ledger_admin"  # 花名册, 五议两公开台账, 三务公开台账, 村务监督台账
    LEDGER_BUSINESS = "ledger_business"  # 合同台账, 资产资源台账
    VERIFY_REPORT = "verify_report"  # the archive's own evidence: 校验报告, 清单


_CATEGORY: dict[ItemKind, ArchiveCategory] = {
    ItemKind.REGISTER_FORM: ArchiveCategory.ADMIN,
    ItemKind.PLAN: ArchiveCategory.ADMIN,
    ItemKind.RESOLUTION: ArchiveCategory.ADMIN,
    ItemKind.RESULT: ArchiveCategory.ADMIN,
    ItemKind.MINUTES: ArchiveCategory.ADMIN,
    ItemKind.PARTY_DISCLOSURE: ArchiveCategory.PARTY,
    ItemKind.VILLAGE_DISCLOSURE: ArchiveCategory.ADMIN,
    ItemKind.FINANCE_DISCLOSURE: ArchiveCategory.ACCOUNTING,
    ItemKind.CONTRACT: ArchiveCategory.BUSINESS,
    ItemKind.WORKS_CONTRACT: ArchiveCategory.CONSTRUCTION,
    ItemKind.EVALUATION: ArchiveCategory.ADMIN,
    ItemKind.REVIEW: ArchiveCategory.ADMIN,
    ItemKind.VOUCHER: ArchiveCategory.ACCOUNTING,
    ItemKind.PHOTO: ArchiveCategory.AUDIOVISUAL,
    ItemKind.LEDGER_ACCOUNTING: ArchiveCategory.ACCOUNTING,
    ItemKind.LEDGER_ADMIN: ArchiveCategory.ADMIN,
    ItemKind.LEDGER_BUSINESS: ArchiveCategory.BUSINESS,
    ItemKind.VERIFY_REPORT: ArchiveCategory.ADMIN,
}


def category_of(kind: ItemKind) -> ArchiveCategory:
    """C42: the category an item of ``kind`` files under."""
    return _CATEGORY[kind]


def retention_of(settings: object, category: ArchiveCategory) -> str:
    """C42: the retention period (a ``RETENTIONS`` value) the township set for ``category``."""
    value = getattr(settings, setting_key(category))
    assert isinstance(value, str)
    return value


@dataclass(frozen=True)
class Filed:
    """How one item is filed: its category and retention period, both as users read them."""

    category: ArchiveCategory
    retention: str  # a RETENTIONS value

    @property
    def category_label(self) -> str:
        return self.category.label

    @property
    def retention_label(self) -> str:
        return retention_label(self.retention)


def file_item(settings: object, kind: ItemKind) -> Filed:
    category = category_of(kind)
    return Filed(category, retention_of(settings, category))
