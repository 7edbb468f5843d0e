"""Loading the graph into a SPARQL server: replace one named graph, never leave it half-written.

With a Graph Store Protocol endpoint the graph is replaced in one transaction. When the target
graph is empty or absent and the server is Oxigraph, the triples go to Oxigraph's bulk loader
(``POST`` with ``no_transaction``), much faster than a transactional ``PUT`` (bench/results.md
compares it with ``oxigraph load``). The bulk loader commits nothing unless the whole body
arrives and parses, so a failed load still leaves the graph empty, as it was.

A non-empty graph on Oxigraph is replaced by sending only what changed: the server's copy is
fetched (while we write ours), compared with ours as two sets of triples
(:mod:`heze_ip_kg.query.graph_patch`: our graph has no blank nodes), and the difference goes as
one SPARQL Update (``DELETE DATA`` of the removed triples, ``INSERT DATA`` of the added ones) to
the update endpoint (``/update`` beside ``/store`` unless given), which Oxigraph applies in one
transaction. Replacing a graph with its next
release costs about what loading it into an empty graph does — a small part of the ``PUT`` that
deletes and inserts every triple in one transaction (bench/results.md) — and the same graph
again writes nothing. Where either side has blank nodes (no set of lines names their triples),
or the patch would write as much as a ``PUT``, and on other servers, the graph goes as one
``PUT``.

Replacing a graph with an unrelated one stays slow on Oxigraph whichever way: every triple is
deleted and inserted in one transaction. ``bulk=True`` (Oxigraph only) loads the new triples
with the bulk loader instead, faster (bench/results.md), but gives the promise up: Oxigraph
clears the graph before its bulk loader starts, so a failed load leaves the graph empty, and the
error says so.

Without a Graph Store endpoint, the triples go by SPARQL Update into a staging graph, chunk by
chunk (a graph with blank nodes, not ours, in one chunk, so that each stays one node), and only
a final ``MOVE`` replaces the target. Either way a load that fails part-way
leaves the previous named graph as it was.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph
from rdflib import BNode, Graph

from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.query.graph_patch import diff_ntriples, update_template
from heze_ip_kg.rdfio.dumps import serialize, store_ntriples

Progress = Callable[[int, int], None]
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class ServerAuth:
    """Credentials for a server that needs them (``basic`` or ``digest``)."""

    user: str
    password: str
    scheme: str = "basic"


def _opener(url: str, auth: ServerAuth | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if auth is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, auth.user, auth.password)
        handler: urllib.request.BaseHandler = (
            urllib.request.HTTPDigestAuthHandler(manager)
            if auth.scheme == "digest"
            else urllib.request.HTTPBasicAuthHandler(manager)
        )
        handlers.append(handler)
    return urllib.request.build_opener(*handlers)


@contextmanager
def _http_errors(url: str) -> Iterator[None]:
    """Turn what urllib raises into one-line errors that name the endpoint."""
    try:
        yield
    except urllib.error.HTTPError as err:
        detail = err.read().decode("utf-8", "replace").strip().splitlines()
        first = detail[0][:200] if detail else err.reason
        raise HezeIpKgError(f"{url} refused the load: HTTP {err.code} {first}") from None
    except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise HezeIpKgError(f"endpoint {url} unreachable: {reason}") from None


def _send(
    url: str, method: str, body: bytes, content_type: str, auth: ServerAuth | None, timeout: float
) -> None:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": content_type}
    )
    with _http_errors(url), _opener(url, auth).open(request, timeout=timeout) as response:
        response.read()


@dataclass(frozen=True)
class _Target:
    """What a Graph Store endpoint said about the target graph before a load."""

    empty: bool
    server: str  # the Server header, e.g. "Oxigraph/0.5.13"

    @property
    def oxigraph(self) -> bool:
        return self.server.startswith("Oxigraph/")


def _probe(url: str, auth: ServerAuth | None, timeout: float) -> _Target:
    """Whether the graph at ``url`` is empty (or absent), reading at most one byte of it."""
    request = urllib.request.Request(url, headers={"Accept": NTRIPLES})
    with _http_errors(url):
        try:
            with _opener(url, auth).open(request, timeout=timeout) as response:
                return _Target(not response.read(1), response.headers.get("Server", ""))
        except urllib.error.HTTPError as err:
            if err.code != 404:
                raise
            return _Target(True, err.headers.get("Server", ""))  # no such graph


def _chunks(graph: Graph, size: int) -> Iterator[list[str]]:
    """N-Triples lines in chunks of ``size``; all in one if the graph has blank nodes (separate
    requests would turn one blank node into several)."""
    lines = serialize(graph, "nt").decode("utf-8").splitlines()
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        size = max(size, len(lines))
    for at in range(0, len(lines), size):
        yield lines[at : at + size]


def _store_load(
    graph: Graph,
    url: str,
    graph_iri: str,
    update_url: str | None,
    auth: ServerAuth | None,
    timeout: float,
    *,
    bulk: bool,
) -> None:
    target = _probe(url, auth, timeout)
    if bulk and not target.oxigraph:
        server = target.server or "a server that does not say which"
        raise HezeIpKgError(f"a bulk load needs Oxigraph; {url} is {server}")
    if target.oxigraph and target.empty:
        # Nothing to lose: the bulk loader commits all or nothing, so the graph stays empty if
        # the load fails. (A writer filling the graph meanwhile would see our triples added to
        # its own; two loads into one graph at once are not supported.)
        _send(url + "&no_transaction", "POST", _unsorted(graph), NTRIPLES, auth, timeout)
    elif bulk:
        _bulk_replace(graph, url, graph_iri, auth, timeout)
    elif not (
        target.oxigraph
        and update_url is not None
        and _patched(graph, url, graph_iri, update_url, auth, timeout)
    ):
        # Sorted N-Triples: the server takes them markedly faster than unsorted (the benchmark).
        _send(url, "PUT", serialize(graph, "nt"), NTRIPLES, auth, timeout)


def _fetch(url: str, auth: ServerAuth | None, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": NTRIPLES})
    with _http_errors(url), _opener(url, auth).open(request, timeout=timeout) as response:
        body: bytes = response.read()
        return body


# Oxigraph server refuses a SPARQL body over 128 MiB (400 "SPARQL body payloads are limited to
# 134217728 bytes"): replacing a large graph with an unrelated one made such an update.
MAX_UPDATE_BYTES = 128 * 1024**2


def _patched(
    graph: Graph,
    url: str,
    graph_iri: str,
    update_url: str,
    auth: ServerAuth | None,
    timeout: float,
) -> bool:
    """Replace the graph by sending only what changed, in one SPARQL Update; False: send a PUT.

    One update request is one transaction on Oxigraph, so the graph is replaced whole or not at
    all, as by ``PUT``. The patch is computed against the graph as fetched: a writer changing
    it between the fetch and the update would have its change kept or undone in part.
    """
    with ThreadPoolExecutor(1) as pool:  # the server writes its copy while we write ours
        fetching = pool.submit(_fetch, url, auth, timeout)
        ours = _as_oxigraph_stores(store_ntriples(graph))
        current = fetching.result()
    patch = diff_ntriples(current, ours)
    if patch is None or patch.writes >= current.count(b"\n") + len(graph):
        return False  # blank nodes, or no fewer writes than a PUT's
    if not patch.empty:
        body = patch.to_update(graph_iri).encode("utf-8")
        if len(body) > MAX_UPDATE_BYTES:
            return False  # the server would refuse it; a PUT replaces the graph as atomically
        _send(update_url, "POST", body, "application/sparql-update", auth, timeout)
    return True


def _as_oxigraph_stores(ntriples: bytes) -> bytes:
    """``ntriples`` as Oxigraph gives it back: it stores some literals by value (oxigraph#526).

    ``"5"^^xsd:nonNegativeInteger`` comes back as ``"5"^^xsd:integer`` and ``"1.000"`` as
    ``"1"``; compared unchanged, every such triple would be deleted and inserted again on every
    load. An in-memory pyoxigraph store gives the same forms (the same library as the server).
    """
    store = pyoxigraph.Store()
    store.bulk_load(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert dumped is not None  # no output file given: the dump is returned
    return dumped


def _update_url(store_endpoint: str, update_endpoint: str | None) -> str | None:
    """The update endpoint given, or Oxigraph's ``/update`` beside its ``/store``."""
    if update_endpoint is not None:
        return update_endpoint
    parts = urllib.parse.urlsplit(store_endpoint)
    if not parts.path.endswith("/store"):
        return None
    return parts._replace(path=parts.path.removesuffix("/store") + "/update").geturl()


def _unsorted(graph: Graph) -> bytes:
    # The bulk loader sorts for itself: rdflib's order saves our sort, and the server was no
    # slower on it (the benchmark).
    return graph.serialize(format="nt", encoding="utf-8")


def _bulk_replace(
    graph: Graph, url: str, graph_iri: str, auth: ServerAuth | None, timeout: float
) -> None:
    """Oxigraph clears the graph, then bulk-loads the body: a failure leaves the graph empty."""
    try:
        _send(url + "&no_transaction", "PUT", _unsorted(graph), NTRIPLES, auth, timeout)
    except HezeIpKgError as err:
        try:
            emptied = _probe(url, auth, timeout).empty
        except HezeIpKgError:
            raise HezeIpKgError(f"{err}; <{graph_iri}> may now be empty (bulk load)") from None
        if emptied:
            raise HezeIpKgError(f"{err}; the bulk load had emptied <{graph_iri}>") from None
        raise


def load_graph(
    graph: Graph,
    graph_iri: str,
    *,
    store_endpoint: str | None = None,
    update_endpoint: str | None = None,
    auth: ServerAuth | None = None,
    chunk_size: int = 1000,
    timeout: float = 120.0,
    progress: Progress | None = None,
    bulk: bool = False,
) -> int:
    """Replace the named graph ``graph_iri`` on a server with ``graph``; return the triple count.

    Give ``store_endpoint`` (Graph Store Protocol) or ``update_endpoint`` (SPARQL Update).
    ``bulk`` (Oxigraph only) trades the promise to keep the previous graph for speed: see the
    module's docstring.
    """
    if not urllib.parse.urlsplit(graph_iri).scheme:
        raise HezeIpKgError(f"graph must be an absolute IRI, got {graph_iri!r}")
    if any(c in graph_iri for c in '<>"{}|\\^` '):
        raise HezeIpKgError(f"graph IRI contains characters not allowed in an IRI: {graph_iri!r}")
    total = len(graph)
    if store_endpoint is not None:
        url = f"{store_endpoint}?{urllib.parse.urlencode({'graph': graph_iri})}"
        update_url = _update_url(store_endpoint, update_endpoint)
        _store_load(graph, url, graph_iri, update_url, auth, timeout, bulk=bulk)
        if progress:
            progress(total, total)
        return total
    if bulk:
        raise HezeIpKgError("a bulk load needs a Graph Store endpoint (Oxigraph's /store)")
    if update_endpoint is None:
        raise HezeIpKgError("give a Graph Store endpoint or a SPARQL Update endpoint to load into")
    staging = "urn:heze-ip-kg:staging:" + hashlib.sha1(graph_iri.encode()).hexdigest()

    def update(text: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        _send(update_endpoint, "POST", body, "application/x-www-form-urlencoded", auth, timeout)

    template = update_template("staged-load.ru.j2")
    update(template.render(step="drop", staging=staging))
    sent = 0
    for chunk in _chunks(graph, chunk_size):
        update(template.render(step="insert", staging=staging, body="\n".join(chunk)))
        sent += len(chunk)
        if progress:
            progress(sent, total)
    update(template.render(step="move", staging=staging, graph=graph_iri))
    return total


__all__ = ["ServerAuth", "load_graph"]
