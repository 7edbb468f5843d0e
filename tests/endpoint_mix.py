"""Good and bad clients on ``serve`` at once: do the good ones keep getting quick, right answers?

Each client has its own identity (the ``X-Forwarded-For`` a reverse proxy would set). Good
clients ask the query catalogue (every query with its default parameters) and check each
answer byte for byte against the one the idle server gave; bad clients send runaway queries,
runaway queries they abandon, SERVICE in its bypass spellings, deep nesting, a costly text,
malformed queries and bad graph parameters, each checked for its refusal. Used by
tests/test_serve_attacks.py and by the benchmark (``bench/endpoint.py``), whose target is the
p99 latency of the good queries.

    .venv/bin/python -m tests.endpoint_mix --dist dist --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from heze_ip_kg.query.backends import substitute_params
from heze_ip_kg.query.execute import Query, list_queries

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BAD: dict[str, tuple[dict[str, str], int]] = {
    "runaway": ({"query": RUNAWAY}, 503),
    "service": (
        {"query": "SELECT * { ?s ?p ?o FILTER(?o='a)') SERVICE <http://127.0.0.1:9/> {} }"},
        403,
    ),
    "service-escaped": ({"query": "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> {} }"}, 403),
    "deep": ({"query": "ASK { FILTER(" + "! " * 12_000 + "true) }"}, 400),
    "costly-text": ({"query": "ASK{FILTER(" + "-" * 65_000 + "1)}"}, 400),
    "malformed": ({"query": "SELECT * WHERE { ?s"}, 400),
    "bad-graph": ({"query": "ASK {}", "default-graph-uri": "a b"}, 400),
}


@dataclass
class MixReport:
    """What the good clients got, and what the bad ones tried."""

    seconds: float = 0.0
    good: list[float] = field(default_factory=list)  # latency of each good query, seconds
    good_statuses: Counter[int] = field(default_factory=Counter)
    bad: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    shed: int = 0  # bad requests turned away as too many (503, busy)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.good)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def markdown(self, clients: int, bad_clients: int) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.bad.items()))
        median, p99 = self.percentile(0.5) * 1000, self.percentile(0.99) * 1000
        slowest = max(self.good, default=0) * 1000
        statuses = dict(sorted(self.good_statuses.items()))
        return (
            f"{clients} clients ({bad_clients} bad) for {self.seconds:.0f} s: "
            f"{len(self.good)} good catalogue queries, median {median:.0f} ms, "
            f"p99 {p99:.0f} ms, max {slowest:.0f} ms; statuses {statuses}; "
            f"wrong answers {len(self.wrong)}; bad requests: {kinds} ({self.shed} turned away "
            "as busy)"
        )


def _get(
    host: str, port: int, params: dict[str, str], client: str, timeout: float = 120
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode(params),
            headers={"Accept": "text/csv", "X-Forwarded-For": client},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _abandon(host: str, port: int, client: str) -> None:
    """Send a runaway query and leave before the answer."""
    with socket.create_connection((host, port), timeout=30) as sock:
        query = urllib.parse.urlencode({"query": RUNAWAY})
        sock.sendall(
            f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: {client}\r\n\r\n".encode()
        )
        time.sleep(0.3)


Bind = Callable[[Query], dict[str, str] | None]


def catalogue_texts(bind: Bind | None = None) -> dict[str, str]:
    """Each catalogue query's text, its parameters bound by ``bind`` (default: the defaults)."""
    return {q.name: substitute_params(q, bind(q) if bind else None) for q in list_queries()}


def expected_answers(url: str, texts: dict[str, str]) -> dict[str, bytes]:
    """Each query's CSV answer from the server while nothing else runs."""
    parts = urllib.parse.urlsplit(url)
    answers = {}
    for name, text in texts.items():
        status, body = _get(parts.hostname or "", parts.port or 0, {"query": text}, "10.9.9.9")
        if status != 200:
            raise RuntimeError(f"{name}: {status} {body[:200]!r}")
        answers[name] = body
    return answers


def run_mix(
    url: str,
    clients: int = 50,
    bad_share: float = 0.3,
    seconds: float = 60,
    seed: int = 1,
    bind: Bind | None = None,
) -> MixReport:
    """``clients`` clients for ``seconds``; a ``bad_share`` of them bad. ``bind`` gives each
    catalogue query's parameters (for a corpus whose elements are not the Heze plan's)."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "", parts.port or 0
    texts = catalogue_texts(bind)
    expected = expected_answers(url, texts)
    report = MixReport()
    lock = threading.Lock()
    bad_clients = round(clients * bad_share)
    deadline = time.monotonic() + seconds

    def good(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        me = f"10.1.{index // 250}.{index % 250}"
        while time.monotonic() < deadline:
            name = rng.choice(sorted(texts))
            started = time.monotonic()
            try:
                status, body = _get(host, port, {"query": texts[name]}, me)
            except OSError as err:
                status, body = 0, repr(err).encode()
            took = time.monotonic() - started
            with lock:
                report.good.append(took)
                report.good_statuses[status] += 1
                if status != 200 or body != expected[name]:
                    report.wrong.append(f"{name}: {status} {body[:80]!r}")

    def bad(index: int) -> None:
        rng = random.Random(seed * 2000 + index)
        me = f"10.2.{index // 250}.{index % 250}"
        kinds = [*sorted(BAD), "abandoned"]
        while time.monotonic() < deadline:
            kind = rng.choice(kinds)
            if kind == "abandoned":
                _abandon(host, port, me)
                with lock:
                    report.bad[kind] += 1
                continue
            params, status_expected = BAD[kind]
            try:
                status, body = _get(host, port, params, me)
            except OSError as err:
                status, body = 0, repr(err).encode()
            # A bad client may also be turned away for being heavy (the fair queue's 503): a
            # refusal either way, never an answer.
            shed = status == 503 and body.startswith(b"all query workers are busy")
            with lock:
                report.bad[kind] += 1
                report.shed += shed
                if status != status_expected and not shed:
                    report.wrong.append(f"bad {kind}: {status} {body[:80]!r}")

    threads = [threading.Thread(target=bad, args=(i,)) for i in range(bad_clients)]
    threads += [threading.Thread(target=good, args=(i,)) for i in range(clients - bad_clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    return report


def main() -> int:
    from tests.server_load import served

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with served(args.dist) as (url, _):
        report = run_mix(url, args.clients, 0.3, args.seconds)
    print(report.markdown(args.clients, round(args.clients * 0.3)))
    for line in report.wrong[:20]:
        print("WRONG", line)
    return 1 if report.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
