"""Writing every resource's page, Turtle and JSON-LD: the bulk of a publication.

At 300 plans that is 55,000 resources and 165,000 files, about a millisecond of CPU each, so the
work is spread over worker processes (forked, so they share the graph's index without copying it
up front); each writes whole files of its own, and the output is the same whatever the number of
workers. Where ``fork`` is unavailable, or one worker is asked for, it runs in this process.
A file equal to the previous publication's is linked from it, not written (``files.keyed``), or,
when the previous publication is updated in place (``files.atomic.updated_in_place``), left
where it is; and given what the previous run rendered (``files.rendered``), a page whose model
is unchanged is left where it is without being rendered at all, and one none of whose recorded
reads changed (``page_reads``) without its model being built.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Template
from rdflib import URIRef

from heze_ip_kg.files.keyed import still_recorded, write_or_keep
from heze_ip_kg.files.rendered import RenderedPages, model_digest
from heze_ip_kg.progress import counter
from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.publish.page_reads import key_text
from heze_ip_kg.publish.pages import PageBuilder
from heze_ip_kg.rdfio.reads import ALWAYS, ReadKey
from heze_ip_kg.rdfio.serializers import jsonld, jsonld_bytes, turtle
from heze_ip_kg.vocab.namespaces import HIP, RDF
from heze_ip_kg.workers import default_workers

CHUNK = 500  # resources per task: large enough to amortise the hand-off, small for balance


@dataclass(frozen=True)
class _Job:
    builder: PageBuilder
    template: Template
    site: Path
    previous: Path | None  # the previous publication's site folder, if any
    rendered: RenderedPages | None  # what the run that wrote ``previous`` rendered, if known
    digests: bool  # whether to note each page model's digest and reads (for the next run)
    in_place: bool  # ``previous`` is being updated in place: what is kept stays there
    unchanged: frozenset[str]  # pages whose recorded reads are unchanged (``page_reads``)
    also: Sequence[Callable[[], object]]  # other work for the workers (``write_resource_pages``)


@dataclass(frozen=True)
class Written:
    """Resource files written anew, and those kept from the previous publication; how many
    pages were rendered (not kept for an unchanged model) and how many models were built (not
    kept for unchanged reads); with ``digests``, each page model's digest by subject and the keys
    each page built read (``page_reads``); in an update in place, the paths (under the site)
    of the files kept."""

    written: int = 0
    kept: int = 0
    rendered: int = 0
    digests: dict[str, str] | None = None
    kept_paths: list[str] | None = None
    built: int = 0
    reads: dict[str, list[str]] | None = None
    also: tuple[object, ...] = ()  # what the ``also`` tasks returned, in order


_JOB: _Job | None = None  # set before forking; the workers inherit it
_FOLDERS: set[str] = set()  # folders this process has made (a mkdir is a system call per page)
_KEY_TEXTS: dict[ReadKey, str] = {}  # each read key's text, named once per process
_INDICATOR, _TYPE = HIP.Indicator, RDF.type


_Reads = list[tuple[str, list[str]]]  # each page built, with the keys its model read
_Chunk = tuple[int, int, int, int, int, list[tuple[str, str]], list[str], _Reads]


def resource_files(builder: PageBuilder, subject: URIRef) -> list[str]:
    """The files of ``subject``'s page under the site: its HTML, Turtle, JSON-LD and, for an
    indicator (whose page has a card: ``PageBuilder.resource``), CSV."""
    iri, base = str(subject), builder.base
    paths = [page_path(iri, base) or "", page_path(iri, base, "ttl") or ""]
    paths.append(page_path(iri, base, "jsonld") or "")
    if _INDICATOR in builder.index.objects(subject, _TYPE):
        paths.append(page_path(iri, base, "csv") or "")
    return paths


def _texts(keys: set[ReadKey]) -> list[str]:
    """The texts of ``keys`` (``page_reads.key_text``); a key with none reads as ``ALWAYS``."""
    out = []
    for key in keys:
        text = _KEY_TEXTS.get(key)
        if text is None:
            text = _KEY_TEXTS[key] = key_text(key) or key_text(ALWAYS) or ""
        out.append(text)
    return out


def _unchanged_files(paths: list[str], site: str, before: str, files: dict[str, list[int]]) -> bool:
    """Whether each of ``paths`` (under the site) in the previous output is still the file the
    recorded run wrote."""
    return all(still_recorded(f"{before}/{path}", f"site/{path}", files) for path in paths)


def _write_chunk(subjects: Sequence[URIRef]) -> _Chunk:
    """Write the files of ``subjects``; return (subjects, files written, files kept, pages
    rendered, page models built, the digests of their page models when asked for, in an
    update in place the paths of the files kept, and with digests the keys each model built
    read)."""
    assert _JOB is not None
    builder, index = _JOB.builder, _JOB.builder.index
    # Strings, not ``Path``s: joining and opening through pathlib cost more than the writes.
    site = str(_JOB.site)
    before = str(_JOB.previous) if _JOB.previous is not None else None
    known = _JOB.rendered if before is not None and _JOB.in_place else None
    link = not _JOB.in_place
    counts = [0, 0, 0, 0]  # files written, files kept, pages rendered, models built
    digests: list[tuple[str, str]] = []
    kept: list[str] = []
    reads: _Reads = []

    def write(path: str, payload: bytes) -> None:
        target = f"{site}/{path}"
        folder = target.rpartition("/")[0]
        if folder not in _FOLDERS:
            os.makedirs(folder, exist_ok=True)
            _FOLDERS.add(folder)
        previous = f"{before}/{path}" if before is not None else None
        if write_or_keep(target, payload, previous, link=link):
            counts[0] += 1
        else:
            counts[1] += 1
            if not link:
                kept.append(path)  # the same bytes: left in the folder updated in place

    def build(subject: URIRef) -> None:
        """Build ``subject``'s page model; render and write it unless it is unchanged."""
        iri = str(subject)
        counts[3] += 1
        roots = index.description_roots(subject)  # once for both: what ``describe`` finds
        described = jsonld(index, roots)
        page = builder.resource(subject, described)
        paths = resource_files(builder, subject)  # a CSV with the indicator's card
        digest = model_digest(page) if _JOB.digests or known is not None else ""
        if _JOB.digests:
            digests.append((iri, digest))
        if (
            known is not None
            and before is not None
            and known.digests.get(iri) == digest
            and _unchanged_files(paths, site, before, known.files)
        ):
            counts[1] += len(paths)  # the same model in the same context: the same files
            kept.extend(paths)
            return
        # The page holds its JSON-LD (``jsonld``), from which the Turtle is written too.
        counts[2] += 1
        write(paths[0], _JOB.template.render(page=page).encode("utf-8"))
        write(paths[1], turtle(index, roots).encode("utf-8"))
        write(paths[2], jsonld_bytes(described))
        if page.indicator is not None:
            write(paths[3], page.indicator.csv_text.encode("utf-8"))

    with builder.tracked() if _JOB.digests else contextlib.nullcontext():
        log = index.reads  # noting, with digests: what each model built reads, for the next run
        for subject in subjects:
            iri = str(subject)
            if known is not None and before is not None and iri in _JOB.unchanged:
                # Nothing this page read has changed: its model would be the same. Its files
                # stay, if they are still the ones the recorded run wrote.
                paths = resource_files(builder, subject)
                recorded = known.digests.get(iri)
                if recorded is not None and _unchanged_files(paths, site, before, known.files):
                    counts[1] += len(paths)
                    kept.extend(paths)
                    if _JOB.digests:
                        digests.append((iri, recorded))
                    continue
            if log.current is not None:
                log.current = set()
            build(subject)
            if log.current is not None:
                reads.append((iri, _texts(log.current)))
    return len(subjects), counts[0], counts[1], counts[2], counts[3], digests, kept, reads


def _chunks(subjects: Sequence[URIRef]) -> Iterator[Sequence[URIRef]]:
    for start in range(0, len(subjects), CHUNK):
        yield subjects[start : start + CHUNK]


def write_resource_pages(
    builder: PageBuilder,
    template: Template,
    subjects: Sequence[URIRef],
    site: Path,
    workers: int | None = None,
    meanwhile: Callable[[], None] | None = None,
    previous: Path | None = None,
    rendered: RenderedPages | None = None,
    digests: bool = False,
    in_place: bool = False,
    unchanged: frozenset[str] = frozenset(),
    also: Sequence[Callable[[], object]] = (),
) -> Written:
    """Write the page, ``.ttl`` and ``.jsonld`` of every subject under ``site``.

    ``meanwhile`` is run in this process while the workers write (once, in any case); ``also``
    are run by the workers before the pages (or here, with no workers), and their errors raised
    here. A file
    equal to the one at the same path under ``previous`` is linked from there; or, ``in_place``
    (``site`` stages an update in place of ``previous``: ``files.atomic.updated_in_place``),
    left there, its path in the result's ``kept_paths``. In place, given what the run that
    wrote ``previous`` ``rendered`` (in the same context: the caller checks it), a page whose
    model has the recorded digest, and whose files are still the ones that run wrote, is left
    there without being rendered; and a page in ``unchanged`` (none of the keys its model read
    changed: ``page_reads.unchanged_pages``), with its files so, without its model being built.
    With ``digests``, the result holds every page model's digest (for ``files.rendered``) and the
    keys each model built read (``page_reads``).
    """
    global _JOB
    workers = default_workers() if workers is None else max(1, workers)
    progress = counter("pages")
    totals = [0, 0, 0, 0, 0]  # subjects, files written, files kept, pages rendered, built
    found: dict[str, str] = {}
    kept: list[str] = []
    reads: dict[str, list[str]] = {}
    _JOB = _Job(builder, template, site, previous, rendered, digests, in_place, unchanged, also)
    _FOLDERS.clear()

    def add(chunks: Iterable[_Chunk]) -> Written:
        for *numbers, pairs, paths, noted in chunks:
            totals[:] = [a + b for a, b in zip(totals, numbers, strict=True)]
            found.update(pairs)
            kept.extend(paths)
            reads.update(noted)
            if progress:
                progress(totals[0], len(subjects))
        # In subject order, whatever order the workers finished in: the record is a file too.
        ordered = {iri: found[iri] for iri in sorted(found)} if digests else None
        return Written(
            totals[1],
            totals[2],
            totals[3],
            ordered,
            kept if in_place else None,
            totals[4],
            reads if digests else None,
        )

    try:
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            results = tuple(task() for task in also)
            if meanwhile is not None:
                meanwhile()
            return dataclasses.replace(add(map(_write_chunk, _chunks(subjects))), also=results)
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # Queued first, so taken first: the pages' chunks balance what is left.
            others = [pool.apply_async(_run_also, (i,)) for i in range(len(also))]
            chunks = pool.imap_unordered(_write_chunk, _chunks(subjects))
            if meanwhile is not None:
                meanwhile()
            written = add(chunks)
            results = tuple(other.get() for other in others)  # raises what a task raised
            return dataclasses.replace(written, also=results)
    finally:
        _JOB = None


def _run_also(number: int) -> object:
    assert _JOB is not None
    return _JOB.also[number]()


__all__ = ["Written", "default_workers", "write_resource_pages"]
