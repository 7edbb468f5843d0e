"""The dataset description (VoID and DCAT), the dumps kept or linked, and the sitemap."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF
from rdflib.term import Node

from heze_ip_kg.curated.metadata import DatasetMetadata
from heze_ip_kg.files.keyed import keep_if_same
from heze_ip_kg.rdfio.dumps import FORMATS
from heze_ip_kg.rdfio.serializers import TripleIndex
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.vocab.namespaces import (
    DCAT,
    DCTERMS,
    DEFAULT_BASE,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    EU_LICENCE,
    PREFIXES,
    PROV,
    RDF,
    SKOS,
    VOID,
    XSD,
)

DATASET = "https://w3id.org/heze-ip-kg/dataset"
PUBLISHER = URIRef(DATASET + "#publisher")
PERIOD = URIRef(DATASET + "#period")
DUMPS = "dumps/"  # where the dumps and void.ttl sit in the site, and so under the site URL
# Each dump's file type in the EU file-type table
# (https://op.europa.eu/en/web/eu-vocabularies/concept-scheme/-/resource?uri=http://publications.europa.eu/resource/authority/file-type)
# and the name of its format in the distribution's description. A .gz file is of type GZIP:
# DCAT-AP allows one dct:format per distribution, and under RDFS inference dcat:mediaType and
# dcat:compressFormat are dct:format too (DCAT 3 makes them sub-properties), so a distribution
# says its format once, by the EU table (docs/publication.md).
FILE_TYPES = {
    "ttl": (EU_FILE_TYPE.RDF_TURTLE, "Turtle"),
    "nt": (EU_FILE_TYPE.RDF_N_TRIPLES, "N-Triples"),
    "jsonld": (EU_FILE_TYPE.JSON_LD, "JSON-LD"),
}
GZIP = EU_FILE_TYPE.GZIP
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


def settle_dump_files(
    name: str,
    folder: Path,
    *links: Path,
    previous: Path | None = None,
    kept: list[str] | None = None,
) -> tuple[int, int]:
    """Keep or link the dumps ``dump_pieces.write_dump`` wrote in ``folder``
    (``name.{ttl,nt,jsonld}`` and their ``.gz``); hard links to them in ``links``.

    Links rather than copies: a large corpus's dumps are large, and written once. A dump equal
    to the one in ``previous`` is linked from there; or, given ``kept`` (an update in place of
    ``previous``, ``atomic.updated_in_place``), left there if its links there are links to it:
    removed from ``folder``, not linked into ``links``, and its name appended to ``kept``.
    ``links`` are under ``folder``. Returns (files written, files kept)."""
    counts = [0, 0]
    for file in (f"{name}.{ext}{gz}" for ext in FORMATS for gz in ("", ".gz")):
        old = previous / file if previous is not None else None
        if (
            kept is not None
            and old is not None
            and not keep_if_same(folder / file, old, link=False)
            and all(_linked(old, old.parent / o.relative_to(folder) / file) for o in links)
        ):
            (folder / file).unlink()  # the folder's own file stays, and its links
            kept.append(file)
            counts[1] += 1
            continue
        counts[0 if kept is not None or keep_if_same(folder / file, old) else 1] += 1
        for other in links:
            other.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / file, other / file)
            except OSError:  # a file system without hard links
                shutil.copyfile(folder / file, other / file)
    return counts[0], counts[1]


def _linked(file: Path, link: Path) -> bool:
    """Whether ``link`` is the same file as ``file`` (a hard link to it)."""
    try:
        return os.path.samefile(file, link)
    except OSError:
        return False


def dump_url(site_url: str, file: str) -> str:
    """The URL of the dump ``file`` in a site published at ``site_url``.

    >>> dump_url("https://w3id.org/heze-ip-kg/", "heze-ip-kg.nt")
    'https://w3id.org/heze-ip-kg/dumps/heze-ip-kg.nt'
    """
    return site_url + DUMPS + file


def vocabulary_of(term: str) -> str:
    """The namespace of ``term``: a known prefix's, else the IRI up to its last ``#`` or ``/``.

    >>> vocabulary_of("http://purl.org/dc/terms/isPartOf")
    'http://purl.org/dc/terms/'
    >>> vocabulary_of("http://purl.org/linked-data/cube#Observation")
    'http://purl.org/linked-data/cube#'
    """
    known = [str(ns) for ns in PREFIXES.values() if term.startswith(str(ns))]
    if known:
        return max(known, key=len)
    return term[: max(term.rfind("#"), term.rfind("/")) + 1] or term


def vocabularies(graph: Graph | TripleIndex) -> list[URIRef]:
    """Every vocabulary ``graph`` uses: the namespaces of its predicates and of its classes.

    Given the graph's index, it reads that (rdflib's own look-ups over a national graph take
    seconds, in the part of a publication that runs on one core).
    """
    classes: Iterable[Node]
    if isinstance(graph, TripleIndex):
        predicates = {p for pairs in graph.forward.values() for p, _ in pairs}
        terms = {str(p) for p in predicates}
        classes = graph.inverse(RDF.type)
    else:
        terms = {str(p) for p in graph.predicates(unique=True)}
        classes = graph.objects(None, RDF.type, unique=True)
    terms |= {str(o) for o in classes if isinstance(o, URIRef)}
    return sorted(URIRef(v) for v in {vocabulary_of(t) for t in terms})


def dataset_description(
    graph: Graph,
    site_url: str,
    dump_name: str,
    examples: list[URIRef],
    sources: list[str],
    metadata: DatasetMetadata,
    base: str = DEFAULT_BASE,
    index: TripleIndex | None = None,
) -> Graph:
    """VoID and DCAT-AP for the publication at ``site_url`` (the root ``serve`` serves).

    ``index``, the graph's index if the caller has one, makes finding the vocabularies cheaper.

    The fixed facts come from ``templates/dataset.ttl``, what the dataset is from ``metadata``;
    this adds the landing page, the distributions under ``dumps/``, the triple count, the
    vocabularies ``graph`` uses, its URI space (``base``), ``examples`` and, as
    ``prov:wasDerivedFrom``, the web pages of the ``sources``.
    """
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    out.bind("foaf", FOAF)
    out.parse(resource_dir("templates") / "dataset.ttl", format="turtle")
    dataset = URIRef(DATASET)
    licence = _add_metadata(out, metadata)
    landing = URIRef(site_url)
    out.add((dataset, DCAT.landingPage, landing))
    out.add((landing, RDF.type, FOAF.Document))
    for source in sorted(sources):
        # The official web pages of the texts: documents, not datasets, so not dct:source
        # (which DCAT-AP ranges over dcat:Dataset) but PROV's derivation.
        out.add((dataset, PROV.wasDerivedFrom, URIRef(source)))
    out.add((dataset, VOID.triples, Literal(len(graph))))
    out.add((dataset, VOID.uriSpace, Literal(base)))
    for vocabulary in vocabularies(graph if index is None else index):
        out.add((dataset, VOID.vocabulary, vocabulary))
    for example in examples:
        out.add((dataset, VOID.exampleResource, example))
    for ext, (file_type, name) in FILE_TYPES.items():
        for suffix in ("", ".gz"):
            file = f"{dump_name}.{ext}{suffix}"
            distribution = URIRef(dump_url(site_url, file))
            out.add((dataset, DCAT.distribution, distribution))
            out.add((dataset, VOID.dataDump, distribution))
            out.add((distribution, RDF.type, DCAT.Distribution))
            out.add((distribution, DCAT.accessURL, distribution))
            out.add((distribution, DCAT.downloadURL, distribution))
            out.add((distribution, DCTERMS.title, Literal(file)))
            fmt = GZIP if suffix else file_type
            out.add((distribution, DCTERMS.format, fmt))
            out.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            zh, en = f"整个图谱，{name} 格式", f"The whole graph in {name}"
            if suffix:
                zh, en = zh + "，gzip 压缩", en + ", gzip-compressed"
            out.add((distribution, DCTERMS.description, Literal(zh + "。", lang="zh")))
            out.add((distribution, DCTERMS.description, Literal(en + ".", lang="en")))
            out.add((distribution, DCTERMS.license, licence))
    return out


def _add_metadata(out: Graph, metadata: DatasetMetadata) -> URIRef:
    """The facts of ``metadata.yaml`` about the dataset; returns the licence's IRI."""
    dataset = URIRef(DATASET)
    for text, predicate in (
        (metadata.title, DCTERMS.title),
        (metadata.description, DCTERMS.description),
    ):
        out.add((dataset, predicate, Literal(text.zh, lang="zh")))
        out.add((dataset, predicate, Literal(text.en, lang="en")))
    # DCAT-AP wants the licence from the EU licence table, typed as its range shape requires.
    licence = EU_LICENCE[metadata.licence.eu]
    out.add((dataset, DCTERMS.license, licence))
    out.add((licence, RDF.type, DCTERMS.LicenseDocument))
    out.add((PUBLISHER, FOAF.name, Literal(metadata.publisher.en, lang="en")))
    out.add((PERIOD, DCAT.startDate, Literal(str(metadata.period.start), datatype=XSD.gYear)))
    out.add((PERIOD, DCAT.endDate, Literal(str(metadata.period.end), datatype=XSD.gYear)))
    for lang in ("zh", "en"):
        for keyword in getattr(metadata.keywords, lang):
            out.add((dataset, DCAT.keyword, Literal(keyword, lang=lang)))
    for code, name in metadata.themes.items():
        # A theme is a skos:Concept, and DCAT-AP requires its table's label.
        theme = EU_DATA_THEME[code]
        out.add((dataset, DCAT.theme, theme))
        out.add((theme, RDF.type, SKOS.Concept))
        out.add((theme, SKOS.prefLabel, Literal(name, lang="en")))
    return licence


def add_endpoint(description: Graph, endpoint_url: str) -> Graph:
    """``description`` plus the SPARQL endpoint serving the dataset (VoID and a DCAT service)."""
    out = Graph()
    for prefix, namespace in description.namespaces():
        out.bind(prefix, namespace)
    out += description
    dataset, endpoint = URIRef(DATASET), URIRef(endpoint_url)
    licence = description.value(dataset, DCTERMS.license)
    out.add((dataset, VOID.sparqlEndpoint, endpoint))
    service = URIRef(endpoint_url + "#service")
    out.add((service, RDF.type, DCAT.DataService))
    out.add((service, DCTERMS.title, Literal("SPARQL endpoint (read-only)", lang="en")))
    out.add((service, DCTERMS.title, Literal("SPARQL 查询端点（只读）", lang="zh")))
    out.add((service, DCAT.endpointURL, endpoint))
    out.add((service, DCAT.servesDataset, dataset))
    out.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    out.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    if licence is not None:
        out.add((service, DCTERMS.license, licence))
    out.add((service, DCTERMS.publisher, PUBLISHER))
    out.add((service, DCAT.keyword, Literal("SPARQL")))
    for theme in description.objects(dataset, DCAT.theme):
        out.add((service, DCAT.theme, theme))
    return out


def page_url(site_url: str, path: str) -> str:
    """The percent-encoded URL of the site file ``path`` (as on disk: Chinese characters).

    >>> page_url("https://w3id.org/heze-ip-kg/", "id/doc/by-title/规划.html")
    'https://w3id.org/heze-ip-kg/id/doc/by-title/%E8%A7%84%E5%88%92.html'
    """
    return site_url + quote(path, safe="/")


def sitemap(site_url: str, paths: list[str]) -> bytes:
    """A sitemap of the site's pages, ``paths`` being their paths in the site."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(page_url(site_url, p))}</loc></url>" for p in sorted(paths)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


__all__ = [
    "DATASET",
    "DUMPS",
    "add_endpoint",
    "dataset_description",
    "dump_url",
    "page_url",
    "settle_dump_files",
    "sitemap",
    "vocabularies",
    "vocabulary_of",
]
