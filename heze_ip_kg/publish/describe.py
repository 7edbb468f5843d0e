"""What a page says about one resource: its description (CBD), labels, links and paths."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import quote, unquote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.vocab.namespaces import PREFIXES, RDFS, SKOS
from heze_ip_kg.vocab.owned import is_owned

_LABELS = (RDFS.label, SKOS.prefLabel)  # looked up once: label is called for every name shown
_QUOTE_SAFE = re.compile(r"[A-Za-z0-9_.~/#-]*")  # what quote(..., safe="/#") leaves as it is


def description(graph: Graph, subject: URIRef) -> Graph:
    """The resource's description: its triples and those of the nodes it owns (and of any blank
    nodes below it, in a graph that has them)."""
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    todo: list[Node] = [subject]
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or is_owned(o, subject):
                todo.append(o)
    return out


class Objects(Protocol):
    """What ``label`` reads: a graph, or the publisher's index of it."""

    def objects(self, subject: Node, predicate: URIRef) -> Iterable[Node]: ...


def label(graph: Objects, node: Node, lang: str = "zh") -> str:
    """A readable name: the label in ``lang``, else any label, else the IRI's last segment."""
    labels = {
        getattr(o, "language", None): str(o)
        for p in _LABELS
        for o in graph.objects(node, p)
        if isinstance(o, Literal)
    }
    for key in (lang, "zh", "en", None):
        if key in labels:
            return labels[key]
    text = str(node)
    return text.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _file_name(segment: str) -> str:
    try:
        decoded = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return segment  # not UTF-8 underneath: keep it as written
    if decoded in ("", ".", "..") or any(c in decoded for c in "/\\\0%"):
        return segment
    return decoded


def page_path(iri: str, base: str, ext: str = "html") -> str | None:
    """The site path of the page for ``iri`` (``id/<rest>.<ext>``), or None if not ours.

    Percent-encoded segments are decoded (file names hold the characters themselves) unless
    the decoded form would be unsafe or ambiguous as a file name (``/``, ``\\``, NUL, ``%``,
    ``.`` or ``..``), in which case the segment stays encoded; a segment too long for a file
    name becomes its SHA-1. Distinct IRIs thus get distinct paths (up to RFC 3986's equivalence
    of ``%41`` and ``A``), all inside ``id/``.

    >>> page_path("https://w3id.org/heze-ip-kg/id/doc/by-title/%E8%A7%84%E5%88%92",
    ...           "https://w3id.org/heze-ip-kg/id/")
    'id/doc/by-title/规划.html'
    """
    if not iri.startswith(base) or len(iri) == len(base):
        return None
    rest = iri[len(base) :]
    if any(c in rest for c in "#?") or {"", ".", ".."} & set(rest.split("/")):
        return None  # not a path we mint, and not one a file could safely mirror
    if "%" not in rest and len(rest.encode()) <= 150:
        return f"id/{rest}.{ext}"  # nothing to decode, no segment too long (most IRIs)
    segments = [_file_name(s) for s in rest.split("/")]
    segments = [
        s if len(s.encode()) <= 150 else hashlib.sha1(s.encode()).hexdigest() for s in segments
    ]
    return "id/" + "/".join(segments) + f".{ext}"


def relative(from_page: str, to_path: str) -> str:
    """A percent-encoded link from the page at ``from_page`` to ``to_path`` (file:// safe).

    Both are site paths (``a/b/c.html``, no ``.`` or ``..`` segments); the result is what
    ``posixpath.relpath(to_path, dirname(from_page))`` gives, at a tenth of its cost (it is
    called for every link of every page).
    """
    if not to_path:
        raise ValueError("no path to link to")
    # Only the page's folder matters, and pages in one folder link to the same places (the
    # ontology, their parents), so the answer is remembered per (folder, target).
    return _relative(from_page[: from_page.rfind("/") + 1], to_path)


@functools.lru_cache(maxsize=1 << 16)
def _relative(folder: str, to_path: str) -> str:
    start = folder.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    for a, b in zip(start, target, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    link = "/".join(parts) or "."
    return link if _QUOTE_SAFE.fullmatch(link) else quote(link, safe="/#")


def subjects_with_pages(graph: Graph | Iterable[Node], base: str) -> list[URIRef]:
    """Every IRI subject of the graph (or of these subjects) that gets a page, in IRI order."""
    found: Iterable[Node] = graph.subjects() if isinstance(graph, Graph) else graph
    return sorted({s for s in found if isinstance(s, URIRef) and page_path(str(s), base)})


__all__ = ["description", "label", "page_path", "relative", "subjects_with_pages"]
