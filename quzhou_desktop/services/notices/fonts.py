"""Which installed face serves each print role (设置 → 打印), persisted per PC.

Fonts are a property of the PC, not of the township's data, so the choice lives in a small JSON file
``paths.config_dir() / "printing.json"``: ``{"fonts": {"body": {"path": "...", "index": 0}, ...}}``.
A role absent from the file uses the automatic choice (``printing.fonts`` preference lists).  A saved face that
is no longer installed is ignored (the automatic choice applies) rather than blocking every print.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.paths import config_dir
from quzhou_desktop.printing.fonts import (
    ROLE_LABELS,
    ROLES,
    BadFontFile,
    FontFace,
    FontSet,
    discover_faces,
    face_from_path,
    list_usable_faces,
)

log = logging.getLogger(__name__)
FILE_NAME = "printing.json"

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "RoleFace",
    "current_fontset",
    "list_usable_faces",
    "load_choices",
    "role_faces",
    "save_choice",
    "settings_path",
]


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def _read() -> dict[str, object]:
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("print settings unreadable, using defaults: %s", path)
        return {}


def load_choices() -> dict[str, tuple[str, int]]:
    """Role → (font file path, face index) the user chose; roles left automatic are absent."""
    fonts = _read().get("fonts")
    out: dict[str, tuple[str, int]] = {}
    if isinstance(fonts, dict):
        for role, v in fonts.items():
            if role in ROLES and isinstance(v, dict) and isinstance(v.get("path"), str):
                out[role] = (v["path"], int(v.get("index", 0)))
    return out


def save_choice(role: str, face: FontFace | None) -> None:
    """Choose ``face`` for ``role`` (None = back to automatic) and persist it."""
    if role not in ROLES:
        raise ValidationError(field="字体用途", reason=f"未知用途“{role}”")
    data = _read()
    fonts = data.get("fonts")
    if not isinstance(fonts, dict):
        fonts = {}
    if face is None:
        fonts.pop(role, None)
    else:
        fonts[role] = {"path": str(face.path), "index": face.index, "family": face.family}
    data["fonts"] = fonts
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    with _lock:
        _sets.clear()


# A process-wide cache, on purpose. The installed fonts and this PC's printing.json belong to the PC, not to
# a database, a login or a caller, and reportlab registers the faces a FontSet loads in its own process-wide
# registry anyway; the cache saves loading them again for every notice of a batch. What a call returns never
# depends on the calls before it: the key is the user's choices, re-read from the file on every call, and
# saving a choice empties the cache.
_lock = threading.Lock()
_sets: dict[tuple[tuple[str, str, int], ...], FontSet] = {}


def _overrides() -> dict[str, FontFace]:
    out: dict[str, FontFace] = {}
    for role, (path, index) in load_choices().items():
        try:
            out[role] = face_from_path(path, index)
        except BadFontFile:
            log.warning("chosen font for %s is gone, using the automatic choice: %s", role, path)
    return out


def current_fontset() -> FontSet:
    """The FontSet for printing: the user's choices over the automatic ones (cached until a choice changes)."""
    overrides = _overrides()
    key = tuple(sorted((r, str(f.path), f.index) for r, f in overrides.items()))
    with _lock:
        found = _sets.get(key)
    if found is None:
        found = FontSet(discover_faces(), overrides)
        with _lock:
            _sets[key] = found
    return found


@dataclass(frozen=True)
class RoleFace:
    role: str
    label: str  # "正文（仿宋）"
    face: FontFace
    chosen: bool  # True = the user picked it; False = automatic


def role_faces() -> list[RoleFace]:
    """For the settings screen: each role, the face serving it now and whether the user chose it."""
    fs = current_fontset()
    chosen = load_choices()
    return [RoleFace(r, ROLE_LABELS[r], fs.face(r), r in chosen) for r in ROLES]
