"""SPARQL 1.1 query results in JSON, XML, CSV and TSV, written from a capped list of rows.

pyoxigraph can serialise a whole result itself, but the endpoint caps the number of rows, so it
collects at most ``max_rows`` solutions and writes them here, following the W3C formats:
https://www.w3.org/TR/sparql11-results-json/, sparql11-results-xml (the 2013 XML format) and
sparql11-results-csv-tsv.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
# What a client names with ?format= (Virtuoso and Fuseki use the same short names).
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
CONTENT_TYPES = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}

Row = Sequence[Any]  # pyoxigraph terms (or None where a variable is unbound)


def _kind(term: Any) -> str:
    name = type(term).__name__
    return {"NamedNode": "uri", "BlankNode": "bnode", "Literal": "literal"}.get(name, "triple")


def _json_term(term: Any) -> dict[str, Any]:
    kind = _kind(term)
    if kind == "literal":
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if kind == "triple":
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    return {"type": kind, "value": term.value}


def _xml_term(term: Any) -> str:
    kind = _kind(term)
    if kind == "literal":
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    if kind == "triple":
        parts = "".join(
            f"<{role}>{_xml_term(getattr(term, role))}</{role}>"
            for role in ("subject", "predicate", "object")
        )
        return f"<triple>{parts}</triple>"
    return f"<{kind}>{escape(term.value)}</{kind}>"


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    kind = _kind(term)
    text = "_:" + term.value if kind == "bnode" else str(term) if kind == "triple" else term.value
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def select_results(variables: Sequence[str], rows: Sequence[Row], fmt: str) -> bytes:
    """A SELECT result in ``fmt`` (json, xml, csv or tsv)."""
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        payload = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in rows
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>\n"
        ).encode()
    if fmt == "csv":
        lines = [",".join(_csv_cell(v) for v in variables)]
        lines += [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        # N-Triples syntax for every term (pyoxigraph's str escapes newlines; tabs are ours).
        lines = ["\t".join("?" + v for v in variables)]
        lines += [
            "\t".join("" if t is None else str(t).replace("\t", "\\t") for t in row) for row in rows
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def ask_result(value: bool, fmt: str) -> bytes:
    """An ASK result in ``fmt``; CSV and TSV carry the bare word, as common servers do."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return (word + "\n").encode("utf-8")


__all__ = [
    "CONTENT_TYPES",
    "FORMAT_NAMES",
    "SELECT_TYPES",
    "ask_result",
    "select_results",
]
