"""The fast path against pySHACL: the features it hands over, and the bugs of issue 17
(node-level sh:hasValue, sh:hasValue in a qualified shape)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import SH

from heze_ip_kg.fastshacl import UnsupportedError, compile_shapes
from heze_ip_kg.validate import load_shapes, validate_graph

TTL_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


EX = Namespace("http://example.org/")


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
        "PartlyEncodedParentShape",
        "RoleProvenanceShape",
    ]
    assert all(targets for _, targets in compiled.shapes)
    assert SH.SPARQLTarget in {kind for _, targets in compiled.shapes for kind, _ in targets}
