"""Run installer/quzhou-desktop.spec without PyInstaller: fake build objects record what the spec asks for."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from installer import interpreter, qtprune
from installer.project import INSTALLER
from tests.support.installer import SpecRun, fake_font_tree

SPEC = INSTALLER / "quzhou-desktop.spec"

# What PyInstaller's PySide6 hooks would collect (a representative slice, Linux layout).
QT_BINARIES = [
    ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", "/src/libQt6Pdf.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Quick.so.6", "/src/libQt6Quick.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6WaylandClient.so.6", "/src/libQt6WaylandClient.so.6", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/src/libqoffscreen.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", "/src/libqwayland.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/src/libcups-plugin.so", "BINARY"),
    ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
]
QT_DATAS = [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/src/qtbase_zh_CN.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
    ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
    ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
]
FAKE_IMPORTS = {"/src/libqgtk3.so": ["libgtk-3.so.0", "libQt6Gui.so.6"]}


@pytest.fixture
def run_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], SpecRun]:
    def run(platform: str) -> SpecRun:
        rec = SpecRun(workpath=tmp_path / f"work-{platform}")
        rec.workpath.mkdir()
        font_root, doc_root = fake_font_tree(tmp_path / f"debian-{platform}")
        monkeypatch.setenv("QUZHOU_FONT_ROOT", str(font_root))
        monkeypatch.setenv("QUZHOU_FONT_DOC_ROOT", str(doc_root))
        monkeypatch.setattr(sys, "platform", platform)

        hooks = types.ModuleType("PyInstaller.utils.hooks")

        def collect_submodules(package: str, **_kw: Any) -> list[str]:
            rec.submodule_packages.append(package)
            return [f"{package}.fake"]

        hooks.collect_data_files = lambda package, **_kw: []  # type: ignore[attr-defined]
        hooks.collect_submodules = collect_submodules  # type: ignore[attr-defined]
        bindepend = types.ModuleType("PyInstaller.depend.bindepend")
        bindepend.get_imports = lambda src: [(n, None) for n in FAKE_IMPORTS.get(src, [])]  # type: ignore[attr-defined]
        for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.depend"):
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
        monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)
        monkeypatch.setattr(qtprune, "elf_needed", lambda src: FAKE_IMPORTS.get(src, []))

        def require_bundle_python() -> None:
            rec.python_checked += 1

        monkeypatch.setattr(interpreter, "require_bundle_python", require_bundle_python)

        class Analysis:
            def __init__(self, scripts: list[str], **kw: Any) -> None:
                rec.analysis = {"scripts": scripts, **kw}
                self.scripts = scripts
                self.pure: list[Any] = []
                self.binaries = list(QT_BINARIES)
                self.datas = list(QT_DATAS) + [
                    (f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kw["datas"]
                ]

        def exe(*_args: Any, **kw: Any) -> dict[str, Any]:
            rec.exes.append(kw)
            return kw

        def collect(*args: Any, **kw: Any) -> None:
            rec.collect = kw
            rec.binaries, rec.datas = args[-2], args[-1]

        namespace = {
            "SPECPATH": str(INSTALLER),
            "workpath": str(rec.workpath),
            "Analysis": Analysis,
            "PYZ": lambda pure: ("PYZ", pure),
            "EXE": exe,
            "COLLECT": collect,
            "__file__": str(SPEC),
        }
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
        return rec

    return run
