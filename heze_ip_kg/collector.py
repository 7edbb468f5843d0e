"""Pausing Python's cycle collector while a stage allocates millions of long-lived objects.

Building the graph, its index and the pages creates objects that live to the end of the run;
each collection of the older generations walks all of them again, which cost a quarter of the
build at 30 plans and grows with the heap. The stages keep no garbage cycles of note (triples
and terms are freed by reference counting), so the collector is paused for the stage; forked
page writers inherit the pause and so do not touch (and copy) every shared page to update
collector headers.

At the end of a pause what is alive is frozen (``gc.freeze``): else the first collections
after it walk every object the stage made, several times over as they age through the
generations (8 s of loading and validating at 300 plans). The next pause unfreezes them and
collects once, so what has become garbage in between is still freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; freeze what is alive at its end."""
    was_enabled = gc.isenabled()
    gc.disable()
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


__all__ = ["collector_paused"]
