"""One source of truth for the installers: name and version, bundled fonts, which Qt parts to drop.

Read by the PyInstaller spec, ``build.py``, the Inno Setup filler, the Debian packager and the tests, so the
spec, the Windows script and the .deb cannot disagree about file names.  Nothing here imports PySide6 or
PyInstaller.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 build machines
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
OUT = INSTALLER / "out"
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"

# PyInstaller ≥ 6 puts everything but the executables in this folder (sys._MEIPASS).
CONTENTS_DIR = "_internal"
# Fixed for the life of the product: Windows recognises upgrades and the uninstaller by it.
APP_ID_GUID = "{F0E18461-9244-49CF-8C7D-3E1E85E60496}"
PUBLISHER = "quzhou-desktop 项目组"
INSTALL_PREFIX = PurePosixPath("/opt/quzhou-desktop")
ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256)  # .ico entries stop at 256


@dataclass(frozen=True)
class Project:
    name: str  # distribution and executable name, "quzhou-desktop"
    version: str
    description: str
    title: str  # Chinese product name shown to users

    @property
    def exe_stem(self) -> str:
        return self.name

    @property
    def deb_version(self) -> str:
        """Debian ordering: a PEP 440 pre-release "0.2.0rc1" becomes "0.2.0~rc1"."""
        return re.sub(r"(\d)(a|b|rc|dev)", r"\1~\2", self.version.replace(".dev", "~dev"))


def read_project(pyproject: Path = ROOT / "pyproject.toml") -> Project:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    init = (ROOT / "quzhou_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^APP_TITLE\s*=\s*"([^"]+)"', init, re.MULTILINE)
    title = found.group(1) if found else data["name"]
    return Project(name=data["name"], version=data["version"], description=data["description"], title=title)


def windows_exes(project: Project) -> tuple[str, str]:
    """The windowed program (shortcuts) and the console program (command line) of the Windows bundle."""
    return f"{project.exe_stem}.exe", f"{project.exe_stem}-cli.exe"


# --------------------------------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class BundledFont:
    """A freely licensed font taken from the build machine's Debian package, with that package's licence."""

    package: str  # Debian package the file comes from
    relpath: str  # under the fonts root, e.g. "truetype/wqy/wqy-microhei.ttc"
    family: str
    licence: str  # short licence name for INSTALL.md and the licence index

    @property
    def filename(self) -> str:
        return PurePosixPath(self.relpath).name

    @property
    def licence_filename(self) -> str:
        return f"{self.package}.copyright.txt"


# Regular weights only: the notices use one face per role (printing/fonts.py) and bold is synthesised nowhere.
BUNDLED_FONTS: tuple[BundledFont, ...] = (
    BundledFont("fonts-arphic-uming", "truetype/arphic/uming.ttc", "AR PL UMing", "Arphic Public License"),
    BundledFont(
        "fonts-lxgw-wenkai", "truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", "LXGW WenKai", "SIL OFL 1.1"
    ),
    BundledFont(
        "fonts-wqy-microhei", "truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei", "Apache-2.0 或 GPLv3"
    ),
)
FONTS_DEST = "resources/fonts"  # inside the bundle's contents folder; paths.resource("fonts")
LICENCE_DIR = "licenses"  # under FONTS_DEST


class StagingError(RuntimeError):
    pass


def stage_fonts(
    dest: Path, *, font_root: Path = Path("/usr/share/fonts"), doc_root: Path = Path("/usr/share/doc")
) -> list[Path]:
    """Copy the bundled fonts and their licence files into ``dest``; returns the files written.

    On a build machine without the Debian packages (Windows), pass a ``font_root`` holding the same relative
    paths and a ``doc_root`` holding ``<package>/copyright``.
    """
    if dest.exists():
        shutil.rmtree(dest)
    (dest / LICENCE_DIR).mkdir(parents=True)
    written: list[Path] = []
    missing: list[str] = []
    for font in BUNDLED_FONTS:
        src = font_root / font.relpath
        lic = doc_root / font.package / "copyright"
        if not src.is_file():
            missing.append(f"{src}（软件包 {font.package}）")
        if not lic.is_file():
            missing.append(f"{lic}（软件包 {font.package} 的许可文件）")
        if src.is_file() and lic.is_file():
            written.append(Path(shutil.copy2(src, dest / font.filename)))
            written.append(Path(shutil.copy2(lic, dest / LICENCE_DIR / font.licence_filename)))
    if missing:
        raise StagingError("构建机缺少要打包的字体或许可文件：\n  " + "\n  ".join(missing))
    index = dest / LICENCE_DIR / "README.txt"
    lines = ["随程序附带的自由字体及其许可（许可全文见同目录下的 *.copyright.txt）：", ""]
    lines += [f"{f.filename}\t{f.family}\t{f.licence}\t{f.licence_filename}" for f in BUNDLED_FONTS]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(index)
    return written


# ---------------------------------------------------------------------------------------------- Qt pruning

# Python modules the app never imports: PyInstaller then does not follow them at all.
EXCLUDED_MODULES: tuple[str, ...] = (
    "tkinter",
    "_tkinter",
    "PIL",  # not a runtime dependency (pdfplumber brings it into the dev venv)
    "pytest",
    "_pytest",
    "hypothesis",
    "pdfplumber",
    "pdfminer",
    "pypdfium2",
    "pypdfium2_raw",
    "mypy",
    "pyinstrument",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtConcurrent",
    "PySide6.QtXml",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtMultimedia",
)

# Qt modules the app uses (the rest of PySide6's libraries are dropped from the bundle).
KEPT_QT_MODULES: tuple[str, ...] = (
    "Core",
    "Gui",
    "Widgets",
    "PrintSupport",
    "Pdf",
    "PdfWidgets",
    "Svg",  # SVG icons (iconengines/qsvgicon)
    "DBus",  # xcb, ibus input method and the portal theme use it
    "Network",  # libQt6Pdf links against it
    "XcbQpa",  # the xcb platform plugin's library
)

# Plugins kept, per plugin folder; a folder not listed is dropped whole.
KEPT_PLUGINS: dict[str, tuple[str, ...]] = {
    "platforms": ("qxcb", "qoffscreen", "qwindows", "qminimal"),
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "platformthemes": ("qxdgdesktopportal",),  # gtk3 theme dropped
    "imageformats": ("qico", "qjpeg", "qgif", "qsvg", "qtiff", "qwebp"),
    "iconengines": ("qsvgicon",),
    "printsupport": ("cupsprintersupport", "windowsprintersupport"),
    "xcbglintegrations": ("qxcb-glx-integration", "qxcb-egl-integration"),
    "styles": ("qmodernwindowsstyle", "qwindowsvistastyle"),
}
KEPT_TRANSLATIONS: tuple[str, ...] = ("qtbase_zh_CN.qm", "qt_zh_CN.qm")

_QT_LIB = re.compile(r"^(?:lib)?Qt6([A-Za-z0-9]+?)(?:\.so(?:\.\d+)*|\.dll|d?\.dll)$")
_PY_QT = re.compile(r"^Qt([A-Za-z0-9]+)\.(?:abi3\.so|pyd|pyi|cpython-[^.]+\.so)$")


def _plugin_stem(filename: str) -> str:
    stem = filename.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def qt_keep(dest: str) -> bool:
    """Whether a bundle member (destination path as PyInstaller records it) is kept.

    Only members under ``PySide6/`` are judged; everything else is kept.  Works for the Linux layout
    (``PySide6/Qt/lib``, ``PySide6/Qt/plugins``) and the Windows one (``PySide6/*.dll``, ``PySide6/plugins``).
    """
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":
        return True
    name = parts[-1]
    if "translations" in parts:
        return name in KEPT_TRANSLATIONS
    if "qml" in parts or "metatypes" in parts:
        return False
    if "plugins" in parts:
        folder = parts[parts.index("plugins") + 1] if len(parts) > parts.index("plugins") + 2 else ""
        return _plugin_stem(name) in KEPT_PLUGINS.get(folder, ())
    lib = _QT_LIB.match(name)
    if lib:
        return lib.group(1) in KEPT_QT_MODULES
    py = _PY_QT.match(name)
    if py:
        return py.group(1) in KEPT_QT_MODULES
    return True


def dropped_plugin_folders() -> tuple[str, ...]:
    """Plugin folders shipped by PySide6 that the bundle leaves out entirely (for tests and the report)."""
    return (
        "designer",
        "egldeviceintegrations",
        "generic",
        "networkinformation",
        "qmltooling",
        "sqldrivers",
        "tls",
        "vectorimageformats",
        "wayland-decoration-client",
        "wayland-graphics-integration-client",
        "wayland-graphics-integration-server",
        "wayland-shell-integration",
    )
