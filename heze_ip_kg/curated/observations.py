"""Observed values of indicators (``data/observations/*.csv``) and stated directions
(``data/indicator-directions.csv``): their rows, checked against the indicators of the graph.

An observation row (header ``indicator,year,value,source,note``, an optional ``unit`` column)
names an indicator by its IRI path under the base, the year the value refers to (after the
indicator's baseline year), the value in the indicator's own unit and the URL of the public
document reporting it. A direction row (``indicator,direction,reason``) states ``increase`` or
``decrease`` where target and baseline do not say it, with the reason, since it is curated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, PlainValidator, ValidationInfo, model_validator
from rdflib import URIRef

from heze_ip_kg.curated.located import Row, validate_row
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.datafiles import read_sheet
from heze_ip_kg.vocab.iri import web_iri_problem

COLUMNS = ("indicator", "year", "value", "source", "note")
OPTIONAL_COLUMNS = ("unit",)
DIRECTION_COLUMNS = ("indicator", "direction", "reason")


@dataclass(frozen=True)
class IndicatorFacts:
    """What an observation is checked against: the indicator's unit and its spellings."""

    unit: URIRef | None
    unit_names: frozenset[str]  # the unit's Chinese spellings and its concept name
    baseline_year: int | None = None


def _filled(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"empty {info.field_name}")
    return value


Filled = Annotated[str, PlainValidator(_filled)]


def _indicator(value: Any, info: ValidationInfo) -> URIRef:
    path = _filled(value, info)
    context = info.context or {}
    indicator = URIRef(context.get("base", "") + path.strip("/"))
    if indicator not in context.get("facts", {}):
        raise ValueError(f"no indicator {path!r} in the graph")
    return indicator


def _year(value: Any, info: ValidationInfo) -> int:
    text = _filled(value, info)
    if not (len(text) == 4 and text.isdigit()):
        raise ValueError(f"year {text!r} is not a four-digit year")
    return int(text)


def _number(value: Any, info: ValidationInfo) -> Decimal:
    text = _filled(value, info)
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValueError(f"value {text!r} is not a number")
    return number


def _web_source(value: str) -> str:
    problem = web_iri_problem(value)
    if problem:
        raise ValueError(f"source {value!r} {problem}")
    return value


Indicator = Annotated[URIRef, PlainValidator(_indicator)]


class Observation(Row):
    """One observed value of an indicator, from one source."""

    indicator: Indicator
    year: Annotated[int, PlainValidator(_year)]
    value: Annotated[Decimal, PlainValidator(_number)]
    source: Annotated[Filled, AfterValidator(_web_source)]
    note: str = ""
    unit: str = ""  # the indicator's unit, where the row says it: checked, not kept

    @model_validator(mode="after")
    def _fits_the_indicator(self, info: ValidationInfo) -> Self:
        facts: IndicatorFacts = (info.context or {})["facts"][self.indicator]
        baseline = facts.baseline_year
        if baseline is not None and self.year <= baseline:
            raise ValueError(
                f"year {self.year} is not after the indicator's baseline year {baseline}: "
                "progress is measured from the baseline"
            )
        if self.unit and self.unit not in facts.unit_names:
            known = ", ".join(sorted(facts.unit_names)) or "none"
            raise ValueError(f"unit {self.unit!r} is not the indicator's unit ({known})")
        return self


def load_observations(
    folder: Path, base: str, facts: Mapping[URIRef, IndicatorFacts]
) -> list[Observation]:
    """Every observation in ``folder/*.csv``, checked; a bad row fails naming its file and line.

    A value given twice for one indicator, year and source is kept once.
    """
    observations: list[Observation] = []
    seen: dict[tuple[URIRef, int, str], Observation] = {}
    for path in sorted(folder.glob("*.csv")):
        for line, cells in read_sheet(path, COLUMNS, OPTIONAL_COLUMNS):
            observation = validate_row(Observation, cells, str(path), line, base=base, facts=facts)
            key = (observation.indicator, observation.year, observation.source)
            earlier = seen.setdefault(key, observation)
            if earlier is observation:
                observations.append(observation)
            elif earlier.value != observation.value:  # the same fact twice: once is enough
                raise InputError(
                    f"a second value for this indicator, year and source ({observation.value} "
                    f"here, {earlier.value} at {earlier.file}:{earlier.line})",
                    file=observation.file,
                    line=observation.line,
                )
    return observations


class Direction(Row):
    """A stated direction of an indicator, with the curator's reason."""

    indicator: Indicator
    direction: Literal["increase", "decrease"]
    reason: Filled


def load_directions(
    path: Path, base: str, facts: Mapping[URIRef, IndicatorFacts]
) -> dict[URIRef, str]:
    """Stated directions by indicator, from ``path`` if there is such a file."""
    if not path.is_file():
        return {}
    directions: dict[URIRef, str] = {}
    for line, cells in read_sheet(path, DIRECTION_COLUMNS):
        row = validate_row(Direction, cells, str(path), line, base=base, facts=facts)
        if row.indicator in directions:
            raise InputError("a second direction for this indicator", file=str(path), line=line)
        directions[row.indicator] = row.direction
    return directions


__all__ = [
    "COLUMNS",
    "DIRECTION_COLUMNS",
    "OPTIONAL_COLUMNS",
    "Direction",
    "IndicatorFacts",
    "Observation",
    "load_directions",
    "load_observations",
]
