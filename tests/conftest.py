"""Shared fixtures: the seed text, its parsed plan, and the built dataset (session-scoped: pure)."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.parse import read_plan
from heze_ip_kg.parse.model import Plan
from heze_ip_kg.pipeline import build_all, build_dataset, load_project
from heze_ip_kg.publish import publish_site

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "000_5c974d2b1e7beda6.txt"
DATA = Path(__file__).resolve().parent / "data"
HEZE = "https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """In CI (``.ci/run`` sets ``HEZE_IP_KG_NO_SKIP``) a skipped test fails with its reason:
    every component a test needs is installed by ``make test`` there, so a skip is a fault."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("HEZE_IP_KG_NO_SKIP") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {reason}"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def plan() -> Plan:
    return read_plan(SEED)


@pytest.fixture(scope="session")
def graph() -> Graph:
    return build_dataset(load_project())


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    """What ``publish`` writes for the project (its output folder) and the graph it published."""
    result = build_all(load_project())
    out = tmp_path_factory.mktemp("dist")
    publish_site(
        result.graph,
        out,
        validate_graph(result.graph),
        texts={str(t.iri): t.text for t in result.texts},
    )
    return out, result.graph


# Markup and script payloads that every page must show as text (see tests/test_markup.py).
PAYLOAD = """<script>alert("s{n}")</script><img src=x onerror="alert('i{n}')"></script><!--"' & """


@pytest.fixture(scope="session")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    """The project published with a payload put in front of every string in the graph."""
    result = build_all(load_project())
    graph = Graph()
    for prefix, namespace in result.graph.namespaces():
        graph.bind(prefix, namespace)
    for n, (s, p, o) in enumerate(sorted(result.graph)):
        if isinstance(o, Literal) and o.datatype in (None, XSD.string):
            o = Literal(PAYLOAD.format(n=n) + str(o), lang=o.language, datatype=o.datatype)
        graph.add((s, p, o))
    out = tmp_path_factory.mktemp("poisoned")
    publish_site(
        graph,
        out,
        validate_graph(graph, checks=False),
        texts={str(t.iri): t.text for t in result.texts},
    )
    return out, graph


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="Rewrite expected query results and other snapshots from this run.",
    )


@pytest.fixture(scope="session")
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
