"""core.signing: Ed25519 over canonical statements; private keys sealed by a password with Argon2id + AES-GCM."""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quzhou_desktop.core import signing
from quzhou_desktop.core.signing import (
    KdfParams,
    Sealed,
    check_secret,
    fingerprint,
    new_keypair,
    public_of,
    seal,
    sign,
    statement_bytes,
    unseal,
    verify,
)

FAST = KdfParams(memory_kib=64, iterations=1, lanes=1)  # tests only: the real cost is KDF
_KP = new_keypair()
STATEMENT = {
    "act": "voucher.review",
    "record": "v-1",
    "version": 3,
    "amount_fen": 1_250_000,
    "opinion": "同意",
}


def test_statement_bytes_are_canonical() -> None:
    a = statement_bytes({"b": 1, "a": "甲"})
    b = statement_bytes({"a": "甲", "b": 1})
    assert a == b == '{"a":"甲","b":1}'.encode()


def test_signature_verifies_only_its_statement_and_key() -> None:
    kp, other = new_keypair(), new_keypair()
    msg = statement_bytes(STATEMENT)
    sig = sign(kp.private, msg)
    assert verify(kp.public, msg, sig)
    assert not verify(other.public, msg, sig)
    assert not verify(kp.public, statement_bytes({**STATEMENT, "amount_fen": 1_250_001}), sig)
    assert not verify(kp.public, msg, sig[:-1] + bytes([sig[-1] ^ 1]))
    assert not verify(kp.public, msg, b"short")


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_single_byte_change_of_a_signed_statement_fails(position: int, flip: int) -> None:
    kp = _KP
    msg = statement_bytes(STATEMENT)
    sig = sign(kp.private, msg)
    i = position % len(msg)
    changed = msg[:i] + bytes([msg[i] ^ flip]) + msg[i + 1 :]
    assert not verify(kp.public, changed, sig)


def test_fingerprint_is_six_groups_of_five_digits_and_differs_per_key() -> None:
    a, b = new_keypair(), new_keypair()
    assert re.fullmatch(r"\d{5}( \d{5}){5}", fingerprint(a.public))
    assert fingerprint(a.public) == fingerprint(a.public)
    assert fingerprint(a.public) != fingerprint(b.public)


def test_sealed_key_opens_with_its_secret_only() -> None:
    kp = new_keypair()
    sealed = seal("正确的密码123", kp.private, params=FAST)
    assert kp.private.hex() not in sealed.blob and kp.private.hex() not in sealed.verifier
    assert unseal("正确的密码123", sealed, kp.public) == kp.private
    assert unseal("错误的密码123", sealed, kp.public) is None
    assert check_secret("正确的密码123", sealed.verifier)
    assert not check_secret("错误的密码123", sealed.verifier)


def test_sealed_blob_does_not_open_for_another_key() -> None:
    """A sealed blob copied onto another account's public key is refused (the public key is bound)."""
    kp, other = new_keypair(), new_keypair()
    sealed = seal("pw-123456", kp.private, params=FAST)
    assert unseal("pw-123456", sealed, other.public) is None


@pytest.mark.parametrize(
    "broken",
    [
        lambda s: Sealed(s.verifier, s.blob[:-4] + "AAAA"),  # ciphertext changed
        lambda s: Sealed(s.verifier.replace("argon2id", "scrypt"), s.blob),
        lambda s: Sealed(s.verifier.replace("m=64", "m=65"), s.blob),  # cost changed: other key derived
        lambda s: Sealed("garbage", s.blob),
        lambda s: Sealed(s.verifier, "aesgcm$!!$!!"),
        lambda s: Sealed(s.verifier, "rot13$a$b"),
    ],
)
def test_damaged_seals_do_not_open(broken: Callable[[Sealed], Sealed]) -> None:
    kp = new_keypair()
    sealed = seal("pw-123456", kp.private, params=FAST)
    assert unseal("pw-123456", broken(sealed), kp.public) is None


def test_absurd_costs_in_a_stored_verifier_are_refused() -> None:
    """A forged verifier cannot make the app derive with gigabytes of memory."""
    kp = new_keypair()
    sealed = seal("pw-123456", kp.private, params=FAST)
    huge = Sealed(sealed.verifier.replace("m=64,", "m=99999999,"), sealed.blob)
    assert unseal("pw-123456", huge, kp.public) is None
    assert not check_secret("pw-123456", huge.verifier)


def test_public_of_matches_the_pair() -> None:
    kp = new_keypair()
    assert public_of(kp.private) == kp.public


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("AAE=", True),  # bytes 00 01
        ("AAF=", False),  # the same bytes with an unused low bit set: another text for one value
        ("AA==", True),
        ("AB==", False),
        ("AAEC", True),
        ("AAE", False),  # padding missing
        ("AA E=", False),  # not base64
    ],
)
def test_base64_text_is_strict_and_canonical(text: str, ok: bool) -> None:
    if ok:
        assert signing.b64(signing.unb64(text)) == text
    else:
        with pytest.raises(binascii.Error):
            signing.unb64(text)
