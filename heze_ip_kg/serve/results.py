"""SPARQL 1.1 query results in JSON, XML, CSV and TSV, written a row at a time.

pyoxigraph can serialise a whole result itself, but the endpoint caps the rows and bytes of an
answer and writes it as it goes, so the rows are written here, following the W3C formats:
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


class SelectWriter:
    """A SELECT result in ``fmt`` (json, xml, csv or tsv), written a row at a time.

    ``b"".join([writer.start(), *map(writer.row, rows), writer.end()])`` is the whole result.
    """

    def __init__(self, variables: Sequence[str], fmt: str) -> None:
        if fmt not in CONTENT_TYPES:
            raise ValueError(f"unknown results format {fmt!r}")
        self.variables = list(variables)
        self.fmt = fmt
        self._rows = 0

    def start(self) -> bytes:
        if self.fmt == "json":
            head = json.dumps({"vars": self.variables}, ensure_ascii=False)
            return f'{{"head": {head}, "results": {{"bindings": ['.encode()
        if self.fmt == "xml":
            head = "".join(f"<variable name={quoteattr(v)}/>" for v in self.variables)
            return (
                '<?xml version="1.0" encoding="utf-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>"
            ).encode()
        if self.fmt == "csv":
            return (",".join(_csv_cell(v) for v in self.variables) + "\r\n").encode("utf-8")
        return ("\t".join("?" + v for v in self.variables) + "\n").encode("utf-8")

    def row(self, row: Row) -> bytes:
        pairs = [(v, t) for v, t in zip(self.variables, row, strict=True)]
        self._rows += 1
        if self.fmt == "json":
            binding = {v: _json_term(t) for v, t in pairs if t is not None}
            separator = ", " if self._rows > 1 else ""
            return (separator + json.dumps(binding, ensure_ascii=False)).encode("utf-8")
        if self.fmt == "xml":
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in pairs
                if t is not None
            )
            return f"<result>{cells}</result>".encode()
        if self.fmt == "csv":
            return (",".join(_csv_cell(t) for t in row) + "\r\n").encode("utf-8")
        # N-Triples syntax for every term (pyoxigraph's str escapes newlines; tabs are ours).
        terms = ("" if t is None else str(t).replace("\t", "\\t") for t in row)
        return ("\t".join(terms) + "\n").encode("utf-8")

    def end(self) -> bytes:
        if self.fmt == "json":
            return b"]}}"
        if self.fmt == "xml":
            return b"</results></sparql>\n"
        return b""


def select_results(variables: Sequence[str], rows: Sequence[Row], fmt: str) -> bytes:
    """A whole SELECT result in ``fmt`` (json, xml, csv or tsv)."""
    writer = SelectWriter(variables, fmt)
    return b"".join([writer.start(), *(writer.row(row) for row in rows), writer.end()])


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
    "SelectWriter",
    "ask_result",
    "select_results",
]
