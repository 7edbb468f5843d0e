"""Plain against fast paths by size: where ``choose_fast`` should switch (issue 20).

For the Heze data and synthetic corpora of N plans: validation (pySHACL against the fast path
on an embedded Oxigraph store, its load included), the catalogue with default parameters
(rdflib against Oxigraph, its load included) and a whole ``publish_project`` (``fast=False``
against ``fast=True``), each checked to give the same answers (findings, rows, bytes). Prints
a Markdown table for docs/scale.md. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import TypeVar

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.publish.incremental import publish_project
from heze_ip_kg.publish.stamp import Stamp
from heze_ip_kg.query.backends import OxigraphBackend, RdflibBackend
from heze_ip_kg.query.execute import Table, list_queries
from heze_ip_kg.rdfio.dumps import read_graphs
from heze_ip_kg.resources import data_dir

T = TypeVar("T")


def _tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _timed(run: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = run()
    return value, time.perf_counter() - start


def _limited(run: Callable[[], T], limit: float) -> tuple[T | None, float]:
    """``run()`` in a forked child, stopped after ``limit`` seconds: (value or None, seconds)."""
    context = mp.get_context("fork")
    queue: mp.Queue[tuple[T, float]] = context.Queue()

    def child() -> None:
        queue.put(_timed(run))

    process = context.Process(target=child)
    process.start()
    try:
        return queue.get(timeout=limit)
    except Empty:
        return None, limit
    finally:
        process.kill()
        process.join()


def measure(name: str, data: Path, publish: bool, limit: float) -> str:
    graph = read_graphs((data,)) if data.is_file() else build_all(load_project(data)).graph
    plain, plain_s = _timed(lambda: validate_graph(graph, fast=False))
    fast, fast_s = _timed(lambda: validate_graph(graph, fast=True))
    same = plain.results == fast.results
    # report-graph-size counts a named graph of a server; like publish, the catalogue skips it.
    queries = [q for q in list_queries() if q.kind != "check" and q.name != "report-graph-size"]
    rdf, rdf_s = _limited(lambda: [RdflibBackend(graph).select(q) for q in queries], limit)

    def oxi() -> list[Table]:
        backend = OxigraphBackend(graph)
        return [backend.select(q) for q in queries]

    ox, ox_s = _timed(oxi)
    same_rows = "yes" if rdf == ox else "NO" if rdf is not None else "—"
    rdf_cell = f"{rdf_s:.2f} s" if rdf is not None else f"> {limit:.0f} s (stopped)"
    cells = [f"{plain_s:.2f} s", f"{fast_s:.2f} s", rdf_cell, f"{ox_s:.2f} s"]
    same_bytes = "—"
    if publish:
        stamp = Stamp("bench", "2026-12-01", "")
        digests = []
        for fast_path in (False, True):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "site"
                start = time.perf_counter()
                publish_project(out, data=data, fast=fast_path, stamp=stamp)
                seconds = time.perf_counter() - start
                digests.append(_tree(out))
                cells.append(f"{seconds:.1f} s")
        same_bytes = "yes" if digests[0] == digests[1] else "NO"
    else:
        cells += ["not run", "not run"]
    same_all = f"{'yes' if same else 'NO'} / {same_rows} / {same_bytes}"
    return f"| {name} | {len(graph)} | " + " | ".join(cells) + f" | {same_all} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 6, 30])
    parser.add_argument("--no-publish-above", type=int, default=10**9)
    parser.add_argument("--limit", type=float, default=300, help="Seconds for rdflib's catalogue.")
    parser.add_argument("--heze", action="store_true", help="Also the project's data/.")
    parser.add_argument(
        "--files", type=Path, nargs="*", default=[], help="RDF files: validate and catalogue only."
    )
    args = parser.parse_args()
    print(
        "| data | triples | validate plain | validate fast | catalogue rdflib "
        "| catalogue Oxigraph | publish plain | publish fast | same findings / rows / bytes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for path in args.files:
        print(measure(f"`{path.name}`", path, False, args.limit), flush=True)
    if args.heze:
        print(measure("Heze (data/)", data_dir(), True, args.limit), flush=True)
    for plans in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            write_corpus(generate_corpus(plans, seed=0), folder)
            name = f"{plans} plan{'s' if plans > 1 else ''}"
            print(measure(name, folder, plans <= args.no_publish_above, args.limit), flush=True)


if __name__ == "__main__":
    main()
