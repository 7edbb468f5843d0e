"""What the query pool gives and is given: the limits of one query, and an answer's spool."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import IO

from heze_ip_kg.serve.protocol import CHECK_SECONDS
from heze_ip_kg.serve.sparql_syntax import DEFAULT_MAX_DEPTH

SPOOL_MEMORY_BYTES = 256 * 1024
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class QueryLimits:
    """What one query may take, and how queries share the workers."""

    timeout: float = 10.0
    max_rows: int = 10_000
    memory_bytes: int = 1024**3
    max_answer_bytes: int = 64 * 1024**2
    short_seconds: float = 0.5
    queued_per_client: int = 32
    max_query_chars: int = 64 * 1024
    max_query_depth: int = DEFAULT_MAX_DEPTH
    check_seconds: float = CHECK_SECONDS
    base_iri: str | None = None  # what relative IRIs in a query resolve against
    queue_seconds: float | None = None  # how long a query may wait (default 3 × timeout)
    answer_cache_bytes: int = 64 * 1024**2  # answers kept for identical queries (0: none)

    @property
    def wait_seconds(self) -> float:
        return self.queue_seconds if self.queue_seconds is not None else 3 * self.timeout


@dataclass
class Answer:
    """An HTTP answer for the endpoint; ``body`` is a spool to read from its start."""

    status: int
    content_type: str
    body: IO[bytes]
    length: int
    truncated: bool = False
    rows: int = 0
    retry_after: bool = False

    @classmethod
    def text(cls, status: int, message: str, *, retry_after: bool = False) -> Answer:
        data = (message + "\n").encode("utf-8")
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - sent later
        spool.write(data)
        spool.seek(0)
        return cls(status, TEXT, spool, len(data), retry_after=retry_after)

    def read(self) -> bytes:
        """The whole body (for tests and small answers)."""
        self.body.seek(0)
        return self.body.read()

    def close(self) -> None:
        self.body.close()


__all__ = ["SPOOL_MEMORY_BYTES", "TEXT", "Answer", "QueryLimits"]
