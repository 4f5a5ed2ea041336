"""Wizard page 3 (核对列): the first rows of the sheet with the header highlighted, the header row chosen by
hand (a spin box, 设为表头行 on a selected row, or a double click; one or two rows deep), and which column
holds each field. Changing the header row re-reads the mapping from that row with the synonyms
(``headers.mapping_at_row``); each field can then be set by hand.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.spreadsheets.sheet_model import SheetPreviewModel, sheet_view, show_preview
from quzhou_desktop.spreadsheets.headers import ColumnMapping, mapping_at_row
from quzhou_desktop.spreadsheets.reader import column_letter
from quzhou_desktop.spreadsheets.schemas import KindSpec
from quzhou_desktop.spreadsheets.sheet_preview import SheetPreview, guess_header_row
from quzhou_desktop.spreadsheets.sniff import encoding_label

WARN = "color:#b35900"
BAD = "color:#b00000"
GOOD = "color:#006000"
MAX_BOX_WIDTH = 240


def rows_text(m: ColumnMapping) -> str:
    """“3” for a one-row header, “2—3” for a two-row one."""
    first = m.header_row - m.header_rows + 1
    return str(m.header_row) if first == m.header_row else f"{first}—{m.header_row}"


class MappingPage(QWidget):
    """Holds the current :class:`ColumnMapping` (``mapping``); ``more_rows`` asks the wizard to read further."""

    more_rows = Signal()
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: SheetPreview | None = None
        self.spec: KindSpec | None = None
        self.mapping: ColumnMapping | None = None
        self._filling = False
        lay = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.note)

        controls = QHBoxLayout()
        controls.addWidget(QLabel(tr("表头在第")))
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, 1)
        self.header_spin.setMinimumWidth(self.header_spin.fontMetrics().horizontalAdvance("0000") + 48)
        self.header_spin.setToolTip(tr("表头（列名）所在的行号，与 Excel/WPS 左侧的行号相同"))
        controls.addWidget(self.header_spin)
        controls.addWidget(QLabel(tr("行，表头占")))
        self.header_rows = QComboBox()
        self.header_rows.addItem(tr("1 行"), 1)
        self.header_rows.addItem(tr("2 行（上下两行合起来是列名）"), 2)
        controls.addWidget(self.header_rows)
        self.set_header_button = QPushButton(tr("把选中的行设为表头行"))
        self.set_header_button.setToolTip(tr("先在下表中点一下表头所在的行；双击某一行也可以"))
        controls.addWidget(self.set_header_button)
        controls.addStretch(1)
        self.more_button = QPushButton(tr("显示更多行"))
        self.more_button.setToolTip(tr("表头不在前面几行时，读出更多行来找"))
        controls.addWidget(self.more_button)
        lay.addLayout(controls)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.sheet_title = QLabel()
        ll.addWidget(self.sheet_title)
        self.sheet_model = SheetPreviewModel(self)
        self.sheet_view = sheet_view(self.sheet_model)
        ll.addWidget(self.sheet_view, 1)
        legend = QLabel(tr("黄色的是表头行，它下面的行按表头导入；灰色的标题行不导入。"))
        legend.setWordWrap(True)
        ll.addWidget(legend)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel(tr("每个字段在表中的哪一列：")))
        self.map_table = QTableWidget(0, 4)
        self.map_table.setHorizontalHeaderLabels([tr("字段"), tr("必填"), tr("表中的列"), tr("第一行数据")])
        self.map_table.verticalHeader().setVisible(False)
        self.map_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.map_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        rl.addWidget(self.map_table, 1)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        rl.addWidget(self.missing)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([560, 420])
        lay.addWidget(split, 1)

        self.header_spin.valueChanged.connect(lambda _v: self._header_changed())
        self.header_rows.currentIndexChanged.connect(lambda _i: self._header_changed())
        self.set_header_button.clicked.connect(self._use_selected_row)
        self.sheet_view.doubleClicked.connect(lambda index: self._header_from_table(index.row()))
        self.sheet_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_controls())
        self.more_button.clicked.connect(self.more_rows.emit)

    # -- loading -------------------------------------------------------------------------------------
    def show_sheet(
        self, preview: SheetPreview, spec: KindSpec, detected: ColumnMapping | None, *, keep: bool = False
    ) -> None:
        """Show ``preview``; start from ``detected`` (or, with ``keep``, from the header row and columns
        already chosen: more rows of the same sheet were read)."""
        previous = self.mapping if keep else None
        if not keep:
            self.detected = detected
        self.preview, self.spec = preview, spec
        show_preview(self.sheet_view, self.sheet_model, preview)
        self._filling = True
        self.header_spin.setRange(1, max(1, preview.row_numbers()[-1] if preview.rows else 1))
        self._filling = False
        if previous is not None:  # the header rows were read before, so the user's columns still hold
            self._set_mapping(previous)
        elif detected is not None:
            self._set_mapping(detected)
        else:
            self.choose_header(guess_header_row(preview.rows), 1)
        self._note()
        self.more_button.setVisible(preview.more)
        where = tr("工作表“{sheet}”的前{n}行").format(sheet=preview.sheet, n=len(preview.rows))
        total = tr("（共约{total}行）").format(total=preview.total_rows) if preview.more else ""
        if preview.encoding:
            total += tr("，文字编码：{encoding}").format(encoding=encoding_label(preview.encoding))
        self.sheet_title.setText(where + total)

    detected: ColumnMapping | None = None  # what automatic detection found

    def _note(self) -> None:
        p = self.preview
        if p is not None and p.blank:
            text = tr("工作表“{sheet}”是空的，请返回上一步选择其他工作表。").format(sheet=p.sheet)
            self.note.setText(f"<b style='{BAD}'>{text}</b>")
        elif self.detected is not None:
            self.note.setText(
                tr(
                    "程序找到的表头在第{row}行（黄色标出）。请核对右侧每个字段对应的列，如有错可在下拉框中改正；"
                    "表头找错了，就在左侧表格中另选表头行。"
                ).format(row=rows_text(self.detected))
            )
        else:
            text = tr("表头没有自动找到，请在下表中点选表头所在的行，再为每个字段选择对应的列。")
            self.note.setText(f"<b style='{WARN}'>{text}</b>")

    # -- header row --------------------------------------------------------------------------------------
    def choose_header(self, first_row: int, header_rows: int | None = None) -> None:
        """Read the mapping from the header starting on sheet row ``first_row``."""
        self._filling = True
        self.header_spin.setValue(first_row)
        if header_rows is not None:
            self.header_rows.setCurrentIndex(max(0, self.header_rows.findData(header_rows)))
        self._filling = False
        self._header_changed()

    def _header_changed(self) -> None:
        if self._filling or self.preview is None or self.spec is None or not self.preview.rows:
            return
        first, nrows = self.header_spin.value(), int(self.header_rows.currentData())
        p = self.preview
        self._set_mapping(mapping_at_row(p.rows, self.spec, first, header_rows=nrows, merged=p.merged))

    def _use_selected_row(self) -> None:
        rows = self.sheet_view.selectionModel().selectedRows()
        if rows:
            self._header_from_table(rows[0].row())

    def _header_from_table(self, index: int) -> None:
        """The row the user pointed at in the table; the selection is cleared so the highlight shows."""
        self.choose_header(self.sheet_model.row_number(index))
        self.sheet_view.clearSelection()

    def _set_mapping(self, mapping: ColumnMapping) -> None:
        self.mapping = mapping
        first = mapping.header_row - mapping.header_rows + 1
        self._filling = True
        self.header_spin.setValue(first)
        self.header_rows.setCurrentIndex(max(0, self.header_rows.findData(mapping.header_rows)))
        self._filling = False
        self.sheet_model.set_header(first, mapping.header_rows)
        at = self.sheet_model.index_of_row(first)
        if at >= 0:
            self.sheet_view.scrollTo(
                self.sheet_model.index(at, 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )
        self._fill_table()

    # -- columns -------------------------------------------------------------------------------------
    def set_column(self, key: str, index: int | None) -> None:
        """The user's choice for one field; a column taken from another field leaves that one unmapped."""
        if self.mapping is not None:
            self.mapping = self.mapping.with_column(key, index)
            self._fill_table()

    def _fill_table(self) -> None:
        m, spec, p = self.mapping, self.spec, self.preview
        if m is None or spec is None or p is None:
            return
        width = max([p.width, *(c + 1 for c in m.headers)])
        sample = self._first_data_row()
        self.map_table.setRowCount(len(spec.fields))
        for r, f in enumerate(spec.fields):
            self.map_table.setItem(r, 0, QTableWidgetItem(f.label))
            self.map_table.setItem(r, 1, QTableWidgetItem(tr("必填") if f.required else tr("选填")))
            box = self.map_table.cellWidget(r, 2)
            if not isinstance(box, QComboBox):
                box = QComboBox()
                box.setProperty("field", f.key)
                box.currentIndexChanged.connect(lambda _i, b=box: self._box_changed(b))
                self.map_table.setCellWidget(r, 2, box)
            box.blockSignals(True)
            box.clear()
            box.addItem(tr("（不导入）"), None)
            for c in range(width):
                text = m.headers.get(c)
                letter = column_letter(c)
                label = (
                    tr("{col} 列：{text}").format(col=letter, text=text)
                    if text
                    else tr("{col} 列").format(col=letter)
                )
                box.addItem(label, c)
            col = m.columns.get(f.key)
            box.setCurrentIndex(max(0, box.findData(col)) if col is not None else 0)
            box.blockSignals(False)
            shown = p.text(sample, col) if sample >= 0 and col is not None else ""
            self.map_table.setItem(r, 3, QTableWidgetItem(shown))
        self._size_columns()
        missing = m.missing(spec)
        if missing:
            text = tr("还没有对应的必填字段：{fields}。请为它们选择表中的列。").format(
                fields="、".join(missing)
            )
            self.missing.setText(f"<span style='{BAD}'>{text}</span>")
        else:
            self.missing.setText(f"<span style='{GOOD}'>{tr('必填字段都已对应到表中的列。')}</span>")
        self._update_controls()
        self.changed.emit()

    def _size_columns(self) -> None:
        """Field and 必填 to their text, the drop-downs wide enough for their longest choice, the sample the rest."""
        table = self.map_table
        head = table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(1)
        box = table.cellWidget(0, 2)
        if isinstance(box, QComboBox):  # every drop-down offers the same choices
            metrics = box.fontMetrics()
            widest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count())) + 48
            table.setColumnWidth(2, min(max(widest, head.sectionSizeHint(2)), MAX_BOX_WIDTH))
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _box_changed(self, box: QComboBox) -> None:
        self.set_column(str(box.property("field")), box.currentData())

    def _first_data_row(self) -> int:
        """Index of the first non-blank row below the header (-1 if none was read)."""
        m, p = self.mapping, self.preview
        if m is None or p is None:
            return -1
        for i, (n, values) in enumerate(p.rows):
            if n > m.header_row and any(v not in ("", None) for v in values):
                return i
        return -1

    def _update_controls(self) -> None:
        self.set_header_button.setEnabled(self.sheet_view.selectionModel().hasSelection())
