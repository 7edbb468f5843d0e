"""The smaller blocks of a resource page: document information, "cite this", siblings, roles.

Each reads only the subject's neighbourhood (through the shared index), so it costs the same
whatever the size of the graph.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.context import InfoField, Link, MentionRow, RoleRow
from heze_ip_kg.publish.facts import Linker, SiteFacts
from heze_ip_kg.rdfio.reads import Remembered
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, RDF, SKOS

PERIOD = re.compile(r"(\d{4})\s*[-—–－~～至]\s*(\d{4})\s*年")
ROLE_ORDER = ("lead", "participating", "coordinating", "funding", "implementing", "mentioned")
DATES = (
    (ELI.date_document, "成文日期", "Date of the document"),
    (ELI.date_publication, "发布日期", "Date of publication"),
    (HIP.approvalDate, "审议通过日期", "Date approved"),
)

# Terms read for every page, looked up once: a namespace attribute makes a new URIRef (and
# checks the name) each time, about a microsecond.
_ORDER, _NOTATION, _PART_OF, _NUMBER = (
    HIP.order,
    SKOS.notation,
    DCTERMS.isPartOf,
    HIP.documentNumber,
)
_STATED, _ROLE, _ROLES = HIP.stated, HIP.role, HIP.roleAssignment
_BY, _FOR = HIP.assignedOrganization, HIP.assignedTo
_MENTION_OF, _MENTION_IN, _SURFACE = HIP.mentionOf, HIP.mentionIn, HIP.surfaceForm


def _text(value: Node | None) -> str:
    return str(value) if isinstance(value, Literal) else ""


def _plain(text: str) -> Link:
    return Link(None, text, text)


def _order(index: object, node: Node) -> tuple[int, str]:
    value = index.value(node, _ORDER)  # type: ignore[attr-defined]
    return (int(value.toPython()) if isinstance(value, Literal) else 0, str(node))


class Blocks:
    """Document information, citations, siblings, roles and mentions for one publication."""

    def __init__(self, facts: SiteFacts, linker: Linker) -> None:
        self.facts = facts
        self.index = facts.index
        self.linker = linker
        self._parts: Remembered[Node, list[Node]] = Remembered(self.index.reads)

    def _values(self, nodes: list[Node], predicate: URIRef) -> list[Node]:
        for node in nodes:
            found = self.index.objects(node, predicate)
            if found:
                return found
        return []

    def _bilingual(self, nodes: list[Node], predicate: URIRef) -> tuple[Link, ...]:
        found = self._values(nodes, predicate)
        texts = {getattr(v, "language", None): str(v) for v in found}
        if not texts:
            return ()
        zh = texts.get("zh") or next(iter(texts.values()))
        return (Link(None, zh, texts.get("en") or zh),)

    def document_info(self, doc: Node, path: str) -> tuple[InfoField, ...]:
        """文号, issuer, dates, plan period, status, level and how much of it is encoded."""
        index, facts = self.index, self.facts
        notice = facts.notices.get(doc)
        own = [doc, notice] if notice is not None else [doc]
        fields: list[InfoField] = []

        def add(zh: str, en: str, values: tuple[Link, ...] | list[Link]) -> None:
            fields.append(
                InfoField(zh, en, tuple(values) or (Link(None, "未记录", "not recorded"),))
            )

        add(
            "文号",
            "Document number",
            [_plain(str(v)) for v in self._values(own, HIP.documentNumber)],
        )
        add("发布机关", "Issued by", self._bilingual(own, HIP.issuerName))
        for predicate, zh, en in DATES:
            values = [_plain(str(v)) for v in self._values(own, predicate)]
            if values or predicate is not HIP.approvalDate:
                add(zh, en, values)
        title = _text(index.value(doc, DCTERMS.title)) or facts.documents[doc].title_zh
        span = PERIOD.search(title)
        targets = sorted(
            {
                _text(index.value(i, HIP.targetYear))
                for i in index.subjects(HIP.inDocument, doc)
                if HIP.Indicator in index.objects(i, RDF.type)
            }
            - {""}
        )
        period = [_plain(f"{span.group(1)}—{span.group(2)}（标题）")] if span else []
        period += (
            [
                Link(
                    None,
                    f"指标目标年份 {', '.join(targets)}",
                    f"indicator target year(s) {', '.join(targets)}",
                )
            ]
            if targets
            else []
        )
        add("规划期", "Plan period", period)
        add("时效状态", "Status", self._bilingual(own, HIP.validityStatus))
        level = index.value(doc, HIP.governmentLevel)
        add("层级", "Level", [self.linker.link(level, path)] if level is not None else [])
        if notice is not None:
            add("印发通知", "Promulgated by", [self.linker.link(notice, path)])
        sources = [self.linker.link(s, path) for s in index.objects(doc, DCTERMS.source)]
        if sources:
            add("原文", "Source text", sources)
        counts = []
        for count in sorted(index.objects(doc, HIP.elementCount), key=str):
            kind = str(index.value(count, HIP.countedClass) or "").rsplit("#", 1)[-1]
            encoded = _text(index.value(count, HIP.encodedCount))
            shown = f"{kind} {encoded}/{_text(index.value(count, HIP.declaredCount))}"
            counts.append(Link(self.linker.link(count, path).href, shown, shown))
        if counts:
            fields.append(InfoField("已编码/声明要素", "Elements encoded/declared", tuple(counts)))
        return tuple(fields)

    def cite(self, subject: Node, crumbs: list[Node]) -> tuple[str, str]:
        """ "Cite this": the document, the numbering down to the element, its label and IRI."""
        doc = self.facts.document_of(subject)
        numbering = "".join(
            _text(self.index.value(n, _NOTATION))
            for n in [*crumbs, subject]
            if doc is None or n != doc.iri
        )
        own = self.linker.link(subject, "")
        if doc is None or doc.iri == subject:
            notice = self.facts.notices.get(subject, subject)
            number = self._values([subject, notice], _NUMBER)
            suffix = f"（{number[0]}）" if number else ""
            return f"《{own.zh}》{suffix}。{subject}", f"{own.en}{suffix}. {subject}"
        zh = f"《{doc.title_zh}》{numbering} {own.zh}。{subject}"
        en = f"{doc.title_en}, {numbering} {own.en}. {subject}"
        return zh, en

    def parts(self, parent: Node) -> list[Node]:
        """The parts of ``parent`` in the document's order (remembered: siblings share it)."""
        return self._parts.get(parent, self._sorted_parts, parent)

    def _sorted_parts(self, parent: Node) -> list[Node]:
        kids = self.index.subjects(_PART_OF, parent)
        return sorted(kids, key=lambda n: _order(self.index, n))

    def siblings(self, subject: Node, path: str) -> tuple[Link | None, Link | None]:
        """The previous and next element under the same parent, in the document's order."""
        parent = self.index.value(subject, _PART_OF)
        if parent is None:
            return None, None
        kids = self.parts(parent)
        at = kids.index(subject) if subject in kids else -1
        before = self.linker.link(kids[at - 1], path) if at > 0 else None
        after = self.linker.link(kids[at + 1], path) if 0 <= at < len(kids) - 1 else None
        return before, after

    def _role(self, assignment: Node, party: Node, path: str, with_document: bool) -> RoleRow:
        index = self.index
        stated = index.value(assignment, _STATED)
        is_stated = isinstance(stated, Literal) and bool(stated.toPython())
        role = index.value(assignment, _ROLE)
        doc = self.facts.document_of(party) if with_document else None
        return RoleRow(
            role=self.linker.link(role, path) if role is not None else _plain("—"),
            party=self.linker.link(party, path),
            document=self.linker.link(doc.iri, path) if doc is not None else None,
            how_zh="文本明示" if is_stated else "沿用上级（继承）",
            how_en="stated in the text" if is_stated else "inherited",
            assignment=self.linker.link(assignment, path),
        )

    def roles(self, subject: Node, path: str) -> tuple[RoleRow, ...]:
        """The bodies responsible for a measure, by role."""
        rows = []
        for assignment in self.index.objects(subject, _ROLES):
            body = self.index.value(assignment, _BY)
            if body is not None:
                rows.append(self._role(assignment, body, path, False))
        return tuple(sorted(rows, key=_role_key))

    def held(self, body: Node, path: str) -> tuple[RoleRow, ...]:
        """The measures a body is responsible for, by role, then by document and order."""
        rows = []
        for assignment in self.index.subjects(_BY, body):
            measure = self.index.value(assignment, _FOR)
            if measure is not None:
                rows.append(self._role(assignment, measure, path, True))
        return tuple(sorted(rows, key=_role_key))

    def mentions(self, subject: Node, path: str, of_body: bool) -> tuple[MentionRow, ...]:
        """Bodies named in a measure's text, or (``of_body``) the measures naming a body."""
        index = self.index
        key, other = (_MENTION_OF, _MENTION_IN) if of_body else (_MENTION_IN, _MENTION_OF)
        rows = []
        for mention in sorted(index.subjects(key, subject), key=str):
            party = index.value(mention, other)
            rows.append(
                MentionRow(
                    _text(index.value(mention, _SURFACE)),
                    self.linker.link(party, path) if party is not None else None,
                    self.linker.link(mention, path),
                )
            )
        return tuple(rows)


def _role_key(row: RoleRow) -> tuple[int, str, str, str]:
    code = row.role.iri.rsplit("/", 1)[-1]
    rank = ROLE_ORDER.index(code) if code in ROLE_ORDER else len(ROLE_ORDER)
    document = row.document.zh if row.document else ""
    return rank, document, row.party.href or row.party.zh, row.assignment.iri


__all__ = ["Blocks"]
