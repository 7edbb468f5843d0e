"""SHACL shapes: each has a conforming and a failing fixture; the built graph conforms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from heze_ip_kg.validate import load_shapes, validate_graph
from tests.conftest import ROOT

FIXTURES = Path(__file__).resolve().parent / "shapes"
CASES = sorted(FIXTURES.glob("*/*.ttl"))
SHAPES = ROOT / "shapes"


def expectation(path: Path) -> tuple[str, str, str]:
    """Focus, shape and severity (Violation unless the header names another)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^# expect: (\S+) (\S+)(?: (\w+))?$", text, re.M)
    assert match, f"{path.name} lacks an '# expect: FOCUS SHAPE [SEVERITY]' header"
    return match.group(1), match.group(2), match.group(3) or "Violation"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_fixture(case: Path, shapes: Graph) -> None:
    report = validate_graph(Graph().parse(case), shapes, checks=False)
    if case.name.startswith("valid-"):
        assert report.conforms, report.results
        return
    focus, shape, severity = expectation(case)
    assert report.conforms == (severity != "Violation")  # warnings never fail validation
    hits = [r for r in report.results if r.focus == focus and r.rule == shape]
    assert hits, report.results
    for hit in hits:
        assert re.search(r"[\u4e00-\u9fff]", hit.message_zh), hit
        assert re.search(r"[A-Za-z]{3}", hit.message_en), hit
        assert hit.severity == severity


def test_every_shape_has_a_failing_fixture_and_every_file_a_valid_one(shapes: Graph) -> None:
    named = {str(s) for s in shapes.subjects(SH.severity, None) if "shapes#" in str(s)}
    expected = {expectation(c)[1] for c in CASES if c.name.startswith("invalid-")}
    assert named == expected
    for folder in {c.parent for c in CASES}:
        assert any(p.name.startswith("valid-") for p in folder.iterdir()), folder
    assert sorted(p.name.removesuffix(".shapes.ttl") for p in SHAPES.glob("*.ttl")) == sorted(
        p.name for p in FIXTURES.iterdir() if p.is_dir()
    )


def test_every_shape_speaks_chinese_and_english(shapes: Graph) -> None:
    for shape in shapes.subjects(SH.severity, None):
        langs = {getattr(m, "language", None) for m in shapes.objects(shape, SH.message)}
        assert {"zh", "en"} <= langs, shape


def test_the_built_graph_conforms(graph: Graph) -> None:
    report = validate_graph(graph)
    assert report.by_severity("Violation") == []
    assert report.conforms
    partly = sorted(r.focus.rsplit("/id/", 1)[1] for r in report.by_severity("Warning"))
    assert partly == [
        "national-ip-plan-14fyp/count/KeyProject",
        "shandong-ip-outline-2021-2035/count/TaskArea",
        "shandong-ip-plan-14fyp/count/Principle",
        "shandong-ip-plan-14fyp/count/Task",
    ]
