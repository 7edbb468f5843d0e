"""SHACL shapes (``shapes/*.ttl``, or the user's) and check queries
(``queries/check-*.rq``).

A check query must return no rows; each row it returns is a violation. For the project, warnings
and infos never make a graph non-conforming (``ValidationReport.conforms``); the standard SHACL
report (``report_graph``) says ``sh:conforms false`` for any result, as SHACL 3.6.1 does.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field, fields
from pathlib import Path

from pyshacl import validate as shacl_validate
from pyshacl.errors import ReportableRuntimeError, ShapeLoadError, ValidationFailure
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node
from rdflib.util import guess_format

from heze_ip_kg.check.fastshacl import (
    Finding,
    UnsupportedError,
    compile_shapes,
    oxigraph_select,
    path_text,
    read_path,
    run_compiled,
    write_path,
)
from heze_ip_kg.errors import HezeIpKgError, InputError
from heze_ip_kg.progress import track
from heze_ip_kg.query.backends import Backend, OxigraphBackend, choose_fast
from heze_ip_kg.query.execute import list_queries, run_query
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.vocab.namespaces import HIP, OA, PREFIXES, RDF, RDFS

_CJK = re.compile(r"[\u4e00-\u9fff]")
SEVERITIES: dict[Node, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
CHECK_BASE = "https://w3id.org/heze-ip-kg/queries/"
# What pySHACL raises for shapes it cannot use (a malformed path, a missing list ...), and
# LookupError for a blank node focus node that the data graph lacks.
_PYSHACL_ERRORS = (
    ShapeLoadError,
    ReportableRuntimeError,
    ValidationFailure,
    RecursionError,
    LookupError,
)


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which rule, on which element, what it says in Chinese and English.

    ``rule`` is the named shape the result belongs to (a property shape written as a blank node
    reports its node shape) or the check query's name; ``shacl`` holds the result as RDF terms
    for the standard report, ``messages`` its ``sh:resultMessage`` values.
    """

    severity: str
    rule: str
    focus: str
    focus_label: str
    path: str | None
    message_zh: str
    message_en: str
    span: tuple[int, int] | None
    component: str = ""
    value: str | None = None
    shacl: Finding | None = field(default=None, compare=False, repr=False)
    messages: tuple[Literal, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class ValidationReport:
    """All findings; ``conforms`` is false only when there is a result that is not a warning or
    an info. ``fast`` says whether the fast path was taken, ``fallback`` why it handed the
    shapes to pySHACL, if it did."""

    results: tuple[ValidationResult, ...] = field(default=())
    fallback: str | None = None
    shapes: Graph | None = field(default=None, compare=False, repr=False)
    fast: bool = field(default=False, compare=False)

    @property
    def conforms(self) -> bool:
        return all(r.severity in ("Warning", "Info") for r in self.results)

    def by_severity(self, severity: str) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == severity]


def load_shapes(folder: Path | None = None) -> Graph:
    """Every ``*.ttl`` shape file of ``folder`` (default: the project's ``shapes/``)."""
    return read_shapes([folder or resource_dir("shapes")])


def read_shapes(paths: list[Path]) -> Graph:
    """One shapes graph from ``paths`` (Turtle unless the suffix names another RDF syntax; a
    folder gives its ``*.ttl`` files); a file that is missing or not RDF is an ``InputError``
    naming it."""
    shapes = Graph()
    files = [f for p in paths for f in (sorted(p.glob("*.ttl")) if p.is_dir() else [p])]
    for path in files:
        try:
            shapes.parse(path, format=guess_format(str(path)) or "turtle")
        except Exception as err:  # rdflib raises many parser error types
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            if isinstance(err, OSError):
                first = err.strerror or first
            raise InputError(f"cannot read SHACL shapes: {first}", file=str(path)) from None
    return shapes


def _label(graph: Graph, node: Node | None) -> str:
    labels = {getattr(o, "language", None): str(o) for o in graph.objects(node, RDFS.label)}
    return labels.get("zh") or labels.get("en") or labels.get(None) or str(node)


def _span(graph: Graph, node: Node | None) -> tuple[int, int] | None:
    target = graph.value(node, HIP.source)
    selector = graph.value(target, OA.hasSelector) if target is not None else None
    start = graph.value(selector, OA.start) if selector is not None else None
    end = graph.value(selector, OA.end) if selector is not None else None
    if isinstance(start, Literal) and isinstance(end, Literal):
        return int(start.toPython()), int(end.toPython())
    return None


def _zh_en(values: tuple[Literal, ...]) -> tuple[str, str]:
    by_lang: dict[str | None, str] = {}
    for value in values:
        # pyshacl drops the language tags of SPARQL-constraint messages; tell them by script.
        lang = value.language or ("zh" if _CJK.search(str(value)) else "en")
        by_lang.setdefault(lang, str(value))
    fallback = next(iter(by_lang.values()), "")
    return by_lang.get("zh", fallback), by_lang.get("en", fallback)


def _named(shapes: Graph, shape: Node) -> Node:
    """The nearest named shape that ``shape`` is a property shape of (itself if named)."""
    queue, seen = deque([shape]), {shape}
    while queue:
        node = queue.popleft()
        if isinstance(node, URIRef):
            return node
        for parent in sorted(shapes.subjects(SH.property, node), key=lambda n: n.n3()):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return shape


def _messages(shapes: Graph, finding: Finding, named: Node) -> tuple[Literal, ...]:
    """The source constraint's or shape's ``sh:message`` values, else its named shape's, else a
    sentence naming the constraint component (the same whichever engine found the result)."""
    if finding.messages:
        return finding.messages
    for holder in (finding.constraint, finding.shape, named):
        found = [m for m in shapes.objects(holder, SH.message) if isinstance(m, Literal)]
        if holder is not None and found:
            return tuple(sorted(found, key=lambda m: (m.language or "", str(m))))
    name = str(finding.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return (
        Literal(f"不满足 sh:{name[0].lower()}{name[1:]} 约束", lang="zh"),
        Literal(f"sh:{name[0].lower()}{name[1:]} not met", lang="en"),
    )


def _result(graph: Graph, shapes: Graph, finding: Finding) -> ValidationResult:
    named = _named(shapes, finding.shape)
    messages = _messages(shapes, finding, named)
    zh, en = _zh_en(messages)
    severity = finding.severity
    path = finding.path
    return ValidationResult(
        SEVERITIES.get(severity, str(severity)),
        str(named) if isinstance(named, URIRef) else named.n3(),
        str(finding.focus),
        _label(graph, finding.focus),
        (str(path) if isinstance(path, URIRef) else path_text(path)) if path is not None else None,
        zh,
        en,
        _span(graph, finding.focus),
        str(finding.component),
        finding.value.n3() if finding.value is not None else None,
        finding,
        messages,
    )


def _term(report: Graph, result: Node, predicate: URIRef) -> Node:
    """The one value of ``predicate`` that SHACL requires on a result of pySHACL's report."""
    value = report.value(result, predicate)
    if value is None:
        raise HezeIpKgError(f"pySHACL gave a result without {predicate.n3()}")
    return value


def _pyshacl_findings(graph: Graph, shapes: Graph) -> list[Finding]:
    reference = Graph()
    reference += shapes  # pySHACL adds triples of its own to the shapes graph it is given
    try:
        _, report, _ = shacl_validate(
            graph, shacl_graph=reference, inference="none", allow_warnings=False, advanced=True
        )
    except _PYSHACL_ERRORS as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise HezeIpKgError(f"pySHACL cannot validate with these shapes: {first}") from None
    assert isinstance(report, Graph)
    found = []
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    for result in report.objects(root, SH.result):  # sh:detail results are not results
        shape, constraint = (
            _term(report, result, SH.sourceShape),
            report.value(result, SH.sourceConstraint),
        )
        path = report.value(result, SH.resultPath)
        templates = [str(m) for h in (constraint, shape) for m in shapes.objects(h, SH.message)]
        composed = tuple(
            m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)
        )
        component = _term(report, result, SH.sourceConstraintComponent)
        assert isinstance(component, URIRef), component
        found.append(
            Finding(
                _term(report, result, SH.sourceShape),
                _term(report, result, SH.resultSeverity),
                _term(report, result, SH.focusNode),
                component,
                read_path(report, path, strict=False) if path is not None else None,
                report.value(result, SH.value),
                constraint,
                composed if any("{" in t for t in templates) else (),
            )
        )
    return found


def _check_results(graph: Graph, backend: Backend | None = None) -> list[ValidationResult]:
    found = []
    checks = [q for q in list_queries() if q.kind == "check"]
    for query in track(checks, "checks", len(checks)):
        table = backend.select(query) if backend is not None else run_query(query, graph)
        for row in table.as_dicts():
            focus = URIRef(str(row.get("focus") or next((v for v in row.values() if v), "")))
            zh, en = (
                Literal(query.description_zh, lang="zh"),
                Literal(query.description_en, lang="en"),
            )
            shape = URIRef(CHECK_BASE + query.name)
            finding = Finding(shape, SH.Violation, focus, SH.SPARQLConstraintComponent)
            found.append(
                ValidationResult(
                    "Violation",
                    query.name,
                    str(focus),
                    _label(graph, focus),
                    None,
                    query.description_zh,
                    query.description_en,
                    _span(graph, focus),
                    str(SH.SPARQLConstraintComponent),
                    None,
                    finding,
                    (zh, en),
                )
            )
    return found


def validate_graph(
    graph: Graph,
    shapes: Graph | None = None,
    *,
    checks: bool = True,
    fast: bool | None = False,
    backend: OxigraphBackend | None = None,
) -> ValidationReport:
    """Validate ``graph`` against the shapes (default: ``shapes/*.ttl``) and check queries.

    ``fast`` uses the fast path (``heze_ip_kg.check.fastshacl``, check queries on Oxigraph; pass
    ``backend`` to reuse a store already loaded with ``graph``) and gives the same results as
    pySHACL; if it cannot evaluate the shapes exactly, pySHACL validates them and the report's
    ``fallback`` says why. ``fast=None`` chooses by size (``query.backends.choose_fast``); the
    report's ``fast`` says which path was taken.
    """
    shapes = shapes if shapes is not None else load_shapes()
    fallback = None
    findings = None
    chosen = choose_fast(len(graph), fast)
    if chosen:
        backend = backend or OxigraphBackend(graph)
        try:
            compiled = compile_shapes(shapes)
            findings = run_compiled(compiled, graph, oxigraph_select(backend.store))
        except UnsupportedError as reason:
            fallback = str(reason)
    if findings is None:
        findings = _pyshacl_findings(graph, shapes)
    results = [_result(graph, shapes, f) for f in findings]
    if checks:
        results += _check_results(graph, backend)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(
        key=lambda r: (order.get(r.severity, 3), r.rule, r.focus, r.path or "", r.component)
    )
    return ValidationReport(tuple(results), fallback, shapes, chosen)


def report_graph(report: ValidationReport) -> Graph:
    """The report as a standard SHACL ``sh:ValidationReport`` (SHACL 3.6): each result with its
    focus node, path, value, severity, source shape, constraint component and messages (check
    queries appear as SPARQL constraints of their own shapes; a shape or constraint that is a
    blank node comes with its description). ``sh:conforms`` is false when there is any result,
    warnings included."""
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "sh": SH}.items():
        graph.bind(prefix, namespace)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(not report.results)))
    for index, result in enumerate(report.results, start=1):
        finding = result.shacl
        assert finding is not None, "every result of validate_graph carries its terms"
        node = BNode(f"result{index}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, finding.focus))
        graph.add((node, SH.resultSeverity, finding.severity))
        graph.add((node, SH.sourceShape, finding.shape))
        graph.add((node, SH.sourceConstraintComponent, finding.component))
        if finding.path is not None:
            graph.add((node, SH.resultPath, write_path(graph, finding.path)))
        if finding.value is not None:
            graph.add((node, SH.value, finding.value))
        if finding.constraint is not None:
            graph.add((node, SH.sourceConstraint, finding.constraint))
        for described in (finding.shape, finding.constraint):
            if isinstance(described, BNode) and report.shapes is not None:
                graph += report.shapes.cbd(described)  # what the blank node stands for
        for message in result.messages:
            graph.add((node, SH.resultMessage, message))
    return graph


def report_json(report: ValidationReport) -> dict[str, object]:
    """The report for programs: ``conforms`` (the project's rule), the fast path's
    ``fallback`` reason if any, and each result's fields (``value`` in N-Triples form)."""
    skip = {"shacl", "messages"}
    results = [
        {f.name: getattr(r, f.name) for f in fields(r) if f.name not in skip}
        for r in report.results
    ]
    return {"conforms": report.conforms, "fallback": report.fallback, "results": results}


__all__ = [
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "read_shapes",
    "report_graph",
    "report_json",
    "validate_graph",
]
