"""Building the page contexts from the graph: resources, index, ontology, queries."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping, Set
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from heze_ip_kg.publish.blocks import Blocks
from heze_ip_kg.publish.charts import BAR_LEGEND
from heze_ip_kg.publish.context import (
    Excerpt,
    Link,
    OutlineNode,
    QueryResult,
    Remark,
    ResourcePage,
    Table,
    Term,
)
from heze_ip_kg.publish.describe import (
    label,
    page_path,
    relative,
    subjects_with_pages,
)
from heze_ip_kg.publish.facts import SiteFacts
from heze_ip_kg.publish.indicator_card import IndicatorCards
from heze_ip_kg.publish.statements import Statements
from heze_ip_kg.publish.trace_block import TraceBuilder
from heze_ip_kg.query.execute import Param
from heze_ip_kg.query.execute import Table as ResultTable
from heze_ip_kg.rdfio.reads import Remembered, TrackedMapping, TrackedSet
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, OA, ORG, PREFIXES, RDF, RDFS, SKOS

ONTOLOGY_PAGE = "ontology/index.html"
HIP_NS = str(PREFIXES["hip"])
# Terms read for every page, looked up once: a namespace attribute costs a method call (and, on
# a plain ``Namespace``, a new URIRef) each time.
_IS_PART_OF, _TYPE, _TEXT, _NOTATION = DCTERMS.isPartOf, RDF.type, HIP.text, SKOS.notation
_SCHEME, _IN_SCHEME, _BODY, _INDICATOR = (
    SKOS.ConceptScheme,
    SKOS.inScheme,
    ORG.Organization,
    HIP.Indicator,
)
_NOTES = (HIP.inferenceNote, RDFS.comment, HIP.localInitiativeReason, HIP.reviewNote)
_SOURCE, _SELECTOR, _HAS_SOURCE, _START, _END = (
    HIP.source,
    OA.hasSelector,
    OA.hasSource,
    OA.start,
    OA.end,
)
_TITLES = (DCTERMS.title, HIP.citedTitle)


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
        ontology: Graph | None = None,
        legend: tuple[Remark, ...] = BAR_LEGEND,
    ) -> None:
        self.index = index
        self.base = base
        self.texts = texts
        self.source_files = source_files
        self.subjects = subjects_with_pages(index.forward, base)  # those with a page
        self.with_pages: Set[str] = frozenset(str(s) for s in self.subjects)
        # Remembered, with the keys each answer read while they are noted.
        self._labels: Remembered[tuple[Node, str], str] = Remembered(index.reads)
        self._paths: Remembered[str, str | None] = Remembered(index.reads)
        # Graph-wide look-ups, made now so that forked page writers share them.
        self.facts = SiteFacts(index, ontology if ontology is not None else Graph())
        self.statements = Statements(self.facts, self.label, self.page_of)
        self.traces = TraceBuilder(self.facts, self)
        self.cards = IndicatorCards(self.facts, self, base, legend)
        self.blocks = Blocks(self.facts, self)

    def label(self, node: Node, lang: str) -> str:
        """``label`` remembered: the same targets are linked from many pages."""
        return self._labels.get((node, lang), self._label, node, lang)

    def _label(self, node: Node, lang: str) -> str:
        found = label(self.index, node, lang)
        if str(node).endswith(found):  # no label: a title, else the readable IRI segment
            title = self.index.value(node, _TITLES[0]) or self.index.value(node, _TITLES[1])
            found = str(title) if title is not None else unquote(found)
        return found

    def page_of(self, iri: str) -> str | None:
        """The site path of ``iri``'s page, or None if it has none (remembered)."""
        return self._paths.get(iri, self._page_of, iri)

    def _page_of(self, iri: str) -> str | None:
        return page_path(iri, self.base) if iri in self.with_pages else None

    def tracked_parts(self) -> dict[str, Mapping[Any, object] | Set[Any]]:
        """What the pages read, by the kind their reads are noted under (``rdfio.reads``):
        the index's subjects ("f"; inverse look-ups are "i"), the site's facts (see
        ``SiteFacts.tracked_parts``), the source texts ("t") and their files ("s"), and which
        IRIs have a page ("w")."""
        return {
            "f": self.index.untracked,
            **self.facts.tracked_parts(),
            "t": self.texts,
            "s": self.source_files,
            "w": self.with_pages,
        }

    @contextmanager
    def tracked(self) -> Iterator[None]:
        """Note every look-up the pages make in ``index.reads`` until the block ends."""
        plain = self.texts, self.source_files, self.with_pages
        log = self.index.reads
        with self.index.tracked(), self.facts.tracked():
            self.texts = TrackedMapping(plain[0], "t", log)
            self.source_files = TrackedMapping(plain[1], "s", log)
            self.with_pages = TrackedSet(plain[2], "w", log)
            try:
                yield
            finally:
                self.texts, self.source_files, self.with_pages = plain

    def link(self, node: Node, from_page: str, note: str = "") -> Link:
        target = self.page_of(str(node))
        return Link(
            relative(from_page, target) if target and from_page else None,
            self.label(node, "zh"),
            self.label(node, "en"),
            note,
            str(node) if isinstance(node, URIRef) else "",
        )

    def _excerpt(self, subject: URIRef, path: str) -> Excerpt | None:
        index = self.index
        target = index.value(subject, _SOURCE)
        selector = index.value(target, _SELECTOR) if target is not None else None
        source = index.value(target, _HAS_SOURCE) if target is not None else None
        if selector is None or source is None:
            return None
        start, end = index.value(selector, _START), index.value(selector, _END)
        text = self.texts.get(str(source))
        if text is None or not isinstance(start, Literal) or not isinstance(end, Literal):
            return None
        a, b = int(start.toPython()), int(end.toPython())
        file = self.source_files.get(str(source), "")
        source_link = Link(
            relative(path, file) if file else None, file or str(source), file or str(source)
        )
        return Excerpt(text[max(0, a - 120) : a], text[a:b], text[b : b + 120], a, b, source_link)

    def resource(self, subject: URIRef, described: dict[str, object]) -> ResourcePage:
        """The page of ``subject``; ``described`` is its description as JSON-LD data."""
        g, path = self.index, page_path(str(subject), self.base) or ""
        ancestors: list[Node] = []
        parent = g.value(subject, _IS_PART_OF)
        while isinstance(parent, URIRef) and len(ancestors) < 12:
            ancestors.insert(0, parent)
            parent = g.value(parent, _IS_PART_OF)
        types = g.objects(subject, _TYPE)
        children = self.blocks.parts(subject)
        if _SCHEME in types:  # a scheme lists its concepts
            concepts = set(children) | set(g.subjects(_IN_SCHEME, subject))
            children = sorted(concepts, key=lambda c: (_order(g, c), str(c)))
        notes = tuple(
            (str(o), getattr(o, "language", None) or "")
            for p in _NOTES
            for o in sorted(g.objects(subject, p), key=str)
        )
        text = g.value(subject, _TEXT)
        notation = g.value(subject, _NOTATION)
        is_document = subject in self.facts.documents
        is_body = _BODY in types
        previous, following = self.blocks.siblings(subject, path)
        cite_zh, cite_en = self.blocks.cite(subject, ancestors)
        return ResourcePage(
            path=path,
            root=relative(path, "index.html").removesuffix("index.html") or "./",
            title_zh=self.label(subject, "zh"),
            title_en=self.label(subject, "en"),
            iri=str(subject),
            types=tuple(self._type_link(t, path) for t in sorted(types, key=str)),
            notation=str(notation) if notation is not None else "",
            text=str(text) if text is not None else "",
            notes=notes,
            breadcrumbs=tuple(self.link(a, path) for a in ancestors),
            children=tuple(self.link(c, path) for c in children),
            trace=self.traces.trace(subject, path),
            indicator=self.cards.card(subject, path) if _INDICATOR in types else None,
            document_info=self.blocks.document_info(subject, path) if is_document else (),
            cite_zh=cite_zh,
            cite_en=cite_en,
            previous=previous,
            next=following,
            roles=self.blocks.roles(subject, path),
            held=self.blocks.held(subject, path) if is_body else (),
            mentions=self.blocks.mentions(subject, path, of_body=is_body),
            excerpt=self._excerpt(subject, path),
            triples=self.statements.table(subject, path),
            jsonld=script_safe_json(described),
            ttl_href=relative(path, page_path(str(subject), self.base, "ttl") or ""),
            jsonld_href=relative(path, page_path(str(subject), self.base, "jsonld") or ""),
        )

    def _type_link(self, node: Node, path: str) -> Link:
        name, doc = self.statements.curie(str(node))
        zh, en = self.facts.terms.get(str(node), (name, name))
        return Link(relative(path, doc) if doc else None, zh, en, note=name)

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
        """Query results by name: labels linked to their pages, web addresses as links."""
        rows = []
        for row in result.rows:
            cells = []
            for cell in row:
                value = cell or ""
                target = self.page_of(value)
                if target:
                    node = URIRef(value)
                    cells.append(
                        Link(relative(path, target), self.label(node, "zh"), self.label(node, "en"))
                    )
                elif value in self.facts.terms:
                    zh, en = self.facts.terms[value]
                    cells.append(Link(None, zh, en))
                elif value.startswith(("http://", "https://")):
                    cells.append(Link(value, value, value, iri=value))
                else:
                    shown = value.removeprefix(HIP_NS)
                    cells.append(Link(None, shown, shown))
            rows.append(tuple(cells))
        return Table(tuple(column_link(v) for v in result.vars), tuple(rows))

    def query_result(
        self,
        name: str,
        title: str,
        zh: str,
        en: str,
        text: str,
        result: ResultTable,
        path: str,
        params: tuple[Param, ...] = (),
    ) -> QueryResult:
        return QueryResult(name, title, zh, en, text, self.table(result, path), params)


@functools.cache
def _columns() -> dict[str, tuple[str, str]]:
    path = resource_dir("templates") / "columns.tsv"
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, zh, en = line.split("\t")
            found[name] = (zh, en)
    return found


def column_link(name: str) -> Link:
    """A result column's heading in Chinese and English (``templates/columns.tsv``)."""
    zh, en = _columns().get(name, (name, name))
    return Link(None, zh, en, note=name)


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
