"""Owned nodes: what belongs to one resource alone — its place in a source text (a Web
Annotation target and its selector) and the citations behind its facts — named in the owner's
document, and the one way every builder writes them.

The published graph has no blank nodes (ontology/README.md, "IRI policy"): an owned node is the
owner's IRI with a fragment, ``{owner}#source``, and a node owned by an owned node continues the
fragment, ``{owner}#source/selector``, so every owned IRI is dereferenced with its owner's page
and description (a client drops the fragment), which show it. Keys are readable where the owner
has one node of the kind (``source``), or say what tells them apart (``source-12-40``, the
offsets); a citation, which several builders may add to one owner and which has no name of its
own, is keyed by a short hash of what it says (docs/decisions/20261201-owned-nodes.md).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import Literal, URIRef

from heze_ip_kg.vocab.iri import segment_problem
from heze_ip_kg.vocab.minting import CONCEPT_BASE
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, OA, RDF, RDFS, XSD
from heze_ip_kg.vocab.triples import Sink

SOURCE = "source"


def owned_iri(owner: str, key: str) -> URIRef:
    """The IRI of the node ``key`` that belongs to ``owner``: a fragment of the owner's document.

    >>> owned_iri("https://x.org/id/plan/task-2", "source")
    rdflib.term.URIRef('https://x.org/id/plan/task-2#source')
    >>> owned_iri(owned_iri("https://x.org/id/plan/task-2", "source"), "selector")
    rdflib.term.URIRef('https://x.org/id/plan/task-2#source/selector')
    """
    problem = segment_problem(key)
    if problem:
        raise ValueError(f"owned-node key {key!r} {problem}")
    return URIRef(owner + ("/" if "#" in owner else "#") + key)


def owned_prefix(owner: str) -> str:
    """What the IRI of every node ``owner`` owns (at any depth) starts with."""
    # A plain str: ``URIRef + str`` would make (and check) a new URIRef on every call.
    return f"{owner}{'/' if '#' in owner else '#'}"


def is_owned(node: object, owner: object) -> bool:
    """Whether ``node`` is an IRI that belongs to ``owner`` (so its description goes with it).

    >>> task = URIRef("https://x.org/id/p/task-2")
    >>> is_owned(owned_iri(task, "source"), task), is_owned(URIRef(task + "/role/x"), task)
    (True, False)
    """
    return (
        isinstance(node, URIRef)
        and isinstance(owner, URIRef)
        and str.startswith(node, owned_prefix(owner))  # rdflib's startswith copies both
    )


# A span's fixed terms, looked up once: each namespace attribute is a Python call that mints a
# new URIRef, and every element, mention and role has a span.
_SPAN_TERMS = (
    HIP.source,
    RDF.type,
    OA.SpecificResource,
    OA.hasSource,
    OA.hasSelector,
    OA.TextPositionSelector,
    OA.start,
    OA.end,
)


@lru_cache(maxsize=1 << 16)
def _offset(value: int) -> Literal:
    # Offsets repeat across elements and plans; rdflib's Literal() is slow to build.
    return Literal(value, datatype=XSD.integer)


def add_span(
    graph: Sink, owner: URIRef, source: URIRef, start: int, end: int, key: str = SOURCE
) -> URIRef:
    """State that ``owner`` is the text ``[start, end)`` of ``source``; return the target's IRI.

    The target (``oa:SpecificResource``) is ``{owner}#{key}``, its selector
    ``{owner}#{key}/selector``. An owner with several spans gives each its own ``key``.

    >>> from rdflib import Graph
    >>> g, plan = Graph(), "https://x.org/id/p"
    >>> add_span(g, URIRef(plan + "/task-1"), URIRef(plan + "/source"), 3, 9)
    rdflib.term.URIRef('https://x.org/id/p/task-1#source')
    >>> g.value(URIRef(plan + "/task-1#source/selector"), OA.end).n3()
    '"9"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    has_span, a, specific, has_source, has_selector, position, begins, ends = _SPAN_TERMS
    target = owned_iri(owner, key)
    selector = owned_iri(target, "selector")
    graph.add((owner, has_span, target))
    graph.add((target, a, specific))
    graph.add((target, has_source, source))
    graph.add((target, has_selector, selector))
    graph.add((selector, a, position))
    # xsd:integer, not the Web Annotation range's xsd:nonNegativeInteger: the stores keep
    # derived integer types as xsd:integer, and the value (never negative) meets the range.
    graph.add((selector, begins, _offset(start)))
    graph.add((selector, ends, _offset(end)))
    return target


def citation_iri(
    owner: URIRef,
    about: URIRef,
    source: URIRef | None = None,
    quote: str | None = None,
    place: tuple[URIRef, int] | None = None,
) -> URIRef:
    """The IRI of the citation for ``about`` of ``owner`` from ``source`` quoting ``quote``:
    ``{owner}#citation-`` and 12 hex digits of the SHA-1 of what it says.

    ``place`` (text, n) is the n-th place in a parsed text cited with this quote: where it is,
    without its offsets, so that an edit elsewhere in the text does not rename the citation.

    >>> citation_iri(URIRef("https://x.org/id/p"), HIP.role)
    rdflib.term.URIRef('https://x.org/id/p#citation-8e5d8d2051e1')
    """
    said = [str(about), str(source or ""), quote or ""]
    if place is not None:
        said += [str(place[0]), f"occurrence {place[1]}"]
    digest = hashlib.sha1("\n".join(said).encode()).hexdigest()[:12]
    return owned_iri(owner, "citation-" + digest)


def add_citation(
    graph: Sink,
    owner: URIRef,
    about: URIRef,
    *,
    source: URIRef | None = None,
    quote: str | None = None,
    reliability: str | None = None,
    note: str | None = None,
    span: tuple[URIRef, int, int] | None = None,
    occurrence: int = 1,
) -> URIRef:
    """Cite where ``owner``'s ``about`` statement comes from; return the citation's IRI.

    ``source`` is the web page or source text, ``quote`` the words it says it with (``@zh``),
    ``reliability`` a ``concept/reliability`` name, ``note`` a curator's remark (``@en``) and
    ``span`` (source text, start, end) the quote's place in a parsed text; ``occurrence``
    tells apart citations of the same quote at several places of one text (1, 2, ... in text
    order), and names the place instead of its offsets. The same citation written twice is one
    citation.
    """
    node = citation_iri(owner, about, source, quote, (span[0], occurrence) if span else None)
    graph.add((owner, HIP.citation, node))
    graph.add((node, RDF.type, HIP.SourceCitation))
    graph.add((node, HIP.aboutProperty, about))
    if source is not None:
        graph.add((node, DCTERMS.source, source))
    if quote:
        graph.add((node, HIP.quote, Literal(quote, lang="zh")))
    if reliability is not None:
        graph.add((node, HIP.reliability, URIRef(CONCEPT_BASE + "reliability/" + reliability)))
    if note:
        graph.add((node, RDFS.comment, Literal(" ".join(note.split()), lang="en")))
    if span is not None:
        add_span(graph, node, *span)
    return node


__all__ = [
    "SOURCE",
    "add_citation",
    "add_span",
    "citation_iri",
    "is_owned",
    "owned_iri",
    "owned_prefix",
]
