"""Who goes next: each client's recent use of the query workers, and when to make room.

A client's usage is the CPU time its queries took, halving every ``USAGE_HALF_LIFE`` seconds
(CPU, not time passed: on a busy machine every query takes longer to run, and waiting for the
CPU is no use of it). A free worker takes the next query of the client that has used the least;
and a long query (past ``short_seconds`` of CPU) is stopped to make room only when a client that
has used clearly less — less than half as much, and a short query's worth less — is waiting.
"""

from __future__ import annotations

import math
import time

from heze_ip_kg.serve.answers import QueryLimits

USAGE_HALF_LIFE = 30.0
MAX_CLIENTS = 10_000  # past this, the lightest half is forgotten


class Fairness:
    """Each client's decayed CPU seconds."""

    def __init__(self) -> None:
        self._used: dict[str, tuple[float, float]] = {}  # client: (seconds, as of)

    def usage(self, client: str, now: float | None = None) -> float:
        """The CPU seconds of ``client``'s finished queries, decayed to ``now``."""
        now = time.monotonic() if now is None else now
        used, since = self._used.get(client, (0.0, now))
        return used * math.pow(0.5, (now - since) / USAGE_HALF_LIFE)

    def charge(self, client: str, seconds: float) -> None:
        now = time.monotonic()
        self._used[client] = (self.usage(client, now) + max(seconds, 0.0), now)
        if len(self._used) > MAX_CLIENTS:
            for old in sorted(self._used, key=lambda c: self._used[c][0])[: MAX_CLIENTS // 2]:
                del self._used[old]

    @staticmethod
    def clearly_heavier(heavy: float, light: float, limits: QueryLimits) -> bool:
        """Whether a client that used ``heavy`` should yield to one that used ``light``."""
        return heavy > 2 * light + limits.short_seconds


__all__ = ["USAGE_HALF_LIFE", "Fairness"]
