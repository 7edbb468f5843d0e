"""Memory of a benchmark stage: this process's peak, and the whole process tree's.

Linux only (``/proc``). A stage's own peak is read by resetting the kernel's high-water mark
(``VmHWM``) when the stage starts (``clear_refs`` 5) and reading it when it ends, so every stage
is measured alone in one process. Forked workers share the parent's pages, so their RSS counts
those pages again; the tree's memory is the sum of PSS (each shared page divided among its
sharers), sampled while the stage runs: the memory the machine really gave the stage.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from heze_ip_kg.progress import Stages

MIB = 1024


def _status(pid: int | str = "self") -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            found[line.split(":")[0]] = int(line.split()[1])  # kB
    return found


def reset_peak() -> None:
    """Start this process's high-water mark afresh (from its current RSS)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mib() -> float:
    """This process's RSS high-water mark since the last ``reset_peak``, in MiB."""
    return _status()["VmHWM"] / MIB


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:  # the process ended meanwhile
        return 0
    return 0


def tree_pss_mib(pid: int | None = None) -> float:
    """The PSS of ``pid`` (default: this process) and all its descendants, in MiB."""
    root = os.getpid() if pid is None else pid
    pending, total = [root], 0
    while pending:
        current = pending.pop()
        total += _pss_kb(current)
        try:
            pending += _children(current)
        except OSError:
            continue
    return total / MIB


@dataclass
class TreeSampler:
    """Samples the tree's PSS every ``interval`` seconds in a thread; ``peak`` is the largest."""

    interval: float = 0.25
    peak: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_mib())
            self._stop.wait(self.interval)

    @contextmanager
    def sampling(self) -> Iterator[TreeSampler]:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self.peak = max(self.peak, tree_pss_mib())


@dataclass
class MeasuredStages(Stages):
    """``Stages`` that also record each stage's peak RSS (MiB) and the tree's PSS peak."""

    peaks: dict[str, float] = field(default_factory=dict)
    tree_peaks: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        reset_peak()
        sampler = TreeSampler()
        with sampler.sampling(), super().stage(name):
            yield
        self.peaks[name] = max(self.peaks.get(name, 0.0), peak_mib())
        self.tree_peaks[name] = max(self.tree_peaks.get(name, 0.0), sampler.peak)


__all__ = ["MeasuredStages", "TreeSampler", "peak_mib", "reset_peak", "tree_pss_mib"]
