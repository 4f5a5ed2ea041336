"""Take offscreen screenshots of the real app over a demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.make_screenshots OUT_DIR

Writes wizard.png, login.png, main-window.png (花名册 with data), settings.png, dashboard.png. The README's
docs/screenshots/main-window.png comes from here.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out: Path) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from quzhou_desktop.gui.fonts import apply_ui_font
    from quzhou_desktop.gui.i18n import install_qt_translations
    from quzhou_desktop.gui.roster.page import RosterPage
    from quzhou_desktop.gui.shell.first_run import FirstRunWizard
    from quzhou_desktop.gui.shell.login import LoginDialog
    from quzhou_desktop.gui.shell.main_window import MainWindow
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database
    from tests.support import township

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    install_qt_translations(app)
    apply_ui_font(app)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUZHOU_DATA_DIR"] = tmp
        db = Database(Path(tmp) / "quzhou.sqlite3", create=True)
        ctx = AppContext(db)

        def shot(widget: QWidget, name: str) -> None:
            widget.show()
            for _ in range(5):
                app.processEvents()
            widget.grab().save(str(out / name))
            print(out / name)

        wiz = FirstRunWizard(ctx)
        wiz.show()
        wiz.township_page.name_edit.setText("石梁镇")
        wiz.next()
        page = wiz.villages_page
        page.table.removeRow(0)
        for spec in township.VILLAGES:
            page.add_row(
                spec.name, spec.code or "", int(spec.households), int(spec.adults), spec.finance_busy
            )
        shot(wiz, "wizard.png")
        wiz.close()

        township.build_demo_township(ctx)
        ctx.user = None
        login = LoginDialog(ctx, username=township.ADMIN)
        shot(login, "login.png")
        login.try_login(township.ADMIN, township.ADMIN_PASSWORD)

        win = MainWindow(ctx)
        win.resize(1280, 760)
        shot(win, "dashboard.png")
        roster = win.show_section("roster")
        assert isinstance(roster, RosterPage)
        people = roster.people
        people.view.resizeColumnsToContents()
        people.select_person(people.model.row(0).id)
        shot(win, "main-window.png")
        win.show_section("settings")
        shot(win, "settings.png")
        win.close()
        db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/quzhou-shots"))
