"""The voucher register of a village PC enrolled with its township shows no 代理中心受理/退回 buttons (those acts
are the township's); the township's register of the same village shows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.vouchers.list_tab import VoucherListTab
from tests.support.exchange import Sites, make_sites


@pytest.fixture
def sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sites:
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return make_sites(tmp_path)


def test_acceptance_buttons_only_at_the_township(qtbot: QtBot, sites: Sites) -> None:
    village = VoucherListTab(sites.villages["溪口村"].admin)
    township = VoucherListTab(sites.township.admin)
    for tab in (village, township):
        qtbot.addWidget(tab)
    for key in ("accept", "return"):
        assert not village.buttons[key].isVisibleTo(village), key
        assert township.buttons[key].isVisibleTo(township), key
    assert village.buttons["new"].isVisibleTo(village)
