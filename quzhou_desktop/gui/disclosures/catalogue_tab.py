"""公开目录: the township defaults (``core.disclosures.CATALOGUE``) and the village's own items; add or retire items."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import attempt
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog, ServiceDialog, button_box
from quzhou_desktop.services.disclosures import catalogue as cat
from quzhou_desktop.services.disclosures.disclosure import CADENCE_LABELS, CATEGORY_LABELS
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

HEADERS = ("类别", "公开事项", "公开时限", "依据", "范围")


class ItemDialog(ServiceDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, village_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.village_id = ctx, village_id
        self.setWindowTitle(tr("新增全镇公开事项") if village_id is None else tr("新增本村公开事项"))
        self.resize(520, 220)
        self.category = QComboBox()
        for k, label in CATEGORY_LABELS.items():
            self.category.addItem(label, k)
        self.cadence = QComboBox()
        for k, label in CADENCE_LABELS.items():
            self.cadence.addItem(label, k)
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.basis = QLineEdit()
        form = QFormLayout()
        form.addRow(tr("公开类别"), self.category)
        form.addRow(tr("公开事项"), self.name)
        form.addRow(tr("公开时限"), self.cadence)
        form.addRow(tr("依据"), self.basis)
        self.field_widgets = {"公开事项": self.name, "公开时限": self.cadence}
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = button_box("添加", dialog=self)
        lay.addWidget(buttons)

    def save(self) -> None:
        cat.add_item(self.ctx, self.village_id, category=str(self.category.currentData()), name=self.name.text(),
                     cadence=str(self.cadence.currentData()), basis=self.basis.text())  # fmt: skip
        self.saved.emit()


class CatalogueTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.dialog: QDialog | None = None
        self.items: list[cat.ItemInfo] = []
        lay = QVBoxLayout(self)
        note = QLabel(tr("全镇默认目录依据村民委员会组织法第三十条、农村集体经济组织财务公开规定和浙江做法；"
                         "乡镇可增减全镇事项，各村可增加本村事项。"))  # fmt: skip
        note.setWordWrap(True)
        lay.addWidget(note)
        bar = QHBoxLayout()
        self.add_village = QPushButton(tr("新增本村事项…"))
        self.add_town = QPushButton(tr("新增全镇事项…"))
        self.retire = QPushButton(tr("停用所选事项…"))
        for b in (self.add_village, self.add_town, self.retire):
            bar.addWidget(b)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in HEADERS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.add_village.clicked.connect(lambda: self._add(self.village_id))
        self.add_town.clicked.connect(lambda: self._add(None))
        self.retire.clicked.connect(self.retire_selected)
        self.table.itemSelectionChanged.connect(self._buttons)

    def set_village(self, village_id: str | None) -> None:
        self.village_id = village_id
        self.refresh()

    def refresh(self) -> None:
        items = attempt(self, lambda: cat.list_items(self.ctx, self.village_id))
        self.items = items or []
        self.table.setRowCount(len(self.items))
        for r, i in enumerate(self.items):
            cells = [CATEGORY_LABELS.get(i.category, i.category), i.name, CADENCE_LABELS.get(i.cadence, i.cadence),
                     i.basis or "", tr("全镇") if i.village_id is None else tr("本村")]  # fmt: skip
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._buttons()

    def selected(self) -> cat.ItemInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _buttons(self) -> None:
        vid = self.village_id
        self.add_village.setEnabled(vid is not None and self.ctx.can(Perm.DISCLOSURE_EDIT, vid))
        self.add_town.setEnabled(self.ctx.can(Perm.SETTINGS_EDIT))
        sel = self.selected()
        ok = sel is not None and (
            self.ctx.can(Perm.SETTINGS_EDIT)
            if sel.village_id is None
            else self.ctx.can(Perm.DISCLOSURE_EDIT, vid)
        )
        self.retire.setEnabled(ok)

    def _add(self, village_id: str | None) -> ItemDialog:
        dlg = ItemDialog(self.ctx, village_id, self)
        dlg.saved.connect(self.refresh)
        self.dialog = dlg
        dlg.open()
        return dlg

    def retire_selected(self) -> ReasonDialog | None:
        sel = self.selected()
        if sel is None:
            return None
        dlg = ReasonDialog(tr("停用公开事项"), f"{tr('停用')}“{sel.name}”{tr('的原因（以往的公开记录保留）：')}",
                           lambda reason: cat.set_item_active(self.ctx, sel.id, False, reason=reason), self)  # fmt: skip
        dlg.finished.connect(lambda _r: self.refresh())
        self.dialog = dlg
        dlg.open()
        return dlg
