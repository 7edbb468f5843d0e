"""The document tree: plain, frozen dataclasses produced by ``parse`` and read by ``build``.

Nothing here knows RDF. Offsets are Unicode code points into the decoded source text (a BOM
is not counted, line endings are not translated), so ``source.text[span.start:span.end]`` is
always exactly the text a node was read from.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from enum import StrEnum

_DASHES = re.compile(r"[‐‑‒–—―－~～]")


def title_key(title: str) -> str:
    """A title normalised for matching citations: NFKC, one kind of dash, no spaces.

    >>> title_key("山东省知识产权强省建设纲要（2021—2035年）") == title_key(
    ...     "山东省知识产权强省建设纲要(2021-2035年)")
    True
    """
    text = unicodedata.normalize("NFKC", title)
    return re.sub(r"\s+", "", _DASHES.sub("-", text))


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of code points in the source text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        """The part of ``text`` this span covers.

        >>> Span(2, 5).slice("菏泽市知识产权")
        '市知识'
        """
        return text[self.start : self.end]


@dataclass(frozen=True)
class SourceInfo:
    """The decoded source text and what identifies it."""

    name: str
    text: str
    sha256: str
    encoding: str


class ElementKind(StrEnum):
    """What a numbered or unnumbered element of a plan is; the value is its IRI segment."""

    PREAMBLE = "preamble"
    PART = "part"
    SECTION = "section"
    GUIDING_IDEA = "guiding-idea"
    PRINCIPLE = "principle"
    OBJECTIVE = "objective"
    INDICATOR_TABLE = "indicator-table"
    INDICATOR = "indicator"
    TASK_AREA = "task-area"
    TASK = "task"
    KEY_PROJECT = "key-project"
    SAFEGUARD = "safeguard"
    ITEM = "item"
    NOTE = "note"


class PartKind(StrEnum):
    """What a top-level part contains; decides how its items are classified."""

    GENERAL = "general"
    TASKS = "tasks"
    PROJECTS = "projects"
    SAFEGUARDS = "safeguards"
    # A chapter that is itself a task area, its sections the tasks (national outlines and plans).
    MEASURES = "measures"
    OTHER = "other"


@dataclass(frozen=True)
class MetadataField:
    """One field of the website's metadata block (索引号, 文号 …), in table or list form."""

    key: str
    value: str
    span: Span
    line: int


@dataclass(frozen=True)
class CitedTitle:
    """A document title cited in 《》, with where it stands."""

    title: str
    span: Span


@dataclass(frozen=True)
class Notice:
    """The 通知 that promulgates the plan."""

    title: str
    title_span: Span
    document_number: str | None
    document_number_span: Span | None
    addressees: tuple[str, ...]
    addressees_span: Span | None
    body: str
    body_span: Span
    promulgated_title: CitedTitle | None
    approval_meeting: str | None
    approval_date: dt.date | None
    signature: str | None
    signature_span: Span | None
    date: dt.date | None
    date_span: Span | None
    publicly_released: bool
    release_span: Span | None
    span: Span


@dataclass(frozen=True)
class Publication:
    """How a news agency or portal published the text: what surrounds it but is not part of it.

    ``headline`` is the news headline; ``news`` the news sentences before the preamble (近日，……
    印发了……); ``credit`` the agency named at the end (（新华社）); ``abridged`` the marker
    （本文有删减）.
    """

    headline: str | None = None
    headline_span: Span | None = None
    news: tuple[Span, ...] = ()
    credit: str | None = None
    credit_span: Span | None = None
    abridged_span: Span | None = None

    @property
    def abridged(self) -> bool:
        """Whether the text says it was abridged."""
        return self.abridged_span is not None


@dataclass(frozen=True)
class ParseWarning:
    """An irregularity the parser recovered from, and what it did, at a line of the source."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class IndicatorValues:
    """The typed values of one indicator: a table row, or a target stated in prose."""

    name: str
    unit: str | None
    baseline: Decimal | None
    target: Decimal | None
    baseline_text: str
    target_text: str
    baseline_year: int | None
    target_year: int | None
    nature: str | None


@dataclass(frozen=True)
class Element:
    """A node of the plan's hierarchy.

    ``span`` covers only the text this node owns (its heading line and body paragraphs, not its
    children), so the spans of all nodes partition the plan body, with one exception: an
    indicator stated in prose (…达到13%) lies inside the span of the goal that states it. An
    inferred part has no span. ``level`` is the depth in the numbered hierarchy (1 for a
    top-level part), 0 for tables, their rows and notes.
    """

    kind: ElementKind
    number: int
    notation: str
    heading: str
    text: str
    span: Span | None
    level: int
    line: int
    inferred: bool = False
    inference_note_zh: str | None = None
    inference_note_en: str | None = None
    part_kind: PartKind | None = None
    indicator: IndicatorValues | None = None
    children: tuple[Element, ...] = field(default=())

    def walk(self) -> list[Element]:
        """This element and all its descendants, in document order."""
        found = [self]
        for child in self.children:
            found.extend(child.walk())
        return found


@dataclass(frozen=True)
class Plan:
    """A parsed plan: front matter, notice, title, preamble and the element hierarchy."""

    source: SourceInfo
    metadata: tuple[MetadataField, ...]
    notice: Notice | None
    title: str | None
    title_span: Span | None
    title_inferred_from: str | None
    cited_titles: tuple[CitedTitle, ...]
    elements: tuple[Element, ...]
    publication: Publication | None = None
    warnings: tuple[ParseWarning, ...] = ()

    def walk(self) -> list[Element]:
        """Every element of the plan, in document order."""
        found: list[Element] = []
        for element in self.elements:
            found.extend(element.walk())
        return found

    def metadata_value(self, key: str) -> str | None:
        """The first value of a metadata field, by its key with spaces removed (e.g. 索引号)."""
        return next((f.value for f in self.metadata if f.key == key), None)

    @property
    def body_span(self) -> Span | None:
        """From the preamble (or first element) to the end of the last element."""
        spans = [e.span for e in self.walk() if e.span is not None]
        if not spans:
            return None
        return Span(min(s.start for s in spans), max(s.end for s in spans))


def to_json_data(value: object) -> object:
    """A JSON-ready copy of a model value: dataclasses → dicts, decimals → strings, spans → pairs.

    >>> to_json_data(Span(1, 3))
    [1, 3]
    """
    if isinstance(value, Span):
        return [value.start, value.end]
    if isinstance(value, SourceInfo):
        return {"name": value.name, "sha256": value.sha256, "encoding": value.encoding}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json_data(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, StrEnum)):
        return str(value) if isinstance(value, StrEnum) else value.isoformat()
    return value


__all__ = [
    "CitedTitle",
    "Element",
    "ElementKind",
    "IndicatorValues",
    "MetadataField",
    "Notice",
    "ParseWarning",
    "PartKind",
    "Plan",
    "Publication",
    "SourceInfo",
    "Span",
    "title_key",
    "to_json_data",
]
