"""Every path the app uses: data, config, logs, backups and bundled resources.

Works for a checkout, an installed wheel and a PyInstaller bundle.  ``QUZHOU_DATA_DIR`` moves the data
directory (database, attachments, backups, logs, site keys, anchor journals) as a whole, which tests and
portable installs use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from quzhou_desktop import APP_NAME

_DIRS = PlatformDirs(appname=APP_NAME, appauthor=False)


def _frozen_root() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else None


def resources_dir() -> Path:
    """Bundled resources (icons, fonts, templates)."""
    frozen = _frozen_root()
    if frozen is not None:
        return frozen / "resources"
    inside = Path(__file__).resolve().parent / "resources"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    override = os.environ.get("QUZHOU_DATA_DIR")
    return Path(override) if override else Path(_DIRS.user_data_dir)


def default_db_path() -> Path:
    override = os.environ.get("QUZHOU_DB")
    return Path(override) if override else data_dir() / "quzhou.sqlite3"


def log_dir() -> Path:
    override = os.environ.get("QUZHOU_DATA_DIR")
    return Path(override) / "logs" if override else Path(_DIRS.user_log_dir)


def config_dir() -> Path:
    override = os.environ.get("QUZHOU_DATA_DIR")
    return Path(override) / "config" if override else Path(_DIRS.user_config_dir)


def backups_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".backups")


def site_key_path(site_id: str) -> Path:
    """The private key of the site ``site_id``: one owner-only file per site in the user's data folder, never
    beside the database (a copied database or backup does not carry it)."""
    return data_dir() / "keys" / f"site-{site_id}.key"


def anchor_journal_path(site_id: str) -> Path:
    """The site's anchor journal (JSON lines), outside the database file."""
    return data_dir() / "anchors" / f"site-{site_id}.jsonl"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` readable only by the user where the OS allows."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        try:
            path.chmod(0o700)
        except OSError:
            pass
    return path
