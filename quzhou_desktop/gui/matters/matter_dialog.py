"""新建/编辑事项: village, title, category, source, suggester, estimated amount and a description."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.core.money import parse_amount
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.widgets.dialogs import ServiceDialog, button_box
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.matters import matter as matters_svc
from quzhou_desktop.services.matters.matter import CATEGORIES, SOURCES, MatterFields, MatterRow
from quzhou_desktop.services.roster.villages import list_villages


class MatterDialog(ServiceDialog):
    def __init__(
        self,
        ctx: AppContext,
        *,
        village_id: str | None,
        matter: MatterRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.matter = ctx, matter
        self.saved: MatterRow | None = None
        self.setWindowTitle(tr("编辑事项") if matter else tr("新建事项"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        lay.addLayout(form)
        self.village_combo = QComboBox()
        for v in list_villages(ctx):
            self.village_combo.addItem(v.label, v.id)
        wanted = matter.village_id if matter else village_id
        if wanted:
            self.village_combo.setCurrentIndex(max(self.village_combo.findData(wanted), 0))
        self.village_combo.setEnabled(matter is None)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText(tr("如：村主干道硬化工程"))
        self.category_combo = QComboBox()
        for value, label in CATEGORIES:
            self.category_combo.addItem(label, value)
        self.source_combo = QComboBox()
        for s in SOURCES:
            self.source_combo.addItem(s, s)
        self.suggested_edit = QLineEdit()
        self.suggested_edit.setPlaceholderText(tr("建议人或提议人，如：第三村民小组党员"))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(tr("元，可不填；如 120000 或 120000.50"))
        self.year_spin = QSpinBox()
        today = ctx.clock.today()
        self.year_spin.setRange(2000, today.year + 1)
        self.year_spin.setValue(today.year)
        self.desc_edit = QPlainTextEdit()
        self.desc_edit.setTabChangesFocus(True)
        self.desc_edit.setPlaceholderText(tr("事项说明：背景、资金来源等"))
        form.addRow(tr("村"), self.village_combo)
        form.addRow(tr("事项名称"), self.title_edit)
        form.addRow(tr("事项类别"), self.category_combo)
        form.addRow(tr("动议事由"), self.source_combo)
        form.addRow(tr("建议人"), self.suggested_edit)
        form.addRow(tr("预计金额（元）"), self.amount_edit)
        form.addRow(tr("年度"), self.year_spin)
        form.addRow(tr("事项说明"), self.desc_edit)
        lay.addWidget(self.error)
        buttons = button_box("保存", dialog=self)
        lay.addWidget(buttons)
        self.field_widgets = {
            "事项名称": self.title_edit,
            "预计金额": self.amount_edit,
            "动议来源": self.source_combo,
            "年度": self.year_spin,
        }
        if matter is not None:
            self.title_edit.setText(matter.title)
            self.category_combo.setCurrentIndex(max(self.category_combo.findData(matter.category), 0))
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(matter.source), 0))
            self.suggested_edit.setText(matter.suggested_by or "")
            if matter.amount_fen is not None:
                self.amount_edit.setText(f"{matter.amount_fen // 100}.{matter.amount_fen % 100:02d}")
            self.year_spin.setValue(matter.year)
            self.desc_edit.setPlainText(matter.description or "")
        self.setMinimumWidth(520)

    def fields(self) -> MatterFields:
        text = self.amount_edit.text().strip()
        amount = None
        if text:
            try:
                amount = parse_amount(text)
            except ValidationError as exc:
                raise ValidationError(field="预计金额", reason=str(exc.params.get("reason", exc))) from exc
        return MatterFields(
            village_id=self.village_combo.currentData() or "",
            title=self.title_edit.text(),
            category=self.category_combo.currentData(),
            source=self.source_combo.currentData(),
            amount_fen=amount,
            suggested_by=self.suggested_edit.text(),
            description=self.desc_edit.toPlainText(),
            year=self.year_spin.value(),
        )

    def save(self) -> None:
        if self.matter is None:
            self.saved = matters_svc.create_matter(self.ctx, self.fields())
        else:
            self.saved = matters_svc.update_matter(
                self.ctx, self.matter.id, self.fields(), expected_version=self.matter.row_version
            )
