"""Role-based Chinese font discovery, registration and per-character fallback.

GB/T 9704 names a face per role (title 小标宋, body 仿宋, heading 黑体, kai 楷体, page numbers 宋体).  Each role has a
preference list: the faces Chinese Windows PCs carry first, then freely licensed TrueType faces found on the system
or bundled under ``resources/fonts``.  Fonts are parsed with fontTools only to read family names and the embedding
permission; the cmap is read from its raw bytes (:mod:`printing.cmap`).  CFF-outline (OpenType/PostScript) fonts
are rejected because reportlab embeds TrueType ``glyf`` outlines only.  reportlab's ``TTFont`` embeds subsets.
reportlab's CID font STSong-Light is never used (it is not embedded, so paper would differ between PCs).

Every string drawn goes through :meth:`FontSet.runs`, which splits it into runs of one face: the role's face where it
has the character, else the first other discovered face that has it (生僻字 such as 𠮷 or 䶮), else
:class:`MissingGlyph` naming the character, its code point and the field.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont, TTLibError

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.paths import resource
from quzhou_desktop.printing import _rl_patch
from quzhou_desktop.printing import cmap as cmap_bytes

_rl_patch.apply()

ROLES: tuple[str, ...] = ("title", "body", "heading", "kai", "number")
ROLE_LABELS: dict[str, str] = {
    "title": "标题（小标宋）",
    "body": "正文（仿宋）",
    "heading": "一级标题（黑体）",
    "kai": "二级标题（楷体）",
    "number": "页码与表格数字（宋体）",
}

# Preference lists: (family name or file name, lowercase).  Windows faces first, then free TrueType faces.
_WIN_XBS = ("方正小标宋简体", "fzxiaobiaosong-b05s", "fzxbsjw", "fzxbsjw.ttf", "方正小标宋_gbk")
_WIN_SONG = ("simsun", "宋体", "simsun.ttc", "nsimsun")
_WIN_FANG = ("fangsong", "仿宋", "simfang.ttf", "fangsong_gb2312", "仿宋_gb2312")
_WIN_HEI = ("simhei", "黑体", "simhei.ttf")
_WIN_KAI = ("kaiti", "楷体", "simkai.ttf", "kaiti_gb2312", "楷体_gb2312")
_UMING = ("ar pl uming cn", "uming.ttc", "ar pl uming tw", "ar pl uming hk")
_WENKAI = ("lxgw wenkai", "lxgwwenkai-regular.ttf", "霞鹜文楷")
_WQY = ("wenquanyi micro hei", "wqy-microhei.ttc", "文泉驿微米黑")

PREFERENCES: dict[str, tuple[str, ...]] = {
    "title": _WIN_XBS + _WIN_SONG + _UMING + _WENKAI + _WQY,
    "body": _WIN_FANG + _WIN_SONG + _UMING + _WENKAI + _WQY,
    "heading": _WIN_HEI + _WQY + _UMING + _WENKAI,
    "kai": _WIN_KAI + _WENKAI + _UMING + _WQY,
    "number": _WIN_SONG + _UMING + _WENKAI + _WQY,
}

_PROBE = tuple(ord(c) for c in "中村民元年月日")
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


class FontError(QuzhouError):
    code = "font"


class NoChineseFont(FontError):
    template = "找不到可用的中文字体（用于{role}）。请安装仿宋、宋体等 TrueType 字体，或在“设置 → 打印”中指定字体文件。"


class BadFontFile(FontError):
    template = "字体文件不可用：{path}（{reason}）"


class MissingGlyph(FontError):
    """No discovered face has ``char``; printing would leave a blank box."""

    template = "“{field}”中的字符“{char}”（{codepoint}）在已安装的所有字体中都没有，无法打印。请安装含该字的字体或修改内容。"

    def __init__(self, *, char: str, field: str, codepoint: str | None = None) -> None:
        super().__init__(char=char, field=field, codepoint=codepoint or f"U+{ord(char):04X}")


@dataclass(frozen=True)
class FontFace:
    """One face inside a font file (a .ttc holds several)."""

    path: Path
    index: int
    family: str
    names: frozenset[str] = field(compare=False, repr=False)
    style: str = field(default="Regular", compare=False)

    @cached_property
    def rl_name(self) -> str:
        """The name this face is registered under in reportlab."""
        digest = hashlib.sha1(f"{self.path}#{self.index}".encode()).hexdigest()[:10]
        return f"QZ-{digest}"

    @cached_property
    def chars(self) -> frozenset[str]:
        return frozenset(chr(cp) for cp in _read_cmap(self.path, self.index))

    def has(self, ch: str) -> bool:
        return ch in self.chars

    def matches(self, key: str) -> bool:
        return key in self.names


def _read_cmap(path: Path, index: int) -> Iterable[int]:
    with path.open("rb") as fh:
        font = TTFont(fh, fontNumber=index, lazy=True)
        found = cmap_bytes.mapped(font.reader["cmap"])
        if found is not None:
            return found
        table = font.getBestCmap() or {}  # a cmap format other than 4 and 12: let fontTools decode it
        return [cp for cp, glyph in table.items() if glyph != ".notdef"]


def _has_probe(font: TTFont) -> bool:
    """Whether the face maps every character of _PROBE, from the raw cmap (see :mod:`printing.cmap`)."""
    ok = cmap_bytes.covers(font.reader["cmap"], _PROBE)
    if ok is None:
        table = font.getBestCmap() or {}
        ok = all(table.get(cp, ".notdef") != ".notdef" for cp in _PROBE)
    return ok


def _faces_in_file(path: Path) -> list[FontFace]:
    """Usable Chinese TrueType faces in one file; empty when the file is not one."""
    try:
        with path.open("rb") as fh:
            if path.suffix.lower() in (".ttc", ".otc"):
                fonts = list(TTCollection(fh, lazy=True).fonts)
            else:
                fonts = [TTFont(fh, lazy=True)]
            return _usable(path, fonts)
    except (TTLibError, OSError, AssertionError, ValueError, KeyError, struct.error):
        return []


def _usable(path: Path, fonts: list[TTFont]) -> list[FontFace]:
    faces: list[FontFace] = []
    for index, font in enumerate(fonts):
        try:
            if "glyf" not in font or "CFF " in font or "cmap" not in font:
                continue  # reportlab embeds TrueType glyf outlines only
            os2 = font["OS/2"] if "OS/2" in font else None
            if os2 is not None and (os2.fsType & 0x0002 or os2.fsType & 0x0200):
                continue  # restricted licence / bitmap-only embedding
            if os2 is not None and not (os2.ulCodePageRange1 >> 18 & 1 or os2.ulUnicodeRange2 >> 27 & 1):
                continue  # neither GB2312 code page nor CJK Unified Ideographs: not a Chinese face
            if not _has_probe(font):
                continue  # claims Chinese support but lacks common characters
            names = {path.name.lower(), path.stem.lower()}
            family, style = "", "Regular"
            for rec in font["name"].names:
                if rec.nameID in (2, 17) and rec.langID == 0x409:
                    style = rec.toUnicode().strip() or style
                if rec.nameID in (1, 4, 16):
                    try:
                        text = rec.toUnicode().strip()
                    except UnicodeDecodeError:
                        continue
                    names.add(text.lower())
                    if rec.nameID in (1, 16) and (not family or rec.langID == 0x409):
                        family = text
            faces.append(FontFace(path, index, family or path.stem, frozenset(names), style))
        except (TTLibError, KeyError, AttributeError, ValueError, struct.error, UnicodeDecodeError):
            continue
    return faces


def font_dirs() -> list[Path]:
    """Directories searched, bundled fonts first (they ship with the installer)."""
    dirs = [resource("fonts")]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
    dirs += [Path.home() / ".fonts", Path.home() / ".local" / "share" / "fonts"]
    return dirs


def _scan(dirs: Iterable[Path]) -> list[FontFace]:
    faces: list[FontFace] = []
    seen: set[Path] = set()
    for base in dirs:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() not in _FONT_SUFFIXES or not path.is_file():
                continue
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            faces.extend(_faces_in_file(real))
    return faces


_lock = threading.Lock()
_cache: dict[tuple[Path, ...], list[FontFace]] = {}


def discover_faces(dirs: Iterable[Path] | None = None, *, refresh: bool = False) -> list[FontFace]:
    """Every usable Chinese TrueType face in the font directories (cached per directory list)."""
    key = tuple(dirs) if dirs is not None else tuple(font_dirs())
    with _lock:
        if refresh or key not in _cache:
            _cache[key] = _scan(key)
        return list(_cache[key])


def list_usable_faces() -> list[FontFace]:
    """For Settings → 打印: every installed face the user may choose for a role."""
    return sorted(discover_faces(), key=lambda f: (f.family, str(f.path), f.index))


def face_from_path(path: str | Path, index: int | None = None) -> FontFace:
    """A face from a user-chosen file (settings override); the first usable face unless ``index`` is given."""
    p = Path(path)
    faces = _faces_in_file(p.resolve()) if p.is_file() else []
    if index is not None:
        faces = [f for f in faces if f.index == index]
    if not faces:
        raise BadFontFile(path=str(p), reason="不是含中文的 TrueType 字体，或不允许嵌入")
    return faces[0]


_STYLE_RANK = {"regular": 0, "book": 0, "normal": 0, "roman": 0, "medium": 1, "light": 2}


def _style_rank(face: FontFace) -> int:
    return _STYLE_RANK.get(face.style.lower(), 3)  # bold, italic and the like last


def _pick(role: str, faces: list[FontFace]) -> FontFace | None:
    for key in PREFERENCES[role]:
        found = [face for face in faces if face.matches(key)]
        if found:
            return min(found, key=_style_rank)
    return min(faces, key=_style_rank) if faces else None


class FontSet:
    """The face chosen for each role plus the fallback order for characters a role's face lacks."""

    def __init__(self, faces: list[FontFace], overrides: Mapping[str, str | Path | FontFace] | None = None):
        self.faces = list(faces)
        self.by_role: dict[str, FontFace] = {}
        for role in ROLES:
            chosen = (overrides or {}).get(role)
            face: FontFace | None
            if chosen is None:
                face = _pick(role, self.faces)
            else:
                face = chosen if isinstance(chosen, FontFace) else face_from_path(chosen)
                if face not in self.faces:
                    self.faces.insert(0, face)
            if face is None:
                raise NoChineseFont(role=ROLE_LABELS[role])
            self.by_role[role] = face
        # Fallback order: role faces first (already embedded), then the rest as discovered.
        ordered = list(dict.fromkeys([*self.by_role.values(), *self.faces]))
        self.fallback = ordered
        # Faces are registered with reportlab when first drawn (font_name / runs), not here: reportlab keeps the
        # whole font file and its glyph tables in memory (≈ 25–40 MB for a CJK face), and the settings screen
        # builds a FontSet only to show which face serves each role.
        self._registered: set[str] = set()
        self._reg_lock = threading.Lock()

    def register(self, face: FontFace) -> str:
        """Register ``face`` with reportlab (once) and return its font name."""
        name = face.rl_name
        if name in self._registered:
            return name
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError
        from reportlab.pdfbase.ttfonts import TTFont as RLTTFont

        with self._reg_lock:
            if name not in pdfmetrics.getRegisteredFontNames():
                try:
                    pdfmetrics.registerFont(RLTTFont(name, str(face.path), subfontIndex=face.index))
                except TTFError as exc:
                    raise BadFontFile(path=str(face.path), reason=str(exc)) from exc
            self._registered.add(name)
        return name

    def face(self, role: str) -> FontFace:
        return self.by_role[role]

    def font_name(self, role: str) -> str:
        """The reportlab font name of the role's face (registered on first use)."""
        return self.register(self.by_role[role])

    def runs(self, text: str, role: str, field: str) -> list[tuple[str, str]]:
        """Split ``text`` into (reportlab font name, substring) runs; raise MissingGlyph if a char has no face."""
        primary = self.by_role[role]
        if primary.rl_name not in self._registered:
            self.register(primary)
        chars = primary.chars
        if not text or chars.issuperset(text):
            return [(primary.rl_name, text)]
        out: list[tuple[str, str]] = []
        cur_face: FontFace | None = None
        start = 0
        for i, ch in enumerate(text):
            face = primary if ch in chars else self._fallback_for(ch, field)
            if face is not cur_face:
                if cur_face is not None:
                    out.append((cur_face.rl_name, text[start:i]))
                cur_face, start = face, i
        assert cur_face is not None
        out.append((cur_face.rl_name, text[start:]))
        return out

    def check(self, text: str, role: str, field: str) -> None:
        """Raise MissingGlyph if some character of ``text`` cannot be printed."""
        self.runs(text, role, field)

    def _fallback_for(self, ch: str, field: str) -> FontFace:
        if ch in "\n\r\t":
            return self.by_role["body"]
        for face in self.fallback:
            if face.has(ch):
                self.register(face)
                return face
        raise MissingGlyph(char=ch, field=field)

    def describe(self) -> dict[str, str]:
        """Role → "family (file)" for the settings screen."""
        return {role: f"{f.family}（{f.path.name}）" for role, f in self.by_role.items()}


_sets: dict[tuple[tuple[str, str], ...], FontSet] = {}


def get_fontset(overrides: Mapping[str, str | Path] | None = None) -> FontSet:
    """The cached FontSet for these overrides (settings pass role → font file path)."""
    key = tuple(sorted((r, str(p)) for r, p in (overrides or {}).items()))
    with _lock:
        found = _sets.get(key)
    if found is None:
        found = FontSet(discover_faces(), overrides)
        with _lock:
            _sets[key] = found
    return found
