"""The bounds on what heze-ip-kg reads, in one place (docs/hardening.md, "Bounds";
docs/security.md).

Each bound is far above what a real input needs (docs/hardening.md compares them with the real
inputs) and low enough that a hostile input is refused at once, naming its place, instead of
exhausting memory or time.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from heze_ip_kg.errors import InputError

MIB = 1024 * 1024
# A plan text or curated file: hundreds of times the Heze plan, several times the longest
# national plan. Only this much (and one byte) is read, so /dev/zero or an endless pipe is
# refused at once.
MAX_INPUT_BYTES = 16 * MIB
# Non-blank lines of a plan text. Each becomes an element or part of one, so memory and time
# grow with them (docs/hardening.md, "Bounds").
MAX_TEXT_LINES = 50_000
# Characters on one line of a plan text.
MAX_LINE_LENGTH = 100_000
# Nesting of collections in a curated YAML file (PyYAML composes nodes recursively, so a file
# nested thousands deep would end in a RecursionError).
MAX_YAML_DEPTH = 32
# Seconds one curated regular expression (data/role-patterns.tsv) may take on one sentence.
PATTERN_SECONDS = 1.0


def read_limited(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path``: at most ``limit`` + 1 are read; more is an error naming the file.

    A file that cannot be read is an error naming it, with the system's reason.
    """
    try:
        with path.open("rb") as handle:
            return read_stream(handle, str(path), limit)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", file=str(path)) from None


def read_stream(handle: BinaryIO, name: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``limit`` bytes from ``handle`` (standard input, a pipe), or an error naming it.

    >>> import io
    >>> read_stream(io.BytesIO(b"x" * 4), "<stdin>", limit=3)
    Traceback (most recent call last):
    ...
    heze_ip_kg.errors.InputError: <stdin>: larger than 3 bytes, the limit for an input file
    """
    data = handle.read(limit + 1)
    if len(data) > limit:
        size = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"
        raise InputError(f"larger than {size}, the limit for an input file", file=name)
    return data


__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_LINE_LENGTH",
    "MAX_TEXT_LINES",
    "MAX_YAML_DEPTH",
    "PATTERN_SECONDS",
    "read_limited",
    "read_stream",
]
