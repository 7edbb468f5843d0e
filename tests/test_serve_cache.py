"""The endpoint's answer cache: the same request again is answered without a worker.

Real query pools (forked, sandboxed workers over the published dump), driven directly.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rdflib import Graph

from heze_ip_kg.serve.answers import QueryLimits
from heze_ip_kg.serve.pool import QueryPool
from heze_ip_kg.serve.protocol import QueryRequest

LABELS = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l"


def _ask(
    dump: Path, requests: list[QueryRequest], *, together: bool = False, cache_bytes: int = 2**24
) -> tuple[list[tuple[int, str, bytes]], QueryPool]:
    """Each request's (status, type, body) from one pool with one worker, one after another
    or all at once; and the pool (closed)."""

    async def scenario() -> list[tuple[int, str, bytes]]:
        async def one(request: QueryRequest) -> tuple[int, str, bytes]:
            answer = await pool.execute(request, "client")
            try:
                return answer.status, answer.content_type, answer.read()
            finally:
                answer.close()

        if together:
            return list(await asyncio.gather(*(one(r) for r in requests)))
        return [await one(r) for r in requests]

    limits = QueryLimits(timeout=30, answer_cache_bytes=cache_bytes)
    pool = QueryPool(dump, 1, limits)
    try:
        return asyncio.run(scenario()), pool
    finally:
        pool.close()


def _request(query: str, accept: str = "text/csv") -> QueryRequest:
    return QueryRequest(query=query, accept=accept)


def test_the_same_query_again_gets_the_same_bytes_from_the_cache(
    published: tuple[Path, Graph],
) -> None:
    dump = published[0] / "heze-ip-kg.nt"
    answers, pool = _ask(dump, [_request(LABELS)] * 3)
    assert answers[0][0] == 200
    assert answers[0][2].count(b"\n") > 500
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]
    assert (pool.cache.stored, pool.cache.hits) == (1, 2)
    # Without the cache the bytes are the same: the cache changes nothing but who answers.
    uncached, plain = _ask(dump, [_request(LABELS)], cache_bytes=0)
    assert uncached[0] == answers[0]
    assert (plain.cache.stored, plain.cache.hits) == (0, 0)


def test_identical_requests_waiting_are_answered_when_the_first_is(
    published: tuple[Path, Graph],
) -> None:
    # One worker, five identical requests at once: one runs, four wait in the queue and are
    # answered from the cache as soon as it is done.
    answers, pool = _ask(published[0] / "heze-ip-kg.nt", [_request(LABELS)] * 5, together=True)
    assert len({a for a in answers}) == 1
    assert answers[0][0] == 200
    assert (pool.cache.stored, pool.cache.hits) == (1, 4)
    assert pool.waiting() == 0


def test_each_format_is_kept_apart(published: tuple[Path, Graph]) -> None:
    requests = [_request(LABELS, "text/csv"), _request(LABELS, "application/sparql-results+json")]
    answers, pool = _ask(published[0] / "heze-ip-kg.nt", requests * 2)
    assert [a[1].split(";")[0] for a in answers] == [
        "text/csv",
        "application/sparql-results+json",
    ] * 2
    assert answers[2:] == answers[:2]
    assert (pool.cache.stored, pool.cache.hits) == (2, 2)


def test_changing_values_refusals_and_errors_are_not_kept(published: tuple[Path, Graph]) -> None:
    now = _request('SELECT (NOW() AS ?t) (STR(?x) AS ?y) WHERE { BIND ("a" AS ?x) }')
    refused = _request("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    malformed = _request("SELECT * WHERE { ?s ?p }")
    answers, pool = _ask(published[0] / "heze-ip-kg.nt", [now, now, refused, refused, malformed])
    assert answers[0][0] == 200
    assert answers[1][0] == 200
    assert answers[0][2] != answers[1][2]  # two different times: the query ran twice
    assert [a[0] for a in answers[2:]] == [403, 403, 400]
    assert (pool.cache.stored, pool.cache.hits) == (0, 0)


def test_the_cache_holds_its_bound(published: tuple[Path, Graph]) -> None:
    # 16 KiB in all, 1 KiB an answer: the labels (tens of KiB) are not kept; of sixty small
    # distinct answers only the most recent that fit are.
    small = [
        _request(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o }} ORDER BY ?s LIMIT 5 OFFSET {5 * i}")
        for i in range(60)
    ]
    answers, pool = _ask(
        published[0] / "heze-ip-kg.nt", [_request(LABELS), *small, small[-1]], cache_bytes=2**14
    )
    assert all(a[0] == 200 for a in answers)
    assert len(answers[0][2]) > 2**10
    sizes = [len(a[2]) for a in answers[1:-1]]
    assert all(100 < size <= 2**10 for size in sizes), (min(sizes), max(sizes))
    assert pool.cache.stored == 60
    assert pool.cache.hits == 1
    kept = len(pool.cache)
    assert 10 < kept < 60
    assert sum(sizes[-kept:]) <= 2**14 < sum(sizes[-kept - 1 :])
