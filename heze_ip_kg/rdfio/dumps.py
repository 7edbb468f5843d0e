"""Deterministic serialisation of a graph, and the dumps written as one folder.

The writers are ``rdfio.serializers``: subjects, predicates and objects in sorted order, so
the same graph always gives the same bytes (rdflib's own order can depend on hash seeds).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.atomic import atomic_directory
from heze_ip_kg.rdfio.dump_blocks import serialize_index
from heze_ip_kg.rdfio.serializers import TripleIndex, ntriples_term

DUMP_NAME = "heze-ip-kg"
FORMATS: Mapping[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
CHUNK_SUBJECTS = 20_000  # subjects per piece a store reads: a few MB each


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` as ``ttl``, ``nt`` or ``jsonld`` bytes, identical for identical graphs."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return serialize_index(TripleIndex(graph), fmt)


def store_ntriples(graph: Graph) -> bytes:
    """``graph`` as N-Triples grouped by subject, unsorted, for loading into a store.

    An embedded store needs no order, and sorting was half its load time in the benchmark; dumps
    that people download stay sorted (:func:`serialize`), and so does what a server is sent
    (Oxigraph server takes sorted input markedly faster). The bytes are
    :func:`store_ntriples_chunks` joined.
    """
    return b"".join(store_ntriples_chunks(graph))


def store_ntriples_chunks(graph: Graph, subjects: int = CHUNK_SUBJECTS) -> Iterator[bytes]:
    """:func:`store_ntriples` in pieces of ``subjects`` subjects each, made as they are read.

    A store reads them as a stream (:class:`ChunkReader`), so loading a large graph never holds
    its whole N-Triples text: at 1,000 plans that text and its lines were over a GiB at once.
    A graph alone in rdflib's ``Memory`` store is written by walking the store's subject index,
    faster than rdflib's N-Triples writer (which iterates the triples' set, with their contexts,
    one by one), and the triples of a subject together load faster too. Any other graph goes
    through rdflib's writer, in one piece. An IRI that N-Triples cannot hold is a ``ValueError``
    naming it (rdflib refuses it too).
    """
    index = _subject_index(graph)
    if index is None:
        yield graph.serialize(format="nt", encoding="utf-8")
        return
    cache: dict[Node, str] = {}
    lines: list[str] = []
    count = 0
    for subject, predicates in index.items():
        head = ntriples_term(subject)
        for predicate, objects in predicates.items():
            middle = cache.get(predicate)
            if middle is None:
                middle = cache[predicate] = ntriples_term(predicate)
            start = f"{head} {middle} "
            for obj in objects:
                text = cache.get(obj)
                if text is None:
                    text = cache[obj] = ntriples_term(obj)
                lines.append(f"{start}{text} .\n")
        count += 1
        if count == subjects:
            yield "".join(lines).encode("utf-8")
            lines, count = [], 0
    if lines:
        yield "".join(lines).encode("utf-8")


class ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte strings: what a parser reads as a stream."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _subject_index(graph: Graph) -> Mapping[Node, Mapping[Node, Mapping[Node, int]]] | None:
    """The subject → predicate → object index of ``graph``'s store, if it holds only ``graph``."""
    store = graph.store
    if type(store) is not Memory or type(graph) is not Graph:
        return None
    if any(context is not graph for context in store.contexts()):
        return None  # the store is shared: its index holds other graphs' triples too
    index: Mapping[Node, Mapping[Node, Mapping[Node, int]]] | None = getattr(
        store, "_Memory__spo", None
    )  # rdflib's private name; absent in another version, and then rdflib writes
    return index


def write_dumps(graph: Graph, out_dir: Path, name: str = DUMP_NAME) -> list[Path]:
    """Write ``name.{ttl,nt,jsonld}`` as the whole folder ``out_dir``, in one atomic step."""
    with atomic_directory(out_dir) as staging:
        for ext in FORMATS:
            (staging / f"{name}.{ext}").write_bytes(serialize(graph, ext))
    return [out_dir / f"{name}.{ext}" for ext in FORMATS]


# The RDF formats a graph file may be in, by its name; anything else is refused, naming them.
RDF_SUFFIXES = {
    ".ttl": ("turtle", "Turtle"),
    ".nt": ("nt", "N-Triples"),
    ".jsonld": ("json-ld", "JSON-LD"),
    ".rdf": ("xml", "RDF/XML"),
    ".owl": ("xml", "RDF/XML"),
    ".nq": ("nquads", "N-Quads"),
    ".trig": ("trig", "TriG"),
}


def read_graphs(paths: tuple[Path, ...]) -> Graph:
    """The triples of every file, read by the format its name gives; a bad file is one line."""
    graph = Graph()
    for path in paths:
        fmt, name = RDF_SUFFIXES.get(path.suffix.lower(), (None, ""))
        if fmt is None:
            known = ", ".join(sorted(RDF_SUFFIXES))
            raise InputError(
                f"cannot tell its RDF format from the name: use one of {known}", file=str(path)
            )
        try:
            graph.parse(path, format=fmt)
        except Exception as err:  # rdflib raises many parser error types
            why = getattr(err, "_why", None)  # Turtle's BadSyntax: the reason and its line
            line = getattr(err, "lines", None)
            detail = str(why) if why else " ".join(str(err).split()) or type(err).__name__
            raise InputError(
                f"not valid {name}: {detail}",
                file=str(path),
                line=line + 1 if isinstance(line, int) and why else None,
            ) from None
    return graph


__all__ = [
    "DUMP_NAME",
    "FORMATS",
    "RDF_SUFFIXES",
    "ChunkReader",
    "read_graphs",
    "serialize",
    "store_ntriples",
    "store_ntriples_chunks",
    "write_dumps",
]
