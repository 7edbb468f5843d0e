"""The read-only SPARQL 1.1 Protocol: turn an HTTP request into a query request, or refuse it.

``parse_request`` (in the server) refuses what the request itself shows: an ``update``
parameter or an ``application/sparql-update`` body (403), a query longer than the limit (413),
graph parameters that are not absolute IRIs (400). ``check_query`` (in the query worker, before
the engine sees the text — so that reading a costly text takes a sandboxed worker's time, not
the server's) refuses the rest: SPARQL Update text and ``SERVICE`` (federated query would make
the engine fetch arbitrary URLs, 403), malformed queries and queries nested deeper than the
limit (400). What a query does is decided by reading it with the SPARQL 1.1 grammar
(``sparql_syntax``), never by looking for words in its text: ``"load"`` in a literal,
``ex:service`` as a name or ``SERVICE`` in a comment do not count, and a ``SERVICE`` hidden
behind an escape or a string does.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from dataclasses import dataclass, field

from heze_ip_kg.serve.sparql_syntax import UPDATE_WORDS, QueryRefusedError, parse_query

# Update operations (SPARQL 1.1 Update, section 3); none of these words starts a query.
UPDATE_KEYWORDS = UPDATE_WORDS
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
CHECK_SECONDS = 2.0  # far above what reading the largest query allowed takes; past it, refused
STATUS = {"malformed": 400, "depth": 400, "time": 400, "update": 403, "service": 403}


@dataclass(frozen=True)
class RefusedError(Exception):
    """A request the endpoint will not run, with its HTTP status and a one-line reason."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class QueryRequest:
    """A query to check and run, with its dataset and the client's format wishes."""

    query: str
    accept: str | None = None
    formats: tuple[str, ...] = field(default_factory=tuple)  # format=/output= names or types
    default_graph: tuple[str, ...] = field(default_factory=tuple)
    named_graphs: tuple[str, ...] = field(default_factory=tuple)


def check_query(
    query: str, *, max_chars: int, max_depth: int, seconds: float = CHECK_SECONDS
) -> None:
    """Raise ``RefusedError`` unless ``query`` is a read-only, local, reasonably sized query.

    >>> check_query("SELECT * { ?s ?p 'SERVICE' }", max_chars=100, max_depth=10)
    >>> try:
    ...     check_query("SELECT * { SERVICE <http://h/> { } }", max_chars=100, max_depth=10)
    ... except RefusedError as refused:
    ...     print(refused.status, refused.message[-19:])
    403 (line 1, column 12)
    """
    if len(query) > max_chars:
        raise RefusedError(413, f"query is {len(query)} characters; the limit is {max_chars}")
    try:
        parse_query(query, max_depth=max_depth, deadline=time.monotonic() + seconds)
    except QueryRefusedError as refused:
        raise RefusedError(STATUS[refused.reason], _message(refused)) from None


def _message(refused: QueryRefusedError) -> str:
    """One line: a malformed query leads with where reading stopped, a refusal with its rule."""
    if refused.reason == "malformed":
        return f"malformed query: {refused.message}"
    where, _, what = refused.message.partition(": ")
    return f"{what} ({where})"


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise RefusedError(400, f"give one {name!r} parameter, not {len(values)}")
    return values[0] if values else None


def _params(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(
            text, keep_blank_values=True, strict_parsing=False, errors="strict"
        )
    except UnicodeDecodeError:
        raise RefusedError(400, "parameters are not UTF-8") from None


def parse_request(
    method: str,
    query_string: str,
    content_type: str | None,
    body: bytes,
    accept: str | None,
    *,
    max_chars: int,
) -> QueryRequest:
    """The ``QueryRequest`` of a GET or POST to the endpoint, or a ``RefusedError``."""
    params = _params(query_string)
    media = (content_type or "").split(";")[0].strip().lower()
    if method == "POST":
        if media == UPDATE_BODY:
            raise RefusedError(403, "SPARQL Update is refused: this endpoint is read-only")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedError(400, "request body is not UTF-8") from None
        if media == FORM:
            for key, values in _params(text).items():
                params.setdefault(key, []).extend(values)
        elif media == QUERY_BODY:
            if "query" in params:
                raise RefusedError(400, "a sparql-query body takes no 'query' parameter")
            params["query"] = [text]
        else:
            raise RefusedError(
                415, f"POST {FORM} or {QUERY_BODY}, not {media or 'no content type'}"
            )
    elif method != "GET":
        raise RefusedError(405, f"{method} is not allowed here: use GET or POST")
    if "update" in params:
        raise RefusedError(403, "SPARQL Update is refused: this endpoint is read-only")
    query = _one(params, "query")
    if query is None or not query.strip():
        raise RefusedError(400, "missing 'query' parameter")
    if len(query) > max_chars:
        raise RefusedError(413, f"query is {len(query)} characters; the limit is {max_chars}")
    return QueryRequest(
        query=query,
        accept=accept,
        formats=tuple(v.strip().lower() for k in ("format", "output") for v in params.get(k, [])),
        default_graph=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
    )


# An absolute IRI (RFC 3987): a scheme, then no space, control or excluded character, and
# percent signs only in escapes. What the store would refuse is refused here, with a reason.
_ABSOLUTE_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[^\x00-\x20<>\"{}|^`\\%]|%[0-9A-Fa-f]{2})*"
)
MAX_GRAPHS = 64


def _graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    values = params.get(name, [])
    if len(values) > MAX_GRAPHS:
        raise RefusedError(400, f"{len(values)} {name} parameters; the limit is {MAX_GRAPHS}")
    for value in values:
        if not _ABSOLUTE_IRI.fullmatch(value):
            shown = value if len(value) <= 80 else value[:77] + "..."
            raise RefusedError(400, f"{name} {shown!r} is not an absolute IRI")
    return tuple(values)


__all__ = ["QueryRequest", "RefusedError", "check_query", "parse_request"]
