"""Draw the app icon (a red-roofed village notice board with 村) at every size the platforms need.

Run ``python installer/draw_icon.py`` after changing the design; it rewrites ``resources/icons/`` (PNG per size
plus a multi-size Windows .ico), which is committed.  Qt draws offscreen; no Pillow.  Small sizes are drawn
with less detail (no character, fewer strokes) so they stay crisp rather than being scaled down.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from installer.project import ICO_SIZES, ICON_SIZES, ICONS

ROOF = "#c62828"
ROOF_DARK = "#8e1b1b"
WOOD = "#6d4c41"
BOARD = "#fff8e1"
INK = "#b71c1c"
LINE = "#8d6e63"
GLYPH_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"),
)


def _glyph_family() -> str | None:
    from PySide6.QtGui import QFontDatabase

    for path in GLYPH_FONT_FILES:
        if path.is_file():
            fid = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
            if families:
                return families[0]
    return None


def draw(size: int, family: str | None):  # type: ignore[no-untyped-def]
    """One icon as a QImage (ARGB32, transparent background)."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    s = size / 64.0  # design grid is 64 × 64
    small = size <= 24

    # Posts
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(WOOD))
    post_w = max(2.0, 5 * s)
    for x in (12 * s, 52 * s - post_w):
        p.drawRect(QRectF(x, 40 * s, post_w, 22 * s))

    # Board with frame
    frame = max(1.0, 3 * s)
    board = QRectF(6 * s, 20 * s, 52 * s, 28 * s)
    p.setBrush(QColor(WOOD))
    p.drawRoundedRect(board, 2 * s, 2 * s)
    p.setBrush(QColor(BOARD))
    inner = board.adjusted(frame, frame, -frame, -frame)
    p.drawRect(inner)

    # Roof: a wide red gable with eaves and a darker ridge
    roof = QPolygonF(
        [QPointF(1 * s, 23 * s), QPointF(14 * s, 8 * s), QPointF(50 * s, 8 * s), QPointF(63 * s, 23 * s)]
    )
    p.setBrush(QColor(ROOF))
    p.drawPolygon(roof)
    p.setBrush(QColor(ROOF_DARK))
    p.drawRect(QRectF(12 * s, 5 * s, 40 * s, max(1.5, 4 * s)))

    if small:
        # Three lines of "notice text" and a red seal dot instead of the character
        p.setPen(QPen(QColor(LINE), max(1.0, 2 * s)))
        for i in range(3):
            y = inner.top() + (i + 1) * inner.height() / 4
            p.drawLine(QPointF(inner.left() + 3 * s, y), QPointF(inner.right() - 14 * s, y))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(INK))
        p.drawRect(QRectF(inner.right() - 11 * s, inner.top() + 4 * s, 8 * s, 8 * s))
    else:
        # Notice lines on the left, the character 村 in a seal square on the right
        p.setPen(QPen(QColor(LINE), max(1.0, 1.6 * s)))
        for i in range(4):
            y = inner.top() + (i + 1) * inner.height() / 5
            p.drawLine(QPointF(inner.left() + 3 * s, y), QPointF(inner.left() + 22 * s, y))
        seal = QRectF(inner.right() - 22 * s, inner.top() + 1.5 * s, 20 * s, inner.height() - 3 * s)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(INK))
        p.drawRoundedRect(seal, 2 * s, 2 * s)
        if family:
            font = QFont(family)
            font.setPixelSize(max(8, round(17 * s)))
            font.setBold(True)
            path = QPainterPath()
            path.addText(0, 0, font, "村")
            box = path.boundingRect()
            path.translate(seal.center() - box.center())
            p.setBrush(QColor(BOARD))
            p.drawPath(path)
    p.end()
    return img


def png_bytes(img) -> bytes:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def dib_bytes(img) -> bytes:  # type: ignore[no-untyped-def]
    """A 32-bit BGRA device-independent bitmap with an AND mask, as classic .ico entries hold (Windows 7)."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_ARGB32)  # little-endian memory order is B, G, R, A
    w, h = img.width(), img.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = [bytes(img.constScanLine(y))[: w * 4] for y in range(h)]
    mask_stride = ((w + 31) // 32) * 4
    mask_rows = []
    for row in rows:
        bits = bytearray(mask_stride)
        for x in range(w):
            if row[x * 4 + 3] == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    return header + b"".join(reversed(rows)) + b"".join(reversed(mask_rows))


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """A multi-size .ico from size → entry data (DIB up to 48 px, PNG above)."""
    count = len(images)
    out = struct.pack("<HHH", 0, 1, count)
    offset = 6 + 16 * count
    blobs = []
    for size, blob in sorted(images.items()):
        dim = 0 if size >= 256 else size
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs.append(blob)
    return out + b"".join(blobs)


def icon_png(size: int) -> Path:
    return ICONS / f"quzhou-desktop-{size}.png"


ICO_FILE = ICONS / "quzhou-desktop.ico"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    family = _glyph_family()
    if family is None:
        print("警告：找不到用来画“村”字的字体，图标只画图形", file=sys.stderr)
    ICONS.mkdir(parents=True, exist_ok=True)
    ico_entries: dict[int, bytes] = {}
    for size in ICON_SIZES:
        img = draw(size, family)
        data = png_bytes(img)
        icon_png(size).write_bytes(data)
        if size in ICO_SIZES:
            ico_entries[size] = dib_bytes(img) if size <= 48 else data
    ICO_FILE.write_bytes(ico_bytes(ico_entries))
    # The names the GUI looks for (quzhou_desktop/app.py ICON_NAMES): window and taskbar icon.
    (ICONS / "app.ico").write_bytes(ICO_FILE.read_bytes())
    (ICONS / "app.png").write_bytes(icon_png(256).read_bytes())
    print(f"已生成 {len(ICON_SIZES)} 个 PNG 和 {ICO_FILE.name}（{len(ico_entries)} 种尺寸）到 {ICONS}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
