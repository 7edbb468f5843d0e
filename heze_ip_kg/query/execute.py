"""The query catalogue (``queries/*.rq``) run over a graph, with safe parameters.

Each ``.rq`` file opens with a comment header::

    # title: Coverage of each parent document by kind
    # description@en: …
    # description@zh: …
    # kind: report
    # param: child iri https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp | the child document

Parameters are SPARQL variables bound as RDF terms (``initBindings``), never pasted into the
query text, so user input cannot change the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Identifier

from heze_ip_kg.errors import HezeIpKgError, InputError
from heze_ip_kg.resources import resource_dir

KINDS = ("check", "report", "construct", "trace")
PARAM_TYPES = ("iri", "string", "integer")
_HEADER = re.compile(r"^#\s*(?P<key>[a-z]+(?:@[a-z]+)?):\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Param:
    """A query parameter: the SPARQL variable it binds, its type, default and meaning."""

    name: str
    type: str
    default: str | None
    description: str


@dataclass(frozen=True)
class Query:
    """A catalogue query and its header."""

    name: str
    title: str
    description_en: str
    description_zh: str
    kind: str
    params: tuple[Param, ...]
    text: str


@dataclass(frozen=True)
class Table:
    """Query results: variable names and rows of plain strings (``None`` when unbound)."""

    vars: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...] = field(default=())

    def as_dicts(self) -> list[dict[str, str | None]]:
        """The rows as dictionaries keyed by variable name (no pandas needed)."""
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame, where pandas is installed."""
        import pandas

        return pandas.DataFrame(list(self.rows), columns=list(self.vars))


def _parse_header(name: str, text: str) -> Query:
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.group("key"), match.group("value").strip()
        if key == "param":
            spec, _, description = value.partition("|")
            parts = spec.split()
            if len(parts) not in (2, 3) or parts[1] not in PARAM_TYPES:
                raise InputError(f"query {name}: bad param line {value!r}")
            default = parts[2] if len(parts) == 3 else None
            params.append(Param(parts[0], parts[1], default, description.strip()))
        else:
            fields[key] = value
    missing = [k for k in ("title", "description@en", "description@zh", "kind") if k not in fields]
    if missing:
        raise InputError(f"query {name}: header lacks {', '.join(missing)}")
    if fields["kind"] not in KINDS:
        raise InputError(f"query {name}: kind must be one of {', '.join(KINDS)}")
    return Query(
        name,
        fields["title"],
        fields["description@en"],
        fields["description@zh"],
        fields["kind"],
        tuple(params),
        text,
    )


def query_dir() -> Path:
    """The folder of the query catalogue."""
    return resource_dir("queries")


def list_queries() -> list[Query]:
    """Every query of the catalogue, by name."""
    return [load_query(name) for name in sorted(p.stem for p in query_dir().glob("*.rq"))]


def load_query(name: str) -> Query:
    """The catalogue query called ``name`` (file stem, e.g. ``report-coverage``)."""
    path = query_dir() / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.is_file():
        known = ", ".join(p.stem for p in sorted(query_dir().glob("*.rq")))
        raise InputError(f"unknown query {name!r}; known: {known}")
    return _parse_header(name, path.read_text(encoding="utf-8"))


# Parameters that name the document a catalogue query is about (its defaults name the Heze plan).
DOCUMENT_PARAMS = ("child", "plan")


def about_document(query: Query, document: str) -> Query:
    """``query`` with ``document`` as the default of its document parameters (``DOCUMENT_PARAMS``).

    >>> about_document(load_query("report-outline"), "https://example.org/id/p").params[0].default
    'https://example.org/id/p'
    """
    params = tuple(
        replace(p, default=document) if p.name in DOCUMENT_PARAMS and p.type == "iri" else p
        for p in query.params
    )
    return replace(query, params=params)


def bind_params(query: Query, params: Mapping[str, str]) -> dict[str, Identifier]:
    """RDF terms for the query's parameters: given values, else defaults; unknown ones refused."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise InputError(f"query {query.name}: unknown parameter(s) {', '.join(unknown)}")
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        value = params.get(param.name, param.default)
        if value is None:
            raise InputError(
                f"query {query.name}: missing parameter {param.name!r} ({param.description})"
            )
        if param.type == "iri":
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
                raise InputError(f"query {query.name}: {param.name} must be an IRI")
            bindings[param.name] = URIRef(value)
        elif param.type == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise InputError(f"query {query.name}: {param.name} must be an integer")
            bindings[param.name] = Literal(int(value))
        else:
            bindings[param.name] = Literal(value)
    return bindings


XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_EXACT = {
    XSD_NS + t
    for t in (
        "decimal",
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
    )
}
_FLOATING = {XSD_NS + "double", XSD_NS + "float"}
Cell = tuple[str, str, str | None, str | None]


def normalise_cell(cell: Cell | None) -> str | None:
    """One cell as a plain string, the same from every store: numbers in canonical form.

    ``cell`` is (kind, value, datatype, language) with kind ``uri``, ``literal`` or ``bnode``.

    >>> normalise_cell(("literal", "12.0", XSD_NS + "decimal", None))
    '12'
    >>> normalise_cell(("literal", "2.0099999999999998", XSD_NS + "double", None))
    '2.01'
    >>> normalise_cell(("literal", "1", XSD_NS + "boolean", None))
    'true'
    """
    if cell is None:
        return None
    kind, value, datatype, _ = cell
    if kind == "bnode":
        return "_:" + value
    if kind != "literal" or datatype is None:
        return value
    if datatype == XSD_NS + "boolean":
        return "true" if value.strip() in ("true", "1") else "false"
    if datatype in _EXACT or datatype in _FLOATING:
        try:
            number = Decimal(value.strip())
            if datatype in _FLOATING:
                number = Decimal(format(float(number), ".10g"))
        except (InvalidOperation, ValueError):
            return value
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    return value


def _rdflib_cell(term: Any) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype) if term.datatype else None, term.language)
    if isinstance(term, BNode):
        return ("bnode", str(term), None, None)
    return ("uri", str(term), None, None)


def run_query(query: Query, graph: Graph, params: Mapping[str, str] | None = None) -> Table:
    """Run ``query`` on an rdflib ``graph`` with parameters bound as RDF terms."""
    bindings = bind_params(query, params or {})
    try:
        result = graph.query(query.text, initBindings=bindings)
    except Exception as err:  # rdflib raises parser errors of several types
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise HezeIpKgError(f"query {query.name} failed: {first}") from None
    names = tuple(str(v) for v in result.vars or ())
    rows = tuple(
        tuple(normalise_cell(_rdflib_cell(row[i])) for i in range(len(names)))
        for row in result
        if isinstance(row, ResultRow)
    )
    return Table(names, rows)


__all__ = [
    "DOCUMENT_PARAMS",
    "Param",
    "Query",
    "Table",
    "about_document",
    "bind_params",
    "list_queries",
    "load_query",
    "normalise_cell",
    "run_query",
]
