"""Element-to-element links between a child document and its parents.

``propose_alignments`` ranks parent elements for each child element by the similarity of their
texts (``align.similarity``: TF-IDF-weighted character bigrams and the distinctive phrases both
texts share) and for indicators the unit. ``data/alignments/*.csv`` holds the reviewed
decisions; only confirmed ones become ``hip:implements`` (``heze_ip_kg.align.decisions``);
proposals stay visible with their score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef

from heze_ip_kg.align.similarity import AlignableElement, Scorer, bigrams, normalise, shared_phrases
from heze_ip_kg.build.plan import title_key
from heze_ip_kg.vocab.levels import level_rank
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, RDF, RDFS, enclosing_document
from heze_ip_kg.vocab.triples import Reader
from heze_ip_kg.workers import default_workers, forked_map

METHOD = "char-bigram-tfidf+shared-phrases"
# Which classes may align: a municipal task may carry out a provincial task or a whole task area.
COMPATIBLE: Mapping[str, frozenset[str]] = {
    "GuidingIdea": frozenset({"GuidingIdea"}),
    "Principle": frozenset({"Principle"}),
    "Objective": frozenset({"Objective"}),
    "Indicator": frozenset({"Indicator"}),
    "TaskArea": frozenset({"TaskArea", "Task"}),
    "Task": frozenset({"Task", "TaskArea"}),
    "KeyProject": frozenset({"KeyProject"}),
    "Safeguard": frozenset({"Safeguard"}),
}


@dataclass(frozen=True)
class Proposal:
    """A proposed link with its score and the evidence that supports it."""

    child: URIRef
    parent: URIRef
    score: Decimal
    evidence: str
    note: str


def element_index(graph: Graph) -> list[AlignableElement]:
    """Every alignable element in ``graph``, with its document's level."""
    levels = {
        doc: str(level).rsplit("/", 1)[-1]
        for doc, level in graph.subject_objects(HIP.governmentLevel)
    }
    documents = {str(doc): doc for doc in levels}
    found = []
    read = Reader(graph)
    for cls in COMPATIBLE:
        for iri in graph.subjects(RDF.type, HIP[cls]):
            if not isinstance(iri, URIRef):
                continue
            doc = enclosing_document(str(iri), documents)
            if doc is None:
                continue
            label = next(
                (
                    str(o)
                    for o in read.objects(iri, RDFS.label)
                    if getattr(o, "language", None) == "zh"
                ),
                "",
            )
            texts = [str(o) for o in read.objects(iri, HIP.text)]
            texts += sorted(
                str(q) for c in read.objects(iri, HIP.citation) for q in read.objects(c, HIP.quote)
            )
            unit = next((str(o) for o in read.objects(iri, HIP.unitText)), None)
            found.append(
                AlignableElement(
                    iri, URIRef(str(doc)), levels[doc], cls, label, " ".join(texts), unit
                )
            )
    return sorted(found, key=lambda e: str(e.iri))


def candidate_documents(
    documents: Mapping[URIRef, str],
    based_on: set[tuple[URIRef, URIRef]],
    titled: set[URIRef] | None = None,
) -> dict[URIRef, list[URIRef]]:
    """For each document, the documents whose elements it may carry out.

    Those it is based on, and those of a higher level of government; but where a document names
    its parents at some level, a titled document of that level that it does not name is left
    out (a city citing its own province is not compared with every other province). An untitled
    text stays in: nothing shows it is not the parent.
    """
    titled = set(documents) if titled is None else titled
    found: dict[URIRef, list[URIRef]] = {}
    for child, level in documents.items():
        rank = level_rank(level, unknown=0)
        cited = {p for c, p in based_on if c == child}
        cited_levels = {documents[p] for p in cited if p in documents}
        found[child] = sorted(
            parent
            for parent, parent_level in documents.items()
            if parent in cited
            or (
                level_rank(parent_level, unknown=0) > rank
                and (parent_level not in cited_levels or parent not in titled)
            )
        )
    return found


def _same_titles(graph: Graph, based_on: set[tuple[URIRef, URIRef]]) -> set[tuple[URIRef, URIRef]]:
    """``based_on`` plus, for each cited document, every document with the same title.

    A parent's full text listed later under its own slug is the document the child cites.
    """
    keys: dict[URIRef, set[str]] = {}
    for prop in (DCTERMS.title, HIP.citedTitle):
        for doc, title in graph.subject_objects(prop):
            if isinstance(doc, URIRef):
                keys.setdefault(doc, set()).add(title_key(str(title)))
    by_key: dict[str, set[URIRef]] = {}
    for doc, titles in keys.items():
        for key in titles:
            by_key.setdefault(key, set()).add(doc)
    found = set(based_on)
    for child, parent in based_on:
        for key in keys.get(parent, set()):
            found |= {(child, other) for other in by_key[key] if other != child}
    return found


PARALLEL_FROM = 4000  # alignable elements: below this, forking costs more than it saves
_RUNS = 64  # runs of children handed to the workers: small enough to balance their loads


@dataclass(frozen=True)
class _Ranking:
    """What ranks a child's candidates: the scorer, each document's elements, and which
    documents each document may carry out."""

    scorer: Scorer
    by_document: Mapping[URIRef, list[AlignableElement]]
    candidates: Mapping[URIRef, list[URIRef]]
    threshold: float
    per_document: int

    def proposals(self, child: AlignableElement) -> list[Proposal]:
        by_doc: dict[URIRef, list[tuple[float, str, AlignableElement]]] = {}
        for document in self.candidates.get(child.document, []):
            for parent in self.by_document[document]:
                if parent.cls not in COMPATIBLE[child.cls]:
                    continue
                score, note = self.scorer.score(child, parent)
                if score >= self.threshold:
                    by_doc.setdefault(parent.document, []).append((score, note, parent))
        found = []
        for document in sorted(by_doc, key=str):
            ranked = by_doc[document]
            ranked.sort(key=lambda r: (-r[0], str(r[2].iri)))
            for score, note, parent in ranked[: self.per_document]:
                phrases = self.scorer.shared_phrases(child, parent)
                evidence = "、".join(p for p in phrases[:5] if len(p) >= 2)
                found.append(
                    Proposal(child.iri, parent.iri, Decimal(f"{score:.3f}"), evidence, note)
                )
        return found


_RANKING: tuple[_Ranking, list[AlignableElement]] | None = None  # set before forking


def _propose_run(bounds: tuple[int, int]) -> list[Proposal]:
    """The proposals of the children ``elements[start:stop]`` (in a worker, or here)."""
    assert _RANKING is not None
    ranking, elements = _RANKING
    start, stop = bounds
    return [p for child in elements[start:stop] for p in ranking.proposals(child)]


def propose_alignments(
    graph: Graph, *, threshold: float = 0.25, per_document: int = 2, workers: int | None = None
) -> list[Proposal]:
    """For each element, the best elements of each higher-level document or document it is based on.

    Only class-compatible pairs are scored; at most ``per_document`` proposals per child and
    parent document, each at or above ``threshold``. See ``candidate_documents`` for which
    documents are compared. The children are ranked on ``workers`` forked processes (default:
    one per CPU from ``PARALLEL_FROM`` elements on, else this one); the proposals and their
    order do not depend on it.
    """
    global _RANKING
    elements = element_index(graph)
    scorer = Scorer(elements)
    based_on = _same_titles(graph, set(documents_citing(graph)))
    by_document: dict[URIRef, list[AlignableElement]] = {}
    for element in elements:
        by_document.setdefault(element.document, []).append(element)
    levels = {doc: items[0].level for doc, items in by_document.items()}
    titled = {d for d in graph.subjects(DCTERMS.title, None) if isinstance(d, URIRef)}
    candidates = candidate_documents(levels, based_on, titled)
    if workers is None:
        workers = default_workers() if len(elements) >= PARALLEL_FROM else 1
    step = max(1, -(-len(elements) // _RUNS))
    runs = [(start, start + step) for start in range(0, len(elements), step)]
    _RANKING = (_Ranking(scorer, by_document, candidates, threshold, per_document), elements)
    try:
        return [p for found in forked_map(_propose_run, runs, workers) for p in found]
    finally:
        _RANKING = None


def documents_citing(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """(child, parent) document pairs linked by ``eli:based_on``."""
    return sorted(
        (s, o)
        for s, o in graph.subject_objects(ELI.based_on)
        if isinstance(s, URIRef) and isinstance(o, URIRef)
    )


__all__ = [
    "METHOD",
    "AlignableElement",
    "Proposal",
    "bigrams",
    "candidate_documents",
    "element_index",
    "normalise",
    "propose_alignments",
    "shared_phrases",
]
