"""The patch that turns a server's copy of a graph into ours (``heze_ip_kg.query.graph_patch``).

The oracle is an Oxigraph store: the server's document is loaded into it and dumped (so blank
nodes are relabelled, as a server does), the patch is run there as the SPARQL Update we send,
and what the store then holds must be our graph, blank nodes and all.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from heze_ip_kg.query.graph_patch import MAX_DEPTH, diff_ntriples

GRAPH = "https://example.org/g"
NT = pyoxigraph.RdfFormat.N_TRIPLES


def as_served(document: bytes) -> bytes:
    """``document`` loaded into a named graph of a store, and dumped back as a server would."""
    store = pyoxigraph.Store()
    store.bulk_load(document, format=NT, to_graph=pyoxigraph.NamedNode(GRAPH))
    dumped = store.dump(format=NT, from_graph=pyoxigraph.NamedNode(GRAPH))
    assert dumped is not None
    return dumped


def patched(server: bytes, ours: bytes) -> bytes:
    """What a store holding ``server`` holds after the patch towards ``ours``."""
    store = pyoxigraph.Store()
    store.bulk_load(server, format=NT, to_graph=pyoxigraph.NamedNode(GRAPH))
    patch = diff_ntriples(server, ours)
    assert patch is not None
    if not patch.empty:
        store.update(patch.to_update(GRAPH))
    dumped = store.dump(format=NT, from_graph=pyoxigraph.NamedNode(GRAPH))
    assert dumped is not None
    return dumped


def same_graph(a: bytes, b: bytes) -> bool:
    return isomorphic(Graph().parse(data=a, format="nt"), Graph().parse(data=b, format="nt"))


OLD = b"""<x:a> <x:p> "1" .
<x:a> <x:label> "stays" .
<x:a> <x:cites> _:c1 .
_:c1 <x:quote> "q" .
_:c1 <x:at> _:s1 .
_:s1 <x:start> "3" .
<x:b> <x:cites> _:c2 .
_:c2 <x:quote> "unchanged" .
"""


def test_unchanged_graph_gives_an_empty_patch_whatever_the_blank_labels() -> None:
    patch = diff_ntriples(as_served(OLD), OLD)
    assert patch is not None
    assert patch.empty
    assert patch.writes == 0


def test_changed_lines_are_deleted_and_inserted() -> None:
    new = OLD.replace(b'<x:a> <x:p> "1" .', b'<x:a> <x:p> "2" .')
    patch = diff_ntriples(as_served(OLD), new)
    assert patch is not None
    assert (patch.delete, patch.insert, patch.prune) == (
        (b'<x:a> <x:p> "1" .',),
        (b'<x:a> <x:p> "2" .',),
        (),
    )


def test_a_changed_tree_replaces_every_tree_of_its_iri_and_no_other() -> None:
    new = OLD.replace(b'_:s1 <x:start> "3" .', b'_:s1 <x:start> "4" .')
    patch = diff_ntriples(as_served(OLD), new)
    assert patch is not None
    assert patch.delete == ()
    assert patch.prune == ((b"<x:a>", 2),)  # two levels of blank nodes below <x:a>
    assert patch.pruned_triples == 4
    assert sorted(patch.insert) == sorted(
        [
            b"<x:a> <x:cites> _:c1 .",
            b'_:c1 <x:quote> "q" .',
            b"_:c1 <x:at> _:s1 .",
            b'_:s1 <x:start> "4" .',
        ]
    )
    assert same_graph(patched(as_served(OLD), new), new)


def test_one_of_two_identical_trees_removed() -> None:
    server = b'<x:a> <x:cites> _:x .\n_:x <x:q> "v" .\n<x:a> <x:cites> _:y .\n_:y <x:q> "v" .\n'
    ours = b'<x:a> <x:cites> _:z .\n_:z <x:q> "v" .\n'
    assert same_graph(patched(as_served(server), ours), ours)


def test_blank_node_text_inside_a_literal_is_an_ordinary_line() -> None:
    ours = OLD + b'<x:a> <x:note> "see _:c1 and _:s1" .\n'
    patch = diff_ntriples(as_served(OLD), ours)
    assert patch is not None
    assert patch.insert == (b'<x:a> <x:note> "see _:c1 and _:s1" .',)
    assert patch.prune == ()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b"<x:a> <x:p> _:b .\n<x:c> <x:p> _:b .\n", id="blank node used twice"),
        pytest.param(b'_:b <x:p> "alone" .\n', id="blank node nothing points to"),
        pytest.param(b"<x:a> <x:p> _:b .\n_:b <x:p> _:c .\n_:c <x:p> _:b .\n", id="cycle"),
        pytest.param(
            b"<x:a> <x:p> _:b0 .\n"
            + b"".join(b"_:b%d <x:p> _:b%d .\n" % (i, i + 1) for i in range(MAX_DEPTH)),
            id="deeper than MAX_DEPTH",
        ),
    ],
)
def test_graphs_that_are_not_trees_give_no_patch(document: bytes) -> None:
    assert diff_ntriples(document, OLD) is None
    assert diff_ntriples(OLD, document) is None


def test_the_update_is_the_same_text_for_the_same_inputs() -> None:
    new = OLD.replace(b'"3"', b'"5"').replace(b'"1"', b'"0"')
    first, second = diff_ntriples(OLD, new), diff_ntriples(OLD, new)
    assert first is not None
    assert second is not None
    assert first.to_update(GRAPH) == second.to_update(GRAPH)


# --- random graphs ----------------------------------------------------------------------------

ROOTS = [f"<x:r{i}>".encode() for i in range(3)]
PREDICATES = [f"<x:p{i}>".encode() for i in range(3)]
OBJECTS = [
    b'"a"',
    b'"b c"',
    b'"_:n1 in text"',
    b"<x:r0>",
    b'"7"^^<http://www.w3.org/2001/XMLSchema#integer>',
]


@st.composite
def documents(draw: st.DrawFn, prefix: str) -> bytes:
    """A small N-Triples document of IRIs with plain triples and trees of blank nodes."""
    lines: list[bytes] = []
    labels = iter(range(1000))

    def tree(depth: int) -> bytes:
        label = f"_:{prefix}{next(labels)}".encode()
        for _ in range(draw(st.integers(0, 2))):
            predicate = draw(st.sampled_from(PREDICATES))
            if depth < 3 and draw(st.booleans()):
                lines.append(b"%s %s %s ." % (label, predicate, tree(depth + 1)))
            else:
                lines.append(b"%s %s %s ." % (label, predicate, draw(st.sampled_from(OBJECTS))))
        return label

    for root in ROOTS:
        for _ in range(draw(st.integers(0, 3))):
            predicate, obj = draw(st.sampled_from(PREDICATES)), draw(st.sampled_from(OBJECTS))
            lines.append(b"%s %s %s ." % (root, predicate, obj))
        for _ in range(draw(st.integers(0, 2))):
            lines.append(b"%s %s %s ." % (root, draw(st.sampled_from(PREDICATES)), tree(1)))
    return b"".join(line + b"\n" for line in lines)


@settings(max_examples=150, deadline=None)
@given(documents("s"), documents("o"))
def test_the_patched_store_holds_exactly_our_graph(server: bytes, ours: bytes) -> None:
    served = as_served(server)
    assert same_graph(patched(served, ours), ours)
    again = diff_ntriples(as_served(ours), ours)
    assert again is not None
    assert again.empty  # a second load of the same graph writes nothing


def test_pruning_a_tree_leaves_the_iris_it_points_to_alone() -> None:
    server = (
        b"<x:a> <x:cites> _:c .\n_:c <x:at> _:s .\n_:c <x:about> <x:b> .\n<x:b> <x:p> <x:q> .\n"
    )
    ours = b"<x:a> <x:cites> _:c .\n_:c <x:about> <x:b> .\n<x:b> <x:p> <x:q> .\n"
    assert same_graph(patched(as_served(server), ours), ours)
