"""The headless CLI: init, verify (clean and tampered), backup/restore, selftest, clear Chinese errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from quzhou_desktop.cli import main

ENV_PW = "cli-pass-2026"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", ENV_PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _init(db: Path) -> int:
    return main(
        ["init", "--db", str(db), "--township", "石梁镇", "--villages", "甲村，乙村", "--admin", "admin"]
    )


def test_init_then_verify_clean(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "q.sqlite3"
    assert _init(db) == 0
    assert "2 个村（甲村、乙村）" in capsys.readouterr().out
    assert main(["verify", "--db", str(db)]) == 0
    assert "校验通过" in capsys.readouterr().out
    assert _init(db) == 2
    assert "已经完成过首次设置" in capsys.readouterr().err


def test_verify_names_a_tampered_record_and_fails(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "q.sqlite3"
    _init(db)
    con = sqlite3.connect(db)
    con.execute("UPDATE village SET households = 999 WHERE name = '甲村'")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["verify", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "校验未通过" in out and "village" in out


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda p: None, "数据库文件不存在"),
        (lambda p: p.write_text("这不是数据库"), "不是本系统的数据库"),
    ],
    ids=["missing", "not-a-database"],
)
def test_bad_db_gets_chinese_message_not_traceback(
    env: Path, capsys: pytest.CaptureFixture[str], setup: Callable[[Path], object], message: str
) -> None:
    db = env / "bad.sqlite3"
    setup(db)
    assert main(["verify", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_backup_and_restore(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "q.sqlite3"
    _init(db)
    out_file = env / "copy.sqlite3"
    assert main(["backup", "--db", str(db), "--out", str(out_file), "--user", "admin"]) == 0
    assert out_file.exists()
    assert main(["restore", str(out_file), "--db", str(db), "--user", "admin"]) == 0
    assert "恢复前的数据库另存为" in capsys.readouterr().out
    assert main(["verify", "--db", str(db)]) == 0


def test_restore_needs_the_right_password(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = env / "q.sqlite3"
    _init(db)
    out_file = env / "copy.sqlite3"
    main(["backup", "--db", str(db), "--out", str(out_file), "--user", "admin"])
    monkeypatch.setenv("QUZHOU_PASSWORD", "wrong-password")
    assert main(["restore", str(out_file), "--db", str(db), "--user", "admin"]) == 2
    assert "用户名或密码不正确" in capsys.readouterr().err


def test_db_given_before_the_command_is_used(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "front.sqlite3"
    args = ["--township", "石梁镇", "--villages", "甲村", "--admin", "admin"]
    assert main(["--db", str(db), "init", *args]) == 0
    assert db.exists() and not (env / "data" / "quzhou.sqlite3").exists()
    capsys.readouterr()
    assert main(["--db", str(db), "verify"]) == 0
    assert "校验通过" in capsys.readouterr().out
    # the command's own --db wins over one given before it
    assert main(["--db", str(env / "missing.sqlite3"), "verify", "--db", str(db)]) == 0
    with pytest.raises(SystemExit) as exc:  # init and demo still need a database path somewhere
        main(["demo"])
    assert exc.value.code == 2
    assert "缺少必需的参数：--db" in capsys.readouterr().err


def test_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["init", "--db", "x.sqlite3"])
    assert exc.value.code == 2
    assert "参数错误：缺少必需的参数" in capsys.readouterr().err


def test_version_and_selftest_as_processes(tmp_path: Path) -> None:
    env = {"QUZHOU_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    v = subprocess.run(
        [sys.executable, "-m", "quzhou_desktop.cli", "--version"], capture_output=True, text=True, env=env
    )
    assert v.returncode == 0 and v.stdout.startswith("quzhou-desktop ")
    st = subprocess.run(
        [sys.executable, "-m", "quzhou_desktop.cli", "selftest"], capture_output=True, text=True, env=env
    )
    assert st.returncode == 0, st.stderr
    assert "自检通过" in st.stdout


def test_demo_builds_and_verifies(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "demo.sqlite3"
    assert main(["demo", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "demo1234" in out and "wenshu" in out and "jianwei_zr" in out
    assert main(["verify", "--db", str(db)]) == 0
    assert main(["demo", "--db", str(db)]) == 2
