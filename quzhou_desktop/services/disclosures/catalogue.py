"""三务公开: each village's 公开目录 — the township defaults (``core.disclosures.CATALOGUE``: 组织法 第三十条,
财务公开规定, Zhejiang practice) plus township changes and a village's own items.  Nothing is deleted: items are
retired."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from quzhou_desktop.core.disclosures import CATALOGUE, CatalogueItem, DisclosureKind
from quzhou_desktop.core.errors import Conflict, NotFound, ValidationError
from quzhou_desktop.services.disclosures.disclosure import CADENCE_LABELS, check_category
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.services.kernel.validate import optional, required
from quzhou_desktop.store.models import DisclosureItem


@dataclass(frozen=True)
class ItemInfo:
    id: str
    village_id: str | None  # None = township default
    category: str
    name: str
    cadence: str
    basis: str | None
    active: bool

    @property
    def kind(self) -> DisclosureKind:
        return {"fixed": DisclosureKind.FIXED, "immediate": DisclosureKind.IMMEDIATE}.get(
            self.cadence, DisclosureKind.REGULAR
        )


# ---------------------------------------------------------------------------------------------------------
# 公开目录

_CADENCE_OF = {DisclosureKind.FIXED: "fixed", DisclosureKind.IMMEDIATE: "immediate"}


# Default items written by earlier versions end their 依据 with source codes no user can read, e.g.
# "每季度（S6, S26）"; they are restated with the source as a clerk would quote it.
_OLD_SOURCE_CODES = re.compile(r"（S\d+(?:, S\d+)*）$")


def _basis(c: CatalogueItem) -> str:
    return f"{c.cadence}（{c.source}）"


def ensure_default_catalogue(ctx: AppContext) -> int:
    """Create the township-default 公开目录 once (village_id None). Returns rows added.

    When the defaults exist, restates (audited) the 依据 of default items still written with source codes."""
    with ctx.read() as s:
        defaults = list(s.scalars(select(DisclosureItem).where(DisclosureItem.village_id.is_(None))))
    if defaults:
        _restate_old_sources(ctx, [d.id for d in defaults if _OLD_SOURCE_CODES.search(d.basis or "")])
        return 0
    with ctx.write("disclosure.catalogue_defaults") as s:
        for c in CATALOGUE:
            s.add(
                DisclosureItem(
                    village_id=None,
                    category=c.category.value,
                    name=c.title,
                    cadence=_CADENCE_OF.get(c.kind, "quarterly"),
                    basis=_basis(c),
                    active=True,
                )
            )
    return len(CATALOGUE)


def _restate_old_sources(ctx: AppContext, item_ids: list[str]) -> None:
    if not item_ids:
        return
    by_name = {(c.category.value, c.title): c for c in CATALOGUE}
    with ctx.write("disclosure.catalogue_sources") as s:
        for i in s.scalars(select(DisclosureItem).where(DisclosureItem.id.in_(item_ids))):
            c = by_name.get((i.category, i.name))
            if c is not None:
                i.basis = _basis(c)
            else:  # an item since renamed: keep what it says, without the codes
                i.basis = _OLD_SOURCE_CODES.sub("", i.basis or "") or None


def _item(i: DisclosureItem) -> ItemInfo:
    return ItemInfo(i.id, i.village_id, i.category, i.name, i.cadence, i.basis, i.active)


def list_items(ctx: AppContext, village_id: str | None, *, include_inactive: bool = False) -> list[ItemInfo]:
    """A village's 公开目录: township defaults plus its own items (``village_id`` None: defaults only)."""
    if village_id is not None:
        ctx.require_village(village_id)
    with ctx.read() as s:
        q = select(DisclosureItem)
        if village_id is None:
            q = q.where(DisclosureItem.village_id.is_(None))
        else:
            q = q.where((DisclosureItem.village_id.is_(None)) | (DisclosureItem.village_id == village_id))
        if not include_inactive:
            q = q.where(DisclosureItem.active.is_(True))
        order = {"party": 0, "village": 1, "finance": 2}
        rows = [_item(i) for i in s.scalars(q)]
    return sorted(rows, key=lambda i: (order.get(i.category, 9), i.village_id is not None, i.name))


def add_item(
    ctx: AppContext, village_id: str | None, *, category: str, name: str, cadence: str, basis: str = ""
) -> ItemInfo:
    """Add a catalogue line: township-wide (``village_id`` None, needs 修改乡镇规则设置) or for one village."""
    if village_id is None:
        ctx.require(Perm.SETTINGS_EDIT)
    else:
        ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    check_category(category)
    if cadence not in CADENCE_LABELS:
        raise ValidationError(field="公开时限", reason="应为固定、每季度、每月或即时")
    name = required(name, "公开事项", max_len=100)
    with ctx.write("disclosure.item_create") as s:
        clash = s.scalars(
            select(DisclosureItem).where(
                DisclosureItem.name == name,
                DisclosureItem.category == category,
                DisclosureItem.active.is_(True),
                (DisclosureItem.village_id.is_(None)) | (DisclosureItem.village_id == village_id),
            )
        ).first()
        if clash is not None:
            raise Conflict(f"公开目录中已有“{name}”")
        row = DisclosureItem(
            village_id=village_id,
            category=category,
            name=name,
            cadence=cadence,
            basis=optional(basis, "依据", max_len=200),
        )
        s.add(row)
        s.flush()
        return _item(row)


def set_item_active(ctx: AppContext, item_id: str, active: bool, *, reason: str) -> None:
    """Take an item out of (or back into) the catalogue; never deleted, past disclosures keep their link."""
    if not reason.strip():
        raise ValidationError(field="原因", reason="停用或恢复公开事项需要写明原因")
    with ctx.read() as s:
        row = s.get(DisclosureItem, item_id)
        if row is None:
            raise NotFound(what="这个公开事项")
        village_id = row.village_id
    if village_id is None:
        ctx.require(Perm.SETTINGS_EDIT)
    else:
        ctx.require(Perm.DISCLOSURE_EDIT, village_id)
    with ctx.write("disclosure.item_set_active", reason=reason) as s:
        row = s.get(DisclosureItem, item_id)
        assert row is not None
        row.active = active
