"""The site's private key file: one owner-only file per site in the user's data folder (``paths.site_key_path``).

The file holds the site id and both halves of the site's Ed25519 key as base64 JSON. It is created with mode
0600 inside a 0700 folder where the OS allows (on Windows the user profile's own permissions apply). It is
never copied into a backup: a backup found on a lost USB stick must not let its finder sign anchors.
"""

from __future__ import annotations

import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.core.signing import b64, public_of, unb64
from quzhou_desktop.paths import ensure_private_dir


class SiteKeyDamaged(QuzhouError):
    code = "site_key.damaged"
    template = "站点密钥文件已损坏或不属于这个站点：{path}"


@dataclass(frozen=True)
class SiteKey:
    site_id: str
    private: bytes
    public: bytes


def write_site_key(path: Path, key: SiteKey) -> None:
    """Create the key file (owner-only); an existing file is replaced only through a temporary file."""
    ensure_private_dir(path.parent)
    doc = {
        "site": key.site_id,
        "public": b64(key.public),
        "private": b64(key.private),
    }
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    if os.name == "posix":
        tmp.chmod(0o600)
    tmp.replace(path)


def read_site_key(path: Path, site_id: str) -> SiteKey | None:
    """The key in ``path`` (None when there is no file). ``SiteKeyDamaged`` when it is unreadable, names another
    site, or its halves do not belong together."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SiteKeyDamaged(path=str(path)) from exc
    try:
        doc = json.loads(text)
        private = unb64(doc["private"])
        public = unb64(doc["public"])
        if doc["site"] != site_id or len(private) != 32 or public_of(private) != public:
            raise ValueError("mismatch")
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise SiteKeyDamaged(path=str(path)) from exc
    return SiteKey(site_id, private, public)
