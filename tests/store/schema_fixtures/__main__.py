"""``python -m tests.store.schema_fixtures [REVISION ...]``: see the package docstring."""

from __future__ import annotations

import sys

from tests.store.schema_fixtures import main

raise SystemExit(main(sys.argv[1:]))
