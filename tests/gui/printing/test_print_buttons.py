"""The 打印/预览 buttons of the sections: each offers the notices that apply to the selected record and opens
the preview with its 核验码; a notice whose record is not ready is offered disabled, with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from quzhou_desktop.gui.printing.menu import PrintButton
from quzhou_desktop.gui.printing.preview import PreviewDialog
from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Matter, MatterStep, Voucher


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo(path)
    db = Database(path)
    yield db
    db.dispose()


def _as(db: Database, username: str) -> AppContext:
    ctx = AppContext(db)
    login(ctx, username, DEMO_PASSWORD)
    return ctx


def _open_entry(qtbot: QtBot, button: PrintButton, text: str) -> PreviewDialog:
    button._rebuild()
    actions = {a.text(): a for a in button.menu_.actions()}
    assert actions[text].isEnabled(), sorted(actions)
    actions[text].trigger()
    dialogs = [w for w in button.window().findChildren(PreviewDialog)]
    assert dialogs, "no preview opened"
    dlg = dialogs[-1]
    qtbot.addWidget(dlg)
    assert dlg.pdf_bytes.startswith(b"%PDF")
    return dlg


def test_voucher_print_button_opens_the_approval_form(qtbot: QtBot, demo: Database) -> None:
    from quzhou_desktop.gui.vouchers.page import VouchersPage

    ctx = _as(demo, "wenshu")
    with ctx.read() as s:
        v = s.scalars(select(Voucher).where(Voucher.status == "accepted")).first()
        assert v is not None
        vid, village = v.id, v.village_id
    page = VouchersPage(ctx)
    qtbot.addWidget(page)
    page.set_village(village)
    tab = page.list_tab
    tab.select_voucher(vid)  # shown even when outside the year filter
    assert tab.current is not None and tab.current.row.id == vid
    _open_entry(qtbot, tab.print_button, "支出凭证审批单")


def test_matter_print_menu_offers_what_the_steps_allow(qtbot: QtBot, demo: Database) -> None:
    from quzhou_desktop.gui.matters.page import MattersPage

    ctx = _as(demo, "wenshu")
    with ctx.read() as s:
        resolved = s.scalars(
            select(Matter.id)
            .join(MatterStep, MatterStep.matter_id == Matter.id)
            .where(
                MatterStep.step_type == "resolve", MatterStep.state == "final", MatterStep.passed.is_(True)
            )
        ).first()
        matter = s.get(Matter, resolved)
        assert matter is not None
        village = matter.village_id
    page = MattersPage(ctx)
    qtbot.addWidget(page)
    page.set_village(village)
    page.select_matter(str(resolved))
    page.print_button._rebuild()
    enabled = {a.text(): a.isEnabled() for a in page.print_button.menu_.actions()}
    assert enabled["五议两公开登记表"] and enabled["决议公告"]
    _open_entry(qtbot, page.print_button, "决议公告")


def test_no_selection_offers_nothing(qtbot: QtBot, demo: Database) -> None:
    from quzhou_desktop.gui.matters.page import MattersPage

    page = MattersPage(_as(demo, "wenshu"))
    qtbot.addWidget(page)
    page.print_button._rebuild()
    texts = [(a.text(), a.isEnabled()) for a in page.print_button.menu_.actions()]
    assert texts == [("请先选择一条记录", False)]
