"""SHACL Core components that point to other shapes (logical 4.6, shape-based 4.7) and the
SHACL-SPARQL constraints of ``shapes/*.ttl`` (5), one class per component as in components.py."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
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
    integer,
)

# A SPARQL constraint the fast path runs once for all focus nodes: SELECT $this, a WHERE block
# that starts by binding $this in a triple pattern, and no keyword under which running without
# pre-binding could differ from SHACL's pre-binding (5.3.1). Anything else goes to pySHACL.
_SIMPLE_SELECT = re.compile(r"\s*SELECT\s+(?:DISTINCT\s+)?[?$]this\s+WHERE\s*\{\s*[?$]this\s", re.I)
_NOT_SIMPLE = re.compile(
    r"\b(?:SELECT|OPTIONAL|MINUS|SERVICE|VALUES|EXISTS|GRAPH|BIND|UNION|GROUP|HAVING|ORDER|LIMIT"
    r"|OFFSET)\b|[{}]",
    re.I,
)
_SPARQL_KEYS = {RDF.type, RDFS.comment, RDFS.label, SH.select, SH.prefixes, SH.message}


def prefixes(reader: Reader, holder: Node) -> str:
    """The ``PREFIX`` lines that the ``sh:prefixes`` of ``holder`` declare."""
    lines = set()
    for declared in reader.values(holder, SH.prefixes):
        for decl in reader.values(declared, SH.declare):
            prefix, namespace = reader.one(decl, SH.prefix), reader.one(decl, SH.namespace)
            if not isinstance(prefix, Literal) or not isinstance(namespace, Literal):
                raise UnsupportedError("sh:declare without a literal prefix and namespace")
            lines.add(f"PREFIX {prefix}: <{namespace}>")
    return "".join(f"{line}\n" for line in sorted(lines))


class _Logical(Constraint):
    parameter: URIRef
    component: URIRef

    def __init__(self, groups: list[list[Shape]]) -> None:
        self.groups = groups

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        heads = reader.values(node, cls.parameter)
        if not heads:
            return None
        return cls([[reader.shape(m) for m in reader.members(h)] for h in heads])

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        raise NotImplementedError

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for members in self.groups:
            for v in values:
                if not self.passes(ctx, members, v):
                    yield shape.finding(focus, self.component, v)


class NotConstraint(_Logical):
    """sh:not: "For each value node v: … if v conforms to $not, there is a validation result
    with v as sh:value." """

    parameters = (SH["not"],)
    parameter, component = SH["not"], SH.NotConstraintComponent

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        found = reader.values(node, SH["not"])
        return cls([[reader.shape(n)] for n in found]) if found else None

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        return not ctx.conforms(shapes[0], v)


class AndConstraint(_Logical):
    """sh:and: "if v does not conform to each member of $and, there is a validation result with
    v as sh:value." """

    parameters = (SH["and"],)
    parameter, component = SH["and"], SH.AndConstraintComponent

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        return all(ctx.conforms(s, v) for s in shapes)


class OrConstraint(_Logical):
    """sh:or: "if v conforms to none of the members of $or there is a validation result with v
    as sh:value." """

    parameters = (SH["or"],)
    parameter, component = SH["or"], SH.OrConstraintComponent

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        return any(ctx.conforms(s, v) for s in shapes)


class XoneConstraint(_Logical):
    """sh:xone: "Let N be the number of the members of $xone that v conforms to. … if N is not
    exactly 1, there is a validation result with v as sh:value." (A member listed twice counts
    twice, as in core/node/xone-duplicate.)"""

    parameters = (SH.xone,)
    parameter, component = SH.xone, SH.XoneConstraintComponent

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        return sum(ctx.conforms(s, v) for s in shapes) == 1


class NodeConstraint(_Logical):
    """sh:node: "if v does not conform to $node, there is a validation result with v as
    sh:value." """

    parameters = (SH.node,)
    parameter, component = SH.node, SH.NodeConstraintComponent

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        found = [reader.shape(n) for n in reader.values(node, SH.node)]
        if any(s.path is not None for s in found):
            raise UnsupportedError("sh:node pointing to a property shape")
        return cls([[s] for s in found]) if found else None

    def passes(self, ctx: Context, shapes: list[Shape], v: Node) -> bool:
        return ctx.conforms(shapes[0], v)


class PropertyConstraint(Constraint):
    """sh:property: "the validation results are the results of validating v as focus node
    against the property shape $property." """

    parameters = (SH.property,)

    def __init__(self, shapes: list[Shape]) -> None:
        self.shapes = shapes

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        found = [reader.shape(n) for n in reader.values(node, SH.property)]
        if any(s.path is None for s in found):
            raise UnsupportedError("sh:property pointing to a shape without sh:path")
        return cls(found) if found else None

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for prop in self.shapes:
            for v in values:
                yield from ctx.check(prop, v)


class QualifiedConstraint(Constraint):
    """sh:qualifiedValueShape with sh:qualifiedMinCount, sh:qualifiedMaxCount and
    sh:qualifiedValueShapesDisjoint: "Let C be the number of value nodes v where v conforms to
    $qualifiedValueShape and where v does not conform to any of the sibling shapes … there is a
    validation result if C is less than $qualifiedMinCount" (or greater than
    $qualifiedMaxCount). In property shapes only: pySHACL ignores them in node shapes."""

    parameters = (
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
        SH.qualifiedValueShapesDisjoint,
    )
    node_level = False

    def __init__(
        self, shape: Shape, siblings: list[Shape], minimum: int | None, maximum: int | None
    ) -> None:
        self.shape, self.siblings, self.minimum, self.maximum = shape, siblings, minimum, maximum

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not any(reader.values(node, p) for p in cls.parameters):
            return None
        value_shape = reader.one(node, SH.qualifiedValueShape)
        limits = [reader.values(node, p) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount)]
        if not any(limits) or any(len(found) > 1 for found in limits):
            raise UnsupportedError("sh:qualifiedValueShape without one min or max count")
        minimum, maximum = (integer(found[0]) if found else None for found in limits)
        siblings: list[Shape] = []
        disjoint = reader.values(node, SH.qualifiedValueShapesDisjoint)
        if disjoint and boolean(reader.one(node, SH.qualifiedValueShapesDisjoint)):
            parents = reader.graph.subjects(SH.property, node)
            peers = {p for parent in parents for p in reader.graph.objects(parent, SH.property)}
            others = {q for p in peers for q in reader.values(p, SH.qualifiedValueShape)}
            siblings = [reader.shape(s) for s in sorted(others - {value_shape}, key=str)]
        return cls(reader.shape(value_shape), siblings, minimum, maximum)

    def counts(self, ctx: Context, v: Node) -> bool:
        if not ctx.conforms(self.shape, v):
            return False
        return not any(ctx.conforms(s, v) for s in self.siblings)

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        found = sum(self.counts(ctx, v) for v in values)
        if self.maximum is not None and found > self.maximum:
            yield shape.finding(focus, SH.QualifiedMaxCountConstraintComponent)
        if self.minimum is not None and found < self.minimum:
            yield shape.finding(focus, SH.QualifiedMinCountConstraintComponent)


class SparqlConstraint(Constraint):
    """sh:sparql (SHACL-SPARQL 5.3): "For each solution … there is a validation result with the
    binding for $this as sh:focusNode" — in node shapes, for the simple form only (see
    ``_SIMPLE_SELECT``). As in pySHACL, solutions that bind the same variables give one result,
    so a ``SELECT $this`` gives one per focus node, with the focus node as sh:value."""

    parameters = (SH.sparql,)
    property_level = False

    def __init__(self, queries: list[tuple[Node, str]]) -> None:
        self.queries = queries

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        queries = []
        for constraint in reader.values(node, SH.sparql):
            keys = set(reader.graph.predicates(constraint, None))
            text = str(reader.one(constraint, SH.select))
            messages = " ".join(str(m) for m in reader.values(constraint, SH.message))
            kinds = set(reader.values(constraint, RDF.type)) - {SH.SPARQLConstraint}
            if keys - _SPARQL_KEYS or kinds or "{" in messages:
                raise UnsupportedError(
                    "a SPARQL constraint with more than sh:select and sh:message"
                )
            match = _SIMPLE_SELECT.match(text)
            if not match or _NOT_SIMPLE.search(text[match.end() :].rstrip().removesuffix("}")):
                raise UnsupportedError("a SPARQL constraint that needs pre-binding")
            queries.append((constraint, prefixes(reader, constraint) + text))
        return cls(queries) if queries else None

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for constraint, text in self.queries:
            if focus in ctx.solutions(text):
                yield shape.finding(focus, SH.SPARQLConstraintComponent, focus, None, constraint)


SHAPE_COMPONENTS: list[type[Constraint]] = [
    NotConstraint,
    AndConstraint,
    OrConstraint,
    XoneConstraint,
    NodeConstraint,
    PropertyConstraint,
    QualifiedConstraint,
    SparqlConstraint,
]

__all__ = ["SHAPE_COMPONENTS", "prefixes"]
