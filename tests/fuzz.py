"""A mutation fuzzer for the parser, through the real command: ``heze-ip-kg parse FILE -o OUT``.

Inputs are the seed, its variants and the kitchen-sink plan, each changed by one to three named,
seeded mutators (truncation, shuffled or duplicated lines, broken numbering, stray table pipes,
other encodings, huge lines, control characters, invalid UTF-8, …). Each input must either parse
(exit 0, the output written) or be rejected cleanly (exit 2, one stderr line naming file, line
and column, no output and no temporary file left) within a time bound; anything else is a crash
or a hang. ``make fuzz`` runs 10,000 inputs; ``tests/test_fuzz.py`` a sample.

    .venv/bin/python -m tests.fuzz --inputs 10000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from click.testing import CliRunner, Result

from heze_ip_kg.cli.main import main as cli

ROOT = Path(__file__).resolve().parent.parent
CORPUS = [
    ROOT / "data" / "sources" / "000_5c974d2b1e7beda6.txt",
    ROOT / "tests" / "data" / "kitchen_sink_plan.txt",
    *sorted((ROOT / "tests" / "data" / "variants").glob("*.txt")),
]
CLEAN_ERROR = re.compile(r"^heze-ip-kg: error: [^:\n]+:\d+:\d+: \S")
SECONDS_PER_INPUT = 10.0

Mutator = Callable[[bytes, random.Random], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.randint(2, 40)]
    rng.shuffle(block)
    return b"\n".join(lines[:start] + block + lines[start + len(block) :])


def duplicate_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join(lines[:i] + lines[i : i + rng.randint(1, 10)] * 2 + lines[i + 1 :])


def delete_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join(lines[:i] + lines[i + rng.randint(1, 20) :])


NUMBERING = ["一、", "（一）", "(一)", "1.", "1．", "（1）", "①", "二、", "（二）", "2."]


def break_numbering(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    marks = [m for m in NUMBERING if m in text]
    if not marks:
        return data
    mark = rng.choice(marks)
    broken = rng.choice([mark[:-1], mark[1:], mark + mark, "十" + mark, mark.replace("一", "〇")])
    return text.replace(mark, broken, rng.randint(1, 5)).encode("utf-8", errors="surrogateescape")


def swap_width(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    pairs = [("（", "("), ("）", ")"), ("．", "."), ("，", ","), ("：", ":"), ("｜", "|")]
    for full, half in rng.sample(pairs, rng.randint(1, len(pairs))):
        text = text.replace(full, half) if rng.random() < 0.5 else text.replace(half, full)
    return text.encode("utf-8", errors="surrogateescape")


def stray_pipes(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(lines))
        cut = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:cut] + rng.choice([b"|", b" | ", b"||", b"|---|"]) + lines[i][cut:]
    return b"\n".join(lines)


def other_encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="ignore")
    start = rng.randrange(len(text) + 1)
    part = text[start : start + rng.randint(1, 2000)]
    encoded = part.encode(rng.choice(["gb18030", "utf-16", "big5", "latin-1"]), errors="ignore")
    return text[:start].encode() + encoded + text[start + len(part) :].encode()


def add_bom(data: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data


def huge_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    filler = rng.choice(["加强知识产权保护", "|", "1.", "x"]).encode() * rng.randint(
        10_000, 130_000
    )
    return b"\n".join([*lines[:i], lines[i] + filler, *lines[i + 1 :]])


def control_characters(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        out.insert(rng.randrange(len(out) + 1), rng.choice([0, 1, 7, 8, 11, 12, 27, 127]))
    return bytes(out)


def invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        out.insert(rng.randrange(len(out) + 1), rng.choice([0xFF, 0xC0, 0x80, 0xE8, 0xED]))
    return bytes(out)


def line_endings(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", "\u2028".encode()]))


def empty(data: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"", b"\n\n", b"   ", b"\xef\xbb\xbf"])


MUTATORS: dict[str, Mutator] = {
    f.__name__: f
    for f in (
        truncate,
        shuffle_lines,
        duplicate_lines,
        delete_lines,
        break_numbering,
        swap_width,
        stray_pipes,
        other_encoding,
        add_bom,
        huge_line,
        control_characters,
        invalid_utf8,
        line_endings,
        empty,
    )
}


@dataclass
class Summary:
    """What the run tried and what came of it."""

    tried: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    by_mutator: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0
    seconds: float = 0.0
    accepted: str = "parsed"  # the outcome word for an input that went through
    place: str = "file:line:column"  # what a clean error names

    def record(self, n: int, label: str, outcome: str, detail: str, seconds: float) -> None:
        """Count one input's outcome; keep it as a failure if it crashed or hung."""
        self.slowest = max(self.slowest, seconds)
        self.tried += 1
        self.outcomes[outcome] += 1
        self.by_mutator[f"{label}:{outcome}"] += 1
        if outcome in ("crash", "hang"):
            self.failures.append(f"#{n} {label}: {outcome} {detail}")

    @contextmanager
    def timed(self) -> Iterator[None]:
        """The whole run: SIGALRM bounds each input (see :func:`invoke`), the clock runs."""
        previous = signal.signal(signal.SIGALRM, _alarm)
        started = time.monotonic()
        try:
            yield
        finally:
            signal.signal(signal.SIGALRM, previous)
            self.seconds = time.monotonic() - started

    def markdown(self) -> str:
        o = self.outcomes
        return (
            f"{self.tried} inputs: {o[self.accepted]} {self.accepted}, {o['rejected']} rejected "
            f"with a clean error ({self.place}), {o['crash']} crashes, {o['hang']} hangs; "
            f"slowest input {self.slowest:.2f} s; {self.seconds:.0f} s in all"
        )


class _HangError(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _HangError


def inputs(count: int, seed: int) -> list[tuple[str, bytes]]:
    """``count`` mutated inputs, the same for the same seed."""
    rng = random.Random(seed)
    bases = [p.read_bytes() for p in CORPUS]
    names = sorted(MUTATORS)
    made = []
    for _ in range(count):
        data = rng.choice(bases)
        chosen = rng.sample(names, rng.randint(1, 3))
        for name in chosen:
            data = MUTATORS[name](data, rng)
        made.append(("+".join(chosen), data))
    return made


def invoke(runner: CliRunner, args: list[str], seconds: float) -> Result | None:
    """The CLI's result on ``args``, or None if it ran past ``seconds`` (a hang)."""
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = runner.invoke(cli, args)
    except _HangError:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None if isinstance(result.exception, _HangError) else result


def crash_detail(result: Result, left: list[str]) -> str:
    """What a crash looked like: exit code, files left, the end of stderr, the exception."""
    detail = f"exit {result.exit_code}, files {left}, stderr {result.stderr.splitlines()[-3:]!r}"
    if result.exc_info and result.exit_code not in (0, 2):
        detail += f", {result.exc_info[0].__name__}: {result.exc_info[1]}"
    return detail


def check(data: bytes, folder: Path, runner: CliRunner) -> tuple[str, str]:
    """(outcome, detail) of ``parse`` on ``data`` written to a file in ``folder``."""
    source = folder / "plan.txt"
    source.write_bytes(data)
    out = folder / "out" / "plan.ttl"
    out.parent.mkdir(exist_ok=True)
    result = invoke(runner, ["parse", str(source), "-o", str(out)], SECONDS_PER_INPUT)
    if result is None:
        return "hang", ""
    left = sorted(p.name for p in out.parent.iterdir())
    try:
        if result.exit_code == 0 and left == ["plan.ttl"] and out.stat().st_size > 0:
            return "parsed", ""
        stderr = result.stderr.strip().splitlines()
        if (
            result.exit_code == 2
            and left == []
            and len(stderr) == 1
            and CLEAN_ERROR.match(stderr[0])
            and result.stdout == ""
        ):
            return "rejected", ""
        return "crash", crash_detail(result, left)
    finally:
        for path in out.parent.iterdir():
            path.unlink()


def run(count: int, seed: int) -> Summary:
    """Fuzz ``count`` inputs from ``seed``."""
    summary = Summary()
    runner = CliRunner()
    with summary.timed(), tempfile.TemporaryDirectory(prefix="heze-fuzz-") as tmp:
        for n, (name, data) in enumerate(inputs(count, seed)):
            begun = time.monotonic()
            outcome, detail = check(data, Path(tmp), runner)
            summary.record(n, name, outcome, detail, time.monotonic() - begun)
    return summary


def command_line(run: Callable[[int, int], Summary], default_inputs: int, doc: str) -> int:
    """``--inputs N --seed S``: run, print the summary and the failures; 1 if any failed."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=default_inputs)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    summary = run(args.inputs, args.seed)
    print(summary.markdown())
    for line in summary.failures[:40]:
        print("FAILED", line)
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(command_line(run, 10_000, __doc__))
