"""组织成员: the current members of one body in the village (from the memberships)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.table import table
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster import people as people_svc
from quzhou_desktop.services.roster.bodies import BODY_LABELS


class BodiesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.body_combo = QComboBox()
        for key, label in BODY_LABELS.items():
            self.body_combo.addItem(label, key)
        row.addWidget(QLabel(tr("组织：")))
        row.addWidget(self.body_combo)
        row.addStretch(1)
        self.summary = QLabel()
        row.addWidget(self.summary)
        lay.addLayout(row)
        self.table = table(["姓名", "职务", "党员类别", "性别", "任职开始", "任职结束"])
        lay.addWidget(self.table, 1)
        self.body_combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        rows = (
            people_svc.members(self.ctx, self.village_id, self.body_combo.currentData())
            if self.village_id is not None
            else []
        )
        self.table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            cells = [m.person_name, m.role_label, m.party_status_label, m.gender or "",
                     m.start_date.isoformat(), m.end_date.isoformat() if m.end_date else ""]  # fmt: skip
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        women = sum(1 for m in rows if m.gender == "女")
        self.summary.setText(tr("现有 {n} 人，其中女性 {w} 人").format(n=len(rows), w=women))
