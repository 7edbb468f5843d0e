"""The patch that turns a server's copy of a graph into ours (``heze_ip_kg.query.graph_patch``).

Our graph has no blank nodes, so the patch is a set difference of N-Triples lines. The oracle
is an Oxigraph store: the server's document is loaded into it, the patch is run there as the
SPARQL Update we send, and what the store then holds must be exactly our graph.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heze_ip_kg.query.graph_patch import diff_ntriples

GRAPH = "https://example.org/g"
NT = pyoxigraph.RdfFormat.N_TRIPLES


def patched(server: bytes, ours: bytes) -> set[bytes]:
    """The lines a store holding ``server`` holds after the patch towards ``ours``."""
    store = pyoxigraph.Store()
    store.bulk_load(server, format=NT, to_graph=pyoxigraph.NamedNode(GRAPH))
    patch = diff_ntriples(server, ours)
    assert patch is not None
    if not patch.empty:
        store.update(patch.to_update(GRAPH))
    dumped = store.dump(format=NT, from_graph=pyoxigraph.NamedNode(GRAPH))
    assert dumped is not None
    return set(dumped.splitlines())


# A task, its place in the source and a citation, named as vocab.owned names them.
T = b"<https://x.org/id/p/task-2"
OLD = b"".join(
    line + b"\n"
    for line in [
        T + b'> <x:label> "stays" .',
        T + b'> <x:p> "1" .',
        T + b"> <x:citation> " + T + b"#citation-aaa> .",
        T + b'#citation-aaa> <x:quote> "old quote" .',
        T + b"#citation-aaa> <x:source> " + T + b"#citation-aaa/source> .",
        T + b'#citation-aaa/source> <x:start> "3" .',
        T + b"> <x:source> " + T + b"#source> .",
        T + b'#source> <x:start> "10" .',
    ]
)


def test_unchanged_graph_gives_an_empty_patch() -> None:
    patch = diff_ntriples(OLD, OLD)
    assert patch is not None
    assert patch.empty
    assert patch.writes == 0


def test_changed_lines_are_deleted_and_inserted() -> None:
    new = OLD.replace(b'<x:p> "1" .', b'<x:p> "2" .')
    patch = diff_ntriples(OLD, new)
    assert patch is not None
    assert (patch.delete, patch.insert) == ((T + b'> <x:p> "1" .',), (T + b'> <x:p> "2" .',))


def test_a_changed_citation_removes_exactly_its_old_triples() -> None:
    """A citation whose quote changed has a new IRI: its old triples go, nothing else does."""
    new = OLD.replace(b"citation-aaa", b"citation-bbb").replace(b"old quote", b"new quote")
    patch = diff_ntriples(OLD, new)
    assert patch is not None
    old_citation = {line for line in OLD.splitlines() if b"citation-aaa" in line}
    assert set(patch.delete) == old_citation
    assert len(old_citation) == 4
    assert set(patch.insert) == {line for line in new.splitlines() if b"citation-bbb" in line}
    assert patched(OLD, new) == set(new.splitlines())


def test_a_changed_offset_is_one_line_out_and_one_in() -> None:
    new = OLD.replace(b'#source> <x:start> "10"', b'#source> <x:start> "11"')
    patch = diff_ntriples(OLD, new)
    assert patch is not None
    assert patch.delete == (T + b'#source> <x:start> "10" .',)
    assert patch.insert == (T + b'#source> <x:start> "11" .',)
    assert patched(OLD, new) == set(new.splitlines())


def test_blank_node_text_inside_a_literal_is_an_ordinary_line() -> None:
    ours = OLD + b'<x:a> <x:note> "see _:c1 and _:s1" .\n'
    patch = diff_ntriples(OLD, ours)
    assert patch is not None
    assert patch.insert == (b'<x:a> <x:note> "see _:c1 and _:s1" .',)
    assert patch.delete == ()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(b"<x:a> <x:p> _:b .\n", id="blank object"),
        pytest.param(b'_:b <x:p> "alone" .\n', id="blank subject"),
    ],
)
def test_a_side_with_blank_nodes_gives_no_patch(document: bytes) -> None:
    assert diff_ntriples(document, OLD) is None
    assert diff_ntriples(OLD, document) is None


def test_the_update_is_the_same_text_for_the_same_inputs() -> None:
    new = OLD.replace(b'"3"', b'"5"').replace(b'"1"', b'"0"')
    first, second = diff_ntriples(OLD, new), diff_ntriples(OLD, new)
    assert first is not None
    assert second is not None
    assert first.to_update(GRAPH) == second.to_update(GRAPH)
    assert first.to_update(GRAPH).startswith(f"DELETE DATA {{ GRAPH <{GRAPH}> {{")


# --- random graphs ----------------------------------------------------------------------------

SUBJECTS = [f"<x:r{i}>".encode() for i in range(3)] + [b"<x:r0#source>", b"<x:r0#source/s>"]
PREDICATES = [f"<x:p{i}>".encode() for i in range(3)]
OBJECTS = [
    b'"a"',
    b'"b c"',
    b'"_:n1 in text"',
    b"<x:r0>",
    b"<x:r0#source>",
    b'"7"^^<http://www.w3.org/2001/XMLSchema#integer>',
]
lines = st.builds(
    lambda s, p, o: b"%s %s %s ." % (s, p, o),
    st.sampled_from(SUBJECTS),
    st.sampled_from(PREDICATES),
    st.sampled_from(OBJECTS),
)
documents = st.lists(lines, max_size=30).map(lambda ls: b"".join(x + b"\n" for x in ls))


@settings(max_examples=150, deadline=None)
@given(documents, documents)
def test_the_patched_store_holds_exactly_our_graph(server: bytes, ours: bytes) -> None:
    assert patched(server, ours) == set(ours.splitlines())
    again = diff_ntriples(ours, ours)
    assert again is not None
    assert again.empty  # a second load of the same graph writes nothing
