"""The validation fast path: the SHACL subset our shapes use, evaluated directly on the graph.

pySHACL is the reference. On a national corpus most of its time goes to cloning the data graph
and composing messages for alternatives of ``sh:or`` that are then thrown away. This evaluator
reads the shapes once and checks each focus node with indexed lookups; SPARQL targets and
SPARQL constraints (the ``sh:select`` texts in ``shapes/*.ttl``) run once, on the embedded
Oxigraph store, for all focus nodes at a time.

It understands: ``sh:targetClass``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, SPARQL targets; property shapes with an IRI ``sh:path`` and
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:hasValue``, ``sh:qualifiedValueShape`` with
``sh:qualifiedMinCount``; ``sh:or``, ``sh:xone``; SPARQL constraints with a single top-level
``SELECT $this``. ``compile_shapes`` returns ``None`` for anything else, and ``validate_graph``
then uses pySHACL, so a new shape never gets a silently different answer. The findings
(severity, rule, focus node, path) equal pySHACL's; a shape without its own ``sh:message``
reports the messages of the node shape it belongs to, where pySHACL would add a generated
English sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from heze_ip_kg.progress import track

_IGNORED = {
    RDF.type,
    RDFS.comment,
    RDFS.label,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.prefixes,
    SH.declare,
    SH.order,
    SH.group,
}
_CONSTRAINTS = {
    SH.property,
    SH["or"],
    SH.xone,
    SH.sparql,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.hasValue,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
}


@dataclass(frozen=True)
class Finding:
    """One result: the shape that reports it, its severity, focus node and path."""

    shape: Node
    severity: URIRef
    focus: Node
    path: URIRef | None


@dataclass
class Shape:
    """A shape read from the shapes graph."""

    node: Node
    severity: URIRef
    path: URIRef | None = None
    min_count: int | None = None
    max_count: int | None = None
    classes: list[URIRef] = field(default_factory=list)
    has_value: list[Node] = field(default_factory=list)
    qualified: list[tuple[Shape, int]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    any_of: list[list[Shape]] = field(default_factory=list)
    one_of: list[list[Shape]] = field(default_factory=list)
    sparql: list[str] = field(default_factory=list)


@dataclass
class CompiledShapes:
    """Top-level shapes with their targets, ready to run."""

    shapes: list[tuple[Shape, list[tuple[URIRef, Node]]]]
    shapes_graph: Graph


class _UnsupportedError(Exception):
    pass


def _prefixes(shapes: Graph, holder: Node) -> str:
    lines = []
    for declared in shapes.objects(holder, SH.prefixes):
        for decl in shapes.objects(declared, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            namespace = shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _select(shapes: Graph, holder: Node) -> str:
    text = str(shapes.value(holder, SH.select))
    if len(re.findall(r"\bSELECT\b", text, flags=re.IGNORECASE)) != 1:
        raise _UnsupportedError("sub-select")
    return _prefixes(shapes, holder) + text.replace("$this", "?this")


def _read(shapes: Graph, node: Node, severity: URIRef | None = None) -> Shape:
    for predicate in set(shapes.predicates(node, None)):
        if predicate not in _IGNORED and predicate not in _CONSTRAINTS:
            raise _UnsupportedError(str(predicate))
    if (node, RDF.type, RDFS.Class) in shapes or shapes.value(node, SH.deactivated) is not None:
        raise _UnsupportedError("implicit class target or deactivated")
    level = shapes.value(node, SH.severity)
    shape = Shape(node, level if isinstance(level, URIRef) else (severity or SH.Violation))
    path = shapes.value(node, SH.path)
    if path is not None:
        if not isinstance(path, URIRef):
            raise _UnsupportedError("complex path")
        shape.path = path
    for key, attr in ((SH.minCount, "min_count"), (SH.maxCount, "max_count")):
        value = shapes.value(node, key)
        if value is not None:
            setattr(shape, attr, int(str(value)))
    shape.classes = [c for c in shapes.objects(node, SH["class"]) if isinstance(c, URIRef)]
    shape.has_value = list(shapes.objects(node, SH.hasValue))
    for qualified in shapes.objects(node, SH.qualifiedValueShape):
        minimum = shapes.value(node, SH.qualifiedMinCount)
        if minimum is None:
            raise _UnsupportedError("qualifiedMaxCount only")
        shape.qualified.append((_read(shapes, qualified), int(str(minimum))))
    shape.properties = [_read(shapes, p) for p in shapes.objects(node, SH.property)]
    for key, target in ((SH["or"], shape.any_of), (SH.xone, shape.one_of)):
        for head in shapes.objects(node, key):
            target.append([_read(shapes, m) for m in Collection(shapes, head)])
    for constraint in shapes.objects(node, SH.sparql):
        shape.sparql.append(_select(shapes, constraint))
    return shape


def compile_shapes(shapes: Graph) -> CompiledShapes | None:
    """The shapes, ready for the fast path; ``None`` if any uses a feature it lacks."""
    targets_of = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    tops = sorted({s for t in targets_of for s in shapes.subjects(t, None)}, key=str)
    compiled = []
    try:
        for node in tops:
            targets: list[tuple[URIRef, Node]] = []
            for kind in targets_of[:4]:
                targets += [(kind, o) for o in shapes.objects(node, kind)]
            for target in shapes.objects(node, SH.target):
                if shapes.value(target, RDF.type) != SH.SPARQLTarget:
                    raise _UnsupportedError("target type")
                targets.append((SH.SPARQLTarget, Literal(_select(shapes, target))))
            compiled.append((_read(shapes, node), targets))
    except _UnsupportedError:
        return None
    return CompiledShapes(compiled, shapes)


Select = Callable[[str], Iterable[Node]]


class _Checker:
    def __init__(self, graph: Graph, select: Select) -> None:
        self.graph = graph
        self.select = select
        self._instances: dict[URIRef, set[Node]] = {}

    def instances(self, cls: URIRef) -> set[Node]:
        if cls not in self._instances:
            classes = set(self.graph.transitive_subjects(RDFS.subClassOf, cls))
            self._instances[cls] = {s for c in classes for s in self.graph.subjects(RDF.type, c)}
        return self._instances[cls]

    def focus_nodes(self, targets: list[tuple[URIRef, Node]]) -> list[Node]:
        found: set[Node] = set()
        for kind, value in targets:
            if kind == SH.targetClass and isinstance(value, URIRef):
                found |= self.instances(value)
            elif kind == SH.targetNode:
                found.add(value)
            elif kind == SH.targetSubjectsOf and isinstance(value, URIRef):
                found |= set(self.graph.subjects(value, None))
            elif kind == SH.targetObjectsOf and isinstance(value, URIRef):
                found |= set(self.graph.objects(None, value))
            else:
                found |= set(self.select(str(value)))
        return sorted(found, key=str)

    def conforms(self, shape: Shape, focus: Node) -> bool:
        return not self.check(shape, focus, shape.node)

    def check(self, shape: Shape, focus: Node, report_as: Node) -> list[Finding]:
        """Findings of ``shape`` on one focus node (property shapes: on its path's values)."""
        found: list[Finding] = []
        if shape.path is not None:
            values = list(self.graph.objects(focus, shape.path))
            own = Finding(shape.node, shape.severity, focus, shape.path)
            if shape.min_count is not None and len(values) < shape.min_count:
                found.append(own)
            if shape.max_count is not None and len(values) > shape.max_count:
                found.append(own)
            for cls in shape.classes:
                found += [own for v in values if v not in self.instances(cls)]
            for wanted in shape.has_value:
                if wanted not in values:
                    found.append(own)
            for qualified, minimum in shape.qualified:
                if sum(self.conforms(qualified, v) for v in values) < minimum:
                    found.append(own)
        else:
            own = Finding(shape.node, shape.severity, focus, None)
            for cls in shape.classes:
                if focus not in self.instances(cls):
                    found.append(own)
            for members in shape.any_of:
                if not any(self.conforms(m, focus) for m in members):
                    found.append(own)
            for members in shape.one_of:
                if sum(self.conforms(m, focus) for m in members) != 1:
                    found.append(own)
        for prop in shape.properties:
            found += self.check(prop, focus, prop.node)
        return found


def run_compiled(compiled: CompiledShapes, graph: Graph, select: Select) -> list[Finding]:
    """Every finding of the compiled shapes on ``graph``; ``select`` runs SPARQL for targets."""
    checker = _Checker(graph, select)
    findings: list[Finding] = []
    for shape, targets in track(compiled.shapes, "validate", len(compiled.shapes)):
        focus_nodes = checker.focus_nodes(targets)
        for focus in focus_nodes:
            findings += checker.check(shape, focus, shape.node)
        if shape.sparql:
            wanted = set(focus_nodes)
            for query in shape.sparql:
                for focus in sorted(set(select(query)) & wanted, key=str):
                    findings.append(Finding(shape.node, shape.severity, focus, None))
    return findings


__all__ = ["CompiledShapes", "Finding", "compile_shapes", "run_compiled"]
