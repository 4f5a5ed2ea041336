"""Verification codes: deterministic, sensitive to every input, readable, and scannable."""

from __future__ import annotations

import re

import pytest

from quzhou_desktop.printing.verification import (
    ALPHABET,
    BadVerificationCode,
    content_hash,
    make_code,
    normalize_code,
    qr_matrix,
    qr_payload,
)

BASE = ("resolution", "6f1c0e0a-5b8e-4f43-9d7e-1c2d3e4f5a6b", "决议内容：同意实施村道硬化工程。", "a" * 64)
CODE = re.compile(r"^[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}$")


def test_alphabet_has_no_look_alikes() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("01IO") & set(ALPHABET)


def test_code_is_deterministic_and_well_formed() -> None:
    code = make_code(*BASE)
    assert code == make_code(*BASE)
    assert CODE.match(code)


def test_str_and_utf8_bytes_give_the_same_code() -> None:
    kind, rid, content, audit = BASE
    assert make_code(kind, rid, content.encode("utf-8"), audit) == make_code(*BASE)
    assert content_hash(content) == content_hash(content.encode("utf-8"))


@pytest.mark.parametrize(
    "changed",
    [
        ("result", *BASE[1:]),
        (BASE[0], "6f1c0e0a-5b8e-4f43-9d7e-1c2d3e4f5a6c", *BASE[2:]),
        (*BASE[:2], "决议内容：同意实施村道硬化工程！", BASE[3]),
        (*BASE[:3], "b" * 64),
    ],
    ids=["kind", "record", "content", "audit"],
)
def test_code_changes_when_any_input_changes(changed: tuple[str, str, str, str]) -> None:
    assert make_code(*changed) != make_code(*BASE)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("7k4m 2p9x-qz3h", True),
        ("QZ:7K4M-2P9X-QZ3H", True),
        ("7K4M2P9XQZ3H", True),
        ("7K4M-2P9X-QZ3", False),
        ("7K4M-2P9X-QZ3O", False),
        ("", False),
    ],
)
def test_normalize_code(typed: str, ok: bool) -> None:
    if ok:
        assert normalize_code(typed) == "7K4M-2P9X-QZ3H"
    else:
        with pytest.raises(BadVerificationCode, match="核验码"):
            normalize_code(typed)


def test_qr_holds_the_code() -> None:
    code = make_code(*BASE)
    assert qr_payload(code) == "QZ:" + code
    matrix = qr_matrix(code)
    assert len(matrix) == 21  # version 1: small enough for a 14 mm footer
    assert all(len(row) == 21 for row in matrix)
    assert all(matrix[r][c] for r, c in [(0, 0), (0, 6), (6, 0), (6, 6)])  # finder pattern corners
