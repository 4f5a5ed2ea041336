"""The CLI as the attacker and the careful user meet it: login rules, audited backup, restore's safety copy,
verify with anchors from files and codes from paper, the site."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from tests.services.verification import attacker

ENV_PW = "cli-pass-2026"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", ENV_PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _init(db: Path) -> None:
    assert (
        main(["init", "--db", str(db), "--township", "石梁镇", "--villages", "甲村,乙村", "--admin", "admin"])
        == 0
    )


def _actions(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [a for (a,) in con.execute("SELECT action FROM audit_log ORDER BY seq")]


def _add_user(db: Path, username: str, role: str) -> None:
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.kernel.roles import Role
    from quzhou_desktop.services.kernel.users import create_user
    from quzhou_desktop.services.roster.villages import list_villages
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(db))
    login(ctx, "admin", ENV_PW)
    create_user(ctx, username=username, display_name=username, role=Role(role), password=ENV_PW,
                village_ids=[list_villages(ctx)[0].id], credential=ENV_PW)  # fmt: skip
    ctx.db.dispose()


def test_init_shows_the_site_key_fingerprint(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(env / "q.sqlite3")
    out = capsys.readouterr().out
    assert "站点：石梁镇（乡镇），站点密钥指纹：" in out
    assert main(["site", "--db", str(env / "q.sqlite3")]) == 0
    out = capsys.readouterr().out
    assert "站点密钥 1 指纹：" in out and "（本机）" in out and "锚点日志：" in out


def test_user_who_must_change_the_password_is_refused_and_told_how(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = env / "q.sqlite3"
    _init(db)
    _add_user(db, "wenshu", "clerk")  # a new account: its password was set by the administrator
    capsys.readouterr()
    before = len(_actions(db))
    assert main(["backup", "--db", str(db), "--user", "wenshu"]) == 2
    err = capsys.readouterr().err
    assert "必须先改成自己的密码才能继续" in err and "quzhou-desktop passwd --user wenshu" in err
    assert "backup.create" not in _actions(db)[before:]
    monkeypatch.setenv("QUZHOU_NEW_PASSWORD", "my-own-pass-1")
    assert main(["passwd", "--db", str(db), "--user", "wenshu"]) == 0
    monkeypatch.setenv("QUZHOU_PASSWORD", "my-own-pass-1")
    assert main(["backup", "--db", str(db), "--user", "wenshu"]) == 0


def test_backup_needs_a_login_with_the_right_and_is_audited(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = env / "q.sqlite3"
    _init(db)
    with pytest.raises(SystemExit):  # no --user: refused by the parser
        main(["backup", "--db", str(db)])
    _add_user(db, "zhuren", "director")
    monkeypatch.setenv("QUZHOU_NEW_PASSWORD", "director-pass-1")
    main(["passwd", "--db", str(db), "--user", "zhuren"])
    monkeypatch.setenv("QUZHOU_PASSWORD", "director-pass-1")
    capsys.readouterr()
    assert main(["backup", "--db", str(db), "--user", "zhuren"]) == 2
    assert "不能备份数据库" in capsys.readouterr().err
    monkeypatch.setenv("QUZHOU_PASSWORD", ENV_PW)
    assert main(["backup", "--db", str(db), "--user", "admin"]) == 0
    with sqlite3.connect(db) as con:
        user, after = con.execute(
            "SELECT username, after_json FROM audit_log WHERE action = 'backup.create'"
        ).fetchone()
    assert user == "admin" and json.loads(after)["file"].endswith(".sqlite3")


def test_restore_keeps_its_safety_copy_past_the_rotation_until_an_administrator_deletes_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from quzhou_desktop.store.backup import KEEP_OTHER

    db = env / "q.sqlite3"
    _init(db)
    copy = env / "copy.sqlite3"
    assert main(["backup", "--db", str(db), "--out", str(copy), "--user", "admin"]) == 0
    assert main(["restore", str(copy), "--db", str(db), "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "已记入审计日志第" in out and "不会被自动清理" in out
    assert _actions(db).count("backup.restore") == 1
    for _ in range(KEEP_OTHER + 2):  # more manual backups than the rotation keeps
        assert main(["backup", "--db", str(db), "--user", "admin"]) == 0
    capsys.readouterr()
    assert main(["safety-copies", "--db", str(db), "--user", "admin"]) == 0
    listed = [line.split()[-1] for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(listed) == 1 and Path(listed[0]).is_file()
    assert main(["safety-copies", "--db", str(db), "--user", "admin", "--delete", listed[0]]) == 0
    assert not Path(listed[0]).exists()
    assert "backup.delete_safety_copy" in _actions(db)
    assert main(["verify", "--db", str(db)]) == 0


def test_verify_takes_anchor_files_and_codes_from_paper(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = env / "q.sqlite3"
    _init(db)
    usb = env / "usb.sqlite3"
    assert main(["backup", "--db", str(db), "--out", str(usb), "--user", "admin"]) == 0
    capsys.readouterr()
    # the attacker rewrites the chain from the first entry after the last signed act (an earlier one is locked
    # by the signatures) and cleans the journal on this computer
    import shutil
    import sqlite3

    shutil.rmtree(env / "data" / "anchors")
    with sqlite3.connect(db) as con:
        (first,) = con.execute("SELECT min(seq) FROM audit_log WHERE action = 'auth.login'").fetchone()

    def rewrite(c: sqlite3.Connection) -> None:
        c.execute("UPDATE audit_log SET ts = replace(ts, '20', '19') WHERE seq = ?", (first,))
        attacker.rehash_from(c, first)

    attacker._without_triggers(db, rewrite)
    assert main(["verify", "--db", str(db)]) == 0  # nothing outside the file on this computer
    assert main(["verify", "--db", str(db), "--anchor", str(usb)]) == 1
    out = capsys.readouterr().out
    assert "校验未通过" in out and "被改写" in out
    assert main(["verify", "--db", str(db), "--notice", "2222-3333-4444-2223"]) == 1
    assert "查不到打印记录" in capsys.readouterr().out
    assert main(["verify", "--db", str(db), "--notice", "hello"]) == 2
    assert "不是有效的核验码" in capsys.readouterr().err
