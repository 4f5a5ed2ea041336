"""What the main window and the 工作台 require of the widgets they show, as base classes mypy checks.

A navigation section's page subclasses ``SectionPage``; a 工作台 panel subclasses ``DashboardPanel``. Both are
built as ``cls(ctx, parent)`` by the factories that ``gui.shell.sections`` and ``gui.shell.dashboard`` name by
ordinary imports, so a page or panel that lacks what the window calls fails the type check.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QWidget

from quzhou_desktop.services.kernel.context import AppContext


class SectionPage(QWidget):
    """One navigation section. The window calls ``set_village`` when the page is built and whenever the
    village selector changes, and ``refresh`` each time the section is shown again."""

    villagesChanged = Signal()  # villages were added or edited: the window reloads its selector
    reopenRequested = Signal(object)  # Path of a backup to restore: the app closes, restores and re-opens

    def set_village(self, village_id: str | None) -> None:
        """Show ``village_id`` (None: no village is selected or visible)."""
        raise NotImplementedError(type(self).__name__)

    def refresh(self) -> None:
        """Re-read what other sections may have changed. Pages with nothing to re-read keep this."""


class DashboardPanel(QGroupBox):
    """One box on the 工作台, below its built-in summary. ``set_village`` remembers the village and fills the
    panel; ``refresh`` re-reads it for the remembered village (None: every village the user may see). The
    subclass sets its title; it is filled by the first ``set_village``, which the 工作台 calls at once."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        raise NotImplementedError(type(self).__name__)
