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
