"""Curated parent documents (``data/parents/*.yaml``) → RDF in the same model as a parsed plan.

The parents' full texts are not available offline; each file holds what public sources show, every
fact with its URL and reliability. Elements get flat IRIs ``{base}{doc}/{kind}-{n}``. What a source
declares but the file cannot encode is kept as data: ``hip:ElementCount`` with the declared and the
encoded count, and ``hip:unknownFact`` for facts not found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
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
from heze_ip_kg.datafiles import KeyType, check_keys, place, read_yaml, require
from heze_ip_kg.errors import InputError
from heze_ip_kg.iri import segment_problem, slug_problem
from heze_ip_kg.namespaces import DCTERMS, DEFAULT_BASE, ELI, HIP, RDF, RDFS, SKOS, XSD

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
RELIABILITY = {"orig": "orig", "news": "news", "secondary": "secondary"}
LEVELS = ("national", "provincial")
_TOP_KEYS: dict[str, KeyType] = {
    "id": str,
    "class": str,
    "level": str,
    "title": dict,
    "aliases": list,
    "facts": dict,
    "based_on": list,
    "counts": list,
    "elements": list,
    "unknown": list,
}
_ELEMENT_KEYS: dict[str, KeyType] = {
    "id": str,
    "class": str,
    "notation": str,
    "label": dict,
    "text": str,
    "parent": str,
    "sources": list,
    "note": str,
    "unit": str,
    "baseline": dict,
    "target": dict,
    "nature": str,
}
_VALUE_KEYS: dict[str, KeyType] = {
    "value": (int, float, str),
    "year": int,
    "sources": list,
    "note": str,
}
_FACT_KEYS: dict[str, KeyType] = {
    "zh": str,
    "en": str,
    "value": (str, dt.date, int, float),
    "sources": list,
    "note": str,
}
_FACTS = {
    "notice_title": DCTERMS.title,
    "issuer": HIP.issuerName,
    "document_number": HIP.documentNumber,
    "date_document": ELI.date_document,
    "date_publication": ELI.date_publication,
    "drafter": DCTERMS.contributor,
    "plan_type": DCTERMS.type,
    "english_title": DCTERMS.alternative,
}


@dataclass(frozen=True)
class ParentFile:
    """One curated parent document, validated."""

    path: Path
    data: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.data["id"])


def _bnode(*keys: str) -> BNode:
    return BNode("c" + hashlib.sha1("|".join(keys).encode()).hexdigest()[:20])


def _sources(value: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: 'sources' must be a non-empty list")
    found = []
    for index, source in enumerate(value, start=1):
        at = f"{where}: sources[{index}]"
        check_keys(source, {"url": str, "reliability": str}, where=at)
        url = require(source, "url", str, where=at)
        reliability = require(source, "reliability", str, where=at)
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{at}: url must be an http(s) address")
        if reliability not in RELIABILITY:
            raise InputError(f"{at}: reliability must be one of {', '.join(RELIABILITY)}")
        found.append((url, reliability))
    return found


def _check_element(element: Any, where: str, ids: set[str]) -> None:
    check_keys(element, _ELEMENT_KEYS, where=where)
    slug = require(element, "id", str, where=where)
    problem = segment_problem(slug)  # one segment of {base}{document}/{id}
    if problem:
        raise InputError(f"{where}: id {slug!r} {problem}")
    cls = require(element, "class", str, where=where)
    if cls not in CLASSES or cls == "Plan":
        raise InputError(f"{where}: unknown class {cls!r}")
    if slug in ids:
        raise InputError(f"{where}: duplicate id {slug!r}")
    label = require(element, "label", dict, where=where)
    check_keys(label, {"zh": str, "en": str}, where=f"{where}: label")
    require(label, "zh", str, where=f"{where}: label")
    require(label, "en", str, where=f"{where}: label")
    _sources(element.get("sources"), where)
    for key in ("baseline", "target"):
        if key in element:
            if cls != "Indicator":
                raise InputError(f"{where}: {key!r} only for indicators")
            value = element[key]
            check_keys(value, _VALUE_KEYS, where=f"{where}: {key}")
            _sources(value.get("sources"), f"{where}: {key}")
            if "value" in value:
                try:
                    Decimal(str(value["value"]))
                except InvalidOperation:
                    raise InputError(f"{where}: {key} value must be a number") from None
    nature = element.get("nature")
    if nature is not None and (not isinstance(nature, str) or nature not in NATURE_CONCEPTS):
        raise InputError(f"{where}: nature must be 预期性 or 约束性")


def load_parent(path: Path) -> ParentFile:
    """Read and strictly validate one parent file; errors name the file and the element."""
    data = read_yaml(path)
    where = place(path, "", data)
    check_keys(data, _TOP_KEYS, where=where)
    slug = require(data, "id", str, where=where)
    if slug != path.stem:
        raise InputError(f"{place(path, '', data, 'id')}: id {slug!r} must equal the file name")
    problem = slug_problem(slug)
    if problem:
        raise InputError(f"{place(path, '', data, 'id')}: id {slug!r} {problem}")
    if data.get("class") != "Plan":
        raise InputError(f"{place(path, '', data, 'class')}: class must be Plan")
    if data.get("level") not in LEVELS:
        at = place(path, "", data, "level")
        raise InputError(f"{at}: level must be one of {', '.join(LEVELS)}")
    title = require(data, "title", dict, where=where)
    check_keys(title, {"zh": str, "en": str, "sources": list}, where=f"{where}: title")
    require(title, "zh", str, where=f"{where}: title")
    _sources(title.get("sources"), f"{where}: title")
    for index, alias in enumerate(data.get("aliases") or [], start=1):
        at = place(path, f"aliases[{index}]", alias)
        check_keys(alias, {"zh": str, "en": str, "sources": list}, where=at)
        require(alias, "zh", str, where=at)
        _sources(alias.get("sources"), at)
    for key, fact in (data.get("facts") or {}).items():
        if key not in _FACTS:
            raise InputError(f"{where}: facts: unknown fact {key!r}")
        check_keys(fact, _FACT_KEYS, where=f"{where}: facts.{key}")
        _sources(fact.get("sources"), f"{where}: facts.{key}")
    ids: set[str] = set()
    elements = require(data, "elements", list, where=where)
    for index, element in enumerate(elements, start=1):
        _check_element(element, place(path, f"elements[{index}]", element), ids)
        ids.add(element["id"])
    for index, element in enumerate(elements, start=1):
        parent = element.get("parent")
        if parent is not None and parent not in ids:
            at = place(path, f"elements[{index}]", element)
            raise InputError(f"{at}: parent {parent!r} is not an element")
    for index, count in enumerate(data.get("counts") or [], start=1):
        at = place(path, f"counts[{index}]", count)
        check_keys(
            count,
            {"class": str, "declared": (int, type(None)), "note": str, "sources": list},
            where=at,
        )
        if not isinstance(count.get("class"), str) or count["class"] not in CLASSES:
            raise InputError(f"{at}: unknown class {count.get('class')!r}")
        declared = count.get("declared")
        if declared is not None and (not isinstance(declared, int) or declared < 0):
            raise InputError(f"{at}: declared must be a count or null")
    for index, entry in enumerate(data.get("based_on") or [], start=1):
        at = place(path, f"based_on[{index}]", entry)
        check_keys(entry, {"document": str, "title": str, "quote": str, "sources": list}, where=at)
        if ("document" in entry) == ("title" in entry):
            raise InputError(f"{at}: give either document or title")
        _sources(entry.get("sources"), at)
    for index, entry in enumerate(data.get("unknown") or [], start=1):
        at = place(path, f"unknown[{index}]", entry)
        check_keys(entry, {"what": str, "note": str}, where=at)
        require(entry, "what", str, where=at)
    return ParentFile(path, data)


def load_parents(folder: Path) -> list[ParentFile]:
    """Every ``*.yaml`` in ``folder``, validated, with cross-file references checked."""
    parents = [load_parent(p) for p in sorted(folder.glob("*.yaml"))]
    slugs = {p.slug for p in parents}
    for parent in parents:
        for index, entry in enumerate(parent.data.get("based_on") or [], start=1):
            if "document" in entry and entry["document"] not in slugs:
                at = place(parent.path, f"based_on[{index}]", entry)
                raise InputError(f"{at}: unknown document {entry['document']!r}")
    return parents


class _ParentBuilder:
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
        title = data["title"]
        g.add((doc, DCTERMS.title, Literal(title["zh"], lang="zh")))
        g.add((doc, RDFS.label, Literal(title["zh"], lang="zh")))
        if title.get("en"):
            g.add((doc, RDFS.label, Literal(title["en"], lang="en")))
        self.cite(doc, DCTERMS.title, _sources(title["sources"], ""))
        for alias in data.get("aliases") or []:
            g.add((doc, DCTERMS.alternative, Literal(alias["zh"], lang="zh")))
            self.cite(doc, DCTERMS.alternative, _sources(alias.get("sources"), ""), alias["zh"])
        self._facts()
        self._based_on()
        self._elements()
        self._counts()
        for entry in data.get("unknown") or []:
            text = f"{entry['what']}: {' '.join(str(entry.get('note', '')).split())}".rstrip(": ")
            g.add((doc, HIP.unknownFact, Literal(text, lang="en")))
        return g

    def _facts(self) -> None:
        for key, fact in sorted((self.data.get("facts") or {}).items()):
            prop = _FACTS[key]
            sources = _sources(fact["sources"], "")
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
            self.cite(self.doc, ELI.based_on, _sources(entry["sources"], ""), entry.get("quote"))

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
            self.cite(iri, RDF.type, _sources(element["sources"], ""), element.get("text"))
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
            sources = _sources(fact["sources"], "")
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
                self.cite(node, HIP.declaredCount, _sources(entry["sources"], ""))


def build_parent_graph(
    parent: ParentFile, vocabulary: Vocabulary, base: str = DEFAULT_BASE
) -> Graph:
    """The RDF of one curated parent document."""
    return _ParentBuilder(parent, vocabulary, base).build()


__all__ = ["CLASSES", "ParentFile", "build_parent_graph", "load_parent", "load_parents"]
