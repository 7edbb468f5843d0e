"""A mutation fuzzer for the curated files, through the real command: ``build --data DIR -o OUT``.

Each input is a copy of ``data/`` with one curated file changed — a parent-document file, an
alignment sheet, the organisations file, ``sources.yaml``, a label table or the role patterns —
by the parser fuzzer's byte mutators (tests/fuzz.py) and by mutators that know these files:
a reference renamed to an element that does not exist, a document slug replaced by an unknown
one, a row duplicated, a cell dropped, a value replaced by the wrong type. Each input must either
build (exit 0, the three dumps written) or be rejected cleanly (exit 2, one stderr line naming a
file of the data folder and a line in it, no output folder) within a time bound.

    .venv/bin/python -m tests.fuzz_data --inputs 1000 --seed 1
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from tests.fuzz import MUTATORS, Mutator, Summary, _lines, command_line, crash_detail, invoke

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CURATED = sorted(
    [
        *(DATA / "parents").glob("*.yaml"),
        *(DATA / "alignments").glob("*.csv"),
        DATA / "organizations.yaml",
        DATA / "sources" / "sources.yaml",
        *(DATA / "labels").glob("*.tsv"),
        DATA / "role-patterns.tsv",
    ]
)
SECONDS_PER_INPUT = 30.0
DUMPS = ["heze-ip-kg.jsonld", "heze-ip-kg.nt", "heze-ip-kg.ttl"]
REFERENCE = re.compile(
    rb"\b(part|section|principle|objective|indicator|task-area|task|key-project)-(\d+)"
)
SLUG = re.compile(rb"\b(heze|shandong|national)-ip-[a-z0-9-]+")


def rename_reference(data: bytes, rng: random.Random) -> bytes:
    """Point one element reference (``task-3``) at an element that does not exist."""
    found = list(REFERENCE.finditer(data))
    if not found:
        return data
    m = rng.choice(found)
    return (
        data[: m.start(2)] + str(int(m.group(2)) + rng.choice([40, 99])).encode() + data[m.end(2) :]
    )


def unknown_document(data: bytes, rng: random.Random) -> bytes:
    """Replace one document slug by one no file defines."""
    found = list(SLUG.finditer(data))
    if not found:
        return data
    m = rng.choice(found)
    return data[: m.start()] + b"hubei-ip-plan-14fyp" + data[m.end() :]


def duplicate_row(data: bytes, rng: random.Random) -> bytes:
    """Repeat one line (a CSV/TSV row, or a YAML line and so a key) right after itself."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def drop_cell(data: bytes, rng: random.Random) -> bytes:
    """Remove one separator (comma, tab or ``key:``) from one line."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    for separator in (b",", b"\t", b": "):
        if separator in lines[i]:
            lines[i] = lines[i].replace(separator, b" ", 1)
            break
    return b"\n".join(lines)


def wrong_type(data: bytes, rng: random.Random) -> bytes:
    """Give one YAML key a value of another type (a list, a number, null, a mapping)."""
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if re.match(rb"\s*-?\s*[a-z_]+: \S", line)]
    if not keyed:
        return data
    i = rng.choice(keyed)
    key = lines[i].split(b": ", 1)[0]
    lines[i] = key + b": " + rng.choice([b"[]", b"42", b"null", b"{a: 1}", b"''", b"- x"])
    return b"\n".join(lines)


DATA_MUTATORS: dict[str, Mutator] = {
    f.__name__: f
    for f in (rename_reference, unknown_document, duplicate_row, drop_cell, wrong_type)
}
ALL_MUTATORS: dict[str, Mutator] = {**MUTATORS, **DATA_MUTATORS}


def inputs(count: int, seed: int) -> list[tuple[Path, str, bytes]]:
    """``count`` (curated file, mutator names, new content), the same for the same seed."""
    rng = random.Random(seed)
    names = sorted(ALL_MUTATORS)
    made = []
    for _ in range(count):
        path = rng.choice(CURATED)
        data = path.read_bytes()
        # Half the inputs use the mutators that know the files: they reach deeper checks.
        pool = sorted(DATA_MUTATORS) if rng.random() < 0.5 else names
        chosen = rng.sample(pool, rng.randint(1, 2))
        for name in chosen:
            data = ALL_MUTATORS[name](data, rng)
        made.append((path.relative_to(DATA), "+".join(chosen), data))
    return made


def check(copy: Path, out: Path, runner: CliRunner) -> tuple[str, str]:
    """(outcome, detail) of ``build`` on the data folder ``copy``."""
    result = invoke(runner, ["build", "--data", str(copy), "-o", str(out)], SECONDS_PER_INPUT)
    if result is None:
        return "hang", ""
    try:
        left = sorted(p.name for p in out.iterdir()) if out.exists() else []
        if result.exit_code == 0 and left == [".heze-ip-kg", *DUMPS]:
            return "built", ""
        stderr = result.stderr.strip().splitlines()
        clean = re.compile(rf"^heze-ip-kg: error: {re.escape(str(copy))}/[^:\n]+:\d+(:\d+)?: \S")
        if result.exit_code == 2 and left == [] and len(stderr) == 1 and clean.match(stderr[0]):
            return "rejected", ""
        return "crash", crash_detail(result, left)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def run(count: int, seed: int) -> Summary:
    """Fuzz ``count`` inputs from ``seed``."""
    summary = Summary(accepted="built", place="file:line")
    runner = CliRunner()
    with summary.timed(), tempfile.TemporaryDirectory(prefix="heze-fuzz-data-") as tmp:
        copy, out = Path(tmp) / "data", Path(tmp) / "out"
        shutil.copytree(DATA, copy)
        for n, (relative, name, data) in enumerate(inputs(count, seed)):
            target = copy / relative
            target.write_bytes(data)
            begun = time.monotonic()
            outcome, detail = check(copy, out, runner)
            target.write_bytes((DATA / relative).read_bytes())
            summary.record(n, f"{relative}:{name}", outcome, detail, time.monotonic() - begun)
    return summary


if __name__ == "__main__":
    sys.exit(command_line(run, 1_000, __doc__))
