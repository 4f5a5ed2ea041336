"""Empty import templates: title, header, one marked example row, widths, notes and drop-down lists.

The example row starts with “【示例】”; the importer skips such rows, so a template filled in below the example
imports cleanly even if the user forgets to delete it.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quzhou_desktop.spreadsheets.schemas import EXAMPLE_MARK, FUND_SOURCES, FieldSpec, KindSpec, kind_spec
from quzhou_desktop.spreadsheets.values import ROLES

TEMPLATE_ROWS = 1000  # rows covered by the drop-down lists
_NOTES: dict[str, str] = {
    "date": "日期可写作 2026-10-05、2026/10/5、2026年10月5日 或直接使用 Excel 日期。",
    "fen": "金额单位为元，最多两位小数，可带 ¥ 或千分位逗号。",
    "idcard": "18位身份证号，请将本列设为“文本”格式以免末位丢失；会校验最后一位校验码。",
    "roles": f"可填多个，用顿号或逗号分隔：{'、'.join(ROLES)}。",
    "phone": "手机号11位，或固定电话如 0570-1234567。",
    "count": "附件张数填整数，如 3 或 3张。",
    "upper": "可不填；填写的大写金额须与小写金额一致，如“人民币壹仟贰佰叁拾肆元伍角整”，不得用“一、二、十”等小写数字。",
    "area": "面积最多两位小数，可带单位，如 85.5、12.5亩、420平方米；不写单位时土地、水面、林地按亩，其余按平方米。",
}
# Fixed choices offered as drop-down lists (the importer also accepts the common other words for them).
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("assets", "kind"): ("房屋建筑物", "土地", "水面", "林地林木", "机器设备", "其他"),
    ("assets", "status"): ("自用", "出租", "承包", "闲置"),
    ("assets", "area_unit"): ("平方米", "亩"),
    ("contracts", "kind"): ("发包/承包", "租赁", "工程", "采购", "服务"),
    ("contracts", "period"): ("一次性", "每年", "每半年", "每季度", "每月"),
}
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _list_formula(values: tuple[str, ...]) -> str:
    return '"' + ",".join(values) + '"'


def _validation(f: FieldSpec, kind: str = "") -> DataValidation | None:
    choices = _CHOICES.get((kind, f.key))
    if choices:
        return DataValidation(type="list", formula1=_list_formula(choices), allow_blank=True)
    if f.type == "gender":
        return DataValidation(type="list", formula1=_list_formula(("男", "女")), allow_blank=True)
    if f.type == "roles":
        # Several roles may be combined, so typing a value outside the list must stay possible.
        dv = DataValidation(
            type="list", formula1=_list_formula(ROLES), allow_blank=True, showErrorMessage=False
        )
        return dv
    if f.key == "fund_source":
        return DataValidation(
            type="list", formula1=_list_formula(FUND_SOURCES), allow_blank=True, showErrorMessage=False
        )
    return None


def write_template(kind: str, path: str | Path) -> Path:
    """Write the import template for ``kind`` (people / vouchers / ledger / assets / contracts) to ``path``."""
    spec: KindSpec = kind_spec(kind)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.label
    n = len(spec.fields)
    ws.cell(1, 1, f"{spec.label}导入模板").font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.row_dimensions[1].height = 30
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    req_font = Font(bold=True, color="C00000")
    example_font = Font(italic=True, color="808080")
    for i, f in enumerate(spec.fields, 1):
        col = get_column_letter(i)
        cell = ws.cell(2, i, f"*{f.label}" if f.required else f.label)
        cell.font = req_font if f.required else Font(bold=True)
        cell.fill, cell.border = head_fill, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = ("必填。" if f.required else "选填。") + _NOTES.get(f.type, "")
        if f.key == "village":
            note += "表中没有本列时，导入时需指定村。"
        cell.comment = Comment(note, "quzhou-desktop")
        ws.column_dimensions[col].width = max(f.width, len(f.label) * 2 + 4)
        example = f.example
        if i == 1:
            example = EXAMPLE_MARK + example
        ex = ws.cell(3, i, example)
        ex.font = example_font
        if f.type in ("idcard", "phone", "code") or i == 1:
            ex.number_format = "@"
        if f.type in ("idcard", "phone"):
            for r in range(4, TEMPLATE_ROWS + 3):
                ws.cell(r, i).number_format = "@"
        dv = _validation(f, spec.kind)
        if dv is not None:
            dv.add(f"{col}4:{col}{TEMPLATE_ROWS + 3}")
            ws.add_data_validation(dv)
    if spec.one_of:
        labels = "、".join(spec.field(k).label for g in spec.one_of for k in g)
        ws.cell(2, 1).comment = Comment(f"必填。每行的{labels}只能填一项。", "quzhou-desktop")
    ws.freeze_panes = "A3"
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    notes.append(["列名", "说明"])
    for f in spec.fields:
        synonyms = "、".join(f.synonyms[:5])
        text = ("必填。" if f.required else "选填。") + _NOTES.get(f.type, "")
        if synonyms:
            text += f"也可用列名：{synonyms}。"
        notes.append([f.label, text])
    notes.append(["", f"第3行是示例（以“{EXAMPLE_MARK}”开头），导入时自动跳过，可删除。带 * 的列必须填写。"])
    p = Path(path)
    wb.save(str(p))
    return p
