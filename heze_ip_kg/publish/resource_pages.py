"""Writing every resource's page, Turtle and JSON-LD: the bulk of a publication.

At 300 plans that is 55,000 resources and 165,000 files, about a millisecond of CPU each, so the
work is spread over worker processes (forked, so they share the graph's index without copying it
up front); each writes whole files of its own, and the output is the same whatever the number of
workers. Where ``fork`` is unavailable, or one worker is asked for, it runs in this process.
A file equal to the previous publication's is linked from it, not written (``files.keyed``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Template
from rdflib import URIRef

from heze_ip_kg.files.keyed import write_or_keep
from heze_ip_kg.progress import counter
from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.publish.pages import PageBuilder
from heze_ip_kg.rdfio.serializers import jsonld, jsonld_bytes, turtle

CHUNK = 500  # resources per task: large enough to amortise the hand-off, small for balance


@dataclass(frozen=True)
class _Job:
    builder: PageBuilder
    template: Template
    site: Path
    previous: Path | None  # the previous publication's site folder, if any


@dataclass(frozen=True)
class Written:
    """Resource files written anew, and those kept (linked) from the previous publication."""

    written: int = 0
    kept: int = 0


_JOB: _Job | None = None  # set before forking; the workers inherit it
_FOLDERS: set[str] = set()  # folders this process has made (a mkdir is a system call per page)


def default_workers() -> int:
    """The CPUs this process may use (at most 8: past that the disk is the limit)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(8, available))


def _write_chunk(subjects: Sequence[URIRef]) -> tuple[int, int, int]:
    """Write the files of ``subjects``; return (subjects, files written, files kept)."""
    assert _JOB is not None
    builder, index, base = _JOB.builder, _JOB.builder.index, _JOB.builder.base
    # Strings, not ``Path``s: joining and opening through pathlib cost more than the writes.
    site = str(_JOB.site)
    before = str(_JOB.previous) if _JOB.previous is not None else None
    counts = [0, 0]

    def write(path: str, payload: bytes) -> None:
        target = f"{site}/{path}"
        folder = target.rpartition("/")[0]
        if folder not in _FOLDERS:
            os.makedirs(folder, exist_ok=True)
            _FOLDERS.add(folder)
        previous = f"{before}/{path}" if before is not None else None
        counts[0 if write_or_keep(target, payload, previous) else 1] += 1

    for subject in subjects:
        roots = index.description_roots(subject)  # once for both: what ``describe`` finds
        described = jsonld(index, roots)
        page = builder.resource(subject, described)
        write(page.path, _JOB.template.render(page=page).encode("utf-8"))
        write(page_path(str(subject), base, "ttl") or "", turtle(index, roots).encode("utf-8"))
        write(page_path(str(subject), base, "jsonld") or "", jsonld_bytes(described))
        if page.indicator is not None:
            csv_path = page_path(str(subject), base, "csv") or ""
            write(csv_path, page.indicator.csv_text.encode("utf-8"))
    return len(subjects), counts[0], counts[1]


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
) -> Written:
    """Write the page, ``.ttl`` and ``.jsonld`` of every subject under ``site``.

    ``meanwhile`` is run in this process while the workers write (once, in any case). A file
    equal to the one at the same path under ``previous`` is linked from there.
    """
    global _JOB
    workers = default_workers() if workers is None else max(1, workers)
    progress = counter("pages")
    done, written, kept = 0, 0, 0
    _JOB = _Job(builder, template, site, previous)
    _FOLDERS.clear()
    try:
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            if meanwhile is not None:
                meanwhile()
            chunks: Iterable[tuple[int, int, int]] = map(_write_chunk, _chunks(subjects))
            for count, new, same in chunks:
                done, written, kept = done + count, written + new, kept + same
                if progress:
                    progress(done, len(subjects))
            return Written(written, kept)
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunks = pool.imap_unordered(_write_chunk, _chunks(subjects))
            if meanwhile is not None:
                meanwhile()
            for count, new, same in chunks:
                done, written, kept = done + count, written + new, kept + same
                if progress:
                    progress(done, len(subjects))
        return Written(written, kept)
    finally:
        _JOB = None


__all__ = ["Written", "default_workers", "write_resource_pages"]
