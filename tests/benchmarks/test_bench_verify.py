"""The verify benchmark at tiny scale: it runs the product's verify, which passes on the generated township,
and reports the bare SHA-256 baseline over the same rows. Never asserts a timing."""

from __future__ import annotations

from pathlib import Path

from benchmarks.assets import Assets
from benchmarks.bench_verify import bare_sha256_pass, verify_reference
from benchmarks.gen.common import SCALES
from benchmarks.gen.reference import generate


def test_verify_benchmark_on_a_tiny_township(tmp_path: Path) -> None:
    db = tmp_path / "tiny.sqlite3"
    generate(db, SCALES["tiny"], seed=7)
    rows = bare_sha256_pass(db)
    got = verify_reference(Assets(tmp_path, db, [], {}, 0.0), 1)
    head = got[0]
    assert f"{rows:,} audit entries" in head.what and head.note.startswith("verify passed")
    assert head.baseline and head.ratio is not None
    assert "CPU time" in got[1].what and got[1].baseline
    assert [m.what.split("of which ")[1].split(" (")[0] for m in got[2:]][:2] == [
        "PRAGMA integrity_check",
        "PRAGMA foreign_key_check",
    ]
