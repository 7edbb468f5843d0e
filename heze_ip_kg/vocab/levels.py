"""Levels of government, defined once: their keys, order and names.

The keys are the notations of the ``concept/level`` scheme in ``ontology/heze-ip.ttl`` (whose
labels these names repeat; ``tests/test_ontology.py`` holds the two equal). Every stage that
ranks, names or accepts a level takes it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Level:
    """One level of government: ``rank`` grows upwards (a county is below its city)."""

    key: str
    rank: int
    zh: str
    en: str


GOVERNMENT_LEVELS = (
    Level("county", 0, "县级", "county"),
    Level("municipal", 1, "市级", "municipal"),
    Level("provincial", 2, "省级", "provincial"),
    Level("national", 3, "国家级", "national"),
)
NON_GOVERNMENTAL = Level("non-governmental", -1, "非政府", "non-governmental")
LEVELS = {level.key: level for level in (*GOVERNMENT_LEVELS, NON_GOVERNMENTAL)}

# The keys as types for the curated files' models (pydantic reads Literal types).
# Listed from the top, as error messages name them.
GovernmentLevel = Literal["national", "provincial", "municipal", "county"]
BodyLevel = Literal["national", "provincial", "municipal", "county", "non-governmental"]


def level_rank(key: str | None, unknown: int = -1) -> int:
    """The rank of a level key (``unknown`` for none or a key not in the scheme)."""
    level = LEVELS.get(key or "")
    return unknown if level is None else level.rank


def level_zh(key: str | None) -> str:
    """The Chinese name of a level key, or the empty string."""
    level = LEVELS.get(key or "")
    return "" if level is None else level.zh


__all__ = [
    "GOVERNMENT_LEVELS",
    "LEVELS",
    "NON_GOVERNMENTAL",
    "BodyLevel",
    "GovernmentLevel",
    "Level",
    "level_rank",
    "level_zh",
]
