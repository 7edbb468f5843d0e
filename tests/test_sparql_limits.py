"""The checker's limits: nesting depth per kind against pyoxigraph's crashes, and linear cost.

Depth: every kind of ``tests.nesting`` adds a known number of levels per repetition; a query at
the limit is accepted (and pyoxigraph answers it, in a subprocess), one more is refused; the
limit stays far below the depths at which pyoxigraph was measured to crash. Cost: 64 KiB of
adversarial text is decided well inside the query time limit, and time grows linearly.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import pytest

from heze_ip_kg.serve.protocol import RefusedError, check_query
from heze_ip_kg.serve.sparql_lexer import LexError, OutOfTimeError, Source, iter_tokens, tokenize
from heze_ip_kg.serve.sparql_syntax import (
    DEFAULT_MAX_DEPTH,
    QueryParser,
    QueryRefusedError,
    parse_query,
)
from tests.nesting import CRASHES, KINDS, run_queries, run_query

LIMIT = DEFAULT_MAX_DEPTH
# kind -> (depth with no repetition, levels each repetition adds)
LEVELS = {
    **{"not": (3, 2), "neg": (4, 2), "pos": (4, 2), "paren": (3, 1), "call": (5, 1)},
    **{"coalesce": (3, 1), "or": (4, 1), "and": (3, 1), "plus": (4, 1), "minus_op": (4, 1)},
    **{"times": (4, 1), "div": (4, 1), "in": (5, 0), "concat": (5, 0), "exists": (1, 3)},
    **{"path_seq": (1, 1), "path_alt": (1, 1), "path_inv": (1, 2), "path_paren": (1, 1)},
    **{"path_mod": (1, 2), "union": (2, 1), "group": (0, 1), "join": (2, 1), "bgp": (1, 1)},
    **{"optional": (3, 1), "optional_nest": (1, 2), "minus": (3, 1), "filter": (4, 1)},
    **{"bind": (1, 1), "graph_nest": (1, 2), "sub": (1, 2), "collection": (1, 3)},
    **{"bnode": (1, 2), "values": (2, 0), "if": (3, 1), "regex": (5, 1), "function": (3, 1)},
    **{"aggregate": (2, 1), "not_exists": (1, 3), "minus_nest": (1, 3), "union_nest": (1, 2)},
    **{"project": (1, 1), "order": (1, 0), "group_by": (1, 0), "having": (1, 1)},
}
NESTED = [kind for kind, (_, step) in LEVELS.items() if step]
FLAT = [kind for kind, (_, step) in LEVELS.items() if not step]
# pyoxigraph needs more than the test's patience for these at the limit: its join ordering
# grows about as n**4 (150 joined patterns: 4 s; 255: about 30 s). Slow, not a crash; the
# server's query time limit stops them.
SLOW = {"join", "bgp"}


def at_limit(kind: str) -> int:
    base, step = LEVELS[kind]
    return (LIMIT - base) // step


def test_every_kind_has_levels_and_a_measured_crash() -> None:
    assert set(LEVELS) == set(KINDS)
    assert set(KINDS) <= set(CRASHES)


@pytest.mark.parametrize("kind", list(LEVELS))
def test_each_repetition_adds_the_kinds_levels(kind: str) -> None:
    base, step = LEVELS[kind]
    assert [parse_query(KINDS[kind](n)).depth for n in (1, 2, 3, 17)] == [
        base + step * n for n in (1, 2, 3, 17)
    ]


@pytest.mark.parametrize("kind", NESTED)
def test_a_query_at_the_limit_is_accepted_and_one_more_level_refused(kind: str) -> None:
    base, step = LEVELS[kind]
    n = at_limit(kind)
    assert LIMIT - step < parse_query(KINDS[kind](n)).depth == base + step * n <= LIMIT
    with pytest.raises(QueryRefusedError) as refused:
        parse_query(KINDS[kind](n + 1))
    assert refused.value.reason == "depth"
    assert refused.value.message.endswith(f"deep; the limit is {LIMIT}")


@pytest.mark.parametrize("kind", FLAT)
def test_long_flat_lists_add_no_depth(kind: str) -> None:
    assert parse_query(KINDS[kind](5_000)).depth == LEVELS[kind][0]


def test_pyoxigraph_answers_every_kind_at_the_limit() -> None:
    kinds = [kind for kind in NESTED if kind not in SLOW] + FLAT
    queries = [KINDS[k](at_limit(k) if k in NESTED else 5_000) for k in kinds]
    outcomes = dict(zip(kinds, run_queries(queries, timeout=300), strict=True))
    assert {k: o.kind for k, o in outcomes.items() if o.kind != "ok"} == {"function": "error"}
    assert outcomes["function"].detail == "RuntimeError"  # the custom function is unknown


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SLOW))
def test_slow_kinds_at_the_limit_run_without_crashing(kind: str) -> None:
    assert run_query(KINDS[kind](at_limit(kind)), timeout=15).kind in ("ok", "timeout")


def test_the_limit_is_well_below_every_measured_crash() -> None:
    crash_depths = {
        kind: LEVELS[kind][0] + LEVELS[kind][1] * n
        for kind, n in CRASHES.items()
        if n is not None and kind in LEVELS
    }
    assert min(crash_depths.values()) == crash_depths["aggregate"] == 829
    assert min(crash_depths.values()) >= 3 * LIMIT


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("ASK { FILTER(" + "!" * 12_000 + "true) }", "malformed"),  # '!' takes no '!' (§19.8)
        ("ASK { FILTER(" + "! " * 12_000 + "true) }", "malformed"),
        ("SELECT * { ?s " + "/".join(["<a:b>"] * 9_000) + " ?o }", "depth"),
        ("SELECT * { " + " UNION ".join(["{}"] * 7_000) + " }", "depth"),
        ("SELECT * " + "{" * 3_000 + "}" * 3_000, "depth"),
    ],
    ids=["not", "not-spaced", "path", "union", "group"],
)
def test_the_issues_crashing_queries_are_refused(query: str, reason: str) -> None:
    with pytest.raises(QueryRefusedError) as refused:
        parse_query(query)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * " + "{" * 60_000,
        "ASK { FILTER(" + "(" * 60_000,
        "ASK { FILTER(" + "STR(" * 30_000,
        "SELECT * { ?s <p> " + "[ <p> " * 30_000,
        "SELECT * { ?s <p> " + "(" * 60_000,
        "SELECT * { ?s " + "(" * 60_000,
        "ASK { " + "FILTER EXISTS { " * 8_000,
    ],
    ids=["groups", "brackets", "calls", "blank-nodes", "collections", "paths", "exists"],
)
def test_no_input_reaches_pythons_recursion_limit(query: str) -> None:
    with pytest.raises(QueryRefusedError) as refused:
        parse_query(query, max_depth=10**9)
    assert refused.value.reason == "depth"
    assert "too deep for this parser" in refused.value.message


def test_a_caller_deep_in_its_own_stack_gets_a_refusal_not_a_recursion_error() -> None:
    def descend(frames: int) -> QueryRefusedError | None:
        if frames > 0:
            return descend(frames - 1)
        try:
            parse_query(KINDS["paren"](at_limit("paren")))
        except QueryRefusedError as refused:
            return refused
        return None

    room = sys.getrecursionlimit() - len(_frames()) - 150
    refused = descend(room)
    assert refused is not None
    assert refused.reason == "depth"


def _frames() -> list[object]:
    frame, frames = sys._getframe(), []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


# --- cost ----------------------------------------------------------------------------------

N = 65_000
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "issue-minus": lambda n: "ASK{FILTER(" + "-" * n + "1)}",
    "dots": lambda n: "." * n,
    "name-then-dots": lambda n: "PREFIX ex: <x:> SELECT * { ?s ?p ex:a" + "." * n,
    "a.a.a": lambda n: "SELECT * { " + "a." * (n // 2),
    "a-a-a": lambda n: "a-" * (n // 2),
    "iri-unclosed": lambda n: "<" + "a" * n,
    "iris-unclosed": lambda n: "<a" * (n // 2),
    "long-string-unclosed": lambda n: "SELECT * { ?s ?p '''" + "a" * n,
    "long-quotes": lambda n: "'''" * (n // 3),
    "long-double-quotes": lambda n: '"""' * (n // 3),
    "long-quotes-bad-escape": lambda n: "'''\\q\n" * (n // 6),
    "four-quotes": lambda n: "''''x" * (n // 5),
    "quotes": lambda n: "'" * n,
    "backslashes": lambda n: "\\" * n,
    "prefixes": lambda n: "a:" * (n // 2),
    "colon-dash": lambda n: ":-" * (n // 2),
    "question-marks": lambda n: "?" * n,
    "question-marks-spaced": lambda n: "SELECT * { ?s " + "? " * (n // 2),
    "comments": lambda n: "#\n" * (n // 2),
    "open-brackets": lambda n: "(" * n,
    "open-braces": lambda n: "{" * n,
    "open-squares": lambda n: "SELECT * { ?s ?p " + "[" * n,
    "bare-nots": lambda n: "ASK { FILTER(" + "!" * n + "true) }",
    "or-chain": lambda n: "ASK { FILTER(" + "1||" * (n // 3) + "1) }",
    "triples": lambda n: "SELECT * { " + "?s ?p ?o . " * (n // 11) + "}",
    "values": lambda n: "SELECT * { VALUES ?x { " + "1 " * (n // 2) + "} }",
    "in-list": lambda n: "ASK { FILTER(1 IN (" + "1," * (n // 2) + "1)) }",
    "codepoints": lambda n: "\\u0041" * (n // 6),
    "codepoints-in-string": lambda n: 'SELECT * { ?s ?p "' + "\\u0041" * (n // 6) + '" }',
    "local-escapes": lambda n: "PREFIX ex: <x:> SELECT * { ?s ?p ex:" + "\\#" * (n // 2) + " }",
    "blank-node-dots": lambda n: "SELECT * { ?s ?p _:a" + "." * n,
    "numbers-dots": lambda n: "1." * (n // 2),
    "language-tag": lambda n: 'SELECT * { ?s ?p "a"@' + "a-" * (n // 2),
    "string-braces": lambda n: "SELECT * { " + "?s ?p ?o FILTER(?o='a)') " * (n // 26) + "}",
}

ACCEPTED = {"values", "in-list", "codepoints-in-string", "local-escapes"}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_64k_of_adversarial_text_is_decided_fast(name: str) -> None:
    text = ADVERSARIAL[name](N)
    assert 60_000 < len(text) <= 64 * 1024
    started, status = time.perf_counter(), 200
    try:
        check_query(text, max_chars=64 * 1024, max_depth=LIMIT)
    except RefusedError as refused:
        status = refused.status
    assert time.perf_counter() - started < 2.0
    assert status == (200 if name in ACCEPTED else 400)


def test_the_issues_costly_query_is_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(RefusedError) as refused:
        check_query("ASK{FILTER(" + "-" * 65_000 + "1)}", max_chars=64 * 1024, max_depth=LIMIT)
    assert time.perf_counter() - started < 2.0
    assert refused.value.status == 400
    assert refused.value.message.startswith("malformed query: line 1, column 13:")


def _read_all(text: str) -> None:
    try:
        for token in iter_tokens(Source(text)):
            if token.kind == "EOF":
                return
    except LexError:
        return


def _parse(text: str) -> None:
    try:
        parse_query(text, max_depth=10**9)
    except QueryRefusedError:
        return


def _seconds(read: Callable[[str], None], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    ("name", "read"),
    [
        *[(name, _read_all) for name in ["a.a.a", "name-then-dots", "iris-unclosed"]],
        *[(name, _read_all) for name in ["long-quotes", "four-quotes", "colon-dash"]],
        *[(name, _read_all) for name in ["blank-node-dots", "numbers-dots", "open-squares"]],
        *[(name, _parse) for name in ["or-chain", "triples", "in-list", "values"]],
    ],
)
def test_cost_grows_linearly(name: str, read: Callable[[str], None]) -> None:
    """Tokenizing every input to its end (where the parser would stop early), or parsing."""
    small = _seconds(read, ADVERSARIAL[name](16_000))
    large = _seconds(read, ADVERSARIAL[name](64_000))
    assert large < 8 * small + 0.005  # linear is 4x (as measured); quadratic would be 16x


def test_reading_stops_at_the_deadline() -> None:
    text = "SELECT * { " + "?s ?p ?o . " * 5_000 + "}"
    with pytest.raises(QueryRefusedError) as refused:
        parse_query(text, deadline=time.monotonic() - 1)
    assert (refused.value.reason, refused.value.line) == ("time", 1)
    source = Source(text)
    tokens = tokenize(source)  # no deadline: the parser itself must look at the clock
    with pytest.raises(OutOfTimeError):
        QueryParser(source, tokens, LIMIT, time.monotonic() - 1).query()
