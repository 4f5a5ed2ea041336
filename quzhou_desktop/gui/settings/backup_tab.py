"""备份与恢复: back up now, list backups and the safety copies restores kept, restore (verified first; the app
then re-opens the database), delete a safety copy (administrators), and verify the open database (the file, the
audit chain, records, attachments, and every anchor outside the file — the journal, or files from a USB stick).
The site and its key fingerprint are shown at the top.

On a unit's server the backup is a pg_dump file on this PC, and a restore takes the file, the server
administrator's login and the administrator's signature in ``ServerRestoreDialog`` (settings.server_restore)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import ask, attempt, show_error, show_info
from quzhou_desktop.gui.tasks import Progress, Task, run_task
from quzhou_desktop.gui.widgets.dialogs import PasswordDialog
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import PERM_LABELS, Perm
from quzhou_desktop.services.kernel.server_backup import backup_folder

if TYPE_CHECKING:
    from quzhou_desktop.gui.settings.server_restore import ServerRestoreDialog

REASONS = {
    "daily": "每日自动",
    "manual": "手动",
    "before-restore": "恢复前副本（保留至管理员删除）",
    "before-migration": "升级前自动",
}


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def start_backup(
    ctx: AppContext, parent: QWidget | None, *, on_done: Callable[[Path], object] | None = None
) -> Task[Path] | None:
    """Back up the open database on the worker thread (needs the 备份数据库 right; audited)."""
    from quzhou_desktop.services.kernel.maintenance import backup_now

    if not ctx.can(Perm.BACKUP):
        show_error(parent, PermissionDenied(f"当前用户不能{PERM_LABELS[Perm.BACKUP]}"))
        return None
    path = ctx.db.path
    if path is None and ctx.db.server_url is None:
        show_error(parent, tr("内存数据库无法备份"))
        return None

    def done(dest: Path) -> None:
        if on_done is not None:
            on_done(dest)

    return run_task(lambda _p: backup_now(ctx), parent=parent, title=tr("正在备份"), on_success=done)


def verify_database(ctx: AppContext, progress: Progress, anchor_files: list[Path] | None = None) -> object:
    """The report of ``services.verification.run.verify`` (problems, notes, summary)."""
    from quzhou_desktop.services.verification.run import verify

    progress.report(0, 0, tr("正在校验数据库，请稍候…"))
    return verify(ctx, anchor_files=anchor_files or [])


def site_text(ctx: AppContext) -> str:
    """The site line: name, kind, this computer's key fingerprint (or what to do when there is none)."""
    from quzhou_desktop.core.signing import fingerprint
    from quzhou_desktop.services.kernel.site import local_key, read_site

    site = read_site(ctx.db)
    if site is None:
        return tr("站点：尚未设置（管理员登录后自动生成站点密钥）")
    key = local_key(site)
    head = tr("站点：") + f"{site.name}（{site.kind_label}）　"
    if key is None:
        return head + tr("本机没有站点密钥：请用管理员账号登录一次")
    return head + tr("站点密钥指纹：") + fingerprint(key.public)


class BackupTab(QWidget):
    reopenRequested = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.backups: list[Path] = []
        self.safety: set[Path] = set()
        self.task: Task[object] | None = None
        self.server_dialog: ServerRestoreDialog | None = None
        lay = QVBoxLayout(self)
        server = ctx.db.server_url is not None
        where = QLabel((tr("单位服务器上的数据库：") if server else tr("数据库文件：")) + ctx.db.label)
        where.setWordWrap(True)
        lay.addWidget(where)
        self.site_label = QLabel(site_text(ctx))
        self.site_label.setWordWrap(True)
        lay.addWidget(self.site_label)
        row = QHBoxLayout()
        self.backup_button = QPushButton(tr("立即备份"))
        self.verify_button = QPushButton(tr("校验数据库"))
        self.verify_files_button = QPushButton(tr("用U盘上的锚点或备份校验…"))
        self.restore_button = QPushButton(tr("从备份文件恢复…") if server else tr("从所选备份恢复…"))
        self.delete_button = QPushButton(tr("删除所选恢复前副本"))
        for b in (
            self.backup_button, self.verify_button, self.verify_files_button, self.restore_button,
            self.delete_button,
        ):  # fmt: skip
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.table = table(["备份时间", "类型", "大小", "文件"])
        lay.addWidget(self.table, 1)
        if server:  # nothing is listed: a server's backups are files on the PCs that made them
            self.table.hide()
            note = QLabel(
                tr(
                    "“立即备份”把服务器上的数据库备份到这台电脑（{folder}）；"
                    "恢复时选择这样的备份文件，服务器管理员的登录和您的签名确认后恢复。"
                ).format(folder=backup_folder(ctx))
            )
            note.setWordWrap(True)
            lay.addWidget(note)
            lay.addStretch(1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        lay.addWidget(self.result_label)
        self.backup_button.setEnabled(ctx.can(Perm.BACKUP))
        self.restore_button.setEnabled(ctx.can(Perm.RESTORE))
        self.delete_button.setEnabled(ctx.can(Perm.RESTORE))
        self.delete_button.setVisible(not server)  # a server's safety copies are databases on the server
        self.backup_button.clicked.connect(self.backup_now)
        self.verify_button.clicked.connect(self.verify)
        self.verify_files_button.clicked.connect(self.verify_with_files)
        self.restore_button.clicked.connect(self.restore_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.refresh()

    def refresh(self) -> None:
        from quzhou_desktop.services.kernel.maintenance import list_backups, list_safety_copies

        safety = list_safety_copies(self.ctx)
        infos = sorted([*list_backups(self.ctx), *safety], key=lambda b: b.taken_at, reverse=True)
        self.safety = {b.path for b in safety}
        self.backups = [b.path for b in infos]
        self.table.setRowCount(len(infos))
        self.site_label.setText(site_text(self.ctx))
        if not infos and self.ctx.db.server_url is None:
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

    def _show_report(self, report: object) -> None:
        from quzhou_desktop.services.verification.run import VerifyReport

        assert isinstance(report, VerifyReport)
        problems = [p.message for p in report.problems]
        notes = ("\n" + tr("说明：") + "\n" + "\n".join(report.notes[:5])) if report.notes else ""
        if problems:
            text = tr("校验未通过，发现 {n} 处问题：").format(n=len(problems))
            self.result_label.setText(text + "\n" + "\n".join(problems[:5]) + notes)
            show_error(self, text + "\n" + "\n".join(problems[:20]), title=tr("校验未通过"))
        else:
            self.result_label.setText(report.summary + notes)

    def verify(self, anchor_files: list[Path] | None = None) -> None:
        self.task = run_task(
            lambda p: verify_database(self.ctx, p, anchor_files),
            parent=self,
            title=tr("校验数据库"),
            on_success=self._show_report,
        )

    def verify_with_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            tr("选择锚点日志、回执或备份文件"),
            "",
            tr("锚点或备份 (*.jsonl *.json *.txt *.sqlite3);;所有文件 (*)"),
        )
        if names:
            self.verify([Path(n) for n in names])

    def _selected(self) -> Path | None:
        r = self.table.currentRow()
        if not 0 <= r < len(self.backups):
            show_info(self, tr("请先在列表中选择一个备份。"))
            return None
        return self.backups[r]

    def restore_selected(self) -> PasswordDialog | ServerRestoreDialog | None:
        """A restore is an administrator's signed act: the password is asked (and checked) here, before the
        window closes; the app then restores and re-opens the database."""
        from quzhou_desktop.services.kernel.keys import SignatureGrant, grant_signature
        from quzhou_desktop.services.kernel.maintenance import RestoreRequest

        if self.ctx.db.server_url is not None:
            return self.restore_server()
        backup = self._selected()
        if backup is None:
            return None
        granted: list[SignatureGrant] = []

        def sign(password: str) -> None:
            self.ctx.require(Perm.RESTORE)
            granted.append(grant_signature(self.ctx, password))

        dlg = PasswordDialog(
            tr("恢复数据库"),
            tr(
                "用这个备份替换当前数据库？\n\n{path}\n\n恢复前会先校验备份；当前数据库会另存一份恢复前副本。"
                "恢复记入审计日志并由您签名。恢复后需要重新登录。"
            ).format(path=backup),
            sign,
            parent=self,
        )
        dlg.accepted.connect(lambda: self.reopenRequested.emit(RestoreRequest(backup, granted[-1])))
        dlg.open()
        return dlg

    def restore_server(self) -> ServerRestoreDialog | None:
        """A server database: the backup file, the server administrator's login and the signature are asked
        (and checked) in a dialog; the app then closes the window, restores on the worker thread and connects
        again."""
        from quzhou_desktop.gui.settings.server_restore import ServerRestoreDialog

        if not self.ctx.can(Perm.RESTORE):
            show_error(self, PermissionDenied(f"当前用户不能{PERM_LABELS[Perm.RESTORE]}"))
            return None
        dlg = ServerRestoreDialog(self.ctx, self, folder=backup_folder(self.ctx))
        dlg.accepted.connect(lambda: self.reopenRequested.emit(dlg.request))
        dlg.open()
        self.server_dialog = dlg
        return dlg

    def delete_selected(self) -> None:
        from quzhou_desktop.services.kernel.maintenance import delete_safety_copy

        copy = self._selected()
        if copy is None:
            return
        if copy not in self.safety:
            show_info(self, tr("只能删除恢复前副本；其他备份由程序自动轮换。"))
            return

        def work() -> bool:
            delete_safety_copy(self.ctx, copy)
            return True

        def delete() -> None:
            if attempt(self, work):
                self.refresh()
                self.result_label.setText(tr("已删除恢复前副本：") + str(copy))

        ask(
            self,
            tr("删除这个恢复前副本？删除后无法找回。\n\n{path}").format(path=copy),
            delete,
            title=tr("删除恢复前副本"),
            yes_text=tr("删除"),
        )
