"""The navigation sections and how their pages are found.

Each section names a module and a class; the main window imports the module the first time the user opens
the section (start-up stays fast) and builds the page as ``cls(ctx, parent)``. A page must provide
``set_village(village_id: str | None) -> None``; it may provide ``refresh() -> None`` (called each time the
section is shown again) and the Qt signals ``villagesChanged()`` (villages were added or edited) and
``reopenRequested(object)`` (a backup path to restore: the app closes, restores, re-opens the database and
asks for a new login). A section whose module does not exist yet shows a plain "not available" page.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QStyle, QWidget

from quzhou_desktop.services.kernel.context import AppContext

log = logging.getLogger(__name__)


class SectionPage(Protocol):
    """What the main window needs from a page (constructor: ``cls(ctx, parent)``)."""

    def set_village(self, village_id: str | None) -> None: ...


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    module: str
    class_name: str
    icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_FileIcon


SP = QStyle.StandardPixmap
SECTIONS: list[Section] = [
    Section("dashboard", "工作台", "quzhou_desktop.gui.shell.dashboard", "DashboardPage", SP.SP_DesktopIcon),
    Section(
        "matters",
        "五议两公开",
        "quzhou_desktop.gui.matters.page",
        "MattersPage",
        SP.SP_FileDialogDetailedView,
    ),
    Section(
        "disclosures",
        "三务公开",
        "quzhou_desktop.gui.disclosures.page",
        "DisclosuresPage",
        SP.SP_FileDialogInfoView,
    ),
    Section(
        "vouchers", "村务监督", "quzhou_desktop.gui.vouchers.page", "VouchersPage", SP.SP_DialogApplyButton
    ),
    Section(
        "exchange", "导入导出", "quzhou_desktop.gui.spreadsheets.page", "ExchangePage", SP.SP_DriveHDIcon
    ),
    Section("roster", "花名册", "quzhou_desktop.gui.roster.page", "RosterPage", SP.SP_FileDialogListView),
    Section("settings", "设置", "quzhou_desktop.gui.settings.page", "SettingsPage", SP.SP_ComputerIcon),
]


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def register_section(new: Section, *, before: str | None = None) -> None:
    """Add (or replace, by key) a section; ``before`` names the key it goes in front of."""
    SECTIONS[:] = [s for s in SECTIONS if s.key != new.key]
    keys = [s.key for s in SECTIONS]
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), new)


def _missing(exc: ModuleNotFoundError, module: str) -> bool:
    """True when the section's own module (or its package) is absent, not one of its imports."""
    name = exc.name or ""
    return bool(name) and (module == name or module.startswith(name + "."))


def load_class(module: str, class_name: str) -> type | None:
    """The class, or None when its module does not exist yet. Other import errors propagate."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if _missing(exc, module):
            log.info("section module %s not present yet", module)
            return None
        raise
    cls = getattr(mod, class_name, None)
    return cls if isinstance(cls, type) else None


def build_page(sec: Section, ctx: AppContext, parent: QWidget | None) -> QWidget:
    """Construct the section's page, or an honest placeholder when it is not built yet."""
    from quzhou_desktop.gui.placeholder import FailedPage, PendingPage

    try:
        cls = load_class(sec.module, sec.class_name)
    except Exception:
        log.exception("section %s failed to load", sec.key)
        return FailedPage(sec.title, parent)
    if cls is None:
        return PendingPage(sec.title, parent)
    page = cls(ctx, parent)
    assert isinstance(page, QWidget)
    return page
