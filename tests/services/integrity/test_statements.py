"""Signed statements as the services write them: canonical JSON, the envelope every act shares, and — the
property — any single-byte change of a real statement fails its signature."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quzhou_desktop.core import signing
from quzhou_desktop.services.kernel.acts import parse_statement
from quzhou_desktop.services.kernel.roles import Role
from quzhou_desktop.services.vouchers.flow import review_voucher, sign_voucher
from quzhou_desktop.store.models import SignedAct, SigningKey
from tests.support.vouchers import make_voucher_village
from tests.support.world import PASSWORD, make_world


@pytest.fixture(scope="module")
def acts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes, bytes, bytes]]:
    w = make_world(Path(tmp_path_factory.mktemp("acts")) / "a.sqlite3")
    try:
        w.new_user("chakan", Role.READONLY)
        v = make_voucher_village(w)
        vid = v.submitted(150_000, number="001")
        review_voucher(v.member1, vid, "agree", "票据齐全", PASSWORD)
        w.clock.advance(minutes=5)
        review_voucher(v.member2, vid, "agree", "", PASSWORD)
        w.clock.advance(minutes=5)
        sign_voucher(v.director, vid, PASSWORD)
        with w.db.read() as s:
            keys = {k.id: bytes.fromhex(k.public_key) for k in s.scalars(select(SigningKey))}
            return [
                (a.act, a.statement.encode(), base64.b64decode(a.signature), keys[a.key_id])
                for a in s.scalars(select(SignedAct).order_by(SignedAct.number))
            ]
    finally:
        w.db.dispose()


def test_every_statement_is_canonical_and_shares_the_envelope(
    acts: list[tuple[str, bytes, bytes, bytes]],
) -> None:
    assert {a for a, *_ in acts} >= {"trust.root", "user.create", "voucher.review", "voucher.sign_director"}
    for act, statement, sig, public in acts:
        data = json.loads(statement)
        assert signing.statement_bytes(data) == statement
        assert set(data) == {
            "v",
            "act",
            "record",
            "content",
            "decision",
            "signer",
            "office",
            "key",
            "at",
            "log",
        }
        assert data["act"] == act and data["v"] == 1
        assert signing.verify(public, statement, sig)
        row = SignedAct(statement=statement.decode())
        assert parse_statement(row) == data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(min_value=0), position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_any_single_byte_change_of_a_signed_statement_fails(
    acts: list[tuple[str, bytes, bytes, bytes]], which: int, position: int, flip: int
) -> None:
    _act, statement, sig, public = acts[which % len(acts)]
    i = position % len(statement)
    changed = statement[:i] + bytes([statement[i] ^ flip]) + statement[i + 1 :]
    assert not signing.verify(public, changed, sig)
