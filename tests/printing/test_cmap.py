"""printing.cmap reads coverage from raw cmap bytes: the same characters fontTools' getBestCmap maps (not to
.notdef), for every installed Chinese face (formats 4 and 12; ``resources/fonts`` and the system fonts)."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from quzhou_desktop.printing import cmap
from quzhou_desktop.printing.fonts import _PROBE, FontFace, discover_faces

FACES = discover_faces()


@pytest.mark.parametrize("face", FACES, ids=[f"{f.path.name}#{f.index}" for f in FACES])
def test_raw_cmap_matches_fonttools(face: FontFace) -> None:
    with face.path.open("rb") as fh:
        font = TTFont(fh, fontNumber=face.index, lazy=True)
        raw = font.reader["cmap"]
        ref = {cp for cp, glyph in (font.getBestCmap() or {}).items() if glyph != ".notdef"}
        assert cmap.mapped(raw) == ref
        assert cmap.covers(raw, _PROBE) is True  # discovery kept it: 中村民元年月日 are all there
        assert cmap.covers(raw, [0x4E2D, 0x10FFFD]) is (0x10FFFD in ref)
    assert face.chars == frozenset(map(chr, ref))
