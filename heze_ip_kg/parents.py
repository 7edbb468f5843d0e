"""Curated parent documents (``data/parents/*.yaml``) → RDF in the same model as a parsed plan.

A parent whose full text is not available is built from its curated file alone: elements get flat
IRIs ``{base}{doc}/{kind}-{n}``; what a source declares but the file cannot encode is kept as
data, ``hip:ElementCount`` with the declared and the encoded count, and ``hip:unknownFact`` for
facts not found. (A parent with a full text goes through ``parse`` and ``build``;
``heze_ip_kg.fulltext`` lays its curated file over it.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from heze_ip_kg.build import (
    CONCEPT_BASE,
    NATURE_CONCEPTS,
    Vocabulary,
    describe_unit,
    number_literal,
)
from heze_ip_kg.build import cited_document_iri as _cited_iri
from heze_ip_kg.namespaces import DCTERMS, DEFAULT_BASE, ELI, HIP, RDF, RDFS, SKOS, XSD
from heze_ip_kg.parent_files import (
    CLASSES,
    FACT_PROPERTIES,
    RELIABILITY,
    ParentFile,
    load_parent,
    load_parents,
    source_list,
)


def _bnode(*keys: str) -> BNode:
    return BNode("c" + hashlib.sha1("|".join(keys).encode()).hexdigest()[:20])


class ParentBuilder:
    """The RDF of one curated parent file; ``fulltext`` overrides the parts a text gives."""

    def __init__(self, parent: ParentFile, vocabulary: Vocabulary, base: str) -> None:
        self.data = parent.data
        self.vocabulary = vocabulary
        self.base = base
        self.doc = URIRef(base + parent.slug)
        self.graph = Graph()

    def cite(
        self,
        subject: URIRef,
        prop: URIRef,
        sources: list[tuple[str, str]],
        quote: str | None = None,
        note: str | None = None,
    ) -> None:
        for url, reliability in sources:
            node = _bnode(str(subject), str(prop), url, quote or "")
            self.graph.add((subject, HIP.citation, node))
            self.graph.add((node, RDF.type, HIP.SourceCitation))
            self.graph.add((node, HIP.aboutProperty, prop))
            self.graph.add((node, DCTERMS.source, URIRef(url)))
            self.graph.add(
                (
                    node,
                    HIP.reliability,
                    URIRef(CONCEPT_BASE + "reliability/" + RELIABILITY[reliability]),
                )
            )
            if quote:
                self.graph.add((node, HIP.quote, Literal(quote, lang="zh")))
            if note:
                self.graph.add((node, RDFS.comment, Literal(" ".join(note.split()), lang="en")))

    def build(self) -> Graph:
        g, doc, data = self.graph, self.doc, self.data
        g.add((doc, RDF.type, HIP.Plan))
        g.add((doc, HIP.governmentLevel, URIRef(CONCEPT_BASE + "level/" + data["level"])))
        self._title()
        for alias in data.get("aliases") or []:
            g.add((doc, DCTERMS.alternative, Literal(alias["zh"], lang="zh")))
            self.cite(doc, DCTERMS.alternative, source_list(alias.get("sources"), ""), alias["zh"])
        self._facts()
        self._based_on()
        self._elements()
        self._counts()
        for entry in data.get("unknown") or []:
            text = f"{entry['what']}: {' '.join(str(entry.get('note', '')).split())}".rstrip(": ")
            g.add((doc, HIP.unknownFact, Literal(text, lang="en")))
        return g

    def _title(self) -> None:
        title, doc = self.data["title"], self.doc
        self.graph.add((doc, DCTERMS.title, Literal(title["zh"], lang="zh")))
        self.graph.add((doc, RDFS.label, Literal(title["zh"], lang="zh")))
        if title.get("en"):
            self.graph.add((doc, RDFS.label, Literal(title["en"], lang="en")))
        self.cite(doc, DCTERMS.title, source_list(title["sources"], ""))

    def _facts(self) -> None:
        for key, fact in sorted((self.data.get("facts") or {}).items()):
            prop = FACT_PROPERTIES[key]
            sources = source_list(fact["sources"], "")
            subject = self.doc
            if key == "notice_title":
                subject = URIRef(f"{self.doc}/notice")
                self.graph.add((subject, RDF.type, HIP.Notice))
                self.graph.add((subject, HIP.promulgates, self.doc))
                self.graph.add((subject, RDFS.label, Literal(fact["zh"], lang="zh")))
            if "value" in fact:
                value = fact["value"]
                if isinstance(value, dt.date):
                    obj = Literal(value.isoformat(), datatype=XSD.date)
                else:
                    obj = Literal(str(value), lang="en" if key == "english_title" else None)
                self.graph.add((subject, prop, obj))
            for lang in ("zh", "en"):
                if lang in fact:
                    self.graph.add((subject, prop, Literal(fact[lang], lang=lang)))
            self.cite(subject, prop, sources, note=fact.get("note"))

    def _based_on(self) -> None:
        for entry in self.data.get("based_on") or []:
            if "document" in entry:
                target = URIRef(self.base + entry["document"])
            else:
                target = _cited_iri(entry["title"], self.vocabulary, self.base)
                self.graph.add((target, RDF.type, HIP.PolicyDocument))
                self.graph.add((target, HIP.citedTitle, Literal(entry["title"], lang="zh")))
            self.graph.add((self.doc, ELI.based_on, target))
            self.cite(self.doc, ELI.based_on, source_list(entry["sources"], ""), entry.get("quote"))

    def _elements(self) -> None:
        g = self.graph
        siblings: Counter[str] = Counter()
        for element in self.data["elements"]:
            iri = URIRef(f"{self.doc}/{element['id']}")
            parent = element.get("parent")
            container = URIRef(f"{self.doc}/{parent}") if parent else self.doc
            siblings[str(container)] += 1
            g.add((iri, RDF.type, CLASSES[element["class"]]))
            g.add((iri, DCTERMS.isPartOf, container))
            g.add((iri, HIP.inDocument, self.doc))
            g.add((iri, HIP.order, Literal(siblings[str(container)])))
            g.add((iri, RDFS.label, Literal(element["label"]["zh"], lang="zh")))
            g.add((iri, RDFS.label, Literal(element["label"]["en"], lang="en")))
            if element.get("notation"):
                g.add((iri, SKOS.notation, Literal(element["notation"])))
            if element.get("note"):
                g.add((iri, RDFS.comment, Literal(" ".join(element["note"].split()), lang="en")))
            self.cite(iri, RDF.type, source_list(element["sources"], ""), element.get("text"))
            if element["class"] == "Indicator":
                self._indicator(iri, element)

    def _indicator(self, iri: URIRef, element: dict[str, Any]) -> None:
        g = self.graph
        unit = element.get("unit")
        if unit:
            g.add((iri, HIP.unit, describe_unit(g, unit, self.vocabulary)))
            g.add((iri, HIP.unitText, Literal(unit, lang="zh")))
        if element.get("nature"):
            nature = NATURE_CONCEPTS[element["nature"]]
            g.add((iri, HIP.nature, URIRef(CONCEPT_BASE + "nature/" + nature)))
        for key, value_prop, year_prop in (
            ("baseline", HIP.baselineValue, HIP.baselineYear),
            ("target", HIP.targetValue, HIP.targetYear),
        ):
            fact = element.get(key)
            if not fact:
                continue
            sources = source_list(fact["sources"], "")
            if "value" in fact:
                g.add((iri, value_prop, number_literal(Decimal(str(fact["value"])))))
                self.cite(iri, value_prop, sources, note=fact.get("note"))
            if "year" in fact:
                g.add((iri, year_prop, Literal(f"{int(fact['year']):04d}", datatype=XSD.gYear)))
                self.cite(iri, year_prop, sources)

    def _counts(self) -> None:
        g = self.graph
        encoded = Counter(e["class"] for e in self.data["elements"])
        declared = {c["class"]: c for c in self.data.get("counts") or []}
        for cls in sorted(set(encoded) | set(declared)):
            node = URIRef(f"{self.doc}/count/{cls}")
            g.add((self.doc, HIP.elementCount, node))
            g.add((node, RDF.type, HIP.ElementCount))
            g.add((node, HIP.countedClass, CLASSES[cls]))
            g.add((node, HIP.encodedCount, Literal(encoded[cls])))
            entry = declared.get(cls, {})
            if entry.get("declared") is not None:
                g.add((node, HIP.declaredCount, Literal(entry["declared"])))
            if entry.get("note"):
                g.add((node, RDFS.comment, Literal(" ".join(entry["note"].split()), lang="en")))
            if entry.get("sources"):
                self.cite(node, HIP.declaredCount, source_list(entry["sources"], ""))


def build_parent_graph(
    parent: ParentFile, vocabulary: Vocabulary, base: str = DEFAULT_BASE
) -> Graph:
    """The RDF of one curated parent document."""
    return ParentBuilder(parent, vocabulary, base).build()


__all__ = [
    "CLASSES",
    "ParentBuilder",
    "ParentFile",
    "build_parent_graph",
    "load_parent",
    "load_parents",
]
