"""What ``verify`` finds: one problem, named in Chinese with the record or entry it concerns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    # integrity, trigger, foreign_key, chain, record_changed, record_deleted, record_unaudited, attachment,
    # attachment_missing; the services add anchor_* kinds
    kind: str
    message: str  # Chinese, names the record
    entity: str | None = None
    entity_id: str | None = None
    seq: int | None = None
