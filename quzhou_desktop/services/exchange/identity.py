"""This site: its id, kind, name and Ed25519 key.

INTERIM (for the lead engineer): until the trust work lands (site identity in the township settings and the
site key file of ``store.sitekeys``), the exchange keeps its own minimal site identity: the public half in the
``exchange_site`` row marked ``is_self``, the private half in an owner-only file ``exchange-keys/<site>.json``
in the user's data folder (never in the database or a backup). Everything else reaches the key only through
``local_site`` / ``ensure_local_site`` / ``site_private_key``, so switching to ``services.kernel.site`` is
confined to this module.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from quzhou_desktop.core.signing import fingerprint, new_keypair, public_of
from quzhou_desktop.paths import data_dir
from quzhou_desktop.services.exchange.errors import ExchangeNotReady
from quzhou_desktop.store.models import ExchangeSite, new_uuid, utcnow


@dataclass(frozen=True)
class LocalSite:
    site_id: str
    kind: str  # township | village
    name: str
    public: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def key_file(site_id: str) -> Path:
    return data_dir() / "exchange-keys" / f"{site_id}.json"


def _write_key(site_id: str, private: bytes) -> None:
    path = key_file(site_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"site": site_id, "private": b64(private), "public": b64(public_of(private))}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def self_row(s: Session) -> ExchangeSite | None:
    return s.scalars(select(ExchangeSite).where(ExchangeSite.is_self.is_(True))).first()


def local_site(s: Session) -> LocalSite | None:
    row = self_row(s)
    if row is None or row.site_id is None or row.public_key is None:
        return None
    return LocalSite(row.site_id, row.kind, row.name, unb64(row.public_key))


def ensure_local_site(s: Session, *, kind: str, name: str) -> LocalSite:
    """This site, made (identity and key) when there is none yet; inside the caller's write."""
    site = local_site(s)
    if site is not None:
        return site
    pair = new_keypair()
    sid = new_uuid()
    s.add(
        ExchangeSite(
            id=sid,
            site_id=sid,
            kind=kind,
            name=name,
            is_self=True,
            state="enrolled",
            public_key=b64(pair.public),
            enrolled_at=utcnow(),
        )
    )
    s.flush()
    _write_key(sid, pair.private)
    return LocalSite(sid, kind, name, pair.public)


def site_private_key(site: LocalSite) -> bytes:
    """This computer's private key for ``site``; ``ExchangeNotReady`` when the key file is missing or damaged."""
    path = key_file(site.site_id)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        private = unb64(doc["private"])
        if doc["site"] != site.site_id or public_of(private) != site.public:
            raise ValueError("mismatch")
    except FileNotFoundError as exc:
        raise ExchangeNotReady(reason=f"这台电脑上没有本站点的密钥文件 {path}，不能签署数据包") from exc
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ExchangeNotReady(reason=f"本站点的密钥文件 {path} 已损坏，不能签署数据包") from exc
    return private
