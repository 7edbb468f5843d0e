"""Field types shared by the curated files: sources, slugs, numbers, each with its rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainValidator, ValidationInfo

from heze_ip_kg.curated.located import Record, Rows
from heze_ip_kg.vocab.iri import segment_problem, slug_problem

Reliability = Literal["orig", "news", "secondary"]
# A non-empty text: a name, a phrase.
Name = Annotated[str, Field(min_length=1)]


def _web_address(value: str, info: ValidationInfo) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{info.field_name} must be an http(s) address")
    return value


WebAddress = Annotated[str, AfterValidator(_web_address)]


def _slug(value: str, info: ValidationInfo) -> str:
    problem = slug_problem(value)
    if problem:
        raise ValueError(f"{info.field_name} {value!r} {problem}")
    return value


def _segment(value: str, info: ValidationInfo) -> str:
    problem = segment_problem(value)
    if problem:
        raise ValueError(f"{info.field_name} {value!r} {problem}")
    return value


# A document's slug: the first path segment of its IRIs under the base.
Slug = Annotated[str, AfterValidator(_slug)]
# One more segment under a document's IRI: ``{base}{document}/{id}``.
Segment = Annotated[str, AfterValidator(_segment)]


def _number(value: Any, info: ValidationInfo) -> Decimal:
    """A number written as a YAML number or as text (``"3194.4"``), exactly as written."""
    try:
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            number = Decimal(str(value))
            if number.is_finite():
                return number
    except InvalidOperation:
        pass
    raise ValueError(f"{info.field_name} must be a number")


Number = Annotated[Decimal, PlainValidator(_number)]


def _scalar(value: Any, info: ValidationInfo) -> str | dt.date | int | float:
    if isinstance(value, str | dt.date | int | float) and not isinstance(value, bool):
        return value
    raise ValueError(f"{info.field_name} must be a text, a date or a number")


# A fact's value as YAML gives it: a text, a date, a number.
Scalar = Annotated[str | dt.date | int | float, PlainValidator(_scalar)]


class UrlSource(Record):
    """A public page a fact was seen on, and how reliable it is."""

    url: WebAddress
    reliability: Reliability


# Where a fact was seen: at least one page.
Sources = Annotated[Rows[UrlSource], Field(min_length=1)]

__all__ = [
    "Name",
    "Number",
    "Reliability",
    "Scalar",
    "Segment",
    "Slug",
    "Sources",
    "UrlSource",
    "WebAddress",
]
