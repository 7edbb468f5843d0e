"""Fast, deterministic Turtle, N-Triples and JSON-LD writers over an index of the graph.

rdflib's serialisers set up a namespace manager, a trie of prefixes and a pass of preprocessing
for every graph, which made them the bulk of publishing a large corpus's resource pages. Here
one :class:`TripleIndex` is built per graph and every description, page or dump is written from
it directly. Output order is fixed: subjects, predicates and objects sorted by their text. Every
subject gets a block of its own: the pipeline mints no blank nodes (``vocab.owned``), and a blank
node of another graph is written by its label. A resource's description takes the nodes it owns
with it (``{owner}#source``, ``{owner}#source/selector``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from heze_ip_kg.vocab.namespaces import PREFIXES
from heze_ip_kg.vocab.owned import is_owned

PredicateObjects = list[tuple[URIRef, Node]]
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})
_ESCAPES[ord("\t")] = "\\t"
_NAMESPACES = [(prefix, str(ns)) for prefix, ns in PREFIXES.items()]
_TYPE = RDF.type


def _term_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "")
    if isinstance(term, BNode):
        return (1, str(term), "")
    assert isinstance(term, Literal)
    return (2, str(term), term.language or str(term.datatype or ""))


class TripleIndex:
    """Every subject's predicate–object pairs, sorted; inverse look-ups built on demand.

    It answers the few questions the publisher asks (``value``, ``objects``, ``subjects``) at
    dictionary speed, and is what the writers below walk.
    """

    def __init__(self, graph: Graph) -> None:
        forward: dict[Node, PredicateObjects] = {}
        # One object per distinct predicate, so look-ups compare by identity: rdflib's __eq__
        # is a Python method, and the pages call it millions of times.
        canonical: dict[Node, URIRef] = {_TYPE: _TYPE}
        for s, p, o in graph:
            p = canonical.setdefault(p, p)  # type: ignore[arg-type]
            forward.setdefault(s, []).append((p, o))
        for pairs in forward.values():
            pairs.sort(key=lambda po: (po[0] is not _TYPE, str(po[0]), _term_key(po[1])))
        self.forward = forward
        self._canonical = canonical
        self._inverse: dict[URIRef, dict[Node, list[Node]]] = {}
        self.curies: dict[str, tuple[str, str] | None] = {}  # IRI → (prefix, CURIE), see _Writer

    def __len__(self) -> int:
        return sum(len(pairs) for pairs in self.forward.values())

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
        return self.inverse(predicate).get(obj, [])

    def inverse(self, predicate: URIRef) -> dict[Node, list[Node]]:
        """Object → subjects for ``predicate`` (built on first use, then kept)."""
        if predicate not in self._inverse:
            self.inverses([predicate])
        return self._inverse[predicate]

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
        for s, pairs in self.forward.items():
            for p, o in pairs:
                found = by_term.get(p)
                if found is not None:
                    found.setdefault(o, []).append(s)

    def roots(self) -> list[Node]:
        """Every subject, in output order (each gets a block of its own in a dump)."""
        return sorted(self.forward, key=_term_key)

    def closure(self, subject: Node) -> Iterator[tuple[Node, URIRef, Node]]:
        """The triples of ``subject``'s description: its own and those of the nodes it owns
        (and of blank nodes below it, in a graph that has them)."""
        todo, seen = [subject], {subject}
        while todo:
            node = todo.pop()
            for p, o in self.forward.get(node, ()):
                yield node, p, o
                if o not in seen and (isinstance(o, BNode) or is_owned(o, subject)):
                    seen.add(o)
                    todo.append(o)

    def description_roots(self, subject: Node) -> list[Node]:
        """``subject`` and the other subjects of its description, in output order."""
        # The walk of ``closure`` without making a tuple per triple (it runs for every page).
        forward, todo, seen = self.forward, [subject], {subject}
        while todo:
            for _, o in forward.get(todo.pop(), ()):
                if o not in seen and (isinstance(o, BNode) or is_owned(o, subject)):
                    seen.add(o)
                    todo.append(o)
        below = [n for n in seen if n in forward and n is not subject]
        return [subject, *sorted(below, key=_term_key)]


class _Writer:
    """Shared naming rules: prefixed names and the namespaces they used."""

    def __init__(self, index: TripleIndex, roots: Iterable[Node]) -> None:
        self.index = index
        self.roots = list(roots)
        self.used: set[str] = set()

    def curie(self, iri: str) -> str | None:
        cache = self.index.curies
        if iri not in cache:
            cache[iri] = _curie(iri)
        found = cache[iri]
        if found is None:
            return None
        self.used.add(found[0])
        return found[1]


def _curie(iri: str) -> tuple[str, str] | None:
    """The prefix and prefixed name of ``iri``, if a known namespace gives a valid one."""
    for prefix, namespace in _NAMESPACES:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return (prefix, f"{prefix}:{local}") if _LOCAL.fullmatch(local) else None
    return None


def blank_label(node: BNode) -> str:
    """A Turtle/N-Triples-safe label for ``node`` (its own when that is safe)."""
    text = str(node)
    return text if _LABEL.fullmatch(text) else "h" + hashlib.sha1(text.encode()).hexdigest()[:24]


def _iri(iri: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        raise ValueError(f"{iri!r} is not an IRI that Turtle or N-Triples can write")
    return f"<{iri}>"


def _string(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def ntriples_term(term: Node) -> str:
    """``term`` as N-Triples writes it."""
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, BNode):
        return "_:" + blank_label(term)
    assert isinstance(term, Literal)
    if term.language:
        return f"{_string(str(term))}@{term.language}"
    if term.datatype is not None:
        return f"{_string(str(term))}^^{_iri(str(term.datatype))}"
    return _string(str(term))


def ntriples(graph: Graph | TripleIndex) -> bytes:
    """``graph`` as sorted, duplicate-free N-Triples."""
    return "".join(_ntriples_lines(graph)).encode("utf-8")


def _ntriples_lines(graph: Graph | TripleIndex) -> list[str]:
    cache: dict[Node, str] = {}

    def term(node: Node) -> str:
        text = cache.get(node)
        if text is None:
            text = cache[node] = ntriples_term(node)
        return text

    triples = (
        ((s, p, o) for s, pairs in graph.forward.items() for p, o in pairs)
        if isinstance(graph, TripleIndex)
        else iter(graph)
    )
    return sorted({f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples})


class _Turtle(_Writer):
    def term(self, node: Node, indent: str) -> str:
        if isinstance(node, URIRef):
            return self.curie(str(node)) or _iri(str(node))
        if isinstance(node, BNode):
            return "_:" + blank_label(node)
        assert isinstance(node, Literal)
        if node.language:
            return f"{_string(str(node))}@{node.language}"
        if node.datatype is not None:
            return f"{_string(str(node))}^^{self.term(node.datatype, indent)}"
        return _string(str(node))

    def predicates(self, subject: Node, indent: str) -> str:
        parts: list[str] = []
        pairs = self.index.forward.get(subject, [])
        i = 0
        while i < len(pairs):
            predicate = pairs[i][0]
            objects = []
            while i < len(pairs) and pairs[i][0] is predicate:
                objects.append(self.term(pairs[i][1], indent))
                i += 1
            name = "a" if predicate is _TYPE else self.term(predicate, indent)
            parts.append(f"{name} {', '.join(objects)}")
        return (" ;\n" + indent).join(parts)

    def blocks(self) -> list[str]:
        """A block per root; the prefixes they use are known only after them (``head``)."""
        blocks = []
        for root in (r for r in self.roots if r in self.index.forward):
            head = self.term(root, "")
            blocks.append(f"{head}\n    {self.predicates(root, '    ')} .\n")
        return blocks

    def head(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in _NAMESPACES if p in self.used) + "\n"

    def write(self) -> str:
        blocks = self.blocks()
        return self.head() + "\n".join(blocks)


class _JsonLd(_Writer):
    def key(self, iri: str) -> str:
        return self.curie(iri) or iri

    def value(self, node: Node) -> dict[str, Any]:
        if isinstance(node, URIRef):
            return {"@id": str(node)}
        if isinstance(node, BNode):
            return {"@id": "_:" + blank_label(node)}
        assert isinstance(node, Literal)
        if node.language:
            return {"@value": str(node), "@language": node.language}
        if node.datatype is not None:
            return {"@value": str(node), "@type": self.key(str(node.datatype))}
        return {"@value": str(node)}

    def node(self, subject: Node, named: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if named:
            out["@id"] = "_:" + blank_label(subject) if isinstance(subject, BNode) else str(subject)
        for predicate, obj in self.index.forward.get(subject, []):
            if predicate is _TYPE and isinstance(obj, URIRef):
                out.setdefault("@type", []).append(self.key(str(obj)))
            else:
                out.setdefault(self.key(str(predicate)), []).append(self.value(obj))
        return out

    def write(self) -> dict[str, Any]:
        graph = [self.node(r, named=True) for r in self.roots if r in self.index.forward]
        context = {p: ns for p, ns in _NAMESPACES if p in self.used}
        return {"@context": context, "@graph": graph}


def turtle(index: TripleIndex, roots: Iterable[Node] | None = None) -> str:
    """Turtle of ``roots`` (default: the whole graph), a block each."""
    return _Turtle(index, index.roots() if roots is None else roots).write()


def jsonld(index: TripleIndex, roots: Iterable[Node] | None = None) -> dict[str, Any]:
    """JSON-LD (a ``@context`` of the prefixes used and a ``@graph``) of ``roots``."""
    return _JsonLd(index, index.roots() if roots is None else roots).write()


def jsonld_bytes(data: Mapping[str, Any]) -> bytes:
    """JSON-LD text with one node per line: readable, and written by json's C encoder
    (``indent`` would switch to its pure-Python one, several times slower on a dump)."""
    keys = [k for k in data if k != "@graph"]
    head = ",\n".join(f"{json.dumps(k)}: {json.dumps(data[k], ensure_ascii=False)}" for k in keys)
    nodes = ",\n".join(json.dumps(node, ensure_ascii=False) for node in data.get("@graph", []))
    graph = f'"@graph": [\n{nodes}\n]' if nodes else '"@graph": []'
    return ("{" + (head + ",\n" if head else "") + graph + "}\n").encode("utf-8")


def serialize_index(index: TripleIndex, fmt: str) -> bytes:
    """The whole indexed graph as ``ttl``, ``nt`` or ``jsonld`` bytes."""
    return b"".join(serialize_pieces(index, fmt))


def serialize_pieces(index: TripleIndex, fmt: str, per_piece: int = 4096) -> Iterator[bytes]:
    """``serialize_index``'s bytes in pieces (``per_piece`` blocks, lines or nodes each), so
    that a dump can be written and gzipped as it goes: a national graph's dump is never held
    whole as text and again as bytes, nor its JSON-LD as one tree of dictionaries."""
    if fmt not in ("ttl", "nt", "jsonld"):
        raise ValueError(f"unknown format {fmt!r}; use one of ttl, nt, jsonld")
    if fmt == "nt":
        head, items, sep, tail = "", _ntriples_lines(index), "", ""
    elif fmt == "ttl":
        writer = _Turtle(index, index.roots())
        items = writer.blocks()
        head, sep, tail = writer.head(), "\n", ""
    else:  # as jsonld_bytes writes jsonld(index), a node at a time
        nodes = _JsonLd(index, index.roots())
        roots = [r for r in nodes.roots if r in index.forward]
        items = [json.dumps(nodes.node(r, named=True), ensure_ascii=False) for r in roots]
        context = {p: ns for p, ns in _NAMESPACES if p in nodes.used}
        head = f"{{{json.dumps('@context')}: {json.dumps(context, ensure_ascii=False)},\n"
        head += '"@graph": [\n' if items else '"@graph": []'
        sep, tail = ",\n", "\n]}\n" if items else "}\n"
    yield head.encode("utf-8")
    for start in range(0, len(items), per_piece):
        piece = sep.join(items[start : start + per_piece])
        yield ((sep if start else "") + piece).encode("utf-8")
    yield tail.encode("utf-8")


def describe(index: TripleIndex, subject: Node, fmt: str) -> bytes:
    """The concise bounded description of ``subject`` as ``ttl``, ``jsonld`` or ``nt`` bytes."""
    roots = index.description_roots(subject)
    if fmt == "ttl":
        return turtle(index, roots).encode("utf-8")
    if fmt == "jsonld":
        return jsonld_bytes(jsonld(index, roots))
    if fmt == "nt":
        cbd = sorted({" ".join(map(ntriples_term, t)) + " .\n" for t in index.closure(subject)})
        return "".join(cbd).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")


__all__ = [
    "TripleIndex",
    "blank_label",
    "describe",
    "jsonld",
    "jsonld_bytes",
    "ntriples",
    "ntriples_term",
    "serialize_index",
    "serialize_pieces",
    "turtle",
]
