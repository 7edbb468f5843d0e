"""Fast by default (issue 20): every command takes the fast paths above the size threshold and the
plain ones below it, as ``query.backends.choose_fast`` says, and its flags force either.

Which path a command took is observed through the API, not by timing: whether it opened an
embedded Oxigraph store (``OxigraphBackend``), and for ``validate_graph`` and
``publish_project`` what their results report. The threshold is moved around the graph's size
so that the project's own small graph is on either side of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from rdflib import Graph

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.cli.main import main
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.publish.incremental import publish_project
from heze_ip_kg.publish.stamp import Stamp
from heze_ip_kg.query.backends import (
    FAST_ABOVE_TRIPLES,
    OxigraphBackend,
    RdflibBackend,
    choose_fast,
    open_backend,
)
from heze_ip_kg.rdfio.dumps import read_graphs, write_dumps

TASK = "加强知识产权行政保护"
STAMP = Stamp("test", "2026-01-01", "")

# Each graph command, and the flags that force the fast path and the plain one.
COMMANDS = [
    (("validate", "--format", "json"), ("--fast",), ("--plain",)),
    (("query", "report-indicators"), ("--store", "oxigraph"), ("--store", "rdflib")),
    (("progress",), ("--store", "oxigraph"), ("--store", "rdflib")),
    (("trace", TASK), ("--fast",), ("--plain",)),
    (("coverage",), ("--fast",), ("--plain",)),
    (("responsibility",), ("--fast",), ("--plain",)),
]
IDS = [c[0][0] for c in COMMANDS]


def threshold(triples: int) -> Any:
    return mock.patch("heze_ip_kg.query.backends.FAST_ABOVE_TRIPLES", triples)


@pytest.fixture(scope="module")
def dump(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dump")
    write_dumps(graph, out)
    return next(out.glob("*.nt"))


@pytest.fixture(scope="module")
def size(dump: Path) -> int:
    return len(read_graphs((dump,)))


@pytest.fixture
def stores() -> Iterator[mock.MagicMock]:
    """Counts the embedded Oxigraph stores opened while it is active."""
    with mock.patch.object(
        OxigraphBackend, "__init__", autospec=True, side_effect=OxigraphBackend.__init__
    ) as opened:
        yield opened


def invoke(*args: str) -> str:
    done = CliRunner().invoke(main, list(args))
    assert done.exit_code in (0, 1), done.output
    assert done.stdout.strip()
    return done.stdout


def test_the_choice_is_by_size_unless_forced() -> None:
    assert (choose_fast(FAST_ABOVE_TRIPLES), choose_fast(FAST_ABOVE_TRIPLES + 1)) == (False, True)
    assert (choose_fast(FAST_ABOVE_TRIPLES, True), choose_fast(10**9, False)) == (True, False)


@pytest.mark.parametrize(("command", "fast", "plain"), COMMANDS, ids=IDS)
def test_a_command_takes_the_fast_path_above_the_threshold_and_plain_below(
    dump: Path,
    size: int,
    stores: mock.MagicMock,
    command: tuple[str, ...],
    fast: tuple[str, ...],
    plain: tuple[str, ...],
) -> None:
    with threshold(size):
        below = invoke(*command, "--from", str(dump))
    assert stores.call_count == 0
    with threshold(size - 1):
        above = invoke(*command, "--from", str(dump))
    assert stores.call_count > 0
    assert above == below  # the same answers either way


@pytest.mark.parametrize(("command", "fast", "plain"), COMMANDS, ids=IDS)
def test_the_flags_force_either_path(
    dump: Path,
    size: int,
    stores: mock.MagicMock,
    command: tuple[str, ...],
    fast: tuple[str, ...],
    plain: tuple[str, ...],
) -> None:
    with threshold(size - 1):
        invoke(*command, *plain, "--from", str(dump))
    assert stores.call_count == 0
    with threshold(size):
        invoke(*command, *fast, "--from", str(dump))
    assert stores.call_count > 0


def test_the_api_reports_the_path_it_took(graph: Graph) -> None:
    with threshold(len(graph) - 1):
        assert validate_graph(graph, fast=None).fast
        assert not validate_graph(graph, fast=False).fast
        assert isinstance(open_backend(graph), OxigraphBackend)
    with threshold(len(graph)):
        assert not validate_graph(graph, fast=None).fast
        assert validate_graph(graph, fast=True).fast
        assert isinstance(open_backend(graph), RdflibBackend)


def test_publish_chooses_by_size_and_obeys_its_flags(tmp_path: Path) -> None:
    data = tmp_path / "corpus"
    write_corpus(generate_corpus(1), data)
    with threshold(0):
        run = publish_project(tmp_path / "a", data=data, stamp=STAMP)
        assert (run.fast, run.summary.pages > 0) == (True, True)
    # The plain runs stop short of writing pages: what is observed is the path chosen.
    with mock.patch("heze_ip_kg.publish.incremental.publish_site") as site:
        site.return_value.files = None
        with threshold(0):
            assert publish_project(tmp_path / "b", data=data, fast=False, stamp=STAMP).fast is False
            assert site.call_args.kwargs["backend"] is None  # the catalogue runs on rdflib
        with threshold(10**9):
            assert publish_project(tmp_path / "c", data=data, stamp=STAMP).fast is False
            assert site.call_args.kwargs["backend"] is None
            assert publish_project(tmp_path / "d", data=data, fast=True, stamp=STAMP).fast is True
            assert isinstance(site.call_args.kwargs["backend"], OxigraphBackend)
