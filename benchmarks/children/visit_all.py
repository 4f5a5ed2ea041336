"""Child for peak memory: open the reference DB, log in, show the main window and visit every section for
several villages, scrolling each register a few pages; the parent reads this process's peak RSS from the OS.

    python -m benchmarks.children.visit_all DB USER PASSWORD
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QApplication

from benchmarks.children.firstpaint import report

VILLAGES_VISITED = 3
PAGES_SCROLLED = 5


def main() -> int:
    db_path, user, password = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = QApplication(sys.argv[:1])
    from quzhou_desktop.app import make_application
    from quzhou_desktop.gui.shell.main_window import MainWindow
    from quzhou_desktop.gui.widgets.paged_model import PagedTableModel
    from quzhou_desktop.services.kernel import auth
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    make_application([])
    ctx = AppContext(Database(db_path))
    auth.login(ctx, user, password)
    win = MainWindow(ctx)
    win.show()
    app.processEvents()
    visited: list[str] = []
    for vi in range(min(VILLAGES_VISITED, win.village_combo.count())):
        win.village_combo.setCurrentIndex(vi)
        app.processEvents()
        for row in range(win.nav.count()):
            win.nav.setCurrentRow(row)
            app.processEvents()
            page = win.stack.currentWidget()
            for model in page.findChildren(QAbstractItemModel):
                if isinstance(model, PagedTableModel):
                    for _ in range(PAGES_SCROLLED):
                        if model.canFetchMore():
                            model.fetchMore()
            app.processEvents()
            visited.append(type(page).__name__)
    report(pages=sorted(set(visited)))
    win.close()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
