"""Curated organisations (``data/organizations.yaml``) → ORG-ontology resources with sources.

A fact sourced by a ``quote`` must be found word for word in one of the parsed source texts; its
place there becomes an ``oa:TextPositionSelector``. A fact sourced by a ``url`` carries the URL and
its reliability.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from heze_ip_kg.build import CONCEPT_BASE
from heze_ip_kg.datafiles import KeyType, check_keys, place, read_yaml, require
from heze_ip_kg.errors import InputError
from heze_ip_kg.namespaces import DCTERMS, HIP, OA, ORG, RDF, RDFS, SKOS, XSD

LEVELS = ("national", "provincial", "municipal", "county", "non-governmental")
KINDS = (
    "government",
    "department",
    "leading-group",
    "joint-conference",
    "judicial",
    "procuratorial",
    "public-security",
    "customs",
    "finance",
    "association",
    "mediation",
    "service-provider",
    "education-research",
    "service-centre",
    "enterprise",
)
_ORG_KEYS: dict[str, KeyType] = {
    "id": str,
    "label": dict,
    "level": str,
    "kind": str,
    "aliases": list,
    "generic": bool,
    "sources": list,
    "sub_organization_of": list,
    "counterparts": list,
    "note": str,
}


@dataclass(frozen=True)
class SourceText:
    """A parsed source the quotes are looked up in: its IRI and decoded text."""

    iri: URIRef
    text: str


@dataclass(frozen=True)
class Organization:
    """One curated body."""

    id: str
    label_zh: str | None
    label_en: str
    level: str
    kind: str
    aliases: tuple[str, ...]
    generic: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class Gazetteer:
    """Aliases to organisation ids, and the phrases reviewed as not being bodies."""

    organizations: tuple[Organization, ...]
    non_bodies: tuple[str, ...]

    def by_alias(self) -> dict[str, str]:
        return {alias: org.id for org in self.organizations for alias in org.aliases}

    @cached_property
    def alias_pattern(self) -> re.Pattern[str]:
        """Every alias, longest first: at each place the regex takes the longest that matches."""
        aliases = sorted(self.by_alias(), key=lambda alias: -len(alias))
        return re.compile("|".join(map(re.escape, aliases))) if aliases else re.compile(r"(?!)")

    def get(self, org_id: str) -> Organization:
        return next(o for o in self.organizations if o.id == org_id)


def _check_sources(sources: Any, where: str) -> None:
    if not isinstance(sources, list) or not sources:
        raise InputError(f"{where}: 'sources' must be a non-empty list")
    for index, source in enumerate(sources, start=1):
        at = f"{where}: sources[{index}]"
        if isinstance(source, dict) and "quote" in source:
            check_keys(source, {"quote": str}, where=at)
            require(source, "quote", str, where=at)
        else:
            check_keys(source, {"url": str, "reliability": str}, where=at)
            url = require(source, "url", str, where=at)
            if not url.startswith(("http://", "https://")):
                raise InputError(f"{at}: url must be an http(s) address")
            if source.get("reliability") not in ("orig", "news", "secondary"):
                raise InputError(f"{at}: reliability must be orig, news or secondary")


def load_organizations(path: Path) -> Gazetteer:
    """Read and strictly validate the organisations file; errors name the file and the body."""
    data = read_yaml(path)
    check_keys(
        data, {"organizations": list, "reviewed_non_bodies": list}, where=place(path, "", data)
    )
    entries = require(data, "organizations", list, where=place(path, "", data))
    ids: set[str] = set()
    found: list[Organization] = []
    for index, entry in enumerate(entries, start=1):
        where = place(path, f"organizations[{index}]", entry)
        check_keys(entry, _ORG_KEYS, where=where)
        org_id = require(entry, "id", str, where=where)
        if not re.fullmatch(r"[a-z0-9-]+", org_id):
            raise InputError(f"{where}: id must be lower-case ASCII with hyphens")
        if org_id in ids:
            raise InputError(f"{where}: duplicate id {org_id!r}")
        ids.add(org_id)
        label = require(entry, "label", dict, where=where)
        check_keys(label, {"zh": str, "en": str}, where=f"{where}: label")
        if entry.get("level") not in LEVELS:
            raise InputError(f"{where}: level must be one of {', '.join(LEVELS)}")
        if entry.get("kind") not in KINDS:
            raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise InputError(f"{where}: aliases must be a list of names")
        _check_sources(entry.get("sources"), where)
        for key in ("sub_organization_of", "counterparts"):
            for link_index, link in enumerate(entry.get(key) or [], start=1):
                at = f"{where}: {key}[{link_index}]"
                check_keys(link, {"id": str, "sources": list, "note": str}, where=at)
                require(link, "id", str, where=at)
                _check_sources(link.get("sources"), at)
        found.append(
            Organization(
                org_id,
                label.get("zh"),
                require(label, "en", str, where=where),
                entry["level"],
                entry["kind"],
                tuple(aliases),
                bool(entry.get("generic")),
                entry,
            )
        )
    for index, org in enumerate(found, start=1):
        for key in ("sub_organization_of", "counterparts"):
            for link in org.data.get(key) or []:
                if link["id"] not in ids:
                    at = place(path, f"organizations[{index}]", org.data)
                    raise InputError(f"{at}: {key} names unknown body {link['id']!r}")
    owners: dict[str, str] = {}
    for index, org in enumerate(found, start=1):
        for alias in org.aliases:
            if alias in owners:
                at = place(path, f"organizations[{index}]", org.data)
                both = f"{owners[alias]} and {org.id}"
                raise InputError(f"{at}: alias {alias!r} given to both {both}")
            owners[alias] = org.id
    non_bodies = []
    for index, entry in enumerate(data.get("reviewed_non_bodies") or [], start=1):
        where = place(path, f"reviewed_non_bodies[{index}]", entry)
        check_keys(entry, {"phrase": str, "note": str}, where=where)
        non_bodies.append(require(entry, "phrase", str, where=where))
        require(entry, "note", str, where=where)
    return Gazetteer(tuple(found), tuple(non_bodies))


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


def add_span(graph: Graph, subject: URIRef | BNode, source: URIRef, start: int, end: int) -> None:
    """Attach a Web Annotation text position to ``subject`` (deterministic blank nodes)."""
    key = f"{subject}|{start}|{end}"
    target = BNode("s" + hashlib.sha1(key.encode()).hexdigest()[:20])
    selector = BNode("t" + hashlib.sha1(key.encode()).hexdigest()[:20])
    graph.add((subject, HIP.source, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source))
    graph.add((target, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.TextPositionSelector))
    graph.add((selector, OA.start, Literal(start, datatype=XSD.integer)))  # as build.py says
    graph.add((selector, OA.end, Literal(end, datatype=XSD.integer)))


def _cite(
    graph: Graph,
    subject: URIRef,
    prop: URIRef,
    sources: list[dict[str, str]],
    texts: list[SourceText],
    where: str,
    note: str | None = None,
) -> None:
    for source in sources:
        key = f"{subject}|{prop}|{source.get('quote') or source.get('url')}"
        node = BNode("o" + hashlib.sha1(key.encode()).hexdigest()[:20])
        graph.add((subject, HIP.citation, node))
        graph.add((node, RDF.type, HIP.SourceCitation))
        graph.add((node, HIP.aboutProperty, prop))
        if "quote" in source:
            text, at = locate_quote(source["quote"], texts, where)
            graph.add((node, HIP.quote, Literal(source["quote"], lang="zh")))
            graph.add((node, DCTERMS.source, text.iri))
            graph.add((node, HIP.reliability, URIRef(CONCEPT_BASE + "reliability/orig")))
            add_span(graph, node, text.iri, at, at + len(source["quote"]))
        else:
            graph.add((node, DCTERMS.source, URIRef(source["url"])))
            graph.add(
                (
                    node,
                    HIP.reliability,
                    URIRef(CONCEPT_BASE + "reliability/" + source["reliability"]),
                )
            )
        if note:
            graph.add((node, RDFS.comment, Literal(" ".join(note.split()), lang="en")))


def organization_graph(
    gazetteer: Gazetteer, texts: list[SourceText], base: str, path: str = "data/organizations.yaml"
) -> Graph:
    """Every curated body as an ``org:Organization`` with labels, aliases, level and links."""
    graph = Graph()
    for index, org in enumerate(gazetteer.organizations, start=1):
        where = place(path, f"organizations[{index}]", org.data)
        iri = org_iri(org.id, base)
        graph.add((iri, RDF.type, ORG.Organization))
        if org.label_zh:
            graph.add((iri, RDFS.label, Literal(org.label_zh, lang="zh")))
            graph.add((iri, SKOS.prefLabel, Literal(org.label_zh, lang="zh")))
        graph.add((iri, RDFS.label, Literal(org.label_en, lang="en")))
        graph.add((iri, SKOS.prefLabel, Literal(org.label_en, lang="en")))
        for alias in org.aliases:
            graph.add((iri, HIP.alias, Literal(alias, lang="zh")))
        graph.add((iri, HIP.governmentLevel, URIRef(CONCEPT_BASE + "level/" + org.level)))
        graph.add((iri, DCTERMS.type, Literal(org.kind)))
        if org.generic:
            graph.add(
                (
                    iri,
                    SKOS.scopeNote,
                    Literal("A class of bodies the text names generically.", lang="en"),
                )
            )
        if org.data.get("note"):
            graph.add((iri, RDFS.comment, Literal(" ".join(org.data["note"].split()), lang="en")))
        _cite(graph, iri, RDF.type, org.data["sources"], texts, where)
        for key, prop in (
            ("sub_organization_of", ORG.subOrganizationOf),
            ("counterparts", HIP.counterpart),
        ):
            for link in org.data.get(key) or []:
                graph.add((iri, prop, org_iri(link["id"], base)))
                _cite(graph, iri, prop, link["sources"], texts, where, link.get("note"))
    return graph


__all__ = [
    "Gazetteer",
    "Organization",
    "SourceText",
    "add_span",
    "load_organizations",
    "locate_quote",
    "org_iri",
    "organization_graph",
]
