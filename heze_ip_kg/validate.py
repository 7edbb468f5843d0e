"""Stage 4: SHACL shapes (``shapes/*.ttl``) and check queries (``queries/check-*.rq``).

A check query must return no rows; each row it returns is a violation. Warnings never make a
graph non-conforming; violations always do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from heze_ip_kg.backends import Backend, OxigraphBackend
from heze_ip_kg.fastshacl import CompiledShapes, compile_shapes, run_compiled
from heze_ip_kg.namespaces import HIP, OA, RDF, RDFS
from heze_ip_kg.progress import track
from heze_ip_kg.query import list_queries, run_query
from heze_ip_kg.resources import resource_dir

_CJK = re.compile(r"[\u4e00-\u9fff]")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which rule, on which element, what it says in Chinese and English."""

    severity: str
    rule: str
    focus: str
    focus_label: str
    path: str | None
    message_zh: str
    message_en: str
    span: tuple[int, int] | None


@dataclass(frozen=True)
class ValidationReport:
    """All findings; ``conforms`` is false only when there is a violation."""

    results: tuple[ValidationResult, ...] = field(default=())

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def by_severity(self, severity: str) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == severity]


CHECK_BASE = "https://w3id.org/heze-ip-kg/queries/"


def report_graph(report: ValidationReport) -> Graph:
    """The report as a SHACL ``sh:ValidationReport`` graph (check queries as their own shapes)."""
    graph = Graph()
    graph.bind("sh", SH)
    root = BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    levels = {name: iri for iri, name in SEVERITIES.items()}
    for index, result in enumerate(report.results, start=1):
        node = BNode(f"result{index}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, URIRef(result.focus)))
        graph.add((node, SH.resultSeverity, levels.get(result.severity, SH.Violation)))
        shape = result.rule if "://" in result.rule else CHECK_BASE + result.rule
        graph.add((node, SH.sourceShape, URIRef(shape)))
        if result.path:
            graph.add((node, SH.resultPath, URIRef(result.path)))
        graph.add((node, SH.resultMessage, Literal(result.message_zh, lang="zh")))
        graph.add((node, SH.resultMessage, Literal(result.message_en, lang="en")))
    return graph


def load_shapes(folder: Path | None = None) -> Graph:
    """Every ``*.ttl`` shape file of ``folder`` (default: the project's ``shapes/``)."""
    shapes = Graph()
    for path in sorted((folder or resource_dir("shapes")).glob("*.ttl")):
        shapes.parse(path)
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


def _messages(values: list[Literal]) -> tuple[str, str]:
    by_lang: dict[str | None, str] = {}
    for value in values:
        # pyshacl drops the language tags of SPARQL-constraint messages; tell them by script.
        lang = value.language or ("zh" if _CJK.search(str(value)) else "en")
        by_lang.setdefault(lang, str(value))
    fallback = next(iter(by_lang.values()), "")
    return by_lang.get("zh", fallback), by_lang.get("en", fallback)


def _shacl_results(graph: Graph, shapes: Graph) -> list[ValidationResult]:
    _, report, _ = shacl_validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    assert isinstance(report, Graph)
    found = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        parent_shape = next(shapes.subjects(SH.property, shape), None) if shape else None
        named = shape if isinstance(shape, URIRef) else parent_shape
        if named is not None and not {"zh", "en"} <= {m.language for m in messages}:
            # pyshacl keeps one message of a SPARQL constraint; the shape has both languages.
            messages += [m for m in shapes.objects(named, SH.message) if isinstance(m, Literal)]
        zh, en = _messages(messages)
        level = report.value(result, SH.resultSeverity)
        severity = SEVERITIES.get(level, "Violation") if isinstance(level, URIRef) else "Violation"
        found.append(
            ValidationResult(
                severity,
                str(named) if named is not None else "shacl",
                str(focus),
                _label(graph, focus),
                str(path) if path is not None else None,
                zh,
                en,
                _span(graph, focus),
            )
        )
    return found


def _fast_results(
    graph: Graph, shapes: Graph, compiled: CompiledShapes, backend: OxigraphBackend
) -> list[ValidationResult]:
    found = []
    for finding in run_compiled(compiled, graph, backend.focus_nodes):
        shape = finding.shape
        named = shape if isinstance(shape, URIRef) else next(shapes.subjects(SH.property, shape))
        messages = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
        if not {"zh", "en"} <= {m.language for m in messages}:
            messages = [m for m in shapes.objects(named, SH.message) if isinstance(m, Literal)]
        zh, en = _messages(messages)
        found.append(
            ValidationResult(
                SEVERITIES.get(finding.severity, "Violation"),
                str(named),
                str(finding.focus),
                _label(graph, finding.focus),
                str(finding.path) if finding.path is not None else None,
                zh,
                en,
                _span(graph, finding.focus),
            )
        )
    return found


def _check_results(graph: Graph, backend: Backend | None = None) -> list[ValidationResult]:
    found = []
    checks = [q for q in list_queries() if q.kind == "check"]
    for query in track(checks, "checks", len(checks)):
        table = backend.select(query) if backend is not None else run_query(query, graph)
        for row in table.as_dicts():
            focus = row.get("focus") or next((v for v in row.values() if v), "")
            found.append(
                ValidationResult(
                    "Violation",
                    query.name,
                    str(focus),
                    _label(graph, URIRef(str(focus))),
                    None,
                    query.description_zh,
                    query.description_en,
                    _span(graph, URIRef(str(focus))),
                )
            )
    return found


def validate_graph(
    graph: Graph,
    shapes: Graph | None = None,
    *,
    checks: bool = True,
    fast: bool = False,
    backend: OxigraphBackend | None = None,
) -> ValidationReport:
    """Validate ``graph`` against the shapes (default: ``shapes/*.ttl``) and check queries.

    ``fast`` uses the fast path (``heze_ip_kg.fastshacl``, check queries on Oxigraph; pass
    ``backend`` to reuse a store already loaded with ``graph``) and gives the same findings as
    pySHACL; shapes it cannot evaluate fall back to pySHACL.
    """
    shapes = shapes if shapes is not None else load_shapes()
    compiled = compile_shapes(shapes) if fast else None
    if fast:
        backend = backend or OxigraphBackend(graph)
    if compiled is not None and backend is not None:
        results = _fast_results(graph, shapes, compiled, backend)
    else:
        results = _shacl_results(graph, shapes)
    if checks:
        results += _check_results(graph, backend)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda r: (order.get(r.severity, 3), r.rule, r.focus, r.path or ""))
    return ValidationReport(tuple(results))


__all__ = ["ValidationReport", "ValidationResult", "load_shapes", "report_graph", "validate_graph"]
