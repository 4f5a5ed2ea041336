"""Three sites on separate database files: the township (the ``world``: 石梁镇 with 溪口村 and 上洋村) and each
village on its own PC, enrolled through the real enrolment files, answers and fingerprints."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from quzhou_desktop.core.signing import b64, sign
from quzhou_desktop.services.exchange.apply import ImportResult, import_files
from quzhou_desktop.services.exchange.enrol import accept_answer, join_as_village, write_enrolment
from quzhou_desktop.services.exchange.export import ExportResult, export_package
from quzhou_desktop.services.exchange.package import ACTS, ENTRIES, KEYS, MANIFEST, SIGNATURE, container
from quzhou_desktop.services.exchange.signed import lines as signed_lines
from quzhou_desktop.services.kernel.auth import load_current_user
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.audit.verify import Problem, verify_all
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import Village
from tests.support.world import PASSWORD, World, make_world


@dataclass
class Sites:
    township: World
    villages: dict[str, World]  # by village name
    folder: Path  # the USB stick
    rounds: int = 0

    def file(self, name: str) -> Path:
        return self.folder / name

    def report(self, village: str, name: str | None = None) -> ExportResult:
        """The village's 上报数据包 for the township."""
        self.rounds += 1
        w = self.villages[village]
        return export_package(
            w.admin, to="石梁镇", out=self.file(name or f"{village}-{self.rounds}.上报.zip")
        )

    def dispatch(self, village: str, name: str | None = None) -> ExportResult:
        """The township's 下发数据包 for one village."""
        self.rounds += 1
        return export_package(
            self.township.admin, to=village, out=self.file(name or f"{village}-{self.rounds}.下发.zip")
        )

    def at_township(self, *files: Path) -> list[ImportResult]:
        return import_files(self.township.admin, list(files))

    def at(self, village: str, *files: Path) -> list[ImportResult]:
        return import_files(self.villages[village].admin, list(files))


def problems(world: World) -> list[Problem]:
    with world.db.read_engine.connect() as conn:
        return verify_all(conn)


def join(township: World, village_id: str, folder: Path, db_path: Path | str) -> World:
    """Enrol ``village_id`` of the township on a new database at ``db_path``; the village's World."""
    enrolment = write_enrolment(township.admin, village_id, folder / "登记.zip")
    db = Database(db_path, create=True)
    joined = join_as_village(
        db,
        enrolment.path,
        admin_username="cunadmin",
        admin_password=PASSWORD,
        admin_display_name="村管理员",
        clock=township.clock,
    )
    assert joined.township_fingerprint == enrolment.fingerprint
    accept_answer(township.admin, joined.answer, confirmed_fingerprint=joined.village_fingerprint)
    ctx = AppContext(db, clock=township.clock)
    ctx.user = load_current_user(ctx, joined.admin_id)
    return World(db, ctx, [village_id], township.clock)


def make_sites(tmp: Path, target: Callable[[str], Path | str] | None = None) -> Sites:
    """The township and its villages, each on a database of its own: ``target(name)`` gives each one's
    (a file in ``tmp`` by default; a server database when the suite runs on PostgreSQL)."""
    where = target or (lambda name: tmp / name)
    township = make_world(where("township.sqlite3"))
    folder = tmp / "usb"
    folder.mkdir()
    villages: dict[str, World] = {}
    with township.db.read() as s:
        names = dict(s.execute(select(Village.id, Village.name)).all())
    for n, vid in enumerate(township.village_ids):
        villages[names[vid]] = join(township, vid, folder, where(f"village{n}.sqlite3"))
    return Sites(township, villages, folder)


def count(world: World, model: type, **where: str) -> int:
    with world.db.read() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return int(s.scalar(q) or 0)


def site_private(world: World) -> bytes:
    """The site's real private key (from this computer's site key file)."""
    from quzhou_desktop.services.exchange.identity import local_site, site_private_key

    with world.db.read() as s:
        site = local_site(s)
    assert site is not None
    return site_private_key(site)


Docs = list[dict[str, Any]]


def repack(
    data: bytes,
    private: bytes,
    *,
    entries: Callable[[list[list[Any]]], int] | None = None,
    keys: Callable[[Docs], Docs] | None = None,
    acts: Callable[[Docs], Docs] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """The package ``data`` with its members changed, as a forger holding the sender's site key would: ``entries``
    edits the entry lines in place and returns the index of the first line it changed (that line and every one
    after it are re-hashed and re-linked, and the manifest's last head follows); ``keys`` and ``acts`` return the
    new lines of ``keys.jsonl`` and ``acts.jsonl`` (the manifest's counts follow); ``drop`` removes members. The
    manifest lists the new digests and is signed again with ``private``, so only what was forged is wrong."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {n: src.read(n) for n in src.namelist()}
    doc = json.loads(members["manifest.json"])
    if entries is not None:
        lines = [json.loads(x) for x in members[ENTRIES].decode("utf-8").splitlines()]
        first = entries(lines)
        prev = lines[first - 1][-1] if first else doc["range"]["after"]["hash"]
        for line in lines[first:]:
            assert len(line) == 12, "a stub follows the change: its hash cannot be recomputed"
            line[10] = prev
            line[11] = prev = hashlib.sha256(_compact(line[:11]).encode("utf-8")).hexdigest()
        doc["range"]["last"]["hash"] = prev
        members[ENTRIES] = "".join(_compact(x) + "\n" for x in lines).encode("utf-8")
    for name, count, change in ((KEYS, "keys", keys), (ACTS, "acts", acts)):
        if change is not None:
            docs = change([json.loads(x) for x in members[name].decode("utf-8").splitlines()])
            members[name] = signed_lines(docs)
            doc["counts"][count] = len(docs)
    for name in drop:
        members.pop(name)
    if manifest is not None:
        manifest(doc)
    doc["members"] = {
        n: hashlib.sha256(b).hexdigest() for n, b in members.items() if n not in (MANIFEST, SIGNATURE)
    }
    members[MANIFEST] = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    members[SIGNATURE] = b64(sign(private, members[MANIFEST])).encode("ascii")
    return container(members)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
