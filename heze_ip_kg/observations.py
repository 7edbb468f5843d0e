"""Observed values of indicators: ``data/observations/*.csv`` read, checked, and written as an
RDF Data Cube.

Each row is one value (header ``indicator,year,value,source,note``, an optional ``unit`` column):
``indicator`` is the indicator's IRI path under the base, ``year`` the year the value refers to,
``value`` a number in the indicator's own unit, ``source`` the URL of the public document that
reports it. A row that names no known indicator, holds a bad number or year (or a year not after
the indicator's baseline year), gives a unit other than the indicator's, or gives a second,
different value for one indicator and year from one source, is an error naming its file and
line. Several files may add rows.

In the graph each row is a ``qb:Observation`` of one data set, whose structure has three
dimensions — the indicator, the reference year and the reporting source (two sources for one
year are two observations, as Data Cube's integrity constraint IC-12 requires) — the measure
``hip:observedValue`` and the unit as an attribute: https://www.w3.org/TR/vocab-data-cube/.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.datafiles import read_csv_rows
from heze_ip_kg.errors import InputError
from heze_ip_kg.iri import web_iri_problem
from heze_ip_kg.minting import CONCEPT_BASE, number_literal
from heze_ip_kg.namespaces import DCTERMS, HIP, QB, RDF, RDFS, XSD

COLUMNS = ("indicator", "year", "value", "source", "note")
OPTIONAL_COLUMNS = ("unit",)
COMPONENTS = (
    ("indicator", "dimension", HIP.observedIndicator),
    ("year", "dimension", HIP.referenceYear),
    ("source", "dimension", HIP.reportedIn),
    ("value", "measure", HIP.observedValue),
    ("unit", "attribute", HIP.measuredIn),
)


@dataclass(frozen=True)
class Observation:
    """One observed value of an indicator, from one source."""

    indicator: URIRef
    year: int
    value: Decimal
    source: str
    note: str
    file: str
    line: int


@dataclass(frozen=True)
class IndicatorFacts:
    """What an observation is checked against: the indicator's unit and its spellings."""

    unit: URIRef | None
    unit_names: frozenset[str]  # the unit's Chinese spellings and its concept name
    baseline_year: int | None = None


def indicator_facts(graph: Graph, units: Mapping[str, str]) -> dict[URIRef, IndicatorFacts]:
    """Every indicator of ``graph`` with its unit (``units``: Chinese spelling → concept name)."""
    spellings: dict[str, set[str]] = {}
    for zh, name in units.items():
        spellings.setdefault(CONCEPT_BASE + "unit/" + name, {name}).add(zh)
    facts = {}
    for indicator in graph.subjects(RDF.type, HIP.Indicator):
        if not isinstance(indicator, URIRef):
            continue
        unit = graph.value(indicator, HIP.unit)
        names = set(spellings.get(str(unit), set()))
        if unit is not None:
            names.add(str(unit).rsplit("/", 1)[-1])
            names |= {str(t) for t in graph.objects(indicator, HIP.unitText)}
        year = graph.value(indicator, HIP.baselineYear)
        facts[indicator] = IndicatorFacts(
            unit if isinstance(unit, URIRef) else None,
            frozenset(names),
            int(str(year)) if year is not None else None,
        )
    return facts


def _cell(row: dict[str, str], name: str, where: tuple[str, int]) -> str:
    value = row.get(name, "").strip()
    if not value:
        raise InputError(f"empty {name}", file=where[0], line=where[1])
    return value


def _read_file(path: Path, base: str, facts: Mapping[URIRef, IndicatorFacts]) -> list[Observation]:
    found: list[Observation] = []
    header: list[str] | None = None
    for line, cells in read_csv_rows(path):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            if tuple(header[: len(COLUMNS)]) != COLUMNS or not set(header[len(COLUMNS) :]) <= set(
                OPTIONAL_COLUMNS
            ):
                raise InputError(
                    f"header must be {','.join(COLUMNS)} (and optionally ,unit)",
                    file=str(path),
                    line=line,
                )
            continue
        if len(cells) != len(header):
            raise InputError(
                f"row has {len(cells)} cells; the header names {len(header)}",
                file=str(path),
                line=line,
            )
        row = dict(zip(header, cells, strict=True))
        found.append(_observation(row, base, facts, (str(path), line)))
    return found


def _observation(
    row: dict[str, str],
    base: str,
    facts: Mapping[URIRef, IndicatorFacts],
    where: tuple[str, int],
) -> Observation:
    file, line = where
    path = _cell(row, "indicator", where)
    indicator = URIRef(base + path.strip("/"))
    if indicator not in facts:
        raise InputError(f"no indicator {path!r} in the graph", file=file, line=line)
    year_text = _cell(row, "year", where)
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise InputError(f"year {year_text!r} is not a four-digit year", file=file, line=line)
    baseline = facts[indicator].baseline_year
    if baseline is not None and int(year_text) <= baseline:
        raise InputError(
            f"year {year_text} is not after the indicator's baseline year {baseline}: progress "
            "is measured from the baseline",
            file=file,
            line=line,
        )
    value_text = _cell(row, "value", where)
    try:
        value = Decimal(value_text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InputError(f"value {value_text!r} is not a number", file=file, line=line)
    source = _cell(row, "source", where)
    problem = web_iri_problem(source)
    if problem:
        raise InputError(f"source {source!r} {problem}", file=file, line=line)
    unit = row.get("unit", "").strip()
    expected = facts[indicator]
    if unit and unit not in expected.unit_names:
        known = ", ".join(sorted(expected.unit_names)) or "none"
        raise InputError(
            f"unit {unit!r} is not the indicator's unit ({known})", file=file, line=line
        )
    return Observation(
        indicator, int(year_text), value, source, row.get("note", "").strip(), file, line
    )


def load_observations(
    folder: Path, base: str, facts: Mapping[URIRef, IndicatorFacts]
) -> list[Observation]:
    """Every observation in ``folder/*.csv``, checked; a bad row fails naming its file and line.

    A value given twice for one indicator, year and source is kept once.
    """
    observations: list[Observation] = []
    seen: dict[tuple[URIRef, int, str], Observation] = {}
    for path in sorted(folder.glob("*.csv")):
        for observation in _read_file(path, base, facts):
            key = (observation.indicator, observation.year, observation.source)
            earlier = seen.get(key)
            if earlier is not None:
                if earlier.value != observation.value:
                    raise InputError(
                        f"a second value for this indicator, year and source "
                        f"({observation.value} here, {earlier.value} at "
                        f"{earlier.file}:{earlier.line})",
                        file=observation.file,
                        line=observation.line,
                    )
                continue  # the same fact twice: once is enough
            seen[key] = observation
            observations.append(observation)
    return observations


DIRECTION_COLUMNS = ("indicator", "direction", "reason")


def load_directions(
    path: Path, base: str, facts: Mapping[URIRef, IndicatorFacts]
) -> dict[URIRef, str]:
    """Stated directions (``increase`` or ``decrease``) where target and baseline do not say it.

    ``path`` (``data/indicator-directions.csv``, optional) has the header
    ``indicator,direction,reason``; the reason is required, since the statement is curated.
    """
    if not path.is_file():
        return {}
    directions: dict[URIRef, str] = {}
    rows = [(line, cells) for line, cells in read_csv_rows(path) if any(c.strip() for c in cells)]
    if not rows or tuple(c.strip() for c in rows[0][1]) != DIRECTION_COLUMNS:
        raise InputError(f"header must be {','.join(DIRECTION_COLUMNS)}", file=str(path), line=1)
    for line, cells in rows[1:]:
        where = (str(path), line)
        if len(cells) != len(DIRECTION_COLUMNS):
            raise InputError("row needs 3 cells", file=str(path), line=line)
        row = dict(zip(DIRECTION_COLUMNS, cells, strict=True))
        indicator = URIRef(base + _cell(row, "indicator", where).strip("/"))
        if indicator not in facts:
            raise InputError(f"no indicator {row['indicator']!r}", file=str(path), line=line)
        direction = _cell(row, "direction", where)
        if direction not in ("increase", "decrease"):
            raise InputError(
                f"direction must be increase or decrease, not {direction!r}",
                file=str(path),
                line=line,
            )
        _cell(row, "reason", where)
        if indicator in directions:
            raise InputError("a second direction for this indicator", file=str(path), line=line)
        directions[indicator] = direction
    return directions


def observation_iri(base: str, observation: Observation) -> URIRef:
    """``{base}observations/{indicator path}/{year}/{source hash}``: stable, one per row."""
    path = str(observation.indicator)[len(base) :]
    source = hashlib.sha256(observation.source.encode("utf-8")).hexdigest()[:12]
    return URIRef(f"{base}observations/{path}/{observation.year}/{source}")


def structure_graph(base: str, into: Graph) -> URIRef:
    """The data set and its structure (DSD); returns the data set's IRI."""
    dataset = URIRef(base + "observations")
    structure = URIRef(base + "observations/structure")
    into.add((dataset, RDF.type, QB.DataSet))
    into.add((dataset, RDFS.label, Literal("指标观测值", lang="zh")))
    into.add((dataset, RDFS.label, Literal("Observed values of the indicators", lang="en")))
    into.add((dataset, QB.structure, structure))
    into.add((structure, RDF.type, QB.DataStructureDefinition))
    for order, (name, kind, prop) in enumerate(COMPONENTS, start=1):
        component = URIRef(f"{base}observations/structure/{name}")
        into.add((structure, QB.component, component))
        into.add((component, RDF.type, QB.ComponentSpecification))
        into.add((component, QB[kind], prop))
        into.add((component, QB.order, Literal(order)))
        if kind == "attribute":
            into.add((component, QB.componentAttachment, QB.Observation))
    return dataset


def observation_graph(
    observations: list[Observation],
    base: str,
    facts: Mapping[URIRef, IndicatorFacts],
    into: Graph,
) -> None:
    """Add the data set, its structure and every observation to ``into`` (nothing if none)."""
    if not observations:
        return
    dataset = structure_graph(base, into)
    for observation in observations:
        node = observation_iri(base, observation)
        into.add((node, RDF.type, QB.Observation))
        into.add((node, QB.dataSet, dataset))
        into.add((node, HIP.observedIndicator, observation.indicator))
        year = Literal(f"{observation.year:04d}", datatype=XSD.gYear)
        into.add((node, HIP.referenceYear, year))
        into.add((node, HIP.reportedIn, URIRef(observation.source)))
        into.add((node, DCTERMS.source, URIRef(observation.source)))
        into.add((node, HIP.observedValue, number_literal(observation.value)))
        unit = facts[observation.indicator].unit
        if unit is not None:
            into.add((node, HIP.measuredIn, unit))
        if observation.note:
            into.add((node, RDFS.comment, Literal(observation.note, lang="en")))


__all__ = [
    "IndicatorFacts",
    "Observation",
    "indicator_facts",
    "load_directions",
    "load_observations",
    "observation_graph",
    "observation_iri",
]
