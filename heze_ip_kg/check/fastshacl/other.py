"""SHACL Core components that compare a value with others: property pairs (4.5) and "other"
constraints (4.8), one class per component as in components.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from heze_ip_kg.check.fastshacl.base import (
    Constraint,
    Context,
    Finding,
    Reader,
    Shape,
    UnsupportedError,
    boolean,
)
from heze_ip_kg.check.fastshacl.components import iris


class EqualsConstraint(Constraint):
    """sh:equals: "For each value node that does not exist as a value of the property $equals at
    the focus node, there is a validation result with the value node as sh:value. For each value
    of the property $equals at the focus node that is not one of the value nodes, there is a
    validation result with the value as sh:value." """

    parameters = (SH.equals,)
    component = SH.EqualsConstraintComponent

    def __init__(self, properties: list[URIRef]) -> None:
        self.properties = properties

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        found = iris(reader, node, cls.parameters[0])
        return cls(found) if found else None

    def differ(self, values: set[Node], others: set[Node]) -> Iterable[Node]:
        return (values - others) | (others - values)

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for prop in self.properties:
            others = set(ctx.graph.objects(focus, prop))
            for v in self.differ(values, others):
                yield shape.finding(focus, self.component, v)


class DisjointConstraint(EqualsConstraint):
    """sh:disjoint: "For each value node that also exists as a value of the property $disjoint at
    the focus node, there is a validation result with the value node as sh:value." """

    parameters = (SH.disjoint,)
    component = SH.DisjointConstraintComponent

    def differ(self, values: set[Node], others: set[Node]) -> Iterable[Node]:
        return values & others


class HasValueConstraint(Constraint):
    """sh:hasValue: "If the RDF term $hasValue is not among the value nodes, there is a
    validation result." — in node shapes (the focus node is the one value node) and property
    shapes alike."""

    parameters = (SH.hasValue,)

    def __init__(self, wanted: list[Node]) -> None:
        self.wanted = wanted

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        wanted = reader.values(node, SH.hasValue)
        return cls(wanted) if wanted else None

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for wanted in self.wanted:
            if wanted not in values:
                yield shape.finding(focus, SH.HasValueConstraintComponent)


class InConstraint(Constraint):
    """sh:in: "For each value node that is not a member of $in, there is a validation result with
    the value node as sh:value." """

    parameters = (SH["in"],)

    def __init__(self, members: set[Node]) -> None:
        self.members = members

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH["in"]):
            return None
        return cls(set(reader.members(reader.one(node, SH["in"]), empty=True)))

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if v not in self.members:
                yield shape.finding(focus, SH.InConstraintComponent, v)


class ClosedConstraint(Constraint):
    """sh:closed, sh:ignoredProperties: "If $closed is true then there is a validation result for
    each triple that has a value node as its subject and a predicate that is not explicitly
    enumerated as a value of sh:path in any of the property shapes declared via sh:property at
    the current shape. … The validation result MUST have the predicate of the triple as its
    sh:resultPath, and the object of the triple as its sh:value." """

    parameters = (SH.closed, SH.ignoredProperties)

    def __init__(self, closed: bool, allowed: set[Node]) -> None:
        self.closed = closed
        self.allowed = allowed

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.closed):
            if reader.values(node, SH.ignoredProperties):
                raise UnsupportedError("sh:ignoredProperties without sh:closed")
            return None
        allowed: set[Node] = set()
        if reader.values(node, SH.ignoredProperties):
            head = reader.one(node, SH.ignoredProperties)
            allowed |= set(reader.members(head, empty=True))
            if not all(isinstance(p, URIRef) for p in allowed):
                raise UnsupportedError("sh:ignoredProperties with a member that is not an IRI")
        for prop in reader.values(node, SH.property):
            path = reader.one(prop, SH.path)
            if isinstance(path, URIRef):
                allowed.add(path)
        return cls(boolean(reader.one(node, SH.closed)), allowed)

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        if not self.closed:
            return
        for v in values:
            for p, o in ctx.graph.predicate_objects(v):
                if p in self.allowed or not isinstance(p, URIRef):
                    continue
                if (p, o) == (RDF.type, RDFS.Resource):
                    # pySHACL never reports this triple; the spec does. Say so, do not guess.
                    raise UnsupportedError("rdf:type rdfs:Resource under sh:closed")
                yield shape.finding(focus, SH.ClosedConstraintComponent, o, path=p)


OTHER_COMPONENTS: list[type[Constraint]] = [
    EqualsConstraint,
    DisjointConstraint,
    HasValueConstraint,
    InConstraint,
    ClosedConstraint,
]

__all__ = ["OTHER_COMPONENTS"]
