"""Element-to-element links between a child document and its parents.

``propose_alignments`` ranks parent elements for each child element by similarity suited to
Chinese policy text: TF-IDF-weighted character bigrams (no word segmenter needed, and rare
bigrams such as 导航 or 地理 weigh more than 知识), the distinctive phrases both texts share, and
for indicators the unit. ``data/alignments/*.csv`` holds the reviewed decisions; only confirmed
ones become ``hip:implements`` (``heze_ip_kg.align.decisions``); proposals stay visible with their
score.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, URIRef

from heze_ip_kg.build.plan import title_key
from heze_ip_kg.vocab.levels import level_rank
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, RDF, RDFS, enclosing_document
from heze_ip_kg.vocab.triples import Reader

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
# Words every text of the genre shares; they say nothing about which element matches which.
GENERIC = (
    "知识产权",
    "实施",
    "工程",
    "坚持",
    "加强",
    "建设",
    "推进",
    "提升",
    "强化",
    "完善",
    "促进",
)
_PUNCT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class AlignableElement:
    """What the aligner knows of one element."""

    iri: URIRef
    document: URIRef
    level: str
    cls: str
    label: str
    text: str
    unit: str | None


@dataclass(frozen=True)
class Proposal:
    """A proposed link with its score and the evidence that supports it."""

    child: URIRef
    parent: URIRef
    score: Decimal
    evidence: str
    note: str


def normalise(text: str) -> str:
    """NFKC, no punctuation or spaces, generic words removed.

    >>> normalise("实施知识产权保护提升工程。")
    '保护'
    """
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", text))
    for word in GENERIC:
        text = text.replace(word, "")
    return text


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the normalised text (single characters for one-character texts)."""
    return _bigrams_of(normalise(text))


def _bigrams_of(norm: str) -> Counter[str]:
    if len(norm) == 1:
        return Counter([norm])
    return Counter(norm[i : i + 2] for i in range(len(norm) - 1))


def shared_phrases(a: str, b: str, minimum: int = 2) -> list[str]:
    """Maximal substrings (≥ ``minimum`` characters) the two normalised texts share, longest first.

    >>> shared_phrases("实施重点产业专利导航试点工程", "重点产业专利导航试点")
    ['重点产业专利导航试点']
    """
    return _shared_normalised(normalise(a), normalise(b), minimum)


def _shared_normalised(x: str, y: str, minimum: int = 2) -> list[str]:
    """``shared_phrases`` of two texts already normalised."""
    found: set[str] = set()
    end = 0  # where the match starting one character earlier ended (0: there was none)
    for i in range(len(x) - minimum + 1):
        # A prefix of a substring of y is one too, so grow the match instead of trying every
        # end from the far one down (quadratic in the text's length). And x[i:end] is in y
        # when x[i-1:end] is: the match from i grows on from there, not from i + minimum.
        j = i + minimum
        if end >= j:
            j = end
        elif x[i:j] not in y:
            end = 0
            continue
        while j < len(x) and x[i : j + 1] in y:
            j += 1
        end = j
        piece = x[i:j]
        if not any(piece in f for f in found):
            found.add(piece)
    return sorted(found, key=lambda p: (-len(p), p))


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


class _Scorer:
    """TF-IDF cosine over character bigrams, with document frequencies from every element.

    Each distinct text's normalised form, vectors and norms are computed once (headings recur
    across plans: a few hundred labels for ten thousand elements), so scoring a pair is two
    sparse dots.
    """

    def __init__(self, elements: Iterable[AlignableElement]) -> None:
        items = list(elements)
        normalised: dict[str, str] = {}  # by the raw text
        counts: dict[str, Counter[str]] = {}  # bigrams, by the normalised text
        self.normalised: dict[URIRef, str] = {}
        for element in items:
            raw = element.label + element.text
            if raw not in normalised:
                normalised[raw] = normalise(raw)
            text = self.normalised[element.iri] = normalised[raw]
            if text not in counts:
                counts[text] = _bigrams_of(text)
        df: Counter[str] = Counter()
        for element in items:
            df.update(counts[self.normalised[element.iri]].keys())
        self.idf = {g: math.log((1 + len(items)) / (1 + n)) + 1 for g, n in df.items()}
        labels: dict[str, tuple[dict[str, float], float]] = {}
        texts: dict[str, tuple[dict[str, float], float]] = {}
        self._label: dict[URIRef, tuple[dict[str, float], float]] = {}
        self._full: dict[URIRef, tuple[dict[str, float], float]] = {}
        for element in items:
            if element.label not in labels:
                labels[element.label] = self._normed(bigrams(element.label))
            self._label[element.iri] = labels[element.label]
            text = self.normalised[element.iri]
            if text not in texts:
                texts[text] = self._normed(counts[text])
            self._full[element.iri] = texts[text]

    def vector(self, text: str) -> dict[str, float]:
        return self._weighted(bigrams(text))

    def _weighted(self, counts: Counter[str]) -> dict[str, float]:
        return {g: n * self.idf.get(g, 1.0) for g, n in counts.items()}

    def _normed(self, counts: Counter[str]) -> tuple[dict[str, float], float]:
        vector = self._weighted(counts)
        return vector, math.sqrt(sum(v * v for v in vector.values()))

    @staticmethod
    def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
        dot = sum(v * b.get(g, 0.0) for g, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    @staticmethod
    def _cached_cosine(
        a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]
    ) -> float:
        norm = a[1] * b[1]
        if not norm:
            return 0.0
        small, large = (a[0], b[0]) if len(a[0]) <= len(b[0]) else (b[0], a[0])
        # Most pairs share few bigrams: find them in C, then add their products in the small
        # vector's order, as the plain dot does (adding the others' zeros changes no bit).
        common = small.keys() & large.keys()
        if not common:
            return 0.0
        return sum([v * large[g] for g, v in small.items() if g in common]) / norm

    def score(self, child: AlignableElement, parent: AlignableElement) -> tuple[float, str]:
        label = self._cached_cosine(self._label[child.iri], self._label[parent.iri])
        text = 0.0
        if child.text and parent.text:
            text = self._cached_cosine(self._full[child.iri], self._full[parent.iri])
        score = max(label, 0.7 * label + 0.3 * text)
        note = ""
        if child.cls == "Indicator" and child.unit and parent.unit:
            if child.unit == parent.unit:
                score = min(1.0, score + 0.05)
            else:
                note = f"units differ: {child.unit} vs {parent.unit}"
        return score, note

    def shared_phrases(self, child: AlignableElement, parent: AlignableElement) -> list[str]:
        """``shared_phrases`` of the two elements' labels and texts."""
        return _shared_normalised(self.normalised[child.iri], self.normalised[parent.iri])


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


def propose_alignments(
    graph: Graph, *, threshold: float = 0.25, per_document: int = 2
) -> list[Proposal]:
    """For each element, the best elements of each higher-level document or document it is based on.

    Only class-compatible pairs are scored; at most ``per_document`` proposals per child and
    parent document, each at or above ``threshold``. See ``candidate_documents`` for which
    documents are compared.
    """
    elements = element_index(graph)
    scorer = _Scorer(elements)
    based_on = _same_titles(graph, set(documents_citing(graph)))
    by_document: dict[URIRef, list[AlignableElement]] = {}
    for element in elements:
        by_document.setdefault(element.document, []).append(element)
    levels = {doc: items[0].level for doc, items in by_document.items()}
    titled = {d for d in graph.subjects(DCTERMS.title, None) if isinstance(d, URIRef)}
    candidates = candidate_documents(levels, based_on, titled)
    proposals: list[Proposal] = []
    for child in elements:
        by_doc: dict[URIRef, list[tuple[float, str, AlignableElement]]] = {}
        for document in candidates.get(child.document, []):
            for parent in by_document[document]:
                if parent.cls not in COMPATIBLE[child.cls]:
                    continue
                score, note = scorer.score(child, parent)
                if score >= threshold:
                    by_doc.setdefault(parent.document, []).append((score, note, parent))
        for document in sorted(by_doc, key=str):
            ranked = by_doc[document]
            ranked.sort(key=lambda r: (-r[0], str(r[2].iri)))
            for score, note, parent in ranked[:per_document]:
                phrases = scorer.shared_phrases(child, parent)
                evidence = "、".join(p for p in phrases[:5] if len(p) >= 2)
                proposals.append(
                    Proposal(child.iri, parent.iri, Decimal(f"{score:.3f}"), evidence, note)
                )
    return proposals


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
