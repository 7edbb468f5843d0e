"""Pausing Python's cycle collector while a stage allocates millions of long-lived objects, and
handing freed memory back to the system.

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
collection still frees any garbage among it. A pause inside a pause does nothing of its own.

``return_free_memory`` asks the C library to give back the heap it keeps after large frees
(the embedded store and the rdflib indexes, let go before the page writers fork).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_FREEZE = {"after pauses": False}
_DEPTH = [0]  # pauses entered and not left


def freeze_after_pauses() -> None:
    """Let every later pause freeze what it leaves alive (for the CLI's own process)."""
    _FREEZE["after pauses"] = True


@contextmanager
def collector_paused(settle: bool = True) -> Iterator[None]:
    """Disable the cycle collector for the block (and freeze what is alive at its end, once
    ``freeze_after_pauses`` was called).

    Without ``settle``, the block's end only enables the collector again: nothing is frozen or
    moved to the oldest generation. For a short block that makes millions of objects it does
    not keep (reading or writing a large JSON file): moving what is alive then would also move
    any garbage cycle the caller left, which a young collection would have freed soon after
    (measured: a fifth more memory over four publishes in one process).
    """
    if _DEPTH[0]:  # inside another pause: that one collects and freezes
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    if not settle:
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()
        return
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    _DEPTH[0] += 1
    try:
        yield
    finally:
        _DEPTH[0] -= 1
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


def return_free_memory() -> bool:
    """Give the heap the C library keeps after frees back to the system (glibc's
    ``malloc_trim``); False where there is no such call. Frees nothing that is in use."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's on Linux
    except (OSError, AttributeError):  # not glibc
        return False
    trim(0)
    return True


__all__ = ["collector_paused", "freeze_after_pauses", "return_free_memory"]
