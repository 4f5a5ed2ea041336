"""The import's pause of the cyclic garbage collector nests and restores what it found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from quzhou_desktop.spreadsheets.gc_pause import gc_paused


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_nested_pauses_enable_the_collector_only_when_the_outermost_ends() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_a_collector_disabled_before_the_pause_stays_disabled() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_comes_back_when_the_block_raises() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_as_a_decorator_each_call_pauses() -> None:
    @gc_paused()
    def inside() -> bool:
        return gc.isenabled()

    assert inside() is False
    assert inside() is False
    assert gc.isenabled()
