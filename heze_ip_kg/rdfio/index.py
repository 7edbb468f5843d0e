"""The graph as the publisher reads it: every subject's predicate–object pairs, sorted.

One index is built per graph; the writers (``rdfio.serializers``) and the site's pages read it
at dictionary speed instead of asking rdflib's store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from heze_ip_kg.rdfio.reads import ALWAYS, ReadLog, TrackedMapping
from heze_ip_kg.vocab.owned import is_owned
from heze_ip_kg.vocab.triples import Reader

PredicateObjects = list[tuple[URIRef, Node]]
_TYPE = RDF.type


def term_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "")
    if isinstance(term, BNode):
        return (1, str(term), "")
    assert isinstance(term, Literal)
    return (2, str(term), term.language or str(term.datatype or ""))


class TripleIndex:
    """Every subject's predicate–object pairs, sorted; inverse look-ups built on demand.

    It answers the few questions the publisher asks (``value``, ``objects``, ``subjects``) at
    dictionary speed, and is what the writers below walk. Inside ``tracked`` every look-up is
    noted in ``reads`` (``rdfio.reads``): "f" a subject's pairs, "i" an inverse look-up.
    """

    def __init__(self, graph: Graph) -> None:
        forward: dict[Node, PredicateObjects] = {}
        # One object per distinct predicate, so look-ups compare by identity: rdflib's __eq__
        # is a Python method, and the pages call it millions of times.
        canonical: dict[Node, URIRef] = {_TYPE: _TYPE}
        # Read by subject from rdflib's own index (``Reader``): iterating a graph costs several
        # times more, in rdflib's bookkeeping of each triple's contexts.
        for subject, found in Reader(graph).by_subject():
            pairs = [(canonical.setdefault(p, p), o) for p, o in found]  # type: ignore[arg-type]
            pairs.sort(key=lambda po: (po[0] is not _TYPE, str(po[0]), term_key(po[1])))
            forward[subject] = pairs
        self.forward: Mapping[Node, PredicateObjects] = forward
        self._all = forward  # never tracked: what the index computes of the whole graph
        self.reads = ReadLog()
        self._canonical = canonical
        self._inverse: dict[URIRef, dict[Node, list[Node]]] = {}
        self.curies: dict[str, tuple[str, str] | None] = {}  # IRI → (prefix, CURIE), see _Writer

    @property
    def untracked(self) -> Mapping[Node, PredicateObjects]:
        """The subjects' pairs, looked up without being noted (even inside ``tracked``)."""
        return self._all

    def __len__(self) -> int:
        self.reads.note(ALWAYS)
        return sum(len(pairs) for pairs in self._all.values())

    def objects(self, subject: Node, predicate: URIRef) -> list[Node]:
        predicate = self._canonical.get(predicate)  # type: ignore[assignment]
        return [o for p, o in self.forward.get(subject, ()) if p is predicate]

    def value(self, subject: Node, predicate: URIRef) -> Node | None:
        predicate = self._canonical.get(predicate)  # type: ignore[assignment]
        for p, o in self.forward.get(subject, ()):  # a loop, not next(genexpr): called per name
            if p is predicate:
                return o
        return None

    def subjects(self, predicate: URIRef, obj: Node) -> list[Node]:
        self.reads.note(("i", predicate, obj))
        if predicate not in self._inverse:
            self.inverses([predicate])
        return self._inverse[predicate].get(obj, [])

    def inverse(self, predicate: URIRef) -> dict[Node, list[Node]]:
        """Object → subjects for ``predicate`` (built on first use, then kept)."""
        self.reads.note(ALWAYS)  # the whole of it: whoever reads this depends on every triple
        if predicate not in self._inverse:
            self.inverses([predicate])
        return self._inverse[predicate]

    def built_inverses(self) -> Mapping[URIRef, Mapping[Node, list[Node]]]:
        """The inverse look-ups built so far, by predicate (never noted as read)."""
        return self._inverse

    @contextmanager
    def tracked(self) -> Iterator[ReadLog]:
        """Note every look-up in ``reads`` until the block ends (``reads.current`` is the set
        of keys read; the caller may replace it, say one per page)."""
        plain = self.forward
        self.forward = TrackedMapping(plain, "f", self.reads)
        self.reads.current = set()
        try:
            yield self.reads
        finally:
            self.forward = plain
            self.reads.current = None

    def inverses(self, predicates: Iterable[URIRef]) -> None:
        """Build the inverses of ``predicates`` not built yet, in one pass over the triples
        (one pass each would walk a national graph a dozen times)."""
        wanted: dict[URIRef, dict[Node, list[Node]]] = {
            p: {} for p in predicates if p not in self._inverse
        }
        for predicate, inverse in wanted.items():
            self._inverse[predicate] = inverse
        by_term: dict[Node, dict[Node, list[Node]]] = {}
        for predicate, inverse in wanted.items():
            same = self._canonical.get(predicate)
            if same is not None:
                by_term[same] = inverse
        if not by_term:
            return
        for s, pairs in self._all.items():
            for p, o in pairs:
                found = by_term.get(p)
                if found is not None:
                    found.setdefault(o, []).append(s)

    def roots(self) -> list[Node]:
        """Every subject, in output order (each gets a block of its own in a dump)."""
        return sorted(self.forward, key=term_key)

    def closure(self, subject: Node) -> Iterator[tuple[Node, URIRef, Node]]:
        """The triples of ``subject``'s description: its own and those of the nodes it owns
        (and of blank nodes below it, in a graph that has them)."""
        pending, seen = [subject], {subject}
        while pending:
            node = pending.pop()
            for p, o in self.forward.get(node, ()):
                yield node, p, o
                if o not in seen and (isinstance(o, BNode) or is_owned(o, subject)):
                    seen.add(o)
                    pending.append(o)

    def description_roots(self, subject: Node) -> list[Node]:
        """``subject`` and the other subjects of its description, in output order."""
        # The walk of ``closure`` without making a tuple per triple (it runs for every page).
        forward, pending, seen = self.forward, [subject], {subject}
        while pending:
            for _, o in forward.get(pending.pop(), ()):
                if o not in seen and (isinstance(o, BNode) or is_owned(o, subject)):
                    seen.add(o)
                    pending.append(o)
        below = [n for n in seen if n in forward and n is not subject]
        return [subject, *sorted(below, key=term_key)]


__all__ = ["PredicateObjects", "TripleIndex", "term_key"]
