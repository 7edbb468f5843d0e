"""One HTTP exchange in ASGI terms: answering with the common headers, reading a bounded body.

Every answer carries the headers docs/security.md promises (CORS, ``nosniff``, no referrer, a
Content-Security-Policy on HTML). Every piece sent must be taken by the client within
``send_seconds``, or the connection is dropped: a client that stops reading holds at most the
socket buffers and one spool, and not for long.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import IO, Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = dict[str, str]

SEND_SECONDS = 30.0
BODY_SECONDS = 30.0
CHUNK_BYTES = 64 * 1024
# A refusal sent before the request body was read is preceded by a bounded drain of that body
# (nginx's "lingering close" does the same after it): closing a socket with unread input makes
# the kernel send a reset, which can destroy the refusal before the client reads it.
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 * 1024 * 1024
HTML_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
COMMON_HEADERS = {
    "Server": "heze-ip-kg",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Result-Truncated, X-Result-Limit, Retry-After",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class ClientGoneError(Exception):
    """The client stopped reading (or left); its connection has been dropped."""


@dataclass
class Exchange:
    """The request's scope with guarded ``send`` and ``receive``."""

    scope: Scope
    _receive: Receive
    _send: Send
    send_seconds: float = SEND_SECONDS

    @property
    def method(self) -> str:
        return str(self.scope["method"])

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode("latin-1")
        for key, value in self.scope["headers"]:
            if key == wanted:
                return bytes(value).decode("latin-1")
        return None

    @property
    def client(self) -> str:
        client = self.scope.get("client")
        return str(client[0]) if client else ""

    def abort(self) -> None:
        abort = self.scope.get("state", {}).get("abort")
        if abort is not None:
            abort()

    async def send(self, message: Message) -> None:
        try:
            await asyncio.wait_for(self._send(message), self.send_seconds)
        except TimeoutError:
            self.abort()
            await asyncio.sleep(0)  # let the server see the connection gone before we return
            raise ClientGoneError from None

    async def start(
        self, status: int, content_type: str, length: int, headers: Headers | None = None
    ) -> None:
        """Send the status line and headers."""
        fields = {**COMMON_HEADERS, "Content-Type": content_type, "Content-Length": str(length)}
        if content_type.startswith("text/html"):
            fields["Content-Security-Policy"] = HTML_POLICY
        fields.update(headers or {})
        encoded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in fields.items()]
        await self.send({"type": "http.response.start", "status": status, "headers": encoded})

    async def respond(
        self, status: int, content_type: str, body: bytes, headers: Headers | None = None
    ) -> None:
        await self.start(status, content_type, len(body), headers)
        await self.send({"type": "http.response.body", "body": body})

    async def text(self, status: int, message: str, headers: Headers | None = None) -> None:
        body = (message + "\n").encode("utf-8")
        await self.respond(status, "text/plain; charset=utf-8", body, headers)

    async def stream(self, body: IO[bytes]) -> None:
        """Send ``body`` from where it stands, a piece at a time (headers already sent)."""
        while chunk := body.read(CHUNK_BYTES):
            await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        await self.send({"type": "http.response.body", "body": b""})

    async def refuse_unread(
        self, status: int, message: str, headers: Headers | None = None
    ) -> None:
        """Refuse before reading the body: drain it within bounds, then answer and close."""
        if (self.header("expect") or "").lower() != "100-continue":  # else nothing was sent
            deadline = time.monotonic() + LINGER_SECONDS
            drained = 0
            while drained < LINGER_BYTES:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    message_in = await asyncio.wait_for(self._receive(), remaining)
                except TimeoutError:
                    break
                if message_in["type"] != "http.request":
                    return  # the client left
                drained += len(message_in.get("body", b""))
                if not message_in.get("more_body"):
                    break
        await self.text(status, message, {**(headers or {}), "Connection": "close"})

    async def body(self, limit: int) -> bytes | None:
        """The request body (at most ``limit`` bytes, within ``BODY_SECONDS``), or None.

        None means the request was refused here (411, 413 or 408) and answered.
        """
        if "chunked" in (self.header("transfer-encoding") or "").lower():
            await self.refuse_unread(411, "send a Content-Length, not a chunked body")
            return None
        try:
            length = int(self.header("content-length") or "")
        except ValueError:
            await self.refuse_unread(411, "POST needs a Content-Length")
            return None
        if length < 0 or length > limit:
            await self.refuse_unread(413, f"request body over {limit} bytes")
            return None
        parts: list[bytes] = []
        deadline = time.monotonic() + BODY_SECONDS
        while True:
            try:
                message = await asyncio.wait_for(self._receive(), deadline - time.monotonic())
            except TimeoutError:
                await self.text(
                    408, "the request body did not arrive in time", {"Connection": "close"}
                )
                return None
            if message["type"] != "http.request":
                raise ClientGoneError
            parts.append(bytes(message.get("body", b"")))
            if not message.get("more_body"):
                return b"".join(parts)

    async def left(self) -> None:
        """Return once the client has disconnected (call after the body was read)."""
        while (await self._receive())["type"] != "http.disconnect":
            pass


__all__ = ["LINGER_SECONDS", "SEND_SECONDS", "ClientGoneError", "Exchange"]
