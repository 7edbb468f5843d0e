"""Where queries run: rdflib in memory, pyoxigraph embedded, or any SPARQL 1.1 endpoint.

Every backend answers a catalogue ``Query`` with the same ``Table``: parameters are bound as RDF
terms (rdflib ``initBindings``, pyoxigraph ``substitutions``, or a ``VALUES`` block built from
validated terms for a remote endpoint — never raw user text), and every cell is normalised the
same way (numbers in canonical decimal form), so results compare equal across stores.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from heze_ip_kg.dumps import serialize
from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.query import Cell, Query, Table, bind_params, normalise_cell, run_query

STORES = ("auto", "rdflib", "oxigraph")
# Above this many triples "auto" picks the embedded Oxigraph store.
AUTO_OXIGRAPH_TRIPLES = 50_000
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class Backend(Protocol):
    """Something that runs a catalogue query and returns a ``Table``."""

    name: str

    def select(self, query: Query, params: Mapping[str, str] | None = None) -> Table: ...


@dataclass
class RdflibBackend:
    """rdflib's in-memory store: the reference implementation."""

    graph: Graph
    name: str = "rdflib"

    def select(self, query: Query, params: Mapping[str, str] | None = None) -> Table:
        return run_query(query, self.graph, params)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


class OxigraphBackend:
    """pyoxigraph's embedded store, loaded from the graph's N-Triples: fast on large graphs."""

    name = "oxigraph"

    def __init__(self, graph: Graph) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self.store = pyoxigraph.Store()
        self.store.bulk_load(serialize(graph, "nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)

    def _term(self, term: Identifier) -> Any:
        ox = self._ox
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        assert isinstance(term, Literal)
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))

    def select(self, query: Query, params: Mapping[str, str] | None = None) -> Table:
        ox = self._ox
        bindings = bind_params(query, params or {})
        substitutions = {ox.Variable(k): self._term(v) for k, v in bindings.items()}
        try:
            solutions = self.store.query(query.text, substitutions=substitutions)
        except (SyntaxError, ValueError, OSError) as err:
            raise HezeIpKgError(f"query {query.name} failed: {_first_line(err)}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise HezeIpKgError(f"query {query.name} is not a SELECT query")
        names = tuple(v.value for v in solutions.variables)
        rows = []
        for solution in solutions:
            rows.append(tuple(normalise_cell(self._cell(solution[n])) for n in names))
        return Table(names, tuple(rows))

    def _cell(self, term: Any) -> Cell | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.Literal):
            return ("literal", term.value, term.datatype.value, term.language)
        if isinstance(term, ox.BlankNode):
            return ("bnode", term.value, None, None)
        return ("uri", term.value, None, None)


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """A ``VALUES`` clause for bound parameters, written from RDF terms (``n3()`` escapes)."""
    if not bindings:
        return ""
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(v.n3() for v in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}\n"


def inline_params(query: Query, params: Mapping[str, str] | None) -> str:
    """The query text with its parameters bound by a ``VALUES`` block at the top of WHERE."""
    block = values_block(bind_params(query, params or {}))
    if not block:
        return query.text
    match = _WHERE.search(query.text)
    if match is None:
        raise HezeIpKgError(f"query {query.name}: no WHERE clause to bind parameters in")
    return query.text[: match.end()] + "\n  " + block + query.text[match.end() :]


@dataclass
class EndpointBackend:
    """Any SPARQL 1.1 Protocol endpoint, through SPARQLWrapper."""

    url: str
    default_graph: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: int = 60
    name: str = "endpoint"

    def select(self, query: Query, params: Mapping[str, str] | None = None) -> Table:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        client = SPARQLWrapper(self.url)
        client.setQuery(inline_params(query, params))
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        if self.default_graph:
            client.addDefaultGraph(self.default_graph)
        if self.user is not None:
            from SPARQLWrapper import BASIC, DIGEST

            client.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            client.setCredentials(self.user, self.password or "")
        try:
            data = client.queryAndConvert()
        except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
            reason = getattr(err, "reason", err)
            raise HezeIpKgError(f"endpoint {self.url} unreachable: {reason}") from None
        except Exception as err:  # SPARQLWrapper wraps server errors in its own types
            raise HezeIpKgError(
                f"query {query.name} failed at {self.url}: {_first_line(err)}"
            ) from None
        if not isinstance(data, dict) or "head" not in data:
            raise HezeIpKgError(f"endpoint {self.url} did not return SPARQL JSON results")
        names = tuple(data["head"].get("vars", []))
        rows = []
        for binding in data["results"]["bindings"]:
            rows.append(tuple(normalise_cell(_json_cell(binding.get(n))) for n in names))
        return Table(names, tuple(rows))


def _json_cell(cell: dict[str, str] | None) -> Cell | None:
    if cell is None:
        return None
    kind = cell["type"]
    if kind in ("literal", "typed-literal"):
        return ("literal", cell["value"], cell.get("datatype"), cell.get("xml:lang"))
    if kind == "bnode":
        return ("bnode", cell["value"], None, None)
    return ("uri", cell["value"], None, None)


def open_backend(
    graph: Graph | None = None,
    *,
    store: str = "auto",
    endpoint: str | None = None,
    **endpoint_options: Any,
) -> Backend:
    """The backend asked for: a remote endpoint, or an embedded store over ``graph``."""
    if endpoint is not None:
        if not urllib.parse.urlsplit(endpoint).scheme.startswith("http"):
            raise HezeIpKgError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        return EndpointBackend(endpoint, **endpoint_options)
    if graph is None:
        raise HezeIpKgError("no graph and no endpoint to query")
    if store not in STORES:
        raise HezeIpKgError(f"store must be one of {', '.join(STORES)}")
    if store == "oxigraph" or (store == "auto" and len(graph) > AUTO_OXIGRAPH_TRIPLES):
        return OxigraphBackend(graph)
    return RdflibBackend(graph)


__all__ = [
    "AUTO_OXIGRAPH_TRIPLES",
    "STORES",
    "Backend",
    "EndpointBackend",
    "OxigraphBackend",
    "RdflibBackend",
    "inline_params",
    "open_backend",
    "values_block",
]
