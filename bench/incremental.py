"""Incremental publishing at scale (``make bench``): one plan changes, how long does publish take?

On N synthetic plans: a full publish with a cache into an empty folder; the same run again (its
inputs and output unchanged); one city plan's text edited and the publish run again into the same
folder; and a full publish of the edited corpus into an empty folder, which the incremental
output must equal file for file. Writes its section of ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from provenance import commit_label, measured_at  # noqa: E402
from sections import INCREMENTAL_HEADING, incremental_section, replace_section  # noqa: E402

from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.progress import Stages  # noqa: E402
from heze_ip_kg.publish.incremental import PublishRun, publish_project  # noqa: E402

CHANGED = "synthetic-city-0001.txt"


def _paths(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _same_tree(one: Path, other: Path) -> bool:
    """The same file list and, file by file, the same bytes (never two trees held in memory:
    the peak RSS reported is the runs')."""
    paths = _paths(one)
    if paths != _paths(other):
        return False
    return all(filecmp.cmp(one / path, other / path, shallow=False) for path in paths)


def _timed(
    data: Path, out: Path, cache: Path | None, parts: dict[str, dict[str, float]], name: str
) -> tuple[float, PublishRun]:
    """Run publish, keeping its seconds per part in ``parts[name]``."""
    stages = Stages()
    start = time.perf_counter()
    run = publish_project(out, data=data, cache=cache, stages=stages)
    parts[name] = stages.seconds
    return time.perf_counter() - start, run


def measure(n: int, work: Path) -> dict[str, Any]:
    """The four runs on ``n`` plans under ``work`` (removed and made afresh)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data, dist, fresh, cache = work / "data", work / "dist", work / "fresh", work / "cache"
    write_corpus(generate_corpus(n), data)
    parts: dict[str, dict[str, float]] = {}
    out: dict[str, Any] = {"plans": n, "load": os.getloadavg()[0], "parts": parts}
    out["full_s"], full = _timed(data, dist, cache, parts, "full")
    out["unchanged_s"], unchanged = _timed(data, dist, cache, parts, "unchanged")
    path = data / "sources" / CHANGED
    path.write_text(
        path.read_text(encoding="utf-8").replace("进一步", "更进一步", 1), encoding="utf-8"
    )
    out["incremental_s"], incremental = _timed(data, dist, cache, parts, "incremental")
    out["fresh_s"], _ = _timed(data, fresh, None, parts, "fresh")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["identical"] = _same_tree(dist, fresh)
    out.update(
        files=full.summary.written,
        written=incremental.summary.written,
        kept=incremental.summary.kept,
        pages_rendered_full=full.summary.rendered,
        pages_rendered=incremental.summary.rendered,
        pages_built_full=full.summary.built,
        pages_built=incremental.summary.built,
        dump_pieces=sum(len(d.pieces) for d in (incremental.summary.dumps or {}).values()),
        dump_pieces_copied=sum(d.copied for d in (incremental.summary.dumps or {}).values()),
        stages_unchanged=list(unchanged.stages),
        peak_rss_mib=peak_rss,
        peak_rss_worker_mib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        load_after=os.getloadavg()[0],
    )
    shutil.rmtree(work)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=300)
    args = parser.parse_args()
    result = measure(args.plans, ROOT / "bench" / f"work-incremental-{args.plans}")
    result["command"] = f".venv/bin/python bench/incremental.py --plans {args.plans}"
    result["commit"] = commit_label()
    result["measured"] = measured_at()
    result["changed"] = CHANGED
    # Kept with the other raw results, so that a later report keeps this section too.
    raw = ROOT / "bench" / "raw" / f"incremental-{args.plans}.json"
    raw.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    replace_section(ROOT / "bench" / "results.md", INCREMENTAL_HEADING, incremental_section(result))
    print(result)


if __name__ == "__main__":
    main()
