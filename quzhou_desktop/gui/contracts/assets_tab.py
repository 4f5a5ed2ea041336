"""资产资源台账: the village's buildings, land and water plots, forests and equipment (lazy, filtered and sorted in
SQL), with the contract in force for each; add, edit and dispose of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.contracts import AssetKind, AssetStatus
from quzhou_desktop.core.errors import QuzhouError, ValidationError
from quzhou_desktop.core.money import fen_to_yuan_str, parse_amount
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dates import date_edit, pydate, qdate
from quzhou_desktop.gui.widgets.dialogs import ReasonDialog, ServiceDialog, button_box
from quzhou_desktop.gui.widgets.paged_model import RIGHT, Column, PagedTableModel
from quzhou_desktop.gui.widgets.register_view import register_view
from quzhou_desktop.services.contracts import assets as svc
from quzhou_desktop.services.contracts.assets import AssetFilter, AssetRow
from quzhou_desktop.services.contracts.common import AREA_UNITS
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Perm

COLUMNS: list[Column[AssetRow]] = [
    Column("编号", lambda r: r.code or "", sort="code"),
    Column("名称", lambda r: r.name, sort="name", tooltip=lambda r: r.name),
    Column("类别", lambda r: r.kind_label, sort="kind"),
    Column("坐落位置", lambda r: r.location or "", tooltip=lambda r: r.location or ""),
    Column("面积", lambda r: r.area_text, sort="area", align=RIGHT),
    Column("价值", lambda r: r.value_text, sort="value", align=RIGHT),
    Column("使用状态", lambda r: r.status_label, sort="status"),
    Column("当前合同", lambda r: r.contract or ("（无合同）" if r.needs_contract else "")),
]

STATUS_FILTERS = [("全部状态", ""), *((s.label, s.value) for s in AssetStatus), ("出租、承包但无合同", "no_contract"),
                  ("已处置", "disposed")]  # fmt: skip


def _area(text: str) -> int | None:
    """Area as typed ("85.5", "12.50") in hundredths; the same rules as an amount in 元."""
    if not text.strip():
        return None
    try:
        return parse_amount(text)
    except QuzhouError:
        raise ValidationError(field="面积", reason=f"“{text}”不是有效的数字，最多两位小数") from None


class AssetDialog(ServiceDialog):
    def __init__(
        self, ctx: AppContext, village_id: str, asset_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.village_id, self.asset_id = ctx, village_id, asset_id
        self.saved_id: str | None = None
        self.setWindowTitle(tr("修改资产资源") if asset_id else tr("新增资产资源"))
        form = QFormLayout(self)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(tr("资产编号，可不填"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(tr("如：村文化礼堂、村南山塘、后山集体林地"))
        self.kind_combo = QComboBox()
        for k in AssetKind:
            self.kind_combo.addItem(tr(k.label), k.value)
        self.location_edit = QLineEdit()
        self.area_edit = QLineEdit()
        self.area_edit.setPlaceholderText(tr("如 85.5"))
        self.unit_combo = QComboBox()
        self.unit_combo.addItems(list(AREA_UNITS))
        area = QHBoxLayout()
        area.addWidget(self.area_edit)
        area.addWidget(self.unit_combo)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText(tr("原值或评估价值，元，可不填"))
        self.acquired_check = QCheckBox(tr("取得日期："))
        self.acquired_edit = date_edit(ctx.clock.today())
        self.acquired_edit.setEnabled(False)
        self.acquired_check.toggled.connect(self.acquired_edit.setEnabled)
        acquired = QHBoxLayout()
        acquired.addWidget(self.acquired_check)
        acquired.addWidget(self.acquired_edit)
        acquired.addStretch(1)
        self.status_combo = QComboBox()
        for s in AssetStatus:
            self.status_combo.addItem(tr(s.label), s.value)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(56)
        form.addRow(tr("资产编号："), self.code_edit)
        form.addRow(tr("名称："), self.name_edit)
        form.addRow(tr("类别："), self.kind_combo)
        form.addRow(tr("坐落位置："), self.location_edit)
        form.addRow(tr("面积："), area)
        form.addRow(tr("价值（元）："), self.value_edit)
        form.addRow("", acquired)
        form.addRow(tr("使用状态："), self.status_combo)
        form.addRow(tr("备注："), self.note_edit)
        form.addRow(self.error)
        form.addRow(button_box("保存", dialog=self))
        self.field_widgets = {"名称": self.name_edit, "资产编号": self.code_edit, "面积": self.area_edit,
                              "价值": self.value_edit, "坐落位置": self.location_edit}  # fmt: skip
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        if asset_id:
            self._load(svc.asset_fields(ctx, asset_id))
        else:
            self._kind_changed()
        self.setMinimumWidth(480)

    def _kind_changed(self) -> None:
        self.unit_combo.setCurrentText(AssetKind(self.kind_combo.currentData()).unit)

    def _load(self, f: svc.AssetFields) -> None:
        self.code_edit.setText(f.code or "")
        self.name_edit.setText(f.name)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(f.kind), 0))
        self.location_edit.setText(f.location or "")
        self.area_edit.setText(fen_to_yuan_str(f.area_centi) if f.area_centi is not None else "")
        self.unit_combo.setCurrentText(f.area_unit or AssetKind(f.kind).unit)
        self.value_edit.setText(fen_to_yuan_str(f.value_fen) if f.value_fen is not None else "")
        if f.acquired_on:
            self.acquired_check.setChecked(True)
            self.acquired_edit.setDate(qdate(f.acquired_on))
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(f.status), 0))
        self.note_edit.setPlainText(f.note or "")

    def fields(self) -> svc.AssetFields:
        value = self.value_edit.text().strip()
        acquired: date | None = pydate(self.acquired_edit.date()) if self.acquired_check.isChecked() else None
        return svc.AssetFields(
            name=self.name_edit.text(), kind=str(self.kind_combo.currentData()),
            status=str(self.status_combo.currentData()), code=self.code_edit.text(),
            location=self.location_edit.text(), area_centi=_area(self.area_edit.text()),
            area_unit=self.unit_combo.currentText(), value_fen=parse_amount(value) if value else None,
            acquired_on=acquired, note=self.note_edit.toPlainText(),
        )  # fmt: skip

    def save(self) -> None:
        if self.asset_id is None:
            self.saved_id = svc.create_asset(self.ctx, self.village_id, self.fields())
        else:
            svc.update_asset(self.ctx, self.asset_id, self.fields())
            self.saved_id = self.asset_id


class AssetsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.village_id: str | None = None
        self.dialog: QDialog | None = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("查找：编号、名称、坐落位置"))
        self.search_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(tr("全部类别"), "")
        for k in AssetKind:
            self.kind_combo.addItem(tr(k.label), k.value)
        self.status_combo = QComboBox()
        for label, key in STATUS_FILTERS:
            self.status_combo.addItem(tr(label), key)
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.status_combo)
        lay.addLayout(bar)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        specs: list[tuple[str, str, Callable[[], object]]] = [
            ("new", "新增资产资源…", self.new_asset),
            ("edit", "修改…", self.edit_asset),
            ("dispose", "处置…", self.dispose),
        ]
        for key, text, slot in specs:
            b = QPushButton(tr(text))
            b.clicked.connect(lambda _c=False, f=slot: f())
            b.setVisible(ctx.can(Perm.CONTRACT_EDIT))
            self.buttons[key] = b
            actions.addWidget(b)
        actions.addStretch(1)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        lay.addLayout(actions)
        self.model: PagedTableModel[AssetRow] = PagedTableModel(COLUMNS, self._fetch, self._count, sort="code",
                                                                parent=self)  # fmt: skip
        self.view = register_view(self.model, sort_column=0)
        for col, width in enumerate((80, 160, 90, 160, 90, 110, 90)):
            self.view.setColumnWidth(col, width)
        lay.addWidget(self.view, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.kind_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.view.selectionModel().selectionChanged.connect(lambda _a, _b: self._update_buttons())
        self.view.doubleClicked.connect(lambda _i: self.edit_asset())
        self._update_buttons()

    def filter(self) -> AssetFilter:
        return AssetFilter(village_id=self.village_id, kind=str(self.kind_combo.currentData() or ""),
                           status=str(self.status_combo.currentData() or ""), text=self.search_edit.text())  # fmt: skip

    def _fetch(self, offset: int, limit: int, sort: str | None, desc: bool) -> list[AssetRow]:
        return svc.list_assets(self.ctx, self.filter(), offset=offset, limit=limit, sort=sort or "code",
                               descending=desc)  # fmt: skip

    def _count(self) -> int:
        n = svc.count_assets(self.ctx, self.filter())
        self.count_label.setText(tr("共{n}项").format(n=n))
        return n

    def set_village(self, village_id: str | None, *, load: bool = True) -> None:
        self.village_id = village_id
        if load:
            self.reload()

    def set_status(self, key: str) -> None:
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(key), 0))

    def reload(self) -> None:
        if self.village_id is None:
            self.model.clear()
        else:
            self.model.reload()
        self._update_buttons()

    def selected(self) -> AssetRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row(rows[0]) if rows else None

    def select_asset(self, asset_id: str) -> None:
        row = self.model.find(lambda r: r.id == asset_id)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.find(lambda r: r.id == asset_id)
        if row >= 0:
            self.view.selectRow(row)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.buttons["new"].setEnabled(self.village_id is not None)
        self.buttons["edit"].setEnabled(row is not None and row.active)
        self.buttons["dispose"].setEnabled(row is not None and row.active)

    def _open(self, dlg: QDialog, done: Callable[[], object]) -> QDialog:
        self.dialog = dlg
        dlg.accepted.connect(done)
        dlg.open()
        return dlg

    def _saved(self, dlg: AssetDialog) -> None:
        self.reload()
        if dlg.saved_id:
            self.select_asset(dlg.saved_id)

    def new_asset(self) -> QDialog | None:
        if self.village_id is None:
            return None
        dlg = AssetDialog(self.ctx, self.village_id, parent=self)
        return self._open(dlg, lambda: self._saved(dlg))

    def edit_asset(self) -> QDialog | None:
        row = self.selected()
        if row is None or not row.active:
            return None
        dlg = AssetDialog(self.ctx, row.village_id, row.id, parent=self)
        return self._open(dlg, lambda: self._saved(dlg))

    def dispose(self) -> QDialog | None:
        row = self.selected()
        if row is None:
            return None
        dlg = ReasonDialog(
            tr("处置资产资源") + f" — {row.name}",
            tr("请写明处置方式和依据（如：经村民代表会议决议公开拍卖）。处置后仍保留在台账中，标为已处置："),
            lambda why: svc.dispose_asset(self.ctx, row.id, why), parent=self,
        )  # fmt: skip
        return self._open(dlg, self.reload)
