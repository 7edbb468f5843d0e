"""Loading through the Graph Store Protocol: which request goes out, and what a failure leaves.

Against a real ``oxigraph serve`` on 127.0.0.1: an empty or absent graph goes to Oxigraph's bulk
loader, a non-empty one is replaced by one transactional ``PUT``, and ``bulk=True`` replaces it
through the bulk loader. Bodies broken or cut off part-way show what each path leaves behind.
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
from rdflib import BNode, Graph

from heze_ip_kg import remote
from heze_ip_kg.backends import EndpointBackend
from heze_ip_kg.cli import main
from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.query import load_query
from heze_ip_kg.remote import load_graph
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
    """100 triples of the project graph, none with a blank node (a different 'previous' graph)."""
    kept = Graph()
    for triple in graph:
        if len(kept) == 100:
            break
        if not any(isinstance(term, BNode) for term in triple):
            kept.add(triple)
    return kept


def count(server: Server, iri: str) -> int:
    backend = EndpointBackend(server.query)
    return int(backend.select(load_query("report-graph-size"), {"graph": iri}).rows[0][0] or 0)


def sent(server: Server, graph: Graph, iri: str, *, bulk: bool = False) -> list[tuple[str, str]]:
    """Load ``graph`` into ``iri``; the (method, query string) of each request that sent data."""
    calls: list[tuple[str, str]] = []
    real = remote._send

    def spy(url: str, method: str, *args: object) -> None:
        calls.append((method, urllib.parse.urlsplit(url).query))
        real(url, method, *args)  # type: ignore[arg-type]

    with mock.patch.object(remote, "_send", spy):
        assert load_graph(graph, iri, store_endpoint=server.store, bulk=bulk) == len(graph)
    return calls


def broken(graph: Graph) -> bytes:
    """Valid N-Triples for all of ``graph``, then a line that does not parse."""
    return graph.serialize(format="nt", encoding="utf-8") + b"<broken\n"


def graph_query(iri: str) -> str:
    return urllib.parse.urlencode({"graph": iri})


def test_an_absent_graph_goes_to_the_bulk_loader(oxigraph: Server, graph: Graph, iri: str) -> None:
    assert sent(oxigraph, graph, iri) == [("POST", graph_query(iri) + "&no_transaction")]
    assert count(oxigraph, iri) == len(graph)
    table = EndpointBackend(oxigraph.query, default_graph=iri).select(load_query("trace-chain"))
    assert sorted(table.rows) == expected_rows("trace-chain")  # blank nodes kept apart


def test_a_non_empty_graph_is_replaced_in_one_transaction(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, graph, iri)
    assert sent(oxigraph, small, iri) == [("PUT", graph_query(iri))]
    assert count(oxigraph, iri) == len(small) == 100


def test_a_broken_body_leaves_the_previous_graph(
    oxigraph: Server, graph: Graph, small: Graph, iri: str
) -> None:
    sent(oxigraph, small, iri)
    with (
        mock.patch.object(remote, "serialize", return_value=broken(graph)),
        pytest.raises(HezeIpKgError, match="refused the load: HTTP 400"),
    ):
        load_graph(graph, iri, store_endpoint=oxigraph.store)
    assert count(oxigraph, iri) == 100


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
    assert sent(oxigraph, small, iri, bulk=True) == [("PUT", graph_query(iri) + "&no_transaction")]
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
