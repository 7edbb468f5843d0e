"""The curated organisations (``data/organizations.yaml``): bodies, their links and aliases.

A fact about a body is sourced by a ``quote`` (found word for word in a source text when the graph
is built) or by a ``url`` with its reliability. The file as a whole is the :class:`Gazetteer` the
responsibility stage finds bodies with: aliases to ids, longest first.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from heze_ip_kg.curated.fields import Name, UrlSource
from heze_ip_kg.curated.located import CuratedFile, Problem, Record, Rows, load_file, union_tag
from heze_ip_kg.vocab.levels import BodyLevel

Level = BodyLevel
Kind = Literal[
    "government",
    "department",
    "leading-group",
    "joint-conference",
    "judicial",
    "procuratorial",
    "public-security",
    "customs",
    "finance",
    "association",
    "mediation",
    "service-provider",
    "education-research",
    "service-centre",
    "enterprise",
]


class QuoteSource(Record):
    """A phrase of a source text that states the fact."""

    quote: Name


BY_QUOTE, BY_URL = union_tag("quote"), union_tag("url")


def _source_kind(value: Any) -> str:
    return BY_QUOTE if isinstance(value, dict) and "quote" in value else BY_URL


# A source by quote when the mapping has a quote, else by url.
Source = Annotated[
    Annotated[QuoteSource, Tag(BY_QUOTE)] | Annotated[UrlSource, Tag(BY_URL)],
    Discriminator(_source_kind),
]
Sources = Annotated[Rows[Source], Field(min_length=1)]


class Link(Record):
    """A sourced link to another body (one it belongs to, or its counterpart one level up)."""

    id: str
    sources: Sources
    note: str | None = None


class OrganizationLabel(Record):
    zh: str | None = None
    en: str


class Organization(Record):
    """One curated body."""

    id: str
    label: OrganizationLabel
    level: Level
    kind: Kind
    aliases: Rows[Name] = ()
    generic: bool = False
    sources: Sources
    sub_organization_of: Rows[Link] = ()
    counterparts: Rows[Link] = ()
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9-]+", value):
            raise ValueError("id must be lower-case ASCII with hyphens")
        return value


class NonBody(Record):
    """A phrase that looks like a body's name and was reviewed as not being one."""

    phrase: str
    note: str


class Gazetteer(CuratedFile):
    """The organisations file: every body, and the phrases reviewed as not being bodies."""

    organizations: Rows[Organization]
    reviewed_non_bodies: Rows[NonBody] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        ids: set[str] = set()
        for index, org in enumerate(self.organizations):
            if org.id in ids:
                raise Problem(("organizations", index), f"duplicate id {org.id!r}")
            ids.add(org.id)
        owners: dict[str, str] = {}
        for index, org in enumerate(self.organizations):
            for key in ("sub_organization_of", "counterparts"):
                for link in getattr(org, key):
                    if link.id not in ids:
                        at = ("organizations", index)
                        raise Problem(at, f"{key} names unknown body {link.id!r}")
            for alias in org.aliases:
                if alias in owners:
                    both = f"{owners[alias]} and {org.id}"
                    raise Problem(("organizations", index), f"alias {alias!r} given to both {both}")
                owners[alias] = org.id
        return self

    @property
    def non_bodies(self) -> tuple[str, ...]:
        return tuple(entry.phrase for entry in self.reviewed_non_bodies)

    def by_alias(self) -> dict[str, str]:
        return {alias: org.id for org in self.organizations for alias in org.aliases}

    @cached_property
    def alias_pattern(self) -> re.Pattern[str]:
        """Every alias, longest first: at each place the regex takes the longest that matches."""
        aliases = sorted(self.by_alias(), key=lambda alias: -len(alias))
        return re.compile("|".join(map(re.escape, aliases))) if aliases else re.compile(r"(?!)")

    def get(self, org_id: str) -> Organization:
        return next(o for o in self.organizations if o.id == org_id)


def load_organizations(path: Path) -> Gazetteer:
    """Read and strictly validate the organisations file; errors name the file and the body."""
    return load_file(path, Gazetteer)


__all__ = [
    "Gazetteer",
    "Kind",
    "Level",
    "Link",
    "NonBody",
    "Organization",
    "OrganizationLabel",
    "QuoteSource",
    "Source",
    "load_organizations",
]
