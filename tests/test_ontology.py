"""The hip: ontology: parses, documents every term in zh and en, matches namespaces.HIP, and is
OWL-RL consistent with the data."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.resources import ontology_path
from heze_ip_kg.vocab.levels import GOVERNMENT_LEVELS, LEVELS
from heze_ip_kg.vocab.namespaces import HIP, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS

ERRORS = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path())


def declared_terms(ontology: Graph) -> set[str]:
    prefix = ONTOLOGY_IRI + "#"
    return {
        str(s)[len(prefix) :]
        for s in ontology.subjects(RDF.type, None)
        if str(s).startswith(prefix)
    }


def test_terms_match_the_python_namespace(ontology: Graph) -> None:
    assert declared_terms(ontology) == set(HIP.__annotations__)


def test_header(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, URIRef("http://purl.org/dc/terms/license")) is not None


@pytest.mark.parametrize("term", sorted(HIP.__annotations__))
def test_every_term_is_documented_in_zh_and_en(ontology: Graph, term: str) -> None:
    subject = HIP[term]
    for prop in (RDFS.label, RDFS.comment):
        langs = {o.language for o in ontology.objects(subject, prop) if isinstance(o, Literal)}
        assert {"zh", "en"} <= langs, (term, prop)
    kinds = set(ontology.objects(subject, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term


def test_owl_rl_closure_of_ontology_and_data_is_consistent(ontology: Graph, graph: Graph) -> None:
    combined = Graph()
    combined += ontology
    combined += graph
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(combined)
    errors = [str(combined.value(e, ERROR_TEXT)) for e in combined.subjects(RDF.type, ERRORS)]
    assert errors == []
    assert not list(combined.subjects(RDF.type, OWL.Nothing))
    # The closure did reason: a task is a measure and an ELI subdivision.
    task = next(combined.subjects(RDF.type, HIP.Task))
    assert (task, RDF.type, HIP.Measure) in combined


def test_the_levels_module_names_the_ontologys_level_scheme(ontology: Graph) -> None:
    """``vocab.levels`` and the ``concept/level`` scheme hold the same keys and names."""
    scheme = URIRef("https://w3id.org/heze-ip-kg/id/concept/level")
    in_ontology = {
        str(ontology.value(c, SKOS.notation)): (
            _label(ontology, c, "zh"),
            _label(ontology, c, "en"),
        )
        for c in ontology.subjects(SKOS.inScheme, scheme)
    }
    assert in_ontology == {key: (level.zh, level.en) for key, level in LEVELS.items()}
    ranks = [level.key for level in sorted(GOVERNMENT_LEVELS, key=lambda level: level.rank)]
    assert ranks == ["county", "municipal", "provincial", "national"]


def _label(graph: Graph, concept: URIRef, lang: str) -> str:
    return next(str(o) for o in graph.objects(concept, SKOS.prefLabel) if o.language == lang)
