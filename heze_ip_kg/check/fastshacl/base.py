"""What the fast path's parts share: findings, compiled shapes, and the constraint interface."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from heze_ip_kg.check.fastshacl.paths import Path

BOOLEANS = ("true", "false")


class UnsupportedError(Exception):
    """The fast path cannot promise pySHACL's answer for these shapes; the message says why."""


def name(node: Node) -> str:
    """``node`` for a message: ``sh:minCount`` for SHACL's own terms, N-Triples otherwise."""
    if isinstance(node, URIRef) and node.startswith(str(SH)):
        return "sh:" + node[len(str(SH)) :]
    return node.n3()


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, as RDF terms (SHACL 3.6.2)."""

    shape: Node
    severity: Node
    focus: Node
    component: URIRef
    path: Path | None = None
    value: Node | None = None
    constraint: Node | None = None  # sh:sourceConstraint: the SPARQL constraint node
    # Messages the engine composed (pySHACL fills in a SPARQL message's {?var}); usually none.
    messages: tuple[Literal, ...] = ()


@dataclass(eq=False)
class Shape:
    """A shape read from the shapes graph: its path (property shapes) and its constraints."""

    node: Node
    severity: Node
    path: Path | None = None
    deactivated: bool = False
    constraints: list[Constraint] = field(default_factory=list)

    def finding(
        self,
        focus: Node,
        component: URIRef,
        value: Node | None = None,
        path: Path | None = None,
        constraint: Node | None = None,
    ) -> Finding:
        """A result of this shape; the path defaults to the shape's own."""
        where = path if path is not None else self.path
        return Finding(self.node, self.severity, focus, component, where, value, constraint)


class Context(Protocol):
    """What a constraint may ask of the run: the data graph, classes, nested shapes, and the
    ``?this`` values of a SPARQL SELECT."""

    graph: Graph

    def instances(self, cls: URIRef) -> set[Node]: ...

    def conforms(self, shape: Shape, node: Node) -> bool: ...

    def check(self, shape: Shape, focus: Node) -> list[Finding]: ...

    def solutions(self, text: str) -> set[Node]: ...


class Reader(Protocol):
    """What a constraint may ask while it is read: checked parameter values and nested shapes."""

    graph: Graph

    def values(self, node: Node, parameter: URIRef) -> list[Node]: ...

    def one(self, node: Node, parameter: URIRef) -> Node: ...

    def members(self, head: Node, empty: bool = False) -> list[Node]: ...

    def shape(self, node: Node) -> Shape: ...


class Constraint:
    """One SHACL constraint component: the parameters it consumes and how it evaluates.

    ``load`` returns ``None`` when the shape has none of its parameters, and raises
    ``UnsupportedError`` for a value it cannot evaluate exactly as pySHACL does.
    """

    parameters: ClassVar[tuple[URIRef, ...]]
    node_level: ClassVar[bool] = True
    property_level: ClassVar[bool] = True

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        raise NotImplementedError

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterable[Finding]:
        raise NotImplementedError


def boolean(value: Node) -> bool:
    """A well-formed ``xsd:boolean``; another value (``"yes"^^xsd:boolean``, which pySHACL reads
    as false, or a string) is not evaluated here.

    rdflib normalises literals as it parses, so ``"1"^^xsd:boolean`` arrives as ``true``: the
    W3C test core/property/uniqueLang-002, which expects it to be ignored, fails for both paths.
    """
    if isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) in BOOLEANS:
        return str(value) == "true"
    raise UnsupportedError(f"boolean parameter written as {name(value)}")


def integer(value: Node, minimum: int = 0) -> int:
    """A well-formed ``xsd:integer`` of at least ``minimum``."""
    if isinstance(value, Literal) and value.datatype == XSD.integer and not value.ill_typed:
        number = value.toPython()
        if isinstance(number, int) and number >= minimum:
            return number
    raise UnsupportedError(f"integer parameter written as {name(value)}")


__all__ = ["Constraint", "Context", "Finding", "Reader", "Shape", "UnsupportedError", "name"]
