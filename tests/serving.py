"""Helpers for tests of ``serve``: a server in a thread, and a client that does not follow 303."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from rdflib import Graph

from heze_ip_kg.serve import Server, ServerSettings, make_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextmanager
def running(settings: ServerSettings) -> Iterator[Server]:
    """A server for ``settings`` answering in a background thread, stopped afterwards."""
    server = make_server(settings)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    server: Server,
    path: str,
    accept: str | None = None,
    data: bytes | None = None,
    content_type: str | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.url + path, data=data, method=method)
    if accept is not None:
        request.add_header("Accept", accept)
    if content_type is not None:
        request.add_header("Content-Type", content_type)
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def sparql_get(
    server: Server, query: str, accept: str = "application/sparql-results+json"
) -> tuple[int, dict[str, str], bytes]:
    return fetch(server, "/sparql?" + urllib.parse.urlencode({"query": query}), accept)


def assert_still_answers(server: Server, graph: Graph) -> None:
    status, _, body = sparql_get(server, COUNT, "text/csv")
    assert (status, body) == (200, f"n\r\n{len(graph)}\r\n".encode())
