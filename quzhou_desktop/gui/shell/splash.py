"""A light start-up window painted before the database layer is imported (old PCs take a while)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel

from quzhou_desktop import APP_TITLE, __version__
from quzhou_desktop.gui.i18n import tr


def show_splash(app: QApplication) -> QLabel:
    """Show the start-up window. (A plain frameless label: QSplashScreen.show() blocks until the window is
    exposed, up to a second on some platforms.)"""
    pixmap = QPixmap(460, 170)
    pixmap.fill(QColor("#f4f6f8"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8b1a1a"))
    title = QFont(app.font())
    title.setPointSize(18)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(QRect(0, 30, 460, 50), Qt.AlignmentFlag.AlignCenter, APP_TITLE)
    painter.setPen(QColor("#555555"))
    painter.setFont(app.font())
    painter.drawText(QRect(0, 90, 460, 30), Qt.AlignmentFlag.AlignCenter, tr("正在打开数据库，请稍候…"))
    painter.drawText(QRect(0, 130, 450, 30), Qt.AlignmentFlag.AlignRight, f"{tr('版本')} {__version__}")
    painter.end()
    splash = QLabel()
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setPixmap(pixmap)
    splash.setFixedSize(pixmap.size())
    splash.setWindowTitle(APP_TITLE)
    splash.show()
    app.processEvents()
    return splash
