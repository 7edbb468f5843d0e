"""The publication: dumps, VoID/DCAT, a page per resource, links that resolve, safe HTML."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.backends import OxigraphBackend
from heze_ip_kg.build import DocumentSettings, build_graph
from heze_ip_kg.namespaces import DCAT, RDF, RDFS, VOID
from heze_ip_kg.parse import parse_plan
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.publish import publish_site
from heze_ip_kg.publish.describe import description, page_path
from heze_ip_kg.validate import validate_graph
from tests.isomorphism import same_graph

BASE = "https://w3id.org/heze-ip-kg/id/"
DCAT_SHAPES = Path(__file__).resolve().parent / "dcat" / "dcat-ap-core.shapes.ttl"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(str(values[key]))
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False


def parse_html(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_dumps_and_gzip_variants(published: tuple[Path, Graph]) -> None:
    out, graph = published
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        plain = (out / f"heze-ip-kg.{ext}").read_bytes()
        assert gzip.decompress((out / f"heze-ip-kg.{ext}.gz").read_bytes()) == plain
        assert same_graph(Graph().parse(data=plain, format=fmt), graph)


def test_every_resource_has_a_page(published: tuple[Path, Graph]) -> None:
    out, graph = published
    nodes = {
        n
        for triple in graph
        for n in triple
        if isinstance(n, URIRef) and str(n).startswith(BASE) and str(n) != BASE
    }
    missing = [n for n in nodes if not (out / "site" / (page_path(str(n), BASE) or "x")).is_file()]
    assert missing == []
    assert len(nodes) > 400


def test_every_link_resolves(published: tuple[Path, Graph]) -> None:
    site = published[0] / "site"
    pages = sorted(site.rglob("*.html"))
    checked = 0
    for page in pages:
        for link in parse_html(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto") or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(site)} → {link}"
            assert site.resolve() in target.parents or target.parent == site.resolve()
            checked += 1
    assert checked > 10_000


@pytest.mark.parametrize(
    "iri",
    [
        BASE + "heze-ip-plan-14fyp/part-2/task-area-1/task-2",
        BASE + "heze-ip-plan-14fyp/part-1/objective-3/indicator-table/indicator-4",
        BASE + "heze-ip-plan-14fyp",
        BASE + "org/heze-market-regulation",
        BASE + "shandong-ip-plan-14fyp/key-project-6",
        BASE + "alignment/heze-ip-plan-14fyp/1",
    ],
)
def test_page_jsonld_ttl_and_jsonld_match_the_graph(
    published: tuple[Path, Graph], iri: str
) -> None:
    out, graph = published
    expected = description(graph, URIRef(iri))
    html = out / "site" / (page_path(iri, BASE) or "")
    scripts = parse_html(html).scripts
    assert len(scripts) == 1
    embedded = Graph().parse(data=scripts[0], format="json-ld")
    ttl = Graph().parse(out / "site" / (page_path(iri, BASE, "ttl") or ""), format="turtle")
    jsonld = Graph().parse(out / "site" / (page_path(iri, BASE, "jsonld") or ""), format="json-ld")
    for graph_ in (embedded, ttl, jsonld):
        assert same_graph(graph_, expected)


def test_every_page_jsonld_ttl_and_jsonld_match_the_description(
    published: tuple[Path, Graph],
) -> None:
    out, graph = published
    for ttl in sorted((out / "site" / "id").rglob("*.ttl")):
        parsed = Graph().parse(ttl, format="turtle")
        subject = next(
            s
            for s in parsed.subjects()
            if isinstance(s, URIRef)
            and ttl.with_suffix("").as_posix().endswith(unquote(str(s)[len(BASE) :]))
        )
        expected = description(graph, subject)
        assert same_graph(parsed, expected), ttl
        (block,) = parse_html(ttl.with_suffix(".html")).scripts
        assert same_graph(Graph().parse(data=block, format="json-ld"), expected), ttl
        beside = Graph().parse(ttl.with_suffix(".jsonld"), format="json-ld")
        assert same_graph(beside, expected), ttl


def test_void_and_dcat_validate_and_count(published: tuple[Path, Graph]) -> None:
    out, graph = published
    void = Graph().parse(out / "void.ttl")
    conforms, _, text = validate(void, shacl_graph=Graph().parse(DCAT_SHAPES))
    assert conforms, text
    dataset = next(void.subjects(RDF.type, DCAT.Dataset))
    assert int(void.value(dataset, VOID.triples)) == len(graph)  # type: ignore[arg-type]
    dump = Graph().parse(out / "heze-ip-kg.nt", format="nt")
    assert len(dump) == len(graph)
    assert len(list(void.objects(dataset, DCAT.distribution))) == 6


def test_index_has_schema_org_dataset_and_sitemap(published: tuple[Path, Graph]) -> None:
    site = published[0] / "site"
    scripts = parse_html(site / "index.html").scripts
    data = json.loads(scripts[0])
    assert data["@type"] == "Dataset"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    pages = len(list(site.rglob("*.html")))
    assert sitemap.count("<loc>") == pages
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "实施版权创新发展工程" in index
    assert "conforms" in index


@pytest.mark.parametrize("workers", [1, 3])
def test_publish_is_deterministic(
    published: tuple[Path, Graph], tmp_path: Path, workers: int
) -> None:
    """Byte for byte the same publication with any number of page writers, and with validation
    and catalogue queries on the embedded Oxigraph store instead of pySHACL and rdflib."""
    first, _ = published
    result = build_all(load_project())
    backend = OxigraphBackend(result.graph)
    publish_site(
        result.graph,
        tmp_path,
        validate_graph(result.graph, fast=True, backend=backend),
        texts={str(t.iri): t.text for t in result.texts},
        backend=backend,
        workers=workers,
    )
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for path in files:
        assert (first / path).read_bytes() == (tmp_path / path).read_bytes(), path


HOSTILE = '<script>alert("x")</script> & "quoted" </script><!--'


def test_hostile_labels_render_as_text(tmp_path: Path) -> None:
    plan = parse_plan("(一)加强保护。\n1.加强行政保护。查处侵权。", name="x.txt")
    graph = build_graph(plan, DocumentSettings("heze-ip-plan-14fyp"))
    task = URIRef(BASE + "heze-ip-plan-14fyp/part-1/task-area-1/task-1")
    graph.set((task, RDFS.label, Literal(HOSTILE, lang="zh")))
    publish_site(graph, tmp_path, validate_graph(graph, checks=False), texts={})
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert not re.search(r"</script>\s*&", html)
    html = (tmp_path / "site" / (page_path(str(task), BASE) or "")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    scripts = parse_html(tmp_path / "site" / (page_path(str(task), BASE) or "")).scripts
    embedded = Graph().parse(data=scripts[0], format="json-ld")
    assert HOSTILE in {str(o) for o in embedded.objects(task, RDFS.label)}
