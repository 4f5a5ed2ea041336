"""Schema 0007: what the township received of its first village's signatures: the public key of the village's
村监会主任 (a fixed Ed25519 key) and one 村监会审核 act it signed, kept as ``peer_key`` and ``peer_act`` with
their audit entries, the act's statement canonical and its signature valid (``verify`` checks it again).

Frozen like the rest of this package: the statement and signature are written with ``json`` and
``cryptography`` directly, as the exchange wrote them when 0007 was made."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.store.schema_fixtures.writer import Writer, record, uid


def _time(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="microseconds")


def write_peer_signatures(
    w: Writer, admin: tuple[str | None, str], at: Callable[..., datetime], v1: str, v1_name: str
) -> None:
    site = uid("site:village0")
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"fixture-village-chair").digest())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    valid_from, signed_at, now = at(20), at(25), at(31)
    key = record("peer_key:chair", now, site_id=site, user_id=uid("village0:user:chair"), username="jianweihui",
                 display_name="村监会主任", public_key=public, valid_from=valid_from, retired_at=None,
                 certified_by_key_id=uid("village0:key:admin"), certified_act_id=uid("village0:act:user"))  # fmt: skip
    w.insert(admin, "exchange.apply", now, "peer_key", key)
    voucher, event = uid("village0:voucher"), uid("village0:event")
    statement = {
        "v": 1, "act": "voucher.review", "record": {"kind": "voucher", "id": voucher, "version": 1},
        "content": {"number": "V001", "amount_fen": 150000}, "decision": {"opinion": "agree", "comment": ""},
        "signer": {"user": key["user_id"], "username": "jianweihui", "name": "村监会主任"},
        "office": {"role": "supervisor_chair", "title": "村监会主任", "village": {"id": v1, "name": v1_name},
                   "township": {"id": uid("township"), "name": "石梁镇"}},
        "key": key["id"], "at": _time(signed_at), "log": {"seq": 12, "head": hashlib.sha256(b"v12").hexdigest()},
    }  # fmt: skip
    text = json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    signature = base64.b64encode(private.sign(text.encode("utf-8"))).decode("ascii")
    w.insert(admin, "exchange.apply", now, "peer_act", record(
        "peer_act:review", now, site_id=site, number=3, act="voucher.review", record_kind="voucher",
        record_id=voucher, record_version=1, subject_id=event, village_id=v1, signer_id=key["user_id"],
        key_id=key["id"], signed_at=signed_at, statement=text, signature=signature,
    ))  # fmt: skip
