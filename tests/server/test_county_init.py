"""`server init --site-kind county`: a county's server database — its own row and administrator, no villages —
on which nothing of the townships can be changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from quzhou_desktop.cli import main
from quzhou_desktop.core.errors import PermissionDenied
from quzhou_desktop.services.kernel import site
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.villages import VillageSpec, add_village, list_villages, township
from quzhou_desktop.store.db import Database
from tests.pg import TEMPLATE, cluster

ROLES = ["--owner", TEMPLATE.owner, "--app-user", TEMPLATE.app]


@pytest.fixture
def new_name(request: pytest.FixtureRequest) -> str:
    c = cluster()
    name = "qz_tnew_county_init"
    c.drop(name)
    request.addfinalizer(lambda: c.drop(name))
    return name


def test_server_init_makes_a_county_database(
    new_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    c = cluster()
    monkeypatch.setenv("QUZHOU_PASSWORD", "admin-pass-123")
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    code = main(["server", "init", c.admin_url(new_name), "--township", "柯城区", "--site-kind", "county",
                 "--admin", "chief", *ROLES, "--no-app-password"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "区县站点" in out
    db = Database(c.app_url(new_name))
    try:
        found = site.read_site(db)
        assert found is not None and found.kind == "county" and found.name == "柯城区"
        ctx = AppContext(db)
        login(ctx, "chief", "admin-pass-123")
        t = township(ctx)
        assert ctx.county and t is not None and t.name == "柯城区" and list_villages(ctx) == []
        with pytest.raises(PermissionDenied, match="区县站点只查看"):
            add_village(ctx, VillageSpec("新村"), credential="admin-pass-123")
    finally:
        db.dispose()
