"""The list of official texts (``data/sources/sources.yaml``): one row per text to parse."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, ValidationInfo, model_validator

from heze_ip_kg.curated.fields import Slug
from heze_ip_kg.curated.located import ROW_DEPTH, CuratedFile, Problem, Record, Rows, load_file
from heze_ip_kg.vocab.levels import GovernmentLevel


def _listed_file(value: str, info: ValidationInfo) -> str:
    folder = Path(info.context["folder"]) if info.context else Path()
    if not (folder / value).is_file():
        raise ValueError(f"no file {value!r} in {folder}")
    return value


def _known_encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"unknown encoding {value!r}") from None
    return value


class SourceListing(Record):
    """One official text: its file in ``data/sources/``, the slug its IRIs are minted from."""

    file: Annotated[str, AfterValidator(_listed_file)]
    slug: Slug
    encoding: Annotated[str, AfterValidator(_known_encoding)] = "utf-8"
    level: GovernmentLevel | None = None
    url: str | None = None
    synthetic: bool = False


class SourceList(CuratedFile):
    """The texts ``build`` parses, in order."""

    line_depth: ClassVar[int] = ROW_DEPTH + 1  # flat rows, a key a line: a bad value's own line
    sources: Rows[SourceListing]

    @model_validator(mode="after")
    def _unique_slugs(self) -> Self:
        slugs: set[str] = set()
        for index, entry in enumerate(self.sources):
            if entry.slug in slugs:
                raise Problem(("sources", index, "slug"), f"duplicate slug {entry.slug!r}")
            slugs.add(entry.slug)
        return self


def load_sources(path: Path) -> SourceList:
    """Read and strictly validate ``sources.yaml``; each listed file must be beside it."""
    return load_file(path, SourceList, folder=path.parent)


__all__ = ["SourceList", "SourceListing", "load_sources"]
