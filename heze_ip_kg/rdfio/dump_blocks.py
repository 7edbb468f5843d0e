"""A dump as its parts: the subjects in output order, each one's block of text, and the head
and tail around them.

A dump in any of the three formats is ``head + sep.join(blocks) + tail``, where the block of a
subject depends on that subject's predicate–object pairs alone, and the head on the prefixes the
blocks use (Turtle's ``@prefix`` lines, JSON-LD's ``@context``). So a dump can be written a run
of subjects at a time, and a run whose subjects hold what they held before has the bytes it had
(``publish.dump_pieces`` copies such runs from the previous publication's dumps).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from rdflib.term import Node

from heze_ip_kg.rdfio.index import TripleIndex
from heze_ip_kg.rdfio.serializers import NAMESPACES, JsonLdWriter, TurtleWriter, remembered_terms

SEPARATORS = {"nt": "", "ttl": "\n", "jsonld": ",\n"}


class DumpBlocks:
    """The parts of ``index``'s dump in format ``fmt`` (``nt``, ``ttl`` or ``jsonld``)."""

    def __init__(self, index: TripleIndex, fmt: str) -> None:
        if fmt not in SEPARATORS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(SEPARATORS)}")
        self.index, self.fmt, self.sep = index, fmt, SEPARATORS[fmt]
        self._term = remembered_terms()
        self._turtle = TurtleWriter(index, ()) if fmt == "ttl" else None
        self._jsonld = JsonLdWriter(index, ()) if fmt == "jsonld" else None

    def subjects(self) -> list[Node]:
        """Every subject, in the dump's order: N-Triples sorts its lines, so its subjects come
        in the order of their written term (no term followed by its space starts another);
        Turtle and JSON-LD in ``TripleIndex.roots`` order."""
        if self.fmt == "nt":
            term = self._term
            return sorted(self.index.forward, key=lambda s: term(s) + " ")
        return self.index.roots()

    def block(self, subject: Node) -> str:
        """The text of ``subject``'s triples."""
        if self._turtle is not None:
            return self._turtle.block(subject)
        if self._jsonld is not None:
            node = self._jsonld.node(subject, named=True)
            return json.dumps(node, ensure_ascii=False)
        term = self._term
        head = term(subject)
        return "".join(
            sorted({f"{head} {term(p)} {term(o)} .\n" for p, o in self.index.forward[subject]})
        )

    def text(self, subjects: Sequence[Node], first: bool) -> str:
        """The blocks of ``subjects`` with their separators (and one before them, unless they
        are the ``first`` of the dump)."""
        blocks = self.sep.join(map(self.block, subjects))
        return blocks if first or not subjects else self.sep + blocks

    def prefixes(self, subjects: Iterable[Node]) -> frozenset[str]:
        """The prefixes the blocks of ``subjects`` use."""
        writer = self._turtle or self._jsonld
        if writer is None:
            return frozenset()
        writer.roots, writer.used = list(subjects), set()
        writer.mark_prefixes()
        return frozenset(writer.used)

    def head(self, prefixes: Iterable[str], any_blocks: bool) -> str:
        """What comes before the blocks, declaring ``prefixes``."""
        used = set(prefixes)
        if self.fmt == "ttl":
            return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in NAMESPACES if p in used) + "\n"
        if self.fmt == "jsonld":
            context = {p: ns for p, ns in NAMESPACES if p in used}
            head = f"{{{json.dumps('@context')}: {json.dumps(context, ensure_ascii=False)},\n"
            return head + ('"@graph": [\n' if any_blocks else '"@graph": []')
        return ""

    def tail(self, any_blocks: bool) -> str:
        """What comes after the blocks."""
        if self.fmt == "jsonld":
            return "\n]}\n" if any_blocks else "}\n"
        return ""


def serialize_index(index: TripleIndex, fmt: str) -> bytes:
    """The whole indexed graph as ``ttl``, ``nt`` or ``jsonld`` bytes."""
    return b"".join(serialize_pieces(index, fmt))


def serialize_pieces(index: TripleIndex, fmt: str, per_piece: int = 4096) -> Iterator[bytes]:
    """``serialize_index``'s bytes in pieces (``per_piece`` blocks each), so that a dump can be
    written and gzipped as it goes: a national graph's dump is never held whole as text and
    again as bytes, nor its JSON-LD as one tree of dictionaries."""
    blocks = DumpBlocks(index, fmt)
    subjects = blocks.subjects()
    # The head names the prefixes used: a first pass notes them, the second writes the blocks.
    yield blocks.head(blocks.prefixes(subjects), bool(subjects)).encode("utf-8")
    for start in range(0, len(subjects), per_piece):
        run = subjects[start : start + per_piece]
        yield blocks.text(run, first=start == 0).encode("utf-8")
    yield blocks.tail(bool(subjects)).encode("utf-8")


__all__ = ["SEPARATORS", "DumpBlocks", "serialize_index", "serialize_pieces"]
