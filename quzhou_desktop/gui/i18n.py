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


def install_qt_translations(app: QCoreApplication) -> bool:
    """Load Qt's own zh_CN catalogue so standard buttons and dialogs speak Chinese. True if loaded."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", path):
        app.installTranslator(translator)
        _translators.append(translator)
        return True
    log.info("qtbase_zh_CN not found in %s; standard buttons use explicit Chinese texts", path)
    return False
