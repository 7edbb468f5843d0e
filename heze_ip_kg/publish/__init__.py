"""The graph as linked open data — dumps, a static site, VoID/DCAT and pictures.

Everything goes to a staging folder first, which replaces ``out_dir`` in one atomic swap at the
end (``heze_ip_kg.files.atomic``), so an interrupted run leaves the previous publication whole.
A file whose bytes equal the previous publication's is linked from it, not written again
(``heze_ip_kg.files.keyed``): the output is the same, and unchanged files keep their inodes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import Graph

from heze_ip_kg.check.validate import ValidationReport
from heze_ip_kg.collector import collector_paused
from heze_ip_kg.curated.metadata import METADATA_FILE, DatasetMetadata, load_metadata
from heze_ip_kg.files.atomic import MARKER, atomic_directory
from heze_ip_kg.files.keyed import Manifest, manifest, write_or_keep
from heze_ip_kg.publish.charts import level_legend
from heze_ip_kg.publish.context import (
    OntologyPage,
    Page,
    QueriesPage,
    SearchPage,
)
from heze_ip_kg.publish.dataset import (
    add_endpoint,
    dataset_description,
    sitemap,
    write_dump_files,
)
from heze_ip_kg.publish.describe import label
from heze_ip_kg.publish.home import example_resources, index_page, schema_org, source_pages
from heze_ip_kg.publish.html import HELPERS
from heze_ip_kg.publish.navigation import LISTS, Navigation
from heze_ip_kg.publish.pages import PageBuilder, ontology_terms
from heze_ip_kg.publish.resource_pages import write_resource_pages
from heze_ip_kg.publish.stamp import Stamp, build_stamp
from heze_ip_kg.query.backends import Backend
from heze_ip_kg.query.execute import (
    Query,
    Table,
    about_document,
    list_queries,
    run_query,
)
from heze_ip_kg.rdfio.dumps import DUMP_NAME, serialize
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import data_dir, ontology_path, resource_dir
from heze_ip_kg.trace.chains import implements_view, render_svg, trace_graph
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE, HIP, RDF

SITE_URL = "https://w3id.org/heze-ip-kg/"  # where dist/site/ is published: the root serve serves
STATIC = ("site.css", "site.js")


@dataclass(frozen=True)
class PublishSummary:
    """What was written: pages, triples, and files written anew or kept from before."""

    out_dir: Path
    pages: int
    triples: int
    written: int = 0
    kept: int = 0
    files: Manifest | None = None  # what was written, when asked for (``files.keyed``)


def environment() -> Environment:
    """Jinja2 with autoescaping on and undefined variables an error."""
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(["html", "svg", "j2"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        # One publication never sees its templates change: without this every render (and
        # each of its extends and imports) would stat the template files again.
        auto_reload=False,
    )
    env.globals.update(HELPERS)
    return env


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
    listing: bool = False,
    metadata: DatasetMetadata | None = None,
) -> PublishSummary:
    """Write dumps, ``void.ttl`` and the site into ``out_dir`` (one atomic swap).

    What the dataset is (title, licence, main document, colours) comes from ``metadata``, by
    default the project's ``data/metadata.yaml`` (``load_metadata`` reads another folder's).

    Catalogue queries run on ``backend`` when given (e.g. the embedded Oxigraph store, the
    same rows), else on rdflib over ``graph``. Resource pages are written by ``workers``
    processes (default: one per CPU, see ``resource_pages``); the output does not depend on it.
    ``stamp`` is the footer's version and date (by default from the checkout: ``build_stamp``).
    With ``listing``, the summary holds the manifest of the files as written, taken before the
    swap (so a concurrent run's output is never taken for this one's).
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
            listing,
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
    listing: bool,
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
    real = Path(os.path.realpath(out_dir))
    previous = real if (real / MARKER).is_file() else None  # a folder publish wrote before
    counts = [0, 0]  # files written, files kept (by this process)
    with atomic_directory(out_dir) as staging:
        site = staging / "site"

        def put(path: str, payload: bytes | str) -> None:
            """Write ``path`` (under the output folder), or keep the previous file."""
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = payload.encode("utf-8") if isinstance(payload, str) else payload
            counts[0 if write_or_keep(target, data, previous and previous / path) else 1] += 1

        def write(path: str, payload: bytes | str) -> None:
            put(f"site/{path}", payload)

        subjects = builder.subjects
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
        put("void.ttl", serialize(void, "ttl"))
        write("dumps/void.ttl", serialize(void, "ttl"))
        template = env.get_template("resource.html")
        pages += [builder.page_of(str(s)) or "" for s in subjects]  # before the fork: shared

        def write_page(template_name: str, page: Page) -> None:
            write(page.path, env.get_template(template_name).render(page=page))

        def meanwhile() -> None:
            # This process writes the rest while the workers write the resource pages (after
            # them it would run alone, one core busy): the dumps, at the top of dist/ and (hard
            # links to the same files) inside the site, then every other page.
            new, same = write_dump_files(
                index, DUMP_NAME, staging, site / "dumps", previous=previous
            )
            counts[0] += new
            counts[1] += same
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
            schema = schema_org(graph, site_url, metadata)
            home = index_page(builder, graph, report, metadata, schema, select)
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

        resources = write_resource_pages(
            builder,
            template,
            subjects,
            site,
            workers,
            meanwhile=meanwhile,
            previous=previous and previous / "site",
        )
        pages += ["index.html", "ontology/index.html", "queries/index.html", "query.html"]
        pages.append("search.html")
        write("sitemap.xml", sitemap(site_url, pages))
        files = manifest(staging) if listing else None
    written, kept = counts[0] + resources.written, counts[1] + resources.kept
    return PublishSummary(out_dir, len(pages), len(graph), written, kept, files)


__all__ = ["SITE_URL", "Page", "PublishSummary", "environment", "label", "publish_site"]
