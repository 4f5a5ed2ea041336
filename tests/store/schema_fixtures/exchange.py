"""Schema 0006: the township trades packages with its first village. Its own site, the village as an enrolled
peer (a fixed Ed25519 key), one accepted package, a receipt the village signed for the township's chain, a
package waiting for its predecessor, a settled conflict and a settled fork alarm, and the import's audit entry.

Frozen like the rest of this package: the receipt's manifest and signature are written with ``cryptography``
directly, as the exchange wrote them when 0006 was made."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.store.schema_fixtures.writer import GENESIS, Writer, uid


def _key(name: str) -> tuple[Ed25519PrivateKey, str]:
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, base64.b64encode(public).decode("ascii")


def write_exchange(
    w: Writer, admin: tuple[str | None, str], at: Callable[..., datetime], v1: str, v1_name: str
) -> None:
    now = at(30)
    _own, own_public = _key("fixture-township-site")
    village_key, village_public = _key("fixture-village-site")
    me, peer = uid("site:township"), uid("site:village0")
    fake = [hashlib.sha256(f"village-entry-{i}".encode()).hexdigest() for i in range(1, 4)]
    w._insert("exchange_site", {
        "id": me, "site_id": me, "kind": "township", "name": "石梁镇", "village_id": None,
        "public_key": own_public, "is_self": True, "state": "enrolled", "enrolled_at": now, "accepted_seq": 0,
        "accepted_hash": GENESIS, "receipt_seq": 0, "receipt_hash": GENESIS, "last_package_at": None,
        "last_package_entries": 0, "last_receipt_at": None,
    })  # fmt: skip
    acknowledged_seq, acknowledged_hash = w.seq, w.head  # the township's chain as the village received it
    w._insert("exchange_site", {
        "id": peer, "site_id": peer, "kind": "village", "name": v1_name, "village_id": v1,
        "public_key": village_public, "is_self": False, "state": "enrolled", "enrolled_at": now, "accepted_seq": 3,
        "accepted_hash": fake[2], "receipt_seq": acknowledged_seq, "receipt_hash": acknowledged_hash,
        "last_package_at": now, "last_package_entries": 3, "last_receipt_at": now,
    })  # fmt: skip
    w._insert("exchange_accepted", {
        "id": 1, "peer_id": peer, "package_sha256": hashlib.sha256(b"package-1").hexdigest(), "after_seq": 0,
        "after_hash": GENESIS, "last_seq": 3, "last_hash": fake[2],
        "seqs": b"".join(i.to_bytes(4, "little") for i in (1, 2, 3)),
        "hashes": b"".join(bytes.fromhex(h) for h in fake), "entries": 3, "imported_at": now, "superseded": False,
    })  # fmt: skip
    manifest = json.dumps(
        {
            "format": "quzhou-exchange", "version": 1, "kind": "receipt",
            "from": {"site": peer, "kind": "village", "name": v1_name},
            "to": {"site": me, "kind": "township", "name": "石梁镇"},
            "package": {"sha256": hashlib.sha256(b"dispatch-1").hexdigest(), "file": "下发.zip", "kind": "dispatch"},
            "status": "applied", "accepted": {"seq": acknowledged_seq, "hash": acknowledged_hash},
            "created_at": "2026-11-07 01:00:00.000000", "members": {},
        },
        ensure_ascii=False, indent=1, sort_keys=True,
    )  # fmt: skip
    signature = base64.b64encode(village_key.sign(manifest.encode("utf-8"))).decode("ascii")
    w._insert("exchange_receipt", {
        "id": 1, "peer_id": peer, "package_sha256": hashlib.sha256(b"dispatch-1").hexdigest(), "status": "applied",
        "seq": acknowledged_seq, "hash": acknowledged_hash, "manifest": manifest, "signature": signature,
        "received_at": now,
    })  # fmt: skip
    waiting = io.BytesIO()
    with zipfile.ZipFile(waiting, "w") as zf:
        zf.writestr(zipfile.ZipInfo("manifest.json", date_time=(2026, 11, 7, 9, 0, 0)), "{}")
    w._insert("exchange_pending", {
        "id": 1, "peer_id": peer, "package_sha256": hashlib.sha256(waiting.getvalue()).hexdigest(),
        "filename": f"{v1_name}-3.上报.zip", "after_seq": 5, "last_seq": 9, "data": waiting.getvalue(),
        "received_at": now,
    })  # fmt: skip
    w._insert("exchange_conflict", {
        "id": 1, "peer_id": peer, "entity": "township", "entity_id": uid("township"),
        "ours_json": json.dumps({"name": "石梁镇"}, ensure_ascii=False),
        "theirs_json": json.dumps({"name": "石室乡"}, ensure_ascii=False),
        "package_sha256": hashlib.sha256(b"package-1").hexdigest(), "seq": 2, "detected_at": now, "state": "ours",
        "decided_by": admin[1], "decided_at": now, "reason": "乡镇名称以乡镇为准",
    })  # fmt: skip
    w._insert("exchange_fork", {
        "id": 1, "peer_id": peer, "side": "theirs", "accepted_seq": 3, "accepted_hash": fake[2], "their_seq": 2,
        "their_hash": hashlib.sha256(b"other").hexdigest(), "common_seq": 1, "common_hash": fake[0],
        "package_sha256": hashlib.sha256(b"package-0").hexdigest(), "detected_at": now, "state": "settled",
        "decision": "ours", "decided_by": admin[1], "decided_at": now, "reason": "以乡镇已接收的为准",
    })  # fmt: skip
    w.entry(admin, "exchange.import", "exchange_site", peer, None,
            json.dumps({"file": f"{v1_name}-1.上报.zip", "last_seq": 3}, ensure_ascii=False, sort_keys=True,
                       separators=(",", ":")), now)  # fmt: skip
