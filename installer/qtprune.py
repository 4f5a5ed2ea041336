"""Which Qt parts the bundle keeps, and pruning of PyInstaller's collected files.

PyInstaller's PySide6 hooks collect every plugin folder a Qt module might use (Wayland, EGLFS, the gtk3 theme,
SQL drivers …) together with their system-library dependencies.  :func:`prune` drops the members :func:`qt_keep`
rejects, the symbolic links pointing at them, and the libraries only they needed.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

TocEntry = tuple[str, str, str]  # (destination, source, typecode) as PyInstaller records bundle members

# Python modules the app never imports: PyInstaller then does not follow them at all.
EXCLUDED_MODULES: tuple[str, ...] = (
    "tkinter",
    "_tkinter",
    "PIL._avif",  # reportlab needs Pillow for images, not AVIF (libavif is ~5 MB) or Tk
    "PIL.AvifImagePlugin",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL._imagingft",  # Pillow's own text drawing (FreeType, HarfBuzz); reportlab does its own
    "PIL._imagingcms",  # colour management (lcms2); Pillow defers the ImportError until used
    "pygments",  # only for Mako's HTML error pages (Alembic's templates)
    "pydoc_data",  # help() topics
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
# Libraries taken from the target system instead of the build machine (the .deb depends on their packages):
# libcups must match the local CUPS set-up, and bundling it drags in GnuTLS, Kerberos, Avahi … (~9 MB).
LEFT_TO_SYSTEM: dict[str, str] = {"libcups.so.2": "libcups2"}

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


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def _symlink_target(entry: TocEntry) -> str:
    """Bundle-relative path a SYMLINK entry points at (PyInstaller stores the target relative to the link)."""
    dest, target, _ = entry
    parts: list[str] = list(PurePosixPath(_norm(dest)).parent.parts)
    for part in PurePosixPath(_norm(target)).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _closure(
    roots: Iterable[str], imports: Callable[[str], Iterable[str]], by_name: dict[str, str]
) -> set[str]:
    """Source paths reachable from ``roots`` through link-time imports, restricted to collected files."""
    seen: set[str] = set()
    todo = [r for r in roots if r]
    while todo:
        src = todo.pop()
        if src in seen:
            continue
        seen.add(src)
        for name in imports(src):
            found = by_name.get(PurePosixPath(_norm(name)).name.lower())
            if found and found not in seen:
                todo.append(found)
    return seen


def prune(
    binaries: list[TocEntry], datas: list[TocEntry], imports: Callable[[str], Iterable[str]]
) -> tuple[list[TocEntry], list[TocEntry], list[str]]:
    """Drop what :func:`qt_keep` rejects plus what only the dropped members needed.

    ``imports(source_path)`` lists the library names a binary links against (PyInstaller's
    ``bindepend.get_imports`` in the spec).  Returns the kept binaries, the kept datas and the dropped
    destinations (sorted).
    """
    dropped = {_norm(e[0]) for e in (*binaries, *datas) if not qt_keep(e[0]) or _norm(e[0]) in LEFT_TO_SYSTEM}
    real = [e for e in binaries if e[2] != "SYMLINK"]
    # Libraries left to the system are not followed from kept members: their own dependencies go too.
    by_name = {
        PurePosixPath(_norm(e[0])).name.lower(): e[1]
        for e in real
        if PurePosixPath(_norm(e[0])).name not in LEFT_TO_SYSTEM
    }
    by_name_all = {PurePosixPath(_norm(e[0])).name.lower(): e[1] for e in real}
    needed_by_kept = _closure(
        (e[1] for e in real if _norm(e[0]) not in dropped and _is_root(e)), imports, by_name
    )
    needed_by_dropped = _closure((e[1] for e in real if _norm(e[0]) in dropped), imports, by_name_all)
    orphans = needed_by_dropped - needed_by_kept
    for e in real:
        if e[1] in orphans and "/" not in _norm(e[0]):  # only libraries PyInstaller pulled in as dependencies
            dropped.add(_norm(e[0]))
    # PyInstaller links lib/libQt6X.so.6 into the bundle root (SYMLINK entries, found among binaries or datas).
    for e in (*binaries, *datas):
        if e[2] == "SYMLINK" and _symlink_target(e) in dropped:
            dropped.add(_norm(e[0]))
    kept_bins = [e for e in binaries if _norm(e[0]) not in dropped]
    kept_datas = [e for e in datas if _norm(e[0]) not in dropped]
    return kept_bins, kept_datas, sorted(dropped)


def _is_root(entry: TocEntry) -> bool:
    """Members loaded on their own (extension modules, plugins, Qt and Python libraries), not as dependencies."""
    dest = _norm(entry[0])
    return entry[2] == "EXTENSION" or "/" in dest or dest.lower().startswith(("libpython", "python"))


def elf_needed(path: str) -> list[str]:
    """The DT_NEEDED entries of an ELF file: its *direct* library imports (ldd would list them transitively).

    Returns [] for anything that is not a readable ELF file with a dynamic section.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return []
    if data[:4] != b"\x7fELF" or data[5] not in (1, 2):
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, shentsize, shnum = (
            struct.unpack_from(end + "Q", data, 0x28)[0],
            *struct.unpack_from(end + "HH", data, 0x3A),
        )
        sh_fmt, dyn_fmt = end + "IIQQQQIIQQ", end + "qQ"
    else:
        shoff, shentsize, shnum = (
            struct.unpack_from(end + "I", data, 0x20)[0],
            *struct.unpack_from(end + "HH", data, 0x2E),
        )
        sh_fmt, dyn_fmt = end + "IIIIIIIIII", end + "iI"
    sections = [struct.unpack_from(sh_fmt, data, shoff + i * shentsize) for i in range(shnum)]
    names: list[str] = []
    for sec in sections:
        if sec[1] != 6:  # SHT_DYNAMIC
            continue
        offset, size, link = sec[4], sec[5], sec[6]
        strtab = sections[link][4]
        step = struct.calcsize(dyn_fmt)
        for pos in range(offset, offset + size, step):
            tag, val = struct.unpack_from(dyn_fmt, data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                stop = data.index(b"\0", strtab + val)
                names.append(data[strtab + val : stop].decode("ascii", "replace"))
    return names
