"""The site: which office this database is (identity) and the Ed25519 key it signs anchors with.

Every database file that belongs to an office is a **site**: a uuid, a kind (``township``: a 乡镇 database
holding many villages; ``village``: a village office's database holding one; ``county``: a 区/县 server that
receives its townships' records and changes none of them) and a name. The identity and the
public halves of the site's keys live in the township settings (``Township.rules_json`` under the key
``"site"``), so every change of them is an audited change of the township row; the private half lives only in
an owner-only key file in the user's data folder (``paths.site_key_path``), never in the database or a backup.

Each computer that writes anchors for the site has its own key; the settings list every key the site ever
used, so anchors signed on another computer, or before a key was replaced, still check. When is the key made?

- a new database: by ``init`` or the first-run wizard (``services.roster.setup.initialise``), in the same
  transaction that creates the township;
- a database from before sites existed, a database opened on a new computer (no key file here), or a key file
  lost: the first time an administrator logs in (``ensure_site``, called after every login by the app and the
  CLI). Until then anchors cannot be written and say so in the log; nothing else is affected.

In-memory databases (tests, ``selftest``) have no site. A server database is a site like a file: each office PC
that connects keeps its own key for it.
"""

from __future__ import annotations

import binascii
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core.anchors import format_time
from quzhou_desktop.core.signing import b64, fingerprint, new_keypair, unb64
from quzhou_desktop.paths import site_key_path
from quzhou_desktop.services.kernel.context import AppContext, snapshot_memo
from quzhou_desktop.services.kernel.roles import Perm
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import ExchangeSite, Township, Village, new_uuid, utcnow
from quzhou_desktop.store.sitekeys import SiteKey, SiteKeyDamaged, read_site_key, write_site_key

log = logging.getLogger(__name__)

SETTINGS_KEY = "site"
KIND_LABELS = {"township": "乡镇", "village": "村", "county": "区县"}


@dataclass(frozen=True)
class SiteInfo:
    id: str
    kind: str  # township | village | county
    name: str
    created: str  # UTC, ``core.anchors.format_time``
    keys: tuple[bytes, ...]  # every public key the site has used, oldest first

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(fingerprint(k) for k in self.keys)


@dataclass(frozen=True)
class SiteSigner:
    """The site and this computer's key for it (a key the site lists)."""

    site: SiteInfo
    key: SiteKey
    db_label: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key.public)


def site_from_settings(rules_json: str | None) -> SiteInfo | None:
    """The site recorded in the township settings JSON (None when there is none or it is unreadable)."""
    try:
        doc = json.loads(rules_json or "{}").get(SETTINGS_KEY)
        if not isinstance(doc, dict):
            return None
        keys = tuple(unb64(k["key"]) for k in doc.get("keys", []))
        return SiteInfo(str(doc["id"]), str(doc["kind"]), str(doc["name"]), str(doc["created"]), keys)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return None


def _site_doc(site: SiteInfo, added: dict[bytes, str]) -> dict[str, Any]:
    return {
        "id": site.id,
        "kind": site.kind,
        "name": site.name,
        "created": site.created,
        "keys": [{"key": b64(k), "added": added.get(k, site.created)} for k in site.keys],
    }


def with_site(rules_json: str | None, site: SiteInfo, added: dict[bytes, str]) -> str:
    """``rules_json`` with the site recorded (other settings kept as they are)."""
    doc = json.loads(rules_json or "{}")
    old = doc.get(SETTINGS_KEY)
    if isinstance(old, dict):  # keep the dates existing keys were added on
        for entry in old.get("keys", []):
            try:
                added.setdefault(unb64(entry["key"]), str(entry["added"]))
            except (ValueError, KeyError, TypeError, binascii.Error):
                continue
    doc[SETTINGS_KEY] = _site_doc(site, added)
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def keep_site(old_rules_json: str | None, new_rules_json: str) -> str:
    """``new_rules_json`` (a settings edit) with the site entry of ``old_rules_json`` carried over."""
    old = json.loads(old_rules_json or "{}").get(SETTINGS_KEY)
    if old is None:
        return new_rules_json
    doc = json.loads(new_rules_json)
    doc[SETTINGS_KEY] = old
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


_HOME = "home_township_id"


def home_township(s: Session) -> Township | None:
    """This office's own township row: the one whose settings hold this database's site identity.

    A township or village database has one township row. A county database holds the rows of every township
    that reports to it (their site entries are never received: ``core.exchange.with_own_site``) and one of its
    own, which holds the county's site; a database without a site yet (in-memory, or from before sites) has
    one row. Remembered for the session (``Session.info``)."""
    known = s.info.get(_HOME)
    if isinstance(known, str):
        row = s.get(Township, known)
        if row is not None:
            return row
    rows = list(s.scalars(select(Township).order_by(Township.created_at, Township.id)))
    if not rows:
        return None
    home = next((t for t in rows if site_from_settings(t.rules_json) is not None), rows[0])
    s.info[_HOME] = home.id
    return home


def read_site(db: Database) -> SiteInfo | None:
    with db.read() as s:
        home = home_township(s)
        return None if home is None else site_from_settings(home.rules_json)


def local_key(site: SiteInfo) -> SiteKey | None:
    """This computer's key for ``site`` when the site lists it; None otherwise (logged)."""
    path = site_key_path(site.id)
    try:
        key = read_site_key(path, site.id)
    except SiteKeyDamaged:
        log.warning("site key file %s is damaged", path)
        return None
    if key is None:
        return None
    if key.public not in site.keys:
        log.warning("site key file %s holds a key the site %s does not list", path, site.id)
        return None
    return key


def signer_for(db: Database) -> SiteSigner | None:
    """The site of ``db`` with this computer's key, or None (no site yet, in-memory, or no key here)."""
    if db.memory:
        return None
    site = read_site(db)
    if site is None:
        return None
    key = local_key(site)
    return None if key is None else SiteSigner(site, key, db.label)


def new_site(*, kind: str, name: str) -> tuple[SiteInfo, SiteKey]:
    """A new site identity and its first key, with the key file written."""
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown site kind {kind!r}")
    site_id = new_uuid()
    pair = new_keypair()
    key = SiteKey(site_id, pair.private, pair.public)
    write_site_key(site_key_path(site_id), key)
    return SiteInfo(site_id, kind, name, format_time(utcnow()), (pair.public,)), key


def default_kind(village_count: int) -> str:
    return "village" if village_count == 1 else "township"


def site_name(kind: str, township_name: str, village_names: list[str]) -> str:
    if kind == "village" and len(village_names) == 1:
        return township_name + village_names[0]
    return township_name


def ensure_site(ctx: AppContext, *, kind: str | None = None) -> SiteInfo | None:
    """Give the database a site, or this computer a key for it, when an administrator is logged in.

    Returns the site (None for an in-memory database, or when it has none and the user may not create one).
    Audited as ``site.create`` or ``site.add_key`` (a change of the township settings)."""
    if ctx.db.memory:
        return None
    site = read_site(ctx.db)
    if site is not None and local_key(site) is not None:
        return site
    if not ctx.role_can(
        Perm.SETTINGS_EDIT
    ):  # a county's administrator too: the site is not a township's record
        return site
    if site is None:
        return _create_site(ctx, kind)
    return _add_local_key(ctx, site)


def _create_site(ctx: AppContext, kind: str | None) -> SiteInfo | None:
    with ctx.read() as s:
        t = home_township(s)
        if t is None:
            return None
        villages = list(
            s.scalars(select(Village.name).where(Village.active.is_(True)).order_by(Village.name))
        )
        count = int(s.scalar(select(func.count()).select_from(Village).where(Village.active.is_(True))) or 0)
        township_name = t.name
    chosen = kind or default_kind(count)
    site, key = new_site(kind=chosen, name=site_name(chosen, township_name, villages))
    with ctx.write("site.create") as s:
        t = home_township(s)
        assert t is not None
        existing = site_from_settings(t.rules_json)
        if existing is not None:  # another window was quicker
            site_key_path(site.id).unlink(missing_ok=True)
            return existing
        t.rules_json = with_site(t.rules_json, site, {})
    log.info("site %s (%s) created with key %s", site.id, site.kind, fingerprint(key.public))
    return site


def _add_local_key(ctx: AppContext, site: SiteInfo) -> SiteInfo:
    """List this computer's key among the site's keys: the key file's key when it has a sound one the site
    does not list (e.g. after restoring a backup older than the key), else a new key. The keys listed before
    keep checking the anchors they signed."""
    path = site_key_path(site.id)
    try:
        key = read_site_key(path, site.id)
    except SiteKeyDamaged:
        key = None
    if key is None:
        pair = new_keypair()
        key = SiteKey(site.id, pair.private, pair.public)
        write_site_key(path, key)
    with ctx.write("site.add_key") as s:
        t = home_township(s)
        assert t is not None
        current = site_from_settings(t.rules_json) or site
        if key.public in current.keys:
            return current
        updated = SiteInfo(
            current.id, current.kind, current.name, current.created, (*current.keys, key.public)
        )
        t.rules_json = with_site(t.rules_json, updated, {key.public: format_time(utcnow())})
    log.info("site %s: key %s listed for this computer", site.id, fingerprint(key.public))
    return updated


def initial_site_settings(
    rules_json: str, *, township_name: str, village_names: list[str], kind: str | None
) -> str:
    """Settings JSON for a new database's township with a new site (``initialise``); the key file is written."""
    chosen = kind or default_kind(len(village_names))
    site, _key = new_site(kind=chosen, name=site_name(chosen, township_name, sorted(village_names)))
    return with_site(rules_json, site, {})


def site_kind(s: Session) -> str | None:
    """The kind of this database's site (township, village, county), or None when it has none."""
    home = home_township(s)
    site = None if home is None else site_from_settings(home.rules_json)
    return None if site is None else site.kind


def enrolled_township(s: Session) -> str | None:
    """The township this database reports to, when it is a village PC enrolled with one (else None): the
    township's own acts about the village (代理记账中心 受理/退回) are then made there and arrive in its 下发数据包.
    A county's townships are peers of the same kind, but report to it: never this."""
    if site_kind(s) == "county":
        return None
    return snapshot_memo(
        s,
        "enrolled_township",
        lambda: s.scalars(
            select(ExchangeSite.name).where(
                ExchangeSite.is_self.is_(False),
                ExchangeSite.kind == "township",
                ExchangeSite.state == "enrolled",
            )
        ).first(),
    )
