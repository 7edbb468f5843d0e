"""The home page and the dataset facts it shows: documents, outline, indicators, downloads,
validation status and the schema.org block search engines read."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef

from heze_ip_kg.check.validate import ValidationReport
from heze_ip_kg.curated.metadata import DatasetMetadata
from heze_ip_kg.publish.charts import level_legend, overview_chart
from heze_ip_kg.publish.context import IndexPage, Link
from heze_ip_kg.publish.dataset import DATASET, dump_url
from heze_ip_kg.publish.navigation import LISTS, Navigation
from heze_ip_kg.publish.pages import PageBuilder, script_safe_json
from heze_ip_kg.query.execute import Query, Table, about_document, load_query
from heze_ip_kg.rdfio.dumps import DUMP_NAME, FORMATS
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, RDF

MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def index_page(
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


def example_resources(builder: PageBuilder, metadata: DatasetMetadata) -> list[URIRef]:
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


def schema_org(graph: Graph, site_url: str, metadata: DatasetMetadata) -> str:
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


__all__ = ["MEDIA_TYPES", "example_resources", "index_page", "schema_org", "source_pages"]
