"""Where a publish spends its time (issue 20): cProfile of ``publish_site`` in one process.

Builds N synthetic plans, publishes them with one page writer (so the profile sees every page),
prints the functions by cumulative time, and then writes the same files again with plain Python
(``Path.write_bytes``, one ``mkdir`` per folder) into a fresh folder on the same disk: the floor
of the file writes alone. With ``--no-profile`` it only times ``publish_site`` (with ``--workers``
page writers, as ``publish`` runs it), for before/after figures.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from heze_ip_kg.check.validate import validate_graph  # noqa: E402
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.pipeline import build_all, load_project  # noqa: E402
from heze_ip_kg.publish import publish_site  # noqa: E402
from heze_ip_kg.query.backends import OxigraphBackend  # noqa: E402


def _cpu() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=30)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true", help="time publish_site only")
    parser.add_argument("--workers", type=int, default=1, help="page writers (with --no-profile)")
    args = parser.parse_args()
    work = ROOT / "bench" / f"work-profile-{args.plans}"
    shutil.rmtree(work, ignore_errors=True)
    write_corpus(generate_corpus(args.plans), work / "data")
    result = build_all(load_project(work / "data"))
    backend = OxigraphBackend(result.graph)
    report = validate_graph(result.graph, fast=True, backend=backend)
    texts = {str(t.iri): t.text for t in result.texts}
    if args.no_profile:
        # CPU seconds too (this process and the page writers): on a shared machine the wall
        # clock says as much about the neighbours as about publish.
        cpu = _cpu()
        start = time.perf_counter()
        summary = publish_site(
            result.graph, work / "dist", report, texts=texts, backend=backend, workers=args.workers
        )
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        print(f"publish_site: {seconds:.2f} s ({cpu:.1f} s CPU), {args.workers} workers, ", end="")
        print(f"{summary.written} files")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process (build included): {peak:.0f} MiB")
        shutil.rmtree(work)
        return
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    summary = publish_site(
        result.graph, work / "dist", report, texts=texts, backend=backend, workers=1
    )
    profile.disable()
    seconds = time.perf_counter() - start
    print(f"publish_site: {seconds:.2f} s under cProfile, {summary.written} files", flush=True)
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)
    written = [p for p in sorted((work / "dist").rglob("*")) if p.is_file()]
    payloads = [(p.relative_to(work / "dist"), p.read_bytes()) for p in written]
    floor = work / "floor"
    start = time.perf_counter()
    folders: set[Path] = set()
    for relative, payload in payloads:
        target = floor / relative
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(payload)
    size = sum(len(p) for _, p in payloads) / 2**20
    print(f"plain write of the same {len(payloads)} files ({size:.0f} MiB): ", end="")
    print(f"{time.perf_counter() - start:.2f} s")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
