"""Frozen copies of the formats the app wrote when the fixtures were made: what SQLite stores for a value, the
audit chain's canonical JSON and entry hash, the password hash, the ID-number check digit, the voucher event and
disclosure review signatures, the monthly review signature, the notice code, and a tiny scan image.

None of this imports the app: if the live formats change, old databases keep what was written then.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import zlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any


def stored(value: Any) -> Any:
    """What SQLite holds for a value (SQLAlchemy's storage of Boolean, Date and DateTime)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_value(value: Any) -> Any:
    """A value as the audit log records it."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def canonical(state: dict[str, Any] | None) -> str | None:
    if state is None:
        return None
    norm = {k: canonical_value(v) for k, v in state.items()}
    return json.dumps(norm, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(fields: Sequence[Any]) -> str:
    payload = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def password_hash(password: str, salt: bytes) -> str:
    n, r, p = 2**14, 8, 1
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 1024 * 1024)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(dk).decode()}"


def id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _digest(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


VOUCHER_CONTENT = (
    "id", "village_id", "year", "number", "version", "supersedes_id", "voucher_date", "handler_name",
    "handler_person_id", "witness_name", "payee", "payee_person_id", "purpose", "amount_fen", "funding_source",
    "budget_line", "invoice_count", "decision_ref", "decision_step_id", "resolution_ref", "resolution_step_id",
    "note", "prepared_by",
)  # fmt: skip


def voucher_content_hash(v: dict[str, Any], scans: Sequence[str]) -> str:
    payload = {f: _iso(v[f]) for f in VOUCHER_CONTENT}
    payload["scans"] = sorted(scans)
    return _digest(payload)


def event_signature(content: str, e: dict[str, Any], previous: str | None) -> str:
    keys = ("id", "voucher_id", "kind", "opinion", "text", "user_id", "person_id", "actor_name", "actor_role")
    payload = {"content": content, "previous": previous or "", **{k: e[k] for k in keys}, "at": _iso(e["at"])}
    return _digest(payload)


def disclosure_review_signature(d: dict[str, Any]) -> str:
    data = [
        d["village_id"], d["category"], d["item_id"], d["kind"], str(d["period_start"]), str(d["period_end"]),
        d["title"], d["body"] or "", d["table_json"] or "", d["total_income_fen"], d["total_expense_fen"],
    ]  # fmt: skip
    content = hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()
    payload = f"{content}|{d['reviewed_by_user']}|{d['reviewed_at'].isoformat()}|{d['review_opinion']}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def monthly_review_signature(r: dict[str, Any], vouchers: Iterable[dict[str, Any]]) -> str:
    payload = {
        "id": r["id"], "village_id": r["village_id"], "year": r["year"], "month": r["month"],
        "meeting_date": _iso(r["meeting_date"]), "place": r["place"],
        "attendees": json.loads(r["attendee_ids_json"]), "items": json.loads(r["item_opinions_json"]),
        "overall": r["overall_opinion"], "open": r["open_items"], "signed_by": r["signed_by"],
        "signed_at": _iso(r["signed_at"]),
        "vouchers": [[v["id"], v["version"], v["status"], v["amount_fen"]] for v in vouchers],
    }  # fmt: skip
    return _digest(payload)


def notice_code(kind: str, record_id: str, content_hash: str, audit_hash: str) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    message = "\x1f".join(["v1", kind, record_id, content_hash, audit_hash]).encode("utf-8")
    value = (
        int.from_bytes(hmac.new(b"quzhou-desktop/notice-code/v1", message, "sha256").digest()[:8], "big") >> 4
    )
    raw = "".join(alphabet[(value >> (5 * (11 - i))) & 31] for i in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def tiny_png() -> bytes:
    """An 8×8 grey PNG (a stand-in for a scanned receipt)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\x00" + bytes(range(96, 224, 16)) for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )
