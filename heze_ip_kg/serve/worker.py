"""A SPARQL worker process: one pyoxigraph store, one query at a time, over stdin/stdout.

The server runs queries here rather than in its own process because pyoxigraph cannot cancel a
running query: a query past its time limit is stopped by killing its worker, and a memory limit
(``RLIMIT_AS``) keeps a pathological query from taking the machine with it.

Protocol: the parent writes one JSON request per line; the worker answers with one JSON header
line (``status``, ``content_type``, ``length``, ``truncated``, ``rows``) followed by ``length``
bytes of body. Its first line, once the store is loaded, is ``{"ready": true, "triples": N}``.

Run as ``python -m heze_ip_kg.serve.worker DUMP.nt MEMORY_BYTES``.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from heze_ip_kg.serve.negotiation import negotiate
from heze_ip_kg.serve.results import (
    CONTENT_TYPES,
    FORMAT_NAMES,
    SELECT_TYPES,
    ask_result,
    select_results,
)

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


def _answer(
    status: int, content_type: str, body: bytes, **extra: Any
) -> tuple[dict[str, Any], bytes]:
    header = {"status": status, "content_type": content_type, "length": len(body)}
    header.update(extra)
    return header, body


def _error(status: int, message: str) -> tuple[dict[str, Any], bytes]:
    return _answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _chosen(request: dict[str, Any], offers: dict[str, Any], names: dict[str, str]) -> str | None:
    """The first ``format=``/``output=`` that fits this kind of result, else by ``Accept``.

    SPARQLWrapper sends both parameters, one with a short name and one with a media type.
    """
    for name in request.get("formats", []):
        media = names.get(str(name), str(name))
        if media in offers:
            return media
    return negotiate(request.get("accept"), list(offers))  # no format, or one for another kind


def execute(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one query request against ``store`` and write its answer."""
    default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(iri) for iri in request.get("default_graph", [])
    ]
    named: list[ox.NamedNode | ox.BlankNode] = [
        ox.NamedNode(iri) for iri in request.get("named_graphs", [])
    ]
    try:
        result = store.query(
            request["query"], default_graph=default or None, named_graphs=named or None
        )
    except SyntaxError as err:
        return _error(400, f"malformed query: {str(err).strip().splitlines()[0]}")
    except (ValueError, OSError, RuntimeError) as err:
        return _error(400, f"query failed: {str(err).strip().splitlines()[0]}")
    max_rows = int(request["max_rows"])
    if isinstance(result, ox.QuerySolutions):
        media = _chosen(request, SELECT_TYPES, FORMAT_NAMES)
        if media is None:
            return _error(406, "acceptable: " + ", ".join(SELECT_TYPES))
        variables = [v.value for v in result.variables]
        rows: list[list[Any]] = []
        for solution in result:
            if len(rows) == max_rows:
                return _select(variables, rows, SELECT_TYPES[media], truncated=True)
            rows.append([solution[v] for v in variables])
        return _select(variables, rows, SELECT_TYPES[media], truncated=False)
    if isinstance(result, ox.QueryBoolean):
        media = _chosen(request, SELECT_TYPES, FORMAT_NAMES)
        if media is None:
            return _error(406, "acceptable: " + ", ".join(SELECT_TYPES))
        fmt = SELECT_TYPES[media]
        return _answer(200, CONTENT_TYPES[fmt], ask_result(bool(result), fmt), rows=1)
    media = _chosen(request, GRAPH_TYPES, GRAPH_FORMAT_NAMES)
    if media is None:
        return _error(406, "acceptable: " + ", ".join(GRAPH_TYPES))
    triples: list[ox.Triple] = []
    for triple in result:
        if len(triples) == max_rows:
            break
        triples.append(triple)
    truncated = len(triples) == max_rows and next(iter(result), None) is not None
    body = ox.serialize(triples, format=GRAPH_TYPES[media]) or b""
    return _answer(200, f"{media}; charset=utf-8", body, truncated=truncated, rows=len(triples))


def _select(
    variables: list[str], rows: list[list[Any]], fmt: str, *, truncated: bool
) -> tuple[dict[str, Any], bytes]:
    body = select_results(variables, rows, fmt)
    return _answer(200, CONTENT_TYPES[fmt], body, truncated=truncated, rows=len(rows))


def serve_requests(store: ox.Store, requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer request lines until the parent closes the pipe."""
    for line in requests:
        try:
            header, body = execute(store, json.loads(line))
        except MemoryError:
            header, body = _error(503, "the query ran out of its memory budget")
        answers.write(json.dumps(header).encode("utf-8") + b"\n" + body)
        answers.flush()


def main(argv: list[str]) -> int:
    dump, memory = Path(argv[0]), int(argv[1])
    answers = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the parent's pipe
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    store = ox.Store()
    store.bulk_load(path=dump, format=ox.RdfFormat.N_TRIPLES)
    answers.write(json.dumps({"ready": True, "triples": len(store)}).encode("utf-8") + b"\n")
    answers.flush()
    serve_requests(store, sys.stdin.buffer, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
