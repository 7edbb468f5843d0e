"""Observed values of indicators: ``data/observations/*.csv`` (read and checked by
``heze_ip_kg.curated.observations``) written as an RDF Data Cube.

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

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.curated.observations import IndicatorFacts, Observation
from heze_ip_kg.vocab.minting import CONCEPT_BASE, number_literal
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, QB, RDF, RDFS, XSD

COMPONENTS = (
    ("indicator", "dimension", HIP.observedIndicator),
    ("year", "dimension", HIP.referenceYear),
    ("source", "dimension", HIP.reportedIn),
    ("value", "measure", HIP.observedValue),
    ("unit", "attribute", HIP.measuredIn),
)


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
    "observation_graph",
    "observation_iri",
]
