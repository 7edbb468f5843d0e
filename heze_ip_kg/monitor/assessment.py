"""Progress of each indicator towards its target, by Open SDG's method (docs/progress-method.md).

With ``y0`` the baseline in year ``t0``, ``yT`` the target in ``tT`` and ``yi`` the latest
observation in ``ti``: ``CAGRi = (yi/y0)^(1/(ti−t0)) − 1``, ``CAGRT = (yT/y0)^(1/(tT−t0)) − 1``
and ``R = CAGRi / CAGRT``; the share of the planned distance covered is ``(yi − y0)/(yT − y0)``.
The status: ``achieved`` once an observation reaches the target (at any time); else
``not-achieved`` once one is in or after the target year; before it ``on-track`` (R ≥ 0.95),
``acceleration-needed`` (0.6 ≤ R < 0.95), ``limited-progress`` (0 ≤ R < 0.6) or
``deterioration`` (R < 0); ``no-data`` without an observation after the baseline year or
without a numeric target. The direction (rise or fall) comes from the target against the
baseline, or from the data where that is not enough (``data/indicator-directions.csv``: a
target already met at the baseline); a target met at the baseline and no longer met is
``deterioration``. Variants, each recorded as the assessment's method: a zero or negative
baseline has no growth rate, so R compares linear rates (change per year); without a baseline
the first observation stands in for it (a trend).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.monitor.observations import Observation
from heze_ip_kg.vocab.minting import CONCEPT_BASE, number_literal
from heze_ip_kg.vocab.namespaces import HIP, RDF, XSD

STATUSES = (
    "achieved",
    "not-achieved",
    "on-track",
    "acceleration-needed",
    "limited-progress",
    "deterioration",
    "no-data",
)
ON_TRACK, ACCELERATE = Decimal("0.95"), Decimal("0.6")
THREE_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class Series:
    """An indicator's baseline, target and observations (values in its own unit)."""

    indicator: URIRef
    baseline: tuple[Decimal, int] | None  # (value, year)
    target: tuple[Decimal, int] | None
    observations: tuple[tuple[int, Decimal], ...]  # (year, value), any order
    direction: str | None = None  # stated in the data where target against baseline is not enough


@dataclass(frozen=True)
class Assessment:
    """The status and the figures it was computed from."""

    status: str
    direction: str | None = None  # "increase" or "decrease"
    method: str | None = None  # "cagr", "linear" or "trend"
    latest: tuple[int, Decimal] | None = None  # (year, value)
    ratio: Decimal | None = None
    share: Decimal | None = None


def _rate(start: Decimal, end: Decimal, years: int, method: str) -> float:
    """Growth per year from ``start`` to ``end``: compound (``cagr``/``trend``) or linear."""
    if method == "linear":
        return float(end - start) / years
    if end <= 0:  # fell to nothing (or below): as far from any growth as a value can be
        return -1.0
    return math.pow(float(end / start), 1 / years) - 1


def _reached(value: Decimal, target: Decimal, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


def _worst(values: Iterable[Decimal], direction: str) -> Decimal:
    """Of several sources' values for one year, the one least favourable to the assessment."""
    return min(values) if direction == "increase" else max(values)


def assess(series: Series) -> Assessment:
    """The progress of ``series`` towards its target."""
    if series.target is None:
        return Assessment("no-data")
    target, target_year = series.target
    observed = sorted(series.observations)
    method = "cagr"
    if series.baseline is None:
        if not observed:
            return Assessment("no-data")
        start_year, start = observed[0]
        method = "trend"
    else:
        start, start_year = series.baseline
    direction = series.direction or ("decrease" if target < start else "increase")
    after = [(y, v) for y, v in observed if y > start_year]
    if not after:
        return Assessment("no-data", direction)
    if start <= 0:
        method = "linear"  # no growth rate from a zero or negative start
    latest_year = after[-1][0]
    latest = (latest_year, _worst((v for y, v in after if y == latest_year), direction))
    reached = any(_reached(v, target, direction) for _, v in after)
    sign = 1 if direction == "increase" else -1
    ratio = share = None
    if sign * (target - start) > 0:  # a distance to cover (else the baseline met the target)
        share = _three_places((latest[1] - start) / (target - start))
        required = _rate(start, target, target_year - start_year, method)
        actual = _rate(start, latest[1], latest_year - start_year, method)
        ratio = _three_places(Decimal(repr(actual / required)))
    if reached:
        status = "achieved"
    elif latest_year >= target_year:
        status = "not-achieved"
    elif ratio is None:  # the baseline met the target, the latest value no longer does
        status = "deterioration"
    elif ratio >= ON_TRACK:
        status = "on-track"
    elif ratio >= ACCELERATE:
        status = "acceleration-needed"
    elif ratio >= 0:
        status = "limited-progress"
    else:
        status = "deterioration"
    return Assessment(status, direction, method, latest, ratio, share)


def _three_places(value: Decimal) -> Decimal:
    return value.quantize(THREE_PLACES, ROUND_HALF_EVEN)


def _number(graph: Graph, node: Node, prop: URIRef) -> Decimal | None:
    value = graph.value(node, prop)
    return Decimal(str(value)) if isinstance(value, Literal) else None


def _year(graph: Graph, node: Node, prop: URIRef) -> int | None:
    value = graph.value(node, prop)
    return int(str(value)) if isinstance(value, Literal) else None


def indicator_series(
    graph: Graph,
    observations: Iterable[Observation],
    directions: Mapping[URIRef, str] | None = None,
) -> list[Series]:
    """Every indicator of ``graph`` with its baseline, target, ``observations`` and stated
    direction."""
    seen: dict[URIRef, list[tuple[int, Decimal]]] = {}
    for observation in observations:
        seen.setdefault(observation.indicator, []).append((observation.year, observation.value))
    out = []
    for indicator in sorted(graph.subjects(RDF.type, HIP.Indicator), key=str):
        if not isinstance(indicator, URIRef):
            continue
        ends = []
        for value_prop, year_prop in (
            (HIP.baselineValue, HIP.baselineYear),
            (HIP.targetValue, HIP.targetYear),
        ):
            value, year = _number(graph, indicator, value_prop), _year(graph, indicator, year_prop)
            ends.append((value, year) if value is not None and year is not None else None)
        stated = (directions or {}).get(indicator)
        out.append(Series(indicator, ends[0], ends[1], tuple(seen.get(indicator, [])), stated))
    return out


def progress_graph(series: Iterable[Series], into: Graph) -> None:
    """Add each indicator's ``hip:ProgressAssessment`` (``{indicator}/progress``) to ``into``."""
    for each in series:
        found = assess(each)
        node = URIRef(str(each.indicator) + "/progress")
        into.add((each.indicator, HIP.progress, node))
        into.add((node, RDF.type, HIP.ProgressAssessment))
        into.add(
            (node, HIP.progressStatus, URIRef(CONCEPT_BASE + "progress-status/" + found.status))
        )
        if found.direction is not None:
            concept = URIRef(CONCEPT_BASE + "direction/" + found.direction)
            into.add((node, HIP.desiredDirection, concept))
        if found.method is not None:
            concept = URIRef(CONCEPT_BASE + "assessment-method/" + found.method)
            into.add((node, HIP.assessmentMethod, concept))
        if found.latest is not None:
            year, value = found.latest
            into.add((node, HIP.latestYear, Literal(f"{year:04d}", datatype=XSD.gYear)))
            into.add((node, HIP.latestValue, number_literal(value)))
        if found.ratio is not None:
            into.add((node, HIP.progressRatio, number_literal(found.ratio)))
        if found.share is not None:
            into.add((node, HIP.shareCovered, number_literal(found.share)))


__all__ = ["STATUSES", "Assessment", "Series", "assess", "indicator_series", "progress_graph"]
