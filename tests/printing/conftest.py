"""Fixtures for the printing tests: the sample notices rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from quzhou_desktop.printing.render import render
from tests.support.printing import ALL


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notices")
    paths = {}
    for kind, doc in ALL.items():
        paths[kind] = out / f"{kind}.pdf"
        render(doc, paths[kind])
    return paths
