"""Moving a township to a server (``server migrate-from``), ``server init``, and ``backup`` / ``restore`` /
``verify`` with a server address, through the command line as an IT person runs them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from quzhou_desktop.cli import main
from quzhou_desktop.paths import anchor_journal_path
from quzhou_desktop.services.kernel.auth import login
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.services.roster.people import PersonFields, add_person, update_person
from quzhou_desktop.store.audit.chain import chain_head
from quzhou_desktop.store.audit.verify import verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.dialects.postgres import ServerPasswordNeeded
from quzhou_desktop.store.models import AuditEntry, Person, Voucher
from tests.pg import TEMPLATE, Cluster, cluster, raw_connection
from tests.support.spreadsheets import voucher_book
from tests.support.world import PASSWORD, make_world

ROLES = ["--owner", TEMPLATE.owner, "--app-user", TEMPLATE.app]


@pytest.fixture
def new_name(request: pytest.FixtureRequest) -> str:
    """A database name no test uses yet, dropped afterwards."""
    c = cluster()
    name = f"qz_tnew_{request.node.name.split('[')[0][-20:]}".lower()
    c.drop(name)
    request.addfinalizer(lambda: c.drop(name))
    return name


def _verify(url: str) -> list[object]:
    db = Database(url)
    try:
        with db.read_engine.connect() as conn:
            return list(verify_all(conn))
    finally:
        db.dispose()


def test_migrate_from_copies_everything_and_the_chain_goes_on(
    tmp_path: Path, new_name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from quzhou_desktop.services.imports.plan import run_import

    c = cluster()
    w = make_world(tmp_path / "township.sqlite3")
    p = add_person(w.admin, w.village_ids[0], PersonFields(name="徐建国", gender="男"))
    update_person(w.admin, p.id, PersonFields(name="徐建国", gender="男", phone="13800001111"))
    assert run_import(w.admin, voucher_book(tmp_path / "v.xlsx", 30), "vouchers").ok
    with w.db.read_engine.connect() as conn:
        head = chain_head(conn)
    w.db.dispose()

    code = main(
        [
            "server",
            "migrate-from",
            str(tmp_path / "township.sqlite3"),
            c.admin_url(new_name),
            *ROLES,
            "--no-app-password",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "核对通过" in out and TEMPLATE.app in out
    app = c.app_url(new_name)
    assert _verify(app) == []
    db = Database(app)
    try:
        with db.read_engine.connect() as conn:
            assert chain_head(conn) == head
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Voucher)) == 30
            moved = s.get(Person, p.id)
            assert moved is not None and moved.phone == "13800001111"
        ctx = AppContext(db)
        login(ctx, "admin", PASSWORD)  # the same users and passwords
        add_person(ctx, w.village_ids[1], PersonFields(name="迁移后", gender="女"))  # the chain goes on
        with db.read() as s:
            assert s.scalar(select(func.max(AuditEntry.seq))) == head[0] + 2  # the login, the person
    finally:
        db.dispose()
    assert _verify(app) == []


def test_migrate_from_refuses_a_file_that_fails_verification(
    tmp_path: Path, new_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    w = make_world(tmp_path / "t.sqlite3")
    w.db.dispose()
    con = sqlite3.connect(tmp_path / "t.sqlite3")
    con.execute("UPDATE village SET households = 1")
    con.commit()
    con.close()
    code = main(
        [
            "server",
            "migrate-from",
            str(tmp_path / "t.sqlite3"),
            cluster().admin_url(new_name),
            *ROLES,
            "--no-app-password",
        ]
    )
    assert code != 0
    assert "没有通过校验" in capsys.readouterr().err
    with psycopg.connect(cluster().admin_url("postgres")) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (new_name,)
        ).fetchone() == (0,)


def test_server_init_creates_roles_database_and_first_administrator(
    new_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    c = cluster()
    monkeypatch.setenv("QUZHOU_PASSWORD", "admin-pass-123")
    monkeypatch.setenv("QUZHOU_APP_DB_PASSWORD", "app-pass-12345")
    code = main(["server", "init", c.admin_url(new_name), "--township", "石梁镇", "--villages", "溪口村,上洋村",
                 "--admin", "chief", "--owner", "qz_init_owner", "--app-user", "qz_init_app"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    app = Database(c.app_url(new_name).replace(TEMPLATE.app, "qz_init_app"))
    try:
        ctx = AppContext(app)
        login(ctx, "chief", "admin-pass-123")
        assert ctx.require_user().township_wide
    finally:
        app.dispose()
    with psycopg.connect(c.admin_url(new_name)) as conn:
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'").fetchone()
        dbowner = conn.execute(
            "SELECT pg_get_userbyid(datdba), datcollate FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        login_ok = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'qz_init_owner'").fetchone()
        secret = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'qz_init_app'").fetchone()
    assert owner == ("qz_init_owner",) and dbowner == ("qz_init_owner", "C") and login_ok == (False,)
    assert secret is not None and str(secret[0]).startswith("SCRAM-SHA-256$")  # hashed on our side
    # the password file is what office PCs use: a TCP login with it works, without it is refused
    port = c.url.split("port=")[1]
    tcp = f"postgresql://qz_init_app@127.0.0.1:{port}/{new_name}"
    with pytest.raises(ServerPasswordNeeded):
        Database(tcp)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{port}:{new_name}:qz_init_app:app-pass-12345\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    Database(tcp).dispose()
    with psycopg.connect(c.admin_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {new_name} WITH (FORCE)")
        conn.execute("DROP ROLE IF EXISTS qz_init_app")
        conn.execute("DROP ROLE IF EXISTS qz_init_owner")


def test_backup_restore_and_verify_with_a_server_address(
    pg_database: tuple[Cluster, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same rules as a file's: the backup is an audited act with an anchor (in the journal and beside the
    dump); the restore goes into a fresh database verified first, is a signed act recording both chain ends,
    and keeps the replaced database as the safety copy."""
    import json

    from quzhou_desktop.core.anchors import parse_line
    from quzhou_desktop.services.kernel.site import read_site
    from quzhou_desktop.store.anchors import read_journal
    from quzhou_desktop.store.server.dump import anchors_beside

    c, name = pg_database
    w = make_world(c.app_url(name))
    add_person(w.admin, w.village_ids[0], PersonFields(name="备份前", gender="男"))
    dump = tmp_path / "server.dump"
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    assert main(["backup", "--db", c.app_url(name), "--out", str(dump), "--user", "admin"]) == 0
    assert dump.stat().st_mode & 0o077 == 0
    beside = [parse_line(line) for line in read_journal(anchors_beside(dump))]
    assert beside and beside[-1].why == "backup"
    with w.db.read() as s:
        act = s.scalars(select(AuditEntry).where(AuditEntry.action == "backup.create")).one()
        backed_up = json.loads(act.after_json or "{}")
    assert (backed_up["seq"], backed_up["head"]) == (beside[-1].seq, beside[-1].head)
    add_person(w.admin, w.village_ids[0], PersonFields(name="备份后", gender="女"))
    site = read_site(w.db)
    assert site is not None
    with w.db.read_engine.connect() as conn:
        replaced = chain_head(conn)
    w.db.dispose()
    assert main(["verify", "--db", c.app_url(name), "--anchor", str(anchors_beside(dump))]) == 0
    assert "校验通过" in capsys.readouterr().out

    code = main(["restore", str(dump), "--db", c.admin_url(name), "--user", "admin", *ROLES])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "并由您签名" in out.out
    safety = out.out.split("服务器上的 ")[1].strip()
    db = Database(c.app_url(name))
    try:
        with db.read() as s:
            names = set(s.scalars(select(Person.name)))
            restore = s.scalars(select(AuditEntry).where(AuditEntry.action == "backup.restore")).one()
            details = json.loads(restore.after_json or "{}")
    finally:
        db.dispose()
    assert "备份前" in names and "备份后" not in names
    assert details["replaced"]["seq"] > replaced[0]  # (the restore's login came after)
    assert details["backup"]["seq"] >= backed_up["seq"] and details["safety_copy"] == safety
    assert _verify(c.app_url(name)) == []
    assert main(["verify", "--db", c.app_url(name)]) == 0, capsys.readouterr().out
    journal = [parse_line(line) for line in read_journal(anchor_journal_path(site.id))]
    assert journal[-1].why == "restore"
    ended = (details["replaced"]["seq"], details["replaced"]["head"])
    assert any((a.seq, a.head) == ended for a in journal)  # the replaced database's end, anchored
    with psycopg.connect(c.admin_url(safety)) as conn:  # the database as it was, kept
        assert conn.execute("SELECT count(*) FROM person WHERE name = '备份后'").fetchone() == (1,)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(c.app_url(safety)).close()  # not for the office PCs
    c.drop(safety)


def test_restore_of_a_backup_that_fails_verification_changes_nothing(
    pg_database: tuple[Cluster, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    c, name = pg_database
    w = make_world(c.app_url(name))
    p = add_person(w.admin, w.village_ids[0], PersonFields(name="郑秀英", gender="女"))
    con = raw_connection(w.db)
    con.execute("UPDATE person SET name = '郑秀兰' WHERE id = ?", (p.id,))
    con.commit()
    con.close()
    dump = tmp_path / "bad.dump"
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    assert main(["backup", "--db", c.app_url(name), "--out", str(dump), "--user", "admin"]) == 0
    con = raw_connection(w.db)
    con.execute("UPDATE person SET name = '郑秀英' WHERE id = ?", (p.id,))
    con.commit()
    con.close()
    w.db.dispose()
    monkeypatch.setenv("QUZHOU_PASSWORD", PASSWORD)
    code = main(["restore", str(dump), "--db", c.admin_url(name), "--user", "admin", *ROLES])
    assert code != 0
    assert "未通过校验" in capsys.readouterr().err
    assert _verify(c.app_url(name)) == []  # the database in use is as it was
    with psycopg.connect(c.admin_url("postgres")) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s", (f"{name}\\_restore%",)
        ).fetchone()
    assert left == (0,)


def test_server_upgrade_backs_up_migrates_as_owner_and_renews_grants(
    new_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server left at an older schema (here 0002) is refused to the office PCs until `server upgrade`."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from quzhou_desktop.store.dialects.postgres import ServerNeedsUpgrade, server_url
    from quzhou_desktop.store.schema import SCHEMA_HEAD, migrate_connection
    from quzhou_desktop.store.server.roles import (
        ServerNames,
        admin_connection,
        apply_grants,
        create_database,
        create_roles,
        prepare_schema,
    )

    c = cluster()
    names = ServerNames(new_name, TEMPLATE.owner, TEMPLATE.app)
    with admin_connection(c.url) as conn:
        create_roles(conn, names, None)
        create_database(conn, names)
    with admin_connection(c.url, new_name) as conn:
        prepare_schema(conn, names)
    engine = create_engine(server_url(c.admin_url(new_name)), poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SET LOCAL ROLE {TEMPLATE.owner}")
        migrate_connection(conn, "0002")
        conn.exec_driver_sql("RESET ROLE")
        apply_grants(conn, names)
    engine.dispose()
    with pytest.raises(ServerNeedsUpgrade):
        Database(c.app_url(new_name))

    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))
    assert main(["server", "upgrade", c.admin_url(new_name), *ROLES]) == 0
    out = capsys.readouterr().out
    assert "升级前已备份到" in out and list((tmp_path / "data" / "server-backups").glob(f"{new_name}-*.dump"))
    make_world(c.app_url(new_name)).db.dispose()  # the app role works on the new schema
    with psycopg.connect(c.admin_url(new_name)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
        owners = {
            r[0]
            for r in conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        }
    assert owners == {TEMPLATE.owner}


def test_migrate_from_the_demo_township_keeps_contracts_assets_and_reviews(
    tmp_path: Path, new_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every kind of record the demo writes (contracts with schedules, payments and deposits, assets, 民主评议)
    moves, and the registers and reminders read the same on the server as on the file."""
    from datetime import date

    from quzhou_desktop.services.contracts import query as contracts
    from quzhou_desktop.services.contracts import reminders
    from quzhou_desktop.services.demo import DEMO_PASSWORD, build_demo
    from quzhou_desktop.services.evaluations import query as evaluations
    from quzhou_desktop.store.models import (
        Asset,
        Contract,
        ContractDeposit,
        ContractParty,
        ContractPayment,
        ContractScheduleLine,
        Evaluation,
        EvaluationEntry,
    )
    from tests.support.world import FixedClock

    today = date(2026, 11, 24)
    path = tmp_path / "demo.sqlite3"
    build_demo(path, today=today)
    tables = (Asset, Contract, ContractParty, ContractScheduleLine, ContractPayment, ContractDeposit, Evaluation,
              EvaluationEntry)  # fmt: skip
    code = main(
        ["server", "migrate-from", str(path), cluster().admin_url(new_name), *ROLES, "--no-app-password"]
    )
    assert code == 0, capsys.readouterr()
    app = cluster().app_url(new_name)
    assert _verify(app) == []

    def seen(target: Path | str) -> tuple[object, ...]:
        db = Database(target)
        try:
            with db.read() as s:
                counts = tuple(s.scalar(select(func.count()).select_from(t)) for t in tables)
            ctx = AppContext(db, clock=FixedClock.on(today))
            login(ctx, "admin", DEMO_PASSWORD)
            listed = [
                (r.number, r.status, r.settled_fen)
                for r in contracts.list_contracts(ctx, contracts.ContractFilter())
            ]
            overdue = [(o.number, o.overdue_fen) for o in reminders.overdue_receivables(ctx)]
            missed = evaluations.missed_years(ctx, today.year - 1)
            return counts, listed, overdue, missed
        finally:
            db.dispose()

    on_file, on_server = seen(path), seen(app)
    assert on_server == on_file
    counts = on_file[0]
    assert isinstance(counts, tuple) and all(n > 0 for n in counts), counts
