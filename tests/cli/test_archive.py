"""`archive` on the command line: the folder and zip of a village-year, Chinese refusals with a non-zero exit and
nothing written; once in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from quzhou_desktop.services.demo import DEMO_PASSWORD
from tests.support import archive as demo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive-cli") / "demo.sqlite3"
    demo.build(path)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return demo.copy_of(template, tmp_path)


def test_a_year_as_folder_and_zip(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = ["archive", "--village", "溪口村", "--year", "2026", "--out", str(out), "--zip"]
    assert main([*args, "--user", "wenshu", "--db", str(db)]) == 0
    printed = capsys.readouterr().out
    folder = out / "溪口村村务档案（2026年）"
    assert f"已生成村务档案 {folder}" in printed and "校验通过" in printed
    with zipfile.ZipFile(out / "溪口村村务档案（2026年）.zip") as z:
        names = set(z.namelist())
    assert f"{folder.name}/卷内目录.pdf" in names and f"{folder.name}/清单.json" in names
    assert len(names) == sum(1 for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--village", "上洋村", "--year", "2026"], "找不到村“上洋村”"),  # not the clerk's village
        (["--village", "无此村", "--year", "2026"], "找不到村“无此村”"),
        (["--village", "溪口村", "--year", "2019"], "2019年没有可归档的记录"),
        (["--village", "溪口村"], "请写出档案的年度"),
        (["--village", "溪口村", "--from", "2026-01-01"], "开始日期和结束日期都要写"),
        (["--village", "溪口村", "--from", "2026-13-01", "--to", "2026-12-31"], "不是有效的日期"),
    ],
)
def test_refusals(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["archive", *extra, "--out", str(out), "--user", "wenshu", "--db", str(db)]) == 2
    assert message in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_a_missing_folder_is_refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing"
    args = ["archive", "--village", "溪口村", "--year", "2026", "--out", str(missing), "--user", "admin"]
    assert main([*args, "--db", str(db)]) == 2
    assert "输出文件夹不存在" in capsys.readouterr().err and not missing.exists()


def test_as_a_process(db: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QUZHOU_PASSWORD": DEMO_PASSWORD, "QUZHOU_DATA_DIR": str(tmp_path / "data")}
    args = ["archive", "--village", "溪口村", "--from", "2026-07-01", "--to", "2026-09-30"]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "quzhou_desktop.cli",
            *args,
            "--out",
            str(tmp_path),
            "--user",
            "admin",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "溪口村村务档案（2026年7月1日至2026年9月30日）" / "卷内目录.xlsx").is_file()
