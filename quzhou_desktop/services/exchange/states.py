"""The record states an audit entry carries: one state for an ordinary entry, many for a batch entry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import msgspec

from quzhou_desktop.services.exchange.package import Entry
from quzhou_desktop.store.audit.batch import BATCH_SUFFIX, BatchDoc
from quzhou_desktop.store.audit.chain import canonical

_decode = msgspec.json.Decoder(dict[str, Any]).decode


class RecordChange(NamedTuple):  # a tuple: made once per record state of every imported entry
    entity: str  # the table
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any]
    after_text: str  # canonical JSON of ``after``
    seq: int  # the sender's entry


def changes_of(entry: Entry) -> Iterator[RecordChange]:
    """Every record state ``entry`` records (nothing for stubs and entries without an after-state)."""
    if entry.stub or entry.after is None:
        return
    if entry.entity.endswith(BATCH_SUFFIX):
        table = entry.entity[: -len(BATCH_SUFFIX)]
        for rid, state in BatchDoc(entry.seq, entry.after).ids_and_states():
            yield RecordChange(table, rid, None, state, canonical(state) or "", entry.seq)
        return
    before = _decode(entry.before) if entry.before is not None else None
    yield RecordChange(entry.entity, entry.entity_id, before, _decode(entry.after), entry.after, entry.seq)
