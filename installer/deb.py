"""Build the Debian package (统信 UOS, 麒麟 Kylin and other Debian-based desktops) with dpkg-deb.

Layout: the PyInstaller bundle under /opt/quzhou-desktop, /usr/bin/quzhou-desktop as a symbolic link to it, the
menu entry, the icon in every hicolor size and a copyright file.  The maintainer scripts only refresh the menu
and icon caches; user data under the users' home folders is never touched, on remove or on purge.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from installer.project import BUNDLED_FONTS, FONTS_DEST, ICON_SIZES, ICONS, INSTALL_PREFIX, INSTALLER, Project
from installer.qtprune import LEFT_TO_SYSTEM

LINUX = INSTALLER / "linux"
DESKTOP_FILE = LINUX / "quzhou-desktop.desktop"
DEBIAN = LINUX / "debian"
MAINTAINER_SCRIPTS = ("postinst", "postrm")
MAINTAINER = "quzhou-desktop 项目组 <quzhou-desktop@localhost>"
# Libraries PyInstaller leaves to the system (graphics drivers and the C library), the X11 connection, and
# the ones the spec leaves to the system on purpose (CUPS).
BASE_DEPENDS = ("libgl1", "libegl1", "libxcb1", "libfontconfig1", *sorted(set(LEFT_TO_SYSTEM.values())))
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Member:
    """One file the package installs besides the bundle: its path in the package and where it comes from."""

    dest: PurePosixPath
    source: Path | None  # None for the /usr/bin symbolic link
    link_to: PurePosixPath | None = None


def plan(project: Project) -> list[Member]:
    """Everything outside /opt the package installs (the tests check it against the files in the tree)."""
    members = [
        Member(PurePosixPath("/usr/bin") / project.name, None, INSTALL_PREFIX / project.exe_stem),
        Member(PurePosixPath("/usr/share/applications") / f"{project.name}.desktop", DESKTOP_FILE),
    ]
    for size in ICON_SIZES:
        members.append(
            Member(
                PurePosixPath(f"/usr/share/icons/hicolor/{size}x{size}/apps/{project.name}.png"),
                ICONS / f"quzhou-desktop-{size}.png",
            )
        )
    return members


def glibc_needed(bundle: Path) -> str:
    """The newest GLIBC_x.y symbol version any binary in the bundle asks for ("2.28" when none is found)."""
    best = (2, 28, 0)
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            data = fh.read()
        for m in _GLIBC.finditer(data):
            best = max(best, (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)))
    return ".".join(str(n) for n in (best if best[2] else best[:2]))


def control_text(project: Project, *, installed_kib: int, glibc: str, arch: str = "amd64") -> str:
    known = {
        "PACKAGE": project.name,
        "VERSION": project.deb_version,
        "ARCH": arch,
        "MAINTAINER": MAINTAINER,
        "INSTALLED_SIZE": str(installed_kib),
        "DEPENDS": ", ".join([f"libc6 (>= {glibc})", *BASE_DEPENDS]),
        "SUMMARY": f"{project.title} — village affairs, disclosures and supervision (offline)",
    }
    text = (DEBIAN / "control.in").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda m: known[m.group(1)], text)


def copyright_text(project: Project) -> str:
    fonts = "\n".join(
        f"  {f.filename}: {f.family}, {f.licence}（{INSTALL_PREFIX}/_internal/{FONTS_DEST}/licenses/"
        f"{f.licence_filename}）"
        for f in BUNDLED_FONTS
    )
    return (
        f"{project.name} {project.version}\n\n"
        "本软件以 MIT 许可发布。/ Released under the MIT licence.\n\n"
        "随程序附带的第三方组件 / Bundled third-party components:\n"
        "  Python, Qt 6 (LGPLv3) and PySide6 (LGPLv3), SQLAlchemy, Alembic, reportlab, openpyxl, fontTools,\n"
        "  Pillow and python-calamine under their own licences.\n"
        f"  Fonts (许可全文见 / full licence texts in {INSTALL_PREFIX}/_internal/{FONTS_DEST}/licenses):\n"
        f"{fonts}\n"
    )


def _normalise_modes(root: Path) -> None:
    """Directories 755, executables 755, other files 644 (the package is installed as root for everyone)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = Path(dirpath, d)
            if not p.is_symlink():
                p.chmod(0o755)
        for f in filenames:
            p = Path(dirpath, f)
            if p.is_symlink():
                continue
            mode = p.stat().st_mode
            p.chmod(0o755 if mode & stat.S_IXUSR else 0o644)
    root.chmod(0o755)


def _tree_kib(root: Path) -> int:
    total = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() or p.is_symlink())
    return (total + 1023) // 1024


def build_deb(project: Project, bundle: Path, out_dir: Path, *, arch: str = "amd64") -> Path:
    """Stage the package tree under ``out_dir/deb-root`` and build ``out_dir/<name>_<version>_<arch>.deb``."""
    root = out_dir / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    opt = root / str(INSTALL_PREFIX).lstrip("/")
    shutil.copytree(bundle, opt, symlinks=True)
    for m in plan(project):
        target = root / str(m.dest).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if m.link_to is not None:
            target.symlink_to(m.link_to)
        elif m.source is not None:
            shutil.copyfile(m.source, target)
    doc = root / "usr/share/doc" / project.name
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(project), encoding="utf-8")
    _normalise_modes(root)

    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    installed = _tree_kib(root)
    (control_dir / "control").write_text(
        control_text(project, installed_kib=installed, glibc=glibc_needed(bundle), arch=arch),
        encoding="utf-8",
    )
    for name in MAINTAINER_SCRIPTS:
        shutil.copyfile(DEBIAN / name, control_dir / name)
        (control_dir / name).chmod(0o755)
    control_dir.chmod(0o755)
    (control_dir / "control").chmod(0o644)

    deb = out_dir / f"{project.name}_{project.deb_version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(root)
    return deb
