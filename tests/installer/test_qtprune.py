"""Which Qt members the bundle keeps (Linux and Windows layouts) and how pruning follows links and dependencies."""

from __future__ import annotations

import sys

import pytest

from installer.deb import BASE_DEPENDS
from installer.qtprune import (
    KEPT_PLUGINS,
    LEFT_TO_SYSTEM,
    dropped_plugin_folders,
    elf_needed,
    prune,
    qt_keep,
)


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # Linux wheel layout
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6Gui.so.6", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6PrintSupport.so.6", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/lib/libQt6PdfWidgets.so.6", True),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", True),
        ("PySide6/Qt/lib/libicudata.so.73", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6QuickControls2Material.so.6", False),
        ("PySide6/Qt/lib/libQt6PdfQuick.so.6", False),
        ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", False),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", False),
        ("PySide6/Qt/lib/libQt63DCore.so.6", False),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", False),
        ("PySide6/Qt/lib/libQt6OpenGL.so.6", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqicns.so", False),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/plugins/qmltooling/libqmldbg_server.so", False),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qtdeclarative_zh_CN.qm", False),
        ("PySide6/Qt/qml/QtQuick/Controls/libqtquickcontrols2plugin.so", False),
        ("PySide6/QtCore.abi3.so", True),
        ("PySide6/QtQuick.abi3.so", False),
        ("PySide6/libpyside6.abi3.so.6.12", True),
        # Windows wheel layout
        ("PySide6\\Qt6Core.dll", True),
        ("PySide6\\Qt6Pdf.dll", True),
        ("PySide6\\Qt6Quick.dll", False),
        ("PySide6\\QtPdfWidgets.pyd", True),
        ("PySide6\\QtQml.pyd", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qoffscreen.dll", True),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", False),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6\\plugins\\printsupport\\windowsprintersupport.dll", True),
        ("PySide6\\translations\\qtbase_zh_CN.qm", True),
        ("PySide6\\opengl32sw.dll", True),
        # not Qt: always kept
        ("reportlab/fonts/Vera.ttf", True),
        ("resources/fonts/uming.ttc", True),
    ],
)
def test_qt_keep_table(dest: str, kept: bool) -> None:
    assert qt_keep(dest) is kept


def test_dropped_plugin_folders_are_not_kept() -> None:
    for folder in dropped_plugin_folders():
        assert folder not in KEPT_PLUGINS
        assert not qt_keep(f"PySide6/Qt/plugins/{folder}/libanything.so")


def test_prune_follows_symlinks_and_orphaned_dependencies() -> None:
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/qxcb", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/s/qgtk3", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/s/quick", "BINARY"),
        ("libgtk-3.so.0", "/s/gtk", "BINARY"),  # only the gtk3 theme needs it
        ("libcairo.so.2", "/s/cairo", "BINARY"),  # gtk needs it (transitively orphaned)
        ("libX11.so.6", "/s/x11", "BINARY"),  # needed by gtk AND by xcb: stays
        ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
    ]
    imports = {
        "/s/qgtk3": ["libgtk-3.so.0"],
        "/s/gtk": ["libcairo.so.2", "libX11.so.6"],
        "/s/qxcb": ["libX11.so.6"],
    }
    kept_bins, kept_datas, dropped = prune(binaries, [], lambda src: imports.get(src, []))
    assert [e[0] for e in kept_bins] == ["PySide6/Qt/plugins/platforms/libqxcb.so", "libX11.so.6"]
    assert kept_datas == []
    assert "libQt6Quick.so.6" in dropped and "libcairo.so.2" in dropped


def test_libraries_left_to_the_system_go_with_their_own_dependencies() -> None:
    binaries = [
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/s/cupsplugin", "BINARY"),
        ("libcups.so.2", "/s/cups", "BINARY"),
        ("libgnutls.so.30", "/s/gnutls", "BINARY"),  # only libcups needs it
        ("libz.so.1", "/s/z", "BINARY"),  # libcups and a kept extension need it: stays
        ("_zlib.so", "/s/zlibext", "EXTENSION"),
    ]
    imports = {
        "/s/cupsplugin": ["libcups.so.2"],
        "/s/cups": ["libgnutls.so.30", "libz.so.1"],
        "/s/zlibext": ["libz.so.1"],
    }
    kept, _datas, dropped = prune(binaries, [], lambda src: imports.get(src, []))
    assert [e[0] for e in kept] == [binaries[0][0], "libz.so.1", "_zlib.so"]
    assert dropped == ["libcups.so.2", "libgnutls.so.30"]
    assert set(LEFT_TO_SYSTEM.values()) <= set(BASE_DEPENDS)  # the .deb asks for them instead


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF binaries are Linux's")
def test_elf_needed_reads_direct_imports_only() -> None:
    needed = elf_needed(sys.executable)
    assert any(n.startswith("libc.so") or n.startswith("libpython") for n in needed)
    assert elf_needed(__file__) == []
