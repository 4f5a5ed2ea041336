"""Font discovery, role choice, embedding and per-character fallback (printing.fonts)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.printing import fonts as fontmod
from quzhou_desktop.printing.documents import Meeting
from quzhou_desktop.printing.fonts import (
    ROLES,
    FontFace,
    FontSet,
    MissingGlyph,
    discover_faces,
    face_from_path,
    get_fontset,
    list_usable_faces,
)
from quzhou_desktop.printing.render import render
from tests.support.pdf import pdffonts
from tests.support.printing import RESOLUTION

RARE = ["\U00020bb7", "\u4dae"]  # 𠮷 (CJK Ext. B), 䶮 (CJK Ext. A)


def test_every_role_has_a_discovered_face() -> None:
    fs = get_fontset()
    assert set(fs.by_role) == set(ROLES)
    discovered = discover_faces()
    for role, face in fs.by_role.items():
        assert face in discovered, role
        assert all(face.has(ch) for ch in "中村民元年月日"), role  # what makes a face usable for Chinese


def test_listing_for_settings_is_sorted_and_usable() -> None:
    faces = list_usable_faces()
    assert faces
    assert all(f.has("中") for f in faces)
    assert [f.family for f in faces] == sorted(f.family for f in faces)


def test_discovery_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    first = discover_faces()

    def scan_again(dirs: tuple[Path, ...]) -> list[FontFace]:
        raise AssertionError(f"font directories scanned again: {dirs}")

    monkeypatch.setattr(fontmod, "_scan", scan_again)
    assert discover_faces() == first
    assert get_fontset() is get_fontset()


def test_regular_style_is_preferred_over_bold() -> None:
    fs = get_fontset()
    assert all("bold" not in f.style.lower() for f in fs.by_role.values())


def test_override_role_with_a_font_file() -> None:
    other = next((f for f in list_usable_faces() if f != get_fontset().face("body")), None)
    if other is None:
        pytest.skip("only one Chinese face installed; nothing to override with")
    fs = get_fontset({"body": other.path})
    assert fs.face("body").path == other.path


def test_override_with_a_non_font_file_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "x.ttf"
    bogus.write_bytes(b"not a font")
    with pytest.raises(QuzhouError, match="字体文件不可用"):
        face_from_path(bogus)


def _glyph_font(path: Path, *, cff: bool) -> None:
    """A one-glyph font (every probe character drawn the same) with the GB2312 code page bit set, TrueType (glyf) or CFF outlines."""
    fb = FontBuilder(1000, isTTF=not cff)
    fb.setupGlyphOrder([".notdef", "uni4E2D"])
    fb.setupCharacterMap({cp: "uni4E2D" for cp in fontmod._PROBE})
    if cff:
        from fontTools.pens.t2CharStringPen import T2CharStringPen

        pen = T2CharStringPen(1000, None)
        pen.moveTo((100, 100)), pen.lineTo((900, 100)), pen.lineTo((500, 800)), pen.closePath()
        cs = pen.getCharString()
        fb.setupCFF("TestCFF", {"FullName": "TestCFF"}, {".notdef": cs, "uni4E2D": cs}, {})
    else:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 100)), pen.lineTo((900, 100)), pen.lineTo((500, 800)), pen.closePath()
        g = pen.glyph()
        fb.setupGlyf({".notdef": g, "uni4E2D": g})
    fb.setupHorizontalMetrics({".notdef": (1000, 100), "uni4E2D": (1000, 100)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Test Zhong", "styleName": "Regular"})
    fb.setupOS2(ulCodePageRange1=1 << 18, fsType=0)
    fb.setupPost()
    fb.save(str(path))


@pytest.mark.parametrize(("cff", "usable"), [(False, True), (True, False)])
def test_cff_outline_fonts_are_rejected(tmp_path: Path, cff: bool, usable: bool) -> None:
    path = tmp_path / ("t.otf" if cff else "t.ttf")
    _glyph_font(path, cff=cff)
    faces = fontmod._faces_in_file(path)
    assert bool(faces) is usable
    if usable:
        assert faces[0].family == "Test Zhong" and faces[0].has("中")


def test_pdf_fonts_are_all_embedded_subsets(rendered: dict[str, Path]) -> None:
    for kind, path in rendered.items():
        rows = pdffonts(path)
        assert rows, kind
        for row in rows:
            name, emb, sub = row[0], row[-5], row[-4]
            assert (emb, sub) == ("yes", "yes"), (kind, row)
            assert "+" in name and "STSong" not in name, (kind, row)


def _faces_with(ch: str) -> list[str]:
    return [f.family for f in discover_faces() if f.has(ch)]


@pytest.mark.parametrize("ch", RARE)
def test_rare_character_in_a_name_prints_with_a_fallback_face(tmp_path: Path, ch: str) -> None:
    fs = get_fontset()
    if not _faces_with(ch):
        pytest.skip(f"no installed face has U+{ord(ch):04X}; the MissingGlyph path covers this machine")
    name = f"吴{ch}国"
    runs = fs.runs(name, "body", "主持人")
    assert "".join(t for _, t in runs) == name
    font_of = {t: f for f, t in runs}
    assert any(ch in t for t in font_of)
    doc = RESOLUTION.__class__(
        **{
            **RESOLUTION.__dict__,
            "meeting": Meeting(
                body="村民代表会议",
                date=RESOLUTION.meeting.date,
                place="村文化礼堂",
                chair=name,
                entitled=45,
                present=42,
            ),
        }
    )
    out = tmp_path / "rare.pdf"
    render(doc, out)
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] == ch]
        body_font = {c["fontname"] for c in pdf.pages[0].chars if c["text"] == "吴"}
    assert chars, "the rare character was not drawn"
    if not fs.face("body").has(ch):
        assert {c["fontname"] for c in chars}.isdisjoint(body_font)  # drawn in a different face


@pytest.mark.parametrize("ch", ["\U000f0000", "\U0010fffd", "\u0378"])  # private use, private use, unassigned
def test_character_no_face_has_names_char_and_field(tmp_path: Path, ch: str) -> None:
    fs = get_fontset()
    with pytest.raises(MissingGlyph) as err:
        fs.runs(f"张{ch}三", "body", "收款人")
    assert err.value.params["char"] == ch
    assert err.value.params["field"] == "收款人"
    assert f"U+{ord(ch):04X}" in str(err.value) and "收款人" in str(err.value)
    doc = RESOLUTION.__class__(**{**RESOLUTION.__dict__, "objection": f"联系人张{ch}三"})
    out = tmp_path / "bad.pdf"
    with pytest.raises(MissingGlyph, match="意见反馈"):
        render(doc, out)
    assert not out.exists()  # nothing half-written
    with pytest.raises(MissingGlyph):
        render(doc, io.BytesIO())


def test_fontset_without_any_face_is_a_clear_error() -> None:
    with pytest.raises(QuzhouError, match="找不到可用的中文字体"):
        FontSet([])
