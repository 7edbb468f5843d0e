"""SHACL shapes: each has a conforming and a failing fixture; the built graph conforms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from heze_ip_kg.check.validate import load_shapes, validate_graph
from heze_ip_kg.cli.main import main
from heze_ip_kg.vocab.namespaces import HIP
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


INVALID = [c for c in CASES if c.name.startswith("invalid-")]
CHECK_FIXTURES = sorted((ROOT / "tests" / "queries").glob("check-*.invalid.ttl"))


@pytest.mark.parametrize("case", INVALID + CHECK_FIXTURES, ids=lambda p: p.stem)
def test_validate_cli_exit_code_on_each_failing_fixture(case: Path) -> None:
    expected = 0 if case in INVALID and expectation(case)[2] == "Warning" else 1
    text = CliRunner().invoke(main, ["validate", str(case)])
    assert text.exit_code == expected, text.stdout
    focus = expectation(case)[0] if case in INVALID else "https://example.org/"
    assert focus in text.stdout
    report = Graph().parse(
        data=CliRunner().invoke(main, ["validate", "--format", "ttl", str(case)]).stdout,
        format="turtle",
    )
    # SHACL 3.6.1: any result, a warning too, makes sh:conforms false; the exit code allows
    # warnings, and so does the JSON's "conforms" (the project's rule).
    assert next(report.objects(None, SH.conforms)).toPython() is False
    for result in report.objects(None, SH.result):
        assert report.value(result, SH.sourceConstraintComponent) is not None
        assert report.value(result, SH.resultSeverity) in (SH.Violation, SH.Warning)
    if case in INVALID:
        focus, shape, _ = expectation(case)
        results = report.subjects(SH.focusNode, URIRef(focus))
        sources = {report.value(r, SH.sourceShape) for r in results}
        # The named shape, or one of its property shapes: a blank node the report describes.
        described = {s for s in sources if isinstance(s, BNode) and report.value(s, SH.path)}
        assert URIRef(shape) in sources or described, sources
    data = json.loads(CliRunner().invoke(main, ["validate", "--format", "json", str(case)]).stdout)
    assert data["conforms"] is (expected == 0)
    assert {r["message_zh"] for r in data["results"]}
    assert all(r["focus_label"] for r in data["results"])


def test_validate_cli_on_the_built_graph_and_on_bad_files(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["validate"]).exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> ", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"heze-ip-kg: error: {broken}:1: not valid Turtle")
    assert CliRunner().invoke(main, ["validate", str(tmp_path / "missing.ttl")]).exit_code == 2


def test_text_report_names_label_and_span(graph: Graph) -> None:
    from heze_ip_kg.cli.formatting import format_report

    damaged = Graph()
    damaged += graph
    task = URIRef("https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp/part-2/task-area-1/task-2")
    for assignment in list(damaged.objects(task, HIP.roleAssignment)):
        damaged.remove((task, HIP.roleAssignment, assignment))
    text = format_report(validate_graph(damaged), "https://w3id.org/heze-ip-kg/id/")
    assert "强化知识产权司法保护 <heze-ip-plan-14fyp/part-2/task-area-1/task-2> @ " in text
    assert "MeasureLeadShape" in text


SHAPES_FILE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:NameShape sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:datatype xsd:string ] .
"""
PEOPLE = """@prefix ex: <https://example.org/> .
ex:ann a ex:Person ; ex:name "Ann" .
ex:bob a ex:Person ; ex:name 7 .
ex:cy a ex:Person .
"""


@pytest.mark.parametrize("fast", [["--plain"], ["--fast"], []], ids=["plain", "fast", "default"])
def test_validate_with_user_shapes(tmp_path: Path, fast: list[str]) -> None:
    (tmp_path / "shapes.ttl").write_text(SHAPES_FILE, encoding="utf-8")
    (tmp_path / "people.ttl").write_text(PEOPLE, encoding="utf-8")
    args = ["validate", "--shapes", str(tmp_path / "shapes.ttl"), str(tmp_path / "people.ttl")]
    run = CliRunner().invoke(main, [*args, "--format", "json", *fast])
    assert run.exit_code == 1, run.output
    assert run.stderr == ""  # no hand-over to pySHACL, and the project's checks do not run
    data = json.loads(run.stdout)
    found = sorted((r["focus"], r["component"].split("#")[1], r["value"]) for r in data["results"])
    assert found == [
        (
            "https://example.org/bob",
            "DatatypeConstraintComponent",
            '"7"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
        ("https://example.org/cy", "MinCountConstraintComponent", None),
    ]
    assert {r["rule"] for r in data["results"]} == {"https://example.org/NameShape"}
    assert {r["path"] for r in data["results"]} == {"https://example.org/name"}
    assert data["fallback"] is None
    # A folder of shapes files works as well.
    assert (
        CliRunner()
        .invoke(main, ["validate", "--shapes", str(tmp_path), str(tmp_path / "people.ttl")])
        .exit_code
        == 1
    )


def test_the_fast_path_says_when_it_hands_shapes_to_pyshacl(tmp_path: Path) -> None:
    shapes = tmp_path / "range.ttl"
    shapes.write_text(
        SHAPES_FILE.replace("sh:minCount 1 ;", "sh:minCount 1 ; sh:minInclusive 10 ;"),
        encoding="utf-8",
    )
    (tmp_path / "people.ttl").write_text(PEOPLE, encoding="utf-8")
    args = ["validate", "--fast", "--shapes", str(shapes), str(tmp_path / "people.ttl")]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 1
    assert len(run.stderr.splitlines()) == 1
    assert run.stderr.startswith("heze-ip-kg: the fast path hands these shapes to pySHACL: ")
    assert "uses sh:minInclusive" in run.stderr
    assert "MinInclusive" in CliRunner().invoke(main, [*args, "--format", "ttl"]).stdout
    # Chosen by size rather than asked for, the fast path hands over without a word on stderr;
    # the JSON report still says why.
    default = CliRunner().invoke(main, [*(a for a in args if a != "--fast"), "--format", "json"])
    assert (default.exit_code, default.stderr) == (1, "")
    assert "uses sh:minInclusive" in json.loads(default.stdout)["fallback"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read SHACL shapes: No such file or directory"),
        ("this is not Turtle", "cannot read SHACL shapes: "),
        (
            "@prefix sh: <http://www.w3.org/ns/shacl#> . <https://example.org/S> a sh:NodeShape ;"
            " sh:path <https://example.org/p> ; sh:targetNode <https://example.org/a> .",
            "pySHACL cannot validate with these shapes: ",
        ),
    ],
    ids=["missing", "not-turtle", "not-shacl"],
)
@pytest.mark.parametrize("fast", [["--plain"], ["--fast"], []], ids=["plain", "fast", "default"])
def test_bad_shapes_files_are_one_line_and_exit_2(
    tmp_path: Path, content: str | None, message: str, fast: list[str]
) -> None:
    shapes = tmp_path / "shapes.ttl"
    if content is not None:
        shapes.write_text(content, encoding="utf-8")
    (tmp_path / "data.ttl").write_text("<https://example.org/a> <https://example.org/p> 1 .")
    run = CliRunner().invoke(
        main, ["validate", *fast, "--shapes", str(shapes), str(tmp_path / "data.ttl")]
    )
    assert run.exit_code == 2
    errors = [line for line in run.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, run.stderr
    assert message in errors[0]
    if "pySHACL" not in message:
        assert errors[0].startswith(f"heze-ip-kg: error: {shapes}: ")
    assert run.stdout == ""
