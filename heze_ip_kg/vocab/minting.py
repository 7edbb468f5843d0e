"""IRIs and typed literals the builders mint: documents, cited documents, elements, units,
decimals; and the settings and curated vocabulary they are minted with.

IRIs follow ontology/README.md: ``{base}{slug}`` for a document, ``{parent}/{kind}-{n}`` for its
elements, with ``n`` the number printed in the element's notation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

from rdflib import Literal, URIRef

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse.model import Element, ElementKind, title_key
from heze_ip_kg.vocab.iri import base_problem, slug_problem
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE, RDF, SKOS, XSD
from heze_ip_kg.vocab.triples import Sink

CONCEPT_BASE = DEFAULT_BASE + "concept/"
NATURE_CONCEPTS = {"预期性": "expected", "约束性": "binding"}
_SLUG_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class DocumentSettings:
    """How one source is placed in the graph: its slug, level of government and web address."""

    slug: str
    level: str | None = None
    url: str | None = None
    base: str = DEFAULT_BASE
    synthetic: bool = False

    def __post_init__(self) -> None:
        problem = slug_problem(self.slug)
        if problem:
            raise InputError(f"slug {self.slug!r} {problem}")
        problem = base_problem(self.base)
        if problem:
            raise InputError(f"base IRI {self.base!r} {problem}")


@dataclass(frozen=True)
class Vocabulary:
    """Curated lookups the builder needs: English labels, unit concepts, known documents."""

    labels_en: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    documents: Mapping[str, str] = field(default_factory=dict)


# Short literals recur across elements and plans (orders, notations, headings, flags, surface
# forms) and rdflib's Literal() is slow to build; a term is immutable, so one object can serve.
# ``typed``: Literal(1) and Literal(True) are different terms although 1 == True.
recurring_literal = lru_cache(maxsize=1 << 16, typed=True)(Literal)


def mint_slug(text: str) -> str:
    """A lower-case IRI segment: ``[a-z0-9-]`` kept, everything else percent-encoded.

    >>> mint_slug("Heze_Plan 2022"), mint_slug("规划")
    ('heze%5Fplan%202022', '%E8%A7%84%E5%88%92')
    """
    return "".join(
        c if c in _SLUG_SAFE else "".join(f"%{b:02X}" for b in c.encode()) for c in text.lower()
    )


def document_iri(slug: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of the document with ``slug``."""
    return URIRef(base + slug)


def cited_document_iri(title: str, vocabulary: Vocabulary, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of a cited document: its curated slug, or one minted from its title."""
    slug = vocabulary.documents.get(title_key(title))
    if slug is not None:
        return document_iri(slug, base)
    segment = quote(title_key(title), safe="")
    if segment in ("", ".", ".."):  # a dot segment would vanish when the IRI is resolved
        segment = "".join(f"%{b:02X}" for b in (title_key(title) or title).encode())
    return URIRef(base + "doc/by-title/" + segment)


def element_segment(element: Element) -> str:
    """The IRI segment of an element below its parent, e.g. ``task-3``."""
    if element.kind is ElementKind.INDICATOR_TABLE and element.number == 1:
        return element.kind.value
    return f"{element.kind.value}-{element.number}"


def unit_iri(unit: str, vocabulary: Vocabulary) -> URIRef:
    """The concept IRI of a unit: a curated name where known, else the percent-encoded unit."""
    name = vocabulary.units.get(unit) or quote(unit, safe="")
    return URIRef(CONCEPT_BASE + "unit/" + name)


def number_literal(value: Decimal) -> Literal:
    """A number typed by its value: ``xsd:integer`` when whole, else ``xsd:decimal``, each in
    its canonical form (no exponent, no sign on zero, no trailing zeros).

    SPARQL stores keep numbers by value and give them back in this form — Oxigraph writes
    "1.000"^^xsd:decimal back as "1", Virtuoso as "1"^^xsd:integer — so the endpoints serve the
    very literals the dumps hold. Both types are decimals by value (xsd:integer is derived from
    xsd:decimal), so a range of xsd:decimal holds. The number as written is in the text (the
    element's span).

    >>> for text in ("9", "0.870", "1E+2", "-0.50", "-0"):
    ...     print(number_literal(Decimal(text)).n3())
    "9"^^<http://www.w3.org/2001/XMLSchema#integer>
    "0.87"^^<http://www.w3.org/2001/XMLSchema#decimal>
    "100"^^<http://www.w3.org/2001/XMLSchema#integer>
    "-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>
    "0"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    if value == value.to_integral_value():
        return Literal(str(int(value)), datatype=XSD.integer)
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


def describe_unit(graph: Sink, unit: str, vocabulary: Vocabulary) -> URIRef:
    """Add the unit's SKOS concept (and its scheme) to ``graph``; return the concept IRI."""
    concept, scheme = unit_iri(unit, vocabulary), URIRef(CONCEPT_BASE + "unit")
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, scheme))
    # The first spelling listed for a concept is its label; others (% for 百分比) are alternatives,
    # so that each concept keeps one prefLabel per language (SKOS S14).
    preferred = next(
        (z for z, n in vocabulary.units.items() if n == vocabulary.units.get(unit)), unit
    )
    graph.add((concept, SKOS.prefLabel, Literal(preferred, lang="zh")))
    if preferred != unit:
        graph.add((concept, SKOS.altLabel, Literal(unit, lang="zh")))
    english = vocabulary.labels_en.get(preferred) or vocabulary.labels_en.get(unit)
    if english:
        graph.add((concept, SKOS.prefLabel, Literal(english, lang="en")))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal("计量单位", lang="zh")))
    graph.add((scheme, SKOS.prefLabel, Literal("Units of measure", lang="en")))
    return concept


__all__ = [
    "CONCEPT_BASE",
    "NATURE_CONCEPTS",
    "DocumentSettings",
    "Vocabulary",
    "cited_document_iri",
    "describe_unit",
    "document_iri",
    "element_segment",
    "mint_slug",
    "number_literal",
    "recurring_literal",
    "title_key",
    "unit_iri",
]
