"""Hypothesis strategies: small data graphs and shapes graphs over the fast path's features.

Everything drawn here is something ``heze_ip_kg.check.fastshacl`` claims to evaluate (its module
docstring), so ``compile_shapes`` must accept every shapes graph; the differential test then
compares its results with pySHACL's. The vocabulary is tiny on purpose: few nodes, predicates
and classes make targets, paths and constraints meet often.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

EX = Namespace("http://example.org/")
RESOURCES: list[Node] = [EX.a, EX.b, EX.c, BNode("d1"), BNode("d2")]
PREDICATES = [EX.p, EX.q, EX.r]
CLASSES = [EX.C, EX.D, EX.E]
LITERALS = [
    Literal("a"),
    Literal("ab", lang="en"),
    Literal("c", lang="en"),
    Literal("ab", lang="EN-gb"),
    Literal("b", lang="fr"),
    Literal("1", datatype=XSD.integer),
    Literal("22", datatype=XSD.integer),
    Literal("x", datatype=XSD.integer),  # ill-typed
    Literal("true", datatype=XSD.boolean),
    Literal("a", datatype=XSD.string),
    Literal("2020-01-01", datatype=XSD.date),
    Literal("1.5", datatype=XSD.decimal),
]
TERMS = RESOURCES + LITERALS + CLASSES
DATATYPES = [XSD.string, XSD.integer, XSD.boolean, XSD.date, XSD.decimal, RDF.langString, EX.T]
NODE_KINDS = [SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral]
SEVERITIES = [SH.Violation, SH.Violation, SH.Warning, SH.Info, EX.Custom]
# SPARQL constraints of the simple form the fast path runs on Oxigraph.
# (The fast path cannot map a blank node that Oxigraph returns back to rdflib's; given one, it
# hands the shapes to pySHACL, which tests/test_fastshacl.py checks on its own.)
SELECTS = [
    "SELECT $this WHERE { $this <http://example.org/p> ?o . "
    "FILTER (isLiteral(?o) && isIRI($this)) }",
    "SELECT $this WHERE { $this <http://example.org/q> ?o . ?o a <http://example.org/C> . "
    "FILTER (isIRI($this)) }",
    "SELECT DISTINCT $this WHERE { $this ?p ?o . "
    "FILTER (?p != <http://example.org/r> && isIRI($this)) }",
]
# Parameters that may have several values on one shape (each evaluated on its own); the others
# take one value, and pySHACL refuses a second.
MULTIPLE = {"class", "pattern", "pair", "hasValue", "not", "logical", "node", "property", "sparql"}
Draw = Callable[[st.SearchStrategy[Any]], Any]


@st.composite
def data_graphs(draw: Draw) -> Graph:
    """Up to 40 triples over the vocabulary (objects mostly resources, so that values meet),
    and a few rdfs:subClassOf links."""
    graph = Graph()
    for _ in range(draw(st.integers(0, 40))):
        subject = draw(st.sampled_from(RESOURCES))
        if draw(st.integers(0, 3)) == 0:
            graph.add((subject, RDF.type, draw(st.sampled_from(CLASSES))))
        else:
            pool = RESOURCES if draw(st.booleans()) else TERMS
            graph.add((subject, draw(st.sampled_from(PREDICATES)), draw(st.sampled_from(pool))))
    for subject in draw(st.lists(st.sampled_from(RESOURCES), max_size=3)):
        predicate = draw(st.sampled_from(PREDICATES))  # two values with one language tag
        graph.add((subject, predicate, Literal("ab", lang="en")))
        graph.add((subject, predicate, Literal("c", lang="en")))
    for sub, sup in draw(st.lists(st.tuples(*[st.sampled_from(CLASSES)] * 2), max_size=2)):
        graph.add((sub, RDFS.subClassOf, sup))
    return graph


def _list(graph: Graph, items: list[Node]) -> Node:
    if not items:
        return RDF.nil
    head = BNode()
    Collection(graph, head, items)
    return head


class _ShapeWriter:
    """Writes random shapes into ``graph``; ``named`` are shapes that others may point to."""

    def __init__(self, draw: Draw, graph: Graph) -> None:
        self.draw = draw
        self.graph = graph
        self.named: list[Node] = []
        self.open: set[Node] = set()  # shapes being written: pointing to one would recurse

    def pick(self, options: list[Any]) -> Any:
        return self.draw(st.sampled_from(options))

    def path(self) -> Node:
        g, p = self.graph, self.pick(PREDICATES)
        kind = self.draw(st.integers(0, 9))
        if kind < 4:
            return p
        node = BNode()
        if kind < 6:
            g.add((node, SH.inversePath, p))
        elif kind == 6:
            return _list(g, [p, self.pick(PREDICATES)])
        elif kind == 7:
            g.add((node, SH.alternativePath, _list(g, [p, self.pick(PREDICATES)])))
        else:
            g.add((node, self.pick([SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath]), p))
        return node

    def shape(self, depth: int, prop: bool | None = None) -> Node:
        """A new shape (a property shape when ``prop``, a random kind when None)."""
        g = self.graph
        node: Node = BNode() if self.draw(st.booleans()) else EX[f"S{len(self.named)}"]
        if isinstance(node, URIRef):
            self.named.append(node)
        prop = self.draw(st.booleans()) if prop is None else prop
        self.open.add(node)
        if prop:
            g.add((node, SH.path, self.path()))
        if self.draw(st.integers(0, 3)) == 0:
            g.add((node, SH.severity, self.pick(SEVERITIES)))
        if self.draw(st.integers(0, 4)) == 0:
            g.add((node, SH.message, Literal(f"message {node.n3()}", lang="en")))
        if self.draw(st.integers(0, 9)) == 0:
            g.add((node, SH.deactivated, Literal(self.draw(st.booleans()))))
        kinds = self.draw(
            st.lists(st.sampled_from(self.kinds(depth, prop)), min_size=1, max_size=3)
        )
        for index, kind in enumerate(kinds):
            if kind in MULTIPLE or kind not in kinds[:index]:
                self.constraint(node, depth, prop, kind)
        self.open.discard(node)
        return node

    def kinds(self, depth: int, prop: bool) -> list[str]:
        """The constraints a shape may draw (each at most once, as pySHACL wants for most)."""
        kinds = ["class", "datatype", "nodeKind", "length", "pattern", "languageIn", "pair"]
        kinds += ["hasValue", "in", "closed"]
        kinds += ["minCount", "maxCount", "uniqueLang", "qualified"] if prop else ["sparql"]
        if depth > 0:
            kinds += ["not", "logical", "node", "property"]
        return kinds

    def constraint(self, node: Node, depth: int, prop: bool, kind: str) -> None:
        g, add = self.graph, self.graph.add
        if kind == "class":
            add((node, SH["class"], self.pick(CLASSES)))
        elif kind == "datatype":
            add((node, SH.datatype, self.pick(DATATYPES)))
        elif kind == "nodeKind":
            add((node, SH.nodeKind, self.pick(NODE_KINDS)))
        elif kind == "length":
            which = self.pick([SH.minLength, SH.maxLength])
            add(
                (node, which, Literal(self.draw(st.integers(1 if which == SH.minLength else 0, 3))))
            )
        elif kind == "pattern":
            add((node, SH.pattern, Literal(self.pick(["^a", "b$", "[0-9]", "^.{2}$", "A"]))))
            if self.draw(st.booleans()) and (node, SH.flags, None) not in g:
                add((node, SH.flags, Literal(self.pick(["i", "m", "im"]))))
        elif kind == "languageIn":
            ranges = self.draw(st.lists(st.sampled_from(["en", "fr", "EN", "*"]), max_size=2))
            add((node, SH.languageIn, _list(g, [Literal(r) for r in ranges])))
        elif kind == "pair":
            add((node, self.pick([SH.equals, SH.disjoint]), self.pick(PREDICATES)))
        elif kind == "hasValue":
            add((node, SH.hasValue, self.pick(TERMS)))
        elif kind == "in":
            add((node, SH["in"], _list(g, self.draw(st.lists(st.sampled_from(TERMS), max_size=3)))))
        elif kind == "closed":
            add((node, SH.closed, Literal(self.draw(st.booleans()))))
            if self.draw(st.booleans()):
                ignored = self.draw(st.lists(st.sampled_from([RDF.type, *PREDICATES]), max_size=2))
                add((node, SH.ignoredProperties, _list(g, ignored)))
        elif kind in ("minCount", "maxCount"):
            add(
                (node, SH[kind], Literal(self.draw(st.integers(0, 2 if kind == "minCount" else 1))))
            )
        elif kind == "uniqueLang":
            add((node, SH.uniqueLang, Literal(self.draw(st.booleans()))))
        elif kind == "qualified":
            add((node, SH.qualifiedValueShape, self.shape(max(depth - 1, 0))))
            for which in self.draw(st.sets(st.sampled_from(["Min", "Max"]), min_size=1)):
                add((node, SH[f"qualified{which}Count"], Literal(self.draw(st.integers(0, 1)))))
            if self.draw(st.booleans()):
                add((node, SH.qualifiedValueShapesDisjoint, Literal(self.draw(st.booleans()))))
        elif kind == "sparql":
            query = BNode()
            add((node, SH.sparql, query))
            add((query, RDF.type, SH.SPARQLConstraint))
            add((query, SH.select, Literal(self.pick(SELECTS))))
        elif kind == "not":
            add((node, SH["not"], self.shape(depth - 1)))
        elif kind == "logical":
            members = [self.shape(depth - 1) for _ in range(self.draw(st.integers(1, 3)))]
            if self.draw(st.booleans()) and members:
                members.append(members[0])  # a member listed twice (xone counts it twice)
            add((node, self.pick([SH["and"], SH["or"], SH.xone]), _list(g, members)))
        elif kind == "node":
            earlier = [n for n in self.named if n not in self.open and (n, SH.path, None) not in g]
            if earlier and self.draw(st.booleans()):
                add((node, SH.node, self.pick(earlier)))
            else:
                add((node, SH.node, self.shape(depth - 1, prop=False)))
        else:
            add((node, SH.property, self.shape(depth - 1, prop=True)))


@st.composite
def shapes_graphs(draw: Draw) -> Graph:
    """One to three shapes with targets (and the shapes they point to)."""
    graph = Graph()
    writer = _ShapeWriter(draw, graph)
    for index in range(draw(st.integers(1, 3))):
        top = writer.shape(depth=2)
        targets = draw(st.lists(st.integers(0, 4), min_size=1, max_size=2))
        for kind in targets:
            if kind == 0:
                pool = TERMS if draw(st.integers(0, 3)) == 0 else RESOURCES
                graph.add((top, SH.targetNode, draw(st.sampled_from(pool))))
            elif kind == 1:
                graph.add((top, SH.targetClass, draw(st.sampled_from(CLASSES))))
            elif kind == 2:
                graph.add((top, SH.targetSubjectsOf, draw(st.sampled_from(PREDICATES))))
            elif kind == 3:
                graph.add((top, SH.targetObjectsOf, draw(st.sampled_from(PREDICATES))))
            elif index == 0 and isinstance(top, URIRef) and (top, SH.path, None) not in graph:
                graph.add((top, RDF.type, RDFS.Class))  # an implicit class target
                graph.add((top, RDF.type, SH.NodeShape))
    return graph


@st.composite
def cases(draw: Draw) -> tuple[Graph, Graph]:
    """A data graph and a shapes graph; a shape that is its own target class has instances."""
    shapes, data = draw(shapes_graphs()), draw(data_graphs())
    for cls in shapes.subjects(RDF.type, RDFS.Class):
        data.add((draw(st.sampled_from(RESOURCES)), RDF.type, cls))
    for node in shapes.objects(None, SH.targetNode):
        if isinstance(node, BNode):
            # A blank node is the same node in both graphs only when they share a document, as
            # in the W3C tests; pySHACL fails (LookupError) on one the data graph lacks.
            data.add((node, EX.r, EX.a))
    return data, shapes


__all__ = ["cases", "data_graphs", "shapes_graphs"]
