"""The registers (台账) that can be exported, with their Chinese names, in display order.

Kept apart from ``services.exports.registers`` (which imports openpyxl) so the GUI and CLI can list them cheaply."""

from __future__ import annotations

EXPORT_KINDS: dict[str, str] = {
    "people": "花名册",
    "vouchers": "支出凭证台账",
    "ledger": "收支明细账",
    "matters": "五议两公开台账",
    "disclosures": "三务公开台账",
    "supervision": "村务监督台账",
    "contracts": "合同台账",
    "assets": "资产资源台账",
}
