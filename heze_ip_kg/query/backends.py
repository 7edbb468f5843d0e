"""Where queries run: rdflib in memory, pyoxigraph embedded, or any SPARQL 1.1 endpoint.

Every backend answers a catalogue ``Query`` with the same ``Table``: parameters are bound as RDF
terms (rdflib ``initBindings``, pyoxigraph ``substitutions``, or a ``VALUES`` block built from
validated terms for a remote endpoint — never raw user text), and every cell is normalised the
same way (numbers in canonical decimal form), so results compare equal across stores.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Graph, URIRef

from heze_ip_kg.errors import HezeIpKgError, InputError
from heze_ip_kg.query.execute import Cell, Query, Table, bind_params, normalise_cell, run_query
from heze_ip_kg.rdfio.dumps import ChunkReader, read_graphs, store_ntriples_chunks

STORES = ("auto", "rdflib", "oxigraph")
# Above this many triples every command takes the fast paths unless told otherwise. Measured
# (docs/scale.md), they win at every size, from one triple (validation 0.02 s against pySHACL's
# 0.08 s, the catalogue 0.01 s against rdflib's 0.43 s) to 30 plans; only an empty graph, with
# nothing to gain, stays on the plain ones.
FAST_ABOVE_TRIPLES = 0
# A file this large is above any threshold as N-Triples; a bad file up to it is re-read by rdflib,
# which names the line and the fault more plainly than Oxigraph.
FAST_FILE_BYTES = 5 * 1024 * 1024


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

    def __init__(self, graph: Graph | None = None, *, path: Path | None = None) -> None:
        """Over ``graph``, or over the RDF file ``path`` loaded by Oxigraph itself (no rdflib)."""
        import pyoxigraph

        self._ox = pyoxigraph
        self.store = pyoxigraph.Store()
        if path is not None:
            formats = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".jsonld": "JSON_LD"}
            fmt = formats.get(path.suffix.lower())
            if fmt is None:
                raise InputError(f"load a .nt, .ttl or .jsonld file, not {path.name}")
            try:
                self.store.bulk_load(path=str(path), format=getattr(pyoxigraph.RdfFormat, fmt))
            except (SyntaxError, ValueError, OSError) as err:
                raise InputError(f"not valid RDF: {_first_line(err)}", file=str(path)) from None
        elif graph is not None:
            # Streamed: the whole N-Triples text of a large graph is never held at once.
            stream = io.BufferedReader(ChunkReader(store_ntriples_chunks(graph)), 1 << 20)
            self.store.bulk_load(stream, format=pyoxigraph.RdfFormat.N_TRIPLES)

    def close(self) -> None:
        """Let the store go (its memory with it, once nothing else holds it); no query after."""
        self.store = None  # type: ignore[assignment]

    def select(self, query: Query, params: Mapping[str, str] | None = None) -> Table:
        ox = self._ox
        # pyoxigraph's own substitutions only bind projected variables; bind by term instead.
        text = substitute_params(query, params)
        try:
            solutions = self.store.query(text)
        except (SyntaxError, ValueError, OSError, RuntimeError) as err:
            raise HezeIpKgError(f"query {query.name} failed: {_first_line(err)}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise HezeIpKgError(f"query {query.name} is not a SELECT query")
        names = tuple(v.value for v in solutions.variables)
        rows = []
        for solution in solutions:
            rows.append(tuple(normalise_cell(self._cell(solution[n])) for n in names))
        return Table(names, tuple(rows))

    def focus_nodes(self, text: str) -> list[URIRef | BNode]:
        """The ``?this`` column of a raw SELECT (SHACL targets and constraints), as rdflib terms."""
        ox = self._ox
        found: list[URIRef | BNode] = []
        solutions = self.store.query(text)
        if not isinstance(solutions, ox.QuerySolutions):
            raise HezeIpKgError("a SHACL target or constraint must be a SELECT query")
        for solution in solutions:
            term = solution["this"]
            if isinstance(term, ox.NamedNode):
                found.append(URIRef(term.value))
            elif isinstance(term, ox.BlankNode):
                found.append(BNode(term.value))
        return found

    def _cell(self, term: Any) -> Cell | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.Literal):
            return ("literal", term.value, term.datatype.value, term.language)
        if isinstance(term, ox.BlankNode):
            return ("bnode", term.value, None, None)
        return ("uri", term.value, None, None)


def substitute_params(query: Query, params: Mapping[str, str] | None) -> str:
    """The query text, header dropped, each parameter variable replaced by its bound RDF term.

    The terms come from ``bind_params`` (an IRI checked against the IRI grammar, a literal
    written by ``n3()`` with its quotes escaped), so no user text reaches the query unparsed.
    Substitution rather than ``VALUES`` because some servers (Virtuoso 7) ignore a ``VALUES``
    binding under a property path such as ``hip:implements*``. The header goes because clients
    such as SPARQLWrapper guess the query type from keywords, and a description mentioning a
    "load" would make it an update.
    """
    lines = query.text.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    text = "".join(lines)
    for name, term in bind_params(query, params or {}).items():
        written = term.n3().replace("\\", "\\\\")  # re.sub reads backslashes in repl
        text = re.sub(rf"(?<![\w?$])[?$]{re.escape(name)}(?!\w)", written, text)
    return text


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
        client.setQuery(substitute_params(query, params))
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


def choose_fast(triples: int, fast: bool | None = None) -> bool:
    """Whether a command takes the fast paths (the embedded Oxigraph store for queries, the
    fast SHACL path for validation), which give the same answers as rdflib and pySHACL (the
    tests show it): ``fast`` when given (``--fast``/``--plain``, ``--store``), else by size.

    The one place the choice is made: ``validate``, ``query``, ``progress``, ``trace``,
    ``coverage``, ``responsibility`` and ``publish`` all ask here.
    """
    return fast if fast is not None else triples > FAST_ABOVE_TRIPLES


def store_fast(store: str) -> bool | None:
    """``--store``'s choice as ``choose_fast``'s ``fast``: forced either way, or ``None``."""
    if store not in STORES:
        raise HezeIpKgError(f"store must be one of {', '.join(STORES)}")
    return None if store == "auto" else store == "oxigraph"


def open_backend(
    graph: Graph | None = None,
    *,
    path: Path | None = None,
    store: str = "auto",
    endpoint: str | None = None,
    **endpoint_options: Any,
) -> Backend:
    """The backend asked for: a remote endpoint, or an embedded store over ``graph`` or over the
    RDF file ``path`` (``--from``: Oxigraph reads a large file itself, rdflib never sees it)."""
    fast = store_fast(store)
    if path is not None:
        size = path.stat().st_size
        # Oxigraph reads the file itself (rdflib never parses it) when the fast path is certain:
        # forced, chosen from the first triple on, or for a file far above the threshold.
        certain = size > FAST_FILE_BYTES or (FAST_ABOVE_TRIPLES == 0 and size > 0)
        if fast or (fast is None and certain):
            try:
                return OxigraphBackend(path=path)
            except InputError:
                if size > FAST_FILE_BYTES:
                    raise
                read_graphs((path,))  # rdflib names the line and the fault more plainly
                raise
        graph = read_graphs((path,))
    if endpoint is not None:
        if not urllib.parse.urlsplit(endpoint).scheme.startswith("http"):
            raise HezeIpKgError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        return EndpointBackend(endpoint, **endpoint_options)
    if graph is None:
        raise HezeIpKgError("no graph and no endpoint to query")
    if choose_fast(len(graph), fast):
        return OxigraphBackend(graph)
    return RdflibBackend(graph)


__all__ = [
    "FAST_ABOVE_TRIPLES",
    "STORES",
    "Backend",
    "EndpointBackend",
    "OxigraphBackend",
    "RdflibBackend",
    "choose_fast",
    "open_backend",
    "store_fast",
    "substitute_params",
]
