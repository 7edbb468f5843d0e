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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from heze_ip_kg.rdfio.index import TripleIndex
from heze_ip_kg.vocab.namespaces import PREFIXES

_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES})
_ESCAPES[ord("\t")] = "\\t"
NAMESPACES = [(prefix, str(ns)) for prefix, ns in PREFIXES.items()]
_TYPE = RDF.type


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
    for prefix, namespace in NAMESPACES:
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


def remembered_terms() -> Callable[[Node], str]:
    """``ntriples_term``, each term written once: a dump names most terms many times."""
    cache: dict[Node, str] = {}

    def term(node: Node) -> str:
        text = cache.get(node)
        if text is None:
            text = cache[node] = ntriples_term(node)
        return text

    return term


def _ntriples_lines(graph: Graph | TripleIndex) -> list[str]:
    term = remembered_terms()
    triples = (
        ((s, p, o) for s, pairs in graph.forward.items() for p, o in pairs)
        if isinstance(graph, TripleIndex)
        else iter(graph)
    )
    return sorted({f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples})


class TurtleWriter(_Writer):
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
        return list(self.each_block())

    def each_block(self) -> Iterator[str]:
        return (self.block(r) for r in self.roots if r in self.index.forward)

    def block(self, root: Node) -> str:
        """``root``'s triples as a block of their own."""
        return f"{self.term(root, '')}\n    {self.predicates(root, '    ')} .\n"

    def mark_prefixes(self) -> None:
        """Note the prefixes the blocks will use, as ``term`` would, without writing them."""
        for root in (r for r in self.roots if r in self.index.forward):
            for node in (root, *(o for _, o in self.index.forward[root])):
                if isinstance(node, URIRef):
                    self.curie(str(node))
                elif isinstance(node, Literal) and not node.language and node.datatype:
                    self.curie(str(node.datatype))
            for predicate, _ in self.index.forward[root]:
                if predicate is not _TYPE:  # written "a"
                    self.curie(str(predicate))

    def head(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in NAMESPACES if p in self.used) + "\n"

    def write(self) -> str:
        blocks = self.blocks()
        return self.head() + "\n".join(blocks)


class JsonLdWriter(_Writer):
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

    def mark_prefixes(self) -> None:
        """Note the prefixes ``node`` will use for every root, without building the nodes."""
        for root in (r for r in self.roots if r in self.index.forward):
            for predicate, obj in self.index.forward[root]:
                if predicate is _TYPE and isinstance(obj, URIRef):
                    self.curie(str(obj))
                    continue
                self.curie(str(predicate))
                if isinstance(obj, Literal) and not obj.language and obj.datatype is not None:
                    self.curie(str(obj.datatype))

    def write(self) -> dict[str, Any]:
        graph = [self.node(r, named=True) for r in self.roots if r in self.index.forward]
        context = {p: ns for p, ns in NAMESPACES if p in self.used}
        return {"@context": context, "@graph": graph}


def turtle(index: TripleIndex, roots: Iterable[Node] | None = None) -> str:
    """Turtle of ``roots`` (default: the whole graph), a block each."""
    return TurtleWriter(index, index.roots() if roots is None else roots).write()


def jsonld(index: TripleIndex, roots: Iterable[Node] | None = None) -> dict[str, Any]:
    """JSON-LD (a ``@context`` of the prefixes used and a ``@graph``) of ``roots``."""
    return JsonLdWriter(index, index.roots() if roots is None else roots).write()


def jsonld_bytes(data: Mapping[str, Any]) -> bytes:
    """JSON-LD text with one node per line: readable, and written by json's C encoder
    (``indent`` would switch to its pure-Python one, several times slower on a dump)."""
    keys = [k for k in data if k != "@graph"]
    head = ",\n".join(f"{json.dumps(k)}: {json.dumps(data[k], ensure_ascii=False)}" for k in keys)
    nodes = ",\n".join(json.dumps(node, ensure_ascii=False) for node in data.get("@graph", []))
    graph = f'"@graph": [\n{nodes}\n]' if nodes else '"@graph": []'
    return ("{" + (head + ",\n" if head else "") + graph + "}\n").encode("utf-8")


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
    "NAMESPACES",
    "JsonLdWriter",
    "TripleIndex",
    "TurtleWriter",
    "blank_label",
    "describe",
    "jsonld",
    "jsonld_bytes",
    "ntriples",
    "ntriples_term",
    "remembered_terms",
    "turtle",
]
