"""The curated tab-separated tables: English labels and unit names (``data/labels/*.tsv``) and
the role patterns (``data/role-patterns.tsv``).

``read_tsv`` checks the header and that every row has its cells; the models check each cell.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import regex
from pydantic import AfterValidator, PlainValidator, field_validator

from heze_ip_kg.curated.located import Row, validate_row
from heze_ip_kg.files.datafiles import read_tsv

Role = Literal["lead", "coordinating", "implementing", "funding", "participating", "mentioned"]


class LabelRow(Row):
    """A Chinese term and its English label (``data/labels/en.tsv``)."""

    zh: str
    en: str


def _unit_name(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value):
        raise ValueError(f"unit name {value!r} must be lower-case ASCII with hyphens")
    return value


class UnitRow(Row):
    """A unit as plans write it and the name of its concept (``data/labels/units.tsv``)."""

    zh: str
    name: Annotated[str, AfterValidator(_unit_name)]  # a segment of {concept base}unit/{name}


def _kinds(value: Any) -> frozenset[str] | None:
    if not isinstance(value, str):
        raise ValueError("kinds must be a text")
    return None if value == "*" else frozenset(value.split(","))


@lru_cache(maxsize=4096)
def _compiled(pattern: str, surface: str) -> regex.Pattern[str]:
    return regex.compile(pattern.replace("{org}", f"(?P<org>{regex.escape(surface)})"))


class RolePattern(Row):
    """A sentence pattern stating a role, limited to some kinds of body (``*``: any)."""

    id: str
    role: Role
    kinds: Annotated[frozenset[str] | None, PlainValidator(_kinds)]
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        if "{org}" not in value:
            raise ValueError("pattern needs an {org} placeholder")
        try:  # compiled as it will run, with {org} bound
            _compiled(value, "x")
        except regex.error as err:
            raise ValueError(f"bad pattern: {err}") from None
        return value

    def regex(self, surface: str) -> regex.Pattern[str]:
        """The pattern with ``{org}`` bound to ``surface`` (a named group ``org``)."""
        return _compiled(self.pattern, surface)


def load_labels(path: Path) -> dict[str, str]:
    """English labels by Chinese term."""
    rows = read_tsv(path, ("zh", "en"))
    return {row.zh: row.en for row in (validate_row(LabelRow, r, str(path), n) for n, r in rows)}


def load_units(path: Path) -> dict[str, str]:
    """Unit concept names by the units' Chinese spelling; a name must be a safe IRI segment."""
    rows = read_tsv(path, ("zh", "name"))
    return {row.zh: row.name for row in (validate_row(UnitRow, r, str(path), n) for n, r in rows)}


def load_role_patterns(path: Path) -> list[RolePattern]:
    """The role patterns in file order; a bad row names the file and line."""
    rows = read_tsv(path, ("id", "role", "kinds", "pattern"))
    return [validate_row(RolePattern, row, str(path), line) for line, row in rows]


__all__ = [
    "LabelRow",
    "Role",
    "RolePattern",
    "UnitRow",
    "load_labels",
    "load_role_patterns",
    "load_units",
]
