"""Icons in every size the platforms need, and the bundled-font staging with licences (issue 8)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from installer.project import (
    BUNDLED_FONTS,
    ICO_SIZES,
    ICON_SIZES,
    ICONS,
    LICENCE_DIR,
    StagingError,
    stage_fonts,
)
from tests.support.installer import fake_font_tree


def _ico_sizes(path: Path) -> list[int]:
    data = path.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, h, _colours, _r, _planes, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert w == h and bpp == 32 and offset + length <= len(data)
        sizes.append(w or 256)
    return sizes


@pytest.mark.parametrize("name", ["quzhou-desktop.ico", "app.ico"])
def test_ico_holds_every_windows_size(name: str) -> None:
    assert sorted(_ico_sizes(ICONS / name)) == sorted(ICO_SIZES)


@pytest.mark.parametrize("size", ICON_SIZES)
def test_png_per_size(size: int) -> None:
    data = (ICONS / f"quzhou-desktop-{size}.png").read_bytes()
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_stage_fonts_copies_fonts_and_licences(tmp_path: Path) -> None:
    font_root, doc_root = fake_font_tree(tmp_path)
    dest = tmp_path / "stage"
    written = stage_fonts(dest, font_root=font_root, doc_root=doc_root)
    for f in BUNDLED_FONTS:
        assert (dest / f.filename).read_bytes() == b"font"
        assert f.package in (dest / LICENCE_DIR / f.licence_filename).read_text(encoding="utf-8")
    index = (dest / LICENCE_DIR / "README.txt").read_text(encoding="utf-8")
    assert all(f.family in index for f in BUNDLED_FONTS)
    assert len(written) == 2 * len(BUNDLED_FONTS) + 1


def test_stage_fonts_names_what_is_missing(tmp_path: Path) -> None:
    font_root, doc_root = fake_font_tree(tmp_path)
    (doc_root / BUNDLED_FONTS[1].package / "copyright").unlink()
    with pytest.raises(StagingError, match=BUNDLED_FONTS[1].package):
        stage_fonts(tmp_path / "stage", font_root=font_root, doc_root=doc_root)


def test_bundled_fonts_are_the_free_faces_printing_prefers() -> None:
    from quzhou_desktop.printing.fonts import PREFERENCES

    keys = {k for prefs in PREFERENCES.values() for k in prefs}
    for f in BUNDLED_FONTS:
        assert f.filename.lower() in keys or f.family.lower() in keys
