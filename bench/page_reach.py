"""Which pages does a one-plan change reach? A measurement for incremental publishing (issue 20).

Publishes nothing. Prepares the site of a corpus as ``publish`` does, renders every resource page
(HTML, Turtle, JSON-LD, CSV) while recording what each page reads from the graph-derived look-ups
the page builder uses — the index (a subject's statements, or one subject–predicate pair when read
through ``value``/``objects``), the inverse look-ups, the site facts, the set of IRIs with pages,
the source texts — then edits one sentence of one plan, prepares and renders again, and compares:

- the pages whose bytes really changed (rendered both times);
- the pages whose recorded reads include a look-up whose answer changed (the prediction);
- the pages changed but not predicted: a dependency the recording missed (should be none).

The recording replaces the builder's look-ups by recording dictionaries and switches its caches
off (a remembered label would hide the read behind it), so it instruments internals on purpose:
it measures a design, it is not part of the pipeline. Run it on a corpus folder, e.g.
``.venv/bin/python bench/page_reach.py --plans 300`` (generated under ``bench/work-reach-N``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

from heze_ip_kg.check.validate import validate_graph  # noqa: E402
from heze_ip_kg.collector import collector_paused  # noqa: E402
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.curated.metadata import METADATA_FILE, load_metadata  # noqa: E402
from heze_ip_kg.pipeline import build_all, load_project  # noqa: E402
from heze_ip_kg.publish import SITE_URL, PreparedSite, environment, prepare_site  # noqa: E402
from heze_ip_kg.publish.stamp import Stamp  # noqa: E402
from heze_ip_kg.query.backends import OxigraphBackend  # noqa: E402
from heze_ip_kg.rdfio.serializers import jsonld, jsonld_bytes, turtle  # noqa: E402
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE  # noqa: E402

CHANGED = "synthetic-city-0001.txt"  # as bench/incremental.py
STAMP = Stamp("0.0.0+reach", "2026-01-01", "SOURCE_DATE_EPOCH")
ALL = "*all*"  # a page that walks a whole look-up depends on all of it
FACTS = ("documents", "alignments", "local", "notices")

Read = tuple[Hashable, ...]
READS: set[Read] = set()


class _Recording:
    """Membership tests and walks noted under ``tag`` (shared by the dictionary and the set)."""

    tag: Hashable

    def __contains__(self, key: object) -> bool:
        READS.add((self.tag, key))
        return super().__contains__(key)  # type: ignore[misc,no-any-return]

    def __iter__(self) -> Iterator[Any]:
        READS.add((self.tag, ALL))
        return super().__iter__()  # type: ignore[misc,no-any-return]


class RecordingDict(_Recording, dict):  # type: ignore[type-arg]
    """A dictionary that notes each key read (and a walk of the whole) under its tag."""

    def __init__(self, tag: Hashable, data: dict[Any, Any]) -> None:
        super().__init__(data)
        self.tag = tag

    def __getitem__(self, key: Any) -> Any:
        READS.add((self.tag, key))
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        READS.add((self.tag, key))
        return super().get(key, default)

    def items(self) -> Any:
        READS.add((self.tag, ALL))
        return super().items()

    def keys(self) -> Any:
        READS.add((self.tag, ALL))
        return super().keys()

    def values(self) -> Any:
        READS.add((self.tag, ALL))
        return super().values()


class RecordingSet(_Recording, set):  # type: ignore[type-arg]
    """A set that notes each membership test (and a walk of the whole) under its tag."""

    def __init__(self, tag: Hashable, data: set[Any]) -> None:
        super().__init__(data)
        self.tag = tag


def prepare(data: Path) -> PreparedSite:
    """The site of ``data`` as ``publish`` prepares it (fast paths)."""
    result = build_all(load_project(data))
    backend = OxigraphBackend(result.graph)
    report = validate_graph(result.graph, fast=True, backend=backend)
    return prepare_site(
        result.graph,
        report,
        texts={str(t.iri): t.text for t in result.texts},
        base=DEFAULT_BASE,
        site_url=SITE_URL,
        sparql_endpoint=None,
        backend=backend,
        stamp=STAMP,
        metadata=load_metadata(data / METADATA_FILE),
    )


def lookups(site: PreparedSite) -> dict[Hashable, Any]:
    """Plain copies of the builder's graph-derived look-ups, by tag."""
    builder, index = site.builder, site.builder.index
    found: dict[Hashable, Any] = {
        "forward": dict(index.forward),
        "page": set(builder.with_pages),
        "text": dict(builder.texts),
        "file": dict(builder.source_files),
    }
    found.update((name, dict(getattr(builder.facts, name))) for name in FACTS)
    found.update((("inverse", str(p)), dict(inv)) for p, inv in index._inverse.items())
    return found


def record_reads(site: PreparedSite) -> None:
    """Swap the builder's look-ups for recording ones (in place: every helper shares them)."""
    builder, index, facts = site.builder, site.builder.index, site.builder.facts
    index.forward = RecordingDict("forward", index.forward)
    builder.with_pages = RecordingSet("page", builder.with_pages)
    builder.texts = RecordingDict("text", dict(builder.texts))
    builder.source_files = RecordingDict("file", dict(builder.source_files))
    for name in FACTS:
        setattr(facts, name, RecordingDict(name, getattr(facts, name)))
    for predicate in list(index._inverse):
        index._inverse[predicate] = RecordingDict(
            ("inverse", str(predicate)), index._inverse[predicate]
        )
    # value/objects read one predicate of a subject: record that pair, not the whole subject.
    canonical, forward = index._canonical, index.forward

    def objects(subject: Any, predicate: Any) -> list[Any]:
        READS.add(("pair", subject, predicate))
        same = canonical.get(predicate)
        return [o for p, o in dict.get(forward, subject, ()) if p is same]

    def value(subject: Any, predicate: Any) -> Any:
        READS.add(("pair", subject, predicate))
        same = canonical.get(predicate)
        return next((o for p, o in dict.get(forward, subject, ()) if p is same), None)

    index.objects = objects  # type: ignore[method-assign]
    index.value = value  # type: ignore[method-assign]


def forget(site: PreparedSite) -> None:
    """Empty the builder's caches of graph-derived answers (so every page reads for itself)."""
    builder = site.builder
    builder._labels.clear()
    builder._paths.clear()
    builder.blocks._parts.clear()
    builder.traces._parent_said.clear()


def render(site: PreparedSite, recording: bool) -> tuple[dict[str, Any], dict[str, set[Read]]]:
    """Every resource's files as ``write_resource_pages`` makes them; with ``recording``, also
    what each page read."""
    env = environment()
    env.globals["stamp"] = site.stamp
    env.globals["meta"] = site.metadata
    template = env.get_template("resource.html")
    builder, index = site.builder, site.builder.index
    files: dict[str, Any] = {}
    reads: dict[str, set[Read]] = {}
    for subject in list(builder.subjects):
        if recording:
            forget(site)
            READS.clear()
        roots = index.description_roots(subject)
        described = jsonld(index, roots)
        page = builder.resource(subject, described)
        files[str(subject)] = (
            template.render(page=page),
            turtle(index, roots),
            jsonld_bytes(described),
            page.indicator.csv_text if page.indicator is not None else None,
        )
        if recording:
            reads[str(subject)] = set(READS)
    return files, reads


def answer(before: dict[Hashable, Any], read: Read) -> Any:
    """What ``read`` found in the look-ups ``before`` (comparable across runs)."""
    if read[0] == "pair":
        _, subject, predicate = read
        return sorted(str(o) for p, o in before["forward"].get(subject, ()) if p == predicate)
    tag, key = read
    table = before.get(tag, {})
    if key == ALL:
        return table
    if isinstance(table, set):
        return key in table
    return (key in table, table.get(key))


def measure(data: Path, work: Path) -> dict[str, Any]:
    """Prepare and render ``data`` and its one-plan edit; compare predicted and real changes."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(data, work / "before")
    shutil.copytree(data, work / "after")
    path = work / "after" / "sources" / CHANGED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("进一步", "更进一步", 1), encoding="utf-8")
    with collector_paused():
        first = prepare(work / "before")
        start = time.perf_counter()
        plain, _ = render(first, recording=False)
        plain_s = time.perf_counter() - start
        before = lookups(first)
        record_reads(first)
        start = time.perf_counter()
        recorded, reads = render(first, recording=True)
        recorded_s = time.perf_counter() - start
        if recorded != plain:
            sys.exit("recording changed what the pages show")
        del first, recorded
        second = prepare(work / "after")
        after_files, _ = render(second, recording=False)
        after = lookups(second)
        del second
    shutil.rmtree(work)
    changed_reads: set[Read] = set()
    for read in set().union(*reads.values()):
        if answer(before, read) != answer(after, read):
            changed_reads.add(read)
    predicted = {s for s, found in reads.items() if found & changed_reads}
    actual = {s for s in plain.keys() & after_files.keys() if plain[s] != after_files[s]}
    sizes = sorted(len(found) for found in reads.values())
    return {
        "pages": len(plain),
        "render_s": plain_s,
        "recording_s": recorded_s,
        "reads_median": sizes[len(sizes) // 2],
        "reads_max": sizes[-1],
        "reads_total": sum(sizes),
        "changed_reads": len(changed_reads),
        "changed": len(actual),
        "added": len(after_files.keys() - plain.keys()),
        "removed": len(plain.keys() - after_files.keys()),
        "predicted": len(predicted),
        "missed": sorted(actual - predicted),
        "whole_lookups": sorted(
            {str(r[0]) for found in reads.values() for r in found if r[-1] == ALL}
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=30)
    args = parser.parse_args()
    work = ROOT / "bench" / f"work-reach-{args.plans}"
    shutil.rmtree(work, ignore_errors=True)
    write_corpus(generate_corpus(args.plans), work / "corpus")
    result = measure(work / "corpus", work / "runs")
    shutil.rmtree(work)
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
