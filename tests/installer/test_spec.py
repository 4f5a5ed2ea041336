"""The PyInstaller spec parses and asks for a consistent bundle (issue 8): names, datas, excludes, pruning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from installer.project import (
    CONTENTS_DIR,
    FONTS_DEST,
    ICONS,
    RESOURCES,
    ROOT,
    read_project,
    windows_exes,
)
from installer.qtprune import EXCLUDED_MODULES, KEPT_QT_MODULES, qt_keep
from tests.support.installer import SpecRun

PROJECT = read_project()
GUI_QT = ("Core", "Gui", "Widgets", "PrintSupport", "Pdf", "PdfWidgets")


def test_linux_spec_builds_one_console_program_named_from_pyproject(
    run_spec: Callable[[str], SpecRun],
) -> None:
    rec = run_spec("linux")
    assert [e["name"] for e in rec.exes] == [PROJECT.name]
    assert rec.exes[0]["console"] is True
    assert rec.exes[0]["contents_directory"] == CONTENTS_DIR
    assert rec.exes[0]["upx"] is False
    assert rec.collect["name"] == PROJECT.name


def test_windows_spec_builds_the_two_programs_the_installer_script_names(
    run_spec: Callable[[str], SpecRun],
) -> None:
    rec = run_spec("win32")
    gui, cli = windows_exes(PROJECT)
    assert [(e["name"] + ".exe", e["console"]) for e in rec.exes] == [(gui, False), (cli, True)]
    for e in rec.exes:
        assert e["icon"].endswith(".ico") and Path(e["icon"]).is_file()
        assert e["strip"] is False  # never strip on Windows
    assert rec.collect["name"] == PROJECT.name


def test_spec_bundles_resources_fonts_and_migrations(run_spec: Callable[[str], SpecRun]) -> None:
    rec = run_spec("linux")
    datas = rec.analysis["datas"]
    assert (str(RESOURCES), "resources") in datas
    fonts = [src for src, dest in datas if dest == FONTS_DEST]
    assert fonts and Path(fonts[0]).is_relative_to(rec.workpath)
    migration_files = {Path(src).relative_to(ROOT).as_posix() for src, dest in datas if "migrations" in dest}
    assert {
        "quzhou_desktop/store/migrations/env.py",
        "quzhou_desktop/store/migrations/script.py.mako",
        "quzhou_desktop/store/migrations/versions/0001_initial.py",
    } <= migration_files
    for src, dest in datas:
        if "migrations" in dest:  # the file lands where store/schema.py's MIGRATIONS_DIR expects it
            assert Path(src).parent.relative_to(ROOT).as_posix() == dest


def test_spec_hidden_imports_cover_dynamic_imports_and_gui_qt_modules(
    run_spec: Callable[[str], SpecRun],
) -> None:
    rec = run_spec("linux")
    hidden = rec.analysis["hiddenimports"]
    assert {"quzhou_desktop", "fontTools.ttLib.tables", "reportlab.graphics.barcode"} <= set(
        rec.submodule_packages
    )
    assert {f"PySide6.Qt{m}" for m in GUI_QT} <= set(hidden)


def test_spec_prunes_unused_qt_and_their_orphaned_libraries(run_spec: Callable[[str], SpecRun]) -> None:
    rec = run_spec("linux")
    kept = {e[0] for e in (*rec.binaries, *rec.datas)}
    assert "PySide6/Qt/plugins/platforms/libqxcb.so" in kept
    assert "PySide6/Qt/plugins/platforms/libqoffscreen.so" in kept
    assert "PySide6/Qt/lib/libQt6Pdf.so.6" in kept
    assert "PySide6/Qt/translations/qtbase_zh_CN.qm" in kept
    assert "libQt6Core.so.6" in kept  # symlink to a kept library
    for gone in (
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/translations/qtbase_de.qm",
        "libQt6Quick.so.6",  # symlink to a dropped library
        "libgtk-3.so.0",  # needed only by the dropped gtk3 theme
    ):
        assert gone not in kept
    assert (rec.workpath / "dropped.txt").read_text(encoding="utf-8").count("\n") >= 6


def test_excludes_never_name_a_kept_qt_module() -> None:
    excluded_qt = {m.removeprefix("PySide6.Qt") for m in EXCLUDED_MODULES if m.startswith("PySide6.")}
    # libQt6Network stays (libQt6Pdf links against it); only its Python binding is left out.
    assert excluded_qt & set(KEPT_QT_MODULES) <= {"Network"}
    assert set(GUI_QT) <= set(KEPT_QT_MODULES)


def test_icon_the_spec_uses_exists() -> None:
    assert (ICONS / "quzhou-desktop.ico").is_file()


@pytest.mark.parametrize(
    ("module", "kept"),
    [
        ("PySide6.QtPdf", True),
        ("PySide6.QtPdfWidgets", True),
        ("PySide6.QtPrintSupport", True),
        ("PySide6.QtWidgets", True),
        ("PySide6.QtQuick", False),
        ("PySide6.QtQml", False),
        ("PySide6.QtWebEngineCore", False),
        ("PySide6.QtMultimedia", False),
        ("PySide6.Qt3DCore", False),
    ],
)
def test_python_level_excludes_table(module: str, kept: bool) -> None:
    assert (module not in EXCLUDED_MODULES) is kept
    stem = module.removeprefix("PySide6.Qt")
    assert qt_keep(f"PySide6/Qt{stem}.abi3.so") is kept
