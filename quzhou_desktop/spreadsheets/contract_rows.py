"""Cells and rows of the asset and contract ledgers villages keep: areas (“85.5”, “12.5亩”, “420㎡”), and the row
checks that map the written 类别, 使用状态, 合同类型 and 收付方式 to their keys and refuse impossible terms."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from quzhou_desktop.core.contracts import PERIODS, AssetKind, AssetStatus, ContractKind
from quzhou_desktop.spreadsheets.values import BadValue, cell_text

Problem = tuple[str, str]

_UNITS = {"亩": "亩", "平方米": "平方米", "平米": "平方米", "㎡": "平方米", "m2": "平方米", "m²": "平方米"}
_AREA = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?\s*(亩|平方米|平米|㎡|m2|m²)?")
MAX_AREA = 10**11  # hundredths


def to_area(value: Any) -> tuple[int, str | None]:
    """An area in hundredths and the unit the cell writes (None when it writes none)."""
    if isinstance(value, bool):
        raise BadValue("不是有效的面积")
    if isinstance(value, (int, float)):
        if value != value or not 0 < value * 100 <= MAX_AREA or round(value * 100) != round(value * 100, 6):
            raise BadValue("不是有效的面积（应大于0，最多两位小数）")
        return round(value * 100), None
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().replace("M2", "m2")
    m = _AREA.fullmatch(text)
    if m is None:
        raise BadValue("不是有效的面积（最多两位小数，如 85.5、12.5亩、420平方米）")
    centi = int(m.group(1).replace(",", "") + ((m.group(2) or "") + "00")[:2])
    if not 0 < centi <= MAX_AREA:
        raise BadValue("不是有效的面积（应大于0）")
    return centi, _UNITS.get(m.group(3) or "")


def _by_label(labels: dict[str, str], written: str) -> str | None:
    text = written.replace(" ", "")
    return labels.get(text)


ASSET_KINDS = {k.label: k.value for k in AssetKind} | {
    "房屋": "building", "建筑物": "building", "房产": "building", "厂房": "building", "仓库": "building",
    "耕地": "land", "农田": "land", "土地资源": "land", "建设用地": "land", "园地": "land",
    "水塘": "water", "山塘": "water", "水库": "water", "鱼塘": "water", "滩涂": "water",
    "林地": "forest", "林木": "forest", "山林": "forest", "竹林": "forest",
    "设备": "equipment", "机械": "equipment", "机器": "equipment",
}  # fmt: skip
ASSET_STATUSES = {s.label: s.value for s in AssetStatus} | {
    "自营": "self_use", "在用": "self_use", "租赁": "leased", "出租中": "leased", "发包": "contracted",
    "承包中": "contracted", "空置": "idle", "未使用": "idle",
}  # fmt: skip
CONTRACT_KINDS = {k.label: k.value for k in ContractKind} | {
    "发包": "contracting", "承包": "contracting", "承包经营": "contracting", "出租": "lease", "租用": "lease",
    "施工": "works", "工程施工": "works", "建设工程": "works", "购买": "purchase", "购销": "purchase",
    "劳务": "service", "委托服务": "service", "服务外包": "service",
}  # fmt: skip
PERIOD_KEYS = {label: key for key, (label, _m) in PERIODS.items()} | {
    "按年": "year", "年付": "year", "每年一次": "year", "半年": "half", "按半年": "half", "按季": "quarter",
    "按季度": "quarter", "季付": "quarter", "按月": "month", "月付": "month", "一次付清": "once",
    "一次性付清": "once", "一次": "once",
}  # fmt: skip


def check_assets(rec: dict[str, Any]) -> list[Problem]:
    kind = _by_label(ASSET_KINDS, rec.get("kind", ""))
    if kind is None:
        return [("kind", "不是可识别的类别（房屋建筑物、土地、水面、林地林木、机器设备或其他）")]
    status = _by_label(ASSET_STATUSES, rec.get("status", ""))
    if status is None:
        return [("status", "不是可识别的使用状态（自用、出租、承包或闲置）")]
    rec["kind"], rec["status"] = kind, status
    if rec.get("area_unit") is not None:
        unit = _UNITS.get(rec["area_unit"])
        if unit is None:
            return [("area_unit", "应为亩或平方米")]
        rec["area_unit"] = unit
    if rec.get("area") is not None:
        centi, written = rec["area"]
        if written and rec.get("area_unit") and written != rec["area_unit"]:
            return [("area", f"写的单位“{written}”与面积单位“{rec['area_unit']}”不一致")]
        rec["area"] = centi
        rec["area_unit"] = rec.get("area_unit") or written or AssetKind(kind).unit
    else:
        rec.pop("area_unit", None)
    if rec.get("value_fen") is not None and rec["value_fen"] < 0:
        return [("value_fen", "不能是负数")]
    return []


def check_contracts(rec: dict[str, Any]) -> list[Problem]:
    kind = _by_label(CONTRACT_KINDS, rec.get("kind", ""))
    if kind is None:
        return [("kind", "不是可识别的合同类型（发包/承包、租赁、工程、采购或服务）")]
    rec["kind"] = kind
    if rec.get("period") is not None:
        period = _by_label(PERIOD_KEYS, rec["period"])
        if period is None:
            return [("period", "不是可识别的收付方式（一次性、每年、每半年、每季度或每月）")]
        rec["period"] = period
    if rec.get("amount_fen") is not None and rec["amount_fen"] <= 0:
        return [("amount_fen", "不是有效的合同金额（应大于0）")]
    if rec.get("deposit_fen") is not None and rec["deposit_fen"] <= 0:
        rec.pop("deposit_fen")
    start, end = rec.get("start"), rec.get("end")
    if start is not None and end is not None and end < start:
        return [("end", f"早于开始日期{start.isoformat()}")]
    return []
