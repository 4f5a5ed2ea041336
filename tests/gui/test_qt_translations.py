"""Qt's own dialogs speak Chinese: qtbase_zh_CN from PySide6's translations folder is loaded."""

from __future__ import annotations

import re

from PySide6.QtCore import QLibraryInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from quzhou_desktop.gui.i18n import install_qt_translations


def test_qtbase_catalogue_ships_with_pyside6() -> None:
    from pathlib import Path

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (folder / "qtbase_zh_CN.qm").is_file()


def test_qt_file_dialog_is_in_chinese(qtbot: QtBot, qapp: QApplication) -> None:
    assert install_qt_translations(qapp)
    dlg = QFileDialog(None, "另存为PDF")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # Qt's own dialog, as on Linux
    qtbot.addWidget(dlg)
    texts = {label.text() for label in dlg.findChildren(QLabel)}
    assert {"查找范围(&L)：", "文件类型(&T)：", "文件名称(&N)："} <= texts
    assert not [t for t in texts if re.search(r"[A-Za-z]", re.sub(r"\(&\w\)", "", t))]


def test_the_fallback_leaves_other_texts_alone(qapp: QApplication) -> None:
    from PySide6.QtCore import QCoreApplication

    install_qt_translations(qapp)
    assert QCoreApplication.translate("quzhou", "定稿") == "定稿"
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "文件类型(&T)："
