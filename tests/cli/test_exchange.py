"""`exchange` on the command line: a township and a village on two database files, enrolled with the fingerprint
read out, a report and its receipt, status as text and JSON, refusals in Chinese with a non-zero exit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quzhou_desktop.cli import main

PW = "cli-pass-2026"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _fingerprint(text: str, label: str) -> str:
    m = re.search(label + r"：([\d ]{35})", text)
    assert m, text
    return m.group(1)


def test_enrol_join_accept_report_receipt_status(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    town, village = env / "town.sqlite3", env / "village.sqlite3"
    assert (
        main(
            ["init", "--db", str(town), "--township", "石梁镇", "--villages", "甲村,乙村", "--admin", "admin"]
        )
        == 0
    )
    enrol = env / "甲村.登记.zip"
    assert (
        main(
            [
                "exchange",
                "enrol",
                "--village",
                "甲村",
                "--out",
                str(enrol),
                "--user",
                "admin",
                "--db",
                str(town),
            ]
        )
        == 0
    )
    township_fp = _fingerprint(capsys.readouterr().out, "乡镇密钥指纹")
    # the village PC: a new database from the enrolment file
    assert main(["exchange", "join", str(enrol), "--admin", "cun", "--db", str(village)]) == 0
    out = capsys.readouterr().out
    assert _fingerprint(out, "乡镇密钥指纹") == township_fp
    village_fp = _fingerprint(out, "本村密钥指纹")
    answer = env / "甲村.应答.zip"
    assert answer.exists()
    # a fingerprint misread over the phone is refused; the right one enrols the village
    wrong = "00000 00000 00000 00000 00000 00000"
    assert (
        main(
            ["exchange", "accept", str(answer), "--fingerprint", wrong, "--user", "admin", "--db", str(town)]
        )
        == 2
    )
    assert "指纹" in capsys.readouterr().err
    assert (
        main(
            [
                "exchange",
                "accept",
                str(answer),
                "--fingerprint",
                village_fp,
                "--user",
                "admin",
                "--db",
                str(town),
            ]
        )
        == 0
    )
    assert "甲村已登记" in capsys.readouterr().out
    # the village reports; the township imports it and the village imports the receipt
    report = env / "甲村-1.上报.zip"
    assert (
        main(
            [
                "exchange",
                "export",
                "--to",
                "石梁镇",
                "--out",
                str(report),
                "--user",
                "cun",
                "--db",
                str(village),
            ]
        )
        == 0
    )
    assert "已生成上报数据包" in capsys.readouterr().out
    assert main(["exchange", "import", str(report), "--user", "admin", "--db", str(town)]) == 0
    assert "已导入甲村" in capsys.readouterr().out
    receipt = env / "甲村-1.上报.回执.zip"
    assert main(["exchange", "import", str(receipt), "--user", "cun", "--db", str(village)]) == 0
    assert "回执" in capsys.readouterr().out
    assert main(["exchange", "status", "--json", "--user", "admin", "--db", str(town)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["site"]["kind"] == "township"
    [peer] = [p for p in doc["peers"] if p["name"] == "甲村"]
    assert peer["state"] == "enrolled" and peer["accepted_seq"] > 0 and peer["forks"] == 0
    assert main(["exchange", "status", "--user", "cun", "--db", str(village)]) == 0
    assert "石梁镇：" in capsys.readouterr().out
    for db in (town, village):
        assert main(["verify", "--db", str(db)]) == 0
    # a damaged package: refused, named, nothing applied, exit 1
    bad = env / "坏包.zip"
    data = bytearray(report.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["exchange", "import", str(bad), "--user", "admin", "--db", str(town)]) == 1
    err = capsys.readouterr().err
    assert "坏包.zip" in err and "未作任何修改" in err


def test_export_before_enrolment_and_missing_options(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    town = env / "town.sqlite3"
    assert (
        main(["init", "--db", str(town), "--township", "石梁镇", "--villages", "甲村", "--admin", "admin"])
        == 0
    )
    assert (
        main(
            [
                "exchange",
                "export",
                "--to",
                "甲村",
                "--out",
                str(env / "x.zip"),
                "--user",
                "admin",
                "--db",
                str(town),
            ]
        )
        == 2
    )
    assert (
        "没有登记过名为“甲村”的交换站点" in capsys.readouterr().err
    )  # the site exists from init; no peer yet
    assert main(["exchange", "enrol", "--out", str(env / "x.zip"), "--user", "admin", "--db", str(town)]) == 2
    assert "--village" in capsys.readouterr().err


def test_help_as_a_process(tmp_path: Path) -> None:
    env = {"QUZHOU_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run(
        [sys.executable, "-m", "quzhou_desktop.cli", "exchange", "--help"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 0
    assert "数据交换" in r.stdout and "EXCHANGE.md" in r.stdout


def test_a_township_joins_its_county_and_reports(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    town, county = env / "town.sqlite3", env / "county.sqlite3"
    init = ["init", "--db", str(town), "--township", "石梁镇", "--villages", "甲村,乙村", "--admin", "admin"]
    assert main(init) == 0
    assert (
        main(
            ["init", "--db", str(county), "--township", "柯城区", "--site-kind", "county", "--admin", "xian"]
        )
        == 0
    )
    capsys.readouterr()
    file = env / "柯城区.区县.登记.zip"
    args = ["--user", "admin", "--db", str(town)]
    assert main(["exchange", "enrol", "--county", "柯城区", "--out", str(file), *args]) == 0
    township_fp = _fingerprint(capsys.readouterr().out, "乡镇密钥指纹")
    at_county = ["--user", "xian", "--db", str(county)]
    # a wrong fingerprint changes nothing; the right one adds the township and writes the answer
    assert main(["exchange", "accept", str(file), "--fingerprint", "12345", *at_county]) == 2
    assert "指纹" in capsys.readouterr().err
    assert main(["exchange", "accept", str(file), "--fingerprint", township_fp, *at_county]) == 0
    out = capsys.readouterr().out
    county_fp = _fingerprint(out, "区县密钥指纹")
    answer = env / "石梁镇.区县.应答.zip"
    assert "石梁镇已加入本区县" in out and answer.exists()
    assert main(["exchange", "accept", str(answer), "--fingerprint", county_fp, *args]) == 0
    report = env / "石梁镇-1.上报.zip"
    assert main(["exchange", "export", "--to", "柯城区", "--out", str(report), *args]) == 0
    assert main(["exchange", "import", str(report), *at_county]) == 0
    assert main(["exchange", "import", str(env / "石梁镇-1.上报.回执.zip"), *args]) == 0
    capsys.readouterr()
    assert main(["exchange", "status", *at_county]) == 0
    assert "本站点：柯城区（区县）" in capsys.readouterr().out
    # the county sends nothing, and changes nothing of a township's
    assert main(["exchange", "export", "--to", "石梁镇", "--out", str(env / "x.zip"), *at_county]) == 2
    assert "区县站点只接收" in capsys.readouterr().err
    assert main(["exchange", "enrol", "--village", "甲村", "--out", str(env / "y.zip"), *at_county]) == 2
    assert "区县站点" in capsys.readouterr().err
    for db in (town, county):
        assert main(["verify", "--db", str(db)]) == 0
