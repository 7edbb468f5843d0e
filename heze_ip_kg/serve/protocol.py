"""The read-only SPARQL 1.1 Protocol: turn an HTTP request into a checked query, or refuse it.

Refused before any store sees them: SPARQL Update in every form (an ``update`` parameter, an
``application/sparql-update`` body, or update keywords in the text, 403), ``SERVICE`` (federated
query would make the server fetch arbitrary URLs, ``file:`` ones included, 403), queries longer
than the limit (413) or nested deeper than the limit (400). Keywords are found by a small
tokenizer that skips comments, strings and IRIs, so ``"load"`` in a literal or ``ex:service``
as a name do not count.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

# Update operations (SPARQL 1.1 Update, section 3); none of these words is legal in a query.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s(){}\[\],;.]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>[^\s(){}\[\],;"'<>#?$@]*:[^\s(){}\[\],;"'<>#]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class RefusedError(Exception):
    """A request the endpoint will not run, with its HTTP status and a one-line reason."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class QueryRequest:
    """A query that passed the checks, with its dataset and the client's format wishes."""

    query: str
    accept: str | None = None
    formats: tuple[str, ...] = field(default_factory=tuple)  # format=/output= names or types
    default_graph: tuple[str, ...] = field(default_factory=tuple)
    named_graphs: tuple[str, ...] = field(default_factory=tuple)


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(query: str) -> str:
    """The text with ``\\uXXXX`` escapes resolved, as SPARQL 1.1 (19.2) does before parsing."""

    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT_ESCAPE.sub(char, query)


def keywords(query: str) -> tuple[set[str], int]:
    """The bare upper-cased words of ``query`` and its deepest bracket nesting.

    >>> sorted(keywords('SELECT * { ?s ex:load "service" } # insert')[0])
    ['SELECT']
    """
    found: set[str] = set()
    depth = deepest = 0
    for match in _TOKENS.finditer(_unescape(query)):
        kind = match.lastgroup
        if kind == "word":
            found.add(match.group().upper())
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth -= 1
    return found, deepest


def check_query(query: str, *, max_chars: int, max_depth: int) -> None:
    """Raise ``RefusedError`` unless ``query`` is a read-only, local, reasonably sized query."""
    if len(query) > max_chars:
        raise RefusedError(413, f"query is {len(query)} characters; the limit is {max_chars}")
    words, depth = keywords(query)
    updates = sorted(words & UPDATE_KEYWORDS)
    if updates:
        raise RefusedError(
            403, f"SPARQL Update ({updates[0]}) is refused: this endpoint is read-only"
        )
    if "SERVICE" in words:
        raise RefusedError(
            403, "SERVICE (federated query) is refused: this endpoint queries only its data"
        )
    if depth > max_depth:
        raise RefusedError(400, f"query is nested {depth} deep; the limit is {max_depth}")


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
    max_depth: int,
) -> QueryRequest:
    """The checked ``QueryRequest`` of a GET or POST to the endpoint, or a ``RefusedError``."""
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
    check_query(query, max_chars=max_chars, max_depth=max_depth)
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


__all__ = ["QueryRequest", "RefusedError", "check_query", "keywords", "parse_request"]
