"""A 打印/预览 button for a record's notices: a menu of the notice kinds that apply to the selection; each
entry builds the notice, issues its 核验码 and opens the preview (print / save as PDF from there)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

# (menu text, notice kind, record id — None when the selection has no such notice yet, with a reason text)
NoticeEntry = tuple[str, str, "str | None"]


class PrintButton(QToolButton):
    def __init__(
        self,
        ctx: AppContext,
        entries: Callable[[], list[NoticeEntry]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries = entries
        self.setText(tr("打印/预览"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._rebuild)
        self.setMenu(self.menu_)
        self.setVisible(ctx.can(Perm.PRINT))

    def _rebuild(self) -> None:
        self.menu_.clear()
        items = self.entries()
        if not items:
            self.menu_.addAction(tr("请先选择一条记录")).setEnabled(False)
        for text, kind, record_id in items:
            action = self.menu_.addAction(text)
            action.setEnabled(record_id is not None)
            if record_id is not None:
                action.triggered.connect(lambda _c=False, k=kind, r=record_id: self.open(k, r))

    def open(self, kind: str, record_id: str) -> None:
        from quzhou_desktop.gui.printing.actions import preview_notice

        preview_notice(self.window(), self.ctx, kind, record_id)
