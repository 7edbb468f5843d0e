"""A query worker: one pyoxigraph store, one query at a time, answers written as they come.

Workers are forked by the zygote (``heze_ip_kg.serve.zygote``) with the store already loaded,
then sandboxed (``sandbox``: no network, a memory budget) before they read any query. Each query
is first read with the SPARQL grammar (``protocol.check_query``): refused if it is an update,
uses ``SERVICE``, is malformed or nested too deep — so reading a costly text takes this
worker's time, within the query's time limit, and never the server's. A worker
never dies of a bad request: anything a query raises becomes an answer. What it cannot survive —
a crash of the engine, an exhausted memory budget — ends the process, and the server reports it
from the exit status.

The engine recurses on nested queries; the endpoint's parse check bounds the nesting, and the
queries also run in a thread with a larger stack than the main thread's, so that a depth the
check allows is far from one that would overflow.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox

from heze_ip_kg.serve.negotiation import negotiate
from heze_ip_kg.serve.protocol import RefusedError, check_query
from heze_ip_kg.serve.results import (
    CONTENT_TYPES,
    FORMAT_NAMES,
    SELECT_TYPES,
    SelectWriter,
    ask_result,
)
from heze_ip_kg.serve.wire import CHUNK_BYTES, DATA, END, HEADER, QUERY, RESET, frame, json_frame

STACK_BYTES = 64 * 1024 * 1024  # eight times the main thread's default
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
GRAPH_FORMAT_NAMES = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
TEXT = "text/plain; charset=utf-8"


class Body:
    """An answer's body, sent to the server in DATA frames as it grows."""

    def __init__(self, channel: socket.socket) -> None:
        self.channel = channel
        self.pending = bytearray()

    def emit(self, data: bytes) -> None:
        self.pending.extend(data)
        while len(self.pending) >= CHUNK_BYTES:
            self.channel.sendall(frame(DATA, bytes(self.pending[:CHUNK_BYTES])))
            del self.pending[:CHUNK_BYTES]

    def reset(self) -> None:
        """Drop what was written so far (a query failed while its answer was written)."""
        self.pending.clear()
        self.channel.sendall(frame(RESET, b""))

    def finish(self, end: dict[str, Any]) -> None:
        if self.pending:
            self.channel.sendall(frame(DATA, bytes(self.pending)))
        self.channel.sendall(json_frame(END, end))


def _chosen(request: dict[str, Any], offers: dict[str, Any], names: dict[str, str]) -> str | None:
    """The first ``format=``/``output=`` that fits this kind of result, else by ``Accept``.

    SPARQLWrapper sends both parameters, one with a short name and one with a media type.
    """
    for name in request.get("formats", []):
        media = names.get(str(name), str(name))
        if media in offers:
            return media
    return negotiate(request.get("accept"), list(offers))  # no format, or one for another kind


def _error(body: Body, status: int, message: str) -> dict[str, Any]:
    body.reset()
    body.emit((message + "\n").encode("utf-8"))
    return {"status": status, "content_type": TEXT}


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def execute(store: ox.Store, request: dict[str, Any], body: Body) -> dict[str, Any]:
    """Run one query request, writing its answer to ``body``; the status and counts.

    Stops at ``max_rows`` rows (or triples) or once ``max_bytes`` are written, and says so.
    """
    max_rows, max_bytes = int(request["max_rows"]), int(request["max_bytes"])
    check = request.get("check")
    if check is not None:
        try:
            check_query(request["query"], **check)
        except RefusedError as refused:
            return _error(body, refused.status, refused.message)
    try:
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
            ox.NamedNode(iri) for iri in request.get("default_graph", [])
        ]
        named: list[ox.NamedNode | ox.BlankNode] = [
            ox.NamedNode(iri) for iri in request.get("named_graphs", [])
        ]
        result = store.query(
            request["query"],
            base_iri=request.get("base_iri"),
            default_graph=default or None,
            named_graphs=named or None,
        )
        if isinstance(result, ox.QueryBoolean):
            media = _chosen(request, SELECT_TYPES, FORMAT_NAMES)
            if media is None:
                return _error(body, 406, "acceptable: " + ", ".join(SELECT_TYPES))
            fmt = SELECT_TYPES[media]
            body.emit(ask_result(bool(result), fmt))
            return {"status": 200, "content_type": CONTENT_TYPES[fmt], "rows": 1}
        if isinstance(result, ox.QuerySolutions):
            media = _chosen(request, SELECT_TYPES, FORMAT_NAMES)
            if media is None:
                return _error(body, 406, "acceptable: " + ", ".join(SELECT_TYPES))
            return _select(result, SELECT_TYPES[media], body.emit, max_rows, max_bytes)
        media = _chosen(request, GRAPH_TYPES, GRAPH_FORMAT_NAMES)
        if media is None:
            return _error(body, 406, "acceptable: " + ", ".join(GRAPH_TYPES))
        return _graph(result, media, body.emit, max_rows, max_bytes)
    except SyntaxError as err:
        return _error(body, 400, f"malformed query: {_first_line(err)}")
    except MemoryError:
        return _error(body, 503, "the query was stopped: it ran out of its memory budget")
    except PermissionError as err:  # the sandbox refused a connection (SERVICE)
        return _error(body, 403, f"the query tried to reach the network: {_first_line(err)}")
    except Exception as err:  # any failure of one query is that query's answer
        return _error(body, 400, f"query failed: {_first_line(err)}")


def _select(
    result: ox.QuerySolutions,
    fmt: str,
    emit: Callable[[bytes], None],
    max_rows: int,
    max_bytes: int,
) -> dict[str, Any]:
    variables = [v.value for v in result.variables]
    writer = SelectWriter(variables, fmt)
    written = len(start := writer.start())
    emit(start)
    rows = 0
    truncated = False
    for solution in result:
        if rows == max_rows or written >= max_bytes:
            truncated = True
            break
        row = writer.row([solution[v] for v in variables])
        written += len(row)
        rows += 1
        emit(row)
    emit(writer.end())
    return {"status": 200, "content_type": CONTENT_TYPES[fmt], "rows": rows, "truncated": truncated}


def _graph(
    result: ox.QueryTriples,
    media: str,
    emit: Callable[[bytes], None],
    max_rows: int,
    max_bytes: int,
) -> dict[str, Any]:
    triples: list[ox.Triple] = []
    size = 0
    truncated = False
    for triple in result:
        if len(triples) == max_rows or size >= max_bytes:
            truncated = True
            break
        triples.append(triple)
        size += len(str(triple))
    emit(ox.serialize(triples, format=GRAPH_TYPES[media]) or b"")
    content_type = f"{media}; charset=utf-8"
    return {
        "status": 200,
        "content_type": content_type,
        "rows": len(triples),
        "truncated": truncated,
    }


def _frames(channel: socket.socket) -> Iterator[tuple[bytes, bytes]]:
    """The frames the server sends, until it closes the channel."""
    stream = channel.makefile("rb")
    while header := stream.read(HEADER.size):
        if len(header) < HEADER.size:
            return
        kind, length = HEADER.unpack(header)
        yield kind, stream.read(length)


def serve(store: ox.Store, channel: socket.socket) -> None:
    """Answer query frames on ``channel`` until the server closes it."""
    for kind, payload in _frames(channel):
        if kind != QUERY:
            return
        body = Body(channel)
        try:
            end = execute(store, json.loads(payload), body)
        except (ValueError, KeyError, TypeError) as err:  # a request the server should not send
            end = _error(body, 500, f"bad request to the worker: {_first_line(err)}")
        body.finish(end)


def run(store: ox.Store, channel: socket.socket) -> None:
    """Serve ``channel`` in a thread with a deep stack; return when the server hangs up."""
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=serve, args=(store, channel), name="queries")
    thread.start()
    thread.join()


__all__ = ["Body", "execute", "run", "serve"]
