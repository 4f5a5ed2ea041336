"""Reading signed acts back: parse a statement, check its signature against the key it names, and compare what
it says with the record as it is now.

``check_act`` is the quick check a screen runs on one record (a voucher's events, a disclosure's review); the
whole database — keys traced to the root, validity periods, accounts, every act kind — is checked by
``services.integrity``.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.store.models import SignedAct, SigningKey


def parse_statement(act: SignedAct) -> dict[str, Any] | None:
    """The statement as an object, or None when the stored text is not canonical JSON (then it is not what
    was signed)."""
    try:
        statement = json.loads(act.statement)
    except ValueError:
        return None
    if not isinstance(statement, dict):
        return None
    try:
        if signing.statement_bytes(statement) != act.statement.encode("utf-8"):
            return None
    except (TypeError, ValueError):
        return None
    return statement


def signature_bytes(act: SignedAct) -> bytes | None:
    try:
        return base64.b64decode(act.signature, validate=True)
    except (binascii.Error, ValueError):
        return None


def signature_holds(act: SignedAct, public: bytes) -> bool:
    sig = signature_bytes(act)
    return sig is not None and signing.verify(public, act.statement.encode("utf-8"), sig)


def check_act(
    s: Session, act_id: str, *, content: Any = None, decision: Any = None, compare_decision: bool = True
) -> str | None:
    """None when the act exists, its signature holds for the key it names, and its statement's content (and
    decision) equal ``content`` (and ``decision``); else a Chinese sentence saying what is wrong."""
    act = s.get(SignedAct, act_id)
    if act is None:
        return "签名记录缺失"
    key = s.get(SigningKey, act.key_id)
    statement = parse_statement(act)
    if key is None or statement is None or not signature_holds(act, bytes.fromhex(key.public_key)):
        return "电子签名无效（签名与签署内容或密钥不符）"
    if content is not None and statement.get("content") != content:
        return "签名后内容被改动（与签署时的内容不符）"
    if compare_decision and decision is not None and statement.get("decision") != decision:
        return "签名记录的意见与签署时不符"
    return None
