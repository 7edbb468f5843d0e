"""``add_all`` leaves rdflib's store exactly as the same ``Graph.add`` calls would."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from heze_ip_kg.vocab.triples import Batch, Reader, Triple, add_all


def _triples() -> list[Triple]:
    s = [URIRef(f"urn:s{i}") for i in range(5)]
    p = [URIRef(f"urn:p{i}") for i in range(3)]
    found: list[Triple] = []
    for i in range(60):
        obj: Any = Literal(i % 7) if i % 2 else s[i % 5]
        found.append((s[(i * 3) % 5], p[i % 3], obj))
    found.append((BNode("b1"), p[0], Literal("x", lang="zh")))
    return found + found[:10]  # some triples twice


def _state(graph: Graph) -> list[Any]:
    """Every private index of the Memory store, in its order (the dumps walk ``spo``)."""
    store = graph.store
    names = ("spo", "pos", "osp", "tripleContexts", "defaultContexts")
    state: list[Any] = [repr(getattr(store, f"_Memory__{name}")) for name in names]
    contexts = store._Memory__contextTriples  # type: ignore[attr-defined]
    state.append({key: sorted(map(repr, value)) for key, value in contexts.items()})
    state.append(store._Memory__all_contexts == {graph})  # type: ignore[attr-defined]
    state.append(sorted(store._Memory__context_obj_map))  # type: ignore[attr-defined]
    return state


@pytest.mark.parametrize("split", [0, 1, 30, 70, 71])
def test_add_all_matches_graph_add(split: int) -> None:
    triples = _triples()
    one_by_one = Graph(identifier=URIRef("urn:g"))
    for triple in triples:
        one_by_one.add(triple)
    bulk = Graph(identifier=URIRef("urn:g"))
    for triple in triples[:split]:  # a graph that already holds triples added the usual way
        bulk.add(triple)
    batch = Batch()
    for triple in triples[split:]:
        batch.add(triple)
    add_all(bulk, batch)
    assert _state(bulk) == _state(one_by_one)
    add_all(bulk, [])  # nothing to add: nothing changes
    assert _state(bulk) == _state(one_by_one)
    assert len(bulk) == len(set(triples))
    assert set(bulk.triples((None, URIRef("urn:p0"), None))) == set(
        one_by_one.triples((None, URIRef("urn:p0"), None))
    )


def test_add_all_of_nothing_leaves_an_empty_store_as_it_was() -> None:
    graph = Graph(identifier=URIRef("urn:g"))
    add_all(graph, [])
    assert _state(graph) == _state(Graph(identifier=URIRef("urn:g")))


def test_add_all_on_a_shared_store_goes_through_rdflib() -> None:
    dataset = Dataset()
    first, second = dataset.graph(URIRef("urn:a")), dataset.graph(URIRef("urn:b"))
    triples = _triples()
    first.add(triples[0])
    add_all(second, triples)
    assert set(second) == set(triples)
    assert set(first) == {triples[0]}


@pytest.mark.parametrize("shared", [False, True], ids=["alone", "shared-store"])
def test_reader_gives_what_rdflib_gives(shared: bool) -> None:
    graph = Graph()
    if shared:  # another graph's triples in the same store
        dataset = Dataset()
        dataset.graph(URIRef("urn:other")).add((URIRef("urn:s0"), URIRef("urn:p0"), Literal(0.5)))
        graph = dataset.graph(URIRef("urn:g"))
    add_all(graph, _triples())
    read = Reader(graph)
    assert (read._spo is None) is shared  # the fast path only where the graph is alone
    nodes = {node for triple in _triples() for node in triple} | {URIRef("urn:absent")}
    for subject in [*sorted(nodes, key=str), None]:
        for predicate in (URIRef("urn:p0"), URIRef("urn:p1"), URIRef("urn:absent")):
            assert read.objects(subject, predicate) == list(graph.objects(subject, predicate))
            assert read.value(subject, predicate) == graph.value(subject, predicate)
    grouped = list(read.by_subject())
    assert len({s for s, _ in grouped}) == len(grouped)  # each subject once
    assert sorted((s, p, o) for s, pairs in grouped for p, o in pairs) == sorted(graph)


@pytest.mark.parametrize("shared", [False, True])
def test_clear_empties_a_graph_and_frees_its_triples_at_once(shared: bool) -> None:
    import gc
    import sys

    from heze_ip_kg.vocab.triples import clear

    graph = Dataset().graph(URIRef("urn:g")) if shared else Graph()
    subject = URIRef("urn:s-cleared")
    add_all(graph, [(subject, URIRef("urn:p"), Literal(1)), *_triples()])
    held = sys.getrefcount(subject)  # this frame's, and the store's indexes'
    gc.disable()  # freed by reference counting alone, not by a collection
    try:
        clear(graph)
        assert sys.getrefcount(subject) <= held - 3  # spo, osp and the triple's tuple let go
        assert len(graph) == 0
        assert list(graph.triples((subject, None, None))) == []
        graph.add((subject, URIRef("urn:p"), Literal(2)))  # still a working graph
        assert len(graph) == 1
    finally:
        gc.enable()
