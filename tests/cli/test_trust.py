"""The root of trust from the command line: ``init`` shows the fingerprint and the recovery code and writes the
one-page 管理员恢复单; ``recover`` sets a new password with the code (and issues a new sheet); ``root``
establishes the root of a database made before signing keys, shows it, or issues a new code."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from tests.store.schema_fixtures import ADMIN, PASSWORD, fixture_path
from tests.store.schema_fixtures.signing import RECOVERY_CODE

ENV_PW = "cli-pass-2026"
CODE = re.compile(r"恢复码：([2-9A-Z]{4}(?:-[2-9A-Z]{4}){5})")
FINGERPRINT = re.compile(r"信任根密钥指纹：?\s*(\d{5}(?: \d{5}){5})")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", ENV_PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def test_init_prints_the_recovery_sheet_and_recover_uses_it(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = env / "q.sqlite3"
    sheet = env / "sheet.pdf"
    args = ["init", "--db", str(db), "--township", "石梁镇", "--villages", "甲村", "--admin", "admin"]
    assert main([*args, "--sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    code, fp = CODE.search(out), FINGERPRINT.search(out)
    assert code and fp and "请立即打印这张恢复单" in out
    assert _pdf_pages(sheet) == 1 and stat.S_IMODE(sheet.stat().st_mode) == 0o600
    assert main(["verify", "--db", str(db)]) == 0
    assert fp.group(1) in capsys.readouterr().out  # verify shows the fingerprint the sheet carries
    # the password is forgotten: the code sets a new one, the fingerprint stays, a new sheet replaces the old
    monkeypatch.setenv("QUZHOU_PASSWORD", "brand-new-2")
    monkeypatch.setenv("QUZHOU_RECOVERY_CODE", "wrong-code")
    assert main(["recover", "--db", str(db), "--user", "admin", "--sheet", str(sheet)]) == 2
    assert "恢复码" in capsys.readouterr().err
    monkeypatch.setenv("QUZHOU_RECOVERY_CODE", code.group(1).lower())
    assert main(["recover", "--db", str(db), "--user", "admin", "--sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    new_code, new_fp = CODE.search(out), FINGERPRINT.search(out)
    assert new_code and new_fp and new_fp.group(1) == fp.group(1) and new_code.group(1) != code.group(1)
    assert main(["root", "--db", str(db), "--user", "admin"]) == 0  # logs in with the new password
    assert fp.group(1) in capsys.readouterr().out
    assert main(["verify", "--db", str(db)]) == 0


def test_root_is_established_for_an_old_database(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = env / "old.sqlite3"
    shutil.copyfile(fixture_path("0003"), db)
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    assert main(["verify", "--db", str(db)]) == 0
    assert "尚未建立信任根" in capsys.readouterr().out
    assert main(["root", "--db", str(db), "--user", ADMIN, "--sheet", str(env / "s.pdf")]) == 0
    out = capsys.readouterr().out
    assert "已建立信任根" in out and CODE.search(out)
    assert main(["verify", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "升级后由管理员建立" in out and "早于电子签名的记录" in out


def test_the_0004_fixture_recovers_with_its_printed_code(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = env / "f.sqlite3"
    shutil.copyfile(fixture_path("0004"), db)
    monkeypatch.setenv("QUZHOU_PASSWORD", "brand-new-2")
    monkeypatch.setenv("QUZHOU_RECOVERY_CODE", RECOVERY_CODE)
    assert main(["recover", "--db", str(db), "--user", ADMIN, "--sheet", str(env / "s.pdf")]) == 0
    assert "已找回管理员" in capsys.readouterr().out
    assert main(["verify", "--db", str(db)]) == 0
