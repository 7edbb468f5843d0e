"""Where ``build_all`` spends its time: stage seconds, peak RSS and, optionally, cProfile.

Generates N synthetic plans under ``/tmp/corpus-N`` (once; ``--heze`` builds the project's own
``data/`` instead), runs ``build_all`` and prints each stage's seconds and the
process's peak RSS. ``--profile`` prints the top functions by cumulative and by own time;
``--dump FILE`` writes the built graph's sorted N-Triples and then the warnings, so that two
versions of the code can be compared byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.pipeline import BuildResult, build_all, load_project
from heze_ip_kg.progress import Stages


@dataclass
class CpuStages(Stages):
    """``Stages`` that also records each stage's CPU seconds (others share this machine)."""

    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.process_time()
        try:
            with super().stage(name):
                yield
        finally:
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - start


def _dump(result: BuildResult, out: Path) -> None:
    lines = sorted(result.graph.serialize(format="nt").splitlines())
    text = "\n".join(line for line in lines if line.strip())
    out.write_text(text + "\n--- warnings\n" + "\n".join(result.warnings) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--heze", action="store_true", help="build the project's own data/")
    parser.add_argument("--profile", action="store_true", help="print the cProfile top entries")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", type=Path, help="write sorted N-Triples and warnings here")
    args = parser.parse_args()
    data = None if args.heze else Path(f"/tmp/corpus-{args.plans}")
    if data is not None and not (data / "sources").is_dir():
        write_corpus(generate_corpus(args.plans), data)
    project = load_project(data)
    stages = CpuStages()
    profile = cProfile.Profile() if args.profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    result = build_all(project, stages)
    if profile:
        profile.disable()
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    for name, seconds in stages.seconds.items():
        print(f"{name:15} {seconds:7.2f} s  CPU {stages.cpu[name]:7.2f} s")
    print(f"{'build_all':15} {total:7.2f} s  CPU {cpu:7.2f} s  ({len(result.graph)} triples)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':15} {peak:7.0f} MiB", flush=True)
    if profile:
        stats = pstats.Stats(profile, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
    if args.dump:
        _dump(result, args.dump)


if __name__ == "__main__":
    main()
