"""Building the page contexts from the graph: resources, index, ontology, queries."""

from __future__ import annotations

import json
from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from heze_ip_kg.namespaces import DCTERMS, HIP, OA, PREFIXES, RDF, RDFS, SKOS
from heze_ip_kg.publish.context import (
    Excerpt,
    Link,
    OutlineNode,
    QueryResult,
    ResourcePage,
    Table,
    Term,
    Triple,
)
from heze_ip_kg.publish.describe import (
    label,
    page_path,
    relative,
    subjects_with_pages,
)
from heze_ip_kg.query import Table as ResultTable
from heze_ip_kg.serializers import TripleIndex

ONTOLOGY_PAGE = "ontology/index.html"
HIP_NS = str(PREFIXES["hip"])


def script_safe_json(data: object) -> str:
    """JSON that cannot end a ``<script>`` element early (``</`` and ``<!--`` escaped)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _order(index: TripleIndex, node: Node) -> int:
    value = index.value(node, HIP.order)
    return int(value.toPython()) if isinstance(value, Literal) else 0


class PageBuilder:
    """Makes page contexts for one graph (read through its index); knows which IRIs have pages."""

    def __init__(
        self,
        index: TripleIndex,
        base: str,
        texts: Mapping[str, str],
        source_files: Mapping[str, str],
    ) -> None:
        self.index = index
        self.base = base
        self.texts = texts
        self.source_files = source_files
        self.subjects = subjects_with_pages(index.forward, base)  # those with a page
        self.with_pages = {str(s) for s in self.subjects}
        self._labels: dict[tuple[Node, str], str] = {}
        self._curies: dict[str, tuple[str, str | None]] = {}
        self._paths: dict[str, str | None] = {}
        for predicate in (DCTERMS.isPartOf, HIP.implements, HIP.alignedElement):
            index.inverse(predicate)  # now, so that forked page writers share them

    def label(self, node: Node, lang: str) -> str:
        """``label`` remembered: the same targets are linked from many pages."""
        key = (node, lang)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = label(self.index, node, lang)
        return found

    def page_of(self, iri: str) -> str | None:
        """The site path of ``iri``'s page, or None if it has none (remembered)."""
        if iri not in self._paths:
            self._paths[iri] = page_path(iri, self.base) if iri in self.with_pages else None
        return self._paths[iri]

    def link(self, node: Node, from_page: str, note: str = "") -> Link:
        target = self.page_of(str(node))
        return Link(
            relative(from_page, target) if target else None,
            self.label(node, "zh"),
            self.label(node, "en"),
            note,
        )

    def _curie(self, iri: str) -> tuple[str, str | None]:
        if iri not in self._curies:
            self._curies[iri] = self._find_curie(iri)
        return self._curies[iri]

    def _find_curie(self, iri: str) -> tuple[str, str | None]:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(str(namespace)):
                local = iri[len(str(namespace)) :]
                href = f"{ONTOLOGY_PAGE}#{local}" if prefix == "hip" else None
                return f"{prefix}:{local}", href
        return iri, None

    def _triples(self, subject: URIRef, path: str) -> tuple[Triple, ...]:
        rows = []
        pairs = self.index.forward.get(subject, [])
        for p, o in sorted(pairs, key=lambda t: (str(t[0]), str(t[1]))):
            name, doc = self._curie(str(p))
            doc_href = relative(path, doc) if doc else None
            if isinstance(o, Literal):
                rows.append(Triple(name, doc_href, str(o), None, o.language))
            elif isinstance(o, URIRef):
                target = self.page_of(str(o))
                shown, _ = self._curie(str(o))
                rows.append(
                    Triple(name, doc_href, shown, relative(path, target) if target else None)
                )
            else:
                rows.append(Triple(name, doc_href, "[ … ]", None))
        return tuple(rows)

    def _excerpt(self, subject: URIRef, path: str) -> Excerpt | None:
        index = self.index
        target = index.value(subject, HIP.source)
        selector = index.value(target, OA.hasSelector) if target is not None else None
        source = index.value(target, OA.hasSource) if target is not None else None
        if selector is None or source is None:
            return None
        start, end = index.value(selector, OA.start), index.value(selector, OA.end)
        text = self.texts.get(str(source))
        if text is None or not isinstance(start, Literal) or not isinstance(end, Literal):
            return None
        a, b = int(start.toPython()), int(end.toPython())
        file = self.source_files.get(str(source), "")
        source_link = Link(
            relative(path, file) if file else None, file or str(source), file or str(source)
        )
        return Excerpt(text[max(0, a - 120) : a], text[a:b], text[b : b + 120], a, b, source_link)

    def _alignment_note(self, child: Node, parent: Node) -> str:
        index = self.index
        for alignment in index.subjects(HIP.alignedElement, child):
            if parent in index.objects(alignment, HIP.alignedTo):
                evidence = index.value(alignment, HIP.evidence)
                note = index.value(alignment, HIP.reviewNote)
                return " — ".join(str(x) for x in (evidence, note) if x is not None)
        return ""

    def resource(self, subject: URIRef, described: dict[str, object]) -> ResourcePage:
        """The page of ``subject``; ``described`` is its description as JSON-LD data."""
        g, path = self.index, page_path(str(subject), self.base) or ""
        crumbs: list[Link] = []
        parent = g.value(subject, DCTERMS.isPartOf)
        while isinstance(parent, URIRef) and len(crumbs) < 12:
            crumbs.insert(0, self.link(parent, path))
            parent = g.value(parent, DCTERMS.isPartOf)
        children = sorted(
            g.subjects(DCTERMS.isPartOf, subject),
            key=lambda c: (_order(g, c), str(c)),
        )
        roles = []
        for assignment in sorted(g.objects(subject, HIP.roleAssignment), key=str):
            role = str(g.value(assignment, HIP.role) or "").rsplit("/", 1)[-1]
            stated = g.value(assignment, HIP.stated)
            how = "stated" if isinstance(stated, Literal) and stated.toPython() else "inherited"
            body = g.value(assignment, HIP.assignedOrganization)
            if body is not None:
                roles.append(self.link(body, path, f"{role} ({how})"))
        notes = tuple(
            sorted(
                str(o)
                for p in (HIP.inferenceNote, RDFS.comment, HIP.localInitiativeReason)
                for o in g.objects(subject, p)
            )
        )
        text = g.value(subject, HIP.text)
        notation = g.value(subject, SKOS.notation)
        return ResourcePage(
            path=path,
            root=relative(path, "index.html").removesuffix("index.html") or "./",
            title_zh=self.label(subject, "zh"),
            title_en=self.label(subject, "en"),
            iri=str(subject),
            types=tuple(
                self._type_link(t, path) for t in sorted(g.objects(subject, RDF.type), key=str)
            ),
            notation=str(notation) if notation is not None else "",
            text=str(text) if text is not None else "",
            notes=notes,
            breadcrumbs=tuple(crumbs),
            children=tuple(self.link(c, path) for c in children),
            implements=tuple(
                self.link(p, path, self._alignment_note(subject, p))
                for p in sorted(g.objects(subject, HIP.implements), key=str)
            ),
            implemented_by=tuple(
                self.link(c, path, self._alignment_note(c, subject))
                for c in sorted(g.subjects(HIP.implements, subject), key=str)
            ),
            roles=tuple(roles),
            excerpt=self._excerpt(subject, path),
            triples=self._triples(subject, path),
            jsonld=script_safe_json(described),
            ttl_href=relative(path, page_path(str(subject), self.base, "ttl") or ""),
            jsonld_href=relative(path, page_path(str(subject), self.base, "jsonld") or ""),
        )

    def _type_link(self, node: Node, path: str) -> Link:
        name, doc = self._curie(str(node))
        return Link(relative(path, doc) if doc else None, name, name)

    def outline(self, document: URIRef, path: str) -> tuple[OutlineNode, ...]:
        g = self.index

        def grow(node: Node) -> tuple[OutlineNode, ...]:
            kids = sorted(
                g.subjects(DCTERMS.isPartOf, node),
                key=lambda c: (_order(g, c), str(c)),
            )
            return tuple(
                OutlineNode(self.link(k, path), str(g.value(k, SKOS.notation) or ""), grow(k))
                for k in kids
            )

        return grow(document)

    def table(self, result: ResultTable, path: str) -> Table:
        rows = []
        for row in result.rows:
            cells = []
            for cell in row:
                value = cell or ""
                target = self.page_of(value)
                if target:
                    node = URIRef(value)
                    cells.append(
                        Link(
                            relative(path, target),
                            self.label(node, "zh"),
                            self.label(node, "en"),
                        )
                    )
                else:
                    shown = value.removeprefix(HIP_NS)
                    cells.append(Link(None, shown, shown))
            rows.append(tuple(cells))
        return Table(result.vars, tuple(rows))

    def query_result(
        self, name: str, title: str, zh: str, en: str, text: str, result: ResultTable, path: str
    ) -> QueryResult:
        return QueryResult(name, title, zh, en, text, self.table(result, path))


def ontology_terms(ontology: Graph) -> tuple[Term, ...]:
    """Every hip: class and property with its labels, comments and related terms."""
    terms = []
    kinds = {
        OWL.Class: "Class",
        OWL.ObjectProperty: "ObjectProperty",
        OWL.DatatypeProperty: "DatatypeProperty",
    }
    for kind_iri, kind in kinds.items():
        for term in sorted(ontology.subjects(RDF.type, kind_iri), key=str):
            if not str(term).startswith(HIP_NS):
                continue

            def text(prop: URIRef, lang: str, node: Node = term) -> str:
                return next(
                    (
                        str(o)
                        for o in ontology.objects(node, prop)
                        if getattr(o, "language", None) == lang
                    ),
                    "",
                )

            related = []
            for prop, name in (
                (RDFS.subClassOf, "⊑"),
                (RDFS.subPropertyOf, "⊑"),
                (RDFS.domain, "domain"),
                (RDFS.range, "range"),
            ):
                for o in sorted(ontology.objects(term, prop), key=str):
                    shown = str(o)
                    for prefix, ns in PREFIXES.items():
                        if shown.startswith(str(ns)):
                            shown = f"{prefix}:{shown[len(str(ns)) :]}"
                    related.append(f"{name} {shown}")
            terms.append(
                Term(
                    str(term)[len(HIP_NS) :],
                    kind,
                    text(RDFS.label, "zh"),
                    text(RDFS.label, "en"),
                    text(RDFS.comment, "zh"),
                    text(RDFS.comment, "en"),
                    tuple(related),
                )
            )
    return tuple(terms)


__all__ = ["ONTOLOGY_PAGE", "PageBuilder", "ontology_terms", "script_safe_json"]
