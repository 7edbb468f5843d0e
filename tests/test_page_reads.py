"""What a page model reads is noted key by key, and a key's value compared across runs.

``rdfio.reads`` notes the look-ups; ``publish.page_reads`` names the keys so that another run
can find them, and digests their values. These tests build small graphs by hand; the whole
mechanism, against full publications, is in ``test_incremental.py``.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from heze_ip_kg.publish.page_reads import (
    CHANGED,
    CurrentValues,
    PageReads,
    key_text,
    merged_reads,
    text_key,
    unchanged_pages,
)
from heze_ip_kg.publish.pages import PageBuilder
from heze_ip_kg.rdfio.index import TripleIndex
from heze_ip_kg.rdfio.reads import (
    ALWAYS,
    ReadKey,
    ReadLog,
    Remembered,
    TrackedMapping,
    TrackedSet,
)
from heze_ip_kg.vocab.namespaces import DCTERMS, DEFAULT_BASE

A, B, C = (URIRef(f"{DEFAULT_BASE}doc/{name}") for name in "abc")


def _graph(label_of_b: str = "乙") -> Graph:
    graph = Graph()
    graph.add((A, RDFS.label, Literal("甲", lang="zh")))
    graph.add((B, RDFS.label, Literal(label_of_b, lang="zh")))
    graph.add((B, DCTERMS.isPartOf, A))
    graph.add((C, DCTERMS.isPartOf, A))
    return graph


def _builder(graph: Graph) -> PageBuilder:
    return PageBuilder(TripleIndex(graph), DEFAULT_BASE, texts={}, source_files={})


def test_a_remembered_answer_replays_what_computing_it_read() -> None:
    log = ReadLog()
    memo: Remembered[str, str] = Remembered(log)
    calls = []

    def compute(node: URIRef) -> str:
        calls.append(node)
        log.note(("f", node))
        return "甲"

    log.current = set()
    assert memo.get("key", compute, A) == "甲"
    log.current = set()  # the next page
    assert memo.get("key", compute, A) == "甲"
    assert log.current == {("f", A)}  # read again, through the remembered answer
    assert calls == [A]


def test_an_answer_remembered_unnoted_is_computed_again_when_noting() -> None:
    log = ReadLog()
    memo: Remembered[str, int] = Remembered(log)
    calls = []

    def compute() -> int:
        calls.append(1)
        log.note(("f", B))
        return 1

    assert memo.get("key", compute) == 1  # nothing noted: remembered plainly
    assert memo.get("key", compute) == 1
    assert len(calls) == 1
    log.current = set()
    assert memo.get("key", compute) == 1  # the keys it read are not known: computed again
    assert log.current == {("f", B)}
    assert len(calls) == 2


def test_tracked_views_note_look_ups_and_whole_reads() -> None:
    log = ReadLog()
    log.current = set()
    mapping = TrackedMapping({A: 1}, "d", log)
    assert mapping.get(A) == 1
    assert B not in mapping
    assert mapping[A] == 1
    assert log.current == {("d", A), ("d", B)}
    members = TrackedSet(frozenset({"x"}), "w", log)
    assert "x" in members
    assert ("w", "x") in log.current
    log.current = set()
    assert list(mapping) == [A]
    assert log.current == {ALWAYS}  # a page that iterates depends on every entry
    log.current = set()
    assert len(members) == 1
    assert log.current == {ALWAYS}


def test_an_index_notes_its_look_ups_only_while_tracked() -> None:
    index = TripleIndex(_graph())
    index.inverses([DCTERMS.isPartOf])
    with index.tracked() as log:
        assert index.value(B, RDFS.label) == Literal("乙", lang="zh")
        assert index.subjects(DCTERMS.isPartOf, A) == [B, C]
        assert log.current == {("f", B), ("i", DCTERMS.isPartOf, A)}
        log.current = set()
        index.inverse(DCTERMS.isPartOf)
        assert log.current == {ALWAYS}
    assert index.reads.current is None
    assert isinstance(index.forward, dict)  # the plain index again


@pytest.mark.parametrize(
    "key",
    [
        ("f", A),
        ("i", DCTERMS.isPartOf, A),
        ("i", RDFS.label, Literal("甲", lang="zh")),
        ("i", RDFS.label, Literal("1", datatype=XSD.integer)),
        ("a", (A, B)),
        ("t", f"{DEFAULT_BASE}doc/a/source"),
    ],
)
def test_a_key_is_named_and_found_again(key: ReadKey) -> None:
    text = key_text(key)
    assert text is not None
    assert text_key(text) == key
    assert type(text) is str  # not a URIRef ("U" + URIRef is one), which no str equals


def test_a_key_that_cannot_be_named_is_not() -> None:
    assert key_text(("f", BNode())) is None
    assert key_text(("f", URIRef(f"{DEFAULT_BASE}a\x1fb"))) is None  # a separator in it
    assert key_text(ALWAYS) == "*"


def test_a_digest_changes_with_the_value_read_and_only_then() -> None:
    before, after = CurrentValues(_builder(_graph())), CurrentValues(_builder(_graph("乙二")))
    texts = {
        name: key_text(key) or ""
        for name, key in {
            "b": ("f", B),
            "a": ("f", A),
            "parts": ("i", DCTERMS.isPartOf, A),
            "no parts": ("i", DCTERMS.isPartOf, B),
            "nobody": ("f", URIRef(f"{DEFAULT_BASE}doc/nobody")),
            "page": ("w", str(B)),
            "no page": ("w", f"{DEFAULT_BASE}doc/nobody"),
        }.items()
    }
    assert before.digest(texts["b"]) != after.digest(texts["b"])  # its label changed
    for name in ("a", "parts", "no parts", "nobody", "page", "no page"):
        assert before.digest(texts[name]) == after.digest(texts[name]) != CHANGED, name
    assert before.digest(texts["nobody"]) != before.digest(texts["a"])
    assert before.digest(texts["page"]) != before.digest(texts["no page"])
    assert before.digest("*") == CHANGED


def test_pages_whose_keys_kept_their_values_are_unchanged() -> None:
    before = CurrentValues(_builder(_graph()))
    built = {
        str(A): [key_text(("f", A)) or "", key_text(("i", DCTERMS.isPartOf, A)) or ""],
        str(B): [key_text(("f", B)) or ""],
        str(C): [key_text(("f", C)) or "", "*"],
    }
    record = merged_reads(None, [], built, [], before)
    assert record.keys == sorted(record.keys)
    again = PageReads.from_json(record.to_json())
    assert again == record
    after = CurrentValues(_builder(_graph("乙二")))
    unchanged, now = unchanged_pages(record, after)
    assert unchanged == {str(A)}  # B's label changed; C read the whole of something
    rebuilt = {str(B): built[str(B)], str(C): built[str(C)]}
    merged = merged_reads(record, now, rebuilt, [str(A)], after)
    assert merged.keys == record.keys  # the same keys, kept with their numbers
    assert merged.pages == record.pages
    assert unchanged_pages(merged, after)[0] == {str(A), str(B)}
