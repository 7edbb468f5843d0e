"""Incremental publishing at scale (``make bench``): one plan changes, how long does publish take?

On N synthetic plans: a full publish with a cache into an empty folder; the same run again (its
inputs and output unchanged); one city plan's text edited and the publish run again into the same
folder; and a full publish of the edited corpus into an empty folder, which the incremental
output must equal file for file. Writes its section of ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from report import replace_section  # noqa: E402

from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.publish.incremental import PublishRun, publish_project  # noqa: E402

HEADING = "## Incremental publish after a one-plan change (issue 20)"
CHANGED = "synthetic-city-0001.txt"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _timed(data: Path, out: Path, cache: Path | None) -> tuple[float, PublishRun]:
    start = time.perf_counter()
    run = publish_project(out, data=data, cache=cache)
    return time.perf_counter() - start, run


def measure(n: int, work: Path) -> dict[str, Any]:
    """The four runs on ``n`` plans under ``work`` (removed and made afresh)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data, dist, fresh, cache = work / "data", work / "dist", work / "fresh", work / "cache"
    write_corpus(generate_corpus(n), data)
    out: dict[str, Any] = {"plans": n, "load": os.getloadavg()[0]}
    out["full_s"], full = _timed(data, dist, cache)
    out["unchanged_s"], unchanged = _timed(data, dist, cache)
    path = data / "sources" / CHANGED
    path.write_text(
        path.read_text(encoding="utf-8").replace("进一步", "更进一步", 1), encoding="utf-8"
    )
    out["incremental_s"], incremental = _timed(data, dist, cache)
    out["fresh_s"], _ = _timed(data, fresh, None)
    out["identical"] = _files(dist) == _files(fresh)
    out.update(
        files=full.summary.written,
        written=incremental.summary.written,
        kept=incremental.summary.kept,
        stages_unchanged=list(unchanged.stages),
        peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        peak_rss_worker_mib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        load_after=os.getloadavg()[0],
    )
    shutil.rmtree(work)
    return out


def section(r: dict[str, Any], command: str) -> list[str]:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    share = r["incremental_s"] / r["full_s"]
    return [
        HEADING,
        "",
        f"`{command}` ({when}, commit {commit}; load average {r['load']:.1f} before, "
        f"{r['load_after']:.1f} after, on a machine shared with other jobs). "
        f"{r['plans']} synthetic plans: a full `publish` with `--cache` into an empty folder; the "
        f"same run again; `{CHANGED}` edited (one sentence) and the run again into the same "
        "folder; a full publish of the edited corpus into an empty folder, compared with it file "
        "by file (`heze_ip_kg.publish.incremental.publish_project`, what `publish` runs).",
        "",
        "| run | seconds | stages run | files written / kept |",
        "|---|---|---|---|",
        f"| full, empty folder | {r['full_s']:.1f} | build, validate, publish | {r['files']} / 0 |",
        f"| same inputs again | {r['unchanged_s']:.2f} | "
        f"{', '.join(r['stages_unchanged']) or 'none'} | 0 / 0 |",
        f"| one plan changed | {r['incremental_s']:.1f} | build, validate, publish | "
        f"{r['written']} / {r['kept']} |",
        f"| full, edited corpus, empty folder | {r['fresh_s']:.1f} | build, validate, publish | "
        f"{r['files']} / 0 |",
        "",
        f"One-plan change: {share:.0%} of a full publish (target < 10%: "
        f"{'met' if share < 0.1 else 'missed'}); output identical to the full publish of the same "
        f"inputs: {r['identical']}. Peak RSS over the four runs in one process "
        f"{r['peak_rss_mib']:.0f} MiB (largest page worker {r['peak_rss_worker_mib']:.0f} MiB). "
        "A changed input still rebuilds, validates and "
        "renders everything; only files whose bytes changed are written (docs/incremental.md).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=300)
    args = parser.parse_args()
    result = measure(args.plans, ROOT / "bench" / f"work-incremental-{args.plans}")
    command = f".venv/bin/python bench/incremental.py --plans {args.plans}"
    replace_section(ROOT / "bench" / "results.md", HEADING, section(result, command))
    print(result)


if __name__ == "__main__":
    main()
