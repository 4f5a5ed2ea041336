"""One-call entry points for the section pages and the main window.

    from quzhou_desktop.gui.printing.actions import preview_notice
    preview_notice(self, ctx, "resolution", step_id)      # 预览 / 打印 / 另存为PDF

Opening a preview issues the notice: a 核验码 is recorded (audited) for the content shown, because what the user
prints or saves from the preview must carry it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from quzhou_desktop.gui.messages import attempt, show_info
from quzhou_desktop.gui.printing.preview import PreviewDialog
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.notices.issue import KIND_LABELS, IssuedNotice, due_items, print_notices


def _codes(issued: Sequence[IssuedNotice]) -> str:
    if len(issued) == 1:
        return f"核验码 {issued[0].code}，共 {issued[0].pages} 页"
    return f"{len(issued)} 份公告，共 {sum(i.pages for i in issued)} 页，每份页脚印有各自的核验码"


def open_preview(parent: QWidget | None, pdf: bytes, issued: Sequence[IssuedNotice]) -> PreviewDialog:
    first = issued[0].document
    title = first.title if len(issued) == 1 else "本期公告批量打印"
    dialog = PreviewDialog(
        pdf, title=title, suggested_name=f"{title}.pdf", info=_codes(issued), parent=parent
    )
    dialog.show()
    return dialog


def preview_notice(
    parent: QWidget | None, ctx: AppContext, kind: str, record_id: str, *, paper: str = "A4"
) -> PreviewDialog | None:
    """Build, issue and preview one notice (KIND_LABELS keys: plan, resolution, result, finance, review,
    voucher, register). Errors (no permission, C31 review missing, a character no font has …) become a
    message box and None is returned."""

    def work() -> tuple[bytes, list[IssuedNotice]]:
        buf = io.BytesIO()
        issued = print_notices(ctx, [(kind, record_id)], buf, paper=paper)
        return buf.getvalue(), issued

    result = attempt(parent, work)
    if result is None:
        return None
    return open_preview(parent, *result)


def choose_villages(parent: QWidget | None, ctx: AppContext) -> list[str] | None:
    """Ask which villages to batch-print for (all ticked by default); None when cancelled."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QListWidgetItem, QVBoxLayout

    from quzhou_desktop.services.roster.villages import list_villages

    villages = attempt(parent, lambda: list_villages(ctx))
    if not villages:
        return None
    if len(villages) == 1:
        return [villages[0].id]
    dialog = QDialog(parent)
    dialog.setWindowTitle("批量打印：选择村")
    listing = QListWidget(dialog)
    for v in villages:
        item = QListWidgetItem(v.label, listing)
        item.setData(Qt.ItemDataRole.UserRole, v.id)
        item.setCheckState(Qt.CheckState.Checked)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=dialog
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(listing)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    items = [listing.item(i) for i in range(listing.count())]
    return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]


def batch_print(
    parent: QWidget | None, ctx: AppContext, village_ids: Sequence[str], *, paper: str = "A4"
) -> Task[tuple[bytes, list[IssuedNotice]]] | None:
    """Every notice due this period for ``village_ids`` into one PDF, in the background with progress; the
    preview opens when done.  Returns the task (None when nothing is due)."""
    items = attempt(parent, lambda: due_items(ctx, list(village_ids), ctx.clock.today()))
    if items is None:
        return None
    if not items:
        show_info(parent, "本期没有尚未打印的应公开公告。", title="批量打印")
        return None

    def work(progress: Progress) -> tuple[bytes, list[IssuedNotice]]:
        def report(done: int, total: int) -> None:
            progress.check()
            kind = items[min(done, len(items)) - 1][0]
            text = "正在生成 PDF…" if done >= total else f"正在准备{KIND_LABELS[kind]}（{done}/{total - 1}）"
            progress.report(done, total, text)

        buf = io.BytesIO()
        issued = print_notices(ctx, items, buf, paper=paper, progress=report)
        return buf.getvalue(), issued

    return run_task(
        work,
        parent=parent,
        title="批量打印",
        label="正在生成本期公告…",
        cancellable=True,
        on_success=lambda r: open_preview(parent, *r),
    )
