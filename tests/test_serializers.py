"""The project's own Turtle, N-Triples and JSON-LD writers: what rdflib reads back is the graph.

They replaced rdflib's serialisers for speed (publishing writes 165,000 files at 300 plans), so
they are held to rdflib's parsers on arbitrary graphs: awkward literals, blank nodes (the
pipeline mints none, but a graph read from elsewhere may have them: shared, cyclic, empty), IRIs
that have and lack prefixed names, nodes owned by others (``…#source``, ``…#source/selector``).
"""

from __future__ import annotations

import posixpath
import random
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from heze_ip_kg.files.keyed import keep_if_same
from heze_ip_kg.publish.describe import description, relative
from heze_ip_kg.rdfio.dump_blocks import serialize_pieces
from heze_ip_kg.rdfio.dumps import serialize
from heze_ip_kg.rdfio.serializers import (
    TripleIndex,
    describe,
    jsonld,
    jsonld_bytes,
    ntriples,
    turtle,
)
from heze_ip_kg.vocab.namespaces import HIP

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
EX = "https://w3id.org/heze-ip-kg/id/"
HIP_NS = str(HIP.Task).removesuffix("Task")
PART, SOURCE = URIRef(HIP_NS + "part"), URIRef(HIP_NS + "source")

texts = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=12
)  # any character but lone surrogates (not encodable in UTF-8)
iris = st.one_of(
    st.sampled_from([EX + "a", EX + "b/c", HIP_NS + "Task", HIP_NS + "x.y", str(RDFS.label)]),
    st.sampled_from([EX + "a#source", EX + "a#source/selector", EX + "a#citation-1"]),
    st.from_regex(r"https://example\.org/[a-z0-9%._~-]{0,8}", fullmatch=True),
    st.builds(lambda s: HIP_NS + s, st.from_regex(r"[a-z0-9._-]{0,6}", fullmatch=True)),
)
literals = st.one_of(
    st.builds(Literal, texts),
    st.builds(
        lambda t, lang: Literal(t, lang=lang), texts, st.sampled_from(["zh", "en", "zh-Hans"])
    ),
    st.builds(lambda i: Literal(i), st.integers(-(10**20), 10**20)),
    st.builds(lambda t: Literal(t, datatype=XSD.string), texts),
    st.builds(lambda b: Literal(b), st.booleans()),
)
blank = st.sampled_from([BNode(f"b{i}") for i in range(6)])
subjects = st.one_of(iris.map(URIRef), blank)
objects = st.one_of(iris.map(URIRef), literals, blank)
triples = st.tuples(subjects, st.sampled_from([RDF.type, RDFS.label, PART, HIP.text]), objects)


def _graph(items: list[tuple[object, object, object]]) -> Graph:
    graph = Graph()
    for triple in items:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


@settings(max_examples=300, deadline=None)
@given(st.lists(triples, max_size=25))
def test_every_format_reads_back_as_the_graph(items: list[tuple[object, object, object]]) -> None:
    graph = _graph(items)
    for ext, fmt in FORMATS.items():
        back = Graph().parse(data=serialize(graph, ext), format=fmt)
        assert isomorphic(back, graph), (ext, serialize(graph, ext).decode())


@settings(max_examples=150, deadline=None)
@given(st.lists(triples, max_size=25), st.randoms())
def test_insertion_order_does_not_change_the_bytes(
    items: list[tuple[object, object, object]], rng: random.Random
) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)
    for ext in FORMATS:
        assert serialize(_graph(items), ext) == serialize(_graph(shuffled), ext)


@settings(max_examples=150, deadline=None)
@given(st.lists(triples, max_size=25), st.integers(1, 4))
def test_a_dump_in_pieces_is_the_dump_written_whole(
    items: list[tuple[object, object, object]], per_piece: int
) -> None:
    index = TripleIndex(_graph(items))
    whole = {
        "ttl": turtle(index).encode(),
        "nt": ntriples(index),
        "jsonld": jsonld_bytes(jsonld(index)),
    }
    for ext, expected in whole.items():
        assert b"".join(serialize_pieces(index, ext, per_piece)) == expected, ext


def test_a_file_written_again_unchanged_is_linked_from_before(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir(), after.mkdir()
    for name, old, new in (("same", b"abc", b"abc"), ("changed", b"abc", b"abd")):
        (before / name).write_bytes(old)
        (after / name).write_bytes(new)
    assert keep_if_same(after / "same", before / "same") is False
    assert (after / "same").stat().st_ino == (before / "same").stat().st_ino
    assert keep_if_same(after / "changed", before / "changed") is True
    assert (after / "changed").read_bytes() == b"abd"
    assert keep_if_same(after / "changed", before / "absent") is True
    assert sorted(p.name for p in after.iterdir()) == ["changed", "same"]


@settings(max_examples=150, deadline=None)
@given(st.lists(triples, max_size=25))
def test_a_description_is_the_concise_bounded_description(
    items: list[tuple[object, object, object]],
) -> None:
    graph = _graph(items)
    index = TripleIndex(graph)
    for subject in {s for s in graph.subjects() if isinstance(s, URIRef)}:
        expected = description(graph, subject)
        for ext, fmt in FORMATS.items():
            back = Graph().parse(data=describe(index, subject, ext), format=fmt)
            assert isomorphic(back, expected), (subject, ext)


def test_a_description_takes_the_nodes_its_subject_owns_as_blocks_of_their_own() -> None:
    task, other = URIRef(EX + "p/task-2"), URIRef(EX + "p/task-3")
    target, selector = URIRef(task + "#source"), URIRef(task + "#source/selector")
    graph = _graph(
        [
            (task, SOURCE, target),
            (target, URIRef(HIP_NS + "hasSelector"), selector),
            (selector, HIP.text, Literal("span")),
            (task, PART, other),  # a resource of its own: named, not described
            (other, RDFS.label, Literal("另一项", lang="zh")),
        ]
    )
    text = describe(TripleIndex(graph), task, "ttl").decode()
    assert "[" not in text  # nothing inline: every node by its IRI
    blocks = [b.split("\n", 1)[0] for b in text.split("\n\n")[1:]]
    assert blocks == [f"<{task}>", f"<{target}>", f"<{selector}>"]
    assert "另一项" not in text
    assert set(Graph().parse(data=text, format="turtle")) == set(description(graph, task))
    assert len(description(graph, task)) == 4


def test_a_cycle_of_blank_nodes_is_written_with_labels() -> None:
    one, two = BNode("one"), BNode("two")
    graph = _graph([(one, PART, two), (two, PART, one), (one, RDFS.label, Literal("x"))])
    for ext, fmt in FORMATS.items():
        assert isomorphic(Graph().parse(data=serialize(graph, ext), format=fmt), graph), ext


def test_an_iri_turtle_cannot_hold_is_refused_by_name() -> None:
    graph = _graph([(URIRef(EX + "a b"), RDFS.label, Literal("x"))])
    with pytest.raises(ValueError, match="a b"):
        serialize(graph, "ttl")


site_paths = st.lists(
    st.sampled_from(["id", "a", "b", "规划", "x y", "index.html"]), min_size=1, max_size=5
).map(lambda parts: "/".join([*parts[:-1], parts[-1] + ".html"]))


@settings(max_examples=500)
@given(site_paths, site_paths)
def test_relative_links_are_what_relpath_gives(from_page: str, to_path: str) -> None:
    expected = posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")
    assert relative(from_page, to_path) == quote(expected, safe="/#")
