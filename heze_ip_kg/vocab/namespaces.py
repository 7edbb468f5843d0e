"""Vocabularies used by heze-ip-kg: the ``hip:`` ontology and the W3C/EU terms it reuses.

Every ``hip:`` term is declared here and in ``ontology/heze-ip.ttl``; a test keeps the two in step,
and ``_fail=True`` turns a mistyped term into an error instead of a silently minted IRI.
"""

from collections.abc import Mapping
from typing import TypeVar

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef

T = TypeVar("T")

ONTOLOGY_IRI = "https://w3id.org/heze-ip-kg/ontology"
DEFAULT_BASE = "https://w3id.org/heze-ip-kg/id/"


class HIP(DefinedNamespace):
    """The heze-ip-kg ontology (``hip:``)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # Documents and their sources
    PolicyDocument: URIRef
    Plan: URIRef
    Notice: URIRef
    SourceText: URIRef
    # Elements of a plan
    PlanElement: URIRef
    Preamble: URIRef
    Part: URIRef
    Section: URIRef
    GuidingIdea: URIRef
    Principle: URIRef
    Objective: URIRef
    IndicatorTable: URIRef
    Indicator: URIRef
    TaskArea: URIRef
    Task: URIRef
    KeyProject: URIRef
    Safeguard: URIRef
    Item: URIRef
    Measure: URIRef
    # Cross-level alignment and curation
    Alignment: URIRef
    LocalInitiative: URIRef
    SourceCitation: URIRef
    ElementCount: URIRef
    # Responsibility
    Mention: URIRef
    RoleAssignment: URIRef

    # Element properties
    text: URIRef
    inDocument: URIRef
    order: URIRef
    source: URIRef
    inferred: URIRef
    synthetic: URIRef
    inferenceNote: URIRef
    level: URIRef
    # Indicator properties
    baselineValue: URIRef
    targetValue: URIRef
    baselineYear: URIRef
    targetYear: URIRef
    baselineText: URIRef
    targetText: URIRef
    unit: URIRef
    unitText: URIRef
    nature: URIRef
    # Document metadata
    indexNumber: URIRef
    category: URIRef
    documentNumber: URIRef
    issuerName: URIRef
    validityStatus: URIRef
    governmentLevel: URIRef
    # Notice
    promulgates: URIRef
    addressee: URIRef
    approvedAt: URIRef
    approvalDate: URIRef
    signedBy: URIRef
    publiclyReleased: URIRef
    citedTitle: URIRef
    # Source text resource
    fileName: URIRef
    sha256: URIRef
    encoding: URIRef
    headline: URIRef
    abridged: URIRef
    # Cross-level links
    implements: URIRef
    alignedElement: URIRef
    alignedTo: URIRef
    relation: URIRef
    reviewStatus: URIRef
    score: URIRef
    method: URIRef
    evidence: URIRef
    reviewNote: URIRef
    localInitiativeReason: URIRef
    viaLevel: URIRef
    # Curated facts
    citation: URIRef
    reliability: URIRef
    aboutProperty: URIRef
    quote: URIRef
    countedClass: URIRef
    declaredCount: URIRef
    encodedCount: URIRef
    elementCount: URIRef
    unknownFact: URIRef

    # Monitoring: observations (RDF Data Cube) and progress towards targets
    ProgressAssessment: URIRef
    observedIndicator: URIRef
    referenceYear: URIRef
    reportedIn: URIRef
    observedValue: URIRef
    measuredIn: URIRef
    progress: URIRef
    progressStatus: URIRef
    assessmentMethod: URIRef
    desiredDirection: URIRef
    latestYear: URIRef
    latestValue: URIRef
    progressRatio: URIRef
    shareCovered: URIRef
    # Responsibility
    mentions: URIRef
    mentionOf: URIRef
    mentionIn: URIRef
    surfaceForm: URIRef
    resolved: URIRef
    role: URIRef
    roleAssignment: URIRef
    assignedTo: URIRef
    assignedOrganization: URIRef
    stated: URIRef
    inheritedFrom: URIRef
    alias: URIRef
    counterpart: URIRef


ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
QB = Namespace("http://purl.org/linked-data/cube#")  # RDF Data Cube: the observations
# EU Vocabularies authority tables (Publications Office), the values DCAT-AP expects for
# licences, file types, languages and themes: https://op.europa.eu/en/web/eu-vocabularies
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_LICENCE = Namespace("http://publications.europa.eu/resource/authority/licence/")
EU_DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "hip": Namespace(ONTOLOGY_IRI + "#"),
    "eli": ELI,
    "oa": OA,
    "org": ORG,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "dcat": DCAT,
    "void": VOID,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "schema": SCHEMA,
    "qb": QB,
}


def enclosing_document(iri: str, documents: Mapping[str, T]) -> T | None:
    """The value of the longest key ``d`` of ``documents`` with ``iri`` under ``d/``, if any.

    Walks the IRI's own ``/`` positions (one look-up each) instead of testing every document:
    with a thousand plans, testing each element against each document was the slowest part of
    the build.

    >>> enclosing_document("https://x/plan/part-1/task-2", {"https://x/plan": "p"})
    'p'
    """
    end = iri.rfind("/")
    while end > 0:
        found = documents.get(iri[:end])
        if found is not None:
            return found
        end = iri.rfind("/", 0, end)
    return None


__all__ = [
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE",
    "ELI",
    "EU_DATA_THEME",
    "EU_FILE_TYPE",
    "EU_LANGUAGE",
    "EU_LICENCE",
    "HIP",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "VOID",
    "XSD",
    "enclosing_document",
]
