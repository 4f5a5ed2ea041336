"""A peer's signed act checked against its signer's public key, as it travels in a package and as the receiver
keeps it (``store.models.peers``).

An act is a mapping with the columns of ``signed_act`` (``ACT_FIELDS``), times as canonical text; a key a
mapping with ``KEY_FIELDS``. ``act_fault`` says in Chinese what is wrong with an act, or None: the statement is
the canonical text that was signed, the signature verifies over its exact bytes with the key, the key is its
signer's and was valid when it signed, and the row says what the statement says (act, record, signer, key,
time, village). Pure: the exchange runs it on import, ``verify`` on every stored act.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from quzhou_desktop.core import signing

ACT_FIELDS = (
    "id",
    "number",
    "act",
    "record_kind",
    "record_id",
    "record_version",
    "subject_id",
    "village_id",
    "signer_id",
    "key_id",
    "signed_at",
    "statement",
    "signature",
)
KEY_FIELDS = (
    "id",
    "user_id",
    "username",
    "display_name",
    "public_key",
    "valid_from",
    "retired_at",
    "certified_by_key_id",
    "certified_act_id",
)

Verifier = Callable[[bytes, bytes], bool]


def time_text(value: Any) -> str | None:
    """A time as acts and keys carry it: ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return None if value is None else str(value)


def verifier(key: Mapping[str, Any]) -> Verifier:
    try:
        public = bytes.fromhex(str(key["public_key"]))
    except ValueError:
        return lambda _m, _s: False
    if len(public) != 32:
        return lambda _m, _s: False
    return signing.verifier_of(public)


def parse_statement(text: str) -> dict[str, Any] | None:
    """The statement as an object, or None when the text is not canonical JSON (then it is not what was
    signed)."""
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and signing.statement_bytes(doc) == text.encode("utf-8"):
            return doc
    except (TypeError, ValueError):
        pass
    return None


def _says(statement: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the statement says about the row's columns (None when it lacks the envelope)."""
    try:
        record, signer, office = statement["record"], statement["signer"], statement["office"]
        village = office.get("village") if isinstance(office, dict) else None
        return {
            "act": statement["act"],
            "record_kind": record["kind"],
            "record_id": record["id"],
            "record_version": record.get("version"),
            "signer_id": signer["user"],
            "key_id": statement["key"],
            "signed_at": statement["at"],
            "village_id": village.get("id") if isinstance(village, dict) else None,
        }
    except (KeyError, TypeError, AttributeError):
        return None


def act_fault(act: Mapping[str, Any], key: Mapping[str, Any], check: Verifier | None = None) -> str | None:
    """None when ``act`` holds; else a Chinese phrase saying what is wrong. ``check`` is ``verifier(key)``,
    made once per key when many acts are checked."""
    if act.get("key_id") != key.get("id") or act.get("signer_id") != key.get("user_id"):
        return "签名人与签名密钥的持有人不符"
    text = act.get("statement")
    statement = parse_statement(text) if isinstance(text, str) else None
    if statement is None:
        return "签署内容不是规范的签名文本：签名记录被改动"
    try:
        signature = signing.unb64(str(act.get("signature")))
    except (binascii.Error, ValueError):
        signature = b""
    assert isinstance(text, str)
    if not (check or verifier(key))(text.encode("utf-8"), signature):
        return "签名与签名人密钥不符"
    says = _says(statement)
    if says is None or any(
        (time_text(act.get(k)) if k == "signed_at" else act.get(k)) != v for k, v in says.items()
    ):
        return "签名记录的内容与其签署的文本不一致"
    at, start, end = (
        time_text(x) for x in (act.get("signed_at"), key.get("valid_from"), key.get("retired_at"))
    )
    if at is None or start is None or at < start or (end is not None and at > end):
        return "签署时间不在签名人密钥的有效期内"
    return None
