"""Keys and signatures: Ed25519 signatures over canonical statements, private keys sealed by a password.

Everything here is a call into the ``cryptography`` package; nothing is home-made:

- A **statement** is what a signer vouches for, as a JSON object; ``statement_bytes`` writes it canonically
  (sorted keys, no spaces, UTF-8), so the same content always gives the same bytes to sign and to check.
- A **key** is an Ed25519 key pair (raw 32-byte halves). ``fingerprint`` shows a public key as six groups of
  five digits that two clerks can read to each other over the phone.
- A private key is stored only **sealed**: encrypted with AES-256-GCM under a key derived from a secret (the
  user's password, or a recovery code) with the memory-hard Argon2id. The same Argon2id run also yields a
  *verifier* that checks the password, so a signature costs one key derivation — the one the password check
  needed anyway. The public key is the associated data of the seal, so a sealed blob copied onto another
  account's key does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

__all__ = [
    "KDF",
    "KdfParams",
    "KeyPair",
    "Sealed",
    "b64",
    "check_secret",
    "fingerprint",
    "format_recovery_code",
    "new_keypair",
    "new_recovery_code",
    "normalise_recovery_code",
    "public_of",
    "seal",
    "sign",
    "statement_bytes",
    "unb64",
    "unseal",
    "verifier_of",
    "verify",
]

_SCHEME = "argon2id"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int = 19_456  # 19 MiB, two passes: the usual minimum for interactive logins
    iterations: int = 2
    lanes: int = 1


KDF = KdfParams()


@dataclass(frozen=True)
class KeyPair:
    private: bytes  # raw 32 bytes; never stored unsealed
    public: bytes  # raw 32 bytes


def new_keypair() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KeyPair(private, public)


def public_of(private: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(private)
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def statement_bytes(statement: dict[str, Any]) -> bytes:
    """The canonical bytes of a statement: JSON with sorted keys and no spaces, UTF-8. Values must be JSON
    types (str, int, bool, None, lists, dicts); callers turn dates and amounts into text or integers first."""
    return json.dumps(
        statement, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sign(private: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verifier_of(public: bytes) -> Callable[[bytes, bytes], bool]:
    """``verify`` for one public key, parsed once (checking many signatures of one key)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        return lambda _message, _signature: False

    def check(message: bytes, signature: bytes) -> bool:
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    return check


def fingerprint(public: bytes) -> str:
    """Six groups of five digits from the SHA-256 of the public key (about 100 bits), e.g.
    ``"04217 93350 11862 50749 38026 71533"``."""
    number = int.from_bytes(hashlib.sha256(b"quzhou-key\x00" + public).digest()[:13], "big") % 10**30
    digits = f"{number:030d}"
    return " ".join(digits[i : i + 5] for i in range(0, 30, 5))


# -- sealing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """A private key sealed by a secret, and the verifier of that secret (same salt, same derivation).

    ``verifier`` and ``blob`` are printable text: ``argon2id$m=…,t=…,p=…$<salt>$<verifier>`` and
    ``aesgcm$<nonce>$<ciphertext>``."""

    verifier: str
    blob: str


def b64(data: bytes) -> str:
    """Base64 text of key material and signatures, as the settings, packages and anchors keep them."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """The bytes of :func:`b64` text; ``binascii.Error`` on anything that is not strict, canonical base64 (the
    unused low bits of the last character must be zero, so one value has exactly one text: a signature whose text
    was changed never reads as the same signature)."""
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode("ascii") != text:
        raise binascii.Error("non-canonical base64")
    return data


def _derive(secret: str, salt: bytes, params: KdfParams) -> tuple[bytes, bytes]:
    out = Argon2id(
        salt=salt, length=64, iterations=params.iterations, lanes=params.lanes, memory_cost=params.memory_kib
    ).derive(secret.encode("utf-8"))
    return out[:32], out[32:]  # (verifier, sealing key)


def _parse_verifier(text: str) -> tuple[KdfParams, bytes, bytes] | None:
    try:
        scheme, cost, salt_b64, check_b64 = text.split("$")
        if scheme != _SCHEME:
            return None
        parts = dict(p.split("=", 1) for p in cost.split(","))
        params = KdfParams(int(parts["m"]), int(parts["t"]), int(parts["p"]))
        if not (
            8 <= params.memory_kib <= 4 * 1024 * 1024
            and 1 <= params.iterations <= 64
            and 1 <= params.lanes <= 16
        ):
            return None
        return params, base64.b64decode(salt_b64, validate=True), base64.b64decode(check_b64, validate=True)
    except (ValueError, KeyError):
        return None


def seal(secret: str, private: bytes, *, params: KdfParams = KDF) -> Sealed:
    """Seal ``private`` under ``secret``; the public key (derived from it) is bound as associated data."""
    salt = os.urandom(16)
    check, key = _derive(secret, salt, params)
    nonce = os.urandom(12)
    ciphertext = AESGCM(key).encrypt(nonce, private, public_of(private))
    cost = f"m={params.memory_kib},t={params.iterations},p={params.lanes}"
    return Sealed(f"{_SCHEME}${cost}${b64(salt)}${b64(check)}", f"aesgcm${b64(nonce)}${b64(ciphertext)}")


def check_secret(secret: str, verifier: str) -> bool:
    """True when ``secret`` is the one ``verifier`` was made from (constant-time comparison)."""
    parsed = _parse_verifier(verifier)
    if parsed is None:
        return False
    params, salt, expected = parsed
    check, _key = _derive(secret, salt, params)
    return hmac.compare_digest(check, expected)


def unseal(secret: str, sealed: Sealed, public: bytes) -> bytes | None:
    """The private key, or None when the secret is wrong or the blob does not belong to ``public``."""
    parsed = _parse_verifier(sealed.verifier)
    if parsed is None:
        return None
    params, salt, expected = parsed
    check, key = _derive(secret, salt, params)
    if not hmac.compare_digest(check, expected):
        return None
    try:
        scheme, nonce_b64, ct_b64 = sealed.blob.split("$")
        if scheme != "aesgcm":
            return None
        private = AESGCM(key).decrypt(
            base64.b64decode(nonce_b64, validate=True), base64.b64decode(ct_b64, validate=True), public
        )
    except (ValueError, InvalidTag):
        return None
    return private if public_of(private) == public else None


# -- recovery codes -----------------------------------------------------------------------------------------

RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: no 0/O, 1/I to misread
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LENGTH = 4  # 24 symbols of 5 bits: 120 bits from the operating system's random source


def new_recovery_code() -> str:
    """A fresh recovery code, grouped for reading and typing: ``"7KQ2-M9XD-…"`` (six groups of four)."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH))
    return format_recovery_code(raw)


def format_recovery_code(raw: str) -> str:
    n = RECOVERY_GROUP_LENGTH
    return "-".join(raw[i : i + n] for i in range(0, len(raw), n))


def normalise_recovery_code(text: str) -> str | None:
    """The code as it is sealed (upper case, no separators), from what someone typed (spaces, dashes, lower
    case allowed); None when it cannot be a recovery code (wrong length or a symbol the alphabet lacks)."""
    raw = "".join(ch for ch in text.upper() if ch not in " -_\t\u3000－—")
    if len(raw) != RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in raw):
        return None
    return raw
