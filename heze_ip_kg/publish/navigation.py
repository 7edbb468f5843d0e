"""Ways into the site: index pages, the progress summary, the search index.

- ``organizations/index.html``, ``indicators/index.html``, ``alignments/index.html``: every body
  (by level, with how many measures it leads), every indicator (by document, with baseline,
  target and status), every alignment (by document, with status and method);
- the home page's progress summary: each document's indicators counted by status;
- ``search-index.js``: the labels and texts of every element, document, body and concept, as a
  script that sets a global (a script file, not JSON to fetch, so that it loads from ``file://``
  and under the server's ``script-src 'self'``).
"""

from __future__ import annotations

from collections import Counter

from rdflib import Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.context import Link, ListPage, Section, Table
from heze_ip_kg.publish.describe import relative
from heze_ip_kg.publish.pages import PageBuilder, column_link, script_safe_json
from heze_ip_kg.vocab.levels import level_rank
from heze_ip_kg.vocab.namespaces import HIP, ORG, RDF, SKOS

STATUS_ORDER = (
    "achieved",
    "not-achieved",
    "on-track",
    "acceleration-needed",
    "limited-progress",
    "deterioration",
    "no-data",
)
LISTS = (
    ("organizations/index.html", "机构", "Organisations"),
    ("indicators/index.html", "指标", "Indicators"),
    ("alignments/index.html", "对应关系", "Alignments"),
)
SEARCHED = (HIP.Indicator, ORG.Organization, SKOS.Concept, HIP.PolicyDocument, HIP.Plan)


def _text(value: Node | None) -> str:
    return str(value) if isinstance(value, Literal) else ""


def _plain(text: str) -> Link:
    return Link(None, text, text)


def _heads(*names: str) -> tuple[Link, ...]:
    return tuple(column_link(n) for n in names)


def _with_year(value: str, year: str) -> str:
    return f"{value}（{year}）" if value and year else value


class Navigation:
    """The listing pages and the search index of one publication."""

    def __init__(self, builder: PageBuilder) -> None:
        self.builder = builder
        self.index = builder.index
        self.facts = builder.facts

    def _documents(self) -> list[Node]:
        docs = self.facts.documents.values()
        ranked = sorted(
            docs, key=lambda d: (level_rank(d.level, unknown=9), d.title_zh, str(d.iri))
        )
        return [d.iri for d in ranked]

    def organisations(self, path: str) -> ListPage:
        b, index = self.builder, self.index
        by_level: dict[str, list[tuple[str, tuple[Link, ...]]]] = {}
        for body in sorted(index.subjects(RDF.type, ORG.Organization), key=str):
            if not b.page_of(str(body)):
                continue
            level = index.value(body, HIP.governmentLevel)
            key = str(level) if level is not None else ""
            roles = Counter(
                str(index.value(a, HIP.role)).rsplit("/", 1)[-1]
                for a in index.subjects(HIP.assignedOrganization, body)
            )
            led = f"{roles.get('lead', 0)}"
            total = f"{sum(roles.values())}"
            row = (b.link(body, path), _plain(led), _plain(total))
            by_level.setdefault(key, []).append((b.label(body, "zh"), row))
        sections: list[Section] = []
        for key in sorted(by_level, key=lambda k: (k == "", k)):
            title = (
                b.link(URIRef(key), path) if key else Link(None, "未记录层级", "Level not recorded")
            )
            rows = tuple(r for _, r in sorted(by_level[key], key=lambda x: x[0]))
            heads = (
                column_link("organization"),
                Link(None, "牵头举措", "leads"),
                Link(None, "全部责任", "all roles"),
            )
            sections.append(Section(f"level-{len(sections) + 1}", title, Table(heads, rows)))
        return ListPage(
            path,
            _root(path),
            "机构",
            "Organisations",
            intro_zh="规划中出现的机构，按政府层级排列；数字为其牵头的举措和全部责任分配的数量。",
            intro_en="The bodies the plans name, by level of government, with how many measures "
            "each leads and how many roles it holds in all.",
            sections=tuple(sections),
        )

    def indicators(self, path: str) -> ListPage:
        b, index = self.builder, self.index
        sections: list[Section] = []
        for doc in self._documents():
            found = [
                i
                for i in index.subjects(HIP.inDocument, doc)
                if HIP.Indicator in index.objects(i, RDF.type)
            ]
            if not found:
                continue
            rows = []
            for ind in sorted(found, key=lambda n: (_order(index, n), str(n))):
                unit = index.value(ind, HIP.unit)
                progress = index.value(ind, HIP.progress)
                status = index.value(progress, HIP.progressStatus) if progress else None
                rows.append(
                    (
                        b.link(ind, path),
                        b.link(unit, path)
                        if unit is not None
                        else _plain(_text(index.value(ind, HIP.unitText))),
                        _plain(
                            _with_year(
                                _text(index.value(ind, HIP.baselineValue)),
                                _text(index.value(ind, HIP.baselineYear)),
                            )
                        ),
                        _plain(
                            _with_year(
                                _text(index.value(ind, HIP.targetValue)),
                                _text(index.value(ind, HIP.targetYear)),
                            )
                        ),
                        _plain(
                            _with_year(
                                _text(index.value(progress, HIP.latestValue)),
                                _text(index.value(progress, HIP.latestYear)),
                            )
                            if progress
                            else ""
                        ),
                        b.link(status, path) if status is not None else _plain(""),
                    )
                )
            heads = _heads("indicator", "unit", "baseline", "target", "latestValue", "status")
            sections.append(
                Section(f"doc-{len(sections) + 1}", b.link(doc, path), Table(heads, tuple(rows)))
            )
        return ListPage(
            path,
            _root(path),
            "指标",
            "Indicators",
            intro_zh="各文件的全部指标：基期值、目标值、最新观测值和进展状态。",
            intro_en="Every indicator of every document: baseline, target, latest observed value "
            "and progress status.",
            sections=tuple(sections),
        )

    def alignments(self, path: str) -> list[ListPage]:
        """The index of alignments by document, then one page per document (a national corpus
        has tens of thousands: one page would weigh tens of megabytes)."""
        b, index = self.builder, self.index
        by_doc: dict[Node, list[Node]] = {}
        for alignment in index.subjects(RDF.type, HIP.Alignment):
            element = index.value(alignment, HIP.alignedElement)
            found = self.facts.document_of(element) if element is not None else None
            by_doc.setdefault(found.iri if found else URIRef(""), []).append(alignment)
        pages, rows = [], []
        folder = path.rsplit("/", 1)[0]
        for doc in [d for d in self._documents() if d in by_doc]:
            own = b.page_of(str(doc)) or ""
            doc_path = f"{folder}/{own.removeprefix('id/')}"
            page = self._alignments_of(doc, sorted(by_doc[doc], key=_numbered), doc_path)
            pages.append(page)
            statuses = Counter(
                b.label(s, "zh") for a in by_doc[doc] if (s := index.value(a, HIP.reviewStatus))
            )
            shown = "、".join(f"{k} {n}" for k, n in sorted(statuses.items()))
            rows.append(
                (
                    b.link(doc, path),
                    Link(relative(path, doc_path), str(len(by_doc[doc])), str(len(by_doc[doc]))),
                    _plain(shown),
                )
            )
        heads = (
            column_link("document"),
            Link(None, "对应关系", "alignments"),
            column_link("status"),
        )
        title = Link(None, "按下级文件", "By the child's document")
        index_page = ListPage(
            path,
            _root(path),
            "对应关系",
            "Alignments",
            intro_zh="下级要素与上级要素的对应关系（按下级文件），含审核状态与发现方法；只有经审核确认的对应关系才断言为“实现”。",
            intro_en="Links from an element to the parent element it carries out (by the child's "
            "document), with review status and method; only reviewed links are asserted as "
            "implements.",
            sections=(Section("documents", title, Table(heads, tuple(rows))),),
        )
        return [index_page, *pages]

    def _alignments_of(self, doc: Node, alignments: list[Node], path: str) -> ListPage:
        b, index = self.builder, self.index
        rows = []
        for alignment in alignments:
            element = index.value(alignment, HIP.alignedElement)
            parent = index.value(alignment, HIP.alignedTo)
            status = index.value(alignment, HIP.reviewStatus)
            rows.append(
                (
                    b.link(alignment, path),
                    b.link(element, path) if element is not None else _plain(""),
                    b.link(parent, path) if parent is not None else _plain("—"),
                    b.link(status, path) if status is not None else _plain(""),
                    _plain(_text(index.value(alignment, HIP.method))),
                )
            )
        heads = (Link(None, "对应关系", "alignment"), *_heads("from", "to", "status", "method"))
        zh, en = b.label(doc, "zh"), b.label(doc, "en")
        return ListPage(
            path,
            _root(path),
            f"对应关系：{zh}",
            f"Alignments: {en}",
            intro_zh="该文件各要素与上级要素的对应关系。",
            intro_en="How this document's elements correspond to its parents' elements.",
            sections=(Section("alignments", b.link(doc, path), Table(heads, tuple(rows))),),
        )

    def progress_summary(self, path: str) -> Table | None:
        """Each document's indicators counted by progress status."""
        b, index = self.builder, self.index
        statuses: dict[str, Node] = {}
        counts: dict[Node, Counter[str]] = {}
        for ind in index.subjects(RDF.type, HIP.Indicator):
            progress = index.value(ind, HIP.progress)
            status = index.value(progress, HIP.progressStatus) if progress else None
            doc = self.facts.document_of(ind)
            if status is None or doc is None:
                continue
            code = _text(index.value(status, SKOS.notation)) or str(status).rsplit("/", 1)[-1]
            statuses[code] = status
            counts.setdefault(doc.iri, Counter())[code] += 1
        if not counts:
            return None
        for status in list(statuses.values()):  # every status of the scheme, found or not
            for scheme in index.objects(status, SKOS.inScheme):
                for concept in index.subjects(SKOS.inScheme, scheme):
                    code = _text(index.value(concept, SKOS.notation))
                    statuses.setdefault(code or str(concept).rsplit("/", 1)[-1], concept)
        codes = [c for c in STATUS_ORDER if c in statuses]
        codes += sorted(set(statuses) - set(STATUS_ORDER))
        heads = (column_link("document"), *(b.link(statuses[c], path) for c in codes))
        rows = tuple(
            (b.link(doc, path), *(_plain(str(counts[doc][c])) for c in codes))
            for doc in self._documents()
            if doc in counts
        )
        return Table(heads, rows)

    def search_index(self) -> str:
        """``search-index.js``: one entry per readable page (path, labels, kind, document, text)."""
        b, index = self.builder, self.index
        entries = []
        for subject in b.subjects:
            types = index.objects(subject, RDF.type)
            in_doc = index.value(subject, HIP.inDocument) is not None
            if not in_doc and not any(t in SEARCHED for t in types):
                continue
            kind = next((t for t in types if str(t) in self.facts.terms), None)
            kind_zh, kind_en = self.facts.terms.get(str(kind), ("", "")) if kind else ("", "")
            doc = self.facts.document_of(subject)
            entries.append(
                [
                    b.page_of(str(subject)),
                    b.label(subject, "zh"),
                    b.label(subject, "en"),
                    kind_zh,
                    kind_en,
                    doc.title_zh if doc and doc.iri != subject else "",
                    _text(index.value(subject, HIP.text)),
                    str(subject),
                ]
            )
        return "window.HEZE_SEARCH = " + script_safe_json(entries) + ";\n"


def _order(index: object, node: Node) -> int:
    value = index.value(node, HIP.order)  # type: ignore[attr-defined]
    return int(value.toPython()) if isinstance(value, Literal) else 0


def _numbered(node: Node) -> tuple[str, int, str]:
    head, _, tail = str(node).rpartition("/")
    return (head, int(tail), "") if tail.isdigit() else (head, -1, tail)


def _root(path: str) -> str:
    return "../" * path.count("/")


__all__ = ["LISTS", "STATUS_ORDER", "Navigation"]
