"""Rules of the data exchange between sites (a township and its villages on separate PCs).

Pure functions over plain values: where a package stands against what the receiver already accepted from
its sender (new, a duplicate, a gap, a fork), and who may change which record (a village owns its records, the
township owns its own acts about them). ``services.exchange`` reads packages and the database and asks these.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple

FORMAT = "quzhou-exchange"
FORMAT_VERSION = 2
# Older versions still read, and which kinds of file: a version-1 receipt carries nothing version 2 changed.
READABLE_OLDER = {1: frozenset({"receipt"})}
GENESIS = "0" * 64

SITE_KINDS = {"township": "乡镇", "village": "村", "county": "区县"}

# Records whose states never travel as audit entries: accounts and their password hashes stay on the PC where
# they were made; signing keys and signed acts refer to those accounts, so they travel in members of their own
# (``keys.jsonl``: public keys only; ``acts.jsonl``: the signed statements), which the receiver checks and keeps
# as ``peer_key`` and ``peer_act`` — its own copies, which never travel on. Their audit entries travel as stubs
# (seq and hashes only) so the receiver can still check the sender's chain; a package holding a full entry of
# one of them is refused.
LOCAL_ENTITIES = frozenset(
    {"user_account", "user_village", "signing_key", "signed_act", "peer_key", "peer_act"}
)

# Records that never leave the PC they were made on, whoever receives them: accounts and their own keys and acts.
ACCOUNT_ENTITIES = frozenset({"user_account", "user_village", "signing_key", "signed_act"})

# Records the township owns whole (its settings and the township itself).
TOWNSHIP_ENTITIES = frozenset({"township"})

# The key of the township settings (``Township.rules_json``) that holds the site's own identity and keys. Each
# site keeps its own: the township row travels between sites, this entry of it never does.
SITE_SETTING = "site"

# 代理记账中心 acts: the voucher states only the township sets, and the kinds of voucher event it records.
TOWNSHIP_VOUCHER_STATES = frozenset({"accepted", "returned"})
TOWNSHIP_EVENT_KINDS = frozenset({"accept", "return"})
# Columns of a voucher the township may change (with ``row_version``, which every change bumps).
TOWNSHIP_VOUCHER_COLUMNS = frozenset({"status", "row_version"})


class Head(NamedTuple):
    """A point of a chain: the entry ``seq`` and its hash (``seq`` 0 is the empty chain)."""

    seq: int
    hash: str


START = Head(0, GENESIS)


class Standing(str, Enum):
    NEW = "new"  # extends what was accepted (possibly overlapping it): apply the entries after the head
    DUPLICATE = "duplicate"  # everything in it was accepted already: nothing to do
    GAP = "gap"  # starts after the accepted head: wait for the packages in between
    FORK = "fork"  # disagrees with what was accepted: refuse and raise the alarm


@dataclass(frozen=True)
class Placement:
    standing: Standing
    missing: tuple[int, int] | None = None  # GAP: the first and last seq not yet received
    common: Head | None = None  # FORK: the last entry both histories share
    theirs: Head | None = None  # FORK: the sender's entry that disagrees


def place(
    accepted: Head,
    after: Head,
    last: Head,
    entries: list[Head],
    known: Callable[[int], str | None],
) -> Placement:
    """Where a package covering the sender's chain from ``after`` (exclusive) to ``last`` stands.

    ``accepted`` is the sender's head the receiver accepted last; ``entries`` the heads of the entries the
    package holds (a subset when it is not complete); ``known(seq)`` the hash the receiver accepted for that
    seq of the sender's chain (None when it never saw it)."""
    if after.seq > accepted.seq:
        return Placement(Standing.GAP, missing=(accepted.seq + 1, after.seq))
    checks = [after, *(e for e in entries if e.seq <= accepted.seq)]
    if last.seq <= accepted.seq:
        checks.append(last)
    common = Head(0, GENESIS)
    for point in sorted(checks, key=lambda h: h.seq):
        expected = GENESIS if point.seq == 0 else known(point.seq)
        if expected is None:
            continue
        if expected != point.hash:
            return Placement(Standing.FORK, common=common, theirs=point)
        common = point
    if last.seq <= accepted.seq:
        return Placement(Standing.DUPLICATE)
    return Placement(Standing.NEW)


def check_links(after: Head, entries: list[tuple[int, str, str]]) -> int | None:
    """For a complete package: each entry ``(seq, prev_hash, hash)`` follows the one before it, the first
    follows ``after``. Returns the seq of the first entry that does not, else None."""
    prev = after
    for seq, prev_hash, h in entries:
        if seq != prev.seq + 1 or prev_hash != prev.hash:
            return seq
        prev = Head(seq, h)
    return None


# -- who owns what --------------------------------------------------------------------------------------


def travels(entity: str, action: str) -> bool:
    """Whether an audit entry's states go in a package (others go as stubs): not the receiver's own records
    applied from an earlier package, not exchange bookkeeping, not local accounts."""
    return (
        not action.startswith("exchange.") and _table(entity) not in LOCAL_ENTITIES and _table(entity) != ""
    )


def travels_to_county(entity: str, records: frozenset[str]) -> bool:
    """Whether an audit entry's states go in a township's report to its county (others go as stubs).

    The county keeps what the township holds: every record of ``records`` (the audited tables), those the
    township applied from its villages' packages included, and the villages' signatures it received and
    checked (``peer_key`` / ``peer_act``), which the county checks again. Never the township's accounts and
    their keys and acts (these go in ``keys.jsonl`` / ``acts.jsonl``), never exchange bookkeeping."""
    table = _table(entity)
    return table in records and table not in ACCOUNT_ENTITIES


def _table(entity: str) -> str:
    return entity.split("#", 1)[0]


def may_change(
    sender_kind: str, entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]
) -> bool:
    """Whether a site of ``sender_kind`` may make this change to a record (else it is a conflict).

    A village owns its records; the township owns itself (its settings) and the 代理记账中心's acts: the
    voucher states 受理/退回 and their events. Anything else the other side changed goes to the 冲突 list."""
    township_act = _township_act(entity, before, after)
    if sender_kind == "township":
        return township_act
    return not township_act


def _township_act(entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> bool:
    if entity in TOWNSHIP_ENTITIES:
        return True
    if entity == "voucher_event":
        return after.get("kind") in TOWNSHIP_EVENT_KINDS
    if entity == "voucher" and before is not None and after.get("status") in TOWNSHIP_VOUCHER_STATES:
        changed = {k for k in after if before.get(k) != after.get(k)}
        return changed <= TOWNSHIP_VOUCHER_COLUMNS
    return False


def with_own_site(theirs: str | None, ours: str | None) -> str | None:
    """The township settings ``theirs`` (as another site has them) with the site identity of ``ours`` (the
    receiver's own), or without one when the receiver has none: a site never takes another's identity."""
    if theirs is None:
        return None
    doc = json.loads(theirs or "{}")
    own = json.loads(ours or "{}").get(SITE_SETTING) if ours else None
    if own is None:
        doc.pop(SITE_SETTING, None)
    else:
        doc[SITE_SETTING] = own
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def concerns_village(
    entity: str, state: Mapping[str, Any] | None, village_id: str, voucher_villages: Mapping[str, str]
) -> bool:
    """Whether a record's state belongs to ``village_id`` (what a township sends to that village)."""
    if state is None:
        return False
    if entity in TOWNSHIP_ENTITIES:
        return True
    if entity == "village":
        return state.get("id") == village_id
    if state.get("village_id") == village_id:
        return True
    voucher = state.get("voucher_id")
    return isinstance(voucher, str) and voucher_villages.get(voucher) == village_id


def gap_message(missing: tuple[int, int]) -> str:
    first, last = missing
    if first == last:
        return f"缺少第{first}条记录，请先导入包含这条记录的数据包（本包已暂存，前序数据包导入后自动应用）"
    return (
        f"缺少第{first}至{last}条记录，请先导入包含这些记录的数据包（本包已暂存，前序数据包导入后自动应用）"
    )
