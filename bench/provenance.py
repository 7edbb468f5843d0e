"""Which code a benchmark measured, and when: the stamp every raw result carries."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the benchmarks themselves write into the checkout: a change there is not a code change.
OUTPUTS = ("bench/results.md",)


def commit_label() -> str:
    """The checkout's commit, ``-dirty`` when anything but the benchmarks' output differs.

    ``make bench`` runs its scripts one after another, each rewriting ``bench/results.md``;
    ``git describe --dirty`` would call every script after the first one's code dirty.
    """
    head = _git("describe", "--always")
    excluded = (f":(exclude){p}" for p in OUTPUTS)
    changes = _git("status", "--porcelain", "--untracked-files=no", "--", ".", *excluded)
    return f"{head}-dirty" if changes else head


def measured_at() -> str:
    """Now, in UTC, to the minute."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()
