"""The HTTP/1.1 connection: uvicorn's h11 protocol with two guards it lacks.

- **Slow headers**: uvicorn's keep-alive timer is reset by every byte, so a client sending its
  request line a byte at a time ("slowloris") would hold the connection forever; here a request
  whose headers are not complete ``header_seconds`` after the connection opened (or after the
  previous answer) loses its connection.
- **Aborting**: a client that stops reading an answer fills the socket buffers; closing such a
  connection would wait for them to drain, so the application gets ``scope["state"]["abort"]``
  to drop it at once.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 20.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on request headers and an abort for the app."""

    header_seconds = HEADER_SECONDS
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.app_state = {**self.app_state, "abort": transport.abort}
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self.header_seconds, self._headers_overdue)

    def _headers_overdue(self) -> None:
        waiting_for_request = self.conn.their_state is h11.IDLE
        if waiting_for_request and not self.transport.is_closing():
            self.transport.abort()


__all__ = ["HEADER_SECONDS", "GuardedH11Protocol"]
