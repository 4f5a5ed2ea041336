"""quzhou-desktop: 五议两公开、三务公开与村务监督（先审后签）的离线桌面系统."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "quzhou-desktop"
APP_TITLE = "衢州村务民主管理"
