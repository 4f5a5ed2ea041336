"""Register columns: a default order and widths that keep the key columns in view on a 1366-pixel screen, and
each user's own widths and order remembered per table (``ui.ini`` in the app's configuration folder, one group
per user and table; drag a header to move a column, drag its edge to resize it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QTableView

from quzhou_desktop.paths import config_dir

STATE_VERSION = 1  # bump when a table's columns change so old saved layouts are ignored


def ui_settings() -> QSettings:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)


def _key(user_id: str | None, table: str) -> str:
    return f"columns/{user_id or 'anonymous'}/{table}"


def arrange_columns(
    view: QTableView,
    table: str,
    user_id: str | None,
    *,
    widths: Mapping[int, int],
    order: Sequence[int] = (),
) -> None:
    """Give ``view`` its default widths and visual ``order`` (logical column numbers, first to last; columns
    not named keep their place after them), then the user's saved layout of ``table`` if there is one; save
    the layout whenever the user moves or resizes a column."""
    header = view.horizontalHeader()
    header.setSectionsMovable(True)
    for col, width in widths.items():
        view.setColumnWidth(col, width)
    for visual, logical in enumerate(order):
        header.moveSection(header.visualIndex(logical), visual)
    settings = ui_settings()
    key = f"{_key(user_id, table)}/v{STATE_VERSION}"
    saved = settings.value(key)
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        header.restoreState(saved)

    def save(*_args: object) -> None:
        ui_settings().setValue(key, header.saveState())

    header.sectionResized.connect(save)
    header.sectionMoved.connect(save)
    header.sortIndicatorChanged.connect(save)


def visible_columns(view: QTableView) -> list[str]:
    """Header titles of the columns shown whole in the view's viewport without scrolling (for tests)."""
    header: QHeaderView = view.horizontalHeader()
    model = view.model()
    width = view.viewport().width()
    out = []
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        left = header.sectionPosition(logical)
        if left + header.sectionSize(logical) <= width:
            out.append(str(model.headerData(logical, header.orientation())))
    return out
