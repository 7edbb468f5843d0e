"""Curated parent-document files (``data/parents/*.yaml``): their models and loaders.

Each file holds what public sources show of one parent document, every fact with its URL and
reliability. A file that names the document's official text (``full_text:``, a file listed in
``data/sources/sources.yaml``) is a :class:`FullTextParent`: it keeps only what that text does not
say, and locates each element in the text by a phrase (``quote``) instead of describing it. Any
other file is a :class:`CuratedParent`, whose elements are described (label, text, parent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)

from heze_ip_kg.curated.fields import Number, Scalar, Segment, Sources, UrlSource
from heze_ip_kg.curated.located import CuratedFile, Problem, Record, Rows, validate_file
from heze_ip_kg.files.datafiles import read_yaml
from heze_ip_kg.vocab.iri import slug_problem

ElementClass = Literal[
    "GuidingIdea",
    "Principle",
    "Objective",
    "Indicator",
    "TaskArea",
    "Task",
    "KeyProject",
    "Safeguard",
]
FactName = Literal[
    "notice_title",
    "issuer",
    "document_number",
    "date_document",
    "date_publication",
    "drafter",
    "plan_type",
    "english_title",
]


class Title(Record):
    """The document's title, or another spelling of it, as the sources write it."""

    zh: str
    en: str | None = None
    sources: Sources


class Fact(Record):
    """A fact about the document (its issuer, number, dates …) in words or as a value."""

    zh: str | None = None
    en: str | None = None
    value: Scalar | None = None
    sources: Sources
    note: str | None = None


class BasedOn(Record):
    """A document this one is based on: a curated parent (``document``) or a cited ``title``."""

    document: str | None = None
    title: str | None = None
    quote: str | None = None
    sources: Sources

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.document is None) == (self.title is None):
            raise ValueError("give either document or title")
        return self


def _count(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("declared must be a count or null")


class Count(Record):
    """How many elements of a class the document has, as a source declares it."""

    klass: Literal["Plan", ElementClass] = Field(alias="class")
    declared: Annotated[int | None, PlainValidator(_count)] = None
    note: str | None = None
    sources: Rows[UrlSource] = ()


class Unknown(Record):
    """A fact looked for and not found."""

    what: str
    note: str | None = None


class IndicatorValue(Record):
    """An indicator's baseline or target as a source reports it."""

    value: Number | None = None
    year: int | None = None
    sources: Sources
    note: str | None = None


class Element(Record):
    """What every curated element has: id, class, sources, and an indicator's values."""

    id: Segment  # one segment of {base}{document}/{id}
    klass: ElementClass = Field(alias="class")
    sources: Sources
    note: str | None = None
    unit: str | None = None
    baseline: IndicatorValue | None = None
    target: IndicatorValue | None = None
    nature: Literal["预期性", "约束性"] | None = None

    @model_validator(mode="after")
    def _values_of_indicators(self) -> Self:
        for key in ("baseline", "target"):
            if getattr(self, key) is not None and self.klass != "Indicator":
                raise ValueError(f"{key!r} only for indicators")
        return self


class ElementLabel(Record):
    zh: str
    en: str


class DescribedElement(Element):
    """An element of a document whose text is not available, described by the file."""

    notation: str | None = None
    label: ElementLabel
    text: str | None = None
    parent: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_quote(cls, data: Any) -> Any:
        if isinstance(data, dict) and "quote" in data:
            raise ValueError("'quote' only where the file names a full_text")
        return data


def _quotes(value: Any) -> tuple[str, ...]:
    found = [value] if isinstance(value, str) else value
    if isinstance(found, list) and found and all(isinstance(q, str) and q.strip() for q in found):
        return tuple(found)
    raise ValueError("'quote' must be a phrase of the text, or a list of them")


class QuotedElement(Element):
    """An element of a document with a full text, located there by the phrases ``quote``."""

    quotes: Annotated[tuple[str, ...], PlainValidator(_quotes)] = Field(alias="quote")

    @model_validator(mode="before")
    @classmethod
    def _not_what_the_text_says(cls, data: Any) -> Any:
        said = [
            k
            for k in ("label", "notation", "parent", "text")
            if isinstance(data, dict) and k in data
        ]
        if said:
            raise ValueError(
                f"{', '.join(said)}: the full text says this; give a 'quote' that locates the "
                "element instead"
            )
        return data


class ParentDocument(CuratedFile):
    """What every parent file says of its document (``id`` is the file's name)."""

    id: str
    klass: Literal["Plan"] = Field(alias="class")
    level: Literal["national", "provincial"]
    title: Title
    aliases: Rows[Title] = ()
    facts: dict[FactName, Fact] = Field(default_factory=dict)
    based_on: Rows[BasedOn] = ()
    unknown: Rows[Unknown] = ()

    @field_validator("id")
    @classmethod
    def _id_is_the_file_name(cls, value: str, info: ValidationInfo) -> str:
        if info.context and value != info.context.get("stem", value):
            raise ValueError(f"id {value!r} must equal the file name")
        problem = slug_problem(value)
        if problem:
            raise ValueError(f"id {value!r} {problem}")
        return value

    @property
    def slug(self) -> str:
        return self.id


def _unique(elements: tuple[Element, ...]) -> set[str]:
    ids: set[str] = set()
    for index, element in enumerate(elements):
        if element.id in ids:
            raise Problem(("elements", index), f"duplicate id {element.id!r}")
        ids.add(element.id)
    return ids


class CuratedParent(ParentDocument):
    """A parent known only from its sources: elements described, counts as declared."""

    counts: Rows[Count] = ()
    elements: Rows[DescribedElement]

    @model_validator(mode="after")
    def _ids_and_parents(self) -> Self:
        ids = _unique(self.elements)
        for index, element in enumerate(self.elements):
            if element.parent is not None and element.parent not in ids:
                raise Problem(("elements", index), f"parent {element.parent!r} is not an element")
        return self


def _file_name(value: str) -> str:
    if not value or "/" in value or value.startswith("."):
        raise ValueError("full_text must name a file in data/sources/")
    return value


def _no_counts(value: tuple[Count, ...]) -> tuple[Count, ...]:
    if value:
        raise ValueError("counts come from the full text; remove them")
    return value


class FullTextParent(ParentDocument):
    """A parent whose official text is in ``data/sources/`` (``full_text``)."""

    full_text: Annotated[str, AfterValidator(_file_name)]
    counts: Annotated[Rows[Count], AfterValidator(_no_counts)] = ()
    elements: Rows[QuotedElement]

    @model_validator(mode="after")
    def _ids(self) -> Self:
        _unique(self.elements)
        return self


ParentFile = CuratedParent | FullTextParent


def load_parent(path: Path) -> ParentFile:
    """Read and strictly validate one parent file; errors name the file and the line."""
    data = read_yaml(path)
    with_text = isinstance(data, dict) and "full_text" in data
    model: type[ParentFile] = FullTextParent if with_text else CuratedParent
    return validate_file(path, data, model, stem=path.stem)


def load_parents(folder: Path) -> list[ParentFile]:
    """Every ``*.yaml`` in ``folder``, validated, with cross-file references checked."""
    parents = [load_parent(p) for p in sorted(folder.glob("*.yaml"))]
    slugs = {p.slug for p in parents}
    for parent in parents:
        for index, entry in enumerate(parent.based_on, start=1):
            if entry.document is not None and entry.document not in slugs:
                message = f"based_on[{index}]: unknown document {entry.document!r}"
                raise parent.error(message, entry)
    return parents


__all__ = [
    "BasedOn",
    "Count",
    "CuratedParent",
    "DescribedElement",
    "Element",
    "ElementClass",
    "Fact",
    "FactName",
    "FullTextParent",
    "IndicatorValue",
    "ParentDocument",
    "ParentFile",
    "QuotedElement",
    "Title",
    "Unknown",
    "load_parent",
    "load_parents",
]
