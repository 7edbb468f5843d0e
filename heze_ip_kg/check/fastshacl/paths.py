"""SHACL property paths (SHACL 2.3.1): read from a graph, evaluated, written, shown.

A path is an IRI or one of four small frozen values, so a result can carry it without the
shapes graph it came from, compare it, and write it afresh into a report:

>>> from rdflib import Graph, URIRef
>>> g = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
...     <s> sh:path ( [ sh:inversePath <p> ] [ sh:zeroOrMorePath <q> ] ) .''', format="turtle",
...     publicID="http://example.org/")
>>> path = read_path(g, g.value(URIRef("http://example.org/s"), SH.path))
>>> path_text(path)
'^<http://example.org/p>/<http://example.org/q>*'
>>> g += [(URIRef("http://example.org/a"), URIRef("http://example.org/p"), URIRef("b"))]
>>> sorted(values(g, URIRef("b"), path))
[rdflib.term.URIRef('http://example.org/a')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

REPEATS = (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_SUFFIX = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
# pySHACL gives up on paths nested ten deep; the strict reader stops well before.
_MAX_DEPTH = 8


class PathError(ValueError):
    """A ``sh:path`` value that is not a well-formed path (or not one the reader accepts)."""


@dataclass(frozen=True)
class Inverse:
    """``[ sh:inversePath p ]``: ``p`` walked backwards."""

    path: Path


@dataclass(frozen=True)
class Sequence:
    """``( p1 p2 … )``: each step from the nodes the previous one reached."""

    steps: tuple[Path, ...]


@dataclass(frozen=True)
class Alternative:
    """``[ sh:alternativePath ( p1 p2 … ) ]``: the union of the steps' values."""

    options: tuple[Path, ...]


@dataclass(frozen=True)
class Repeat:
    """``[ sh:zeroOrMorePath p ]``, ``sh:oneOrMorePath`` or ``sh:zeroOrOnePath``."""

    path: Path
    kind: URIRef


Path = URIRef | Inverse | Sequence | Alternative | Repeat


def _value(graph: Graph, node: Node, predicate: URIRef) -> Node:
    found = graph.value(node, predicate)
    if found is None:
        raise PathError(f"{node} has no {predicate}")
    return found


def _items(graph: Graph, head: Node, strict: bool) -> list[Node]:
    """The members of the RDF list at ``head``; strict: every cell holds one first and rest."""
    if not strict:
        return list(graph.items(head))
    items: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil:
        if not isinstance(head, BNode) or head in seen:
            raise PathError("a path list must be a well-formed RDF list")
        seen.add(head)
        cell = [p for p, _ in graph.predicate_objects(head)]
        if len(cell) != 2 or set(cell) != {RDF.first, RDF.rest}:
            raise PathError("a path list cell must hold exactly one rdf:first and one rdf:rest")
        items.append(_value(graph, head, RDF.first))
        head = _value(graph, head, RDF.rest)
    return items


def read_path(graph: Graph, node: Node, *, strict: bool = True, depth: int = 0) -> Path:
    """The path at ``node``.

    Strict (the fast path): every blank node is exactly one well-formed path form, and an
    inverse path only inverts an IRI, where pySHACL's reading is right. Lenient (reading a
    report): pySHACL's order — a list first, then the inverse, alternative and repeat forms.
    """
    if isinstance(node, URIRef):
        return node
    if not isinstance(node, BNode) or depth > _MAX_DEPTH:
        raise PathError(f"not a property path: {node}")
    deeper = depth + 1
    preds = list(graph.predicates(node, None))
    if RDF.first in preds and (not strict or (len(preds) == 2 and RDF.rest in preds)):
        steps = [
            read_path(graph, s, strict=strict, depth=deeper) for s in _items(graph, node, strict)
        ]
        if len(steps) < 2:
            if strict or not steps:
                raise PathError("a sequence path needs at least two steps")
            return steps[0]
        return Sequence(tuple(steps))
    if strict and len(preds) != 1:
        raise PathError("a path node must have exactly one path property")
    for predicate in (SH.inversePath, SH.alternativePath, *REPEATS):
        if predicate not in preds:
            continue
        inner = _value(graph, node, predicate)
        if predicate == SH.inversePath:
            if strict and not isinstance(inner, URIRef):
                raise PathError("the fast path inverts IRIs only")
            return Inverse(read_path(graph, inner, strict=strict, depth=deeper))
        if predicate == SH.alternativePath:
            options = [
                read_path(graph, o, strict=strict, depth=deeper)
                for o in _items(graph, inner, strict)
            ]
            if len(options) < 2:
                raise PathError("an alternative path needs at least two options")
            return Alternative(tuple(options))
        return Repeat(read_path(graph, inner, strict=strict, depth=deeper), predicate)
    raise PathError(f"not a property path: {node}")


def _step(graph: Graph, nodes: set[Node], path: Path, forward: bool) -> set[Node]:
    if isinstance(path, URIRef):
        if forward:
            return {o for n in nodes for o in graph.objects(n, path)}
        return {s for n in nodes for s in graph.subjects(path, n)}
    if isinstance(path, Inverse):
        return _step(graph, nodes, path.path, not forward)
    if isinstance(path, Sequence):
        for step in path.steps if forward else reversed(path.steps):
            nodes = _step(graph, nodes, step, forward)
        return nodes
    if isinstance(path, Alternative):
        return set().union(*(_step(graph, nodes, o, forward) for o in path.options))
    if path.kind == SH.zeroOrOnePath:
        return nodes | _step(graph, nodes, path.path, forward)
    reached: set[Node] = set(nodes) if path.kind == SH.zeroOrMorePath else set()
    frontier = _step(graph, nodes, path.path, forward)
    while frontier - reached:
        frontier -= reached
        reached |= frontier
        frontier = _step(graph, frontier, path.path, forward)
    return reached


def values(graph: Graph, focus: Node, path: Path) -> set[Node]:
    """The value nodes of ``focus`` for ``path`` in ``graph`` (SHACL 2.3.1)."""
    return _step(graph, {focus}, path, True)


def write_path(graph: Graph, path: Path) -> Node:
    """``path`` written into ``graph`` with fresh blank nodes; returns its node."""
    if isinstance(path, URIRef):
        return path
    node = BNode()
    if isinstance(path, Sequence):
        _write_list(graph, node, [write_path(graph, s) for s in path.steps])
    elif isinstance(path, Alternative):
        head = BNode()
        _write_list(graph, head, [write_path(graph, o) for o in path.options])
        graph.add((node, SH.alternativePath, head))
    elif isinstance(path, Inverse):
        graph.add((node, SH.inversePath, write_path(graph, path.path)))
    else:
        graph.add((node, path.kind, write_path(graph, path.path)))
    return node


def _write_list(graph: Graph, head: BNode, items: Iterable[Node]) -> None:
    cells = list(items)
    for index, item in enumerate(cells):
        rest: Node = RDF.nil if index == len(cells) - 1 else BNode()
        graph.add((head, RDF.first, item))
        graph.add((head, RDF.rest, rest))
        if isinstance(rest, BNode):
            head = rest


def path_text(path: Path) -> str:
    """``path`` in SPARQL property path syntax."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if isinstance(path, Inverse):
        return "^" + _grouped(path.path)
    if isinstance(path, Sequence):
        return "/".join(_grouped(s) for s in path.steps)
    if isinstance(path, Alternative):
        return "|".join(_grouped(o) for o in path.options)
    return _grouped(path.path) + _SUFFIX[path.kind]


def _grouped(path: Path) -> str:
    text = path_text(path)
    return f"({text})" if isinstance(path, Sequence | Alternative) else text


__all__ = [
    "Alternative",
    "Inverse",
    "Path",
    "PathError",
    "Repeat",
    "Sequence",
    "path_text",
    "read_path",
    "values",
    "write_path",
]
