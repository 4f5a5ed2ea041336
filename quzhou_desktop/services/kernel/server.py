"""Connecting an office PC to its unit's server (单位服务器) instead of a database file on this PC.

The address is remembered in the user's configuration folder (``server.txt``), without any password: the
password comes from the PostgreSQL password file (``~/.pgpass``; ``%APPDATA%\\postgresql\\pgpass.conf`` on
Windows; or the file ``PGPASSFILE`` names) or is typed at start-up and kept in memory only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.paths import config_dir, ensure_private_dir
from quzhou_desktop.services.kernel.context import AppContext
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.dialects import is_server_url
from quzhou_desktop.store.dialects.postgres import ServerPasswordNeeded, without_password

SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")
ADDRESS_FILE = "server.txt"

__all__ = ["SSL_MODES", "ServerPasswordNeeded", "ServerSpec", "connect", "forget_address", "saved_address"]


@dataclass(frozen=True)
class ServerSpec:
    host: str
    port: int
    database: str
    user: str
    sslmode: str = "prefer"
    sslrootcert: str = ""

    def address(self) -> str:
        host = self.host.strip()
        if not host:
            raise ValidationError(field="服务器地址", reason="请填写服务器的 IP 地址或名称")
        for label, value in (("数据库名", self.database), ("用户名", self.user)):
            if not value.strip():
                raise ValidationError(field=label, reason="不能为空")
        if self.sslmode not in SSL_MODES:
            raise ValidationError(field="加密方式", reason=f"只能是 {'、'.join(SSL_MODES)} 之一")
        if not 0 < self.port < 65536:
            raise ValidationError(field="端口", reason="应在 1 到 65535 之间")
        options = {"sslmode": self.sslmode}
        if self.sslrootcert.strip():
            options["sslrootcert"] = self.sslrootcert.strip()
        netloc = f"{quote(self.user.strip(), safe='')}@{host}:{self.port}"
        return f"postgresql://{netloc}/{quote(self.database.strip(), safe='')}?{urlencode(options)}"


def connect(address: str, *, password: str | None = None) -> Database:
    """Open the server database at ``address`` (raises ``ServerPasswordNeeded`` when neither the password
    file nor ``password`` gives one)."""
    if not is_server_url(address):
        raise ValidationError(field="服务器地址", reason="应以 postgresql:// 开头")
    return Database(address, password=password)


def switch_to(ctx: AppContext, database: object) -> None:
    """Work on ``database`` (a server database ``connect`` opened) from now on, nobody logged in; the
    database used until now is released (this PC's file stays as it is)."""
    if not isinstance(database, Database):
        raise TypeError("not a database")
    old = ctx.db
    ctx.db = database
    ctx.user = None
    old.dispose()


def _address_file() -> Path:
    return config_dir() / ADDRESS_FILE


def saved_address() -> str | None:
    path = _address_file()
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if is_server_url(text) else None


def save_address(address: str) -> Path:
    """Remember ``address`` for the next start (the password, if any in it, is dropped)."""
    path = _address_file()
    ensure_private_dir(path.parent)
    path.write_text(without_password(address) + "\n", encoding="utf-8")
    if os.name == "posix":
        path.chmod(0o600)
    return path


def forget_address() -> None:
    _address_file().unlink(missing_ok=True)
