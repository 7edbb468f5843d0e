"""``/sparql``: the read-only SPARQL 1.1 Protocol over the query pool.

The request's parameters are read here (``protocol.parse_request``); the query text is read
with the SPARQL grammar by the worker that will run it, once it is its client's turn. If the
client disconnects meanwhile, its query is taken off the queue or stopped. The answer, spooled
by the pool, is sent a piece at a time as the client reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from heze_ip_kg.serve.exchange import Exchange
from heze_ip_kg.serve.negotiation import negotiate
from heze_ip_kg.serve.pool import Answer, QueryPool
from heze_ip_kg.serve.protocol import QueryRequest, RefusedError, parse_request

if TYPE_CHECKING:
    from heze_ip_kg.serve.server import ServerSettings


async def answer_sparql(
    exchange: Exchange, query_string: str, pool: QueryPool, settings: ServerSettings
) -> None:
    """Answer one request to the endpoint."""
    method = "GET" if exchange.method == "HEAD" else exchange.method
    accept = exchange.header("accept")
    if (
        method == "GET"
        and "query=" not in query_string
        and negotiate(accept, ["application/sparql-results+json", "text/html"]) == "text/html"
    ):
        headers = {"Location": "/query.html", "Vary": "Accept"}
        await exchange.text(303, "See /query.html", headers)  # a person: the query page
        return
    body = b""
    if method == "POST":
        received = await exchange.body(settings.max_request_bytes)
        if received is None:
            return
        body = received
    try:
        request = parse_request(
            method,
            query_string,
            exchange.header("content-type"),
            body,
            accept,
            max_chars=settings.max_query_chars,
        )
    except RefusedError as refused:
        await exchange.text(refused.status, refused.message)
        return
    answer = await _run_unless_left(exchange, pool, request)
    if answer is None:
        return
    with contextlib.closing(answer):
        headers = {"Vary": "Accept", "X-Result-Limit": str(settings.max_rows)}
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
        if answer.retry_after:
            headers["Retry-After"] = "1"
        await exchange.start(answer.status, answer.content_type, answer.length, headers)
        await exchange.stream(answer.body)


async def _run_unless_left(
    exchange: Exchange, pool: QueryPool, request: QueryRequest
) -> Answer | None:
    """The pool's answer, or None if the client disconnected first (its query is stopped)."""
    running = asyncio.ensure_future(pool.execute(request, exchange.client))
    leaving = asyncio.ensure_future(exchange.left())
    try:
        await asyncio.wait({running, leaving}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        leaving.cancel()
    if running.done():
        return running.result()
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    return None


__all__ = ["answer_sparql"]
