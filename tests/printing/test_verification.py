"""Verification codes: deterministic, sensitive to every input, readable, and scannable."""

from __future__ import annotations

import re

import pytest
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil

from quzhou_desktop.printing.verification import (
    ALPHABET,
    BadVerificationCode,
    ParsedCode,
    code_from_hash,
    content_hash,
    lost_points,
    make_code,
    normalize_code,
    parse_code,
    qr_matrix,
    qr_path,
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
    assert len(matrix) == 21  # version 1: 21 modules of 1 mm in the footer
    assert all(len(row) == 21 for row in matrix)
    assert all(matrix[r][c] for r, c in [(0, 0), (0, 6), (6, 0), (6, 6)])  # finder pattern corners


def _reportlab_qr(code: str) -> QRCode:
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(qr_payload(code))
    qr.make()
    return qr


# (code, the mask reportlab picks): every mask 0 … 7 occurs, plus codes of one repeated symbol.
QR_CODES = [("NBT5-68R5-F47V", 0), ("U6H7-V59G-5T5G", 1), ("C9Z5-FLAH-TTZ7", 2), ("MMG7-BSNZ-BLB4", 3),
            ("3KYJ-EQWQ-R7G8", 4), ("65FZ-VNXX-RMHD", 5), ("B8R3-6FSB-JQRY", 6), ("T5E6-FWC9-P582", 7),
            ("2222-2222-2222", 0), ("ZZZZ-ZZZZ-ZZZZ", 4), ("7K4M-2P9X-QZ3H", 2)]  # fmt: skip


@pytest.mark.parametrize(("code", "mask"), QR_CODES)
def test_fast_mask_choice_draws_reportlabs_qr(code: str, mask: int) -> None:
    """qr_matrix scores the 8 masks with lost_points instead of reportlab's slower scorer: same score for every
    trial layout, hence the same mask and the same printed modules as ``QRCode.make``."""
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(qr_payload(code))
    qr.version = qr.calculate_version()
    assert qr.getBestMaskPattern() == mask
    for trial in range(8):
        qr.makeImpl(True, trial)
        assert lost_points(qr.modules) == QRUtil.getLostPoint(qr)
    ref = _reportlab_qr(code)
    n = ref.getModuleCount()
    assert qr_matrix(code) == tuple(tuple(bool(ref.isDark(r, c)) for c in range(n)) for r in range(n))


def test_qr_matrix_equals_reportlab_for_many_codes() -> None:
    """The row-bit re-masking draws what reportlab's own ``make`` draws, code after code."""
    import random

    rng = random.Random(20261204)
    for _ in range(200):
        raw = "".join(rng.choice(ALPHABET) for _ in range(12))
        code = f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
        ref = _reportlab_qr(code)
        n = ref.getModuleCount()
        assert qr_matrix(code) == tuple(tuple(bool(ref.isDark(r, c)) for c in range(n)) for r in range(n)), (
            code
        )


def _cells_drawn(path: str, x: float, y: float, size: float, n: int) -> tuple[tuple[bool, ...], ...]:
    """The modules a QR path paints, read back from its rects (each must sit on the module grid)."""
    m = size / (n + 8)
    dark = [[False] * n for _ in range(n)]
    ops = path.split("re")
    assert ops[0].startswith("n ") and not ops[-1].strip()
    for op in ops[:-1]:
        rx, ry, rw, rh = (float(v) for v in op.removeprefix("n").split())
        col, row, cols = (rx - x) / m - 4, n - 1 - ((ry - y) / m - 4), rw / m
        assert all(abs(v - round(v)) < 1e-3 for v in (col, row, cols)) and abs(rh - m) < 1e-3, op
        for c in range(round(col), round(col) + round(cols)):
            assert not dark[round(row)][c], "cells painted twice"
            dark[round(row)][c] = True
    return tuple(tuple(r) for r in dark)


@pytest.mark.parametrize("seq", [1, 1234, 2**35 - 1])
def test_qr_path_paints_exactly_the_dark_modules_one_rect_a_run(seq: int) -> None:
    """The path drawn on paper: each dark run of a row one rect on the module grid (quiet zone of 4 modules),
    nothing else, for version-2 codes of any seq length and wherever the footer puts the symbol."""
    import random

    rng = random.Random(seq)
    for _ in range(100):
        digest = code_from_hash("voucher", str(rng.random()), "ab" * 32, "cd" * 32, seq)
        x, y, size = rng.uniform(150, 300), 8.503937, 82.20472
        matrix = qr_matrix(digest)
        path = qr_path(digest, x, y, size).getCode()
        assert _cells_drawn(path, x, y, size, len(matrix)) == matrix, digest
        runs = sum(len(re.findall("1+", "".join("1" if d else "0" for d in row))) for row in matrix)
        assert path.count(" re") == runs


# -- version 2: the code carries the audit entry the print cited ----------------------------------------------

V2 = re.compile(
    r"^[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4}-[23456789A-HJ-NP-Z]{4,7}$"
)


@pytest.mark.parametrize("seq", [0, 1, 1234, 32**4 - 1, 32**4, 1_831_000, 32**5 - 1, 32**7 - 1])
def test_version_2_code_round_trips_its_seq(seq: int) -> None:
    code = make_code(*BASE, seq=seq)
    assert V2.match(code)
    parsed = parse_code(code.lower().replace("-", " "))
    assert (parsed.code, parsed.seq, parsed.version) == (code, seq, 2)
    assert parsed.digest == code[:14]


def test_version_2_digest_binds_seq_and_chain_head() -> None:
    code = make_code(*BASE, seq=1234)
    assert make_code(*BASE, seq=1235)[:14] != code[:14]  # a seq typed wrong does not match its digest
    assert make_code(*BASE[:3], "b" * 64, seq=1234) != code
    assert make_code(*BASE) != code[:14]  # the versions never share a digest
    assert code_from_hash(BASE[0], BASE[1], content_hash(BASE[2]), BASE[3], 1234) == code


def test_version_1_codes_still_parse_as_before() -> None:
    assert parse_code("7k4m 2p9x-qz3h") == ParsedCode("7K4M-2P9X-QZ3H", "7K4M-2P9X-QZ3H", None)
    for bad in ("7K4M-2P9X-QZ3H-2", "7K4M-2P9X-QZ3H-23", "7K4M-2P9X-QZ3H-23456789"):  # 13, 14, 20 symbols
        with pytest.raises(BadVerificationCode):
            parse_code(bad)


@pytest.mark.parametrize("seq", [5, 1_831_000, 32**5 - 1])
def test_version_2_qr_still_fits_a_version_1_symbol(seq: int) -> None:
    code = make_code(*BASE, seq=seq)
    assert qr_payload(code) == "QZ:" + code.replace("-", "")
    assert len(qr_matrix(code)) == 21
    assert parse_code(qr_payload(code)).code == code  # what a scanner types in
