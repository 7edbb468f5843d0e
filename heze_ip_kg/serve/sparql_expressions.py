"""SPARQL 1.1 expressions (§19.8 [110]-[134]): the token cursor, nesting depth and built-in calls.

Every parse method returns the nesting depth of what it read. Depth counts what an engine
turns into one more level of a recursive structure: a bracket, a call (built-in, aggregate or
function), a unary operator, ``EXISTS`` each add one; a chain of n operands joined by one
operator (``||``, ``&&``, ``+``/``-``, ``*``/``/``) becomes a left-deep tree and adds n - 1 to
its deepest operand; a comparison adds one. Binary operators are read by one loop with an
explicit stack (precedence climbing), so only brackets and calls recurse.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Iterable

from heze_ip_kg.serve.sparql_lexer import CHECK_EVERY, OutOfTimeError, Source, Token

NUMBERS = frozenset({"INTEGER", "DECIMAL", "DOUBLE"})
_BINARY = {"||": 1, "&&": 2, "=": 3, "!=": 3, "<": 3, ">": 3, "<=": 3, ">=": 3}
_BINARY |= {"+": 4, "-": 4, "*": 5, "/": 5}
_MANY = 1 << 30
_STACK_STRIDE = 8
_STACK_MARGIN = 100  # frames kept free: 8 levels of at most 2 frames, and the caller's own work


def _arity(names: str, least: int, most: int) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(names.split(), (least, most))


# Built-in calls (§19.8 [121]-[124]): the number of expressions each takes, at least and at most.
_CALLS: dict[str, tuple[int, int]] = {
    **_arity(
        "STR LANG DATATYPE IRI URI ABS CEIL FLOOR ROUND STRLEN UCASE LCASE ENCODE_FOR_URI YEAR "
        "MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ MD5 SHA1 SHA256 SHA384 SHA512 ISIRI ISURI "
        "ISBLANK ISLITERAL ISNUMERIC",
        1,
        1,
    ),
    **_arity("LANGMATCHES CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER STRLANG STRDT", 2, 2),
    "SAMETERM": (2, 2),
    **_arity("RAND NOW UUID STRUUID", 0, 0),
    "BNODE": (0, 1),
    "CONCAT": (0, _MANY),
    "COALESCE": (0, _MANY),
    "IF": (3, 3),
    "SUBSTR": (2, 3),
    "REGEX": (2, 3),
    "REPLACE": (3, 4),
}
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"})


class QueryRefusedError(Exception):
    """A query refused while it was read: ``reason`` is malformed, update, service, depth or
    time; ``message`` one line that names the line and column."""

    def __init__(self, reason: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.line = line
        self.column = column


class Cursor:
    """The tokens of one query, the position in them, and the nesting depth so far."""

    def __init__(
        self, source: Source, tokens: Iterable[Token], max_depth: int, deadline: float | None
    ) -> None:
        self.source = source
        self.stream = iter(tokens)  # read as the parser goes: an early error stops reading
        self.ahead: deque[Token] = deque()
        self.max_depth = max_depth
        self.deadline = deadline
        self.at = 0
        self.level = 0  # the depth the enclosing constructs add (a lower bound of the total)
        self.measured = -_STACK_STRIDE  # the level at which Python's stack was last looked at
        self.prefixes: set[str] = set()
        self.aggregates_ok = False  # in a SELECT expression, HAVING or ORDER BY
        self.aggregates = 0  # aggregates seen at this query level
        self.in_aggregate = 0
        self.collected: set[str] | None = None  # variables used outside aggregates, when wanted
        self.services: list[Token] = []

    # --- tokens --------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        while len(self.ahead) <= ahead:
            token = next(self.stream, None)
            self.ahead.append(token or self.ahead[-1])  # a finished list: its EOF again
        return self.ahead[ahead]

    def advance(self) -> Token:
        token = self.peek()
        if token.kind != "EOF":
            self.ahead.popleft()
            self.at += 1
            deadline = self.deadline
            if deadline is not None and self.at % CHECK_EVERY == 0 and time.monotonic() > deadline:
                raise OutOfTimeError(token.start)
        return token

    def is_word(self, *words: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "WORD" and token.text.upper() in words

    def is_punct(self, *marks: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "PUNCT" and token.text in marks

    def accept_word(self, *words: str) -> bool:
        if self.is_word(*words):
            self.advance()
            return True
        return False

    def accept(self, mark: str) -> bool:
        if self.is_punct(mark):
            self.advance()
            return True
        return False

    def expect_word(self, word: str) -> Token:
        if not self.is_word(word):
            raise self.error(f"expected {word}")
        return self.advance()

    def expect(self, mark: str) -> Token:
        if not self.is_punct(mark):
            raise self.error(f"expected '{mark}'")
        return self.advance()

    def expect_kind(self, kind: str, what: str) -> Token:
        if self.peek().kind != kind:
            raise self.error(f"expected {what}")
        return self.advance()

    def error(
        self,
        message: str,
        token: Token | None = None,
        reason: str = "malformed",
        *,
        found: bool = True,
    ) -> QueryRefusedError:
        """A refusal at ``token`` (the next one by default), saying what was found there."""
        token = token or self.peek()
        line, column = self.source.locate(token.start)
        if reason == "malformed" and found:
            what = "the end of the query" if token.kind == "EOF" else repr(token.text[:30])
            message = f"{message}, found {what}"
        return QueryRefusedError(reason, f"line {line}, column {column}: {message}", line, column)

    # --- depth ---------------------------------------------------------------------------

    def nest(self, levels: int = 1) -> None:
        """Go ``levels`` deeper; refuse past the limit, or before Python's stack runs out.

        Every recursion of the parser passes here, with at most 2 frames per level: looking at
        the stack every ``_STACK_STRIDE`` new levels keeps ``_STACK_MARGIN`` frames in hand.
        """
        self.level += levels
        self.check(0)
        if self.level >= self.measured + _STACK_STRIDE:
            self.measured = self.level
            if _stack_depth() > sys.getrecursionlimit() - _STACK_MARGIN:
                raise self.error("query is nested too deep for this parser", reason="depth")

    def unnest(self, levels: int = 1) -> None:
        self.level -= levels

    def check(self, depth: int) -> None:
        """Refuse once the enclosing levels plus ``depth`` pass the limit."""
        if self.level + depth > self.max_depth:
            raise self.error(
                f"query is nested {self.level + depth} deep; the limit is {self.max_depth}",
                reason="depth",
            )

    # --- terms ---------------------------------------------------------------------------

    def iri(self) -> None:
        """``iri ::= IRIREF | PrefixedName``, its prefix declared."""
        token = self.peek()
        if token.kind in ("PNAME_NS", "PNAME_LN"):
            prefix = token.text.split(":", 1)[0]
            if prefix not in self.prefixes:
                raise self.error(f"prefix '{prefix}:' is not declared", reason="malformed")
        elif token.kind != "IRI":
            raise self.error("expected an IRI")
        self.advance()

    def is_iri(self, ahead: int = 0) -> bool:
        return self.peek(ahead).kind in ("IRI", "PNAME_NS", "PNAME_LN")

    def is_literal(self) -> bool:
        token = self.peek()
        return token.kind in NUMBERS or token.kind == "STRING" or self.is_word("TRUE", "FALSE")

    def literal(self) -> None:
        """RDFLiteral, NumericLiteral or BooleanLiteral."""
        token = self.advance()
        if token.kind == "STRING":
            if self.peek().kind == "LANGTAG":
                self.advance()
            elif self.accept("^^"):
                self.iri()

    def var(self) -> str:
        token = self.expect_kind("VAR", "a variable")
        return token.text[1:]


def _folded(chains: list[list[int]]) -> int:
    """The depth of the open chains if every operand still to come had depth 0."""
    depth = 0
    for _, links, deepest in reversed(chains):
        depth = max(deepest, depth) + links
    return depth


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


class ExpressionParser(Cursor):
    """Expressions; ``group`` (a group graph pattern, for EXISTS) comes from the subclass."""

    def group(self) -> tuple[int, set[str]]:  # pragma: no cover - replaced by PatternParser
        raise NotImplementedError

    def expression(self) -> int:
        """``Expression`` [110]-[117], binary operators by precedence with chains of operands."""
        chains: list[list[int]] = []  # [precedence, links, deepest operand so far]
        operand = self.primary()
        after_in = False
        while True:
            token = self.peek()
            signed = token.kind in NUMBERS and token.text[0] in "+-"
            if token.kind == "PUNCT" and token.text in _BINARY:
                precedence = _BINARY[token.text]
            elif signed:
                precedence = 4  # ?x -1: AdditiveExpression [116] takes a signed number as + or -
            elif self.is_word("IN") or (self.is_word("NOT") and self.is_word("IN", ahead=1)):
                precedence = 3
            else:
                precedence = 0
            while chains and chains[-1][0] > precedence:
                _, links, deepest = chains.pop()
                operand = max(deepest, operand) + links
            if precedence == 0:
                break
            if precedence >= 3 and (
                after_in or (precedence == 3 and chains and chains[-1][0] == 3)
            ):
                raise self.error("expected '&&', '||' or the end of the expression")
            if chains and chains[-1][0] == precedence:
                chains[-1][1] += 1
                chains[-1][2] = max(chains[-1][2], operand)
            else:
                chains.append([precedence, 1, operand])
            self.check(_folded(chains))
            after_in = False
            if signed:
                self.advance()
                operand = 0
            elif precedence == 3 and token.kind == "WORD":
                self.accept_word("NOT")
                self.expect_word("IN")
                operand = self.primary(arguments=(0, _MANY))
                after_in = True
            else:
                self.advance()
                operand = self.primary()
        return operand

    def primary(self, arguments: tuple[int, int] | None = None) -> int:
        """``UnaryExpression`` [118] and ``PrimaryExpression`` [119]; with ``arguments``, only
        the ``ExpressionList`` [72] of that many expressions (as after IN).

        Calls are read here, not in helpers, so that one level of nesting costs two Python
        frames (this and ``expression``).
        """
        token = self.peek()
        unary = 0
        if arguments is None and self.is_punct("!", "+", "-"):
            self.advance()
            unary = 1
            token = self.peek()
        aggregate = distinct = False
        if arguments is not None:
            pass
        elif token.kind == "PUNCT" and token.text == "(":
            self.advance()
            self.nest(1 + unary)
            depth = self.expression()
            self.expect(")")
            self.unnest(1 + unary)
            return 1 + depth + unary
        elif token.kind == "VAR":
            self.advance()
            if self.collected is not None and not self.in_aggregate:
                self.collected.add(token.text[1:])
            return unary
        elif self.is_literal():
            self.literal()
            return unary
        elif self.is_iri():
            self.iri()
            if not (self.peek().kind == "NIL" or self.is_punct("(")):
                return unary
            arguments, distinct = (0, _MANY), True
        elif token.kind == "WORD":
            name = token.text.upper()
            if name in _CALLS:
                arguments = _CALLS[name]
            elif name in AGGREGATES:
                if not self.aggregates_ok:
                    raise self.error(f"{name} is allowed only in SELECT, HAVING and ORDER BY")
                arguments, aggregate, distinct = (1, 1), True, True
            elif name == "BOUND":
                self.advance()
                self.expect("(")
                self.var()
                self.expect(")")
                return 1 + unary
            elif name == "EXISTS" or (name == "NOT" and self.is_word("EXISTS", ahead=1)):
                return self.exists(unary)
            else:
                raise self.error("expected an expression")
            self.advance()
        else:
            raise self.error("expected an expression")
        least, most = arguments
        if self.peek().kind == "NIL" and least == 0:
            self.advance()
            return 1 + unary
        self.expect("(")
        self.nest(1 + unary)
        if distinct:
            self.accept_word("DISTINCT")
        deepest, count = 0, 0
        if aggregate:
            self.aggregates += 1
            self.in_aggregate += 1
            if not (token.text.upper() == "COUNT" and self.accept("*")):
                deepest = self.expression()
            if token.text.upper() == "GROUP_CONCAT" and self.accept(";"):
                self.expect_word("SEPARATOR")
                self.expect("=")
                self.expect_kind("STRING", "a string")
            self.in_aggregate -= 1
        else:
            deepest, count = self.expression(), 1
            while count < most and self.accept(","):
                deepest, count = max(deepest, self.expression()), count + 1
            if count < least:
                raise self.error(f"expected {least} arguments")
        self.expect(")")
        self.unnest(1 + unary)
        return 1 + deepest + unary

    def exists(self, unary: int) -> int:
        """``ExistsFunc`` [125] and ``NotExistsFunc`` [126]."""
        self.accept_word("NOT")
        self.expect_word("EXISTS")
        saved = self.aggregates_ok, self.collected
        self.aggregates_ok, self.collected = False, None
        self.nest(1 + unary)
        depth = 1 + unary + self.group()[0]
        self.unnest(1 + unary)
        self.aggregates_ok, self.collected = saved
        return depth

    def is_call(self, name: str) -> bool:
        return name in _CALLS

    def constraint(self) -> int:
        """``Constraint`` [69]: a bracketted expression, a built-in or a function call."""
        token = self.peek()
        if token.kind == "PUNCT" and token.text == "(":
            return self.primary()
        if self.is_iri() and (self.peek(1).kind == "NIL" or self.is_punct("(", ahead=1)):
            return self.primary()
        if token.kind == "WORD" and not self.is_word("TRUE", "FALSE"):
            return self.primary()
        raise self.error("expected '(', a built-in call or a function call")


__all__ = ["AGGREGATES", "NUMBERS", "Cursor", "ExpressionParser", "QueryRefusedError"]
