"""From schema 0004 on, the fixture's township is signed as that release signs it: every user has a key
(sealed by the password; the root administrator's also by ``RECOVERY_CODE``), setup is the root act, each
account an administrator's act, and the 定稿, the 村监会 review of the voucher, the monthly review and the
disclosure review are the signers' acts (``Signing``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tests.store.schema_fixtures.signing import (
    RECOVERY_CODE,
    account_content,
    envelope,
    key_json,
    keypair,
    seal,
    sign,
    statement_bytes,
)
from tests.store.schema_fixtures.writer import Writer, record, uid

Who = tuple[str | None, str]


class Signing:
    def __init__(self, w: Writer, township: dict[str, Any]) -> None:
        self.w = w
        self.township = (township["id"], township["name"])
        self.number = 0
        self.keys: dict[str, tuple[str, bytes, bytes]] = {}  # user id → (key id, private, public)

    def new_key(self, who: Who, action: str, now: datetime, acc: dict[str, Any], password: str, *,
                root: bool = False) -> str:  # fmt: skip
        """The account's key, sealed by its password (the account row gets the verifier): write the account
        first with ``verifier``, then call ``store_key``."""
        name = acc["username"]
        private, public = keypair(name)
        verifier, blob = seal(password, private, public, name)
        acc["password_hash"] = verifier
        key_id = uid(f"key:{name}")
        self.keys[acc["id"]] = (key_id, private, public)
        self._pending = (key_id, blob, public, root, name)
        return verifier

    def store_key(self, who: Who, action: str, now: datetime, acc: dict[str, Any]) -> dict[str, Any]:
        _key_id, blob, public, root, name = self._pending
        recovery: tuple[str | None, str | None] = (None, None)
        if root:
            raw = RECOVERY_CODE.replace("-", "")
            recovery = seal(raw, self.keys[acc["id"]][1], public, f"{name}:recovery")
        row = record(f"key:{name}", now, user_id=acc["id"], public_key=public.hex(), sealed_key=blob,
                     recovery_verifier=recovery[0], recovery_sealed=recovery[1], valid_from=now, retired_at=None,
                     certified_by_key_id=None, certified_act_id=None)  # fmt: skip
        self.w.insert(who, action, now, "signing_key", row)
        return row

    def office(self, role: str, title: str, village: tuple[str, str] | None = None) -> dict[str, Any]:
        return {
            "role": role,
            "title": title,
            "village": {"id": village[0], "name": village[1]} if village else None,
            "township": {"id": self.township[0], "name": self.township[1]},
        }

    def next_id(self) -> str:
        return uid(f"act:{self.number + 1}")

    def sign(self, who: Who, action: str, now: datetime, signer: dict[str, Any], *, act: str, kind: str,
             rid: str, version: int | None, content: Any, office: dict[str, Any], decision: Any = None,
             subject_id: str | None = None) -> str:  # fmt: skip
        """Sign and write the act (after the act's own rows, as the app flushes them first); its id."""
        key_id, private, _public = self.keys[signer["id"]]
        statement = envelope(act=act, kind=kind, rid=rid, version=version, content=content, decision=decision,
                             signer=signer, office=office, key_id=key_id, at=now, log=(self.w.seq, self.w.head))  # fmt: skip
        message = statement_bytes(statement)
        self.number += 1
        village = office["village"]["id"] if office["village"] else None
        row = record(f"act:{self.number}", now, number=self.number, act=act, record_kind=kind, record_id=rid,
                     record_version=version, subject_id=subject_id, village_id=village, signer_id=signer["id"],
                     key_id=key_id, signed_at=now, statement=message.decode("utf-8"),
                     signature=sign(private, message))  # fmt: skip
        self.w.insert(who, action, now, "signed_act", row)
        return str(row["id"])

    def certify(self, who: Who, action: str, now: datetime, key: dict[str, Any], act_id: str,
                by: str | None) -> None:  # fmt: skip
        self.w.update(
            who, action, now, "signing_key", key["id"], certified_by_key_id=by, certified_act_id=act_id
        )

    def create_account(self, who: Who, now: datetime, admin: dict[str, Any], acc: dict[str, Any],
                       villages: Sequence[str], key: dict[str, Any]) -> None:  # fmt: skip
        act_id = self.sign(who, "user.create", now, admin, act="user.create", kind="user_account", rid=acc["id"],
                           version=acc["row_version"], office=self.office("township_admin", "乡镇管理员"),
                           content={"account": account_content(acc, villages),
                                    "key": {"id": key["id"], "public": key["public_key"]}})  # fmt: skip
        self.certify(who, "user.create", now, key, act_id, self.keys[admin["id"]][0])

    def root_content(self, admin: dict[str, Any], key: dict[str, Any], township: dict[str, Any],
                     villages: Sequence[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
        from tests.store.schema_fixtures.signing import township_content, village_content

        public = bytes.fromhex(key["public_key"])
        return {
            "township": township_content(township),
            "villages": [village_content(v) for v in sorted(villages, key=lambda v: v["id"])],
            "account": account_content(admin, []),
            "key": key_json(key["id"], public),
        }
