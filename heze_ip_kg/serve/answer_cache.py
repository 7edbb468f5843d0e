"""Answers kept for identical queries: the served graph does not change while it is served.

The zygote loads the dump once and every worker queries that one store, so the same request —
the same query text, ``Accept``, format names and graph parameters — gets the same bytes, and
the endpoint can give them again without a worker. That is what a planner's catalogue page or
a class of students asking the same query meets; a runaway or malformed query is never stored
(only ``200`` answers are), and a query calling a function whose value changes between calls
(``NOW``, ``RAND``, ``UUID``, ``STRUUID``, ``BNODE``) is never stored either. The cache holds at
most ``max_bytes`` of answers, each at most ``max_bytes // 16``, dropping the least recently
used first, so no client can grow the server with it.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from dataclasses import dataclass

from heze_ip_kg.serve.answers import Answer
from heze_ip_kg.serve.protocol import QueryRequest

# A mention in a string or a name only makes a query uncached: the safe side.
_CHANGING = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
ENTRY_SHARE = 16  # an answer may take at most this share of the cache


@dataclass(frozen=True)
class _Stored:
    status: int
    content_type: str
    data: bytes
    truncated: bool
    rows: int

    def answer(self) -> Answer:
        body = io.BytesIO(self.data)  # shares the bytes until written to: no copy
        return Answer(
            self.status, self.content_type, body, len(self.data), self.truncated, self.rows
        )


class AnswerCache:
    """Answers by request, least recently used dropped first; ``hits`` and ``stored`` count."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, max_bytes)
        self._entries: OrderedDict[QueryRequest, _Stored] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.stored = 0

    def cacheable(self, request: QueryRequest) -> bool:
        """Whether an answer to ``request`` may be given again."""
        return self.max_bytes > 0 and _CHANGING.search(request.query) is None

    def get(self, request: QueryRequest) -> Answer | None:
        """A fresh answer with the stored bytes, or None."""
        found = self._entries.get(request)
        if found is None:
            return None
        self._entries.move_to_end(request)
        self.hits += 1
        return found.answer()

    def put(self, request: QueryRequest, answer: Answer) -> bool:
        """Keep ``answer`` (read from its start, left at its start) if it may be kept."""
        if answer.status != 200 or answer.length > self.max_bytes // ENTRY_SHARE:
            return False
        if not self.cacheable(request) or request in self._entries:
            return False
        data = answer.read()
        answer.body.seek(0)
        stored = _Stored(answer.status, answer.content_type, data, answer.truncated, answer.rows)
        self._entries[request] = stored
        self._bytes += len(data)
        self.stored += 1
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.data)
        return True

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["AnswerCache"]
