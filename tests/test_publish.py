"""The publication: dumps, VoID/DCAT, a page per resource, links that resolve, safe HTML."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from heze_ip_kg.build.plan import DocumentSettings, build_graph
from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.parse import parse_plan
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.publish import SITE_URL, publish_site
from heze_ip_kg.publish.dataset import DATASET
from heze_ip_kg.publish.describe import description, page_path
from heze_ip_kg.query.backends import OxigraphBackend
from heze_ip_kg.vocab.namespaces import (
    DCAT,
    DCTERMS,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    EU_LANGUAGE,
    EU_LICENCE,
    HIP,
    OA,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    VOID,
)
from tests.dcat_ap import dcat_ap_findings
from tests.isomorphism import same_graph

BASE = "https://w3id.org/heze-ip-kg/id/"


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
        packed = (out / f"heze-ip-kg.{ext}.gz").read_bytes()
        assert gzip.decompress(packed) == plain
        # Gzipped as a series of members (``dump_pieces``): gzip itself reads them as one.
        unpacked = subprocess.run(
            ["gzip", "-dc", str(out / f"heze-ip-kg.{ext}.gz")], capture_output=True, check=True
        )
        assert unpacked.stdout == plain
        assert same_graph(Graph().parse(data=plain, format=fmt), graph)


def test_every_resource_has_a_page(published: tuple[Path, Graph]) -> None:
    """A node another owns (``…/task-2#source``) is on its owner's page, as a client that drops
    the fragment finds it."""
    out, graph = published
    nodes = {
        URIRef(str(n).split("#", 1)[0])
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
            if parts.scheme in ("http", "https", "mailto", "data") or not parts.path:
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


def test_the_published_graph_has_no_blank_nodes(published: tuple[Path, Graph]) -> None:
    """The dumps and a resource's own description name every node (``vocab.owned``)."""
    out, graph = published
    assert (out / "heze-ip-kg.nt").read_bytes() == (out / "site/dumps/heze-ip-kg.nt").read_bytes()
    assert b"_:" not in (out / "heze-ip-kg.nt").read_bytes()
    for name, fmt in [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")]:
        dump = Graph().parse(out / "site" / "dumps" / f"heze-ip-kg.{name}", format=fmt)
        assert len(dump) == len(graph), name
        assert not [t for triple in dump for t in triple if isinstance(t, BNode)], name
    task = next(s for s in graph.subjects(RDF.type, HIP.Task) if str(s).startswith(BASE))
    page = out / "site" / str(page_path(str(task), BASE, "ttl"))
    described = Graph().parse(page, format="turtle")
    assert not [t for triple in described for t in triple if isinstance(t, BNode)]
    target = described.value(task, HIP.source)
    assert target == URIRef(f"{task}#source")
    assert described.value(target, OA.hasSelector) == URIRef(f"{task}#source/selector")
    assert described.value(URIRef(f"{task}#source/selector"), OA.start) is not None


def test_void_counts_the_dump_and_lists_its_distributions(published: tuple[Path, Graph]) -> None:
    out, graph = published
    void = Graph().parse(out / "site" / "dumps" / "void.ttl")
    assert (out / "void.ttl").read_bytes() == (out / "site" / "dumps" / "void.ttl").read_bytes()
    dataset = URIRef(DATASET)
    assert int(void.value(dataset, VOID.triples)) == len(graph)  # type: ignore[arg-type]
    dump = Graph().parse(out / "site" / "dumps" / "heze-ip-kg.nt", format="nt")
    assert len(dump) == len(graph)
    files = sorted(p.name for p in (out / "site" / "dumps").glob("heze-ip-kg.*"))
    assert sorted(str(d) for d in void.objects(dataset, DCAT.distribution)) == [
        SITE_URL + "dumps/" + name for name in files
    ]
    assert sorted(void.objects(dataset, VOID.dataDump)) == sorted(
        void.objects(dataset, DCAT.distribution)
    )
    assert void.value(dataset, DCAT.landingPage) == URIRef(SITE_URL)
    assert void.value(dataset, VOID.uriSpace) == Literal(BASE)


# Recommended by DCAT-AP and left out, each for its reason (docs/publication.md): a contact
# point, spatial coverage, the publisher's and the licence's ADMS type, each dump's planned
# availability.
RECOMMENDED_NOT_GIVEN = {
    (DATASET, str(DCAT.contactPoint)),
    (DATASET, str(DCTERMS.spatial)),
    (DATASET + "#publisher", str(DCTERMS.type)),
    (str(EU_LICENCE.CC_BY_4_0), str(DCTERMS.type)),
    *(
        (f"{SITE_URL}dumps/heze-ip-kg.{ext}{gz}", "http://data.europa.eu/r5r/availability")
        for ext in ("ttl", "nt", "jsonld")
        for gz in ("", ".gz")
    ),
}


@pytest.mark.parametrize("inference", ["rdfs", "none"])
def test_void_conforms_to_dcat_ap_3(published: tuple[Path, Graph], inference: str) -> None:
    """The official shapes (mandatory, ranges, recommended) with the vocabularies; without
    inference too, since every value is typed with the class the range shapes ask for."""
    void = Graph().parse(published[0] / "site" / "dumps" / "void.ttl")
    findings = dcat_ap_findings(void, inference)
    assert [f for f in findings if f.severity == "Violation"] == []
    ours = {str(s) for s in void.subjects()}
    warnings = {(f.focus, f.path) for f in findings if f.focus in ours}
    assert warnings == RECOMMENDED_NOT_GIVEN


# What the shapes find in ``void.ttl`` as published before issue 17 (tests/data): with RDFS
# inference, dcat:mediaType and dcat:compressFormat are both dct:format (at most one) and a web
# page is no dcat:Dataset (dct:source); without it, every value lacks the class its range needs.
BEFORE_17 = {
    "rdfs": {"format": 3, "source": 1},
    "none": {
        "license": 6,
        "dcat#mediaType": 6,
        "dcat#compressFormat": 3,
        "language": 2,
        "source": 1,
        "dcat#landingPage": 1,
    },
}


@pytest.mark.parametrize("inference", ["rdfs", "none"])
def test_dcat_ap_finds_what_the_description_before_issue_17_got_wrong(inference: str) -> None:
    """The check is not blind: the description of before issue 17 breaks the shapes."""
    before = Graph().parse(Path(__file__).resolve().parent / "data" / "void-before-17.ttl")
    violations = Counter(
        f.path.rsplit("/", 1)[-1]
        for f in dcat_ap_findings(before, inference)
        if f.severity == "Violation"
    )
    assert violations == BEFORE_17[inference]


def test_licences_formats_languages_and_themes_are_eu_authority_iris(
    published: tuple[Path, Graph],
) -> None:
    void = Graph().parse(published[0] / "site" / "dumps" / "void.ttl")
    dataset = URIRef(DATASET)
    assert set(void.objects(None, DCTERMS.license)) == {EU_LICENCE.CC_BY_4_0}
    assert set(void.objects(dataset, DCTERMS.language)) == {EU_LANGUAGE.ZHO, EU_LANGUAGE.ENG}
    assert set(void.objects(dataset, DCAT.theme)) == {EU_DATA_THEME.GOVE}
    formats = {
        str(d).rsplit("/", 1)[-1]: void.value(d, DCTERMS.format)
        for d in void.objects(dataset, DCAT.distribution)
    }
    assert formats == {
        "heze-ip-kg.ttl": EU_FILE_TYPE.RDF_TURTLE,
        "heze-ip-kg.nt": EU_FILE_TYPE.RDF_N_TRIPLES,
        "heze-ip-kg.jsonld": EU_FILE_TYPE.JSON_LD,
        **{f"heze-ip-kg.{ext}.gz": EU_FILE_TYPE.GZIP for ext in ("ttl", "nt", "jsonld")},
    }
    assert not set(void.predicates()) & {DCAT.mediaType, DCAT.compressFormat}
    # The texts' official web pages, as what the dataset was derived from (not dct:source).
    assert set(void.objects(dataset, PROV.wasDerivedFrom)) == {
        URIRef(
            "http://www.heze.gov.cn/0530/2c908088819842f701819a3d70290060/1597881320900530176.html"
        ),
        URIRef("https://www.cnipa.gov.cn/art/2021/9/23/art_2742_170305.html"),  # the outline
    }
    assert (dataset, DCTERMS.source, None) not in void


def test_void_vocabulary_is_every_vocabulary_the_data_uses(published: tuple[Path, Graph]) -> None:
    out, _ = published
    void = Graph().parse(out / "site" / "dumps" / "void.ttl")
    listed = {str(v) for v in void.objects(URIRef(DATASET), VOID.vocabulary)}
    dump = Graph().parse(out / "site" / "dumps" / "heze-ip-kg.nt", format="nt")
    terms = {str(p) for p in dump.predicates()} | {str(c) for c in dump.objects(None, RDF.type)}
    for term in terms:
        assert any(term.startswith(v) and not {"/", "#"} & set(term[len(v) :]) for v in listed), (
            term
        )
    for vocabulary in listed:
        assert any(term.startswith(vocabulary) for term in terms), vocabulary
    assert listed >= {
        "https://w3id.org/heze-ip-kg/ontology#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/2004/02/skos/core#",
        "http://data.europa.eu/eli/ontology#",
        "http://www.w3.org/ns/oa#",
        "http://www.w3.org/ns/org#",
    }


def test_index_has_a_schema_org_dataset(published: tuple[Path, Graph]) -> None:
    """Read by rdflib's JSON-LD parser (schema.org's context given locally: no network)."""
    out, graph = published
    (script,) = parse_html(out / "site" / "index.html").scripts
    data = json.loads(script)
    assert data["@context"] == "https://schema.org/"
    data["@context"] = {"@vocab": str(SCHEMA)}
    parsed = Graph().parse(data=json.dumps(data), format="json-ld")
    dataset = URIRef(DATASET)
    assert set(parsed.subjects(RDF.type, SCHEMA.Dataset)) == {dataset}
    assert (None, SCHEMA.variableMeasured, None) not in parsed
    assert f"{len(graph)} triples" in str(parsed.value(dataset, SCHEMA.description))
    assert str(parsed.value(dataset, SCHEMA.url)) == SITE_URL
    licence = str(parsed.value(dataset, SCHEMA.license))
    assert licence == "https://creativecommons.org/licenses/by/4.0/"
    void = Graph().parse(out / "site" / "dumps" / "void.ttl")
    downloads = {
        str(parsed.value(d, SCHEMA.contentUrl)): str(parsed.value(d, SCHEMA.encodingFormat))
        for d in parsed.objects(dataset, SCHEMA.distribution)
    }
    assert set(downloads) == {str(d) for d in void.objects(None, DCAT.downloadURL)}
    assert downloads[SITE_URL + "dumps/heze-ip-kg.nt"] == "application/n-triples"
    assert downloads[SITE_URL + "dumps/heze-ip-kg.nt.gz"] == "application/gzip"


def test_sitemap_lists_every_page_percent_encoded(published: tuple[Path, Graph]) -> None:
    site = published[0] / "site"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert all(url.isascii() and url.startswith(SITE_URL) for url in urls)
    files = [unquote(url[len(SITE_URL) :], errors="strict") for url in urls]
    assert sorted(files) == sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert any(not name.isascii() for name in files)  # pages named in Chinese, encoded above
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "实施版权创新发展工程" in index
    assert "conforms" in index


@pytest.mark.parametrize(("workers", "consume"), [(1, False), (3, True)])
def test_publish_is_deterministic(
    published: tuple[Path, Graph], tmp_path: Path, workers: int, consume: bool
) -> None:
    """Byte for byte the same publication with any number of page writers, with validation
    and catalogue queries on the embedded Oxigraph store instead of pySHACL and rdflib, and
    with the graph and the store let go before the pages are written (``consume``)."""
    first, _ = published
    result = build_all(load_project())
    backend = OxigraphBackend(result.graph)
    summary = publish_site(
        result.graph,
        tmp_path,
        validate_graph(result.graph, fast=True, backend=backend),
        texts={str(t.iri): t.text for t in result.texts},
        backend=backend,
        workers=workers,
        consume=consume,
    )
    # Counted before the graph was let go: the N-Triples dump has a line per triple.
    assert summary.triples == len((tmp_path / "heze-ip-kg.nt").read_bytes().splitlines())
    assert (len(result.graph) == 0) is consume
    assert (backend.store is None) is consume
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


def test_site_url_and_sparql_endpoint_move_every_link(tmp_path: Path) -> None:
    """``--site-url`` moves the landing page, the dumps and the sitemap; the IRIs stay."""
    result = build_all(load_project())
    site_url, endpoint = "https://kg.example.org/heze/", "https://kg.example.org/sparql"
    publish_site(
        result.graph,
        tmp_path,
        validate_graph(result.graph, fast=True),
        texts={str(t.iri): t.text for t in result.texts},
        site_url=site_url,
        sparql_endpoint=endpoint,
    )
    void = Graph().parse(tmp_path / "site" / "dumps" / "void.ttl")
    dataset = URIRef(DATASET)
    assert void.value(dataset, DCAT.landingPage) == URIRef(site_url)
    downloads = {str(d) for d in void.objects(None, DCAT.downloadURL)}
    assert downloads == {
        f"{site_url}dumps/{p.name}" for p in (tmp_path / "site" / "dumps").glob("heze-ip-kg.*")
    }
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef(endpoint)
    assert void.value(dataset, VOID.uriSpace) == Literal(BASE)
    assert set(void.objects(dataset, VOID.exampleResource)) >= {URIRef(BASE + "heze-ip-plan-14fyp")}
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    site = tmp_path / "site"
    assert sorted(unquote(loc.removeprefix(site_url)) for loc in locs) == sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
    )
    assert all(loc.startswith(site_url) for loc in locs)
    (script,) = parse_html(tmp_path / "site" / "index.html").scripts
    assert json.loads(script)["url"] == site_url


def test_index_pages_search_index_and_indicator_csv(published: tuple[Path, Graph]) -> None:
    """Issue 18's ways in: organisations, indicators and alignments listed, every element in
    the search index, a CSV beside each indicator's page; issue 19's progress on the home page."""
    site = published[0] / "site"
    for path, text in (
        ("organizations/index.html", "市场监管部门"),
        ("indicators/index.html", "每万人口高价值发明专利拥有量"),
        ("alignments/heze-ip-plan-14fyp.html", "加强知识产权行政保护"),
        ("index.html", "指标进展"),
    ):
        assert text in (site / path).read_text(encoding="utf-8"), path
    listed = sum(
        page.read_text(encoding="utf-8").count('href="../id/alignment/')
        for page in (site / "alignments").glob("*.html")
    )
    assert len(list((site / "id" / "alignment").rglob("*.html"))) == listed
    script = (site / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(script.removeprefix("window.HEZE_SEARCH = ").removesuffix(";\n"))
    labels = {e[1] for e in entries}
    assert {"实施重点产业专利导航试点工程", "加强知识产权行政保护", "市场监管部门"} <= labels
    assert all((site / e[0]).is_file() for e in entries)
    indicator = site / "id/heze-ip-plan-14fyp/part-1/objective-3/indicator-table/indicator-1.csv"
    lines = indicator.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "indicator,label,document,level,kind,year,value,unit,source"
    assert any(",municipal,baseline,2020,0.87,件," in line for line in lines)
    assert any(",provincial,target,2025,10,件," in line for line in lines)
    assert any(",national,target,2025,12,件," in line for line in lines)


def test_footer_stamp_comes_from_the_inputs_not_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heze_ip_kg.publish.stamp import build_stamp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    stamp = build_stamp()
    assert (stamp.date, stamp.date_source) == ("2026-01-01", "SOURCE_DATE_EPOCH")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    outside = build_stamp(tmp_path)  # not a checkout: no commit, so no date at all
    assert (outside.date, outside.date_source) == ("", "")
    assert build_stamp() == build_stamp()
