"""Anchors: a site's signed statement that its audit chain had ``head`` at ``seq`` at a time.

An anchor is kept outside the database file (the site's anchor journal in the user's data folder, inside every
backup, on a USB stick, at the township), so that someone who rewrites the chain inside the file — and
recomputes every hash after the change — still contradicts an anchor taken before. It is signed with the
site's Ed25519 key (``core.signing``) over a canonical statement, so a forged or edited anchor is named as such.

One anchor is one line of JSON (``to_line`` / ``parse_line``)::

    {"at":"2026-11-24T02:00:00.000000Z","db":"/home/…/quzhou.sqlite3","head":"<64 hex>","key":"<base64>",
     "seq":1234,"sig":"<base64>","site":"<uuid>","type":"quzhou.anchor","v":1,"why":"backup"}

``key`` is the public key that signed it (so an anchor of a retired or unknown key is recognised), ``why`` the
occasion (backup, daily, print, login, close, restore) and ``db`` the database path it was taken from
(informative: a copy of the database opened elsewhere on the same computer shares the site's journal).
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from quzhou_desktop.core.signing import b64, sign, statement_bytes, unb64, verify

__all__ = [
    "ANCHOR_TYPE",
    "Anchor",
    "AnchorFormatError",
    "anchor_statement",
    "format_time",
    "make_anchor",
    "parse_line",
    "parse_time",
    "signature_ok",
    "to_line",
]

ANCHOR_TYPE = "quzhou.anchor"
VERSION = 1
WHY = ("backup", "daily", "print", "login", "close", "restore", "manual")
_HEAD = re.compile(r"^[0-9a-f]{64}$")
_SITE = re.compile(r"^[0-9A-Za-z-]{1,64}$")


class AnchorFormatError(ValueError):
    """A line that is not an anchor (the message is Chinese: it is shown by ``verify``)."""


@dataclass(frozen=True)
class Anchor:
    site: str
    seq: int
    head: str  # the chain's hash at ``seq`` (64 hex; the genesis value for seq 0)
    at: str  # UTC, ``format_time``
    why: str
    key: str  # base64 of the signing site key's public half
    sig: str  # base64 Ed25519 signature over ``anchor_statement``
    db: str = ""

    @property
    def public_key(self) -> bytes:
        try:
            return unb64(self.key)
        except (binascii.Error, ValueError):
            return b""

    @property
    def time(self) -> datetime:
        """Naive UTC, as the database stores times."""
        return parse_time(self.at)


def format_time(when: datetime) -> str:
    """UTC ISO text with microseconds and a Z; ``when`` is naive UTC or aware."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> datetime:
    if not text.endswith("Z"):
        raise AnchorFormatError(f"时间“{text}”不是协调世界时")
    try:
        return datetime.fromisoformat(text[:-1])
    except ValueError as exc:
        raise AnchorFormatError(f"时间“{text}”无法识别") from exc


def anchor_statement(site: str, seq: int, head: str, at: str, why: str, key: str, db: str) -> dict[str, Any]:
    """What the site signs (everything but the signature)."""
    return {
        "type": ANCHOR_TYPE,
        "v": VERSION,
        "site": site,
        "seq": seq,
        "head": head,
        "at": at,
        "why": why,
        "key": key,
        "db": db,
    }


def make_anchor(
    private: bytes, public: bytes, *, site: str, seq: int, head: str, at: datetime, why: str, db: str = ""
) -> Anchor:
    key = b64(public)
    when = format_time(at)
    statement = anchor_statement(site, seq, head, when, why, key, db)
    sig = b64(sign(private, statement_bytes(statement)))
    return Anchor(site, seq, head, when, why, key, sig, db)


def signature_ok(anchor: Anchor, public: bytes) -> bool:
    """True when ``anchor`` was signed by ``public`` and names it as its key."""
    if anchor.public_key != public:
        return False
    try:
        sig = unb64(anchor.sig)
    except (binascii.Error, ValueError):
        return False
    statement = anchor_statement(
        anchor.site, anchor.seq, anchor.head, anchor.at, anchor.why, anchor.key, anchor.db
    )
    return verify(public, statement_bytes(statement), sig)


def to_line(anchor: Anchor) -> str:
    doc = anchor_statement(anchor.site, anchor.seq, anchor.head, anchor.at, anchor.why, anchor.key, anchor.db)
    doc["sig"] = anchor.sig
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_line(line: str) -> Anchor:
    """The anchor a journal line holds; ``AnchorFormatError`` (Chinese) when it holds none."""
    try:
        doc = json.loads(line)
    except ValueError as exc:
        raise AnchorFormatError("不是有效的 JSON") from exc
    if not isinstance(doc, dict) or doc.get("type") != ANCHOR_TYPE:
        raise AnchorFormatError("不是锚点记录")
    if doc.get("v") != VERSION:
        raise AnchorFormatError(f"锚点版本“{doc.get('v')}”不受支持")
    site, seq, head = doc.get("site"), doc.get("seq"), doc.get("head")
    if not isinstance(site, str) or not _SITE.match(site):
        raise AnchorFormatError("站点编号无效")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise AnchorFormatError("审计序号无效")
    if not isinstance(head, str) or not _HEAD.match(head):
        raise AnchorFormatError("审计校验值无效")
    texts = {name: doc.get(name) for name in ("at", "why", "key", "sig", "db")}
    if not all(isinstance(v, str) for v in texts.values()):
        raise AnchorFormatError("缺少时间、签名或密钥")
    parse_time(str(texts["at"]))
    return Anchor(
        site, seq, head, str(texts["at"]), str(texts["why"]), str(texts["key"]), str(texts["sig"]),
        str(texts["db"]),
    )  # fmt: skip
