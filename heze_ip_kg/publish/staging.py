"""Writing a publication's files into its staging folder: the dumps, the whole-site pages and
(through ``resource_pages``) a page per resource, each kept from the previous publication when
it is unchanged.

What a run with a cache keeps without writing it again: a resource page whose recorded reads or
model did not change (``page_reads``, ``files.rendered``), another page of the site (a list,
the home page, the catalogue) whose model has its recorded digest, and the pieces of the dumps
whose subjects did not change (``dump_pieces``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from heze_ip_kg.files.atomic import FolderUpdate
from heze_ip_kg.files.keyed import still_recorded, write_or_keep
from heze_ip_kg.files.rendered import RenderedPages, model_digest
from heze_ip_kg.publish.context import OntologyPage, Page, QueriesPage, SearchPage
from heze_ip_kg.publish.dataset import settle_dump_files, sitemap
from heze_ip_kg.publish.dump_pieces import DumpLayout, previous_dump, write_dump
from heze_ip_kg.publish.html import HELPERS
from heze_ip_kg.publish.navigation import LISTS, Navigation
from heze_ip_kg.publish.page_reads import CurrentValues
from heze_ip_kg.publish.pages import ontology_terms
from heze_ip_kg.publish.prepared import PreparedSite
from heze_ip_kg.publish.resource_pages import Written, write_resource_pages
from heze_ip_kg.rdfio.dumps import DUMP_NAME, FORMATS
from heze_ip_kg.resources import ontology_path, resource_dir

STATIC = ("site.css", "site.js")


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


def fill_staging(
    staging: Path,
    prepared: PreparedSite,
    previous: Path | None,
    workers: int | None,
    rendered: RenderedPages | None,
    values: CurrentValues | None,
    update: FolderUpdate | None = None,
    unchanged: frozenset[str] = frozenset(),
) -> tuple[list[str], int, int, Written, dict[str, DumpLayout], dict[str, str]]:
    """Write the publication into ``staging``; return its page paths, the numbers of files
    written and kept (linked from ``previous``, or with ``update`` left there and named in its
    ``kept``), what the resource pages' writers did, each dump's layout and the digests of the
    other pages' models. With ``values`` (what pages read, now), pages' digests and reads are
    noted and the dumps' pieces keyed; what is unchanged since ``rendered`` is kept: pages not
    rendered, the dumps' pieces copied from ``previous``'s dumps."""
    digests = values is not None
    if values is not None:
        values.each_entry()  # here, once: the page writers fork with it
    metadata, builder, texts = prepared.metadata, prepared.builder, prepared.texts
    env = environment()
    env.globals["stamp"] = prepared.stamp
    env.globals["meta"] = metadata
    pages = list(prepared.resource_pages)
    counts = [0, 0]  # files written, files kept (by this process)
    site = staging / "site"

    def put(path: str, payload: bytes | str) -> None:
        """Write ``path`` (under the output folder), or keep the previous file."""
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        if write_or_keep(target, data, previous and previous / path, link=update is None):
            counts[0] += 1
        else:
            counts[1] += 1
            if update is not None:
                update.kept.add(path)

    def write(path: str, payload: bytes | str) -> None:
        put(f"site/{path}", payload)

    put("void.ttl", prepared.void_ttl)
    write("dumps/void.ttl", prepared.void_ttl)

    # A page is a function of its template, its model and the context (as a resource page:
    # ``files.rendered``): one whose model has the recorded digest, and whose file is still the
    # one recorded, is kept without being rendered. Not the catalogue's pages: their model holds
    # every query's whole result, and digesting it took longer than rendering it (1.26 s
    # against 1.09 s at 300 plans).
    site_digests: dict[str, str] = {}
    recorded = rendered.site if rendered is not None and update is not None else None

    def render(template_name: str, page: Page) -> str:
        return env.get_template(template_name).render(page=page)

    def write_page(template_name: str, page: Page) -> None:
        if values is not None and not isinstance(page, QueriesPage):
            digest = site_digests[page.path] = model_digest((template_name, page))
            path = f"site/{page.path}"
            if (
                recorded is not None
                and rendered is not None
                and previous is not None
                and update is not None
                and recorded.get(page.path) == digest
                and still_recorded(previous / path, path, rendered.files)
            ):
                counts[1] += 1
                update.kept.add(path)
                return
        write(page.path, render(template_name, page))

    dumps: list[str] | None = [] if update is not None else None

    def settle_dumps(new: int, same: int) -> None:
        counts[0] += new
        counts[1] += same
        if update is not None and dumps:
            update.kept.update(path for name in dumps for path in (name, f"site/dumps/{name}"))

    # When most page models are kept (``page_reads``), the page writers would idle while this
    # process wrote the dumps alone: they write them instead.
    dumps_by_workers = len(unchanged) * 2 > len(builder.subjects)
    layouts = rendered.dumps if rendered is not None and isinstance(rendered.dumps, dict) else {}
    before = [
        previous_dump(previous, f"{DUMP_NAME}.{ext}", layouts.get(ext), rendered.files)
        if previous is not None and rendered is not None
        else None
        for ext in FORMATS
    ]
    dump_tasks = [
        functools.partial(
            write_dump,
            builder.index,
            DUMP_NAME,
            ext,
            staging,
            values.pairs_digest if values is not None else None,
            old,
        )
        for ext, old in zip(FORMATS, before, strict=True)
    ]
    written_dumps: list[DumpLayout] = []
    catalogue = [
        (template, QueriesPage(path, root, zh, en, queries=prepared.queries))
        for template, path, root, zh, en in (
            ("queries.html", "queries/index.html", "../", "查询目录", "Query catalogue"),
            ("query.html", "query.html", "", "运行查询", "Run a query"),
        )
    ]

    def search_index() -> str:
        return Navigation(builder).search_index()

    # Writers that write the dumps are done with them long before this process is done with the
    # rest (a second against five at 300 plans): they also render the catalogue's pages and the
    # search index, the costliest parts of the rest.
    by_workers = [functools.partial(render, t, p) for t, p in catalogue] + [search_index]

    def meanwhile() -> None:
        # This process writes the rest while the workers write the resource pages (after
        # them it would run alone, one core busy): the dumps, at the top of dist/ and (hard
        # links to the same files) inside the site, then every other page.
        if not dumps_by_workers:
            written_dumps.extend(task() for task in dump_tasks)
            settle_dumps(
                *settle_dump_files(
                    DUMP_NAME, staging, site / "dumps", previous=previous, kept=dumps
                )
            )
        for iri, path in prepared.source_paths.items():
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
                terms=ontology_terms(prepared.ontology),
            ),
        )
        if not dumps_by_workers:
            for template_name, catalogue_page in catalogue:
                write_page(template_name, catalogue_page)
        write("pictures/trace.svg", prepared.trace_svg)
        home = prepared.home
        write_page("index.html", home)
        if home.chart is not None:
            write(
                "pictures/indicators.svg",
                env.get_template("chart.svg.j2").render(chart=home.chart, levels=metadata.levels()),
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
        if not dumps_by_workers:
            write("search-index.js", navigation.search_index())

    resources = write_resource_pages(
        builder,
        env.get_template("resource.html"),
        builder.subjects,
        site,
        workers,
        meanwhile=meanwhile,
        previous=previous and previous / "site",
        rendered=rendered,
        digests=digests,
        in_place=update is not None,
        unchanged=unchanged,
        also=[*dump_tasks, *by_workers] if dumps_by_workers else (),
    )
    if dumps_by_workers:
        done = resources.also
        written_dumps.extend(layout for layout in done if isinstance(layout, DumpLayout))
        *page_texts, index_text = [str(text) for text in done[len(dump_tasks) :]]
        for (_, catalogue_page), text in zip(catalogue, page_texts, strict=True):
            write(catalogue_page.path, text)
        write("search-index.js", index_text)
        settle_dumps(
            *settle_dump_files(DUMP_NAME, staging, site / "dumps", previous=previous, kept=dumps)
        )
    if update is not None:
        update.kept.update(f"site/{path}" for path in resources.kept_paths or ())
    pages += ["index.html", "ontology/index.html", "queries/index.html", "query.html"]
    pages.append("search.html")
    write("sitemap.xml", sitemap(prepared.site_url, pages))
    written = counts[0] + resources.written
    layouts_now = dict(zip(FORMATS, written_dumps, strict=True))
    return pages, written, counts[1] + resources.kept, resources, layouts_now, site_digests


__all__ = ["STATIC", "environment", "fill_staging"]
