"""Sites: every database file has an identity and a key; the private key lives only in an owner-only file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from quzhou_desktop.core.signing import fingerprint
from quzhou_desktop.paths import anchor_journal_path, site_key_path
from quzhou_desktop.services.kernel import anchoring, settings, site
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.roster.setup import initialise
from quzhou_desktop.services.roster.villages import VillageSpec
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import AuditEntry, Township
from tests.pg import raw_connection
from tests.support.world import PASSWORD, World


def test_init_makes_the_database_a_site_with_a_private_key_file(world: World) -> None:
    s = site.read_site(world.db)
    assert s is not None and s.kind == "township" and s.name == "石梁镇" and len(s.keys) == 1
    path = site_key_path(s.id)
    assert path.is_file() and path.parent.name == "keys"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o077 == 0
    key = site.local_key(s)
    assert key is not None and key.public == s.keys[0]
    assert len(s.fingerprints[0].split()) == 6
    # the private key is nowhere in the database file
    con = raw_connection(world.db)
    for table in ("township", "audit_log"):
        for row in con.execute(f"SELECT * FROM {table}").fetchall():
            assert key.private.hex() not in repr(row) and repr(key.private) not in repr(row)
    con.close()
    if world.db.path is not None:
        assert key.private not in world.path.read_bytes()
    with world.db.read() as sess:
        rules = json.loads(sess.scalar(select(Township.rules_json)) or "{}")
    assert set(rules["site"]) == {"id", "kind", "name", "created", "keys"}


def test_a_one_village_database_is_a_village_site(tmp_path: Path) -> None:
    ctx = AppContext(Database(tmp_path / "v.sqlite3", create=True))
    initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村")], admin_username="admin",
               admin_password=PASSWORD, admin_display_name="管理员")  # fmt: skip
    s = site.read_site(ctx.db)
    assert s is not None and s.kind == "village" and s.name == "石梁镇溪口村"
    ctx.db.dispose()


def test_in_memory_databases_have_no_site() -> None:
    ctx = AppContext(Database(None))
    initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村")], admin_username="admin",
               admin_password=PASSWORD, admin_display_name="管理员")  # fmt: skip
    assert site.read_site(ctx.db) is None and site.signer_for(ctx.db) is None


def test_editing_the_rules_keeps_the_site(world: World) -> None:
    before = site.read_site(world.db)
    settings.update_rules(world.admin, {"reply_days": 9}, credential=PASSWORD)
    assert site.read_site(world.db) == before
    assert settings.get_rules(world.admin).reply_days == 9


def _legacy(world: World) -> None:
    """A database from before sites existed: no site entry in the settings."""
    with world.admin.write("test.legacy") as s:
        t = s.scalars(select(Township)).one()
        doc = json.loads(t.rules_json)
        doc.pop("site")
        t.rules_json = json.dumps(doc)


def test_an_older_database_gets_its_site_when_an_administrator_logs_in(world: World) -> None:
    _legacy(world)
    clerk = world.new_user("wenshu", Role.CLERK)
    anchoring.after_login(clerk)
    assert site.read_site(world.db) is None  # a clerk cannot make one
    anchoring.after_login(world.admin)
    made = site.read_site(world.db)
    assert made is not None and site.local_key(made) is not None
    with world.db.read() as s:
        assert "site.create" in s.scalars(select(AuditEntry.action)).all()
    # and the login was anchored in the new site's journal
    assert len(anchor_journal_path(made.id).read_text().splitlines()) == 1


def test_a_new_computer_gets_its_own_key_and_old_anchors_still_check(world: World) -> None:
    s = site.read_site(world.db)
    assert s is not None
    old = anchoring.write_anchor(world.db, "manual")
    assert old is not None
    site_key_path(s.id).unlink()  # the database copied to another computer: no key file there
    assert anchoring.write_anchor(world.db, "manual") is None  # nothing signed without a key
    anchoring.after_login(world.admin)
    s2 = site.read_site(world.db)
    assert s2 is not None and len(s2.keys) == 2 and s2.keys[0] == s.keys[0]
    key = site.local_key(s2)
    assert key is not None and fingerprint(key.public) == s2.fingerprints[1]
    found = anchoring.gather_anchors(s2)
    assert found.usable[0].anchor.public_key == s.keys[0]  # signed by the old key, still known
    assert not found.bad_signature and not found.unknown_key


def test_a_damaged_key_file_is_replaced_at_the_next_administrator_login(world: World) -> None:
    s = site.read_site(world.db)
    assert s is not None
    site_key_path(s.id).write_text("{broken", encoding="utf-8")
    assert site.signer_for(world.db) is None
    anchoring.after_login(world.admin)
    assert site.signer_for(world.db) is not None


@pytest.mark.parametrize("kind", ["township", "village"])
def test_init_site_kind_can_be_chosen(tmp_path: Path, kind: str) -> None:
    ctx = AppContext(Database(tmp_path / "k.sqlite3", create=True))
    initialise(ctx, township_name="石梁镇", villages=[VillageSpec(name="溪口村"), VillageSpec(name="上洋村")],
               admin_username="admin", admin_password=PASSWORD, admin_display_name="管理员", site_kind=kind)  # fmt: skip
    s = site.read_site(ctx.db)
    assert s is not None and s.kind == kind
    ctx.db.dispose()
