"""The dataset's own facts (``data/metadata.yaml``): what a publication says the dataset is.

Modelled on datasette's ``metadata.yaml``: the title, description, licence, publisher, period,
keywords and themes that ``void.ttl`` (VoID and DCAT-AP), the site and its schema.org block
state; the document the home page is about; the titles of the pictures and the colour of each
level of government. A data folder carries its own, so a synthetic corpus (``heze-ip-kg
corpus``) or another real one publishes its own title, never this project's. The file is
optional for building and querying; publishing and drawing pictures need it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, Field, ValidationInfo, model_validator

from heze_ip_kg.curated.fields import Name, Slug, WebAddress
from heze_ip_kg.curated.located import ROW_DEPTH, CuratedFile, Problem, Record, Rows, load_file
from heze_ip_kg.errors import InputError
from heze_ip_kg.vocab.levels import LEVELS, GovernmentLevel

METADATA_FILE = "metadata.yaml"


def _colour(value: str, info: ValidationInfo) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"{info.field_name} must be a colour written #rrggbb, not {value!r}")
    return value


def _code(value: str, info: ValidationInfo) -> str:
    if not re.fullmatch(r"[A-Z0-9_]+", value):
        raise ValueError(f"{info.field_name} {value!r} must be a code of its EU authority table")
    return value


def _year(value: int, info: ValidationInfo) -> int:
    if not 1000 <= value <= 9999:
        raise ValueError(f"{info.field_name} must be a year of four digits")
    return value


# A colour as CSS and SVG write it: ``#3b6ea8``.
Colour = Annotated[str, AfterValidator(_colour)]
# A code of an EU Vocabularies authority table (``CC_BY_4_0``, ``GOVE``).
AuthorityCode = Annotated[str, AfterValidator(_code)]
Year = Annotated[int, AfterValidator(_year)]


class Text(Record):
    """A text in Chinese and in English."""

    zh: Name
    en: Name

    @property
    def both(self) -> str:
        """``中文 · English``: the two in one line, as a picture's title."""
        return f"{self.zh} · {self.en}"


class EnglishName(Record):
    """A name given in English only (the publisher's)."""

    en: Name


class Keywords(Record):
    """Keywords in each language (``dcat:keyword``, schema.org ``keywords``)."""

    zh: Annotated[Rows[Name], Field(min_length=1)]
    en: Annotated[Rows[Name], Field(min_length=1)]


class Licence(Record):
    """The dataset's licence: its short name and deed, and its code in the EU licence table."""

    name: Name
    url: WebAddress
    eu: AuthorityCode


class Period(Record):
    """The years the dataset's documents cover (``dcterms:temporal``)."""

    start: Year
    end: Year

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise Problem(("period", "end"), f"end {self.end} is before start {self.start}")
        return self


class Pictures(Record):
    """The titles of the publication's pictures."""

    trace: Text  # the cross-level implements graph (pictures/trace.svg, coverage --svg)
    indicators: Text  # the home page's chart of the main document's indicators


class LevelColours(Record):
    """How one level of government is drawn, and the colour's name in the chart legend."""

    name: Text
    bar: Colour  # chart bars
    badge: Colour  # the level's label behind white text: dark enough to read
    box: Colour  # boxes of the trace picture: light, under dark text


class DatasetMetadata(CuratedFile):
    """``metadata.yaml``: the facts a publication states about its dataset."""

    line_depth: ClassVar[int] = ROW_DEPTH + 1  # a bad value names its own key's line
    title: Text
    short_title: Text
    description: Text
    provenance: Text
    main_document: Slug
    licence: Licence
    publisher: EnglishName
    period: Period
    keywords: Keywords
    themes: Annotated[dict[AuthorityCode, Name], Field(min_length=1)]
    pictures: Pictures
    colours: Annotated[dict[GovernmentLevel, LevelColours], Field(min_length=1)]

    @model_validator(mode="after")
    def _named_apart(self) -> Self:
        seen: dict[str, str] = {}
        for level, colours in self.colours.items():
            for name in (colours.name.zh, colours.name.en):
                if name in seen:
                    message = f"colour name {name!r} is {seen[name]}'s too: the legend needs two"
                    raise Problem(("colours", level, "name"), message)
                seen[name] = level
        return self

    def levels(self) -> list[tuple[str, LevelColours]]:
        """The levels with colours, from the lowest (county) up: the order of legends and styles."""
        return sorted(self.colours.items(), key=lambda item: LEVELS[item[0]].rank)

    def box_fills(self) -> dict[str, str]:
        """The fill of each level's boxes in the trace picture."""
        return {level: colours.box for level, colours in self.colours.items()}


def load_metadata(path: Path) -> DatasetMetadata:
    """Read and strictly validate a ``metadata.yaml``; any error names the file and line."""
    if not path.is_file():
        raise InputError(
            "no such file: a data folder needs one to publish or draw (docs/metadata.md)",
            file=str(path),
        )
    return load_file(path, DatasetMetadata)


__all__ = [
    "METADATA_FILE",
    "DatasetMetadata",
    "Keywords",
    "LevelColours",
    "Licence",
    "Period",
    "Pictures",
    "Text",
    "load_metadata",
]
