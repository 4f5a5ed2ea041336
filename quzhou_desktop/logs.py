"""Logging to a rotating file in the user log directory (and stderr for the CLI when asked)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from quzhou_desktop.paths import ensure_private_dir, log_dir

_CONFIGURED = False


def log_file() -> Path:
    return log_dir() / "quzhou-desktop.log"


def setup_logging(*, verbose: bool = False) -> Path | None:
    global _CONFIGURED
    root = logging.getLogger()
    if _CONFIGURED:
        return log_file()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    path: Path | None = None
    try:
        ensure_private_dir(log_dir())
        path = log_file()
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(fmt)
        root.addHandler(handler)
    except OSError:
        path = None
    if verbose:
        err = logging.StreamHandler()
        err.setFormatter(fmt)
        root.addHandler(err)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    _CONFIGURED = True
    return path
