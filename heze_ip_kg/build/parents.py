"""Curated parent documents (``data/parents/*.yaml``) → RDF in the same model as a parsed plan.

A parent whose full text is not available is built from its curated file alone: elements get flat
IRIs ``{base}{doc}/{kind}-{n}``; what a source declares but the file cannot encode is kept as
data, ``hip:ElementCount`` with the declared and the encoded count, and ``hip:unknownFact`` for
facts not found. (A parent with a full text goes through ``parse`` and ``build``;
``heze_ip_kg.build.fulltext`` lays its curated file over it.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.build.plan import (
    CONCEPT_BASE,
    NATURE_CONCEPTS,
    Vocabulary,
    describe_unit,
    number_literal,
)
from heze_ip_kg.build.plan import cited_document_iri as _cited_iri
from heze_ip_kg.curated.fields import UrlSource
from heze_ip_kg.curated.parents import Count, CuratedParent, DescribedElement, ParentDocument
from heze_ip_kg.vocab.namespaces import DCTERMS, DEFAULT_BASE, ELI, HIP, RDF, RDFS, SKOS, XSD
from heze_ip_kg.vocab.owned import add_citation

CLASSES = {
    "Plan": HIP.Plan,
    "GuidingIdea": HIP.GuidingIdea,
    "Principle": HIP.Principle,
    "Objective": HIP.Objective,
    "Indicator": HIP.Indicator,
    "TaskArea": HIP.TaskArea,
    "Task": HIP.Task,
    "KeyProject": HIP.KeyProject,
    "Safeguard": HIP.Safeguard,
}
FACT_PROPERTIES = {
    "notice_title": DCTERMS.title,
    "issuer": HIP.issuerName,
    "document_number": HIP.documentNumber,
    "date_document": ELI.date_document,
    "date_publication": ELI.date_publication,
    "drafter": DCTERMS.contributor,
    "plan_type": DCTERMS.type,
    "english_title": DCTERMS.alternative,
}


def _words(note: str) -> str:
    return " ".join(note.split())


class ParentBuilder:
    """The RDF a parent file gives its document; subclasses add its elements and counts."""

    def __init__(self, parent: ParentDocument, vocabulary: Vocabulary, base: str) -> None:
        self.parent = parent
        self.vocabulary = vocabulary
        self.base = base
        self.doc = URIRef(base + parent.slug)
        self.graph = Graph()

    def cite(
        self,
        subject: URIRef,
        prop: URIRef,
        sources: Sequence[UrlSource],
        quote: str | None = None,
        note: str | None = None,
    ) -> None:
        for source in sources:
            add_citation(
                self.graph,
                subject,
                prop,
                source=URIRef(source.url),
                quote=quote,
                reliability=source.reliability,
                note=note,
            )

    def build(self) -> Graph:
        g, doc, parent = self.graph, self.doc, self.parent
        g.add((doc, RDF.type, HIP.Plan))
        g.add((doc, HIP.governmentLevel, URIRef(CONCEPT_BASE + "level/" + parent.level)))
        self._title()
        for alias in parent.aliases:
            g.add((doc, DCTERMS.alternative, Literal(alias.zh, lang="zh")))
            self.cite(doc, DCTERMS.alternative, alias.sources, alias.zh)
        self._facts()
        self._based_on()
        self._elements()
        self._counts()
        for entry in parent.unknown:
            text = f"{entry.what}: {_words(entry.note or '')}".rstrip(": ")
            g.add((doc, HIP.unknownFact, Literal(text, lang="en")))
        return g

    def _title(self) -> None:
        title, doc = self.parent.title, self.doc
        self.graph.add((doc, DCTERMS.title, Literal(title.zh, lang="zh")))
        self.graph.add((doc, RDFS.label, Literal(title.zh, lang="zh")))
        if title.en:
            self.graph.add((doc, RDFS.label, Literal(title.en, lang="en")))
        self.cite(doc, DCTERMS.title, title.sources)

    def _facts(self) -> None:
        for key, fact in sorted(self.parent.facts.items()):
            prop = FACT_PROPERTIES[key]
            subject = self.doc
            if key == "notice_title":
                subject = URIRef(f"{self.doc}/notice")
                self.graph.add((subject, RDF.type, HIP.Notice))
                self.graph.add((subject, HIP.promulgates, self.doc))
                if fact.zh is not None:
                    self.graph.add((subject, RDFS.label, Literal(fact.zh, lang="zh")))
            if isinstance(fact.value, dt.date):
                self.graph.add((subject, prop, Literal(fact.value.isoformat(), datatype=XSD.date)))
            elif fact.value is not None:
                lang = "en" if key == "english_title" else None
                self.graph.add((subject, prop, Literal(str(fact.value), lang=lang)))
            for lang, text in (("zh", fact.zh), ("en", fact.en)):
                if text is not None:
                    self.graph.add((subject, prop, Literal(text, lang=lang)))
            self.cite(subject, prop, fact.sources, note=fact.note)

    def _based_on(self) -> None:
        for entry in self.parent.based_on:
            if entry.document is not None:
                target = URIRef(self.base + entry.document)
            else:
                assert entry.title is not None  # a BasedOn names a document or a title
                target = _cited_iri(entry.title, self.vocabulary, self.base)
                self.graph.add((target, RDF.type, HIP.PolicyDocument))
                self.graph.add((target, HIP.citedTitle, Literal(entry.title, lang="zh")))
            self.graph.add((self.doc, ELI.based_on, target))
            self.cite(self.doc, ELI.based_on, entry.sources, entry.quote)

    def _elements(self) -> None:
        raise NotImplementedError

    def _counts(self) -> None:
        raise NotImplementedError


class _CuratedBuilder(ParentBuilder):
    """A parent known from its curated file alone: its elements and counts as the file says."""

    def __init__(self, parent: CuratedParent, vocabulary: Vocabulary, base: str) -> None:
        super().__init__(parent, vocabulary, base)
        self.curated = parent

    def _elements(self) -> None:
        g = self.graph
        siblings: Counter[str] = Counter()
        for element in self.curated.elements:
            iri = URIRef(f"{self.doc}/{element.id}")
            parent = element.parent
            container = URIRef(f"{self.doc}/{parent}") if parent else self.doc
            siblings[str(container)] += 1
            g.add((iri, RDF.type, CLASSES[element.klass]))
            g.add((iri, DCTERMS.isPartOf, container))
            g.add((iri, HIP.inDocument, self.doc))
            g.add((iri, HIP.order, Literal(siblings[str(container)])))
            g.add((iri, RDFS.label, Literal(element.label.zh, lang="zh")))
            g.add((iri, RDFS.label, Literal(element.label.en, lang="en")))
            if element.notation:
                g.add((iri, SKOS.notation, Literal(element.notation)))
            if element.note:
                g.add((iri, RDFS.comment, Literal(_words(element.note), lang="en")))
            self.cite(iri, RDF.type, element.sources, element.text)
            if element.klass == "Indicator":
                self._indicator(iri, element)

    def _indicator(self, iri: URIRef, element: DescribedElement) -> None:
        g = self.graph
        if element.unit:
            g.add((iri, HIP.unit, describe_unit(g, element.unit, self.vocabulary)))
            g.add((iri, HIP.unitText, Literal(element.unit, lang="zh")))
        if element.nature:
            nature = NATURE_CONCEPTS[element.nature]
            g.add((iri, HIP.nature, URIRef(CONCEPT_BASE + "nature/" + nature)))
        for fact, value_prop, year_prop in (
            (element.baseline, HIP.baselineValue, HIP.baselineYear),
            (element.target, HIP.targetValue, HIP.targetYear),
        ):
            if fact is None:
                continue
            if fact.value is not None:
                g.add((iri, value_prop, number_literal(fact.value)))
                self.cite(iri, value_prop, fact.sources, note=fact.note)
            if fact.year is not None:
                g.add((iri, year_prop, Literal(f"{fact.year:04d}", datatype=XSD.gYear)))
                self.cite(iri, year_prop, fact.sources)

    def _counts(self) -> None:
        g = self.graph
        encoded: Counter[str] = Counter(e.klass for e in self.curated.elements)
        declared: dict[str, Count] = {c.klass: c for c in self.curated.counts}
        for cls in sorted(set(encoded) | set(declared)):
            node = URIRef(f"{self.doc}/count/{cls}")
            g.add((self.doc, HIP.elementCount, node))
            g.add((node, RDF.type, HIP.ElementCount))
            g.add((node, HIP.countedClass, CLASSES[cls]))
            g.add((node, HIP.encodedCount, Literal(encoded[cls])))
            entry = declared.get(cls)
            if entry is None:
                continue
            if entry.declared is not None:
                g.add((node, HIP.declaredCount, Literal(entry.declared)))
            if entry.note:
                g.add((node, RDFS.comment, Literal(_words(entry.note), lang="en")))
            self.cite(node, HIP.declaredCount, entry.sources)


def build_parent_graph(
    parent: CuratedParent, vocabulary: Vocabulary, base: str = DEFAULT_BASE
) -> Graph:
    """The RDF of one curated parent document (one without a full text)."""
    return _CuratedBuilder(parent, vocabulary, base).build()


__all__ = ["CLASSES", "FACT_PROPERTIES", "ParentBuilder", "build_parent_graph"]
