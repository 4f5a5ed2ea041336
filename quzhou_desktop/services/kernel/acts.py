"""Acts: what a user did that must stay on the record, and the record of it read back.

Every act is an entry of the audit chain (who, when, what). An act that carries responsibility is also signed:
a statement of what was decided, signed with the user's key (``services.kernel.signatures.sign_act``) and kept
in ``signed_act``. This module holds the two ends of that record that are not tied to one domain:

- ``record_act`` writes an act that changes no record of its own — a backup, a restore, an export of full ID
  numbers, the deletion of a safety copy — as one audit entry, and signs it when the caller holds the user's
  ``Signer`` (a restore is an administrator's act and is signed). Its ``entity`` names the kind of act
  (``backup``, ``database``, ``export``, ``safety_copy`` — never a table's name, so ``verify`` does not look for
  a row behind it), its ``entity_id`` is a new id, its after-state holds the details: file names, counts, chain
  hashes, nothing secret.
- ``check_act`` and its parts read a signed act back: parse the statement, check the signature against the key
  it names, compare what it says with the record as it is now. A screen runs ``check_act`` on one record (a
  voucher's events, a disclosure's review); the whole database — keys traced to the root, validity periods,
  accounts, every act kind — is checked by ``services.integrity``.
"""

from __future__ import annotations

import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.services.kernel.signatures import Office, Signer, sign_act
from quzhou_desktop.services.kernel.statements import the_township
from quzhou_desktop.store.audit.chain import Actor, Change, append_entries, chain_head
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.models import SignedAct, SigningKey, new_uuid

__all__ = ["ActSignature", "check_act", "parse_statement", "record_act", "signature_bytes", "signature_holds"]


@dataclass(frozen=True)
class ActSignature:
    """How an act that ``record_act`` writes is signed: the signer, the act's name (``ACT_LABELS``), the
    office it was done in and when (the app's clock). The statement's record is the township; its content is
    the act's details."""

    signer: Signer
    act: str
    office: Office
    at: datetime


def record_act(
    db: Database,
    actor: Actor,
    action: str,
    entity: str,
    details: dict[str, Any],
    *,
    signature: ActSignature | None = None,
) -> tuple[str, int]:
    """Append the act to the chain in its own transaction (signed in the same one when ``signature`` is given);
    returns (act id, the seq of its audit entry)."""
    act_id = new_uuid()
    with db.write(actor, action) as s:
        conn = s.connection()
        append_entries(conn, actor, [Change(action, entity, act_id, None, details)])
        seq, _head = chain_head(conn)
        if signature is not None:
            s.info["action"] = (
                None  # the signature's row is audited as signed_act.create, not as the act again
            )
            township = the_township(s)
            sign_act(
                s,
                signature.signer,
                act=signature.act,
                record_kind="township",
                record_id=township.id if township is not None else act_id,
                content={"act": action, "id": act_id, "seq": seq, **details},
                office=signature.office,
                at=signature.at,
                subject_id=act_id,
            )
    return act_id, seq


# -- reading a signed act back --------------------------------------------------------------------------------


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
        return signing.unb64(act.signature)
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
