"""CLI import / export / template: the --json object, exit codes, masking of ID numbers (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quzhou_desktop.cli import main
from tests.fixtures.make_fixtures import MALE_ID

FIX = Path(__file__).resolve().parents[1] / "fixtures"
KEYS = {"kind", "file", "sheet", "header_row", "rows_read", "imported", "duplicates", "total_fen", "errors"}


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", "cli-pass-2026")
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "t.sqlite3"
    assert (
        main(
            [
                "init",
                "--db",
                str(path),
                "--township",
                "石梁镇",
                "--villages",
                "余东村，上洋村",
                "--admin",
                "admin",
            ]
        )
        == 0
    )
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out)  # exactly one JSON object on stdout


def test_import_json_dry_run_then_real_then_again(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = str(FIX / "vouchers_title_merged.xlsx")
    base = ["import", "vouchers", f, "--village", "余东村", "--db", str(db), "--user", "admin", "--json"]
    code, dry = run_json(capsys, *base, "--dry-run")
    assert code == 0 and set(dry) == KEYS
    assert (dry["header_row"], dry["rows_read"], dry["imported"], dry["total_fen"]) == (3, 8, 0, 614230)
    code, real = run_json(capsys, *base)
    assert (code, real["imported"], real["duplicates"], real["errors"]) == (0, 8, 0, [])
    code, again = run_json(capsys, *base)
    assert (code, again["imported"], again["duplicates"]) == (0, 0, 8)
    assert main(["verify", "--db", str(db)]) == 0


def test_import_with_errors_exits_non_zero_and_names_each_cell(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(FIX / "vouchers_errors.xlsx")
    code, rep = run_json(
        capsys, "import", "vouchers", f, "--village", "余东村", "--db", str(db), "--user", "admin", "--json"
    )
    assert code == 1 and rep["imported"] == 0
    errors = rep["errors"]
    assert isinstance(errors, list) and errors
    assert all(set(e) == {"sheet", "row", "column", "value", "message"} for e in errors)
    assert {"row": 3, "column": "日期", "value": "2026-02-30"}.items() <= errors[0].items()


def test_unreadable_file_still_gives_one_json_object(
    db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, rep = run_json(
        capsys,
        "import",
        "ledger",
        str(FIX / "not_a_spreadsheet.xlsx"),
        "--db",
        str(db),
        "--user",
        "admin",
        "--json",
    )
    assert code == 1 and set(rep) == KEYS and rep["errors"]


def test_export_people_masks_id_numbers_unless_asked_and_allowed(db: Path, tmp_path: Path) -> None:
    roster = tmp_path / "p.csv"
    roster.write_text(f"姓名,身份证号,身份\n张三,{MALE_ID},村民代表\n", encoding="utf-8")
    assert (
        main(["import", "people", str(roster), "--village", "余东村", "--db", str(db), "--user", "admin"])
        == 0
    )
    masked, full = tmp_path / "m.xlsx", tmp_path / "f.xlsx"
    assert main(["export", "people", str(masked), "--db", str(db), "--user", "admin"]) == 0
    assert main(["export", "people", str(full), "--with-id-numbers", "--db", str(db), "--user", "admin"]) == 0
    row_m = [c.value for c in load_workbook(masked).active[3]]
    row_f = [c.value for c in load_workbook(full).active[3]]
    assert row_m[:4] == ["余东村", "张三", "男", MALE_ID[:6] + "********" + MALE_ID[-4:]]
    assert row_f[3] == MALE_ID and row_f[6] == "村民代表"


@pytest.mark.parametrize("kind", ["people", "vouchers", "ledger", "matters", "disclosures", "supervision"])
def test_every_register_exports_with_title_and_header(db: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.xlsx"
    assert (
        main(
            [
                "export",
                kind,
                str(out),
                "--from",
                "2026-01-01",
                "--to",
                "2026年12月31日",
                "--db",
                str(db),
                "--user",
                "admin",
            ]
        )
        == 0
    )
    ws = load_workbook(out).active
    assert ws is not None and "2026-01-01 至 2026-12-31" in str(ws["A1"].value)
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref is not None


@pytest.mark.parametrize("kind", ["people", "vouchers", "ledger"])
def test_template_reimports_cleanly_as_empty(
    db: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    assert main(["template", kind, str(out)]) == 0
    code, rep = run_json(
        capsys, "import", kind, str(out), "--village", "余东村", "--db", str(db), "--user", "admin", "--json"
    )
    assert (code, rep["rows_read"], rep["imported"]) == (0, 0, 0)
