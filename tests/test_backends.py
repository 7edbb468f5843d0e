"""One query suite, every backend: rdflib, embedded Oxigraph, Oxigraph server and Virtuoso.

The servers are real, started here on 127.0.0.1 and free ports, loaded with ``load_graph``
through their Graph Store (Oxigraph) or SPARQL Update (Virtuoso) endpoints, and stopped by PID.
"""

from __future__ import annotations

import base64
import csv
import io
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import RDFS, BNode, Dataset, Graph, Literal, URIRef

from heze_ip_kg.cli.main import main
from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.query import remote
from heze_ip_kg.query.backends import Backend, EndpointBackend, OxigraphBackend, RdflibBackend
from heze_ip_kg.query.execute import Query, list_queries, load_query
from heze_ip_kg.query.remote import ServerAuth, load_graph
from heze_ip_kg.rdfio.dumps import ChunkReader, store_ntriples, store_ntriples_chunks
from tests.servers import (
    Server,
    free_port,
    oxigraph_server,
    virtuoso_binary,
    virtuoso_server,
)

EXPECTED = Path(__file__).resolve().parent / "queries"
GRAPH = "https://w3id.org/heze-ip-kg/id"
BACKENDS = ["rdflib", "oxigraph", "oxigraph-server", "virtuoso"]
NO_VIRTUOSO = "Virtuoso is not installed here (Debian: virtuoso-opensource); .ci/run installs it"


def auth_of(server: Server) -> ServerAuth | None:
    return ServerAuth(server.user, server.password or "", server.auth) if server.user else None


def load(server: Server, graph: Graph, iri: str = GRAPH) -> int:
    return load_graph(
        graph, iri, store_endpoint=server.store, update_endpoint=server.update, auth=auth_of(server)
    )


def count(server: Server, iri: str = GRAPH) -> int:
    backend = EndpointBackend(
        server.query, user=server.user, password=server.password, auth=server.auth
    )
    return int(backend.select(load_query("report-graph-size"), {"graph": iri}).rows[0][0] or 0)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        load(server, graph)
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Iterator[Server]:
    if virtuoso_binary() is None:
        pytest.skip(NO_VIRTUOSO)
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        load(server, graph)
        yield server


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest, graph: Graph) -> Backend:
    if request.param == "rdflib":
        return RdflibBackend(graph)
    if request.param == "oxigraph":
        return OxigraphBackend(graph)
    server: Server = request.getfixturevalue(request.param.removesuffix("-server"))
    return EndpointBackend(server.query, default_graph=GRAPH)


def expected_rows(name: str) -> list[tuple[str | None, ...]]:
    with (EXPECTED / f"{name}.expected.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    return sorted(tuple(c or None for c in row) for row in rows)


CATALOGUE = [q.name for q in list_queries() if q.name != "report-graph-size"]


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_query_gives_the_expected_rows(backend: Backend, name: str) -> None:
    table = backend.select(load_query(name))
    rows = sorted(tuple(c if c != "" else None for c in row) for row in table.rows)
    assert rows == expected_rows(name)


def test_auto_store_picks_oxigraph_above_the_threshold(graph: Graph) -> None:
    from heze_ip_kg.query.backends import open_backend

    assert isinstance(open_backend(graph), OxigraphBackend)
    with mock.patch("heze_ip_kg.query.backends.FAST_ABOVE_TRIPLES", len(graph)):
        assert isinstance(open_backend(graph), RdflibBackend)


def test_load_count_equals_the_local_count(oxigraph: Server, graph: Graph) -> None:
    assert count(oxigraph) == len(graph)


def test_second_load_replaces_not_duplicates(oxigraph: Server, graph: Graph) -> None:
    iri = GRAPH + "/replace-test"
    load(oxigraph, graph, iri)
    load(oxigraph, graph, iri)
    assert count(oxigraph, iri) == len(graph)
    smaller = Graph()
    for triple in list(graph)[:100]:
        smaller.add(triple)
    load(oxigraph, smaller, iri)
    assert count(oxigraph, iri) == 100


def test_failed_graph_store_load_leaves_the_graph_intact(oxigraph: Server, graph: Graph) -> None:
    with (
        mock.patch.object(remote, "diff_ntriples", return_value=None),  # a PUT, not a patch
        mock.patch.object(remote, "serialize", return_value=b"<broken"),
        pytest.raises(HezeIpKgError, match="refused the load: HTTP 400"),
    ):
        load(oxigraph, graph)
    assert count(oxigraph) == len(graph)


def _fail_on_call(number: int) -> mock.MagicMock:
    real = remote._send
    calls = {"n": 0}

    def send(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == number:
            raise HezeIpKgError("connection lost (simulated)")
        real(*args, **kwargs)  # type: ignore[arg-type]

    return mock.MagicMock(side_effect=send)


@pytest.mark.parametrize("server_name", ["oxigraph", "virtuoso"])
def test_update_load_failing_half_way_leaves_the_graph_intact(
    request: pytest.FixtureRequest, graph: Graph, server_name: str
) -> None:
    server: Server = request.getfixturevalue(server_name)
    before = count(server)
    with (
        mock.patch.object(remote, "_send", _fail_on_call(4)),
        pytest.raises(HezeIpKgError, match="simulated"),
    ):
        load_graph(
            graph, GRAPH, update_endpoint=server.update, auth=auth_of(server), chunk_size=1000
        )
    assert count(server) == before == len(graph)


def test_update_load_in_chunks_gives_the_whole_graph(oxigraph: Server, graph: Graph) -> None:
    iri = GRAPH + "/update-test"
    load_graph(graph, iri, update_endpoint=oxigraph.update, chunk_size=700)
    assert count(oxigraph, iri) == len(graph)
    table = EndpointBackend(oxigraph.query, default_graph=iri).select(load_query("trace-chain"))
    assert sorted(table.rows) == expected_rows("trace-chain")


def test_update_load_of_a_graph_with_blank_nodes_keeps_each_one_node(oxigraph: Server) -> None:
    """Not a graph we build: it goes in one chunk, so a blank node is not split in two."""
    iri, blank = GRAPH + "/blank-test", BNode("b")
    other = Graph()
    for i in range(10):
        other.add((URIRef(f"{GRAPH}/s{i}"), RDFS.seeAlso, blank))
    load_graph(other, iri, update_endpoint=oxigraph.update, chunk_size=3)
    assert count(oxigraph, iri) == 10
    url = f"{oxigraph.store}?{urllib.parse.urlencode({'graph': iri})}"
    held = Graph().parse(data=remote._fetch(url, None, 30), format="nt")
    assert len(set(held.objects())) == 1


def test_cli_query_and_load_against_the_server(oxigraph: Server, graph: Graph) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "load",
            "--endpoint",
            oxigraph.query,
            "--store-endpoint",
            str(oxigraph.store),
            "--graph",
            GRAPH + "/cli",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert f"loaded {len(graph)} triples" in result.stderr
    assert f"the server counts {len(graph)}" in result.stderr
    result = runner.invoke(
        main,
        [
            "query",
            "report-local-initiatives",
            "--endpoint",
            oxigraph.query,
            "--graph",
            GRAPH + "/cli",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3  # the header and two local initiatives


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "report-search", "--param", "term"], "--param needs KEY=VALUE"),
        (["query", "trace-chain", "--param", "start=not an iri"], "start must be an IRI"),
        (["query", "report-search", "--param", "nope=1"], "unknown parameter(s) nope"),
        (
            ["query", "report-coverage", "--endpoint", "ftp://example.org/"],
            "endpoint must be an http(s) URL",
        ),
        (["load", "--endpoint", "http://127.0.0.1:1/sparql"], "give --store-endpoint or"),
    ],
)
def test_query_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]


def test_unreachable_endpoint_is_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = CliRunner().invoke(main, ["query", "report-coverage", "--endpoint", url])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"endpoint {url} unreachable" in result.stderr


def test_malformed_query_is_one_line(graph: Graph, oxigraph: Server) -> None:
    bad = Query("bad", "t", "d", "d", "report", (), "SELECT ?x WHERE { ?x ")
    for backend in (RdflibBackend(graph), OxigraphBackend(graph), EndpointBackend(oxigraph.query)):
        with pytest.raises(HezeIpKgError, match="query bad failed") as caught:
            backend.select(bad)
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize("kind", ["rdflib", "oxigraph"])
def test_hostile_parameter_stays_a_literal(graph: Graph, kind: str) -> None:
    backend: Backend = RdflibBackend(graph) if kind == "rdflib" else OxigraphBackend(graph)
    hostile = '") || true) } UNION { ?element ?class ?label } #'
    table = backend.select(load_query("report-search"), {"term": hostile})
    assert table.rows == ()


def test_store_ntriples_holds_exactly_the_graph(graph: Graph) -> None:
    data = store_ntriples(graph)
    assert len(data.splitlines()) == len(graph)
    assert same_triples(Graph().parse(data=data, format="nt"), graph)
    # Walked from the store's subject index: every subject's triples come together.
    subjects = [line.split(b" ", 1)[0] for line in data.splitlines()]
    runs = [s for i, s in enumerate(subjects) if i == 0 or s != subjects[i - 1]]
    assert len(runs) == len(set(subjects))


def test_a_store_reads_the_graph_as_a_stream_of_pieces(graph: Graph) -> None:
    # Pieces of 50 subjects: the Heze graph comes in many, cut between subjects, and the
    # store loaded from the stream holds exactly the graph.
    pieces = list(store_ntriples_chunks(graph, subjects=50))
    assert len(pieces) > 20
    assert b"".join(pieces) == store_ntriples(graph)
    assert all(piece.endswith(b" .\n") for piece in pieces)
    store = pyoxigraph.Store()
    reader = io.BufferedReader(ChunkReader(iter(pieces)), 4096)
    store.bulk_load(reader, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(store) == len(graph)


def test_store_ntriples_of_a_graph_sharing_its_store_has_only_its_own_triples() -> None:
    dataset = Dataset()
    mine, other = dataset.graph(URIRef("urn:g:mine")), dataset.graph(URIRef("urn:g:other"))
    mine.add((URIRef("urn:s"), RDFS.label, Literal("mine")))
    other.add((URIRef("urn:s"), RDFS.label, Literal("other")))
    assert (
        store_ntriples(mine).decode()
        == '<urn:s> <http://www.w3.org/2000/01/rdf-schema#label> "mine" .\n'
    )


def test_store_ntriples_names_an_iri_it_cannot_write() -> None:
    graph = Graph()
    graph.add((URIRef("urn:s"), RDFS.label, URIRef("urn:has space")))
    with pytest.raises(ValueError, match="urn:has space"):
        store_ntriples(graph)


def same_triples(got: Graph, expected: Graph) -> bool:
    """Isomorphism for graphs without blank nodes, which the build guarantees: equal triple sets
    (rdflib's general isomorphism test takes minutes on a loaded machine)."""
    assert not any(isinstance(t, BNode) for triple in expected for t in triple)
    return set(got) == set(expected)


def construct_all(server: Server, iri: str = GRAPH) -> Graph:
    """Every triple of the named graph ``iri`` on ``server``, as it gives them back."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        server.query + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "text/turtle"},
    )
    if server.user:
        credentials = f"{server.user}:{server.password}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials).decode())
    with urllib.request.urlopen(request, timeout=120) as response:
        return Graph().parse(data=response.read(), format="turtle")


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_a_loaded_server_gives_back_the_dumps_graph(
    request: pytest.FixtureRequest, graph: Graph, name: str
) -> None:
    """Literals included, datatype and lexical form: stores keep numbers by value, so the graph
    writes them in the forms the stores give back (xsd:integer offsets, canonical decimals)."""
    server: Server = request.getfixturevalue(name)
    assert same_triples(construct_all(server), graph)
