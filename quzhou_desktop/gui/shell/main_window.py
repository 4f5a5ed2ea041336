"""The main window: section navigation, the village selector every page follows, status bar, menus."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from quzhou_desktop import APP_TITLE, __version__
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_info
from quzhou_desktop.gui.shell import sections
from quzhou_desktop.gui.widgets.fit import fit_to_screen
from quzhou_desktop.gui.widgets.pages import SectionPage
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import villages as villages_svc

log = logging.getLogger(__name__)


def release_source_cache() -> None:
    """PySide6's import hook reads the source of every module imported after it into ``linecache`` (about
    26 MB once every section is open); tracebacks re-read files on demand, so the cache can go."""
    import linecache

    linecache.clearcache()


class MainWindow(QMainWindow):
    villageChanged = Signal(object)  # str | None
    reopenRequested = Signal(object)  # Path of a backup to restore
    logoutRequested = Signal()
    closed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pages: dict[str, SectionPage] = {}
        t = villages_svc.township(ctx)
        self.setWindowTitle(f"{APP_TITLE} — {t.name}" if t else APP_TITLE)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        for sec in sections.SECTIONS:
            item = QListWidgetItem(self.style().standardIcon(sec.icon), tr(sec.title))
            item.setData(Qt.ItemDataRole.UserRole, sec.key)
            item.setSizeHint(QSize(0, 38))
            self.nav.addItem(item)
        self.nav.setFixedWidth(self.nav.fontMetrics().horizontalAdvance("五议两公开") + 70)
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        bar = QToolBar(tr("当前村"))
        bar.setObjectName("villageBar")
        bar.setMovable(False)
        bar.addWidget(QLabel(tr(" 当前村：")))
        self.village_combo = QComboBox()
        self.village_combo.setMinimumContentsLength(10)
        self.village_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bar.addWidget(self.village_combo)
        self.addToolBar(bar)
        self.reload_villages()
        self.village_combo.currentIndexChanged.connect(self._village_picked)

        self._build_menus()
        self._build_status()
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)
        fit_to_screen(self, 1280, 760)

    # -- menus and status --------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("文件(&F)"))
        self.backup_action = QAction(tr("立即备份(&B)"), self)
        self.backup_action.triggered.connect(self.backup_now)
        file_menu.addAction(self.backup_action)
        self.logout_action = QAction(tr("注销并重新登录(&L)"), self)
        self.logout_action.triggered.connect(self.logoutRequested.emit)
        file_menu.addAction(self.logout_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(tr("帮助(&H)"))
        about = QAction(tr("关于(&A)"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _build_status(self) -> None:
        user = self.ctx.require_user()
        self.db_label = QLabel(tr("数据库：") + self.ctx.db.label)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_label = QLabel(tr("当前用户：") + f"{user.display_name}（{user.role_label}）")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)

    def show_about(self) -> None:
        show_info(
            self,
            f"{APP_TITLE}\n{tr('版本')} {__version__}\n\n"
            + tr("五议两公开、三务公开、村务监督委员会“先审后签”的离线桌面系统。")
            + "\n"
            + tr("数据库：")
            + self.ctx.db.label,
            title=tr("关于"),
        )

    def backup_now(self) -> None:
        from quzhou_desktop.gui.settings.backup_tab import start_backup

        start_backup(
            self.ctx,
            self,
            on_done=lambda path: self.statusBar().showMessage(tr("已备份到 ") + str(path), 8000),
        )

    # -- villages ----------------------------------------------------------------------------------------

    def reload_villages(self) -> None:
        """Refill the selector (keeps the current village when it still exists)."""
        current = self.current_village()
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        for v in villages_svc.list_villages(self.ctx):
            self.village_combo.addItem(v.label, v.id)
        if self.village_combo.count() == 0:
            self.village_combo.addItem(tr("（没有可查看的村）"), None)
        idx = self.village_combo.findData(current) if current else 0
        self.village_combo.setCurrentIndex(max(idx, 0))
        self.village_combo.blockSignals(False)
        if self.current_village() != current:
            self._village_picked()

    def current_village(self) -> str | None:
        data = self.village_combo.currentData()
        return data if isinstance(data, str) else None

    def select_village(self, village_id: str) -> None:
        idx = self.village_combo.findData(village_id)
        if idx >= 0:
            self.village_combo.setCurrentIndex(idx)

    def _village_picked(self, _index: int = 0) -> None:
        vid = self.current_village()
        for page in self.pages.values():
            page.set_village(vid)
        self.villageChanged.emit(vid)

    # -- sections ----------------------------------------------------------------------------------------

    def show_section(self, key: str) -> SectionPage:
        keys = [s.key for s in sections.SECTIONS]
        self.nav.setCurrentRow(keys.index(key))
        return self.pages[key]

    def page(self, key: str) -> SectionPage | None:
        return self.pages.get(key)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        sec = sections.SECTIONS[row]
        page = self.pages.get(sec.key)
        if page is None:
            try:
                page = sections.build_page(sec, self.ctx, self.stack)
            except Exception:
                self._select_shown()  # the navigation keeps pointing at the page still on screen
                raise  # a page that cannot be built is a bug: the crash dialog reports it
            self.pages[sec.key] = page
            self.stack.addWidget(page)
            page.villagesChanged.connect(self.reload_villages)
            page.reopenRequested.connect(self.reopenRequested.emit)
            page.set_village(self.current_village())
            release_source_cache()
        else:
            page.refresh()
        self.stack.setCurrentWidget(page)

    def _select_shown(self) -> None:
        shown = self.stack.currentWidget()
        keys = [key for key, page in self.pages.items() if page is shown]
        row = [s.key for s in sections.SECTIONS].index(keys[0]) if keys else -1
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        log.info("main window closed")
        super().closeEvent(event)
        self.closed.emit()
