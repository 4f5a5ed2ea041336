"""Frozen entry point: the same ``quzhou-desktop`` command the wheel installs (GUI by default)."""

from __future__ import annotations

import sys

from quzhou_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
