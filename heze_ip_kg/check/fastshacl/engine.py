"""Running compiled shapes: focus nodes from targets, then each shape on each focus node."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from heze_ip_kg.check.fastshacl.base import Finding, Shape, UnsupportedError
from heze_ip_kg.check.fastshacl.paths import values as path_values
from heze_ip_kg.check.fastshacl.shapes import CompiledShapes
from heze_ip_kg.progress import track

Select = Callable[[str], Iterable[Node]]


class Run:
    """One validation run over one data graph (the ``Context`` protocol)."""

    def __init__(self, graph: Graph, select: Select) -> None:
        self.graph = graph
        self._select = select
        self._instances: dict[URIRef, set[Node]] = {}
        self._solutions: dict[str, set[Node]] = {}
        self._conforms: dict[tuple[int, Node], bool] = {}

    def instances(self, cls: URIRef) -> set[Node]:
        """SHACL instances of ``cls``: typed with it or with one of its subclasses."""
        if cls not in self._instances:
            classes = set(self.graph.transitive_subjects(RDFS.subClassOf, cls))
            self._instances[cls] = {s for c in classes for s in self.graph.subjects(RDF.type, c)}
        return self._instances[cls]

    def solutions(self, text: str) -> set[Node]:
        """The IRIs that the solutions of the SELECT ``text`` bind to ``?this``."""
        if text not in self._solutions:
            found = set(self._select(text))
            if any(not isinstance(term, URIRef) for term in found):
                raise UnsupportedError(
                    "a SPARQL target or constraint gave a ?this that is not an IRI"
                )
            self._solutions[text] = found
        return self._solutions[text]

    def focus_nodes(self, targets: list[tuple[URIRef, Node]]) -> list[Node]:
        found: set[Node] = set()
        for kind, value in targets:
            if kind == SH.targetNode:
                found.add(value)
            elif kind == SH.targetClass and isinstance(value, URIRef):
                found |= self.instances(value)
            elif kind == SH.targetSubjectsOf and isinstance(value, URIRef):
                found |= set(self.graph.subjects(value, None))
            elif kind == SH.targetObjectsOf and isinstance(value, URIRef):
                found |= set(self.graph.objects(None, value))
            else:
                found |= self.solutions(str(value))
        return sorted(found, key=lambda n: n.n3())

    def check(self, shape: Shape, focus: Node) -> list[Finding]:
        """Every result of ``shape`` with ``focus`` as focus node."""
        return list(self._results(shape, focus))

    def conforms(self, shape: Shape, node: Node) -> bool:
        """Whether ``node`` conforms to ``shape`` (stops at the first result)."""
        key = (id(shape), node)
        if key not in self._conforms:
            self._conforms[key] = next(iter(self._results(shape, node)), None) is None
        return self._conforms[key]

    def _results(self, shape: Shape, focus: Node) -> Iterable[Finding]:
        if shape.deactivated:
            return
        path = shape.path
        values = {focus} if path is None else path_values(self.graph, focus, path)
        for constraint in shape.constraints:
            yield from constraint.evaluate(self, shape, focus, values)


def run_compiled(compiled: CompiledShapes, graph: Graph, select: Select) -> list[Finding]:
    """Every result of the compiled shapes on ``graph``; ``select`` runs SPARQL SELECTs and
    returns their ``?this`` column. Raises ``UnsupportedError`` if the data leads somewhere the fast
    path cannot follow exactly (a SPARQL ``?this`` that is not an IRI)."""
    run = Run(graph, select)
    findings: list[Finding] = []
    for shape, targets in track(compiled.shapes, "validate", len(compiled.shapes)):
        for focus in run.focus_nodes(targets):
            findings += run.check(shape, focus)
    return findings


def oxigraph_select(store: Any) -> Select:
    """A ``Select`` over a pyoxigraph ``Store``: the ``?this`` of each solution as an rdflib IRI.
    Any other term (a blank node or literal, whose identity Oxigraph need not keep) or an
    unbound ``?this`` is ``UnsupportedError``."""
    import pyoxigraph

    def select(text: str) -> list[Node]:
        try:
            solutions = store.query(text)
        except (SyntaxError, ValueError, OSError, RuntimeError) as err:
            raise UnsupportedError(f"Oxigraph cannot run a shape's SPARQL: {err}") from None
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise UnsupportedError("a shape's SPARQL is not a SELECT query")
        found: list[Node] = []
        for solution in solutions:
            term = solution["this"]
            if not isinstance(term, pyoxigraph.NamedNode):
                raise UnsupportedError(f"a SPARQL target or constraint gave ?this = {term}")
            found.append(URIRef(term.value))
        return found

    return select


__all__ = ["Run", "Select", "oxigraph_select", "run_compiled"]
