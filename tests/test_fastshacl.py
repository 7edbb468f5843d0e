"""The fast path against pySHACL: random graphs and shapes (Hypothesis), the features it hands
over, and the bugs of issue 17 (node-level sh:hasValue, sh:hasValue in a qualified shape)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, note, settings
from rdflib import Graph
from rdflib.namespace import SH
from shacl_strategies import EX, cases

from heze_ip_kg.check.fastshacl import UnsupportedError, compile_shapes
from heze_ip_kg.check.validate import ValidationReport, load_shapes, validate_graph

# HEZE_SHACL_EXAMPLES=5000 for a longer search; by default the same 500 cases every run.
EXAMPLES = int(os.environ.get("HEZE_SHACL_EXAMPLES", "500"))
# Every constraint component the fast path evaluates: the drawn cases must meet each one in a
# result, or the comparison says little about it.
COMPONENTS = {
    SH[f"{name}ConstraintComponent"]
    for name in [
        "Class",
        "Datatype",
        "NodeKind",
        "MinCount",
        "MaxCount",
        "MinLength",
        "MaxLength",
        "Pattern",
        "LanguageIn",
        "UniqueLang",
        "Equals",
        "Disjoint",
        "HasValue",
        "In",
        "Closed",
        "Not",
        "And",
        "Or",
        "Xone",
        "Node",
        "QualifiedMinCount",
        "QualifiedMaxCount",
        "SPARQL",
    ]
}


def _key(report: ValidationReport) -> Counter[tuple[object, ...]]:
    """Every result as its terms: shape, severity, focus, component, path, value, source
    constraint, and messages — a multiset, since a result may rightly appear twice."""
    found: Counter[tuple[object, ...]] = Counter()
    for r in report.results:
        f = r.shacl
        assert f is not None
        key = (f.shape, f.severity, f.focus, f.component, f.path, f.value, f.constraint)
        found[(*key, tuple(sorted(r.messages)), r.rule, r.path, r.severity)] += 1
    return found


def test_the_fast_path_finds_what_pyshacl_finds() -> None:
    """Random small data graphs and shapes graphs (tests/shacl_strategies.py): the fast path
    evaluates each itself and gives pySHACL's results, result for result."""
    met: Counter[object] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize="HEZE_SHACL_EXAMPLES" not in os.environ,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases())
    def compare(case: tuple[Graph, Graph]) -> None:
        data, shapes = case
        note(
            f"shapes:\n{shapes.serialize(format='turtle')}\ndata:\n{data.serialize(format='turtle')}"
        )
        compile_shapes(shapes)  # every drawn feature is one the fast path claims to evaluate
        fast = validate_graph(data, shapes, checks=False, fast=True)
        assert fast.fallback is None
        plain = validate_graph(data, shapes, checks=False)
        assert _key(fast) == _key(plain)
        assert fast.conforms == plain.conforms
        met.update(r.shacl.component for r in fast.results if r.shacl)

    compare()
    assert COMPONENTS - set(met) == set(), met


TTL_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=TTL_PREFIXES + text, format="turtle")


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_node_level_has_value_and_has_value_in_a_qualified_shape_are_evaluated(fast: bool) -> None:
    """Issue 17: the fast path ignored both, and reported a wrong "conforms"."""
    shapes = _graph(
        """ex:Node sh:targetNode ex:a, ex:b ; sh:hasValue ex:b .
        ex:Qualified sh:targetNode ex:a ;
            sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ;
                          sh:qualifiedValueShape [ sh:hasValue ex:wanted ] ] ."""
    )
    data = _graph("ex:a ex:p ex:other .")
    report = validate_graph(data, shapes, checks=False, fast=fast)
    assert report.fallback is None
    assert not report.conforms
    found = sorted((r.focus, r.component.rsplit("#")[1]) for r in report.results)
    assert found == [
        (str(EX.a), "HasValueConstraintComponent"),
        (str(EX.a), "QualifiedMinCountConstraintComponent"),
    ]
    data.add((EX.a, EX.p, EX.wanted))
    assert len(validate_graph(data, shapes, checks=False, fast=fast).results) == 1


@pytest.mark.filterwarnings("ignore:Warning, A Recursive Shape was detected")
@pytest.mark.parametrize(
    ("shapes", "reason"),
    [
        ("ex:S sh:targetNode ex:a ; sh:minInclusive 1 .", "/S> uses sh:minInclusive"),
        ("ex:S sh:targetNode ex:a ; sh:qualifiedMinCount 1 .", "in a node shape"),
        ("ex:S sh:targetNode ex:a ; sh:node ex:S .", "recursive shape"),
        ("ex:S sh:targetNode ex:a ; sh:minLength 0 .", "integer parameter written as"),
        (
            'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "a" ; '
            'sh:flags "s" ] .',
            "sh:flags 's'",
        ),
        (
            'ex:S sh:targetNode ex:a ; sh:languageIn ( "en-GB" ) .',
            "range 'en-GB' with a subtag",
        ),
        (
            "ex:S sh:targetNode ex:a ; sh:property [ sh:path [ sh:inversePath ( ex:p ex:q ) ] ;"
            " sh:minCount 1 ] .",
            "the fast path inverts IRIs only",
        ),
        ("ex:C a sh:ConstraintComponent .", "sh:ConstraintComponent"),
        (
            'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { OPTIONAL { '
            '$this ex:p ?o } }" ] .',
            "needs pre-binding",
        ),
    ],
    ids=[
        "value-range",
        "node-level-qualified",
        "recursion",
        "minLength-0",
        "flags",
        "subtag",
        "inverse-sequence",
        "custom-component",
        "sparql-optional",
    ],
)
def test_what_the_fast_path_does_not_evaluate_goes_to_pyshacl(shapes: str, reason: str) -> None:
    graph = _graph(shapes)
    with pytest.raises(UnsupportedError, match=reason.replace("(", r"\(")):
        compile_shapes(graph)
    data = _graph("ex:a ex:p ex:b .")
    report = validate_graph(data, graph, checks=False, fast=True)
    assert report.fallback is not None
    assert reason in report.fallback
    assert report.results == validate_graph(data, graph, checks=False).results


def test_the_projects_shapes_run_on_the_fast_path() -> None:
    compiled = compile_shapes(load_shapes())
    names = sorted(str(shape.node).rsplit("#")[1] for shape, _ in compiled.shapes)
    assert names == [
        "MeasureCoordinationShape",
        "MeasureLeadShape",
        "MentionShape",
        "NamedProvenanceShape",
        "ObservationShape",
        "ObservationUniqueShape",
        "ObservationUnitShape",
        "ObservationYearShape",
        "PartlyEncodedParentShape",
        "RoleProvenanceShape",
    ]
    assert all(targets for _, targets in compiled.shapes)
    assert SH.SPARQLTarget in {kind for _, targets in compiled.shapes for kind, _ in targets}
