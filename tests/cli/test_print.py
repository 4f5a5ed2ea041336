"""`print` and `verify-notice` on the command line: PDFs with codes, Chinese errors, non-zero exits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pdfplumber
import pytest

from quzhou_desktop.cli import main
from tests.support.notices import Printables
from tests.support.world import PASSWORD


@pytest.fixture
def printables(printables: Printables, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Printables:
    """The printables, their database closed for the CLI to open; the CLI signs in with ``PASSWORD``."""
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    printables.world.db.dispose()
    return printables


def _db(w: Printables) -> str:
    return str(w.world.db.path)


def _code(out: str) -> str:
    return out.split("核验码")[-1].split()[0]


def test_print_then_verify_then_tamper(
    printables: Printables, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v.pdf"
    args = [
        "print",
        "voucher",
        "--id",
        printables.voucher_id,
        "--out",
        str(out),
        "--user",
        "admin",
        "--db",
        _db(printables),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "支出凭证审批单" in printed and out.is_file()
    code = _code(printed)
    assert main(["verify-notice", code, "--db", _db(printables)]) == 0
    assert "未变更" in capsys.readouterr().out
    con = sqlite3.connect(_db(printables))
    con.execute("UPDATE voucher SET payee = '别的公司' WHERE id = ?", (printables.voucher_id,))
    con.commit()
    con.close()
    assert main(["verify-notice", code, "--db", _db(printables)]) == 1
    assert "已变更" in capsys.readouterr().out


def test_review_by_village_and_month_and_due_batch(
    printables: Printables, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--user", "admin", "--db", _db(printables)]
    out = tmp_path / "r.pdf"
    assert (
        main(["print", "review", "--village", "溪口村", "--month", "2026-11", "--out", str(out), *base]) == 0
    )
    with pdfplumber.open(out) as pdf:
        assert "月度审核意见书" in (pdf.pages[0].extract_text() or "")
    capsys.readouterr()
    due = tmp_path / "due.pdf"
    assert (
        main(["print", "finance", "--due", "--village", "溪口村", "--out", str(due), "--paper", "A3", *base])
        == 0
    )
    assert "财务公开表" in capsys.readouterr().out and due.is_file()
    assert main(["print", "finance", "--due", "--out", str(due), *base]) == 1  # printed already: nothing due
    assert "本期没有需要打印的财务公开表" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["print", "poster", "--id", "x"], "参数 类型：无效的选项“poster”（可选：plan、resolution"),
        (["print", "voucher", "--id", "no-such-id"], "找不到"),
        (["print", "voucher"], "请用 --id 指定记录编号，或用 --village 村名加"),
        (["print", "review", "--village", "溪口村"], "请用 --period（或 --month）写出审核月份"),
        (["print", "review", "--village", "溪口村", "--month", "2026-13"], "“2026-13”应写成 2026-10"),
        (
            ["print", "review", "--village", "溪口村", "--month", "2026-10"],
            "找不到2026年10月的村监会月度审核记录",
        ),
        (["print", "review", "--village", "无此村", "--month", "2026-11"], "找不到村“无此村”"),
        (["verify-notice", "abc"], "不是有效的核验码"),
        (["verify-notice", "2222-3333-4444"], "没有核验码为 2222-3333-4444"),
    ],
    ids=["kind", "id", "no-id", "no-month", "bad-month", "no-review", "village", "bad-code", "unknown-code"],
)
def test_bad_input_is_a_chinese_error_and_non_zero(
    printables: Printables, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    extra = ["--out", str(tmp_path / "x.pdf"), "--user", "admin"] if argv[0] == "print" else []
    code: int | str | None
    try:
        code = main([*argv, *extra, "--db", _db(printables)])
    except SystemExit as exc:  # refused by the argument parser
        code = exc.code
    assert code != 0
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_list_then_print_by_name_without_an_id(
    printables: Printables, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import shlex

    base = ["--user", "admin", "--db", _db(printables)]
    assert main(["list", "matters", *base]) == 0
    text = capsys.readouterr().out
    assert "五议两公开事项：共 1 条" in text and printables.matter_id in text
    assert "打印：quzhou-desktop print register --village 溪口村 --matter 村道硬化工程" in text
    assert main(["list", "vouchers", "--village", "溪口村", "--json", *base]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == {printables.voucher_id, printables.voucher2_id}
    first = next(r for r in rows if r["id"] == printables.voucher_id)
    assert first["print_kinds"] == ["voucher"] and "2026-031" in first["name"]
    # the printed key, as listed, prints that record
    out = tmp_path / "v.pdf"
    assert main(["print", "voucher", *shlex.split(first["print_key"]), "--out", str(out), *base]) == 0
    assert "支出凭证审批单" in capsys.readouterr().out
    with pdfplumber.open(out) as pdf:
        assert "2026-031" in (pdf.pages[0].extract_text() or "")
    key = ["--village", "溪口村", "--matter", "硬化"]
    assert main(["print", "resolution", *key, "--out", str(out), *base]) == 0
    assert "决议公告《溪口村关于村道硬化工程的决议公告》" in capsys.readouterr().out
    assert (
        main(["print", "disclosure", "--village", "溪口村", "--period", "2026Q3", "--out", str(out), *base])
        == 0
    )
    assert "党务村务公开《溪口村2026年第三季度党员党费缴纳情况公开》" in capsys.readouterr().out


def test_print_due_without_a_kind_prints_everything_due(
    printables: Printables, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "due.pdf"
    base = ["--user", "admin", "--db", _db(printables), "--out", str(out)]
    assert main(["print", "--due", *base]) == 0
    text = capsys.readouterr().out
    # the reviewed 财务公开 and the 村务公开 draft are due whatever the day (the CLI runs on the real clock)
    assert "财务公开表《溪口村2026年11月财务收支公开》" in text
    assert "党务村务公开《溪口村2026年度农业补贴发放情况公开》" in text
    assert main(["print", "--due", *base]) == 1
    assert "本期没有需要打印的公告" in capsys.readouterr().out
