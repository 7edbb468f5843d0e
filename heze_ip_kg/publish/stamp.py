"""The footer's dataset version and build date: from the inputs, never the clock.

The date is ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention), else the date
of the checkout's last commit, else none; the version is the package's, with that commit's
short hash. The same inputs thus give the same footer, byte for byte.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from heze_ip_kg import __version__


@dataclass(frozen=True)
class Stamp:
    """What the footer of every page says about the publication."""

    version: str
    date: str  # YYYY-MM-DD, or "" when nothing fixes it
    date_source: str  # "SOURCE_DATE_EPOCH", "commit" or ""


def _commit(folder: Path) -> tuple[str, str]:
    """(short hash, commit date) of the checkout holding ``folder``, or empty strings."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "", ""
    parts = done.stdout.split()
    return (parts[0], parts[1]) if done.returncode == 0 and len(parts) == 2 else ("", "")


def build_stamp(folder: Path | None = None) -> Stamp:
    """The stamp for a publication built from the checkout holding ``folder`` (this package's
    by default)."""
    commit, day = _commit(folder or Path(__file__).resolve().parent)
    version = f"{__version__}+{commit}" if commit else __version__
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        return Stamp(version, stamp.date().isoformat(), "SOURCE_DATE_EPOCH")
    return Stamp(version, day, "commit" if day else "")


__all__ = ["Stamp", "build_stamp"]
