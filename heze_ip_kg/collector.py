"""Pausing Python's cycle collector while a stage allocates millions of long-lived objects.

Building the graph, its index and the pages creates objects that live to the end of the run;
each collection of the older generations walks all of them again, which cost a quarter of the
build in the benchmark and grows with the heap. The stages keep no garbage cycles of note (triples
and terms are freed by reference counting), so the collector is paused for the stage; forked
page writers inherit the pause and so do not touch (and copy) every shared page to update
collector headers.

A process that owns its heap (the CLI: ``freeze_after_pauses``) also has what is alive at the
end of a pause frozen (``gc.freeze``): else the first collections after it walk every object the
stage made, several times over as they age through the generations (seconds of loading and
validating at national scale). The next pause unfreezes them and collects once, so what has become
garbage in between is still freed. A library call freezes nothing: what its pause leaves alive
goes to the oldest generation instead (a young collection would walk it all), where a full
collection still frees any garbage among it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_FREEZE = {"after pauses": False}


def freeze_after_pauses() -> None:
    """Let every later pause freeze what it leaves alive (for the CLI's own process)."""
    _FREEZE["after pauses"] = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cycle collector for the block (and freeze what is alive at its end, once
    ``freeze_after_pauses`` was called)."""
    was_enabled = gc.isenabled()
    gc.disable()
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    try:
        yield
    finally:
        if _FREEZE["after pauses"]:
            gc.freeze()
        elif not gc.get_freeze_count():
            # What the stage leaves alive lives on (the graph): move it to the oldest
            # generation (freeze and unfreeze splice the lists, touching no object), else the
            # first young collection after the pause walks all of it (5 s of a 30-s build of
            # a thousand plans).
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


__all__ = ["collector_paused", "freeze_after_pauses"]
