"""A parsed ``Plan`` → an rdflib ``Graph`` in the ``hip:`` ontology, with provenance.

IRIs are minted as ``vocab.minting`` says (``{parent}/{kind}-{n}``); a caller may pin some
elements to other IRIs (a parent document's elements keep the IRIs its curated file gave them
before its full text arrived). Every element points to its
span in the source text through a Web Annotation ``oa:TextPositionSelector``, written as
``vocab.owned`` writes every span: nodes named under the element's IRI (``…/task-2#source``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.parse.front import parse_date
from heze_ip_kg.parse.model import Element, ElementKind, Plan, Span
from heze_ip_kg.vocab.minting import (
    CONCEPT_BASE,
    NATURE_CONCEPTS,
    DocumentSettings,
    Vocabulary,
    cited_document_iri,
    describe_unit,
    document_iri,
    element_segment,
    mint_slug,
    number_literal,
    recurring_literal,
    title_key,
    unit_iri,
)
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, PREFIXES, RDF, RDFS, SKOS, XSD
from heze_ip_kg.vocab.owned import add_citation, add_span
from heze_ip_kg.vocab.triples import Batch, add_all

KIND_CLASSES: dict[ElementKind, URIRef] = {
    ElementKind.PREAMBLE: HIP.Preamble,
    ElementKind.PART: HIP.Part,
    ElementKind.SECTION: HIP.Section,
    ElementKind.GUIDING_IDEA: HIP.GuidingIdea,
    ElementKind.PRINCIPLE: HIP.Principle,
    ElementKind.OBJECTIVE: HIP.Objective,
    ElementKind.INDICATOR_TABLE: HIP.IndicatorTable,
    ElementKind.INDICATOR: HIP.Indicator,
    ElementKind.TASK_AREA: HIP.TaskArea,
    ElementKind.TASK: HIP.Task,
    ElementKind.KEY_PROJECT: HIP.KeyProject,
    ElementKind.SAFEGUARD: HIP.Safeguard,
    ElementKind.ITEM: HIP.Item,
    ElementKind.NOTE: HIP.Item,
}
# Names for elements that have no heading of their own in the text.
KIND_NAMES: dict[ElementKind, tuple[str, str]] = {
    ElementKind.PREAMBLE: ("序言", "Preamble"),
    ElementKind.INDICATOR_TABLE: ("主要指标表", "Main indicator table"),
    ElementKind.NOTE: ("注", "Note"),
}
SYNTHETIC_DESCRIPTION = "Synthetic text written by heze-ip-kg corpus for benchmarks; not official."
# Terms every element is written with, looked up once: each namespace attribute is a Python
# call that mints a new URIRef.
_ELEMENT_TERMS = (
    RDF.type,
    DCTERMS.isPartOf,
    HIP.inDocument,
    HIP.order,
    SKOS.notation,
    HIP.level,
    HIP.text,
)
_LABEL = RDFS.label
# Where a title was taken from when the text has no title line of its own.
_TITLE_FROM = {
    "notice": ("通知", "the notice that promulgates it"),
    "metadata": ("网页元数据“标题”", "the web page's metadata title"),
    "headline": ("新闻标题中的书名号", "the news headline it was published under"),
}


def element_paths(plan: Plan) -> list[tuple[str, Element]]:
    """Every element with its path below the document as minted (``part-2/task-area-1``), the
    key by which ``build_graph``'s ``pins`` name it.

    >>> from heze_ip_kg.parse import parse_plan
    >>> [p for p, _ in element_paths(parse_plan("(一)加强保护。\\n1.加强行政保护。"))]
    ['part-1', 'part-1/task-area-1', 'part-1/task-area-1/task-1']
    """
    found: list[tuple[str, Element]] = []

    def walk(element: Element, prefix: str) -> None:
        path = prefix + element_segment(element)
        found.append((path, element))
        for child in element.children:
            walk(child, path + "/")

    for element in plan.elements:
        walk(element, "")
    return found


class _Builder:
    def __init__(
        self,
        plan: Plan,
        settings: DocumentSettings,
        vocabulary: Vocabulary,
        graph: Graph | None = None,
        pins: Mapping[str, str] | None = None,
    ) -> None:
        self.plan = plan
        self.pins = pins or {}
        self.settings = settings
        self.vocabulary = vocabulary
        self.graph = Graph() if graph is None else graph
        self.batch = Batch()  # added to the graph at the end, at once
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.doc = document_iri(settings.slug, settings.base)
        self.source = URIRef(f"{self.doc}/source")

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.batch.append((s, p, o))

    def label(self, subject: URIRef, zh: str, kind: ElementKind | None = None) -> None:
        self.add(subject, _LABEL, recurring_literal(zh, lang="zh"))
        en = self.vocabulary.labels_en.get(zh)
        if en is None:
            name = kind.value.replace("-", " ") if kind else "document"
            en = f"[no curated translation] {name}: {zh}"
        self.add(subject, _LABEL, recurring_literal(en, lang="en"))

    def span(self, subject: URIRef, span: Span) -> None:
        add_span(self.batch, subject, self.source, span.start, span.end)

    def build(self) -> Graph:
        self._source()
        self._plan()
        if self.plan.notice is not None:
            self._notice()
        for order, element in enumerate(self.plan.elements, start=1):
            self._element(element, self.doc, order, "")
        return add_all(self.graph, self.batch)

    def _source(self) -> None:
        info = self.plan.source
        self.add(self.source, RDF.type, HIP.SourceText)
        name = info.name.replace("\\", "/").rsplit("/", 1)[-1]
        self.add(self.source, HIP.fileName, Literal(name))
        self.add(self.source, HIP.sha256, Literal(info.sha256))
        self.add(self.source, HIP.encoding, Literal(info.encoding))
        self.add(self.source, RDFS.label, Literal(f"{name} ({info.encoding})"))
        if self.settings.url:
            self.add(self.source, DCTERMS.source, URIRef(self.settings.url))
        publication = self.plan.publication
        if publication is not None:
            if publication.headline:
                self.add(self.source, HIP.headline, Literal(publication.headline, lang="zh"))
            if publication.credit:
                self.add(self.source, DCTERMS.publisher, Literal(publication.credit, lang="zh"))
            if publication.abridged:
                self.add(self.source, HIP.abridged, recurring_literal(True))
        # A portal's release date and source are the page's, not necessarily the document's.
        issued = parse_date(self.plan.metadata_value("发布时间") or "")
        if issued is not None:
            self.add(self.source, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date))
        origin = self.plan.metadata_value("来源") or self.plan.metadata_value("信息来源")
        if origin:
            self.add(self.source, DCTERMS.publisher, Literal(origin, lang="zh"))

    def _plan(self) -> None:
        plan, doc = self.plan, self.doc
        self.add(doc, RDF.type, HIP.Plan)
        self.add(doc, DCTERMS.source, self.source)
        if self.settings.synthetic:
            self.add(doc, HIP.synthetic, recurring_literal(True))
            self.add(doc, DCTERMS.description, Literal(SYNTHETIC_DESCRIPTION, lang="en"))
        if self.settings.level:
            self.add(
                doc, HIP.governmentLevel, URIRef(CONCEPT_BASE + "level/" + self.settings.level)
            )
        if plan.title:
            self.add(doc, DCTERMS.title, Literal(plan.title, lang="zh"))
            self.label(doc, plan.title)
        if plan.title_span:
            self.span(doc, plan.title_span)
        if plan.title_inferred_from:
            zh, en = _TITLE_FROM.get(plan.title_inferred_from, (plan.title_inferred_from,) * 2)
            self.add(
                doc, HIP.inferenceNote, Literal(f"原文无规划标题行；标题取自{zh}。", lang="zh")
            )
            self.add(
                doc,
                HIP.inferenceNote,
                Literal(
                    f"The text has no title line for the plan; the title is taken from {en}.",
                    lang="en",
                ),
            )
        seen: Counter[str] = Counter()  # a title cited twice is cited at two places
        for cited in plan.cited_titles:
            seen[cited.title] += 1
            parent = cited_document_iri(cited.title, self.vocabulary, self.settings.base)
            self.add(doc, ELI.based_on, parent)
            self.add(parent, RDF.type, HIP.PolicyDocument)
            self.add(parent, HIP.citedTitle, Literal(cited.title, lang="zh"))
            span = (self.source, cited.span.start, cited.span.end)
            quote = f"《{cited.title}》"
            add_citation(
                self.batch, doc, ELI.based_on, quote=quote, span=span, occurrence=seen[cited.title]
            )

    def _notice(self) -> None:
        notice, plan = self.plan.notice, self.plan
        assert notice is not None
        iri = URIRef(f"{self.doc}/notice")
        self.add(iri, RDF.type, HIP.Notice)
        self.add(iri, HIP.promulgates, self.doc)
        self.add(iri, DCTERMS.title, Literal(notice.title, lang="zh"))
        self.add(iri, DCTERMS.source, self.source)
        self.label(iri, notice.title)
        self.span(iri, notice.span)
        number = notice.document_number or plan.metadata_value("文号")
        if number:
            self.add(iri, HIP.documentNumber, Literal(number))
        for key, prop in (("索引号", HIP.indexNumber),):
            value = plan.metadata_value(key)
            if value:
                self.add(iri, prop, Literal(value))
        for key, prop in (
            ("分类", HIP.category),
            ("发布机构", HIP.issuerName),
            ("效力状态", HIP.validityStatus),
            ("内容概述", DCTERMS.abstract),
        ):
            value = plan.metadata_value(key)
            if value:
                self.add(iri, prop, Literal(value, lang="zh"))
        for key, prop in (("成文日期", ELI.date_document), ("发布日期", ELI.date_publication)):
            date = parse_date(plan.metadata_value(key) or "")
            if date is None and key == "成文日期":
                date = notice.date
            if date is not None:
                self.add(iri, prop, Literal(date.isoformat(), datatype=XSD.date))
        for addressee in notice.addressees:
            self.add(iri, HIP.addressee, Literal(addressee, lang="zh"))
        if notice.approval_meeting:
            self.add(iri, HIP.approvedAt, Literal(notice.approval_meeting, lang="zh"))
        if notice.approval_date:
            self.add(
                iri, HIP.approvalDate, Literal(notice.approval_date.isoformat(), datatype=XSD.date)
            )
        if notice.signature:
            self.add(iri, HIP.signedBy, Literal(notice.signature, lang="zh"))
        self.add(iri, HIP.publiclyReleased, Literal(notice.publicly_released))

    def _element(self, element: Element, parent: URIRef, order: int, prefix: str) -> None:
        path = prefix + element_segment(element)
        pinned = self.pins.get(path)
        iri = URIRef(f"{self.doc}/{pinned}" if pinned else f"{parent}/{element_segment(element)}")
        a, part_of, in_document, has_order, notation, level, text = _ELEMENT_TERMS
        self.add(iri, a, KIND_CLASSES[element.kind])
        self.add(iri, part_of, parent)
        self.add(iri, in_document, self.doc)
        self.add(iri, has_order, recurring_literal(order))
        heading = element.heading or KIND_NAMES.get(element.kind, ("", ""))[0]
        if heading:
            self.label(iri, heading, element.kind)
        if element.notation:
            self.add(iri, notation, recurring_literal(element.notation))
        if element.level:
            self.add(iri, level, recurring_literal(element.level))
        if element.span is not None:
            self.add(iri, text, Literal(element.text, lang="zh"))
            self.span(iri, element.span)
        if element.inferred:
            self.add(iri, HIP.inferred, recurring_literal(True))
            for note, lang in (
                (element.inference_note_zh, "zh"),
                (element.inference_note_en, "en"),
            ):
                if note:
                    self.add(iri, HIP.inferenceNote, Literal(note, lang=lang))
        if element.indicator is not None:
            self._indicator(iri, element)
        for child_order, child in enumerate(element.children, start=1):
            self._element(child, iri, child_order, path + "/")

    def _indicator(self, iri: URIRef, element: Element) -> None:
        values = element.indicator
        assert values is not None
        for value, prop in ((values.baseline, HIP.baselineValue), (values.target, HIP.targetValue)):
            if value is not None:
                self.add(iri, prop, number_literal(value))
        for year, prop in (
            (values.baseline_year, HIP.baselineYear),
            (values.target_year, HIP.targetYear),
        ):
            if year is not None:
                self.add(iri, prop, Literal(f"{year:04d}", datatype=XSD.gYear))
        for written, prop in (
            (values.baseline_text, HIP.baselineText),
            (values.target_text, HIP.targetText),
        ):
            if written:  # a target stated in prose has no baseline
                self.add(iri, prop, Literal(written))
        if values.unit:
            self.add(iri, HIP.unit, describe_unit(self.batch, values.unit, self.vocabulary))
            self.add(iri, HIP.unitText, Literal(values.unit, lang="zh"))
        if values.nature:
            nature = NATURE_CONCEPTS[values.nature]
            self.add(iri, HIP.nature, URIRef(CONCEPT_BASE + "nature/" + nature))


def build_graph(
    plan: Plan,
    settings: DocumentSettings,
    vocabulary: Vocabulary | None = None,
    *,
    into: Graph | None = None,
    pins: Mapping[str, str] | None = None,
) -> Graph:
    """The RDF graph of one parsed plan (added to ``into`` when given, and returned).

    ``pins`` maps an element's path as minted (see ``element_paths``) to the path its IRI
    takes instead; its children are minted below the pinned IRI.

    Adding to the dataset's graph directly adds each triple once rather than twice (to a graph
    of its own, then to the dataset), which halves the bulk of the build's cost.

    >>> from heze_ip_kg.parse import parse_plan
    >>> plan = parse_plan("(一)加强保护。\\n1.加强行政保护。查处侵权。")
    >>> g = build_graph(plan, DocumentSettings("demo"))
    >>> sorted(str(s) for s in g.subjects(RDF.type, HIP.Task))
    ['https://w3id.org/heze-ip-kg/id/demo/part-1/task-area-1/task-1']
    """
    return _Builder(plan, settings, vocabulary or Vocabulary(), into, pins).build()


__all__ = [
    "CONCEPT_BASE",
    "NATURE_CONCEPTS",
    "DocumentSettings",
    "Vocabulary",
    "build_graph",
    "cited_document_iri",
    "describe_unit",
    "document_iri",
    "element_paths",
    "element_segment",
    "mint_slug",
    "number_literal",
    "title_key",
    "unit_iri",
]
