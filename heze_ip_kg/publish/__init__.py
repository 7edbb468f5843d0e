"""The graph as linked open data — dumps, a static site, VoID/DCAT and pictures.

Everything goes to a staging folder first, which replaces ``out_dir`` in one atomic swap at the
end (``heze_ip_kg.files.atomic``), so an interrupted run leaves the previous publication whole.
A file whose bytes equal the previous publication's is linked from it, not written again
(``heze_ip_kg.files.keyed``): the output is the same, and unchanged files keep their inodes.

Or, ``in_place`` (what ``publish --cache`` asks), a previous publication is updated in place:
only the files that change are staged, then renamed over their namesakes
(``files.atomic.updated_in_place``), and given what the run that wrote it rendered
(``heze_ip_kg.files.rendered``), a resource page whose model did not change is left as it is
without being rendered, and one none of whose recorded reads changed without its model being
built (``publish.page_reads``); so is another page of the site whose model did not change, and
the dumps' pieces whose subjects did not change are copied (``publish.dump_pieces``). The files
are written by ``publish.staging``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from heze_ip_kg.check.validate import ValidationReport
from heze_ip_kg.collector import collector_paused, return_free_memory
from heze_ip_kg.curated.metadata import METADATA_FILE, DatasetMetadata, load_metadata
from heze_ip_kg.files.atomic import MARKER, atomic_directory, updated_in_place
from heze_ip_kg.files.keyed import Manifest, manifest
from heze_ip_kg.files.rendered import RenderedPages
from heze_ip_kg.progress import Stages
from heze_ip_kg.publish.context import Page
from heze_ip_kg.publish.describe import label
from heze_ip_kg.publish.dump_pieces import DumpLayout
from heze_ip_kg.publish.page_reads import CurrentValues, PageReads, merged_reads, unchanged_pages
from heze_ip_kg.publish.prepared import PreparedSite, prepare_site
from heze_ip_kg.publish.staging import environment, fill_staging
from heze_ip_kg.publish.stamp import Stamp, build_stamp
from heze_ip_kg.query.backends import Backend, OxigraphBackend
from heze_ip_kg.resources import data_dir
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE
from heze_ip_kg.vocab.triples import clear

SITE_URL = "https://w3id.org/heze-ip-kg/"  # where dist/site/ is published: the root serve serves


@dataclass(frozen=True)
class PublishSummary:
    """What was written: pages, triples, and files written anew or kept from before."""

    out_dir: Path
    pages: int
    triples: int
    written: int = 0
    kept: int = 0
    files: Manifest | None = None  # what was written, when asked for (``files.keyed``)
    rendered: int = 0  # resource pages rendered (the others' files linked: same model)
    digests: dict[str, str] | None = None  # each page model's digest, with ``listing``
    built: int = 0  # resource page models built (the others' reads unchanged: ``page_reads``)
    reads: PageReads | None = None  # the keys each page model read, with ``listing``
    dumps: dict[str, DumpLayout] | None = None  # each dump's pieces, with ``listing``
    site_digests: dict[str, str] | None = None  # the other pages' model digests, with ``listing``


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
    consume: bool = False,
    stages: Stages | None = None,
    rendered: RenderedPages | None = None,
    in_place: bool = False,
) -> PublishSummary:
    """Write dumps, ``void.ttl`` and the site into ``out_dir`` (one atomic swap, or in place).

    What the dataset is (title, licence, main document, colours) comes from ``metadata``, by
    default the project's ``data/metadata.yaml`` (``load_metadata`` reads another folder's).

    Catalogue queries run on ``backend`` when given (e.g. the embedded Oxigraph store, the
    same rows), else on rdflib over ``graph``. Resource pages are written by ``workers``
    processes (default: one per CPU, see ``resource_pages``); the output does not depend on it.
    ``stamp`` is the footer's version and date (by default from the checkout: ``build_stamp``).
    With ``listing``, the summary holds the manifest of the files as written, taken before the
    swap, or in an update in place by its commit under the folder's lock (so a concurrent run's
    output is never taken for this one's), and the digest of every resource page's model.
    With ``in_place``, a previous publication in ``out_dir`` is updated in place rather than
    replaced (see ``write_site``).

    This is ``prepare_site`` then ``write_site``. With ``consume``, in between, ``graph`` is
    emptied and an embedded Oxigraph ``backend`` closed, their memory handed back: the page
    writers then fork from a heap without them (at a thousand plans, about half of it). For a
    caller that has no further use for either, as ``publish_project``. ``stages`` (optional)
    records the seconds spent in each part (see ``write_site``; "prepare", "release").
    """
    stages = stages or Stages()
    with collector_paused():  # one pause: each new one collects the whole heap first
        with stages.stage("prepare"):
            prepared = prepare_site(
                graph,
                report,
                texts=texts,
                base=base,
                site_url=site_url,
                sparql_endpoint=sparql_endpoint,
                backend=backend,
                stamp=stamp or build_stamp(),
                metadata=metadata or load_metadata(data_dir() / METADATA_FILE),
            )
        if consume:
            with stages.stage("release"):
                clear(graph)
                if isinstance(backend, OxigraphBackend):
                    backend.close()
                return_free_memory()
        return write_site(
            prepared,
            out_dir,
            workers=workers,
            listing=listing,
            stages=stages,
            rendered=rendered,
            in_place=in_place,
        )


def write_site(
    prepared: PreparedSite,
    out_dir: Path,
    *,
    workers: int | None = None,
    listing: bool = False,
    stages: Stages | None = None,
    rendered: RenderedPages | None = None,
    in_place: bool = False,
) -> PublishSummary:
    """Write what ``prepare_site`` took from the graph into ``out_dir``.

    ``listing`` is as for ``publish_site``. Into a new folder, or one that holds no previous
    publication, or without ``in_place``, everything is written into a staging folder that
    replaces ``out_dir`` in one atomic swap; a file equal to the previous publication's is
    linked from it. With ``in_place``, a previous publication is updated in place
    (``files.atomic.updated_in_place``): only changed files are staged and renamed over their
    namesakes, files the new publication lacks are removed. Then ``rendered``, what the run
    that wrote it rendered in the same context (``files.rendered``), lets a page whose model
    has its recorded digest, with its files unchanged since, stay without being rendered.

    ``stages`` (optional) records the seconds spent writing into the staging folder ("write"),
    listing what was written ("list", with ``listing``), and swapping it in for the previous
    output, which is then removed ("swap"); in place, renaming the staged files into the
    output and removing the files it lacks, which lists it too ("commit").
    """
    stages = stages or Stages()
    real = Path(os.path.realpath(out_dir))
    previous = real if (real / MARKER).is_file() else None  # a folder publish wrote before
    if in_place and previous is not None:
        with collector_paused(), updated_in_place(out_dir) as update:
            with stages.stage("reads"):
                values = CurrentValues(prepared.builder)
                record = PageReads.from_json(rendered.reads) if rendered is not None else None
                unchanged, now = (
                    unchanged_pages(record, values) if record is not None else (set(), [])
                )
            with stages.stage("write"):
                pages, written, kept, resources, dumps, site = fill_staging(
                    update.staging,
                    prepared,
                    previous,
                    workers,
                    rendered,
                    values if listing else None,
                    update,
                    frozenset(unchanged),
                )
            with stages.stage("commit"):
                update.commit()
            files = update.files if listing else None  # listed by the commit's walk
    else:
        # With ``listing``, the digests of what pages read are taken before writing: the
        # dumps' pieces are keyed by them too (``dump_pieces``).
        values = CurrentValues(prepared.builder)
        with collector_paused(), atomic_directory(out_dir) as staging:
            with stages.stage("write"):
                pages, written, kept, resources, dumps, site = fill_staging(
                    staging, prepared, previous, workers, None, values if listing else None
                )
            with stages.stage("list"):
                files = manifest(staging) if listing else None
            swapped = time.perf_counter()  # the swap runs as the folder's context ends
        stages.add("swap", time.perf_counter() - swapped)
        record, now = None, []
    reads = None
    if resources.reads is not None:
        with stages.stage("reads"):
            built = resources.reads
            kept_pages = [str(s) for s in prepared.builder.subjects if str(s) not in built]
            reads = merged_reads(record, now, built, kept_pages, values)
    return PublishSummary(
        out_dir,
        len(pages),
        prepared.triples,
        written,
        kept,
        files,
        resources.rendered,
        resources.digests,
        resources.built,
        reads,
        dumps if listing else None,
        site if listing else None,
    )


__all__ = [
    "SITE_URL",
    "Page",
    "PreparedSite",
    "PublishSummary",
    "environment",
    "label",
    "prepare_site",
    "publish_site",
    "write_site",
]
