"""Adding many triples at once: the builders collect a ``Batch`` and hand it to ``add_all``.

rdflib's ``Memory`` store spends most of a ``Graph.add`` on bookkeeping that a graph alone in
its store does not need (an event per triple, the context's name formatted again, a dict of
contexts built and then dropped as equal to the default): at a thousand plans, 40 % of the
build. ``add_all`` writes such a graph's indexes directly, leaving the store exactly as the
same ``Graph.add`` calls in the same order would (``tests/test_triples.py`` compares them);
any other graph, or a store in any other state, goes through rdflib's own ``addN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class Sink(Protocol):
    """Where a builder writes triples: a ``Graph``, or a ``Batch`` to add to one later."""

    def add(self, triple: Triple, /) -> object: ...


class Batch(list[Triple]):
    """Triples to add later, in order; ``add`` takes a triple as ``Graph.add`` does.

    >>> from rdflib import URIRef
    >>> batch = Batch()
    >>> batch.add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))
    >>> len(add_all(Graph(), batch))
    1
    """

    def add(self, triple: Triple) -> None:
        self.append(triple)


_FIELDS = (
    "spo",
    "pos",
    "osp",
    "tripleContexts",
    "contextTriples",
    "all_contexts",
    "defaultContexts",
    "context_obj_map",
)


def _memory_fields(graph: Graph, context: str) -> dict[str, Any] | None:
    """The private indexes of ``graph``'s ``Memory`` store when it holds ``graph`` alone and
    every triple in it has the default contexts; else None (rdflib's own path then)."""
    store = graph.store
    if type(store) is not Memory or type(graph) is not Graph:
        return None
    fields: dict[str, Any] = {name: getattr(store, f"_Memory__{name}", None) for name in _FIELDS}
    if any(fields[name] is None for name in _FIELDS if name != "defaultContexts"):
        return None  # another rdflib version: its internals are not these
    if getattr(store.dispatcher, "_dispatch_map", None):
        return None  # someone listens to the store's events
    if fields["tripleContexts"] or any(c is not graph for c in fields["all_contexts"]):
        return None
    if fields["defaultContexts"] not in (None, {context: False, None: False}):
        return None
    return fields


def add_all(graph: Graph, triples: Iterable[Triple]) -> Graph:
    """Add ``triples`` to ``graph`` in order, as ``graph.add`` one by one would; return it."""
    # Memory names a graph context by the class and value of its identifier.
    context = f"{type(graph.identifier).__name__}:{graph.identifier}"
    fields = _memory_fields(graph, context)
    if fields is None:
        graph.addN((s, p, o, graph) for s, p, o in triples)
        return graph
    spo, pos, osp = fields["spo"], fields["pos"], fields["osp"]
    contexts = fields["contextTriples"]
    in_default = contexts[None]
    created = context not in contexts  # Memory makes the context's set at its first triple
    in_graph = contexts.setdefault(context, set())
    added = False
    for triple in triples:
        s, p, o = triple
        objects = spo.setdefault(s, {}).setdefault(p, {})
        if o in objects:
            continue  # already there: Memory.add leaves every index as it was
        objects[o] = 1
        pos.setdefault(p, {}).setdefault(o, {})[s] = 1
        osp.setdefault(o, {}).setdefault(s, {})[p] = 1
        in_default.add(triple)
        in_graph.add(triple)
        added = True
    if added:
        fields["all_contexts"].add(graph)
        fields["context_obj_map"][context] = graph
        if fields["defaultContexts"] is None:
            graph.store._Memory__defaultContexts = {context: False, None: False}  # type: ignore[attr-defined]
    elif created:
        del contexts[context]
    return graph


def clear(graph: Graph) -> None:
    """Empty ``graph`` at once, freeing its triples' memory now.

    rdflib's ``remove`` walks every triple; and a dropped graph is not freed until a full
    collection, since it sits in reference cycles (its namespace manager, its store's set of
    contexts). A ``Memory`` store is set back to new instead: its indexes go by reference
    counting alone. Any other store goes through ``remove``.
    """
    store = graph.store
    if type(store) is Memory:
        store.__init__(identifier=store.identifier)  # type: ignore[misc]
    else:
        graph.remove((None, None, None))


_EMPTY: dict[Node, Any] = {}


class Reader:
    """``graph.objects(s, p)`` and ``graph.value(s, p)`` for many subjects in a row.

    A graph alone in its ``Memory`` store is read from its subject index, which holds the same
    objects in the same order without rdflib's per-triple context bookkeeping (several times
    the cost of the look-up itself); any other graph, and a look-up with no subject, goes
    through rdflib.

    >>> from rdflib import URIRef
    >>> g = Graph().add((URIRef("urn:s"), URIRef("urn:p"), URIRef("urn:o")))
    >>> Reader(g).value(URIRef("urn:s"), URIRef("urn:p"))
    rdflib.term.URIRef('urn:o')
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        context = f"{type(graph.identifier).__name__}:{graph.identifier}"
        fields = _memory_fields(graph, context)
        self._spo: dict[Node, dict[Node, dict[Node, int]]] | None = (
            None if fields is None else fields["spo"]
        )

    def objects(self, subject: Node | None, predicate: Node) -> list[Node]:
        if self._spo is None or subject is None:
            return list(self.graph.objects(subject, predicate))
        return list(self._spo.get(subject, _EMPTY).get(predicate, _EMPTY))

    def value(self, subject: Node | None, predicate: Node) -> Node | None:
        if self._spo is None or subject is None:
            return self.graph.value(subject, predicate)
        objects: dict[Node, int] = self._spo.get(subject, _EMPTY).get(predicate, _EMPTY)
        return next(iter(objects), None)

    def by_subject(self) -> Iterator[tuple[Node, list[tuple[Node, Node]]]]:
        """Every subject with its predicate–object pairs (each subject once, in no set order)."""
        if self._spo is None:
            grouped: dict[Node, list[tuple[Node, Node]]] = {}
            for s, p, o in self.graph:
                grouped.setdefault(s, []).append((p, o))
            yield from grouped.items()
            return
        for subject, pairs in self._spo.items():
            yield subject, [(p, o) for p, objects in pairs.items() for o in objects]


__all__ = ["Batch", "Reader", "Sink", "Triple", "add_all", "clear"]
