"""Commands over a graph already built (``--from``), and small faults of the CLI (issue 16).

``query``, ``validate``, ``trace``, ``coverage``, ``responsibility`` and ``progress`` read a dump
that ``build`` or ``publish`` wrote instead of building from the sources, and give the same
output; outputs keep the file mode the umask gives; bad graph files, an unknown ``--child`` and
Markdown tables each behave as a user expects.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_5c974d2b1e7beda6.txt"
TASK = "加强知识产权行政保护"


def run(*args: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "heze_ip_kg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        preexec_fn=set_umask,
    )


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    done = run("build", "-o", str(out / "dist"))
    assert done.returncode == 0, done.stderr
    return out / "dist" / "heze-ip-kg.nt"


COMMANDS = [
    ("query", "report-indicators", "--format", "csv"),
    ("query", "report-coverage", "--format", "csv", "--store", "oxigraph"),
    ("trace", TASK),
    ("coverage", "--format", "csv"),
    ("responsibility", "--format", "csv"),
    ("progress", "--format", "csv"),
    ("validate", "--format", "json"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_a_command_from_a_dump_gives_what_a_build_gives(
    dump: Path, command: tuple[str, ...]
) -> None:
    built = run(*command)
    from_dump = run(*command, "--from", str(dump))
    assert (from_dump.returncode, from_dump.stdout) == (built.returncode, built.stdout)
    assert built.stdout.strip()


def test_from_a_file_that_is_not_rdf_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "graph.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    done = run("query", "report-indicators", "--from", str(bad))
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"heze-ip-kg: error: {bad}:1: not valid Turtle: objectList expected"
    )


def test_validate_names_the_reason_and_the_line_of_bad_turtle(tmp_path: Path) -> None:
    bad = tmp_path / "graph.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n", encoding="utf-8")
    done = run("validate", str(bad))
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"heze-ip-kg: error: {bad}:2: not valid Turtle: objectList expected"
    )


def test_validate_names_the_formats_it_reads_for_a_file_of_another_kind(tmp_path: Path) -> None:
    text = tmp_path / "graph.txt"
    text.write_text("x\n", encoding="utf-8")
    done = run("validate", str(text))
    assert done.returncode == 2
    assert "cannot tell its RDF format from the name: use one of .jsonld, .nq, .nt" in done.stderr
    assert "format argument" not in done.stderr  # rdflib's advice, for an option we lack


def test_coverage_of_an_unknown_child_is_an_error(dump: Path) -> None:
    done = run("coverage", "--from", str(dump), "--child", "https://example.org/nope")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "heze-ip-kg: error: --child https://example.org/nope: no such document in the graph"
    )


def test_markdown_and_text_tables_shorten_iris_the_same_way(dump: Path) -> None:
    md = run("query", "report-coverage", "--from", str(dump), "--format", "md").stdout
    text = run("query", "report-coverage", "--from", str(dump), "--format", "table").stdout
    assert "| national-ip-outline-2021-2035 | hip:Task |" in md
    assert "https://w3id.org" not in md + text
    assert "hip:Task" in text


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_outputs_get_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    out = tmp_path / "plan.ttl"
    assert run("parse", str(SEED), "-o", str(out), umask=umask).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_a_replaced_output_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "plan.ttl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    assert run("parse", str(SEED), "-o", str(out), umask=0o022).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text(encoding="utf-8") != "old\n"
