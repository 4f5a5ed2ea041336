"""This site as the exchange sees it: its id, kind, name and the Ed25519 key this computer signs packages with.

The identity is the site of ``services.kernel.site`` (kept in the township settings under ``"site"``, each
computer's private key in its owner-only site key file, never in the database or a backup): the same key signs
the site's anchors and its packages, enrolment files, answers and receipts. The exchange keeps one bookkeeping
row of its own (``exchange_site`` marked ``is_self``: which village a village site holds), refreshed from the
site whenever it is read for a write.

Every site keeps its own identity: the township row travels between sites, its ``"site"`` entry never does
(``core.exchange.with_own_site``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.anchors import format_time
from quzhou_desktop.core.signing import b64, fingerprint, new_keypair
from quzhou_desktop.paths import site_key_path
from quzhou_desktop.services.exchange.errors import ExchangeNotReady
from quzhou_desktop.services.kernel.context import township_row
from quzhou_desktop.services.kernel.site import SiteInfo, new_site, site_from_settings, with_site
from quzhou_desktop.store.models import ExchangeSite, Township, utcnow
from quzhou_desktop.store.sitekeys import SiteKey, SiteKeyDamaged, read_site_key, write_site_key


@dataclass(frozen=True)
class LocalSite:
    site_id: str
    kind: str  # township | village
    name: str
    public: bytes  # this computer's key for the site

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)


def self_row(s: Session) -> ExchangeSite | None:
    return s.scalars(select(ExchangeSite).where(ExchangeSite.is_self.is_(True))).first()


def _site(s: Session) -> SiteInfo | None:
    t = township_row(s)
    return site_from_settings(t.rules_json if t is not None else None)


def _key(site: SiteInfo) -> SiteKey | None:
    try:
        key = read_site_key(site_key_path(site.id), site.id)
    except SiteKeyDamaged:
        return None
    return key if key is not None and key.public in site.keys else None


def local_site(s: Session) -> LocalSite | None:
    """This site with this computer's key; None when the database has no site or this computer no key."""
    site = _site(s)
    if site is None:
        return None
    key = _key(site)
    return None if key is None else LocalSite(site.id, site.kind, site.name, key.public)


def ensure_local_site(s: Session, *, kind: str, name: str) -> LocalSite:
    """This site, its identity made (of ``kind``) when the database has none and this computer's key listed
    when it has none here; inside the caller's write, which records the change of the township settings."""
    township = s.scalars(select(Township)).first()
    if township is None:
        raise ExchangeNotReady(reason="这个数据库还没有完成首次设置")
    site = site_from_settings(township.rules_json)
    if site is None:
        site, key = new_site(kind=kind, name=name)
        township.rules_json = with_site(township.rules_json, site, {})
    else:
        found = _key(site)
        if found is None:
            pair = new_keypair()
            found = SiteKey(site.id, pair.private, pair.public)
            write_site_key(site_key_path(site.id), found)
            site = SiteInfo(site.id, site.kind, site.name, site.created, (*site.keys, pair.public))
            township.rules_json = with_site(township.rules_json, site, {pair.public: format_time(utcnow())})
        key = found
    me = LocalSite(site.id, site.kind, site.name, key.public)
    row = self_row(s)
    if row is None:
        row = ExchangeSite(kind=me.kind, name=me.name, is_self=True, state="enrolled", enrolled_at=utcnow())
        s.add(row)
    row.site_id, row.kind, row.name, row.public_key = me.site_id, me.kind, me.name, b64(me.public)
    s.flush()
    return me


def site_private_key(site: LocalSite) -> bytes:
    """This computer's private key for ``site``; ``ExchangeNotReady`` when the key file is missing or damaged."""
    path = site_key_path(site.site_id)
    try:
        key = read_site_key(path, site.site_id)
    except SiteKeyDamaged as exc:
        raise ExchangeNotReady(reason=f"本站点的密钥文件 {path} 已损坏，不能签署数据包") from exc
    if key is None or key.public != site.public:
        raise ExchangeNotReady(reason=f"这台电脑上没有本站点的密钥文件 {path}，不能签署数据包")
    return key.private
