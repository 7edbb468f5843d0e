"""The indicator card: baseline → target beside the indicators it implements, progress, data.

Every figure comes from the graph: values and years from the indicators, sources from their
``hip:citation`` (or, for a parsed plan, the place in its text), observations from the
``qb:Observation``s of the indicator and the status from its ``hip:ProgressAssessment``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.charts import absolute_chart, multiples_chart, number, series_chart
from heze_ip_kg.publish.context import (
    IndicatorCard,
    LevelValue,
    Link,
    ObservationRow,
    ProgressStatus,
    Remark,
)
from heze_ip_kg.publish.describe import label, page_path, relative
from heze_ip_kg.publish.facts import Linker, SiteFacts
from heze_ip_kg.vocab.levels import level_rank
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, OA, RDFS

VALUE_PROPERTIES = {HIP.baselineValue, HIP.targetValue, HIP.baselineYear, HIP.targetYear}
CSV_COLUMNS = (
    "indicator",
    "label",
    "document",
    "level",
    "kind",
    "year",
    "value",
    "unit",
    "source",
)


def _text(value: Node | None) -> str:
    return str(value) if isinstance(value, Literal) else ""


def _url(node: Node) -> Link:
    return Link(str(node), str(node), str(node), iri=str(node))


class IndicatorCards:
    """Indicator cards for one publication."""

    def __init__(
        self, facts: SiteFacts, linker: Linker, base: str, legend: tuple[Remark, ...]
    ) -> None:
        self.facts = facts
        self.legend = legend  # the bars' and the levels' colours (charts.level_legend)
        self.index = facts.index
        self.linker = linker
        self.base = base

    def _family(self, indicator: Node) -> list[Node]:
        """The indicator, then every indicator it implements (transitively), nearest first."""
        order, todo, seen = [indicator], [indicator], {indicator}
        while todo:
            for parent in sorted(self.index.objects(todo.pop(0), HIP.implements), key=str):
                if parent not in seen:
                    seen.add(parent)
                    order.append(parent)
                    todo.append(parent)
        return order

    def _unit(self, indicator: Node) -> tuple[Node | None, str, str]:
        unit = self.index.value(indicator, HIP.unit)
        if unit is not None:
            return unit, label(self.index, unit, "zh"), label(self.index, unit, "en")
        text = _text(self.index.value(indicator, HIP.unitText))
        return None, text, text

    def _sources(self, indicator: Node, path: str) -> tuple[Link, ...]:
        index = self.index
        found: dict[str, Link] = {}
        for citation in index.objects(indicator, HIP.citation):
            if index.value(citation, HIP.aboutProperty) in VALUE_PROPERTIES:
                for source in index.objects(citation, DCTERMS.source):
                    if isinstance(source, URIRef):
                        found.setdefault(str(source), self._source_link(source, path))
        place = index.value(indicator, HIP.source)
        text = index.value(place, OA.hasSource) if place is not None else None
        if text is not None:  # a parsed text: its page, and the official page it came from
            found.setdefault(str(text), self._source_link(text, path))
            for page in index.objects(text, DCTERMS.source):
                if isinstance(page, URIRef):
                    found.setdefault(str(page), _url(page))
        return tuple(found[k] for k in sorted(found))

    def _source_link(self, source: Node, path: str) -> Link:
        """A web page as its address; the plan's own text as its page, named as a text."""
        if page_path(str(source), self.base) is not None:
            return self.linker.link(source, path, note="原文")
        return _url(source)

    def _row(self, node: Node, own_unit: Node | None, own_text: str, path: str) -> LevelValue:
        index = self.index
        doc = self.facts.document_of(node)
        unit, unit_zh, unit_en = self._unit(node)
        same = unit == own_unit if own_unit is not None else unit_zh == own_text
        baseline = _text(index.value(node, HIP.baselineValue))
        target = _text(index.value(node, HIP.targetValue))
        base, goal = number(baseline), number(target)
        multiple = (
            f"{(goal / base).quantize(Decimal('0.01'))}".rstrip("0").rstrip(".")
            if base and goal
            else ""
        )
        return LevelValue(
            iri=str(node),
            indicator=self.linker.link(node, path),
            document=self.linker.link(doc.iri, path) if doc else Link(None, "—", "—"),
            level=doc.level if doc else "",
            level_zh=doc.level_zh if doc else "",
            level_en=doc.level_en if doc else "",
            baseline=baseline,
            baseline_year=_text(index.value(node, HIP.baselineYear)),
            target=target,
            target_year=_text(index.value(node, HIP.targetYear)),
            unit_zh=unit_zh,
            unit_en=unit_en,
            same_unit=same,
            multiple=multiple,
            sources=self._sources(node, path),
        )

    def rows(self, indicator: Node, path: str) -> tuple[LevelValue, ...]:
        """This indicator and those it implements, by level (municipal first)."""
        own_unit, own_text, _ = self._unit(indicator)
        family = self._family(indicator)
        rows = [self._row(n, own_unit, own_text, path) for n in family]
        first = LevelValue(**{**rows[0].__dict__, "own": True})
        rest = sorted(rows[1:], key=lambda r: (level_rank(r.level, unknown=9), r.document.zh))
        return (first, *rest)

    def _progress(self, indicator: Node, path: str) -> ProgressStatus | None:
        index = self.index
        assessment = index.value(indicator, HIP.progress)
        status = index.value(assessment, HIP.progressStatus) if assessment else None
        if assessment is None or status is None:
            return None
        method = index.value(assessment, HIP.assessmentMethod)
        share = number(_text(index.value(assessment, HIP.shareCovered)))
        scheme = URIRef(str(status).rsplit("/", 1)[0])
        return ProgressStatus(
            status=self.linker.link(status, path),
            code=str(status).rsplit("/", 1)[-1],
            latest_year=_text(index.value(assessment, HIP.latestYear)),
            latest_value=_text(index.value(assessment, HIP.latestValue)),
            ratio=_text(index.value(assessment, HIP.progressRatio)),
            share=f"{(share * 100).normalize():f}%" if share is not None else "",
            method=self.linker.link(method, path) if method is not None else None,
            scheme=self.linker.link(scheme, path),
            assessment=self.linker.link(assessment, path),
        )

    def _observations(self, indicator: Node, path: str) -> tuple[ObservationRow, ...]:
        index = self.index
        rows = []
        for obs in index.subjects(HIP.observedIndicator, indicator):
            year = _text(index.value(obs, HIP.referenceYear))
            source = index.value(obs, DCTERMS.source) or index.value(obs, HIP.reportedIn)
            unit = index.value(obs, HIP.measuredIn)
            rows.append(
                ObservationRow(
                    observation=Link(self.linker.link(obs, path).href, year, year),
                    year=year,
                    value=_text(index.value(obs, HIP.observedValue)),
                    unit=self.linker.link(unit, path) if unit is not None else None,
                    source=_url(source) if isinstance(source, URIRef) else None,
                    note=" ".join(str(c) for c in index.objects(obs, RDFS.comment)),
                )
            )
        return tuple(sorted(rows, key=lambda r: (r.year, r.value, r.observation.href or "")))

    def card(self, indicator: URIRef, path: str) -> IndicatorCard:
        """The card of ``indicator`` for the page at ``path``."""
        rows = self.rows(indicator, path)
        own = rows[0]
        observations = self._observations(indicator, path)
        csv_path = page_path(str(indicator), self.base, "csv") or ""
        return IndicatorCard(
            rows=rows,
            absolute=absolute_chart(rows, own.unit_zh, own.unit_en, self.legend),
            multiples=multiples_chart(rows),
            series=series_chart(
                (own.baseline, own.baseline_year),
                (own.target, own.target_year),
                [(o.value, o.year) for o in observations],
                own.unit_zh,
                own.unit_en,
            ),
            progress=self._progress(indicator, path),
            observations=observations,
            csv_href=relative(path, csv_path),
            csv_text=_csv(rows, observations, str(indicator)),
        )


def _csv(rows: Sequence[LevelValue], observations: Sequence[ObservationRow], iri: str) -> str:
    """Baselines and targets at every level, then the observations, one value a line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        indicator = row.iri
        for kind, value, year in (
            ("baseline", row.baseline, row.baseline_year),
            ("target", row.target, row.target_year),
        ):
            if value:
                sources = " ".join(s.iri or s.zh for s in row.sources)
                writer.writerow(
                    (
                        indicator,
                        row.indicator.zh,
                        row.document.zh,
                        row.level,
                        kind,
                        year,
                        value,
                        row.unit_zh,
                        sources,
                    )
                )
    own = rows[0] if rows else None
    for obs in observations:
        writer.writerow(
            (
                iri,
                own.indicator.zh if own else "",
                own.document.zh if own else "",
                own.level if own else "",
                "observation",
                obs.year,
                obs.value,
                obs.unit.zh if obs.unit else "",
                obs.source.href if obs.source else "",
            )
        )
    return out.getvalue()


__all__ = ["CSV_COLUMNS", "IndicatorCards"]
