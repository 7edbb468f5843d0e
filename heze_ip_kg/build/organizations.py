"""Curated organisations (``data/organizations.yaml``) → ORG-ontology resources with sources.

A fact sourced by a ``quote`` must be found word for word in one of the parsed source texts; its
place there becomes an ``oa:TextPositionSelector``. A fact sourced by a ``url`` carries the URL and
its reliability. (The file's model and loader: ``heze_ip_kg.curated.organizations``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.build.plan import CONCEPT_BASE
from heze_ip_kg.curated.organizations import Gazetteer, QuoteSource, Source
from heze_ip_kg.errors import InputError
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, ORG, RDF, RDFS, SKOS
from heze_ip_kg.vocab.owned import add_citation


@dataclass(frozen=True)
class SourceText:
    """A parsed source the quotes are looked up in: its IRI and decoded text."""

    iri: URIRef
    text: str


def org_iri(org_id: str, base: str) -> URIRef:
    """The IRI of a curated organisation."""
    return URIRef(f"{base}org/{org_id}")


def locate_quote(quote: str, sources: list[SourceText], where: str) -> tuple[SourceText, int]:
    """The first source containing ``quote`` and the offset where it starts."""
    for source in sources:
        at = source.text.find(quote)
        if at != -1:
            return source, at
    raise InputError(f"{where}: quote not found in any source text: {quote[:30]!r}")


def _cite(
    graph: Graph,
    subject: URIRef,
    prop: URIRef,
    sources: Sequence[Source],
    texts: list[SourceText],
    where: str,
    note: str | None = None,
) -> None:
    for source in sources:
        if isinstance(source, QuoteSource):
            text, at = locate_quote(source.quote, texts, where)
            span = (text.iri, at, at + len(source.quote))
            add_citation(
                graph,
                subject,
                prop,
                source=text.iri,
                quote=source.quote,
                reliability="orig",
                note=note,
                span=span,
            )
        else:
            url = URIRef(source.url)
            add_citation(
                graph, subject, prop, source=url, reliability=source.reliability, note=note
            )


_GENERIC = Literal("A class of bodies the text names generically.", lang="en")


def organization_graph(gazetteer: Gazetteer, texts: list[SourceText], base: str) -> Graph:
    """Every curated body as an ``org:Organization`` with labels, aliases, level and links."""
    graph = Graph()
    for index, org in enumerate(gazetteer.organizations, start=1):
        where = gazetteer.place(f"organizations[{index}]", org)
        iri = org_iri(org.id, base)
        graph.add((iri, RDF.type, ORG.Organization))
        if org.label.zh:
            graph.add((iri, RDFS.label, Literal(org.label.zh, lang="zh")))
            graph.add((iri, SKOS.prefLabel, Literal(org.label.zh, lang="zh")))
        graph.add((iri, RDFS.label, Literal(org.label.en, lang="en")))
        graph.add((iri, SKOS.prefLabel, Literal(org.label.en, lang="en")))
        for alias in org.aliases:
            graph.add((iri, HIP.alias, Literal(alias, lang="zh")))
        graph.add((iri, HIP.governmentLevel, URIRef(CONCEPT_BASE + "level/" + org.level)))
        graph.add((iri, DCTERMS.type, Literal(org.kind)))
        if org.generic:
            graph.add((iri, SKOS.scopeNote, _GENERIC))
        if org.note:
            graph.add((iri, RDFS.comment, Literal(" ".join(org.note.split()), lang="en")))
        _cite(graph, iri, RDF.type, org.sources, texts, where)
        for links, prop in (
            (org.sub_organization_of, ORG.subOrganizationOf),
            (org.counterparts, HIP.counterpart),
        ):
            for link in links:
                graph.add((iri, prop, org_iri(link.id, base)))
                _cite(graph, iri, prop, link.sources, texts, where, link.note)
    return graph


__all__ = [
    "SourceText",
    "locate_quote",
    "org_iri",
    "organization_graph",
]
