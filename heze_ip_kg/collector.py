"""Pausing Python's cycle collector while a stage allocates millions of long-lived objects.

Building the graph, its index and the pages creates objects that live to the end of the run;
each collection of the older generations walks all of them again, which cost a quarter of the
build at 30 plans and grows with the heap. The stages keep no garbage cycles of note (triples
and terms are freed by reference counting), so the collector is paused for the stage and
restored after it; forked page writers inherit the pause and so do not touch (and copy) every
shared page to update collector headers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; re-enable it only if it was enabled before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["collector_paused"]
