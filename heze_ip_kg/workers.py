"""How many processes a stage may fork, and a map over forked processes.

Forked, the workers share what this process holds (a graph, an index, a scorer) without copying
or pickling it: only the items and the results cross. Where ``fork`` is unavailable, or one
worker is asked for, the work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def default_workers() -> int:
    """The CPUs this process may use (at most 8: past that the disk is the limit)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(8, available))


def forked_map(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None
) -> list[Result]:
    """``[function(item) for item in items]``, in that order, over ``workers`` forked processes
    (default: ``default_workers``). ``function`` is pickled by name: a module's function, which
    reads what this process set up before the call (the workers inherit it)."""
    workers = default_workers() if workers is None else max(1, workers)
    if workers == 1 or len(items) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    with multiprocessing.get_context("fork").Pool(min(workers, len(items))) as pool:
        return pool.map(function, items, chunksize=1)


__all__ = ["default_workers", "forked_map"]
