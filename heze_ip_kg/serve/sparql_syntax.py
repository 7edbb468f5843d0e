"""A recogniser of SPARQL 1.1 Query (§19.8): what a query is, or why it is refused.

``parse_query(text)`` reads the whole query with the grammar of
https://www.w3.org/TR/sparql11-query/#grammar — prologue, the four query forms, dataset
clauses, graph patterns, paths, expressions, solution modifiers and VALUES — and returns its
form and nesting depth, or raises ``QueryRefusedError`` with a reason:

- ``malformed``: not a SPARQL 1.1 query (SPARQL 1.2 and RDF-star syntax included), with the
  line and column where reading stopped;
- ``update``: after the prologue the text starts a SPARQL Update operation;
- ``service``: a well-formed query with a SERVICE pattern anywhere;
- ``depth``: nested deeper than ``max_depth`` (counted as the engine builds its trees; see
  ``sparql_expressions`` and ``sparql_patterns``), refused while reading, before Python's own
  recursion limit;
- ``time``: ``deadline`` (a ``time.monotonic()`` value) passed while reading.

A query with ``\\u`` escapes is read twice: as SPARQL 1.1 does (escapes replaced first) and as
pyoxigraph 0.5 does (escapes only inside strings and IRIs); both readings must pass.

>>> parse_query("PREFIX ex: <http://e/> SELECT ?s WHERE { ?s ex:a\\\\#b ?o }")
QueryShape(form='SELECT', depth=1)
>>> try:
...     parse_query("ASK { SERVICE <http://127.0.0.1:1/> { } }")
... except QueryRefusedError as refused:
...     print(refused.reason, refused.line, refused.column)
service 1 7
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heze_ip_kg.serve.sparql_expressions import AGGREGATES, QueryRefusedError
from heze_ip_kg.serve.sparql_lexer import LexError, OutOfTimeError, Source, Token, iter_tokens
from heze_ip_kg.serve.sparql_patterns import PatternParser

DEFAULT_MAX_DEPTH = 256
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_ESCAPE = re.compile(r"\\[uU]")
_CONDITION_WORDS = frozenset({"BOUND", "EXISTS", "NOT"}) | AGGREGATES


@dataclass(frozen=True)
class QueryShape:
    """An accepted query: its form (SELECT, CONSTRUCT, DESCRIBE or ASK) and nesting depth."""

    form: str
    depth: int


def _chain(operands: list[int]) -> int:
    return max(operands) + len(operands) - 1 if operands else 0


class QueryParser(PatternParser):
    """``QueryUnit`` [1]: the prologue, one query form, its modifiers and VALUES."""

    def query(self) -> QueryShape:
        self.setup_patterns()
        self.prologue()
        token = self.peek()
        if self.is_word(*UPDATE_WORDS):
            raise self.error(
                f"SPARQL Update ({token.text.upper()}) is refused: this endpoint is read-only",
                reason="update",
            )
        form = token.text.upper() if token.kind == "WORD" else ""
        if form == "SELECT":
            operands = self.select(sub=False)[0]
        elif form == "CONSTRUCT":
            operands = self.construct()
        elif form == "DESCRIBE":
            operands = self.describe()
        elif form == "ASK":
            self.advance()
            self.datasets()
            operands = [self.group()[0]]
            self.modifiers(operands)
        else:
            raise self.error("expected SELECT, CONSTRUCT, DESCRIBE or ASK")
        if self.accept_word("VALUES"):
            self.data_block()
            operands.append(1)
        depth = _chain(operands)
        self.check(depth)
        if self.peek().kind != "EOF":
            raise self.error("expected the end of the query")
        if self.services:
            raise self.error(
                "SERVICE (federated query) is refused: this endpoint queries only its data",
                self.services[0],
                reason="service",
            )
        return QueryShape(form, depth)

    def prologue(self) -> None:
        """``Prologue`` [4]: BASE and PREFIX declarations."""
        while True:
            if self.accept_word("BASE"):
                self.expect_kind("IRI", "an IRI reference <…>")
            elif self.accept_word("PREFIX"):
                prefix = self.expect_kind("PNAME_NS", "a prefix name ending in ':'")
                self.expect_kind("IRI", "an IRI reference <…>")
                self.prefixes.add(prefix.text[:-1])
            else:
                return

    def datasets(self) -> None:
        """``DatasetClause`` [13]*."""
        while self.accept_word("FROM"):
            self.accept_word("NAMED")
            self.iri()

    def subselect(self) -> tuple[int, set[str]]:
        operands, projected = self.select(sub=True)
        return _chain(operands), projected

    def select(self, sub: bool) -> tuple[list[int], set[str]]:
        """``SelectQuery`` [7] / ``SubSelect`` [8]: chain operands and projected variables."""
        self.expect_word("SELECT")
        self.accept_word("DISTINCT", "REDUCED")
        outer, saved = self.aggregates, (self.aggregates_ok, self.collected)
        self.aggregates = 0
        items: list[tuple[str, set[str] | None, Token]] = []
        operands: list[int] = []
        star = self.peek()
        if not self.accept("*"):
            while self.peek().kind == "VAR" or self.is_punct("("):
                if self.peek().kind == "VAR":
                    token = self.peek()
                    items.append((self.var(), None, token))
                    continue
                self.advance()
                self.aggregates_ok, self.collected = True, set()
                self.nest()
                operands.append(1 + self.expression())
                self.unnest()
                used = self.collected
                self.aggregates_ok, self.collected = saved
                self.expect_word("AS")
                token = self.peek()
                items.append((self.var(), used, token))
                self.expect(")")
            if not items:
                raise self.error("expected '*', a variable or '(expression AS ?name)'")
        if not sub:
            self.datasets()
        self.accept_word("WHERE")
        where, scope = self.group()
        operands.insert(0, where)
        keys, grouped = self.modifiers(operands)
        if sub and self.accept_word("VALUES"):
            scope |= self.data_block()
            operands.append(1)
        aggregated = grouped or self.aggregates > 0
        self.aggregates = outer
        self.check_projection(items, scope, keys if aggregated else None, star)
        return operands, scope if not items else {name for name, _, _ in items}

    def check_projection(
        self,
        items: list[tuple[str, set[str] | None, Token]],
        scope: set[str],
        keys: set[str] | None,
        star: Token,
    ) -> None:
        """§18.2.1 and §18.2.4.1: ``AS ?x`` names a new variable; grouped queries project
        only group keys, aggregates and what earlier ``AS`` named (after grouping only the
        keys are in scope, so ``(SUM(?x) AS ?x)`` is allowed there, as pyoxigraph allows it)."""
        if keys is not None and not items:
            raise self.error(
                "SELECT * is not allowed with GROUP BY or aggregates", star, found=False
            )
        taken = scope if keys is None else keys
        named: set[str] = set()
        for name, used, token in items:
            if used is not None and (name in taken or name in named):
                raise self.error(f"?{name} is already in scope", token, found=False)
            if keys is not None:
                stray = sorted((used if used is not None else {name}) - keys - named)
                if stray:
                    raise self.error(
                        f"?{stray[0]} is neither grouped nor aggregated", token, found=False
                    )
            named.add(name)

    def modifiers(self, operands: list[int]) -> tuple[set[str], bool]:
        """``SolutionModifier`` [18]: group keys, and whether there was a GROUP BY."""
        keys: set[str] = set()
        grouped = self.accept_word("GROUP")
        if grouped:
            self.expect_word("BY")
            if not self.starts_condition():
                raise self.error("expected a GROUP BY condition")
            while self.starts_condition():
                if self.peek().kind == "VAR":
                    keys.add(self.var())  # a plain key, like an ORDER BY variable, adds nothing
                elif self.accept("("):
                    self.nest()
                    operands.append(1 + self.expression())
                    if self.accept_word("AS"):
                        keys.add(self.var())
                    self.expect(")")
                    self.unnest()
                else:
                    operands.append(self.constraint())
        saved = self.aggregates_ok
        self.aggregates_ok = True
        if self.accept_word("HAVING"):
            operands.append(self.constraint())
            while self.starts_condition(variables=False):
                operands.append(self.constraint())
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            if not self.starts_condition(order=True):
                raise self.error("expected an ORDER BY condition")
            while self.starts_condition(order=True):
                if self.accept_word("ASC", "DESC"):
                    if not self.is_punct("("):
                        raise self.error("expected '('")
                    operands.append(self.primary())
                elif self.peek().kind == "VAR":
                    self.var()
                else:
                    operands.append(self.constraint())
        self.aggregates_ok = saved
        for first, second in (("LIMIT", "OFFSET"), ("OFFSET", "LIMIT")):
            if self.accept_word(first):
                self.integer()
                if self.accept_word(second):
                    self.integer()
                break
        self.check(_chain(operands))
        return keys, grouped

    def starts_condition(self, variables: bool = True, order: bool = False) -> bool:
        token = self.peek()
        if token.kind == "VAR":
            return variables
        if self.is_punct("(") or (self.is_iri() and self.peek(1).kind == "NIL"):
            return True
        if self.is_iri():
            return self.is_punct("(", ahead=1)
        word = token.text.upper() if token.kind == "WORD" else ""
        if word == "NOT":
            return self.is_word("EXISTS", ahead=1)
        return word in _CONDITION_WORDS or self.is_call(word) or (order and word in ("ASC", "DESC"))

    def integer(self) -> None:
        token = self.expect_kind("INTEGER", "an integer")
        if token.text[0] in "+-":
            raise self.error("expected an unsigned integer", token, found=False)

    def construct(self) -> list[int]:
        """``ConstructQuery`` [10], both forms."""
        self.expect_word("CONSTRUCT")
        if self.is_punct("{"):
            template = self.template(pattern=False)
            self.datasets()
            self.accept_word("WHERE")
            operands = [self.group()[0], template]
        else:
            self.datasets()
            self.expect_word("WHERE")
            operands = [self.template(pattern=True)]
        self.modifiers(operands)
        return operands

    def template(self, pattern: bool) -> int:
        """``ConstructTemplate`` [73] or the pattern of ``CONSTRUCT WHERE``: triples only."""
        self.expect("{")
        self.nest()
        self.bgps += 1
        self.bgp, self.triple_vars = (self.bgps if pattern else 0), set()
        deepest = count = 0
        while not self.is_punct("}"):
            depth, more = self.triples(paths=False)
            deepest, count = max(deepest, depth), count + more
            self.check(deepest + count - 1)
            if not self.accept("."):
                break
        self.expect("}")
        self.unnest()
        return 1 + deepest + max(count - 1, 0)

    def describe(self) -> list[int]:
        """``DescribeQuery`` [11]."""
        self.expect_word("DESCRIBE")
        if not self.accept("*"):
            if not (self.peek().kind == "VAR" or self.is_iri()):
                raise self.error("expected '*', a variable or an IRI")
            while self.peek().kind == "VAR" or self.is_iri():
                if self.peek().kind == "VAR":
                    self.var()
                else:
                    self.iri()
        self.datasets()
        operands = [0]
        if self.is_word("WHERE") or self.is_punct("{"):
            self.accept_word("WHERE")
            operands = [self.group()[0]]
        self.modifiers(operands)
        return operands


def _read(text: str, codepoints: bool, max_depth: int, deadline: float | None) -> QueryShape:
    try:
        source = Source(text, codepoints=codepoints)
    except LexError as err:
        line, column = Source.locate_original(text, err.offset)
        raise QueryRefusedError(
            "malformed", f"line {line}, column {column}: {err.message}", line, column
        ) from None
    try:
        return QueryParser(source, iter_tokens(source, deadline), max_depth, deadline).query()
    except LexError as err:
        line, column = source.locate(err.offset)
        message = f"line {line}, column {column}: {err.message}"
        raise QueryRefusedError("malformed", message, line, column) from None
    except OutOfTimeError as err:
        line, column = source.locate(err.offset)
        message = f"line {line}, column {column}: query took too long to check"
        raise QueryRefusedError("time", message, line, column) from None


def parse_query(
    text: str, *, max_depth: int = DEFAULT_MAX_DEPTH, deadline: float | None = None
) -> QueryShape:
    """The form and depth of the SPARQL 1.1 query ``text``, or a ``QueryRefusedError``."""
    shape = _read(text, True, max_depth, deadline)
    if _ESCAPE.search(text):
        try:
            _read(text, False, max_depth, deadline)
        except QueryRefusedError as refusal:
            if refusal.reason != "malformed":
                raise
            refusal.message += " (pyoxigraph reads \\u escapes only inside strings and IRIs)"
            raise
    return shape


__all__ = ["DEFAULT_MAX_DEPTH", "UPDATE_WORDS", "QueryRefusedError", "QueryShape", "parse_query"]
