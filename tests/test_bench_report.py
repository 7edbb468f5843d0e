"""The benchmark report keeps what it cannot rewrite: sections measured from raw files that this
checkout does not hold (``bench/raw`` is not committed)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from sections import PARTS, incremental_section, kept_sections

BENCH = Path(__file__).resolve().parent.parent / "bench"

PREVIOUS = """# Benchmark results

## Pipeline by stage (seconds)

| plans | seconds |
|---|---|
| 30 | 4.8 |

## Serialisers

Measured at commit abc1234.

| format | ours s |
|---|---|
| nt | 1.485 |

## Targets (issues 7 and 20)

| target | measured |
"""


def test_a_section_without_its_raw_file_is_kept_as_it_was() -> None:
    rewritten = ["# Benchmark results", "", "## Pipeline by stage (seconds)", "", "| 300 | 52 |"]
    rewritten += ["", "## Targets (issues 7 and 20)", "", "| target | measured |"]
    kept = kept_sections(PREVIOUS, rewritten)
    assert kept == [
        "",
        "## Serialisers",
        "",
        "Measured at commit abc1234.",
        "",
        "| format | ours s |",
        "|---|---|",
        "| nt | 1.485 |",
    ]
    assert kept_sections(PREVIOUS, [*rewritten, *kept]) == []  # nothing twice


def test_the_parts_of_the_incremental_runs_keep_the_order_they_ran_in() -> None:
    # The raw file is written with sorted keys; the table lists the parts as publish runs them.
    run = {name: 1.0 for name in sorted(PARTS)}
    result = {
        "command": "bench/incremental.py --plans 3",
        "measured": "2026-12-01 00:00 UTC",
        "commit": "abc1234",
        "load": 0.1,
        "load_after": 0.2,
        "plans": 3,
        "changed": "synthetic-city-0001.txt",
        "full_s": 10.0,
        "unchanged_s": 1.0,
        "incremental_s": 5.0,
        "fresh_s": 10.0,
        "files": 100,
        "written": 3,
        "kept": 97,
        "stages_unchanged": [],
        "identical": True,
        "peak_rss_mib": 100.0,
        "peak_rss_worker_mib": 90.0,
        "parts": {"full": run, "unchanged": {"key": 1.0}, "incremental": run, "fresh": run},
    }
    lines = incremental_section(result)
    rows = [line.split(" | ")[0].lstrip("| ") for line in lines if line.startswith("| ")]
    parts = [row for row in rows if row in PARTS]
    assert parts == list(PARTS)
    assert "| one plan changed | 5.0 | build, validate, publish | 3 / 97 | — | — |" in lines


@pytest.mark.parametrize(
    "script",
    sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "bench").glob("*.py")),
)
def test_every_benchmark_script_imports(script: str) -> None:
    # `make bench` runs them; nothing else imports them, so a name they take from the package
    # that no longer exists would first show there (bench/run.py did, once).
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/run.py uses tests/servers
    importlib.import_module(script)
