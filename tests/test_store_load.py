"""Loading through the Graph Store Protocol: which request goes out, and what a failure leaves.

Against a real ``oxigraph serve`` on 127.0.0.1: an empty or absent graph goes to Oxigraph's bulk
loader; a non-empty one is replaced by one SPARQL Update of what changed, a set difference of
triples (or, for a graph with blank nodes, not built here, one transactional ``PUT``);
``bulk=True`` replaces it through the bulk loader. Bodies broken or cut off part-way, and an
update the server refuses, show what each path leaves behind.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import ClassVar
from unittest import mock

import pytest
from click.testing import CliRunner
from rdflib import RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.cli.main import main
from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.query import remote
from heze_ip_kg.query.backends import EndpointBackend
from heze_ip_kg.query.execute import load_query
from heze_ip_kg.query.graph_patch import GraphPatch
from heze_ip_kg.query.remote import load_graph
from heze_ip_kg.rdfio.dumps import store_ntriples
from heze_ip_kg.vocab.namespaces import HIP, OA, RDF
from heze_ip_kg.vocab.owned import citation_iri, is_owned
from tests.servers import Server, oxigraph_server
from tests.test_backends import expected_rows

BASE = "https://w3id.org/heze-ip-kg/id/store-test"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-store")) as server:
        yield server


@pytest.fixture
def iri(request: pytest.FixtureRequest) -> str:
    """A graph of this test's own, absent until the test loads it."""
    return f"{BASE}/{request.node.name}"


@pytest.fixture(scope="module")
def small(graph: Graph) -> Graph:
    """100 triples of the project graph (a different 'previous' graph)."""
    kept = Graph()
    for triple in graph:
        if len(kept) == 100:
            break
        kept.add(triple)
    return kept


def count(server: Server, iri: str) -> int:
    backend = EndpointBackend(server.query)
    return int(backend.select(load_query("report-graph-size"), {"graph": iri}).rows[0][0] or 0)


def sent(server: Server, graph: Graph, iri: str, *, bulk: bool = False) -> list[tuple[str, ...]]:
    """Load ``graph`` into ``iri``; (method, endpoint, query string) of each request with data."""
    calls: list[tuple[str, ...]] = []
    real = remote._send

    def spy(url: str, method: str, *args: object) -> None:
        parts = urllib.parse.urlsplit(url)
        calls.append((method, parts.path.rsplit("/", 1)[-1], parts.query))
        real(url, method, *args)  # type: ignore[arg-type]

    with mock.patch.object(remote, "_send", spy):
        assert load_graph(graph, iri, store_endpoint=server.store, bulk=bulk) == len(graph)
    return calls


def broken(graph: Graph) -> bytes:
    """Valid N-Triples for all of ``graph``, then a line that does not parse."""
    return graph.serialize(format="nt", encoding="utf-8") + b"<broken\n"


def graph_query(iri: str) -> str:
    return urllib.parse.urlencode({"graph": iri})


def canonical(graph: Graph) -> set[tuple[str, ...]]:
    """``graph`` as a set of triples written out: it has no blank nodes, so that is the graph."""
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)
    return {(s.n3(), p.n3(), o.n3()) for s, p, o in graph}


def held(server: Server, iri: str) -> set[tuple[str, ...]]:
    """The named graph ``iri`` as the server gives it back."""
    url = f"{server.store}?{graph_query(iri)}"
    return canonical(Graph().parse(data=remote._fetch(url, None, 30), format="nt"))


def as_stored(graph: Graph) -> set[tuple[str, ...]]:
    """``graph`` as Oxigraph stores it (some literals by value: nonNegativeInteger → integer)."""
    stored = remote._as_oxigraph_stores(store_ntriples(graph))
    return canonical(Graph().parse(data=stored, format="nt"))


def a_citation(graph: Graph) -> URIRef:
    """A citation with a quote and a place in the source (the first in IRI order)."""
    return min(
        c
        for c in graph.subjects(RDF.type, HIP.SourceCitation)
        if isinstance(c, URIRef) and graph.value(c, HIP.quote) and graph.value(c, HIP.source)
    )


def changed(graph: Graph) -> Graph:
    """``graph`` with one span moved, some triples gone and one new triple."""
    out = Graph()
    for triple in graph:
        out.add(triple)
    selector = min(s for s in out.subjects(OA.start) if isinstance(s, URIRef))
    start = out.value(selector, OA.start)
    out.set((selector, OA.start, Literal(int(start) + 1, datatype=XSD.nonNegativeInteger)))
    for triple in list(out.triples((None, RDFS.label, None)))[:20]:
        out.remove(triple)
    out.add((URIRef(BASE + "/new"), RDFS.label, Literal("新", lang="zh")))
    return out


def test_an_absent_graph_goes_to_the_bulk_loader(oxigraph: Server, graph: Graph, iri: str) -> None:
    assert sent(oxigraph, graph, iri) == [("POST", "store", graph_query(iri) + "&no_transaction")]
    assert count(oxigraph, iri) == len(graph)
    table = EndpointBackend(oxigraph.query, default_graph=iri).select(load_query("trace-chain"))
    assert sorted(table.rows) == expected_rows("trace-chain")


def test_a_non_empty_graph_is_replaced_by_one_update_of_what_changed(
    oxigraph: Server, graph: Graph, iri: str
) -> None:
    sent(oxigraph, graph, iri)
    new = changed(graph)
    assert sent(oxigraph, new, iri) == [("POST", "update", "")]
    assert held(oxigraph, iri) == as_stored(new)
    assert sent(oxigraph, graph, iri) == [("POST", "update", "")]  # and back again
    assert held(oxigraph, iri) == as_stored(graph)


def test_a_changed_citation_removes_exactly_its_old_triples(
    oxigraph: Server, graph: Graph, iri: str
) -> None:
    """The quote of a citation changes, so its IRI does: the patch deletes the old citation's
    triples (with its place in the source) and the link to it, and nothing else."""
    sent(oxigraph, graph, iri)
    old = a_citation(graph)
    owner = graph.value(predicate=HIP.citation, object=old)
    new_iri = citation_iri(URIRef(owner), HIP.role, quote="换了的引文")
    new = Graph()
    for s, p, o in graph:
        moved = tuple(
            URIRef(str(t).replace(old, new_iri)) if is_ours(t, old) else t for t in (s, p, o)
        )
        new.add(moved)  # type: ignore[arg-type]
    new.set((new_iri, HIP.quote, Literal("换了的引文", lang="zh")))
    patches: list[GraphPatch] = []
    real = remote.diff_ntriples

    def keep(server: bytes, ours: bytes) -> GraphPatch | None:
        patch = real(server, ours)
        assert patch is not None
        patches.append(patch)
        return patch

    with mock.patch.object(remote, "diff_ntriples", keep):
        assert sent(oxigraph, new, iri) == [("POST", "update", "")]
    old_triples = {t for t in graph if any(is_ours(x, old) for x in t)}
    assert len(old_triples) >= 9  # the link, the citation, its source and its selector
    deleted = {next(iter(Graph().parse(data=line, format="nt"))) for line in patches[0].delete}
    assert deleted == {t for t in graph if t not in new}
    assert {t for t in old_triples if t not in new} == deleted
    assert len(patches[0].insert) == len(deleted)
    assert held(oxigraph, iri) == as_stored(new)


def is_ours(term: Node, node: URIRef) -> bool:
    """``term`` is ``node`` or a node it owns."""
    return isinstance(term, URIRef) and (term == node or is_owned(term, node))


def test_the_same_graph_again_writes_nothing(oxigraph: Server, graph: Graph, iri: str) -> None:
    sent(oxigraph, graph, iri)
    assert sent(oxigraph, graph, iri) == []
    assert count(oxigraph, iri) == len(graph)


def test_a_whole_new_graph_is_a_patch_too(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, graph, iri)
    assert sent(oxigraph, small, iri) == [("POST", "update", "")]
    assert count(oxigraph, iri) == len(small) == 100


def test_a_patch_too_large_for_the_server_goes_as_one_put(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    # Oxigraph refuses an update body over 128 MiB; a patch over the limit (here lowered to a
    # few bytes) replaces the graph by a PUT, as atomically.
    sent(oxigraph, graph, iri)
    with mock.patch.object(remote, "MAX_UPDATE_BYTES", 100):
        assert sent(oxigraph, small, iri) == [("PUT", "store", graph_query(iri))]
    assert held(oxigraph, iri) == as_stored(small)


def test_an_update_the_server_refuses_leaves_the_previous_graph(
    oxigraph: Server, graph: Graph, iri: str
) -> None:
    sent(oxigraph, graph, iri)
    real = GraphPatch.to_update

    def failing_at_the_end(patch: GraphPatch, graph_iri: str) -> str:
        return real(patch, graph_iri) + f"CREATE GRAPH <{graph_iri}>"  # it exists: an error

    with (
        mock.patch.object(GraphPatch, "to_update", failing_at_the_end),
        pytest.raises(HezeIpKgError, match=r"refused the load: HTTP 500 .* already exists"),
    ):
        load_graph(changed(graph), iri, store_endpoint=oxigraph.store)
    assert held(oxigraph, iri) == as_stored(graph)


def test_a_graph_with_blank_nodes_goes_as_one_put(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    """Not a graph we build: its blank nodes have no names a set difference could compare."""
    sent(oxigraph, graph, iri)
    other = Graph()
    for triple in small:
        other.add(triple)
    other.add((URIRef(BASE + "/x"), RDFS.seeAlso, BNode("b1")))
    assert sent(oxigraph, other, iri) == [("PUT", "store", graph_query(iri))]
    assert count(oxigraph, iri) == 101


def test_a_broken_body_leaves_the_previous_graph(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, small, iri)
    with (
        mock.patch.object(remote, "diff_ntriples", return_value=None),
        mock.patch.object(remote, "serialize", return_value=broken(graph)),
        pytest.raises(HezeIpKgError, match="refused the load: HTTP 400"),
    ):
        load_graph(graph, iri, store_endpoint=oxigraph.store)
    assert count(oxigraph, iri) == 100


@pytest.mark.parametrize(
    ("store", "update", "expected"),
    [
        ("http://h:7878/store", None, "http://h:7878/update"),
        ("http://h/sparql/store", None, "http://h/sparql/update"),
        ("http://h:7878/store", "http://h:7878/u", "http://h:7878/u"),
        ("http://h/data", None, None),
    ],
)
def test_the_update_endpoint_beside_the_store(
    store: str, update: str | None, expected: str | None
) -> None:
    assert remote._update_url(store, update) == expected


def test_a_broken_body_leaves_an_absent_graph_absent(
    oxigraph: Server, graph: Graph, iri: str
) -> None:
    with (
        mock.patch.object(remote, "_unsorted", return_value=broken(graph)),
        pytest.raises(HezeIpKgError, match="refused the load: HTTP 400"),
    ):
        load_graph(graph, iri, store_endpoint=oxigraph.store)
    assert count(oxigraph, iri) == 0
    assert remote._probe(f"{oxigraph.store}?{graph_query(iri)}", None, 10).empty


def cut_off(server: Server, iri: str, body: bytes) -> None:
    """Send half of ``body`` to the bulk loader (announcing all of it), then hang up."""
    url = urllib.parse.urlsplit(str(server.store))
    with socket.create_connection((url.hostname, url.port or 80)) as sock:
        head = (
            f"POST {url.path}?{graph_query(iri)}&no_transaction HTTP/1.1\r\n"
            f"Host: {url.netloc}\r\nContent-Type: application/n-triples\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        half = body[: body.index(b"\n", len(body) // 2) + 1]  # whole lines: they would parse
        sock.sendall(head.encode() + half)
        time.sleep(0.5)


def test_the_bulk_loader_commits_nothing_of_a_body_cut_off(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    cut_off(oxigraph, iri, graph.serialize(format="nt", encoding="utf-8"))
    time.sleep(1)
    assert count(oxigraph, iri) == 0
    sent(oxigraph, small, iri)
    cut_off(oxigraph, iri, graph.serialize(format="nt", encoding="utf-8"))
    time.sleep(1)
    assert count(oxigraph, iri) == 100


def test_bulk_replaces_a_non_empty_graph(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, graph, iri)
    assert sent(oxigraph, small, iri, bulk=True) == [
        ("PUT", "store", graph_query(iri) + "&no_transaction")
    ]
    assert count(oxigraph, iri) == 100


def test_a_failed_bulk_replace_leaves_the_graph_empty_and_says_so(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, small, iri)
    with (
        mock.patch.object(remote, "_unsorted", return_value=broken(graph)),
        pytest.raises(HezeIpKgError, match=r"HTTP 400 .*; the bulk load had emptied <"),
    ):
        load_graph(graph, iri, store_endpoint=oxigraph.store, bulk=True)
    assert count(oxigraph, iri) == 0


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A Graph Store that is not Oxigraph: every graph is absent, every upload accepted."""

    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        self.send_error(404)

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(("PUT", urllib.parse.urlsplit(self.path).query))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_store() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


def test_another_server_gets_a_plain_put_and_bulk_is_refused(
    other_store: str, small: Graph
) -> None:
    assert load_graph(small, BASE, store_endpoint=other_store) == 100
    assert _Recorder.seen == [("PUT", graph_query(BASE))]
    with pytest.raises(HezeIpKgError, match=r"a bulk load needs Oxigraph; .* is BaseHTTP/"):
        load_graph(small, BASE, store_endpoint=other_store, bulk=True)
    assert len(_Recorder.seen) == 1
    with pytest.raises(HezeIpKgError, match="needs a Graph Store endpoint"):
        load_graph(small, BASE, update_endpoint=other_store, bulk=True)


def test_cli_bulk_load(oxigraph: Server, graph: Graph, small: Graph, iri: str) -> None:
    sent(oxigraph, small, iri)
    args = ["load", "--endpoint", oxigraph.query, "--store-endpoint", str(oxigraph.store)]
    result = CliRunner().invoke(main, [*args, "--graph", iri, "--bulk"])
    assert result.exit_code == 0, result.stderr
    assert f"loaded {len(graph)} triples into <{iri}>; the server counts {len(graph)}" in (
        result.stderr
    )
