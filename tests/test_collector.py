"""The cycle collector pause: restored after the block, and no garbage kept past the next one."""

from __future__ import annotations

import gc
import weakref

import pytest

from heze_ip_kg import collector
from heze_ip_kg.collector import collector_paused


class _Node:
    def __init__(self) -> None:
        self.itself = self  # a reference cycle: only the cycle collector frees it


def test_the_collector_is_restored_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_library_call_freezes_nothing() -> None:
    from heze_ip_kg.pipeline import build_dataset, load_project

    before = gc.get_freeze_count()
    build_dataset(load_project())
    assert gc.get_freeze_count() == before == 0
    assert gc.isenabled()


def test_what_a_library_pause_leaves_alive_goes_to_the_oldest_generation() -> None:
    with collector_paused():
        node = _Node()
        ref = weakref.ref(node)
    assert not any(o is node for o in gc.get_objects(generation=0))
    assert any(o is node for o in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0
    del node
    gc.collect()
    assert ref() is None  # garbage among it is still freed by a full collection


def test_a_pause_that_does_not_settle_leaves_the_generations_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(collector._FREEZE, "after pauses", True)  # would freeze if it settled
    gc.collect()
    earlier = _Node()  # garbage of earlier work, still young
    ref = weakref.ref(earlier)
    del earlier
    with collector_paused(settle=False):
        assert not gc.isenabled()
        made = [_Node() for _ in range(1000)]
        assert ref() is not None
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert not any(o is made[0] for o in gc.get_objects(generation=2))  # not moved
    gc.collect(1)  # the young generations only
    assert ref() is None  # the earlier garbage was not moved to the oldest one either


def test_garbage_frozen_by_one_pause_is_freed_by_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(collector._FREEZE, "after pauses", True)
    with collector_paused():
        node = _Node()
        ref = weakref.ref(node)
        del node
    gc.collect()
    assert ref() is not None  # frozen with what the stage left alive, not walked again
    assert gc.get_freeze_count() > 0
    with collector_paused():
        assert ref() is None
    gc.unfreeze()


def test_a_pause_inside_a_pause_neither_collects_nor_freezes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(collector._FREEZE, "after pauses", True)
    try:
        with collector_paused():
            with collector_paused():
                node = _Node()
                ref = weakref.ref(node)
            assert gc.get_freeze_count() == 0  # the inner pause froze nothing
            with collector_paused():  # nor does the next inner one unfreeze and collect
                del node
                assert ref() is not None
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the outer pause froze what it left alive
    finally:
        gc.unfreeze()
        gc.collect()


def test_free_memory_is_handed_back_where_the_c_library_can() -> None:
    import sys

    assert collector.return_free_memory() is sys.platform.startswith("linux")
