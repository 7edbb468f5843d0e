"""The graph as linked open data — dumps, a static site, VoID/DCAT and pictures.

Everything goes to a staging folder first, which replaces ``out_dir`` in one atomic swap at the
end (``heze_ip_kg.files.atomic``), so an interrupted run leaves the previous publication whole.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import Graph, URIRef

from heze_ip_kg.check.validate import ValidationReport
from heze_ip_kg.collector import collector_paused
from heze_ip_kg.curated.metadata import METADATA_FILE, DatasetMetadata, load_metadata
from heze_ip_kg.files.atomic import atomic_directory
from heze_ip_kg.publish.charts import level_legend, overview_chart
from heze_ip_kg.publish.context import (
    IndexPage,
    Link,
    OntologyPage,
    Page,
    QueriesPage,
    SearchPage,
)
from heze_ip_kg.publish.dataset import (
    DATASET,
    add_endpoint,
    dataset_description,
    dump_url,
    sitemap,
    write_dump_files,
)
from heze_ip_kg.publish.describe import label
from heze_ip_kg.publish.html import HELPERS
from heze_ip_kg.publish.navigation import LISTS, Navigation
from heze_ip_kg.publish.pages import PageBuilder, ontology_terms, script_safe_json
from heze_ip_kg.publish.resource_pages import write_resource_pages
from heze_ip_kg.publish.stamp import Stamp, build_stamp
from heze_ip_kg.query.backends import Backend
from heze_ip_kg.query.execute import (
    Query,
    Table,
    about_document,
    list_queries,
    load_query,
    run_query,
)
from heze_ip_kg.rdfio.dumps import DUMP_NAME, FORMATS, serialize
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import data_dir, ontology_path, resource_dir
from heze_ip_kg.trace.chains import implements_view, render_svg, trace_graph
from heze_ip_kg.vocab.namespaces import DCTERMS, DEFAULT_BASE, HIP, RDF

SITE_URL = "https://w3id.org/heze-ip-kg/"  # where dist/site/ is published: the root serve serves
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
STATIC = ("site.css", "site.js")


@dataclass(frozen=True)
class PublishSummary:
    """What was written."""

    out_dir: Path
    pages: int
    triples: int


def environment() -> Environment:
    """Jinja2 with autoescaping on and undefined variables an error."""
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(["html", "svg", "j2"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(HELPERS)
    return env


def _index(
    builder: PageBuilder,
    graph: Graph,
    report: ValidationReport,
    metadata: DatasetMetadata,
    schema: str,
    select: Callable[[Query], Table],
) -> IndexPage:
    path = "index.html"
    main = URIRef(builder.base + metadata.main_document)
    navigation = Navigation(builder)
    index = builder.index
    indicators = sorted(
        (
            i
            for i in index.subjects(HIP.inDocument, main)
            if HIP.Indicator in index.objects(i, RDF.type)
        ),
        key=lambda i: (str(index.value(i, HIP.order) or 0).zfill(6), str(i)),
    )
    documents = sorted(builder.index.subjects(RDF.type, HIP.Plan), key=str)
    sources = source_pages(graph)
    violations, warnings = len(report.by_severity("Violation")), len(report.by_severity("Warning"))
    status = (
        "SHACL: "
        + ("conforms 符合" if report.conforms else "does not conform 不符合")
        + f" · {violations} violation(s), {warnings} warning(s)"
    )
    dumps = [
        Link(f"dumps/{DUMP_NAME}.{ext}{gz}", f"{DUMP_NAME}.{ext}{gz}", f"{DUMP_NAME}.{ext}{gz}")
        for ext in FORMATS
        for gz in ("", ".gz")
    ]
    dumps += [
        Link("dumps/void.ttl", "void.ttl (VoID + DCAT)", "void.ttl (VoID + DCAT)"),
        Link("sitemap.xml", "sitemap.xml", "sitemap.xml"),
    ]
    chart = overview_chart(
        [builder.cards.rows(i, path) for i in indicators],
        metadata.pictures.indicators,
        level_legend(metadata),
    )
    return IndexPage(
        path=path,
        root="",
        title_zh=metadata.title.zh,
        title_en=metadata.title.en,
        description_zh=metadata.description.zh,
        description_en=metadata.description.en,
        documents=tuple(builder.link(d, path) for d in documents),
        sources=tuple(Link(s, s, s) for s in sources),
        outline=builder.outline(main, path),
        indicators=builder.table(
            select(about_document(load_query("report-indicators"), str(main))), path
        ),
        coverage=builder.table(
            select(about_document(load_query("report-coverage"), str(main))), path
        ),
        validation=status,
        dumps=tuple(dumps),
        pictures=(
            Link("pictures/trace.svg", "跨层级实现关系图", "Cross-level implements graph"),
            *(
                [Link("pictures/indicators.svg", "指标比较", "Indicator comparison")]
                if chart
                else []
            ),
        ),
        triples=len(graph),
        schema_jsonld=schema,
        progress=navigation.progress_summary(path),
        chart=chart,
        lists=tuple(Link(href, zh, en) for href, zh, en in LISTS),
    )


def _examples(builder: PageBuilder, metadata: DatasetMetadata) -> list[URIRef]:
    """void.ttl's example resources: the main document and its first task."""
    main = URIRef(builder.base + metadata.main_document)
    index = builder.index
    tasks = sorted(
        str(t)
        for t in index.subjects(HIP.inDocument, main)
        if HIP.Task in index.objects(t, RDF.type)
    )
    return [main, *(URIRef(t) for t in tasks[:1])]


def source_pages(graph: Graph) -> list[str]:
    """The official web pages the graph's source texts were taken from."""
    return sorted(
        {
            str(o)
            for s in graph.subjects(RDF.type, HIP.SourceText)
            for o in graph.objects(s, DCTERMS.source)
        }
    )


def _schema_org(graph: Graph, site_url: str, metadata: DatasetMetadata) -> str:
    """The schema.org ``Dataset`` of the index page (what search engines read)."""
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": DATASET,
        "name": f"{metadata.title.en} / {metadata.title.zh}",
        "description": f"{metadata.description.en} {len(graph)} triples "
        f"(VoID: {dump_url(site_url, 'void.ttl')}).",
        "license": metadata.licence.url,
        "isAccessibleForFree": True,
        "url": site_url,
        "inLanguage": ["zh", "en"],
        "temporalCoverage": f"{metadata.period.start}/{metadata.period.end}",
        "keywords": [*metadata.keywords.zh, *metadata.keywords.en],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{DUMP_NAME}.{ext}{gz}",
                "encodingFormat": "application/gzip" if gz else media,
                "contentUrl": dump_url(site_url, f"{DUMP_NAME}.{ext}{gz}"),
            }
            for ext, media in MEDIA_TYPES.items()
            for gz in ("", ".gz")
        ],
    }
    return script_safe_json(data)


def publish_site(
    graph: Graph,
    out_dir: Path,
    report: ValidationReport,
    *,
    texts: Mapping[str, str],
    base: str = DEFAULT_BASE,
    site_url: str = SITE_URL,
    sparql_endpoint: str | None = None,
    backend: Backend | None = None,
    workers: int | None = None,
    stamp: Stamp | None = None,
    metadata: DatasetMetadata | None = None,
) -> PublishSummary:
    """Write dumps, ``void.ttl`` and the site into ``out_dir`` (one atomic swap).

    What the dataset is (title, licence, main document, colours) comes from ``metadata``, by
    default the project's ``data/metadata.yaml`` (``load_metadata`` reads another folder's).

    Catalogue queries run on ``backend`` when given (e.g. the embedded Oxigraph store, the
    same rows), else on rdflib over ``graph``. Resource pages are written by ``workers``
    processes (default: one per CPU, see ``resource_pages``); the output does not depend on it.
    ``stamp`` is the footer's version and date (by default from the checkout: ``build_stamp``).
    """

    with collector_paused():
        return _publish(
            graph,
            out_dir,
            report,
            texts,
            base,
            site_url,
            sparql_endpoint,
            backend,
            workers,
            stamp or build_stamp(),
            metadata or load_metadata(data_dir() / METADATA_FILE),
        )


def _publish(
    graph: Graph,
    out_dir: Path,
    report: ValidationReport,
    texts: Mapping[str, str],
    base: str,
    site_url: str,
    sparql_endpoint: str | None,
    backend: Backend | None,
    workers: int | None,
    stamp: Stamp,
    metadata: DatasetMetadata,
) -> PublishSummary:
    def select(query: Query) -> Table:
        return backend.select(query) if backend is not None else run_query(query, graph)

    env = environment()
    env.globals["stamp"] = stamp
    env.globals["meta"] = metadata
    names = {
        str(s): str(graph.value(s, HIP.fileName))
        for s in graph.subjects(RDF.type, HIP.SourceText)
        if str(s) in texts
    }
    source_paths = {iri: f"sources/{name}" for iri, name in names.items()}
    index = TripleIndex(graph)
    ontology = Graph().parse(ontology_path())
    builder = PageBuilder(index, base, texts, source_paths, ontology, level_legend(metadata))
    pages: list[str] = []
    with atomic_directory(out_dir) as staging:
        site = staging / "site"

        def write(path: str, payload: bytes | str) -> None:
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)

        subjects = builder.subjects
        void = dataset_description(
            graph,
            site_url,
            DUMP_NAME,
            _examples(builder, metadata),
            source_pages(graph),
            metadata,
            base=base,
        )
        if sparql_endpoint is not None:
            void = add_endpoint(void, sparql_endpoint)
        (staging / "void.ttl").write_bytes(serialize(void, "ttl"))
        write("dumps/void.ttl", serialize(void, "ttl"))
        template = env.get_template("resource.html")
        pages += [builder.page_of(str(s)) or "" for s in subjects]  # before the fork: shared

        def write_page(template_name: str, page: Page) -> None:
            write(page.path, env.get_template(template_name).render(page=page))

        def meanwhile() -> None:
            # This process writes the rest while the workers write the resource pages (after
            # them it would run alone, one core busy): the dumps, at the top of dist/ and (hard
            # links to the same files) inside the site, then every other page.
            write_dump_files(index, DUMP_NAME, staging, site / "dumps")
            for iri, path in source_paths.items():
                write(path, texts[iri])
            for name in STATIC:
                write(f"static/{name}", (resource_dir("templates") / "static" / name).read_bytes())
            write(
                "static/levels.css",
                env.get_template("levels.css.j2").render(levels=metadata.levels()),
            )
            write("ontology/heze-ip.ttl", ontology_path().read_bytes())
            write_page(
                "ontology.html",
                OntologyPage(
                    path="ontology/index.html",
                    root="../",
                    title_zh="hip: 本体",
                    title_en="The hip: ontology",
                    terms=ontology_terms(ontology),
                ),
            )
            # The catalogue runs on the main document (its defaults name the Heze plan).
            main = base + metadata.main_document
            catalogue = [
                about_document(q, main) for q in list_queries() if q.name != "report-graph-size"
            ]
            results = tuple(
                builder.query_result(
                    q.name,
                    q.title,
                    q.description_zh,
                    q.description_en,
                    q.text,
                    select(q),
                    "queries/index.html",
                    q.params,
                )
                for q in catalogue
            )
            for template_name, path, root, zh, en in (
                ("queries.html", "queries/index.html", "../", "查询目录", "Query catalogue"),
                ("query.html", "query.html", "", "运行查询", "Run a query"),
            ):
                write_page(template_name, QueriesPage(path, root, zh, en, queries=results))
            dg = trace_graph(graph, select)
            picture = render_svg(
                dg, implements_view(dg).nodes, metadata.pictures.trace.both, metadata.box_fills()
            )
            write("pictures/trace.svg", picture)
            schema = _schema_org(graph, site_url, metadata)
            home = _index(builder, graph, report, metadata, schema, select)
            write_page("index.html", home)
            if home.chart is not None:
                write(
                    "pictures/indicators.svg",
                    env.get_template("chart.svg.j2").render(
                        chart=home.chart, levels=metadata.levels()
                    ),
                )
            navigation = Navigation(builder)
            listed = [
                navigation.organisations(LISTS[0][0]),
                navigation.indicators(LISTS[1][0]),
                *navigation.alignments(LISTS[2][0]),
            ]
            for list_page in listed:
                write_page("list.html", list_page)
            pages.extend(p.path for p in listed)
            write_page("search.html", SearchPage("search.html", "", "搜索", "Search"))
            write("search-index.js", navigation.search_index())

        write_resource_pages(builder, template, subjects, site, workers, meanwhile=meanwhile)
        pages += ["index.html", "ontology/index.html", "queries/index.html", "query.html"]
        pages.append("search.html")
        write("sitemap.xml", sitemap(site_url, pages))
    return PublishSummary(out_dir, len(pages), len(graph))


__all__ = ["SITE_URL", "Page", "PublishSummary", "environment", "label", "publish_site"]
