"""Stage timing and progress bars: bars only when stderr is a terminal, silence otherwise.

``Stages`` records how long each named stage of a run took (the benchmark reads it); ``track``
wraps an iterable in a tqdm bar on a TTY and returns it unchanged anywhere else, so logs, pipes
and tests stay quiet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def interactive() -> bool:
    """True when stderr is a terminal (the only place a progress bar belongs)."""
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterable[T]:
    """``items``, with a progress bar on stderr when it is a terminal.

    >>> list(track([1, 2], "counting"))  # not a terminal under pytest: no bar, same items
    [1, 2]
    """
    if not interactive():
        return items
    from tqdm import tqdm

    bar: Iterable[T] = tqdm(
        items, desc=description, total=total, unit="", leave=False, file=sys.stderr
    )
    return bar


def counter(description: str) -> Callable[[int, int], None] | None:
    """A ``(done, total)`` callback that drives a bar on a terminal; None anywhere else.

    For work reported in steps rather than iterated (a load sent chunk by chunk).

    >>> counter("loading") is None  # not a terminal under pytest
    True
    """
    if not interactive():
        return None
    from tqdm import tqdm

    bars: list[tqdm[None]] = []

    def advance(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(desc=description, total=total, leave=False, file=sys.stderr))
        bars[0].update(done - bars[0].n)
        if done >= total:
            bars[0].close()

    return advance


@dataclass
class Stages:
    """Wall-clock seconds per named stage, in the order they ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block and add it to ``name`` (a stage may run in several pieces)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to ``name`` (for a part no ``with`` block can enclose alone)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


__all__ = ["Stages", "counter", "interactive", "track"]
