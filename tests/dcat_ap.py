"""pySHACL with the official DCAT-AP 3.0.1 shapes, the vocabularies loaded, RDFS inference.

The files and where they come from: ``tests/dcat-ap/README.md``; each must match
``tests/dcat-ap/SHA256SUMS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

HERE = Path(__file__).resolve().parent / "dcat-ap"
SHAPES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")
VOCABULARIES = ("dcat3.ttl", "dcterms.ttl", "foaf.rdf", "void-vocabulary.ttl")


@dataclass(frozen=True, order=True)
class Finding:
    """One result of the report."""

    severity: str  # "Violation" or "Warning"
    focus: str
    path: str
    component: str  # e.g. "MinCountConstraintComponent"


@cache
def official_folder() -> Path:
    """The folder holding the official files, each checked against ``SHA256SUMS``."""
    for line in (HERE / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        found = hashlib.sha256((HERE / name.strip()).read_bytes()).hexdigest()
        assert found == digest, f"{HERE / name} is not the copy SHA256SUMS names"
    return HERE


@cache
def _load(names: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(official_folder() / name)
    return graph


def dcat_ap_findings(data: Graph, inference: str = "rdfs") -> list[Finding]:
    """Every result of validating ``data`` against DCAT-AP 3.0.1 (mandatory, ranges, recommended).

    pySHACL mixes the vocabularies into the data graph before it validates, so results may also
    be about the vocabularies' own nodes (e.g. the editors of DCAT, as agents).
    """
    conforms, report, _ = validate(
        data,
        shacl_graph=_load(SHAPES),
        ont_graph=_load(VOCABULARIES),
        inference=inference,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)

    def text(node: Node | None) -> str:
        return str(node).split("#")[-1] if isinstance(node, URIRef) else str(node)

    findings = sorted(
        Finding(
            text(report.value(result, SH.resultSeverity)),
            str(report.value(result, SH.focusNode)),
            str(report.value(result, SH.resultPath)),
            text(report.value(result, SH.sourceConstraintComponent)),
        )
        for result in report.subjects(SH.resultSeverity, None)
        if (None, SH.result, result) in report  # not the details of a sh:node result
    )
    assert conforms == all(f.severity != "Violation" for f in findings)
    return findings
