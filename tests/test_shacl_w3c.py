"""The W3C SHACL Core test suite through ``validate --shapes``, plain and ``--fast``.

Each approved ``sht:Validate`` entry of ``tests/w3c/shacl/core`` runs through the command line
with ``--format ttl``, and the report must be the manifest's expected report, compared as the
test suite's "full compliance" prescribes (index.html, "Validate RDF data"): only the report's
own triples (type, conforms, result, focus node, path, severity, source shape, constraint
component, source constraint, value), path structures cloned per result, a ``sh:resultMessage``
kept only where the manifest expects that message, then graph isomorphism.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from heze_ip_kg.check.fastshacl import UnsupportedError, compile_shapes
from heze_ip_kg.check.validate import read_shapes
from heze_ip_kg.cli.main import main

SUITE = Path(__file__).resolve().parent / "w3c" / "shacl" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
REPORT_PREDICATES = {
    SH.conforms,
    SH.result,
    SH.focusNode,
    SH.resultPath,
    SH.resultSeverity,
    SH.sourceConstraint,
    SH.sourceConstraintComponent,
    SH.sourceShape,
    SH.value,
}

# Where pySHACL itself does not give the expected report, and why. An xfail here is strict: the
# day it passes, the entry goes.
KNOWN_PYSHACL_FAILURES = {
    "property/uniqueLang-002": (
        'the test expects sh:uniqueLang "1"^^xsd:boolean to be ignored (only the literal true '
        "activates it), but rdflib's Turtle parser normalises literals by default and reads it "
        'as "true"^^xsd:boolean, so pySHACL, and the fast path after it, see sh:uniqueLang true '
        'and report "HI"@en and "Hi"@en'
    ),
}

# The tests whose shapes the fast path hands to pySHACL, each with the feature that sends it.
HANDED_TO_PYSHACL = {
    "node/maxExclusive-001": "sh:maxExclusive",
    "node/maxInclusive-001": "sh:maxInclusive",
    "node/minExclusive-001": "sh:minExclusive",
    "node/minInclusive-001": "sh:minInclusive",
    "node/minInclusive-002": "sh:minInclusive",
    "node/minInclusive-003": "sh:minInclusive",
    "node/qualified-001": "sh:qualifiedMinCount, sh:qualifiedMaxCount, "
    "sh:qualifiedValueShapesDisjoint in a node shape",
    "path/path-strange-001": "a path node must have exactly one path property",
    "path/path-strange-002": "a path node must have exactly one path property",
    "property/lessThan-001": "sh:lessThan",
    "property/lessThan-002": "sh:lessThan",
    "property/lessThanOrEquals-001": "sh:lessThanOrEquals",
    "property/maxExclusive-001": "sh:maxExclusive",
    "property/maxInclusive-001": "sh:maxInclusive",
    "property/minExclusive-001": "sh:minExclusive",
    "property/minExclusive-002": "sh:minExclusive",
}


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` entry: its files and the expected report in its manifest."""

    name: str
    data: Path
    shapes: Path
    manifest: Graph
    result: Node

    @property
    def expects_failure(self) -> bool:
        """True when the expected report has a result other than a warning or an info."""
        severities = {
            self.manifest.value(r, SH.resultSeverity)
            for r in self.manifest.objects(self.result, SH.result)
        }
        return bool(severities - {SH.Warning, SH.Info})


def _local(node: Node) -> Path:
    return Path(str(node).removeprefix("file://"))


def _cases(manifest_path: Path) -> list[Case]:
    manifest = Graph().parse(manifest_path, format="turtle")
    found = []
    for included in manifest.objects(None, MF.include):
        found += _cases(_local(included))
    for head in manifest.objects(None, MF.entries):
        for entry in Collection(manifest, head):
            if (entry, MF.status, SHT.approved) not in manifest:
                continue
            assert (entry, RDF.type, SHT.Validate) in manifest, entry
            action = manifest.value(entry, MF.action)
            name = str(entry).split("/core/", 1)[1]
            found.append(
                Case(
                    name,
                    _local(manifest.value(action, SHT.dataGraph)),
                    _local(manifest.value(action, SHT.shapesGraph)),
                    manifest,
                    manifest.value(entry, MF.result),
                )
            )
    return found


CASES = sorted(_cases(SUITE / "manifest.ttl"), key=lambda c: c.name)


def _copy_path(source: Graph, node: Node, target: Graph) -> Node:
    """``node``'s path structure copied into ``target`` with fresh blank nodes (the suite asks
    for path structures that no two results share)."""
    if not isinstance(node, BNode):
        return node
    fresh = BNode()
    for p, o in source.predicate_objects(node):
        target.add((fresh, p, _copy_path(source, o, target)))
    return fresh


def _report(source: Graph, report: Node, messages: set[Node]) -> Graph:
    """The comparable part of a report: its own triples and its results' listed ones."""
    out = Graph()
    out.add((report, RDF.type, SH.ValidationReport))
    for p, o in source.predicate_objects(report):
        if p in REPORT_PREDICATES:
            out.add((report, p, o))
    for result in source.objects(report, SH.result):
        out.add((result, RDF.type, SH.ValidationResult))
        for p, o in source.predicate_objects(result):
            if p == SH.resultPath:
                out.add((result, p, _copy_path(source, o, out)))
            elif p in REPORT_PREDICATES or (p == SH.resultMessage and o in messages):
                out.add((result, p, o))
    return out


def _check(case: Case, fast: bool) -> None:
    args = ["validate", "--shapes", str(case.shapes), str(case.data), "--format", "ttl"]
    run = CliRunner().invoke(main, args + (["--fast"] if fast else ["--plain"]))
    assert run.exit_code == (1 if case.expects_failure else 0), run.output
    actual_graph = Graph().parse(data=run.stdout, format="turtle")
    report = next(actual_graph.subjects(RDF.type, SH.ValidationReport))
    expected_messages = set(case.manifest.objects(None, SH.resultMessage))
    expected = _report(case.manifest, case.result, expected_messages)
    actual = _report(actual_graph, report, expected_messages)
    if not isomorphic(expected, actual):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail(
            f"expected, not found:\n{missing.serialize(format='nt')}\n"
            f"found, not expected:\n{extra.serialize(format='nt')}"
        )


def _params(known: dict[str, str]) -> list[object]:
    return [
        pytest.param(c, id=c.name, marks=pytest.mark.xfail(reason=known[c.name], strict=True))
        if c.name in known
        else pytest.param(c, id=c.name)
        for c in CASES
    ]


@pytest.mark.parametrize("case", _params(KNOWN_PYSHACL_FAILURES))
def test_plain(case: Case) -> None:
    _check(case, fast=False)


@pytest.mark.parametrize("case", _params(KNOWN_PYSHACL_FAILURES))
def test_fast(case: Case) -> None:
    _check(case, fast=True)


def test_the_fast_path_hands_over_exactly_these_tests() -> None:
    handed = {}
    for case in CASES:
        try:
            compile_shapes(read_shapes([case.shapes]))
        except UnsupportedError as reason:
            handed[case.name] = str(reason)
    assert sorted(handed) == sorted(HANDED_TO_PYSHACL), handed
    for name, feature in HANDED_TO_PYSHACL.items():
        assert feature in handed[name], (name, handed[name])


def test_the_suite_is_all_here() -> None:
    """All 98 approved core tests, 82 of them evaluated by the fast path itself."""
    assert len(CASES) == 98
    assert len({c.name for c in CASES}) == 98
    assert all(isinstance(c.manifest.value(c.result, SH.conforms), Literal) for c in CASES)
    assert len(CASES) - len(HANDED_TO_PYSHACL) == 82
