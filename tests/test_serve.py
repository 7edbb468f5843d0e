"""``serve``: the site, content negotiation on every IRI, and the read-only SPARQL endpoint.

A real server on 127.0.0.1 (a free port) over a real publication; SPARQLWrapper is the client.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from heze_ip_kg.publish import SITE_URL
from heze_ip_kg.publish.dataset import DATASET, add_endpoint
from heze_ip_kg.publish.describe import description, page_path, subjects_with_pages
from heze_ip_kg.query.backends import EndpointBackend, RdflibBackend
from heze_ip_kg.query.execute import list_queries
from heze_ip_kg.rdfio.dumps import serialize
from heze_ip_kg.serve import Server, ServerSettings
from heze_ip_kg.vocab.namespaces import DCAT, VOID
from tests.dcat_ap import dcat_ap_findings
from tests.isomorphism import same_graph
from tests.server_load import served
from tests.serving import COUNT, RUNAWAY, assert_still_answers, fetch, running, sparql_get

BASE = "https://w3id.org/heze-ip-kg/id/"
TASK = "heze-ip-plan-14fyp/part-2/task-area-1/task-2"


@pytest.fixture(scope="module")
def server(published: tuple[Path, Graph]) -> Iterator[Server]:
    settings = ServerSettings.for_publication(
        published[0], port=0, quiet=True, query_timeout=2.0, max_rows=50
    )
    with running(settings) as server:
        yield server


# --- the site and content negotiation ------------------------------------------------------


def test_index_is_served_with_a_content_security_policy(server: Server) -> None:
    status, headers, body = fetch(server, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "菏泽市“十四五”知识产权保护和运用规划知识图谱".encode() in body


def test_an_indicator_csv_is_served_as_csv(server: Server) -> None:
    path = "/id/heze-ip-plan-14fyp/part-1/objective-3/indicator-table/indicator-1.csv"
    status, headers, body = fetch(server, path)
    assert (status, headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert "每万人口高价值发明专利拥有量" in body.decode()


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, ".html"),
        ("*/*", ".html"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", ".html"),
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("application/n-triples", ".nt"),
        ("text/turtle;q=0.5, application/ld+json", ".jsonld"),
        ("text/*;q=0.9, text/html;q=0.1", ".ttl"),
    ],
)
def test_resource_iris_see_other_by_accept(server: Server, accept: str | None, suffix: str) -> None:
    status, headers, _ = fetch(server, "/id/" + TASK, accept)
    assert status == 303
    assert headers["Location"] == f"/id/{TASK}{suffix}"
    assert headers["Vary"] == "Accept"


def test_an_unacceptable_type_gets_406(server: Server) -> None:
    status, headers, body = fetch(server, "/id/" + TASK, "image/png")
    assert status == 406
    assert b"text/turtle" in body
    assert headers["Vary"] == "Accept"


def test_negotiated_turtle_of_every_resource_is_its_description(
    server: Server, published: tuple[Path, Graph]
) -> None:
    graph = published[1]
    subjects = subjects_with_pages(graph, BASE)
    assert len(subjects) > 400
    for subject in subjects:
        path = str(subject)[len("https://w3id.org/heze-ip-kg") :]  # IRIs are ASCII already
        status, headers, _ = fetch(server, path, "text/turtle")
        assert status == 303, path
        status, headers, body = fetch(server, headers["Location"], "text/turtle")
        assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
        assert same_graph(Graph().parse(data=body, format="turtle"), description(graph, subject))


@pytest.mark.parametrize(
    ("accept", "fmt"), [("application/n-triples", "nt"), ("application/ld+json", "json-ld")]
)
def test_negotiated_ntriples_and_jsonld_are_the_description(
    server: Server, published: tuple[Path, Graph], accept: str, fmt: str
) -> None:
    status, headers, _ = fetch(server, "/id/" + TASK, accept)
    status, headers, body = fetch(server, headers["Location"])
    assert status == 200
    assert headers["Content-Type"].startswith(accept)
    expected = description(published[1], URIRef(BASE + TASK))
    assert same_graph(Graph().parse(data=body, format=fmt), expected)


def test_percent_encoded_iris_reach_their_page(
    server: Server, published: tuple[Path, Graph]
) -> None:
    encoded = sorted(str(s) for s in subjects_with_pages(published[1], BASE) if "%" in str(s))
    assert encoded, "the graph has IRIs minted from Chinese text"
    iri = encoded[0]
    status, headers, _ = fetch(server, "/" + iri[len("https://w3id.org/heze-ip-kg/") :])
    assert status == 303
    status, _, body = fetch(server, headers["Location"])
    assert status == 200
    html = (published[0] / "site" / (page_path(iri, BASE) or "")).read_bytes()
    assert body == html


def test_ontology_and_dataset_iris(server: Server, published: tuple[Path, Graph]) -> None:
    assert fetch(server, "/ontology", "text/turtle")[1]["Location"] == "/ontology/heze-ip.ttl"
    assert fetch(server, "/ontology")[1]["Location"] == "/ontology/index.html"
    assert fetch(server, "/dataset", "text/turtle")[1]["Location"] == "/dumps/void.ttl"
    status, _, body = fetch(server, "/ontology/heze-ip.nt")
    assert status == 200
    assert b"<https://w3id.org/heze-ip-kg/ontology#Task>" in body


def test_served_void_names_the_endpoint(server: Server, published: tuple[Path, Graph]) -> None:
    status, _, body = fetch(server, "/dumps/void.ttl")
    assert status == 200
    void = Graph().parse(data=body, format="turtle")
    dataset = URIRef(DATASET)
    endpoint = URIRef(server.url + "/sparql")
    assert void.value(dataset, VOID.sparqlEndpoint) == endpoint
    services = list(void.subjects(DCAT.endpointURL, endpoint))
    assert services == [URIRef(server.url + "/sparql#service")]
    assert void.value(services[0], DCAT.servesDataset) == dataset
    assert void.value(dataset, VOID.triples) == Literal(len(published[1]))


def test_served_void_conforms_to_dcat_ap_3(server: Server) -> None:
    """The endpoint as a dcat:DataService: the official shapes, as for the published file."""
    void = Graph().parse(data=fetch(server, "/dumps/void.ttl")[2], format="turtle")
    services = [URIRef(server.url + "/sparql#service")]
    findings = dcat_ap_findings(void)
    assert [f for f in findings if f.severity == "Violation"] == []
    # Recommended for a data service and not given: a description of the endpoint (the SPARQL
    # Protocol it conforms to is named) and a contact point (there is none to name).
    assert {(f.path, f.component) for f in findings if f.focus == str(services[0])} == {
        (str(DCAT.endpointDescription), "MinCountConstraintComponent"),
        (str(DCAT.contactPoint), "MinCountConstraintComponent"),
    }


def served_path(server: Server, url: str) -> str | None:
    """The path on ``server`` of a public URL of the publication (None if not one of ours)."""
    for root in (SITE_URL, server.url + "/"):
        if url.startswith(root):
            return "/" + urldefrag(url)[0][len(root) :]
    return None


def follow(server: Server, path: str) -> tuple[int, str, bytes]:
    """GET ``path`` as a browser would (HTML preferred), following 303s on the server."""
    for _ in range(3):
        status, headers, body = fetch(server, path, "text/html,*/*;q=0.8")
        if status != 303:
            return status, headers.get("Content-Type", ""), body
        path = headers["Location"]
    raise AssertionError(f"{path}: redirected too often")


def test_every_url_of_void_and_the_sitemap_answers_200(server: Server) -> None:
    """One URL space: the public site URL is the served root (dumps, landing page, /id/…,
    /ontology, /dataset, /sparql), and every URL the publication gives under it answers."""
    void = Graph().parse(data=fetch(server, "/dumps/void.ttl")[2], format="turtle")
    urls = {str(n) for triple in void for n in triple if isinstance(n, URIRef)}
    sitemap = fetch(server, "/sitemap.xml")[2].decode("utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    paths = {served_path(server, url) for url in urls | set(locs)} - {None}
    assert {"/", "/dataset", "/ontology", "/sparql", "/dumps/heze-ip-kg.nt.gz"} <= paths
    assert len(paths) >= len(locs) + 6 + 2  # every page, the dumps, the example resources
    for path in sorted(p for p in paths if p is not None):
        status, content_type, _ = follow(server, path)
        assert status == 200, path
        assert content_type, path


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for key, value in attrs if key in ("href", "src") and value]


def test_the_served_site_links_resolve(server: Server) -> None:
    """Every page (the landing page and the sitemap's), every link on each, transitively."""
    sitemap = fetch(server, "/sitemap.xml")[2].decode("utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    seen: set[str] = set()
    todo = ["/", *(served_path(server, loc) or loc for loc in locs)]
    pages = 0
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        status, content_type, body = follow(server, path)
        assert status == 200, path
        if not content_type.startswith("text/html"):
            continue
        pages += 1
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        base = server.url + (path if not path.endswith("/") else path + "index.html")
        for link in parser.links:
            target = served_path(server, urljoin(base, link))
            if target is not None:  # others are outside the publication (the sources' pages)
                todo.append(target)
    assert pages == len(locs) + 1  # "/" is index.html, served again
    assert len(seen) > 1_000


@pytest.mark.parametrize(
    "path",
    [
        "/../heze-ip-kg.nt",
        "/%2e%2e/heze-ip-kg.nt",
        "/id/%2E%2E/%2E%2E/heze-ip-kg.nt",
        "/static/..%2f..%2fheze-ip-kg.nt",
        "/%00index.html",
        "/static%5c..%5c..%5cheze-ip-kg.nt",
        "/no-such-page.html",
    ],
)
def test_paths_outside_the_site_are_not_found(
    server: Server, published: tuple[Path, Graph], path: str
) -> None:
    assert (published[0] / "heze-ip-kg.nt").is_file()  # it exists, just outside the site
    status, _, body = fetch(server, path)
    assert status in (400, 404)
    assert b"<http" not in body
    assert_still_answers(server, published[1])


def test_a_symlink_out_of_the_site_is_not_followed(
    published: tuple[Path, Graph], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name in ("index.html", "dumps"):
        (site / name).symlink_to(published[0] / "site" / name)
    (site / "leak.txt").symlink_to("/etc/hostname")
    settings = ServerSettings(site, published[0] / "heze-ip-kg.nt", port=0, quiet=True, workers=1)
    with running(settings) as server:
        assert fetch(server, "/leak.txt")[0] == 404


def test_a_published_public_endpoint_is_kept(published: tuple[Path, Graph], tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "dumps").mkdir(parents=True)
    (site / "index.html").symlink_to(published[0] / "site" / "index.html")
    void = Graph().parse(published[0] / "site" / "dumps" / "void.ttl")
    public = serialize(add_endpoint(void, "https://kg.example.org/sparql"), "ttl")
    (site / "dumps" / "void.ttl").write_bytes(public)
    settings = ServerSettings(site, published[0] / "heze-ip-kg.nt", port=0, quiet=True, workers=1)
    with running(settings) as server:
        assert fetch(server, "/dumps/void.ttl")[2] == public


def test_cors_preflight(server: Server) -> None:
    status, headers, _ = fetch(server, "/sparql", method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_a_browser_asking_the_endpoint_gets_the_query_page(server: Server) -> None:
    status, headers, _ = fetch(server, "/sparql", "text/html,*/*;q=0.8")
    assert (status, headers["Location"]) == (303, "/query.html")


# --- SPARQL 1.1 Protocol with a real client ------------------------------------------------


def wrapper(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method != "GET":
        client.setMethod(POST)
        if method == "POSTDIRECTLY":
            client.setRequestMethod(POSTDIRECTLY)
    return client


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_select_json(
    server: Server, published: tuple[Path, Graph], method: str
) -> None:
    result = wrapper(server, COUNT, JSON, method).queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == str(len(published[1]))  # type: ignore[index,call-overload]


def test_sparqlwrapper_xml_csv_tsv(server: Server, published: tuple[Path, Graph]) -> None:
    query = (
        "SELECT ?label WHERE { <" + BASE + TASK + "> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    )
    labels = sorted(
        str(o)
        for o in published[1].objects(
            URIRef(BASE + TASK), URIRef("http://www.w3.org/2000/01/rdf-schema#label")
        )
    )
    xml = wrapper(server, query, XML).queryAndConvert()
    found = [n.firstChild.data for n in xml.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert sorted(found) == labels
    csv = wrapper(server, query, CSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    assert sorted(csv.split("\r\n")[1:-1]) == labels
    tsv = wrapper(server, query, TSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    assert tsv.splitlines()[0] == "?label"
    assert any("@zh" in line for line in tsv.splitlines()[1:])


def test_sparqlwrapper_construct_and_ask(server: Server, published: tuple[Path, Graph]) -> None:
    construct = f"CONSTRUCT {{ <{BASE}{TASK}> ?p ?o }} WHERE {{ <{BASE}{TASK}> ?p ?o }}"
    triples = wrapper(server, construct, TURTLE).queryAndConvert()
    expected = Graph()
    for triple in published[1].triples((URIRef(BASE + TASK), None, None)):
        expected.add(triple)
    assert same_graph(Graph().parse(data=triples, format="turtle"), expected)
    ask = wrapper(server, f"ASK {{ <{BASE}{TASK}> ?p ?o }}", JSON).queryAndConvert()
    assert ask["boolean"] is True  # type: ignore[index,call-overload]


def test_every_catalogue_query_matches_rdflib(
    server: Server, published: tuple[Path, Graph]
) -> None:
    reference = RdflibBackend(published[1])
    endpoint = EndpointBackend(server.url + "/sparql")
    for query in list_queries():
        if query.name == "report-graph-size":
            continue  # counts a named graph; the endpoint serves the dump as its default graph
        expected = reference.select(query)
        if len(expected.rows) >= server.settings.max_rows:
            continue  # this server caps rows at 50 (tested below)
        assert endpoint.select(query) == expected, query.name


def test_results_over_the_cap_are_cut_and_flagged(server: Server) -> None:
    status, headers, body = sparql_get(server, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert status == 200
    assert headers["X-Result-Truncated"] == "true"
    assert headers["X-Result-Limit"] == "50"
    assert len(body.decode().split("\r\n")) == 1 + 50 + 1


# --- refusals, and the server keeps answering ---------------------------------------------

SERVICE = "<http://127.0.0.1:1/x> { ?s ?p ?o }"
SERVICE_SPELLINGS = [
    f"service {SERVICE}",
    f"SeRvIcE {SERVICE}",
    f"SERVICE SILENT {SERVICE}",
    f"\\u0073ervice {SERVICE}",
    f"\\U00000053ERVICE {SERVICE}",
    "VALUES ?x { <http://127.0.0.1:1/x> } SERVICE ?x { ?s ?p ?o }",
    f"OPTIONAL {{ SERVICE {SERVICE} }}",
    f"?s ?p ?o MINUS {{ SERVICE {SERVICE} }}",
    f"GRAPH ?g {{ SERVICE {SERVICE} }}",
    f"{{ }} UNION {{ SERVICE {SERVICE} }}",
    f"{{ SELECT * {{ SERVICE {SERVICE} }} }}",
    f"FILTER EXISTS {{ SERVICE {SERVICE} }}",
    f"FILTER NOT EXISTS {{ SERVICE {SERVICE} }}",
    f"BIND(EXISTS {{ SERVICE {SERVICE} }} AS ?b)",
    f"?s ?p 'a' # comment\n SERVICE {SERVICE}",
]
HOSTILE = [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("DELETE WHERE { ?s ?p ?o }", 403),
    ("LOAD <http://127.0.0.1:1/x.ttl>", 403),
    ("DROP ALL", 403),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { ?s ?p", 400),
    ("SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500, 400),
    # issue 14: the keyword scan read \\# in a name and ='a as comment and name; SERVICE ran
    (
        "PREFIX ex: <http://e/> SELECT * { OPTIONAL { ?s ex:a\\#b ?o } "
        "SERVICE <http://127.0.0.1:1/x> { ?x ?y ?z } }",
        403,
    ),
    ("SELECT * { ?s ?p ?o FILTER(?o='a)') SERVICE <http://127.0.0.1:1/x> { ?x ?y ?z } }", 403),
    *[(f"SELECT * {{ {pattern} }}", 403) for pattern in SERVICE_SPELLINGS],
    ('ASK { ?s ?p "\\u005C" . SERVICE <http://127.0.0.1:1/> { } ?s ?p " } #" }', 403),
    ("PREFIX ex: <http://e/> insert data { ex:a ex:b ex:c }", 403),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", 403),
    ("SELECT * { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }", 400),
    # issue 14: queries that crashed the engine (stack overflow; the path and UNION ones are
    # shorter than in the issue, which a GET cannot carry: test_sparql_depth has them whole)
    ("ASK { FILTER(" + "! " * 12_000 + "true) }", 400),
    ("SELECT * { ?s " + "/".join(["<a:b>"] * 3_000) + " ?o }", 400),
    ("SELECT * { " + " UNION ".join(["{}"] * 3_000) + " }", 400),
    ("ASK{FILTER(" + "-" * 20_000 + "1)}", 400),
]


@pytest.mark.parametrize(("query", "status"), HOSTILE)
def test_hostile_queries_are_refused(
    server: Server, published: tuple[Path, Graph], query: str, status: int
) -> None:
    assert sparql_get(server, query)[0] == status
    form = urllib.parse.urlencode({"query": query}).encode()
    assert (
        fetch(server, "/sparql", data=form, content_type="application/x-www-form-urlencoded")[0]
        == status
    )
    assert_still_answers(server, published[1])


def test_a_literal_or_name_mentioning_update_words_is_not_refused(server: Server) -> None:
    query = 'SELECT ?x WHERE { VALUES ?x { "LOAD INSERT SERVICE" } } # DROP'
    status, _, body = sparql_get(server, query, "text/csv")
    assert (status, body) == (200, b"x\r\nLOAD INSERT SERVICE\r\n")


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (
            b"update=" + urllib.parse.quote("CLEAR DEFAULT").encode(),
            "application/x-www-form-urlencoded",
            403,
        ),
        (b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update", 403),
        (b"query=" + b"x" * 300_000, "application/x-www-form-urlencoded", 413),
        (COUNT.encode(), "text/plain", 415),
        (b"query=%FF%FE", "application/x-www-form-urlencoded", 400),
    ],
)
def test_bad_posts_are_refused(
    server: Server, published: tuple[Path, Graph], data: bytes, content_type: str, status: int
) -> None:
    assert fetch(server, "/sparql", data=data, content_type=content_type)[0] == status
    assert_still_answers(server, published[1])


def test_a_runaway_query_is_stopped_and_the_server_keeps_answering(
    server: Server, published: tuple[Path, Graph]
) -> None:
    restarts = server.pool.restarts
    started = time.monotonic()
    status, headers, body = sparql_get(server, RUNAWAY)
    elapsed = time.monotonic() - started
    assert status == 503
    assert b"2 s limit" in body
    assert headers["Retry-After"] == "1"
    assert elapsed < 30  # stopped near the 2 s limit, not after the hours the query needs
    assert server.pool.restarts == restarts + 1
    assert_still_answers(server, published[1])


# --- the command ----------------------------------------------------------------------------


def test_serve_command_starts_answers_and_stops_on_sigterm(published: tuple[Path, Graph]) -> None:
    with served(published[0], "--workers", "1") as (url, process):
        assert url.startswith("http://127.0.0.1:")
        ask = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with urllib.request.urlopen(url + "/sparql?" + ask, timeout=30) as response:
            assert b'"boolean": true' in response.read()
    assert process.returncode == 0  # SIGTERM ends it cleanly, workers stopped


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "serve binds to loopback only"),
        (["-d", "no-such-dist"], "no published site here"),
    ],
)
def test_serve_command_errors(published: tuple[Path, Graph], args: list[str], message: str) -> None:
    command = [sys.executable, "-m", "heze_ip_kg", "serve", "--port", "0"]
    if "-d" not in args:
        command += ["-d", str(published[0])]
    done = subprocess.run(command + args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


# --- the endpoint serves the dump's graph ----------------------------------------------------


def test_the_endpoint_gives_back_the_dumps_graph(published: tuple[Path, Graph]) -> None:
    """Datatypes and lexical forms included (numbers are written as the store gives them)."""
    settings = ServerSettings.for_publication(published[0], port=0, quiet=True, workers=1)
    with running(settings) as server:
        status, _, body = fetch(
            server,
            "/sparql?"
            + urllib.parse.urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}),
            "application/n-triples",
        )
    assert status == 200
    dump = Graph().parse(published[0] / "heze-ip-kg.nt", format="nt")
    assert same_graph(Graph().parse(data=body, format="nt"), dump)


def test_relative_iris_in_a_query_resolve_against_the_data_base(server: Server) -> None:
    query = "CONSTRUCT { <heze-ip-plan-14fyp> <urn:x:is> 1 } WHERE { <heze-ip-plan-14fyp> a ?type }"
    status, _, body = sparql_get(server, query, "application/n-triples")
    assert status == 200
    assert body.decode() == (
        f'<{BASE}heze-ip-plan-14fyp> <urn:x:is> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )


def test_truncation_is_exposed_to_pages_of_other_origins(server: Server) -> None:
    _, headers, _ = sparql_get(server, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    exposed = {h.strip() for h in headers["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Result-Truncated", "X-Result-Limit"} <= exposed
