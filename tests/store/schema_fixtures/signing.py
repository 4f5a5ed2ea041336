"""Frozen copies of the signing formats of schema 0004 (``core.signing`` and the statement builders of the
services, as they were when the 0004 fixture was made): keys from fixed seeds, password verifiers and sealed
keys with fixed salts and nonces (so every build writes the same bytes), canonical statements, Ed25519
signatures, and the secret columns' digest in audited states.

Like the rest of the generator this imports nothing from the app; it uses the ``cryptography`` package, as the
app does. ``verify`` of the 0004 fixture (tests/gui/shell/test_old_databases.py) proves these copies equal the
live formats.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# The recovery code of the fixture's root administrator (what its 管理员恢复单 would show).
RECOVERY_CODE = "FXQ2-7KMD-3NPR-8WTH-5YBC-9GJL"
SECRETS = {
    "user_account": ("password_hash",),
    "signing_key": ("sealed_key", "recovery_verifier", "recovery_sealed"),
}
M, T, P = 19_456, 2, 1


def secret_digest(value: Any) -> Any:
    if value is None:
        return None
    return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def keypair(name: str) -> tuple[bytes, bytes]:
    """(private, public) raw Ed25519 halves from a fixed seed."""
    private = hashlib.sha256(f"fixture-key:{name}".encode()).digest()
    public = (
        Ed25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    return private, public


def seal(secret: str, private: bytes, public: bytes, name: str) -> tuple[str, str]:
    """(verifier, sealed blob) as ``core.signing.seal`` writes them, salt and nonce fixed by ``name``."""
    salt = hashlib.sha256(f"fixture-salt:{name}".encode()).digest()[:16]
    nonce = hashlib.sha256(f"fixture-nonce:{name}".encode()).digest()[:12]
    out = Argon2id(salt=salt, length=64, iterations=T, lanes=P, memory_cost=M).derive(secret.encode("utf-8"))
    check, key = out[:32], out[32:]
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    ct = AESGCM(key).encrypt(nonce, private, public)
    return f"argon2id$m={M},t={T},p={P}${b64(salt)}${b64(check)}", f"aesgcm${b64(nonce)}${b64(ct)}"


def statement_bytes(statement: dict[str, Any]) -> bytes:
    return json.dumps(
        statement, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode()


def sign(private: bytes, message: bytes) -> str:
    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(private).sign(message)).decode("ascii")


def fingerprint(public: bytes) -> str:
    number = int.from_bytes(hashlib.sha256(b"quzhou-key\x00" + public).digest()[:13], "big") % 10**30
    digits = f"{number:030d}"
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


# -- statements --------------------------------------------------------------------------------------------


def envelope(*, act: str, kind: str, rid: str, version: int | None, content: Any, decision: Any,
             signer: dict[str, Any], office: dict[str, Any], key_id: str, at: datetime, log: tuple[int, str]
             ) -> dict[str, Any]:  # fmt: skip
    return {
        "v": 1, "act": act, "record": {"kind": kind, "id": rid, "version": version},
        "content": jsonable(content), "decision": jsonable(decision),
        "signer": {"user": signer["id"], "username": signer["username"], "name": signer["display_name"]},
        "office": office, "key": key_id, "at": jsonable(at), "log": {"seq": log[0], "head": log[1]},
    }  # fmt: skip


def office(
    role: str, title: str, village: tuple[str, str] | None, township: tuple[str, str]
) -> dict[str, Any]:
    return {
        "role": role,
        "title": title,
        "village": {"id": village[0], "name": village[1]} if village else None,
        "township": {"id": township[0], "name": township[1]},
    }


def account_content(acc: dict[str, Any], villages: Sequence[str]) -> dict[str, Any]:
    return {
        "id": acc["id"], "username": acc["username"], "display_name": acc["display_name"], "role": acc["role"],
        "person_id": acc["person_id"], "active": bool(acc["active"]), "villages": sorted(villages),
    }  # fmt: skip


def village_content(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": v["id"], "name": v["name"], "code": v["code"], "households": v["households"], "adults": v["adults"],
        "finance_busy": bool(v["finance_busy"]), "active": bool(v["active"]),
    }  # fmt: skip


def township_content(t: dict[str, Any]) -> dict[str, Any]:
    return {"id": t["id"], "name": t["name"], "code": t["code"], "rules": json.loads(t["rules_json"] or "{}")}


def key_json(key_id: str, public: bytes) -> dict[str, str]:
    return {"id": key_id, "public": public.hex(), "fingerprint": fingerprint(public)}


VOUCHER_CONTENT = (
    "id", "village_id", "year", "number", "version", "supersedes_id", "voucher_date", "handler_name",
    "handler_person_id", "witness_name", "payee", "payee_person_id", "purpose", "amount_fen", "funding_source",
    "budget_line", "invoice_count", "decision_ref", "decision_step_id", "resolution_ref", "resolution_step_id",
    "note", "prepared_by",
)  # fmt: skip


def voucher_content(v: dict[str, Any], scans: Iterable[str]) -> dict[str, Any]:
    out = {f: jsonable(v[f]) for f in VOUCHER_CONTENT}
    out["scans"] = sorted(scans)
    return out


def event_decision(e: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "opinion", "text", "user_id", "person_id", "actor_name", "actor_role", "at")
    out = {k: jsonable(e[k]) for k in keys}
    out["event"] = out.pop("id")
    return out


def month_content(r: dict[str, Any]) -> dict[str, Any]:
    return jsonable({
        "id": r["id"], "village_id": r["village_id"], "year": r["year"], "month": r["month"],
        "meeting_date": r["meeting_date"], "place": r["place"], "attendees": json.loads(r["attendee_ids_json"]),
        "item_opinions": json.loads(r["item_opinions_json"]), "overall_opinion": r["overall_opinion"],
        "open_items": r["open_items"], "voucher_count": r["voucher_count"], "total_fen": r["total_fen"],
        "signed_by": r["signed_by"], "signed_at": r["signed_at"],
    })  # fmt: skip


def disclosure_content(d: dict[str, Any]) -> dict[str, Any]:
    return jsonable({
        "id": d["id"], "village_id": d["village_id"], "category": d["category"], "item_id": d["item_id"],
        "kind": d["kind"], "period_start": d["period_start"], "period_end": d["period_end"], "title": d["title"],
        "body": d["body"], "table": json.loads(d["table_json"]) if d["table_json"] else None,
        "total_income_fen": d["total_income_fen"], "total_expense_fen": d["total_expense_fen"],
        "matter_id": d["matter_id"], "step_id": d["step_id"], "supersedes_id": d["supersedes_id"],
    })  # fmt: skip


def review_decision(d: dict[str, Any]) -> dict[str, Any]:
    return jsonable({
        "reviewed_by_person_id": d["reviewed_by_person_id"], "reviewed_by_user": d["reviewed_by_user"],
        "reviewed_at": d["reviewed_at"], "opinion": d["review_opinion"],
    })  # fmt: skip


STEP_FIELDS = (
    "id", "matter_id", "seq", "step_type", "body", "meeting_date", "place", "notice_date", "urgent",
    "chair_person_id", "recorder_person_id", "roster_count", "entitled_count", "present_count",
    "households_count", "household_reps_present", "votes_for", "votes_against", "votes_abstain", "vote_method",
    "township_attendees", "plan_text", "minutes", "decision_text", "posting_from", "posting_to",
    "posting_place", "valid", "passed", "outcome_text", "finalized_at", "finalized_by",
)  # fmt: skip


def step_content(
    m: dict[str, Any], step: dict[str, Any], attendance: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    rows = sorted(attendance, key=lambda a: a["person_id"])
    return jsonable({
        "matter": {"id": m["id"], "village_id": m["village_id"], "title": m["title"], "category": m["category"],
                   "amount_fen": m["amount_fen"], "run_no": m["run_no"]},
        "step": {f: step[f] for f in STEP_FIELDS},
        "attendance": [[a["person_id"], a["status"], a["reason"], a["party_status"]] for a in rows],
    })  # fmt: skip


def evaluation_content(ev: dict[str, Any], entries: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What the 民主评议's 定稿 vouches for (the app's ``evaluations.statements``): the meeting and every active
    entry's votes, verdict and what followed."""
    fields = ("id", "village_id", "year", "held_on", "body", "chair_person_id", "place", "participants", "note",
              "state", "finalized_at", "finalized_by")  # fmt: skip
    rows = sorted((e for e in entries if e["active"]), key=lambda e: e["seq"])
    return jsonable({
        **{f: ev[f] for f in fields},
        "entries": [{"seq": e["seq"], "person_id": e["person_id"], "office": e["office"], "role_text": e["role_text"],
                     "satisfied": e["satisfied"], "basically_satisfied": e["basically_satisfied"],
                     "dissatisfied": e["dissatisfied"], "verdict": e["verdict"], "office_ended": bool(e["office_ended"]),
                     "consequence": e["consequence"]} for e in rows],
    })  # fmt: skip
