"""`quzhou-desktop rules`: the catalogue with the township's current settings, as text and as JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from quzhou_desktop.core.rules import RULES
from quzhou_desktop.services.kernel import settings
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database

ENV_PW = "cli-pass-2026"
INTERNAL = re.compile(r"\b[CS]\d{1,2}\b|DOMAIN")


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An initialised database whose township shortened the plan posting and raised the first spending tier."""
    monkeypatch.setenv("QUZHOU_PASSWORD", ENV_PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUZHOU_DB", str(tmp_path / "data" / "none.sqlite3"))
    path = tmp_path / "q.sqlite3"
    args = ["init", "--db", str(path), "--township", "石梁镇", "--villages", "甲村", "--admin", "admin"]
    assert main(args) == 0
    ctx = AppContext(Database(path))
    try:
        login(ctx, "admin", ENV_PW)
        settings.update_rules(ctx, {"plan_posting_days": 7, "spending_t1_fen": 800_000}, credential=ENV_PW)
    finally:
        ctx.db.dispose()
    return path


def test_json_has_every_rule_with_the_townships_values(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rules", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert str(db) in out["settings_from"]
    by_id = {r["id"]: r for r in out["rules"]}
    assert set(by_id) == {r.id for r in RULES}
    c11 = {s["key"]: s for s in by_id["C11"]["settings"]}
    assert c11["plan_posting_days"]["value"] == 7 and c11["plan_posting_days"]["shown"] == "7天"
    assert c11["plan_posting_days"]["default"] is False and c11["include_plan_posting"]["default"] is True
    c16 = {s["key"]: s for s in by_id["C16"]["settings"]}
    assert (
        c16["spending_t1_fen"]["shown"] == "8,000.00元" and c16["spending_t2_fen"]["shown"] == "50,000.00元"
    )
    assert (
        by_id["C1"]["source"] == "《中华人民共和国村民委员会组织法》第二十二条"
        and by_id["C1"]["settings"] == []
    )
    assert by_id["C36"]["checked"] is False and by_id["C33"]["checked"] is True


def test_text_reads_like_the_rules_without_codes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--db", str(db), "rules"]) == 0  # --db before the command, as for every command
    out = capsys.readouterr().out
    assert out.startswith(f"程序依据的规则共 {len(RULES)} 条")
    assert "【会议、表决和组成】" in out and "【公告格式】" in out
    assert "村民会议到会人数\n  村民会议须有本村十八周岁以上村民过半数到会" in out
    assert "  依据：《中华人民共和国村民委员会组织法》第二十二条" in out
    assert "  设置：方案公示天数＝7天（已按本乡镇调整）" in out
    assert "  设置：决议公示天数＝3天\n" in out
    assert "任期和离任经济责任审计（程序尚未检查，列出备查）" in out
    assert not INTERNAL.search(out)


def test_without_a_database_the_defaults_are_shown(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rules"]) == 0  # QUZHOU_DB names a file that does not exist
    out = capsys.readouterr().out
    assert "还没有数据库，显示默认设置" in out and "  设置：方案公示天数＝15天\n" in out


def test_a_missing_db_given_by_name_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--db", str(tmp_path / "nope.sqlite3")]) == 2
    assert "数据库文件不存在" in capsys.readouterr().err


def test_help_is_chinese_through_the_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quzhou_desktop.cli", "rules", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "列出程序依据的全部规则" in done.stdout and "--json" in done.stdout
