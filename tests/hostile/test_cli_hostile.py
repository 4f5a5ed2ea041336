"""Every hostile file of the corpus through the real CLI, in a child process held to 1 GB of address space:
refused with a Chinese message naming the file, exit status 1, no traceback, within 20 s, database unchanged
(DESIGN: any hostile or broken input file is refused within ≤ 20 s and ≤ 1 GB, never ending the process)."""

from __future__ import annotations

import hashlib
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, UNDECODABLE, Case, make

MEMORY_CAP = 1 << 30
SECONDS = 20.0
ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = re.compile(r"Excel|WPS|XML|CSV|DOCTYPE|PowerPoint|Word|\.[a-z]{2,4}\b")  # product and format names
ENGLISH = re.compile(r"[A-Za-z]{4,}")


def _cap() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``quzhou-desktop ARGS`` capped at 1 GB; (result, wall seconds, peak RSS in MB of the child)."""
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "quzhou_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        preexec_fn=_cap,
        timeout=120,
    )
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc, wall, max(peak, before) / 1024


def db_state(path: Path) -> str:
    """A digest of every table but the login bookkeeping (user_account, the auth.login audit entries)."""
    h = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        for t in tables:
            if t == "user_account":
                continue
            where = " WHERE action NOT LIKE 'auth.%'" if t == "audit_log" else ""
            for row in con.execute(f"SELECT * FROM {t}{where} ORDER BY rowid"):
                h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    make(folder)
    return folder


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("db")
    env = {**os.environ, "QUZHOU_PASSWORD": "hostile-pass-2026", "QUZHOU_DATA_DIR": str(folder / "data")}
    env.pop("PYTHONWARNINGS", None)
    db = folder / "t.sqlite3"
    proc, _, _ = run_cli(
        ["init", "--db", str(db), "--township", "石梁镇", "--villages", "余东村，上洋村", "--admin", "admin"],
        env,
    )
    assert proc.returncode == 0, proc.stderr
    return db, env


def _import(
    case: Case, corpus: Path, db: Path, env: dict[str, str], *extra: str
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    args = ["import", case.kind, str(corpus / case.file), "--village", "余东村", "--db", str(db)]
    return run_cli([*args, "--user", "admin", *extra], env)


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_hostile_file_is_refused_in_chinese_within_bounds(
    case: Case, corpus: Path, cli_db: tuple[Path, dict[str, str]]
) -> None:
    db, env = cli_db
    before = db_state(db)
    proc, wall, _peak = _import(case, corpus, db, env)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "memory allocation" not in proc.stderr
    message = proc.stderr.strip()
    assert case.file in message and CJK.search(message), message
    for words in case.words:
        assert words in message, message
    assert len(message) < 400, message
    assert not ENGLISH.search(NAMES.sub("", message.replace(case.file, ""))), message
    assert wall < SECONDS, wall
    assert db_state(db) == before


def test_undecodable_text_is_an_error_at_its_cell(corpus: Path, cli_db: tuple[Path, dict[str, str]]) -> None:
    db, env = cli_db
    before = db_state(db)
    proc, _wall, _ = _import(UNDECODABLE, corpus, db, env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert UNDECODABLE.words[0] in proc.stdout and "\ufffd" not in proc.stdout.split("\n")[0], proc.stdout
    assert "未写入任何数据" in proc.stdout
    assert db_state(db) == before


def test_json_output_for_a_hostile_file_is_one_object(
    corpus: Path, cli_db: tuple[Path, dict[str, str]]
) -> None:
    import json

    db, env = cli_db
    proc, _, _ = _import(CASES[0], corpus, db, env, "--json")
    rep = json.loads(proc.stdout)
    assert proc.returncode == 1 and rep["imported"] == 0 and "太大" in rep["errors"][0]["message"]
