"""Signed acts: the statement every responsible act signs, and the signing itself (``core.signing``, Ed25519).

A **statement** is a JSON object, written canonically (``core.signing.statement_bytes``) and stored with its
signature in ``signed_act``. Every statement has the same envelope::

    {"v": 1,
     "act": "voucher.review",                          # what was done (ACT_LABELS)
     "record": {"kind": "voucher", "id": "…", "version": 2},
     "content": {…},                                   # what a reader relies on, rebuilt by the record's builder
     "decision": {…},                                  # what this act decided (an opinion, a lock, a new key …)
     "signer": {"user": "…", "username": "…", "name": "…"},
     "office": {"role": "supervisor_chair", "title": "村监会主任",
                "village": {"id": "…", "name": "…"} | null, "township": {"id": "…", "name": "…"}},
     "key": "<signing key id>",
     "at": "2026-11-24 02:00:00.000000",               # UTC
     "log": {"seq": 1234, "head": "<hash of audit entry 1234>"}}

``content`` comes from one builder per record kind (``services.kernel.statements`` for accounts, villages and
the township; ``services.vouchers.statements``, ``services.disclosures.statements``,
``services.matters.statements`` for the rest), the same builder ``verify`` runs on the database to find a
record changed after it was signed. ``log`` is the audit chain's head when the act was signed: every later
``verify`` checks that entry still carries that hash, so the log up to there cannot be rewritten without
breaking a signature.

Signing needs the private key, which only the user's password unseals (``services.kernel.keys``): whoever
signs holds a ``Signer`` for the moment of the act (or a ``SignatureGrant`` for a batch).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quzhou_desktop.core import signing
from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.services.kernel.context import CurrentUser
from quzhou_desktop.services.kernel.roles import ROLE_LABELS
from quzhou_desktop.services.kernel.statements import jsonable, the_township
from quzhou_desktop.store.audit.chain import chain_head
from quzhou_desktop.store.models import SignedAct, Village, new_uuid

STATEMENT_VERSION = 1

ACT_LABELS: dict[str, str] = {
    "trust.root": "建立信任根（首次设置）",
    "trust.adopt": "建立信任根（升级后接收已有账号）",
    "trust.recover": "用恢复码找回管理员密码",
    "trust.recovery_code": "重新生成管理员恢复码",
    "key.enroll": "升级后首次登录生成签名密钥",
    "user.create": "新建用户",
    "user.update": "修改用户角色或所属村",
    "user.reset": "重置密码（换发签名密钥）",
    "settings.rules": "修改乡镇规则设置",
    "village.create": "新增村",
    "village.update": "修改村信息",
    "village.active": "停用或恢复村",
    "voucher.review": "村监会审核凭证",
    "voucher.sign_director": "主任（社长）签字",
    "voucher.sign_secretary": "书记签字",
    "voucher.sign_both": "主任（社长）和书记签字（一肩挑，一次签字记为两个职务）",
    "voucher.accept": "代理记账中心受理",
    "voucher.return": "代理记账中心退回",
    "month.sign": "签署村监会月度例会记录",
    "month.lock": "锁定月份",
    "month.unlock": "解锁月份",
    "disclosure.review": "村监会审核公开内容",
    "disclosure.post": "公开（张贴）",
    "matter.finalize": "会议记录定稿",
    "evaluation.finalize": "民主评议结果定稿",
    "data.restore": "从备份恢复数据库",
    "exchange.settle_conflict": "裁定数据交换冲突",
    "exchange.settle_fork": "裁定数据交换分叉",
}
"""Every act that is signed. A restore (``data.restore``) is signed by whoever restores, in the restored
database's transaction: ``sign_act(s, keys.signer_for(ctx, password), act="data.restore", record_kind="township",
record_id=township.id, content={...what was restored...}, office=office_of(s, user), at=now)``."""

RECORD_LABELS: dict[str, str] = {
    "user_account": "用户",
    "township": "乡镇",
    "village": "村",
    "voucher": "凭证",
    "monthly_review": "村监会月度审核",
    "disclosure": "公开",
    "matter_step": "会议记录",
    "evaluation": "民主评议",
    "exchange_conflict": "数据交换冲突",
    "exchange_fork": "数据交换分叉",
}


class SignatureFailed(QuzhouError):
    code = "auth.signature"
    template = "密码不正确，签名未完成，未作任何修改"


class NoSigningKey(QuzhouError):
    code = "auth.no_key"
    template = "账号「{username}」没有可用的签名密钥，请乡镇管理员重置密码"


@dataclass(frozen=True)
class Office:
    """Where and as what an act was done."""

    role: str
    title: str
    village_id: str | None = None
    village_name: str | None = None

    def to_json(self, township_id: str | None, township_name: str | None) -> dict[str, Any]:
        village = {"id": self.village_id, "name": self.village_name} if self.village_id else None
        return {
            "role": self.role,
            "title": self.title,
            "village": village,
            "township": {"id": township_id, "name": township_name},
        }


def office_of(s: Session, user: CurrentUser, village_id: str | None = None, *, title: str = "") -> Office:
    """The signer's office: the role (``title`` when the act names a narrower one, e.g. 村监会主任) and the
    village the act is for."""
    v = s.get(Village, village_id) if village_id else None
    return Office(user.role.value, title or ROLE_LABELS[user.role], village_id, v.name if v else None)


class Signer:
    """A user's unsealed private key for the moment of an act (``services.kernel.keys.unlock``). Never stored,
    never printed."""

    __slots__ = ("_private", "key_id", "public", "user")

    def __init__(self, user: CurrentUser, key_id: str, public: bytes, private: bytes) -> None:
        self.user = user
        self.key_id = key_id
        self.public = public
        self._private = private

    def sign(self, message: bytes) -> bytes:
        return signing.sign(self._private, message)

    def seal(self, secret: str) -> signing.Sealed:
        """The private key sealed under another secret (the root's recovery code)."""
        return signing.seal(secret, self._private)

    def __repr__(self) -> str:
        return f"Signer({self.user.username!r}, key {self.key_id})"


def envelope(
    *,
    act: str,
    record_kind: str,
    record_id: str,
    record_version: int | None,
    content: Any,
    decision: Any,
    user: CurrentUser,
    office: dict[str, Any],
    key_id: str,
    at: datetime,
    log: tuple[int, str],
) -> dict[str, Any]:
    return {
        "v": STATEMENT_VERSION,
        "act": act,
        "record": {"kind": record_kind, "id": record_id, "version": record_version},
        "content": jsonable(content),
        "decision": jsonable(decision),
        "signer": {"user": user.id, "username": user.username, "name": user.display_name},
        "office": office,
        "key": key_id,
        "at": jsonable(at),
        "log": {"seq": log[0], "head": log[1]},
    }


def sign_act(
    s: Session,
    signer: Signer,
    *,
    act: str,
    record_kind: str,
    record_id: str,
    content: Any,
    office: Office,
    at: datetime,
    record_version: int | None = None,
    decision: Any = None,
    subject_id: str | None = None,
    act_id: str | None = None,
) -> SignedAct:
    """Sign ``act`` in the caller's transaction (after the act's own changes are flushed, so ``content`` is
    what was written) and record it. ``act_id`` lets a record name its act before it is written (a review's
    ``signature`` column). Returns the ``SignedAct`` row (flushed)."""
    if act not in ACT_LABELS:
        raise ValueError(f"unknown act {act}")
    s.flush()
    t = the_township(s)
    statement = envelope(
        act=act,
        record_kind=record_kind,
        record_id=record_id,
        record_version=record_version,
        content=content,
        decision=decision,
        user=signer.user,
        office=office.to_json(t.id if t else None, t.name if t else None),
        key_id=signer.key_id,
        at=at,
        log=chain_head(s.connection()),
    )
    message = signing.statement_bytes(statement)
    number = int(s.scalar(select(func.max(SignedAct.number))) or 0) + 1
    row = SignedAct(
        id=act_id or new_uuid(),
        number=number,
        act=act,
        record_kind=record_kind,
        record_id=record_id,
        record_version=record_version,
        subject_id=subject_id,
        village_id=office.village_id,
        signer_id=signer.user.id,
        key_id=signer.key_id,
        signed_at=at,
        statement=message.decode("utf-8"),
        signature=base64.b64encode(signer.sign(message)).decode("ascii"),
    )
    s.add(row)
    s.flush()
    return row


def is_legacy_hash(value: str | None) -> bool:
    """True for a signature column written before signing keys (a bare SHA-256 in hex), False for the id of a
    signed act (or None)."""
    return value is not None and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
