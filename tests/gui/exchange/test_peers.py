"""The per-village table: what needs a person comes first (forks, conflicts, gaps, late reports, unfinished
enrolments), gaps are named as the missing ranges, and every column sorts by its value."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.exchange.labels import gap_text, gaps
from quzhou_desktop.gui.exchange.peers import fill, peer_table, urgency
from quzhou_desktop.services.exchange.status import PeerStatus

NOW = datetime(2026, 6, 1, 9, 0)


def peer(name: str, **kw: object) -> PeerStatus:
    values: dict[str, object] = {
        "peer_id": name, "site_id": name, "kind": "village", "name": name, "village_id": name,
        "state": "enrolled", "accepted_seq": 40, "last_package_at": NOW - timedelta(days=3),
        "last_package_entries": 12, "receipt_seq": 9, "last_receipt_at": NOW - timedelta(days=3),
        "waiting": (), "forks": 0, "conflicts": 0, "reports": True,
    }  # fmt: skip
    values.update(kw)
    return PeerStatus(**values)  # type: ignore[arg-type]


PEERS = [
    peer("正常村"),
    peer("邀请村", state="invited", accepted_seq=0, last_package_at=None, last_receipt_at=None),
    peer("久未村", last_package_at=NOW - timedelta(days=90)),
    peer("缺包村", waiting=((51, 60),)),
    peer("冲突村", conflicts=2),
    peer("分叉村", forks=1, conflicts=5),
]


@pytest.mark.parametrize(
    ("name", "text"),
    [("分叉村", "历史分叉"), ("冲突村", "有冲突"), ("缺包村", "缺少数据包"), ("久未村", "长时间未上报"),
     ("邀请村", "等待村的回复"), ("正常村", "正常")],
)  # fmt: skip
def test_urgency_names_what_needs_doing(name: str, text: str) -> None:
    [p] = [p for p in PEERS if p.name == name]
    assert urgency(p, NOW)[1] == text


def test_a_township_at_a_village_is_never_late() -> None:
    township = peer("石梁镇", kind="township", last_package_at=NOW - timedelta(days=400), reports=False)
    assert urgency(township, NOW)[1] == "正常"
    at_county = peer("石梁镇", kind="township", last_package_at=NOW - timedelta(days=400))
    assert urgency(at_county, NOW)[1] != "正常"  # a township that stopped reporting to its county


def test_gaps_are_the_missing_ranges_before_each_waiting_package() -> None:
    assert gaps(40, ((51, 60),)) == [(41, 50)]
    assert gaps(40, ((41, 45), (50, 52), (53, 60))) == [(46, 49)]
    assert gaps(40, ((42, 42), (44, 50))) == [(41, 41), (43, 43)]
    assert gap_text([(41, 50), (43, 43)]) == "缺少第41至50条；缺少第43条"


def names(t: QTableWidget) -> list[str]:
    out = []
    for r in range(t.rowCount()):
        item = t.item(r, 1)
        assert item is not None
        out.append(item.text())
    return out


def test_the_table_puts_what_needs_attention_first_and_sorts_by_value(qtbot: QtBot) -> None:
    t = peer_table()
    qtbot.addWidget(t)
    fill(t, list(reversed(PEERS)), NOW)
    assert names(t) == ["分叉村", "冲突村", "缺包村", "久未村", "邀请村", "正常村"]
    gap = t.item(names(t).index("缺包村"), 6)
    assert gap is not None and gap.text() == "缺少第41至50条"
    fill(t, [peer("甲", last_package_entries=9), peer("乙", last_package_entries=100)], NOW)
    t.sortItems(3, Qt.SortOrder.AscendingOrder)
    assert names(t) == ["甲", "乙"]  # 上次条数 as numbers: 9 < 100, not "100" < "9"
    fill(t, [peer("新", last_package_at=NOW), peer("旧", last_package_at=NOW - timedelta(days=9))], NOW)
    t.sortItems(2, Qt.SortOrder.AscendingOrder)
    assert names(t) == ["旧", "新"]  # by date


def test_times_are_shown_in_beijing_time() -> None:
    from quzhou_desktop.gui.exchange.labels import when

    assert when(datetime(2026, 3, 9, 16, 41)) == "2026-03-10 00:41"  # stored UTC
    assert when(None) == "从未"
