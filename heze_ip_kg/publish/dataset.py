"""The dataset description (VoID and DCAT), deterministic gzip dumps and the sitemap."""

from __future__ import annotations

import gzip
import io
import os
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF

from heze_ip_kg.dumps import FORMATS
from heze_ip_kg.namespaces import DCAT, DCTERMS, PREFIXES, RDF, RDFS, VOID, XSD
from heze_ip_kg.serializers import TripleIndex, serialize_index

DATASET = "https://w3id.org/heze-ip-kg/dataset"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}


def gzip_bytes(payload: bytes) -> bytes:
    """``payload`` gzipped with no file name and no time stamp, so the bytes are reproducible."""
    buffer = io.BytesIO()
    # Level 6 (zlib's default): twice as fast as 9 on the dumps, a few per cent larger.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as handle:
        handle.write(payload)
    return buffer.getvalue()


def write_dump_files(index: TripleIndex, name: str, folder: Path, *links: Path) -> None:
    """``name.{ttl,nt,jsonld}`` and their ``.gz`` in ``folder``; hard links to them in ``links``.

    Links rather than copies: at 300 plans the dumps are ~1 GB, written once.
    """
    for ext in FORMATS:
        payload = serialize_index(index, ext)
        files = {f"{name}.{ext}": payload, f"{name}.{ext}.gz": gzip_bytes(payload)}
        for file, data in files.items():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / file).write_bytes(data)
            for other in links:
                other.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(folder / file, other / file)
                except OSError:  # a file system without hard links
                    shutil.copyfile(folder / file, other / file)


def dataset_description(
    graph: Graph, site_url: str, dump_name: str, examples: list[URIRef], sources: list[str]
) -> Graph:
    """VoID and DCAT for the dump: title, description, licence, publisher, sources, coverage."""
    out = Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace)
    out.bind("foaf", FOAF)
    dataset = URIRef(DATASET)
    out.add((dataset, RDF.type, DCAT.Dataset))
    out.add((dataset, RDF.type, VOID.Dataset))
    out.add(
        (dataset, DCTERMS.title, Literal("菏泽市“十四五”知识产权保护和运用规划知识图谱", lang="zh"))
    )
    out.add(
        (
            dataset,
            DCTERMS.title,
            Literal(
                "Knowledge graph of the Heze 14th Five-Year Plan for Intellectual Property "
                "Protection and Utilisation",
                lang="en",
            ),
        )
    )
    out.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "菏泽市“十四五”知识产权保护和运用规划的政策结构（原则、目标、指标、任务、重点工程、保障措施、"
                "责任机构），逐要素关联山东省及国家上级文件，附来源位置与审核状态。",
                lang="zh",
            ),
        )
    )
    out.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The policy structure of the Heze 14th-FYP IP plan (principles, objectives, "
                "indicators, tasks, key projects, safeguards, responsible bodies), linked element "
                "by element to its Shandong and national parent documents, with source spans and "
                "review status.",
                lang="en",
            ),
        )
    )
    out.add((dataset, DCTERMS.license, LICENSE))
    publisher = URIRef(site_url.rstrip("/") + "/#publisher")
    out.add((dataset, DCTERMS.publisher, publisher))
    out.add((publisher, RDF.type, FOAF.Agent))
    out.add((publisher, FOAF.name, Literal("heze-ip-kg contributors", lang="en")))
    period = BNode("temporal")
    out.add((dataset, DCTERMS.temporal, period))
    out.add((period, RDF.type, DCTERMS.PeriodOfTime))
    out.add((period, DCAT.startDate, Literal("2021", datatype=XSD.gYear)))
    out.add((period, DCAT.endDate, Literal("2035", datatype=XSD.gYear)))
    out.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/zh")))
    out.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/en")))
    for source in sorted(sources):
        out.add((dataset, DCTERMS.source, URIRef(source)))
    out.add((dataset, VOID.triples, Literal(len(graph))))
    out.add((dataset, VOID.uriSpace, Literal("https://w3id.org/heze-ip-kg/id/")))
    out.add((dataset, VOID.vocabulary, URIRef(str(PREFIXES["hip"]))))
    out.add((dataset, DCAT.landingPage, URIRef(site_url + "site/index.html")))
    for example in examples:
        out.add((dataset, VOID.exampleResource, example))
    for ext, media in MEDIA_TYPES.items():
        for suffix, compressed in (("", False), (".gz", True)):
            file = f"{dump_name}.{ext}{suffix}"
            distribution = URIRef(f"{site_url}{file}")
            out.add((dataset, DCAT.distribution, distribution))
            out.add((dataset, VOID.dataDump, distribution))
            out.add((distribution, RDF.type, DCAT.Distribution))
            out.add((distribution, DCAT.accessURL, distribution))
            out.add((distribution, DCAT.downloadURL, distribution))
            out.add(
                (
                    distribution,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{media}"),
                )
            )
            if compressed:
                out.add(
                    (
                        distribution,
                        DCAT.compressFormat,
                        URIRef("https://www.iana.org/assignments/media-types/application/gzip"),
                    )
                )
            out.add((distribution, DCTERMS.license, LICENSE))
            out.add((distribution, DCTERMS.title, Literal(file)))
    out.add((dataset, RDFS.seeAlso, URIRef(str(PREFIXES["hip"]).rstrip("#"))))
    return out


def add_endpoint(description: Graph, endpoint_url: str) -> Graph:
    """``description`` plus the SPARQL endpoint serving the dataset (VoID and a DCAT service)."""
    out = Graph()
    for prefix, namespace in description.namespaces():
        out.bind(prefix, namespace)
    out += description
    dataset, endpoint = URIRef(DATASET), URIRef(endpoint_url)
    out.add((dataset, VOID.sparqlEndpoint, endpoint))
    service = URIRef(endpoint_url + "#service")
    out.add((service, RDF.type, DCAT.DataService))
    out.add((service, DCTERMS.title, Literal("SPARQL endpoint (read-only)", lang="en")))
    out.add((service, DCTERMS.title, Literal("SPARQL 查询端点（只读）", lang="zh")))
    out.add((service, DCAT.endpointURL, endpoint))
    out.add((service, DCAT.servesDataset, dataset))
    out.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    out.add((service, DCTERMS.license, LICENSE))
    return out


def sitemap(site_url: str, paths: list[str]) -> bytes:
    """A sitemap of the site's pages."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"  <url><loc>{escape(site_url + 'site/' + p)}</loc></url>" for p in sorted(paths)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


__all__ = ["DATASET", "add_endpoint", "dataset_description", "gzip_bytes", "sitemap"]
