"""What a publication needs from the graph and the store, taken before any page is written.

``prepare_site`` reads the rdflib graph and the query backend once: it indexes the graph for the
page writers and answers everything else the site shows (the catalogue, the trace picture, the
home page, VoID). What it returns refers to neither, so a caller that owns them can let both go
before the page writers fork (``publish_project`` does): forked writers then share a heap without
the rdflib store's three indexes and the embedded Oxigraph store, which at national scale are
most of it.

The backend's queries run on a thread while this one indexes the graph: Oxigraph evaluates a
query without holding the GIL, so on two cores the catalogue costs little wall time here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from rdflib import Graph

from heze_ip_kg.check.validate import ValidationReport
from heze_ip_kg.collector import collector_paused
from heze_ip_kg.curated.metadata import DatasetMetadata
from heze_ip_kg.publish.charts import level_legend
from heze_ip_kg.publish.context import IndexPage, QueryResult
from heze_ip_kg.publish.dataset import add_endpoint, dataset_description
from heze_ip_kg.publish.home import example_resources, index_page, schema_org, source_pages
from heze_ip_kg.publish.pages import PageBuilder
from heze_ip_kg.publish.stamp import Stamp
from heze_ip_kg.query.backends import Backend
from heze_ip_kg.query.execute import (
    Query,
    Table,
    about_document,
    list_queries,
    load_query,
    run_query,
)
from heze_ip_kg.rdfio.dumps import DUMP_NAME, serialize
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import ontology_path
from heze_ip_kg.trace.chains import implements_view, render_svg, trace_graph
from heze_ip_kg.vocab.namespaces import HIP, RDF


@dataclass(frozen=True)
class PreparedSite:
    """Everything ``write_site`` writes from: no reference to the graph or the store."""

    builder: PageBuilder  # the graph's index and the page contexts made from it
    ontology: Graph
    texts: Mapping[str, str]
    source_paths: Mapping[str, str]  # source text IRI → its path in the site
    void_ttl: bytes
    resource_pages: tuple[str, ...]  # the site path of every resource page, in sitemap order
    queries: tuple[QueryResult, ...]  # the catalogue, answered
    trace_svg: str
    home: IndexPage
    triples: int
    site_url: str
    stamp: Stamp
    metadata: DatasetMetadata


class _Answers:
    """The backend's answers to known queries, computed on a worker thread from the start."""

    def __init__(self, select: Callable[[Query], Table], queries: Iterable[Query]) -> None:
        self._select = select
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="answers")
        self._futures: dict[str, Future[Table]] = {}
        for query in queries:
            if query.text not in self._futures:
                self._futures[query.text] = self._pool.submit(select, query)

    def select(self, query: Query) -> Table:
        future = self._futures.get(query.text)
        return future.result() if future is not None else self._select(query)

    def wait(self) -> None:
        """Every answer in and the thread ended (page writers fork after this, and a fork
        keeps only the forking thread); raise what failed."""
        try:
            for future in self._futures.values():
                future.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _catalogue(main: str) -> list[Query]:
    """The catalogue as the site shows it: every query about the main document."""
    return [about_document(q, main) for q in list_queries() if q.name != "report-graph-size"]


def prepare_site(
    graph: Graph,
    report: ValidationReport,
    *,
    texts: Mapping[str, str],
    base: str,
    site_url: str,
    sparql_endpoint: str | None,
    backend: Backend | None,
    stamp: Stamp,
    metadata: DatasetMetadata,
) -> PreparedSite:
    """Read ``graph`` (and run the catalogue on ``backend``, else on rdflib over ``graph``)."""
    with collector_paused():
        catalogue = _catalogue(base + metadata.main_document)
        # The home page's tables are catalogue queries too; the trace picture has its own.
        answers = None
        if backend is not None:
            answers = _Answers(backend.select, [*catalogue, load_query("trace-edges")])
        select = answers.select if answers is not None else lambda q: run_query(q, graph)
        try:
            return _read(
                graph,
                report,
                catalogue,
                select,
                texts,
                base,
                site_url,
                sparql_endpoint,
                stamp,
                metadata,
            )
        finally:
            if answers is not None:
                answers.wait()


def _read(
    graph: Graph,
    report: ValidationReport,
    catalogue: list[Query],
    select: Callable[[Query], Table],
    texts: Mapping[str, str],
    base: str,
    site_url: str,
    sparql_endpoint: str | None,
    stamp: Stamp,
    metadata: DatasetMetadata,
) -> PreparedSite:
    names = {
        str(s): str(graph.value(s, HIP.fileName))
        for s in graph.subjects(RDF.type, HIP.SourceText)
        if str(s) in texts
    }
    source_paths = {iri: f"sources/{name}" for iri, name in names.items()}
    index = TripleIndex(graph)
    ontology = Graph().parse(ontology_path())
    builder = PageBuilder(index, base, texts, source_paths, ontology, level_legend(metadata))
    void = dataset_description(
        graph,
        site_url,
        DUMP_NAME,
        example_resources(builder, metadata),
        source_pages(graph),
        metadata,
        base=base,
        index=index,
    )
    if sparql_endpoint is not None:
        void = add_endpoint(void, sparql_endpoint)
    queries = tuple(
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
    dg = trace_graph(graph, select)
    picture = render_svg(
        dg, implements_view(dg).nodes, metadata.pictures.trace.both, metadata.box_fills()
    )
    home = index_page(
        builder, graph, report, metadata, schema_org(graph, site_url, metadata), select
    )
    return PreparedSite(
        builder=builder,
        ontology=ontology,
        texts=texts,
        source_paths=source_paths,
        void_ttl=serialize(void, "ttl"),
        resource_pages=tuple(builder.page_of(str(s)) or "" for s in builder.subjects),
        queries=queries,
        trace_svg=picture,
        home=home,
        triples=len(graph),
        site_url=site_url,
        stamp=stamp,
        metadata=metadata,
    )


__all__ = ["PreparedSite", "prepare_site"]
