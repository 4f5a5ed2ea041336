"""Password hashing with the memory-hard scrypt KDF from the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from quzhou_desktop.core.errors import ValidationError

N, R, P = 2**14, 8, 1  # ~16 MiB per hash
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32, maxmem=64 * 1024 * 1024)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(dk).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt_b64, dk_b64 = stored.split("$")
        if algo != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(dk_b64)
        dk = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(dk, expected)


def validate_new_password(password: str, *, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(field="密码", reason=f"至少需要{MIN_LENGTH}个字符")
    if password.strip() != password:
        raise ValidationError(field="密码", reason="开头或结尾不能是空格")
    if username and password.lower() == username.lower():
        raise ValidationError(field="密码", reason="不能与用户名相同")
    if password.isdigit() and len(set(password)) <= 2:
        raise ValidationError(field="密码", reason="太简单，请不要使用重复的数字")
