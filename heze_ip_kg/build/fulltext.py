"""A parent's curated file laid over its parsed full text (``full_text:`` in data/parents/*.yaml).

The official text gives every element, heading, value and span: the document goes through
``parse`` and ``build`` like the Heze plan. The curated file keeps what the text does not say:
which element each IRI the dataset gave before the text arrived names (located by a phrase the
sources quoted, so links and decisions keep working), what other sources reported of it (with
their URLs) and facts the text does not state (文号, the news agency's date). Where a curated
report and the text disagree, the text wins in the graph and the build says so.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.build.parents import CLASSES, ParentBuilder
from heze_ip_kg.build.plan import KIND_CLASSES, Vocabulary, element_paths, title_key, unit_iri
from heze_ip_kg.curated.parents import FullTextParent, QuotedElement
from heze_ip_kg.parse.model import Element, ElementKind, Plan
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, RDF, RDFS

KINDS: dict[str, ElementKind] = {
    "GuidingIdea": ElementKind.GUIDING_IDEA,
    "Principle": ElementKind.PRINCIPLE,
    "Objective": ElementKind.OBJECTIVE,
    "Indicator": ElementKind.INDICATOR,
    "TaskArea": ElementKind.TASK_AREA,
    "Task": ElementKind.TASK,
    "KeyProject": ElementKind.KEY_PROJECT,
    "Safeguard": ElementKind.SAFEGUARD,
}


@dataclass(frozen=True)
class Overlay:
    """How a curated file meets its full text.

    ``pins`` maps an element's path as minted to the curated id whose IRI it takes; ``matched``
    gives each located curated id its element; ``findings`` says, one line each naming the
    curated file and line, where the two disagree.
    """

    parent: FullTextParent
    pins: dict[str, str]
    matched: dict[str, Element]
    disagreements: dict[str, tuple[str, ...]]
    findings: tuple[str, ...]


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _values_disagree(element: QuotedElement, found: Element, vocabulary: Vocabulary) -> list[str]:
    """What a curated indicator reports that the text's indicator does not say."""
    values = found.indicator
    if values is None:
        return ["the text's element has no values"]
    problems = []
    unit = element.unit
    if unit and (
        values.unit is None or unit_iri(unit, vocabulary) != unit_iri(values.unit, vocabulary)
    ):
        problems.append(f"unit {unit!r}, the text {values.unit!r}")
    for key, fact, value, year in (
        ("baseline", element.baseline, values.baseline, values.baseline_year),
        ("target", element.target, values.target, values.target_year),
    ):
        if fact is not None and fact.value is not None and fact.value != value:
            problems.append(f"{key} {fact.value}, the text {value}")
        if fact is not None and fact.year is not None and fact.year != year:
            problems.append(f"{key} year {fact.year}, the text {year}")
    nature = element.nature
    if nature and nature != values.nature:
        problems.append(f"nature {nature}, the text {values.nature}")
    return problems


def match_parent(parent: FullTextParent, plan: Plan, vocabulary: Vocabulary) -> Overlay:
    """Locate each curated element of ``parent`` in ``plan`` (its parsed full text)."""
    paths = element_paths(plan)
    pins: dict[str, str] = {}
    matched: dict[str, Element] = {}
    disagreements: dict[str, tuple[str, ...]] = {}
    findings: list[str] = []
    taken: dict[str, str] = {}
    if plan.title is None or title_key(plan.title) != title_key(parent.title.zh):
        at = parent.place("title", key="title")
        findings.append(f"{at}: {parent.title.zh!r}, the text {plan.title!r}")
    for index, element in enumerate(parent.elements, start=1):
        at = parent.place(f"elements[{index}] {element.id}", element)
        kind = KINDS[element.klass]
        wanted = element.quotes
        candidates = [
            (p, e) for p, e in paths if e.kind is kind and _norm(wanted[0]) in _norm(e.text)
        ]
        if not candidates:
            findings.append(f"{at}: {wanted[0]!r} is in no {element.klass} of the text; left out")
            continue
        exact = [(p, e) for p, e in candidates if _norm(e.heading) == _norm(wanted[0])]
        path, found = (exact or candidates)[0]
        if len(exact or candidates) > 1:
            findings.append(f"{at}: {wanted[0]!r} is in {len(candidates)} elements; took {path}")
        if path in taken:
            findings.append(f"{at}: {path} is already {taken[path]}; left out")
            continue
        taken[path] = element.id
        pins[path], matched[element.id] = element.id, found
        problems = [
            f"{q!r} is not in {path}" for q in wanted[1:] if _norm(q) not in _norm(found.text)
        ]
        if kind is ElementKind.INDICATOR:
            problems += _values_disagree(element, found, vocabulary)
        if problems:
            disagreements[element.id] = tuple(problems)
            findings += [f"{at}: reports {p}" for p in problems]
    return Overlay(parent, pins, matched, disagreements, tuple(findings))


class _OverlayBuilder(ParentBuilder):
    """The curated facts of a parent whose elements come from its parsed full text."""

    def __init__(self, overlay: Overlay, plan: Plan, vocabulary: Vocabulary, base: str) -> None:
        super().__init__(overlay.parent, vocabulary, base)
        self.overlay = overlay
        self.plan = plan

    def _title(self) -> None:
        title = self.overlay.parent.title
        if self.plan.title == title.zh:
            self.cite(self.doc, DCTERMS.title, title.sources)
            return
        # The text's spelling is the title; the sources' spelling stays as an alternative.
        self.graph.add((self.doc, DCTERMS.alternative, Literal(title.zh, lang="zh")))
        self.cite(self.doc, DCTERMS.alternative, title.sources, title.zh)

    def _elements(self) -> None:
        for element in self.overlay.parent.elements:
            if element.id not in self.overlay.matched:
                continue
            iri = URIRef(f"{self.doc}/{element.id}")
            for quote in element.quotes:
                self.cite(iri, RDF.type, element.sources, quote)
            if element.note:
                note = " ".join(element.note.split())
                self.graph.add((iri, RDFS.comment, Literal(note, lang="en")))
            problems = self.overlay.disagreements.get(element.id, ())
            note = "Disagrees with the text, which the graph follows: " + "; ".join(problems)
            for fact, prop in (
                (element.baseline, HIP.baselineValue),
                (element.target, HIP.targetValue),
            ):
                if fact is not None:
                    self.cite(iri, prop, fact.sources, note=note if problems else fact.note)

    def _counts(self) -> None:
        g = self.graph
        found = Counter(KIND_CLASSES[e.kind] for e in self.plan.walk())
        name = self.plan.source.name.replace("\\", "/").rsplit("/", 1)[-1]
        for cls, term in sorted(CLASSES.items()):
            if cls == "Plan":
                continue
            node = URIRef(f"{self.doc}/count/{cls}")
            g.add((self.doc, HIP.elementCount, node))
            g.add((node, RDF.type, HIP.ElementCount))
            g.add((node, HIP.countedClass, term))
            g.add((node, HIP.encodedCount, Literal(found[term])))
            g.add((node, HIP.declaredCount, Literal(found[term])))
            g.add((node, DCTERMS.source, URIRef(f"{self.doc}/source")))
            note = f"Counted in the full text ({name}); every element of it is encoded."
            g.add((node, RDFS.comment, Literal(note, lang="en")))


def count_parsed_parents(graph: Graph) -> None:
    """Element counts for every parsed text another document is based on and that has none.

    Its full text is encoded, so the declared count is the encoded one; coverage of a parent
    (``report-coverage``) then works for any parent whose text is parsed — a province's plan
    under its cities — and not only for curated ones.
    """
    for doc in sorted({o for o in graph.objects(None, ELI.based_on) if isinstance(o, URIRef)}):
        if (doc, HIP.elementCount, None) in graph or (None, HIP.inDocument, doc) not in graph:
            continue
        if (URIRef(f"{doc}/source"), RDF.type, HIP.SourceText) not in graph:
            continue  # a curated document: its counts are what the sources declare
        found = Counter(
            cls
            for element in graph.subjects(HIP.inDocument, doc)
            for cls in graph.objects(element, RDF.type)
        )
        for name, term in sorted(CLASSES.items()):
            if name == "Plan":
                continue
            node = URIRef(f"{doc}/count/{name}")
            graph.add((doc, HIP.elementCount, node))
            graph.add((node, RDF.type, HIP.ElementCount))
            graph.add((node, HIP.countedClass, term))
            graph.add((node, HIP.encodedCount, Literal(found[term])))
            graph.add((node, HIP.declaredCount, Literal(found[term])))
            graph.add((node, DCTERMS.source, URIRef(f"{doc}/source")))
            note = "Counted in the full text; every element of it is encoded."
            graph.add((node, RDFS.comment, Literal(note, lang="en")))


def overlay_graph(overlay: Overlay, plan: Plan, vocabulary: Vocabulary, base: str) -> Graph:
    """The curated facts of a parent laid over the graph of its full text."""
    return _OverlayBuilder(overlay, plan, vocabulary, base).build()


__all__ = ["KINDS", "Overlay", "count_parsed_parents", "match_parent", "overlay_graph"]
