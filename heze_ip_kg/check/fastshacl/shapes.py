"""Reading a shapes graph for the fast path: every shape, every parameter accounted for.

A shape is read by the registered components (``COMPONENTS``); a SHACL-namespace predicate
that no component consumes, and is not one of the non-validating ones (``_NON_VALIDATING``),
raises ``UnsupportedError`` for the whole shapes graph. So a feature the fast path lacks is
never skipped: it sends the validation to pySHACL.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from heze_ip_kg.check.fastshacl.base import Constraint, Shape, UnsupportedError, boolean, name
from heze_ip_kg.check.fastshacl.components import VALUE_COMPONENTS
from heze_ip_kg.check.fastshacl.logical import SHAPE_COMPONENTS, prefixes
from heze_ip_kg.check.fastshacl.other import OTHER_COMPONENTS
from heze_ip_kg.check.fastshacl.paths import PathError, read_path

COMPONENTS: list[type[Constraint]] = [*VALUE_COMPONENTS, *OTHER_COMPONENTS, *SHAPE_COMPONENTS]
_CONSUMED = {p for c in COMPONENTS for p in c.parameters}
_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
_NON_VALIDATING = {
    *_TARGETS,
    SH.target,
    SH.path,
    SH.severity,
    SH.deactivated,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
}
# Anywhere in the shapes graph, these change what pySHACL does beyond the shapes themselves:
# constraint components of one's own (their parameters may be any predicate), rules, functions
# and entailment. The fast path has none of them.
_GLOBAL = [
    (None, RDF.type, SH.ConstraintComponent),
    (None, RDFS.subClassOf, SH.ConstraintComponent),
    (None, SH.parameter, None),
    (None, SH.rule, None),
    (None, RDF.type, SH.SPARQLFunction),
    (None, RDF.type, SH.Function),
    (None, SH.entailment, None),
]
# The shapes that pySHACL recognises (shapes_graph.py): declared, with a target or sh:property
# or sh:node, or the value of a shape-expecting parameter.
_SHAPE_SUBJECTS = (*_TARGETS, SH.property, SH.node)
_SHAPE_VALUES = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


@dataclass
class CompiledShapes:
    """The shapes that have targets, each with its targets, ready to run."""

    shapes: list[tuple[Shape, list[tuple[URIRef, Node]]]]
    shapes_graph: Graph


class ShapeReader:
    """Reads shapes once each, checking every parameter value (the ``Reader`` protocol)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._shapes: dict[Node, Shape] = {}
        self._reading: set[Node] = set()

    def values(self, node: Node, parameter: URIRef) -> list[Node]:
        return sorted(self.graph.objects(node, parameter), key=lambda n: n.n3())

    def one(self, node: Node, parameter: URIRef) -> Node:
        found = self.values(node, parameter)
        if len(found) != 1:
            raise UnsupportedError(f"{len(found)} values of {name(parameter)} on {name(node)}")
        return found[0]

    def members(self, head: Node, empty: bool = False) -> list[Node]:
        """The members of a well-formed RDF list (SHACL lists, 1.4)."""
        items: list[Node] = []
        seen: set[Node] = set()
        while head != RDF.nil:
            cell = set(self.graph.predicate_objects(head))
            if head in seen or {p for p, _ in cell} != {RDF.first, RDF.rest} or len(cell) != 2:
                raise UnsupportedError(f"{name(head)} is not a well-formed RDF list")
            seen.add(head)
            items.append(self.one(head, RDF.first))
            head = self.one(head, RDF.rest)
        if not items and not empty:
            raise UnsupportedError("an empty list of shapes")
        return items

    def shape(self, node: Node) -> Shape:
        """The shape at ``node``, read once; a shape that reaches itself is ``UnsupportedError``."""
        if node in self._shapes:
            return self._shapes[node]
        if node in self._reading or not isinstance(node, URIRef | BNode):
            raise UnsupportedError(f"recursive shape or a literal as shape: {name(node)}")
        self._reading.add(node)
        shape = self._read(node)
        self._reading.discard(node)
        self._shapes[node] = shape
        return shape

    def _read(self, node: Node) -> Shape:
        for predicate in set(self.graph.predicates(node, None)):
            in_sh = isinstance(predicate, URIRef) and predicate.startswith(str(SH))
            if in_sh and predicate not in _NON_VALIDATING and predicate not in _CONSUMED:
                raise UnsupportedError(f"{name(node)} uses {name(predicate)}")
        severity = self.one(node, SH.severity) if self.values(node, SH.severity) else SH.Violation
        if isinstance(severity, Literal):
            raise UnsupportedError(f"{name(node)} has a literal severity")
        types = set(self.values(node, RDF.type))
        shape = Shape(node, severity)
        if self.values(node, SH.deactivated):
            shape.deactivated = boolean(self.one(node, SH.deactivated))
        if self.values(node, SH.path):
            if SH.NodeShape in types:
                raise UnsupportedError(f"sh:NodeShape {name(node)} with sh:path")
            try:
                shape.path = read_path(self.graph, self.one(node, SH.path))
            except PathError as err:
                raise UnsupportedError(f"{name(node)}: {err}") from None
        elif SH.PropertyShape in types:
            raise UnsupportedError(f"sh:PropertyShape {name(node)} without sh:path")
        for component in COMPONENTS:
            used = [name(p) for p in component.parameters if self.values(node, p)]
            if not used:
                continue
            if not (component.property_level if shape.path else component.node_level):
                level = "property" if shape.path else "node"
                raise UnsupportedError(f"{name(node)}: {', '.join(used)} in a {level} shape")
            constraint = component.load(self, node)
            if constraint is not None:
                shape.constraints.append(constraint)
        return shape


def _recognised(graph: Graph) -> set[Node]:
    found = set(graph.subjects(RDF.type, SH.NodeShape)) | set(
        graph.subjects(RDF.type, SH.PropertyShape)
    )
    for p in _SHAPE_SUBJECTS:
        found |= set(graph.subjects(p, None))
    for p in _SHAPE_VALUES:
        found |= set(graph.objects(None, p))
    for p in _SHAPE_LISTS:
        for head in graph.objects(None, p):
            found |= set(graph.items(head))
    return found


def _class_markers(graph: Graph) -> tuple[set[Node], set[Node]]:
    """Types that make a shape its own target class for pySHACL (rdfs:Class, owl:Class and
    direct subclasses of rdfs:Class), and the further ones the spec adds (deeper subclasses)."""
    direct: set[Node] = {RDFS.Class, OWL.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
    deeper = {c for c in graph.transitive_subjects(RDFS.subClassOf, RDFS.Class) if c is not None}
    return direct, deeper - direct


def _sparql_target(reader: ShapeReader, target: Node) -> Literal:
    keys = set(reader.graph.predicates(target, None))
    if set(reader.values(target, RDF.type)) != {SH.SPARQLTarget} or keys - {
        RDF.type,
        SH.select,
        SH.prefixes,
        RDFS.comment,
        RDFS.label,
    }:
        raise UnsupportedError("a target that is not a plain sh:SPARQLTarget")
    return Literal(prefixes(reader, target) + str(reader.one(target, SH.select)))


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes with targets, read for the fast path.

    Raises ``UnsupportedError`` (naming the shape and feature) if the fast path cannot evaluate
    them exactly; the caller then validates with pySHACL.
    """
    for subject, predicate, value in _GLOBAL:
        if next(shapes.triples((subject, predicate, value)), None) is not None:
            used = value if value is not None else predicate
            raise UnsupportedError(f"the shapes graph uses {name(used)}")
    reader = ShapeReader(shapes)
    recognised = _recognised(shapes)
    direct, deeper = _class_markers(shapes)
    candidates = {s for p in (*_TARGETS, SH.target) for s in shapes.subjects(p, None)}
    candidates |= {s for t in direct | deeper for s in shapes.subjects(RDF.type, t)}
    compiled = []
    for node in sorted(candidates, key=lambda n: n.n3()):
        types = set(shapes.objects(node, RDF.type))
        has_parameters = any(str(p).startswith(str(SH)) for p in shapes.predicates(node, None))
        if node not in recognised or types & deeper:
            if has_parameters:
                raise UnsupportedError(
                    f"{name(node)}: pySHACL and SHACL disagree on whether it is a shape"
                )
            continue
        targets: list[tuple[URIRef, Node]] = [
            (t, v) for t in _TARGETS for v in reader.values(node, t)
        ]
        if types & direct:
            targets.append((SH.targetClass, node))
        if any(not isinstance(v, URIRef) for t, v in targets if t != SH.targetNode):
            raise UnsupportedError(f"{name(node)}: a target class or property that is not an IRI")
        for target in reader.values(node, SH.target):
            targets.append((SH.SPARQLTarget, _sparql_target(reader, target)))
        compiled.append((reader.shape(node), targets))
    return CompiledShapes(compiled, shapes)


__all__ = ["COMPONENTS", "CompiledShapes", "ShapeReader", "compile_shapes"]
