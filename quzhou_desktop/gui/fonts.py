"""Choose the UI font explicitly so fontconfig never substitutes a Japanese face for Chinese text."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

WINDOWS_FACES = ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun", "NSimSun", "SimHei")
LINUX_FACES = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "LXGW WenKai",
)
UI_POINT_SIZE = 10


def preferred_faces(*, windows: bool) -> tuple[str, ...]:
    return WINDOWS_FACES + LINUX_FACES if windows else LINUX_FACES + WINDOWS_FACES


def pick_faces(available: Iterable[str], *, windows: bool) -> list[str]:
    """The installed faces from our preference list, best first (case-insensitive match)."""
    by_lower = {name.lower(): name for name in available}
    return [by_lower[f.lower()] for f in preferred_faces(windows=windows) if f.lower() in by_lower]


def simplified_chinese_families() -> list[str]:
    system = QFontDatabase.WritingSystem.SimplifiedChinese
    return [f for f in QFontDatabase.families() if system in QFontDatabase.writingSystems(f)]


def register_bundled_fonts() -> list[str]:
    """Add the fonts shipped in ``resources/fonts`` (installer builds) to Qt's database, for PCs that have
    no Chinese system font. Returns the families added."""
    from quzhou_desktop.paths import resource

    folder = resource("fonts")
    families: list[str] = []
    if not folder.is_dir():
        return families
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".ttf", ".ttc", ".otf"):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def apply_ui_font(app: QApplication) -> str | None:
    """Set the application font to the best installed Chinese face. Returns its family (None if none)."""
    windows = sys.platform.startswith("win")
    faces = pick_faces(simplified_chinese_families(), windows=windows)
    if not faces and register_bundled_fonts():
        faces = pick_faces(simplified_chinese_families(), windows=windows)
    if not faces:
        log.warning("no known Simplified Chinese UI font installed; Chinese text may show as boxes")
        return None
    font = QFont(app.font())
    font.setFamilies(faces)  # the rest of our list serves as fallback before fontconfig's own choice
    font.setPointSize(UI_POINT_SIZE)
    app.setFont(font)
    log.info("UI font: %s", faces[0])
    return faces[0]
