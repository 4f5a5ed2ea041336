"""User-facing text: every literal goes through ``tr`` so a Qt Linguist catalogue can be added later."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)
CONTEXT = "quzhou"
_translators: list[QTranslator] = []


def tr(text: str, context: str = CONTEXT) -> str:
    """Translate ``text`` (Simplified Chinese is the source language)."""
    return QCoreApplication.translate(context, text)


# Strings of Qt's own dialogs that the qtbase_zh_CN shipped with PySide6 does not translate yet (Qt renamed
# them after the catalogue was last updated): (context, source) → Chinese.
QT_GAPS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Look in:"): "查找范围：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Files of type:"): "文件类型：",
}


class _QtGaps(QTranslator):
    """Chinese for the few Qt strings ``qtbase_zh_CN`` lacks; asked only after the real catalogue."""

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        # None is a null QString: "not here, ask the next catalogue" ("" would translate every text to "")
        return QT_GAPS.get((context, source_text))  # type: ignore[return-value]

    def isEmpty(self) -> bool:
        return False


def install_qt_translations(app: QCoreApplication) -> bool:
    """Load Qt's own zh_CN catalogue so standard buttons and dialogs speak Chinese (plus ``QT_GAPS``).
    True if the catalogue was found."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if not any(isinstance(t, _QtGaps) for t in _translators):
        gaps = _QtGaps(app)
        app.installTranslator(gaps)  # installed first, so asked last
        _translators.append(gaps)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", path):
        app.installTranslator(translator)
        _translators.append(translator)
        return True
    log.info("qtbase_zh_CN not found in %s; standard buttons use explicit Chinese texts", path)
    return False
