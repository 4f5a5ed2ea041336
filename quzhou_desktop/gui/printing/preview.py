"""PreviewDialog: the generated PDF in a QPdfView, 打印 through the system print dialog, 另存为 PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from quzhou_desktop.gui.messages import show_error, show_info
from quzhou_desktop.gui.widgets.fit import fit_to_screen

PRINT_DPI = 300


class PreviewDialog(QDialog):
    """Shows ``pdf`` (bytes); ``codes`` are listed under the view so the user sees what the paper will carry."""

    def __init__(
        self,
        pdf: bytes,
        *,
        title: str,
        suggested_name: str,
        info: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 — {title}")
        fit_to_screen(self, 800, 900)  # an A4 page at a readable width; never taller than the screen
        self.pdf_bytes = pdf
        self.suggested_name = suggested_name
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.info = QLabel(info or f"共 {self.document.pageCount()} 页", self)
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("打印…", self)
        self.save_button = QPushButton("另存为PDF…", self)
        close = QPushButton("关闭", self)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save_as)
        close.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())

    def save_to(self, path: Path) -> Path:
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        path.write_bytes(self.pdf_bytes)
        return path

    def save_as(self) -> None:
        start = str(Path.home() / self.suggested_name)
        name, _ = QFileDialog.getSaveFileName(self, "另存为PDF", start, "PDF 文件 (*.pdf)")
        if not name:
            return
        try:
            saved = self.save_to(Path(name))
        except OSError as exc:
            show_error(self, f"无法保存到 {name}：{exc.strerror or exc}")
            return
        show_info(self, f"已保存到 {saved}")

    def print_(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        error = self.print_to(printer)
        if error:
            show_error(self, error)

    def print_to(self, printer: QPrinter) -> str:
        """Render each page of the PDF into ``printer``; returns a Chinese error, or "" on success."""
        first, last = printer.fromPage(), printer.toPage()
        if first == 0:  # 0 = all pages
            first, last = 1, self.page_count
        painter = QPainter()
        if not painter.begin(printer):
            return "无法开始打印：打印机不可用或未就绪"
        try:
            for n in range(first - 1, min(last, self.page_count)):
                if n > first - 1:
                    printer.newPage()
                target = painter.viewport()
                size_pt = self.document.pagePointSize(n)
                dpi = min(PRINT_DPI, printer.resolution())
                image = self.document.render(
                    n, QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
                )
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
        finally:
            painter.end()
        return ""
