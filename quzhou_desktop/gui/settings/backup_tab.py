"""备份与恢复: back up now, list backups, restore (verified first; the app then re-opens the database),
and verify the open database (integrity, audit chain, records, attachments)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import ask, show_error, show_info
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import PERM_LABELS, Perm

REASONS = {
    "daily": "每日自动",
    "manual": "手动",
    "before-restore": "恢复前自动",
    "before-migration": "升级前自动",
}


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def start_backup(
    ctx: AppContext, parent: QWidget | None, *, on_done: Callable[[Path], object] | None = None
) -> Task[Path] | None:
    """Back up the open database on the worker thread (needs the 备份数据库 right)."""
    from quzhou_desktop.services.kernel.maintenance import backup_now

    if not ctx.can(Perm.BACKUP):
        show_error(parent, PermissionDenied(f"当前用户不能{PERM_LABELS[Perm.BACKUP]}"))
        return None
    path = ctx.db.path
    if path is None:
        show_error(parent, tr("内存数据库无法备份"))
        return None

    def done(dest: Path) -> None:
        if on_done is not None:
            on_done(dest)

    return run_task(lambda _p: backup_now(ctx), parent=parent, title=tr("正在备份"), on_success=done)


def verify_report(ctx: AppContext, progress: Progress) -> tuple[list[str], list[str]]:
    """(problems, notes) of ``services.integrity.verify_database``: the store's checks and the signatures."""
    from quzhou_desktop.services.integrity import verify_database as verify

    progress.report(0, 0, tr("正在校验数据库，请稍候…"))
    report = verify(ctx)
    return [p.message for p in report.problems], report.notes


class BackupTab(QWidget):
    reopenRequested = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.backups: list[Path] = []
        self.task: Task[object] | None = None
        lay = QVBoxLayout(self)
        where = QLabel(tr("数据库文件：") + ctx.db.label)
        where.setWordWrap(True)
        lay.addWidget(where)
        row = QHBoxLayout()
        self.backup_button = QPushButton(tr("立即备份"))
        self.verify_button = QPushButton(tr("校验数据库"))
        self.restore_button = QPushButton(tr("从所选备份恢复…"))
        for b in (self.backup_button, self.verify_button, self.restore_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.table = table(["备份时间", "类型", "大小", "文件"])
        lay.addWidget(self.table, 1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        lay.addWidget(self.result_label)
        self.backup_button.setEnabled(ctx.can(Perm.BACKUP))
        self.restore_button.setEnabled(ctx.can(Perm.RESTORE))
        self.backup_button.clicked.connect(self.backup_now)
        self.verify_button.clicked.connect(self.verify)
        self.restore_button.clicked.connect(self.restore_selected)
        self.refresh()

    def refresh(self) -> None:
        from quzhou_desktop.services.kernel.maintenance import list_backups

        infos = list_backups(self.ctx)
        self.backups = [b.path for b in infos]
        self.table.setRowCount(len(infos))
        if not infos:
            self.result_label.setText(
                tr("还没有备份。程序每天第一次启动时会自动备份一次，也可以点“立即备份”。")
            )
        for r, b in enumerate(infos):
            cells = [
                b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
                tr(REASONS.get(b.reason, b.reason)),
                _size(b.size),
                str(b.path),
            ]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def backup_now(self) -> None:
        def done(dest: Path) -> None:
            self.result_label.setText(tr("已备份到：") + str(dest))
            self.refresh()

        self.task = start_backup(self.ctx, self, on_done=done)

    def verify(self) -> None:
        def done(result: object) -> None:
            assert isinstance(result, tuple)
            problems, notes = result
            extra = "\n".join(notes)
            if problems:
                text = tr("校验未通过，发现 {n} 处问题：").format(n=len(problems))
                self.result_label.setText(text + "\n" + "\n".join(problems[:5]))
                show_error(self, text + "\n" + "\n".join(problems[:20]), title=tr("校验未通过"))
            else:
                self.result_label.setText(
                    tr(
                        "校验通过：完整性正常，审计链完整，记录与审计日志一致，附件完好，电子签名与账号授权有效。"
                    )
                    + ("\n" + extra if extra else "")
                )

        self.task = run_task(
            lambda p: verify_report(self.ctx, p), parent=self, title=tr("校验数据库"), on_success=done
        )

    def restore_selected(self) -> None:
        r = self.table.currentRow()
        if not 0 <= r < len(self.backups):
            show_info(self, tr("请先在列表中选择一个备份。"))
            return
        backup = self.backups[r]
        ask(
            self,
            tr(
                "用这个备份替换当前数据库？\n\n{path}\n\n恢复前会先校验备份；当前数据库会另存一份。恢复后需要重新登录。"
            ).format(path=backup),
            lambda: self.reopenRequested.emit(backup),
            title=tr("恢复数据库"),
            yes_text=tr("恢复"),
        )
