"""Publishing a project's data as the ``publish`` command does, skipping what has not changed.

A run is keyed by the hash of its inputs (``files.keyed.input_key``: the code, the data folder,
the options and the footer's stamp). With a cache folder, a run whose key was recorded and whose
output folder is still exactly what that run wrote does nothing; any other run builds, validates
and publishes, keeping every output file whose bytes did not change, and records its key —
and, under the key of the build alone (code, data folder, base), the N-Triples dump it wrote:
the file the graph commands then read as if given ``--from`` (``cli.options.graph_options``).
It also records the digest of every resource page's model (``files.rendered``), so that the
next run into the same folder renders only the pages whose model changed.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.collector import collector_paused
from heze_ip_kg.curated.metadata import METADATA_FILE, DatasetMetadata, load_metadata
from heze_ip_kg.files.keyed import (
    code_digest,
    input_key,
    lookup,
    record,
    record_dump,
    record_output,
)
from heze_ip_kg.files.rendered import context_digest, record_pages, rendered_pages
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.progress import Stages
from heze_ip_kg.publish import SITE_URL, PublishSummary, publish_site
from heze_ip_kg.publish.stamp import Stamp, build_stamp
from heze_ip_kg.query.backends import OxigraphBackend, choose_fast
from heze_ip_kg.rdfio.dumps import DUMP_NAME
from heze_ip_kg.resources import data_dir
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

RAN = ("build", "validate", "publish")  # the stages a run that is not skipped runs


@dataclass(frozen=True)
class PublishRun:
    """What a ``publish_project`` run did: the stages it ran and what it wrote or kept."""

    summary: PublishSummary
    conforms: bool
    warnings: tuple[str, ...]
    stages: tuple[str, ...]  # ("build", "validate", "publish"), or () when nothing changed
    key: str
    fast: bool | None  # whether the fast paths ran (None when nothing ran)


def publish_project(
    out_dir: Path,
    *,
    data: Path | None = None,
    base: str = DEFAULT_BASE,
    site_url: str = SITE_URL,
    sparql_endpoint: str | None = None,
    fast: bool | None = None,
    workers: int | None = None,
    cache: Path | None = None,
    stamp: Stamp | None = None,
    metadata: DatasetMetadata | None = None,
    stages: Stages | None = None,
) -> PublishRun:
    """Build, validate and publish the project in ``data`` into ``out_dir``.

    With ``cache`` (a folder), a run with the inputs of the last recorded one, into a folder
    nobody has changed since, returns at once with ``stages == ()``. ``stages`` (optional)
    records the seconds of each part: "key" (hashing the inputs, and the cache look-ups), those
    of ``build_all``, "load store", "validate", those of ``publish_site`` and "record".
    """
    stages = stages or Stages()
    data = data or data_dir()
    metadata = metadata or load_metadata(data / METADATA_FILE)  # checked before any work
    stamp = stamp or build_stamp()
    options = {
        "base": base,
        "site_url": site_url,
        "sparql_endpoint": sparql_endpoint or "",
        "fast": str(fast),
        "stamp": repr(stamp),
    }
    with stages.stage("key"):
        # The pauses below and in the stages leave garbage cycles of earlier work in this
        # process (say, a previous run's) uncollected: collected here, once, they no longer
        # add to this run's peak (four publishes of 100 plans in one process: 589 MiB at the
        # peak against 667-754 MiB without).
        gc.collect()
    # The cache's entries are large JSON documents (at 300 plans a manifest of 173,000 files):
    # reading and writing them makes millions of objects, whose collection took three times
    # as long as the writing itself, so the collector is paused for them (``settle=False``: a
    # short pause that leaves the generations as they were).
    with stages.stage("key"), collector_paused(settle=False):
        key = input_key(data, options)
        recorded = lookup(cache, key, out_dir) if cache is not None else None
    if recorded is not None:
        pages, triples = _int(recorded.get("pages")), _int(recorded.get("triples"))
        summary = PublishSummary(out_dir, pages, triples)
        warnings = tuple(str(w) for w in _list(recorded.get("warnings")))
        return PublishRun(summary, recorded.get("conforms") is True, warnings, (), key, None)
    with stages.stage("key"), collector_paused(settle=False):  # what out_dir's run rendered
        context = context_digest(code_digest(), options, metadata.model_dump_json())
        rendered = rendered_pages(cache, out_dir, context) if cache is not None else None
    result = build_all(load_project(data, base=base), stages)
    chosen = choose_fast(len(result.graph), fast)
    with stages.stage("load store"):
        backend = OxigraphBackend(result.graph) if chosen else None
    with stages.stage("validate"):
        report = validate_graph(result.graph, fast=chosen, backend=backend)
    summary = publish_site(
        result.graph,
        out_dir,
        report,
        base=base,
        site_url=site_url,
        sparql_endpoint=sparql_endpoint,
        texts={str(t.iri): t.text for t in result.texts},
        backend=backend,
        workers=workers,
        stamp=stamp,
        listing=cache is not None,
        metadata=metadata,
        consume=True,  # neither the graph nor the store is used after this
        stages=stages,
        rendered=rendered,
        in_place=cache is not None,  # the cache's record says what the folder holds
    )
    if cache is not None and summary.files is not None:
        with stages.stage("record"), collector_paused(settle=False):
            facts = {
                "pages": summary.pages,
                "triples": summary.triples,
                "conforms": report.conforms,
                "warnings": list(result.warnings),
            }
            record(cache, key, summary.files, facts)
            # The N-Triples dump is the build itself: what ``--from`` reads in place of
            # building. Its manifest entry was taken before the swap: this run's file or none.
            dump = f"{DUMP_NAME}.nt"
            record_dump(cache, build_key(data, base), out_dir / dump, summary.files[dump])
            reads = summary.reads.to_json() if summary.reads is not None else None
            dumps = {ext: layout.to_json() for ext, layout in (summary.dumps or {}).items()}
            digests, site = summary.digests or {}, summary.site_digests
            record_pages(cache, key, context, digests, reads, dumps, site)
            record_output(cache, out_dir, key)  # last: the entries it names are whole
    return PublishRun(summary, report.conforms, result.warnings, RAN, key, chosen)


def build_key(data: Path, base: str) -> str:
    """The key of the graph built from ``data`` with ``base`` by this code."""
    return input_key(data, {"base": base})


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


__all__ = ["PublishRun", "build_key", "publish_project"]
