"""core.anchors: a signed (site, seq, head, time) as one JSON line; any change to it fails the signature."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quzhou_desktop.core.anchors import (
    Anchor,
    AnchorFormatError,
    make_anchor,
    parse_line,
    parse_time,
    signature_ok,
    to_line,
)
from quzhou_desktop.core.signing import new_keypair

KEY = new_keypair()
OTHER = new_keypair()
HEAD = "ab" * 32


def _anchor(**kw: object) -> Anchor:
    args = {"site": "site-1", "seq": 42, "head": HEAD, "at": datetime(2026, 11, 24, 2, 0), "why": "backup"}
    args.update(kw)
    return make_anchor(KEY.private, KEY.public, **args)  # type: ignore[arg-type]


def test_anchor_round_trips_as_one_line_and_checks() -> None:
    a = _anchor(db="/data/q.sqlite3")
    line = to_line(a)
    assert "\n" not in line and json.loads(line)["type"] == "quzhou.anchor"
    back = parse_line(line)
    assert back == a
    assert back.time == datetime(2026, 11, 24, 2, 0)
    assert back.at == "2026-11-24T02:00:00.000000Z"
    assert signature_ok(back, KEY.public)
    assert not signature_ok(back, OTHER.public)


@pytest.mark.parametrize(
    ("field", "value"),
    [("seq", 43), ("head", "cd" * 32), ("site", "site-2"), ("at", "2026-11-25T02:00:00.000000Z"),
     ("why", "daily"), ("db", "/elsewhere.sqlite3")],
)  # fmt: skip
def test_every_signed_field_is_covered(field: str, value: object) -> None:
    doc = json.loads(to_line(_anchor()))
    doc[field] = value
    assert not signature_ok(parse_line(json.dumps(doc)), KEY.public)


def test_a_key_swapped_in_does_not_check() -> None:
    doc = json.loads(to_line(_anchor()))
    forged = make_anchor(OTHER.private, OTHER.public, site="site-1", seq=42, head=HEAD,
                         at=datetime(2026, 11, 24, 2, 0), why="backup")  # fmt: skip
    doc["sig"] = json.loads(to_line(forged))["sig"]  # a valid signature, by another key
    assert not signature_ok(parse_line(json.dumps(doc)), KEY.public)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_single_byte_change_of_a_line_fails(data: st.DataObject) -> None:
    """Property: flipping any one byte of an anchor line gives a line that is not an anchor or fails."""
    raw = bytearray(to_line(_anchor()).encode("utf-8"))
    i = data.draw(st.integers(0, len(raw) - 1))
    b = data.draw(st.integers(0, 255).filter(lambda v: v != raw[i]))
    raw[i] = b
    try:
        changed = parse_line(raw.decode("utf-8"))
    except (AnchorFormatError, UnicodeDecodeError):
        return
    assert not signature_ok(changed, KEY.public) or to_line(changed) == to_line(_anchor())


@pytest.mark.parametrize(
    "line",
    ["", "not json", "[1,2]", '{"type":"other"}',
     '{"type":"quzhou.anchor","v":2}',
     '{"type":"quzhou.anchor","v":1,"site":"s","seq":-1,"head":"' + HEAD + '"}',
     '{"type":"quzhou.anchor","v":1,"site":"s","seq":1,"head":"xyz"}',
     '{"type":"quzhou.anchor","v":1,"site":"s","seq":1,"head":"' + HEAD + '","at":"2026-01-01","why":"x",'
     '"key":"","sig":"","db":""}'],
)  # fmt: skip
def test_malformed_lines_are_refused_in_chinese(line: str) -> None:
    with pytest.raises(AnchorFormatError) as exc:
        parse_line(line)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


def test_time_must_be_utc() -> None:
    with pytest.raises(AnchorFormatError):
        parse_time("2026-11-24T02:00:00")
    assert parse_time("2026-11-24T02:00:00.5Z") == datetime(2026, 11, 24, 2, 0, 0, 500000)
