"""The navigation sections and the factory that builds each one's page.

Each factory imports its page module when the section is first opened (start-up stays fast) and builds the
page as ``Page(ctx, parent)``. Pages subclass ``gui.widgets.pages.SectionPage``, so the type checker sees
every page class by name: a misspelt class or module fails mypy, and the test that builds every section
from ``SECTIONS`` fails with an ImportError. A page that fails to build raises like any other bug, which
the crash dialog reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QStyle, QWidget

from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext

PageFactory = Callable[[AppContext, QWidget | None], SectionPage]


def dashboard_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.shell.dashboard import DashboardPage

    return DashboardPage(ctx, parent)


def matters_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.matters.page import MattersPage

    return MattersPage(ctx, parent)


def disclosures_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.disclosures.page import DisclosuresPage

    return DisclosuresPage(ctx, parent)


def vouchers_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.vouchers.page import VouchersPage

    return VouchersPage(ctx, parent)


def contracts_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.contracts.page import ContractsPage

    return ContractsPage(ctx, parent)


def evaluations_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.evaluations.page import EvaluationsPage

    return EvaluationsPage(ctx, parent)


def spreadsheets_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.spreadsheets.page import SpreadsheetsPage

    return SpreadsheetsPage(ctx, parent)


def exchange_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.exchange.page import ExchangePage

    return ExchangePage(ctx, parent)


def roster_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.roster.page import RosterPage

    return RosterPage(ctx, parent)


def settings_page(ctx: AppContext, parent: QWidget | None) -> SectionPage:
    from quzhou_desktop.gui.settings.page import SettingsPage

    return SettingsPage(ctx, parent)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: PageFactory
    icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_FileIcon


SP = QStyle.StandardPixmap
SECTIONS: tuple[Section, ...] = (
    Section("dashboard", "工作台", dashboard_page, SP.SP_DesktopIcon),
    Section("matters", "五议两公开", matters_page, SP.SP_FileDialogDetailedView),
    Section("disclosures", "三务公开", disclosures_page, SP.SP_FileDialogInfoView),
    Section("vouchers", "村务监督", vouchers_page, SP.SP_DialogApplyButton),
    Section("contracts", "合同与资产", contracts_page, SP.SP_FileDialogContentsView),
    Section("evaluations", "民主评议", evaluations_page, SP.SP_DialogYesButton),
    Section("spreadsheets", "导入导出", spreadsheets_page, SP.SP_DriveHDIcon),
    Section("exchange", "数据交换", exchange_page, SP.SP_DriveNetIcon),
    Section("roster", "花名册", roster_page, SP.SP_FileDialogListView),
    Section("settings", "设置", settings_page, SP.SP_ComputerIcon),
)


def section(key: str) -> Section:
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def build_page(sec: Section, ctx: AppContext, parent: QWidget | None) -> SectionPage:
    """Construct the section's page (exceptions propagate: a page that cannot be built is a bug)."""
    return sec.build(ctx, parent)
