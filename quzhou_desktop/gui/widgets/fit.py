"""Windows and dialogs that fit the screen they open on (1366×768 laptops leave about 1366×728 beside the
taskbar): a preferred size clipped to the available geometry, and scroll areas around tall contents so the
buttons below them stay on screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

FRAME_W, FRAME_H = 16, 40  # window frame and title bar the window manager adds around a dialog


def available(widget: QWidget | None = None) -> QRect:
    """The usable area of the screen ``widget`` is on (the primary screen otherwise)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def fitted(widget: QWidget, width: int, height: int) -> QSize:
    """``width``×``height``, or less where the screen (minus the window frame) is smaller."""
    area = available(widget)
    return QSize(min(width, area.width() - FRAME_W), min(height, area.height() - FRAME_H))


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to its preferred size clipped to the screen (its layout must allow that: put tall
    contents in ``scrolling``)."""
    widget.resize(fitted(widget, width, height))


def scrolling(inner: QWidget) -> QScrollArea:
    """``inner`` in a frameless vertical scroll area that lets it shrink below its natural height."""
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
