"""Run the README's examples as a new user would after ``make run``, and compare what they print.

Usage: ``.venv/bin/python -m tests.readme [--update] [FILE]`` (default README.md). Without
``--update`` it prints each example whose output drifted and exits 1; with it, it rewrites the
expected output in the file from this run. ``tests/test_readme.py`` runs the same examples.

What is run (datasette's documentation tests and cog are the models):

- a ```` ```console ```` block: each line starting with ``$ `` is a bash command (a line ending in
  a backslash continues it); the lines after it, up to the next command, are what it prints,
  standard output and standard error together. A line ``...`` stands for any number of lines.
  A command must exit 0. A command ending in ``&`` is a server: it is started with
  ``--port 0`` and the address it reports replaces ``127.0.0.1:8000`` in the commands after it;
  what it prints is not compared, and it is stopped when the file is done.
- a ```` ```pycon ```` block: Python statements after the interactive prompt (continued by the
  secondary prompt), with the output the interpreter would print after each; blocks share one
  namespace, as one session would.
- a block right after a line ``<!-- readme: not run -->`` is left alone (``make run`` itself).

Everything runs in a fresh folder holding ``.venv`` (the running interpreter's environment) and
``data`` (the project's) as links and a ``dist/`` that ``heze-ip-kg publish`` wrote, so examples
may write files there and the checkout stays untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ELISION = "..."
SKIP_MARK = "<!-- readme: not run -->"
SERVER_ADDRESS = "127.0.0.1:8000"  # serve's default address, as the README writes it
COMMAND_SECONDS = 300
_FENCE = re.compile(r"^```(\w*)\s*$")
_BACKGROUND = re.compile(r"^(?P<command>.*?)\s*&\s*(?:#.*)?$", re.S)
_ADDRESS = re.compile(r"https?://([\w.\[\]:-]+:\d+)/")


@dataclass
class Example:
    """One command (console) or statement (pycon) and the output the file gives for it."""

    kind: str  # "console" or "pycon"
    line: int  # 1-based line of the command in the file
    source: str
    expected: list[str]
    block: int
    actual: list[str] | None = field(default=None)

    def matches(self) -> bool:
        return self.actual is not None and output_matches(self.expected, self.actual)

    def where(self, path: Path = README) -> str:
        return f"{path.name}:{self.line}: {self.source.splitlines()[0]}"


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each ``...`` line standing for any lines."""
    if ELISION not in expected:
        return expected == actual
    parts: list[list[str]] = [[]]
    for line in expected:
        if line == ELISION:
            parts.append([])
        else:
            parts[-1].append(line)
    head, *middle, tail = parts
    if actual[: len(head)] != head or len(actual) < len(head) + len(tail):
        return False
    if tail and actual[len(actual) - len(tail) :] != tail:
        return False
    at, end = len(head), len(actual) - len(tail)
    for part in middle:
        found = next(
            (i for i in range(at, end - len(part) + 1) if actual[i : i + len(part)] == part), None
        )
        if found is None:
            return False
        at = found + len(part)
    return True


def updated_output(expected: list[str], actual: list[str]) -> list[str]:
    """The new expected output: ``actual``, shortened as the old one was around its ``...``."""
    if output_matches(expected, actual):
        return expected
    if ELISION not in expected:
        return actual
    first = expected.index(ELISION)
    last = len(expected) - 1 - expected[::-1].index(ELISION)
    head, tail = first, len(expected) - last - 1
    if head + tail >= len(actual):
        return actual
    return [*actual[:head], ELISION, *actual[len(actual) - tail :]]


def read_examples(text: str) -> list[Example]:
    """Every example of the runnable blocks of ``text``, in order."""
    lines = text.splitlines()
    examples: list[Example] = []
    block, i = 0, 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        if fence.group(1) in ("console", "pycon") and previous.strip() != SKIP_MARK:
            block += 1
            reader = _console if fence.group(1) == "console" else _pycon
            examples += reader(lines[i + 1 : end], i + 2, block)
        i = end + 1
    return examples


def _console(lines: list[str], first: int, block: int) -> list[Example]:
    examples: list[Example] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"README.md:{first + i}: output before any command")
        start, source = i, [lines[i][2:]]
        while source[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            source.append(lines[i])
        i += 1
        output: list[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        examples.append(Example("console", first + start, "\n".join(source), output, block))
    return examples


def _pycon(lines: list[str], first: int, block: int) -> list[Example]:
    examples: list[Example] = []
    for i, line in enumerate(lines):
        if line.startswith(">>> "):
            examples.append(Example("pycon", first + i, line[4:], [], block))
        elif examples and line.startswith("... ") and not examples[-1].expected:
            examples[-1].source += "\n" + line[4:]
        elif examples:
            examples[-1].expected.append(line)
        else:
            raise ValueError(f"README.md:{first + i}: output before any statement")
    return examples


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@contextlib.contextmanager
def workspace(publish: bool = True) -> Iterator[Path]:
    """A fresh folder as a new user has it after ``make run``: ``.venv``, ``data`` and ``dist``."""
    with tempfile.TemporaryDirectory(prefix="heze-readme-") as name:
        work = Path(name)
        (work / ".venv").symlink_to(Path(sys.prefix))
        (work / "data").symlink_to(ROOT / "data")
        if not publish:
            yield work
            return
        subprocess.run(
            [str(work / ".venv" / "bin" / "heze-ip-kg"), "publish", "-o", "dist"],
            cwd=work,
            check=True,
            capture_output=True,
            timeout=COMMAND_SECONDS,
        )
        yield work


class Session:
    """Runs examples in order in one folder: shell commands, servers and one Python namespace."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.address: str | None = None
        self.servers: list[subprocess.Popen[str]] = []
        self.namespace: dict[str, object] = {"__name__": "__readme__"}
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}

    def run(self, example: Example) -> None:
        if example.kind == "pycon":
            example.actual = self._python(example.source)
            return
        command = example.source
        if self.address is not None:
            command = command.replace(SERVER_ADDRESS, self.address)
        background = _BACKGROUND.match(command)
        if background:
            self._serve(background.group("command"))
            example.actual = example.expected  # a server's log is not compared
            return
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=self.work,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        example.actual = _lines(done.stdout)
        if done.returncode != 0:
            example.actual.append(f"(exit status {done.returncode})")

    def _serve(self, command: str) -> None:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {command} --port 0"],
            cwd=self.work,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.servers.append(server)
        assert server.stdout is not None
        for line in server.stdout:  # the first line names the address it bound
            found = _ADDRESS.search(line)
            if found:
                self.address = found.group(1)
                break
        else:
            raise RuntimeError(f"{command} ended without saying where it serves")
        # Keep reading its log so that the server never blocks on a full pipe.
        threading.Thread(target=server.stdout.read, daemon=True).start()

    def _python(self, source: str) -> list[str]:
        out = io.StringIO()
        here = Path.cwd()
        os.chdir(self.work)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(source + "\n", "<README>", "single"), self.namespace)
        except Exception:
            lines = traceback.format_exc().splitlines()
            out.write(f"Traceback (most recent call last):\n{lines[-1]}\n")
        finally:
            os.chdir(here)
        return _lines(out.getvalue())

    def close(self) -> None:
        for server in self.servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def run_examples(examples: list[Example], publish: bool = True) -> None:
    """Run ``examples`` in order in a fresh workspace, filling in what each printed."""
    with workspace(publish) as work:
        session = Session(work)
        try:
            for example in examples:
                session.run(example)
        finally:
            session.close()


def rewrite(text: str, examples: list[Example]) -> str:
    """``text`` with each example's expected output replaced by what it printed (elisions kept)."""
    lines = text.splitlines()
    for example in sorted(examples, key=lambda e: e.line, reverse=True):
        assert example.actual is not None
        start = example.line + len(example.source.splitlines()) - 1  # 0-based first output line
        lines[start : start + len(example.expected)] = updated_output(
            example.expected, example.actual
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.readme", description=__doc__)
    parser.add_argument("file", nargs="?", type=Path, default=README)
    parser.add_argument("--update", action="store_true", help="rewrite the expected output")
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    examples = read_examples(text)
    run_examples(examples)
    drifted = [e for e in examples if not e.matches()]
    if args.update:
        args.file.write_text(rewrite(text, examples), encoding="utf-8")
        print(f"{args.file}: {len(drifted)} of {len(examples)} examples rewritten")
        return 0
    for example in drifted:
        print(example.where(args.file))
        print("  expected:", *example.expected, sep="\n    ")
        print("  got:", *(example.actual or []), sep="\n    ")
    print(f"{args.file}: {len(examples) - len(drifted)} of {len(examples)} examples as written")
    return 1 if drifted else 0


if __name__ == "__main__":
    sys.exit(main())
