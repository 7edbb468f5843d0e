"""What many pages need about the whole graph, computed once before the page writers fork.

Documents with their level and title, the alignment behind each ``hip:implements`` link, the
notice that promulgates each plan, the labels of the ontology's terms. Page contexts then read
these by dictionary look-up, so a page costs the same at 1 plan as at 1,000.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.context import Link
from heze_ip_kg.publish.describe import label
from heze_ip_kg.rdfio.reads import TrackedMapping
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, ORG, RDF, RDFS, SKOS

DOCUMENT_TYPES = (HIP.PolicyDocument, HIP.Plan, HIP.Notice)
_IN_DOCUMENT = HIP.inDocument  # looked up once: document_of runs for every link of a trace
# The inverse look-ups the pages make; built in the parent so that forked writers share them.
INVERSES = (
    DCTERMS.isPartOf,
    HIP.implements,
    HIP.alignedElement,
    HIP.alignedTo,
    HIP.inDocument,
    HIP.assignedOrganization,
    HIP.mentionOf,
    HIP.mentionIn,
    HIP.observedIndicator,
    HIP.promulgates,
    ELI.based_on,
    SKOS.inScheme,
    ORG.subOrganizationOf,
    RDF.type,
)
RELATIONS = {"implements": ("实现", "implements"), "local-initiative": ("地方自主", "local")}


@functools.cache
def _other_terms() -> dict[str, tuple[str, str]]:
    """Chinese and English names of other vocabularies' terms (``templates/terms.tsv``)."""
    found = {}
    for line in (resource_dir("templates") / "terms.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            iri, zh, en = line.split("\t")
            found[iri] = (zh, en)
    return found


class Linker(Protocol):
    """What the blocks need of the page builder: a labelled, relative link to a node."""

    def link(self, node: Node, from_page: str, note: str = "") -> Link: ...


@dataclass(frozen=True)
class DocumentFacts:
    """A document as the trace and the cards name it."""

    iri: URIRef
    title_zh: str
    title_en: str
    level: str  # municipal, provincial, national (the level concept's notation), or ""
    level_zh: str
    level_en: str


def _text(index: TripleIndex, node: Node, predicate: URIRef) -> str:
    value = index.value(node, predicate)
    return str(value) if isinstance(value, Literal) else ""


class SiteFacts:
    """The graph-wide look-ups of one publication."""

    def __init__(self, index: TripleIndex, ontology: Graph) -> None:
        self.index = index
        index.inverses(INVERSES)
        documents: dict[Node, DocumentFacts] = {}
        for kind in DOCUMENT_TYPES:
            for doc in index.subjects(RDF.type, kind):
                if isinstance(doc, URIRef) and doc not in documents:
                    documents[doc] = self._document(doc)
        alignments: dict[tuple[Node, Node], Node] = {}
        local: dict[Node, Node] = {}  # element → its local-initiative alignment
        for child, found in index.inverse(HIP.alignedElement).items():
            for alignment in sorted(found, key=str):  # the first by IRI, whatever the order
                parent = index.value(alignment, HIP.alignedTo)
                if parent is not None:
                    alignments.setdefault((child, parent), alignment)
                elif _text(index, alignment, HIP.relation) == "local-initiative":
                    local.setdefault(child, alignment)
        self.documents: Mapping[Node, DocumentFacts] = documents
        self.alignments: Mapping[tuple[Node, Node], Node] = alignments
        self.local: Mapping[Node, Node] = local
        self.notices: Mapping[Node, Node] = {
            plan: min(notices, key=str) for plan, notices in index.inverse(HIP.promulgates).items()
        }
        self.terms: dict[str, tuple[str, str]] = dict(_other_terms())
        self.terms.update(
            (str(term), (label(ontology, term, "zh"), label(ontology, term, "en")))
            for term in set(ontology.subjects(RDFS.label, None))
        )

    def tracked_parts(self) -> dict[str, Mapping[Any, object]]:
        """The look-ups made of the graph that pages read, by the kind their reads are noted
        under ("d" documents, "a" alignments, "l" local initiatives, "n" notices). The terms'
        names come from the code and the ontology, which every page depends on anyway."""
        return {
            "d": self.documents,
            "a": self.alignments,
            "l": self.local,
            "n": self.notices,
        }

    @contextmanager
    def tracked(self) -> Iterator[None]:
        """Note every look-up of ``tracked_parts`` in the index's ``reads`` until the block ends."""
        plain = (self.documents, self.alignments, self.local, self.notices)
        log = self.index.reads
        self.documents = TrackedMapping(plain[0], "d", log)
        self.alignments = TrackedMapping(plain[1], "a", log)
        self.local = TrackedMapping(plain[2], "l", log)
        self.notices = TrackedMapping(plain[3], "n", log)
        try:
            yield
        finally:
            self.documents, self.alignments, self.local, self.notices = plain

    def _document(self, doc: URIRef) -> DocumentFacts:
        index = self.index
        level = index.value(doc, HIP.governmentLevel)
        code = _text(index, level, SKOS.notation) if level is not None else ""
        return DocumentFacts(
            doc,
            label(index, doc, "zh"),
            label(index, doc, "en"),
            code,
            label(index, level, "zh") if level is not None else "",
            label(index, level, "en") if level is not None else "",
        )

    def document_of(self, node: Node) -> DocumentFacts | None:
        """The document ``node`` belongs to (itself, if it is one)."""
        if node in self.documents:
            return self.documents[node]
        doc = self.index.value(node, _IN_DOCUMENT)
        return self.documents.get(doc) if doc is not None else None


__all__ = ["RELATIONS", "DocumentFacts", "Linker", "SiteFacts"]
