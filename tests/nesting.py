"""Queries with N of one nesting kind, and subprocesses that run them in pyoxigraph.

Each kind repeats one construct that the engine turns into one more level of its (recursive)
parse tree or algebra: a unary operator, a bracket, a call, a link of a left-deep chain. Run as a
script it measures, per kind, the smallest N at which pyoxigraph crashes (a signal: the stack
overflows) with the default 8 MiB main-thread stack, doubling from 250 then bisecting to 2 %;
``CRASHES`` keeps what it measured, docs/security.md quotes it.

    .venv/bin/python -m tests.nesting --kinds not,group --timeout 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

P = "<http://a/p>"


def _rep(unit: str, n: int, sep: str = " ") -> str:
    return sep.join([unit] * n)


# kind -> query with n repetitions of the kind's construct
KINDS: dict[str, Callable[[int], str]] = {
    "not": lambda n: "ASK { FILTER(" + "!(" * n + "true" + ")" * n + ") }",
    "neg": lambda n: "ASK { FILTER(" + "-(" * n + "1" + ")" * n + " != 0) }",
    "pos": lambda n: "ASK { FILTER(" + "+(" * n + "1" + ")" * n + " > 0) }",
    "paren": lambda n: "ASK { FILTER(" + "(" * n + "true" + ")" * n + ") }",
    "call": lambda n: "ASK { FILTER(STRLEN(" + "STR(" * n + '""' + ")" * n + ") >= 0) }",
    "coalesce": lambda n: "ASK { FILTER(" + "COALESCE(" * n + "true" + ")" * n + ") }",
    "or": lambda n: "ASK { FILTER(" + _rep("false", n + 1, " || ") + " || true) }",
    "and": lambda n: "ASK { FILTER(" + _rep("true", n + 1, " && ") + ") }",
    "plus": lambda n: "ASK { FILTER(" + _rep("1", n + 1, " + ") + " > 0) }",
    "minus_op": lambda n: "ASK { FILTER(" + _rep("1", n + 1, " - ") + " < 0) }",
    "times": lambda n: "ASK { FILTER(" + _rep("1", n + 1, " * ") + " > 0) }",
    "div": lambda n: "ASK { FILTER(" + _rep("1", n + 1, " / ") + " > 0) }",
    "in": lambda n: "ASK { FILTER(1 IN (" + _rep("2", n, ", ") + ", 1)) }",
    "concat": lambda n: "ASK { FILTER(CONCAT(" + _rep('"a"', n, ", ") + ') != "") }',
    "exists": lambda n: "ASK { " + "FILTER EXISTS { " * n + "}" * n + " }",
    "path_seq": lambda n: "SELECT * { ?s " + _rep(P, n + 1, "/") + " ?o }",
    "path_alt": lambda n: "SELECT * { ?s " + _rep(P, n + 1, "|") + " ?o }",
    "path_inv": lambda n: "SELECT * { ?s " + "^(" * n + P + ")" * n + " ?o }",
    "path_paren": lambda n: "SELECT * { ?s " + "(" * n + P + ")" * n + " ?o }",
    "path_mod": lambda n: "SELECT * { ?s " + "(" * n + P + ")?" * n + " ?o }",
    "union": lambda n: "SELECT * { " + _rep("{}", n + 1, " UNION ") + " }",
    "group": lambda n: "SELECT * " + "{ " * n + "}" * n,
    "join": lambda n: "SELECT * { " + _rep("{ ?s ?p ?o }", n + 1) + " }",
    "bgp": lambda n: "SELECT * { " + " ".join(f"?s{i} {P} ?o ." for i in range(n + 1)) + " }",
    "optional": lambda n: "SELECT * { ?s ?p ?o " + _rep(f"OPTIONAL {{ ?s {P} ?o }}", n) + " }",
    "optional_nest": lambda n: "SELECT * { " + "OPTIONAL { " * n + "}" * n + " }",
    "minus": lambda n: "SELECT * { ?s ?p ?o " + _rep(f"MINUS {{ ?s {P} 1 }}", n) + " }",
    "filter": lambda n: "SELECT * { ?s ?p ?o " + _rep("FILTER(?o != 1)", n) + " }",
    "bind": lambda n: "SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }",
    "graph_nest": lambda n: "SELECT * { " + "GRAPH ?g { " * n + "}" * n + " }",
    "sub": lambda n: "SELECT * " + "{ SELECT * " * n + "{}" + "}" * n,
    "collection": lambda n: f"SELECT * {{ ?s {P} " + "(" * n + "1" + ")" * n + " }",
    "bnode": lambda n: f"SELECT * {{ ?s {P} " + f"[ {P} " * n + "1" + " ]" * n + " }",
    "values": lambda n: "SELECT * { VALUES ?x { " + _rep("1", n) + " } }",
    "if": lambda n: "ASK { FILTER(" + "IF(true, " * n + "true" + ", false)" * n + ") }",
    "regex": lambda n: "ASK { FILTER(REGEX(STR(" + "STR(" * n + '"a"' + ")" * n + '), "a")) }',
    "function": lambda n: "ASK { FILTER(" + "<http://a/f>(" * n + "1" + ")" * n + ") }",
    "aggregate": lambda n: "SELECT (" + "SUM(" * n + "?o" + ")" * n + " AS ?x) { ?s ?p ?o }",
    "not_exists": lambda n: "ASK { " + "FILTER NOT EXISTS { " * n + "}" * n + " }",
    "minus_nest": lambda n: "SELECT * { ?s ?p ?o " + "MINUS { ?s ?p ?o " * n + "}" * n + " }",
    "union_nest": lambda n: "SELECT * " + "{ {} UNION " * n + "{}" + " }" * n,
    "project": lambda n: "SELECT " + " ".join(f"({i} AS ?v{i})" for i in range(n)) + " {}",
    "order": lambda n: "SELECT * { ?s ?p ?o } ORDER BY " + _rep("?o", n),
    "group_by": lambda n: "SELECT ?o { ?s ?p ?o } GROUP BY " + _rep("?o", n),
    "having": lambda n: "SELECT ?o { ?s ?p ?o } GROUP BY ?o HAVING " + _rep("(true)", n),
}
# Not SPARQL 1.1 (a unary operator takes a PrimaryExpression), but pyoxigraph parses them.
ENGINE_ONLY: dict[str, Callable[[int], str]] = {
    "not_bare": lambda n: "ASK { FILTER(" + "!" * n + "true) }",
}

# Smallest crashing N per kind: pyoxigraph 0.5.13, Python 3.11, 8 MiB stack, 2-core machine,
# 2026-12-01, 20 s per run. None: no crash up to N = 64,000. path_seq, join and bgp run for
# more than 20 s from N = 1,000 (250 for join and bgp) until they crash at once from the N given.
CRASHES: dict[str, int | None] = {
    **{"not": 3875, "neg": 4687, "pos": 4687, "paren": 4687, "call": 952, "coalesce": 921},
    **{"or": 9375, "and": 9375, "plus": 7000, "minus_op": 7000, "times": 6875, "div": 6875},
    **{"in": None, "concat": None, "exists": 843, "path_seq": 8250, "path_alt": 11000},
    **{"path_inv": 14000, "path_paren": 14000, "path_mod": 11000, "union": 6625, "group": 2218},
    **{"join": 8250, "bgp": 8250, "optional": 6187, "optional_nest": 2937, "minus": 2625},
    **{"filter": 9375, "bind": 2625, "graph_nest": 2937, "sub": 2562, "collection": 4125},
    **{"bnode": 3500, "values": None, "if": 968, "regex": 952, "function": 4375},
    **{"aggregate": 827, "not_exists": 843, "minus_nest": 2625, "union_nest": 2218},
    **{"project": 2625, "order": None, "group_by": None, "having": 9375, "not_bare": 9375},
}

DATA = '<http://a/s> <http://a/p> "1" .\n'
RUNNER = f"""
import sys, pyoxigraph as ox
store = ox.Store()
store.load({DATA!r}.encode(), ox.RdfFormat.N_TRIPLES)
result = store.query(sys.stdin.read())
if not isinstance(result, ox.QueryBoolean):
    for _ in result:
        pass
print("ok")
"""
RUN_MANY = f"""
import json, sys, pyoxigraph as ox
store = ox.Store()
store.load({DATA!r}.encode(), ox.RdfFormat.N_TRIPLES)
for query in json.loads(sys.stdin.read()):
    try:
        result = store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
        print("ok", flush=True)
    except Exception as err:
        print("error", type(err).__name__, flush=True)
"""


@dataclass(frozen=True)
class Outcome:
    """How pyoxigraph fared with one query in a fresh process."""

    kind: str  # ok | crash | timeout | error
    detail: str = ""
    seconds: float = 0.0

    @property
    def crashed(self) -> bool:
        return self.kind == "crash"


def run_query(query: str, timeout: float = 20.0) -> Outcome:
    """Run ``query`` in pyoxigraph in a new Python process (main thread, default stack)."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUNNER],
            input=query,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return Outcome("timeout", f"still running after {timeout:g} s", timeout)
    seconds = time.monotonic() - started
    if done.returncode < 0:
        return Outcome("crash", f"signal {-done.returncode}", seconds)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Outcome("error", last[:200], seconds)
    return Outcome("ok", "", seconds)


def run_queries(queries: list[str], timeout: float = 60.0) -> list[Outcome]:
    """Run ``queries`` one after the other in one new Python process; after a crash, the
    query that crashed is marked so and the rest ``not run``."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUN_MANY],
            input=json.dumps(queries),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        lines, code = done.stdout.splitlines(), done.returncode
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout or b""
        text = output.decode() if isinstance(output, bytes) else output
        lines, code = text.splitlines(), None
    seconds = time.monotonic() - started
    outcomes = [Outcome(*line.split(" ", 1)) if " " in line else Outcome(line) for line in lines]
    if len(outcomes) < len(queries):
        if code is None:
            outcomes.append(Outcome("timeout", f"still running after {timeout:g} s", seconds))
        else:
            outcomes.append(Outcome("crash", f"signal {-code}" if code < 0 else f"exit {code}"))
        outcomes += [Outcome("not run")] * (len(queries) - len(outcomes))
    return outcomes


def smallest_crash(kind: str, timeout: float, start: int = 250, most: int = 64_000) -> int | None:
    """The smallest N at which ``kind`` crashes pyoxigraph, by doubling then bisection."""
    build = {**KINDS, **ENGINE_ONLY}[kind]
    good, bad, n = 0, None, start
    while n <= most:
        outcome = run_query(build(n), timeout)
        print(f"  {kind} {n}: {outcome.kind} {outcome.detail} {outcome.seconds:.1f}s", flush=True)
        if outcome.crashed:
            bad = n
            break
        good, n = n, n * 2
    if bad is None:
        return None
    while bad - good > max(8, good // 50):
        mid = (good + bad) // 2
        outcome = run_query(build(mid), timeout)
        print(f"  {kind} {mid}: {outcome.kind} {outcome.detail} {outcome.seconds:.1f}s", flush=True)
        if outcome.crashed:
            bad = mid
        else:
            good = mid
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join([*KINDS, *ENGINE_ONLY]))
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--start", type=int, default=250)
    parser.add_argument("--most", type=int, default=64_000)
    args = parser.parse_args()
    found = {}
    for kind in args.kinds.split(","):
        found[kind] = smallest_crash(kind, args.timeout, args.start, args.most)
        print(f"{kind}: {found[kind]}", flush=True)
    print("\n| kind | smallest crashing N |\n|---|---|")
    for kind, n in found.items():
        print(f"| {kind} | {n if n is not None else f'none up to {args.most}'} |")


if __name__ == "__main__":
    main()
