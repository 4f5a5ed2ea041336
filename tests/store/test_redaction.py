"""Schema 0004 takes the password hashes out of the audit log of an older database: every recorded account
state holds a digest instead, the entries keep the hashes they were chained with, and one redaction entry
records for each changed entry its original and its redacted hash — which ``verify`` knows, so the chain still
checks, while any other change of a redacted entry, or of the redaction entry, is caught."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from quzhou_desktop.store.audit.chain import secret_digest
from quzhou_desktop.store.audit.verify import REDACTION_ENTITY, verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.schema import MIGRATIONS_DIR
from tests.store.schema_fixtures import fixture_path

OLD = ("0001", "0002", "0003")


def _migration() -> ModuleType:
    path = next((MIGRATIONS_DIR / "versions").glob("0004_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0004_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _upgraded(tmp_path: Path, revision: str) -> Path:
    path = tmp_path / f"{revision}.sqlite3"
    shutil.copyfile(fixture_path(revision), path)
    Database(path).dispose()  # opening upgrades
    return path


def _audit(path: Path) -> list[sqlite3.Row]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    finally:
        con.close()


def _verify(path: Path) -> list[str]:
    db = Database(path)
    try:
        with db.read_engine.connect() as conn:
            return [p.message for p in verify_all(conn)]
    finally:
        db.dispose()


@pytest.mark.parametrize("revision", OLD)
def test_upgrade_digests_every_password_hash_and_verify_accepts_it(tmp_path: Path, revision: str) -> None:
    before = {r["seq"]: r for r in _audit(fixture_path(revision))}
    hashes = [
        json.loads(r["after_json"])["password_hash"] for r in before.values() if r["entity"] == "user_account"
    ]
    assert hashes and all(h.startswith("scrypt$") for h in hashes)  # every old release copied them
    path = _upgraded(tmp_path, revision)
    after = _audit(path)
    text = "".join(f"{r['before_json']}{r['after_json']}" for r in after)
    assert "scrypt$" not in text and not [h for h in hashes if h in text]
    assert all(secret_digest(h) in text for h in hashes)
    (redaction,) = [r for r in after if r["entity"] == REDACTION_ENTITY]
    assert redaction["seq"] == after[-1]["seq"] and redaction["username"] == "system"
    listed = json.loads(redaction["after_json"])["entries"]
    changed = [seq for seq, r in before.items() if r["after_json"] != after[seq - 1]["after_json"]
               or r["before_json"] != after[seq - 1]["before_json"]]  # fmt: skip
    assert [e[0] for e in listed] == changed and changed
    for seq, original, _redacted in listed:
        assert after[seq - 1]["hash"] == original == before[seq]["hash"]  # the chain keeps its links
    assert _verify(path) == []


def _tamper(path: Path, sql: str, params: tuple[Any, ...]) -> None:
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute(sql, params)
    con.commit()
    con.close()


def test_any_other_change_of_a_redacted_entry_is_caught(tmp_path: Path) -> None:
    path = _upgraded(tmp_path, "0003")
    (redaction,) = [r for r in _audit(path) if r["entity"] == REDACTION_ENTITY]
    seq = json.loads(redaction["after_json"])["entries"][0][0]
    _tamper(path, "UPDATE audit_log SET username = 'mallory' WHERE seq = ?", (seq,))
    assert any(f"审计日志第{seq}条" in p and "校验值不符" in p for p in _verify(path))


def test_a_changed_redaction_entry_is_caught(tmp_path: Path) -> None:
    path = _upgraded(tmp_path, "0003")
    (redaction,) = [r for r in _audit(path) if r["entity"] == REDACTION_ENTITY]
    doc = json.loads(redaction["after_json"])
    doc["entries"] = doc["entries"][1:]  # pretend one entry was never redacted
    _tamper(path, "UPDATE audit_log SET after_json = ? WHERE seq = ?", (json.dumps(doc), redaction["seq"]))
    assert _verify(path) != []


def test_a_new_database_gets_no_redaction_entry(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Database(path, create=True).dispose()
    assert _audit(path) == []


def test_the_frozen_digest_equals_the_live_one() -> None:
    m = _migration()
    for value in ["scrypt$16384$8$1$c2FsdA==$ZGs=", "argon2id$m=19456,t=2,p=1$x$y", "密码", "", None]:
        assert m.digest(value) == secret_digest(value)
    already = secret_digest("x")
    assert m.digest(already) == already  # running twice changes nothing
