"""How alike two elements' texts are, as the aligner weighs them (``align.proposals``).

Suited to Chinese policy text: character bigrams weighted by TF-IDF over every element (no word
segmenter needed, and rare bigrams such as 导航 or 地理 weigh more than 知识), after the words
every text of the genre shares are removed; and the distinctive phrases both texts share.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import URIRef

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


class Scorer:
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


__all__ = [
    "GENERIC",
    "AlignableElement",
    "Scorer",
    "bigrams",
    "normalise",
    "shared_phrases",
]
