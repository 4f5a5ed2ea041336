"""`init --site-kind county`: a county (区县) database — its own row, no villages, the administrator as root of
trust — that verifies clean and changes no township's records."""

from __future__ import annotations

from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel import auth, site
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.settings import update_rules
from quzhou_desktop.services.roster.villages import VillageSpec, add_village, list_villages, township
from quzhou_desktop.store.db import Database

PW = "cli-pass-2026"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("QUZHOU_PASSWORD", PW)
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_init_makes_a_county_database(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = env / "kecheng.sqlite3"
    args = ["init", "--db", str(db), "--township", "柯城区", "--site-kind", "county", "--admin", "admin"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "柯城区" in out and "区县站点" in out and "（区县）" in out
    ctx = AppContext(Database(db))
    try:
        found = site.read_site(ctx.db)
        assert found is not None and found.kind == "county" and found.name == "柯城区"
        auth.login(ctx, "admin", PW)
        assert ctx.county
        t = township(ctx)
        assert t is not None and t.name == "柯城区" and list_villages(ctx) == []
        with pytest.raises(PermissionDenied, match="区县站点只查看"):
            add_village(ctx, VillageSpec("新村"), credential=PW)
        with pytest.raises(PermissionDenied, match="区县站点只查看"):
            update_rules(ctx, {"stall_days": 30}, credential=PW)
    finally:
        ctx.db.dispose()
    assert main(["verify", "--db", str(db)]) == 0
    assert "校验通过" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--site-kind", "county", "--villages", "甲村"], "区县站点不添加村"),
        (["--site-kind", "township"], "至少要有一个村名"),
        ([], "至少要有一个村名"),
    ],
)
def test_villages_are_for_townships_only(
    env: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    args = ["init", "--db", str(env / "x.sqlite3"), "--township", "柯城区", "--admin", "admin", *extra]
    assert main(args) == 2
    assert message in capsys.readouterr().err
