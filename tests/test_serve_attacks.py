"""The breaks an outside attack found in ``serve`` (issue 14), each attempted again here.

SSRF through SERVICE, a worker killed by one GET, crashes, a costly query check, memory grown by
clients that never read, a symlink out of the site, starvation by runaway queries and by clients
that left, very long paths, and a GET body read as the next request. Listeners and servers are
real and bound to 127.0.0.1; the query check itself has its own tests (test_sparql_syntax.py).
"""

from __future__ import annotations

import asyncio
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from heze_ip_kg.serve import Server, ServerSettings
from heze_ip_kg.serve.pool import QueryLimits, QueryPool
from heze_ip_kg.serve.protocol import QueryRequest
from tests.endpoint_mix import run_mix
from tests.server_load import served
from tests.serving import COUNT, RUNAWAY, assert_still_answers, fetch, running, sparql_get

# What docs/security.md states for the HTTP process (the workers have their own limit).
HTTP_MEMORY_BOUND = 256 * 1024**2
# Each row carries every literal of the graph (about 100 KB): 2,000 rows would be 200 MB.
BIG_ANSWER = (
    'SELECT ?s ?big WHERE { { SELECT (GROUP_CONCAT(STR(?x); separator=" ") AS ?big) '
    "WHERE { ?a ?b ?x FILTER(isLiteral(?x)) } } ?s ?p ?o } LIMIT 2000"
)


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it is offered."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.socket.close()


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()


def service_query(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x?a=1> {{ ?s ?p ?o }} }}"


def unchecked(dump: Path, query: str, workers: int = 1) -> tuple[int, bytes, QueryPool]:
    """Run ``query`` on a pool directly, past the endpoint's query check."""

    async def scenario() -> tuple[int, bytes, QueryPool]:
        pool = QueryPool(dump, workers, QueryLimits(timeout=30), check_queries=False)
        try:
            answer = await pool.execute(QueryRequest(query=query, accept="text/csv"))
            return answer.status, answer.read(), pool
        finally:
            pool.close()

    return asyncio.run(scenario())


# --- 1. SSRF ---------------------------------------------------------------------------------


def test_without_the_sandbox_the_engine_would_connect() -> None:
    """The control for the test below: pyoxigraph alone does connect to a SERVICE URL."""
    with listening() as listener:
        code = (
            "import pyoxigraph, sys\n"
            "try:\n    list(pyoxigraph.Store().query(sys.argv[1]))\n"
            "except OSError:\n    pass\n"
        )
        subprocess.run(
            [sys.executable, "-c", code, service_query(listener.port)], timeout=60, check=True
        )
        time.sleep(0.2)
    assert listener.connections >= 1


@pytest.mark.parametrize("silent", ["", "SILENT "])
def test_a_worker_cannot_connect_even_past_the_query_check(
    published: tuple[Path, Graph], silent: str
) -> None:
    with listening() as listener:
        query = service_query(listener.port).replace("SERVICE ", "SERVICE " + silent)
        status, body, _ = unchecked(published[0] / "heze-ip-kg.nt", query)
        time.sleep(0.2)
    assert listener.connections == 0
    if silent:
        assert status == 200  # SILENT: the failed call is an empty result, as the standard says
    else:
        assert (status, body) == (
            403,
            b"the query tried to reach the network: Permission denied (os error 13)\n",
        )


SSRF_FORMS = [
    "PREFIX ex: <http://e/> SELECT * { OPTIONAL { ?s ex:a\\#b ?o } "
    "SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }",
    "SELECT * { ?s ?p ?o FILTER(?o='a)') SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }",
    "SELECT * { \\u0053ERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } }",
    "select * { service silent <http://127.0.0.1:{port}/x> { ?x ?y ?z } }",
    "SELECT * { BIND(<http://127.0.0.1:{port}/x> AS ?u) SERVICE ?u { ?x ?y ?z } }",
    "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:{port}/x> { ?x ?y ?z } } }",
]


@pytest.fixture(scope="module")
def server(published: tuple[Path, Graph]) -> Iterator[Server]:
    settings = ServerSettings.for_publication(
        published[0], port=0, quiet=True, workers=2, query_timeout=20.0
    )
    with running(settings) as started:
        yield started


@pytest.mark.parametrize("form", SSRF_FORMS)
def test_every_service_spelling_is_refused_and_nothing_connects(
    server: Server, published: tuple[Path, Graph], form: str
) -> None:
    with listening() as listener:
        query = form.replace("{port}", str(listener.port))
        status, _, body = sparql_get(server, query)
        time.sleep(0.2)
    assert status == 403, body
    assert listener.connections == 0
    assert_still_answers(server, published[1])


# --- 2. a worker killed by one GET -----------------------------------------------------------


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_bad_graph_parameters_are_refused_before_a_worker(
    server: Server, published: tuple[Path, Graph], name: str
) -> None:
    restarts = server.pool.restarts
    for value in ("a b", "a", "http://%zz/", "<http://x/>"):
        path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}", name: value})
        status, _, body = fetch(server, path, "application/sparql-results+json")
        assert status == 400
        assert body.decode().endswith("is not an absolute IRI\n")
    assert server.pool.restarts == restarts
    assert_still_answers(server, published[1])


# --- 3. crashes ------------------------------------------------------------------------------


def busy_workers(server: Server, count: int = 1, seconds: float = 30) -> list[int]:
    """Wait until ``count`` workers run a query; their pids."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pids = server.pool.busy()
        except RuntimeError:  # read while the server thread changed it
            continue
        if len(pids) >= count:
            return pids
        time.sleep(0.02)
    raise AssertionError("no worker took the query")


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize(
    ("signum", "status", "message"),
    [
        (signal.SIGSEGV, 500, b"the query crashed the query engine (SIGSEGV)\n"),
        (signal.SIGABRT, 503, b"the query was stopped: it ran out of its memory budget\n"),
    ],
)
def test_a_worker_that_dies_is_reported_as_what_it_was_and_replaced(
    server: Server, published: tuple[Path, Graph], signum: int, status: int, message: bytes
) -> None:
    restarts = server.pool.restarts
    thread, result = in_thread(lambda: sparql_get(server, RUNAWAY))
    victim = busy_workers(server)[0]
    assert_still_answers(server, published[1])  # the other worker answers meanwhile
    os.kill(victim, signum)
    thread.join(60)
    assert (result[0][0], result[0][2]) == (status, message)
    assert server.pool.restarts == restarts + 1
    assert_still_answers(server, published[1])


def test_queries_nested_past_the_limit_are_refused_not_run(
    server: Server, published: tuple[Path, Graph]
) -> None:
    restarts = server.pool.restarts
    for query, why in (
        ("ASK { FILTER(" + "! " * 12_000 + "true) }", b"malformed"),  # `! !` is not SPARQL 1.1
        ("ASK { FILTER(" + "!(" * 6_000 + "true" + ")" * 6_000 + ") }", b"deep"),
        ("SELECT * { ?s " + "/".join(["<a:b>"] * 9_000) + " ?o }", b"deep"),
        ("SELECT * { " + " UNION ".join(["{}"] * 7_000) + " }", b"deep"),
    ):
        form = urllib.parse.urlencode({"query": query}).encode()  # too long for a GET's URL
        status, _, body = fetch(
            server, "/sparql", data=form, content_type="application/x-www-form-urlencoded"
        )
        assert status == 400, body
        assert why in body
    assert server.pool.restarts == restarts
    assert_still_answers(server, published[1])


# --- 4. the cost of the check ----------------------------------------------------------------


def test_a_pathological_query_text_is_decided_within_the_time_limit(
    server: Server, published: tuple[Path, Graph]
) -> None:
    query = "ASK{FILTER(" + "-" * 65_000 + "1)}"
    started = time.monotonic()
    status, _, _ = sparql_get(server, query)
    assert status == 400
    assert time.monotonic() - started < server.settings.query_timeout
    assert_still_answers(server, published[1])


# --- 5. clients that never read --------------------------------------------------------------


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def spooled(pid: int) -> int:
    """How many deleted temporary files (answer spools on disk) the process holds open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        count += target.endswith("(deleted)")
    return count


def test_never_reading_clients_keep_the_http_process_within_its_bound(
    published: tuple[Path, Graph],
) -> None:
    dist, graph = published
    log: list[str] = []
    with served(dist, "--workers", "2", log=log) as (url, process):
        parts = urllib.parse.urlsplit(url)
        request = (
            f"GET /sparql?{urllib.parse.urlencode({'query': BIG_ANSWER})} HTTP/1.1\r\n"
            f"Host: {parts.netloc}\r\nAccept: application/sparql-results+json\r\n\r\n"
        ).encode()
        clients = []
        for _ in range(8):
            client = socket.socket()
            client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            client.connect((parts.hostname or "", parts.port or 0))
            client.sendall(request)
            clients.append(client)
        peak = 0
        deadline = time.monotonic() + 180
        while spooled(process.pid) < 8 and time.monotonic() < deadline:
            peak = max(peak, rss(process.pid))
            time.sleep(0.05)
        assert spooled(process.pid) >= 8  # every answer computed, the workers free again
        for _ in range(20):
            peak = max(peak, rss(process.pid))
            time.sleep(0.05)
        good = urllib.request.urlopen(
            url + "/sparql?" + urllib.parse.urlencode({"query": COUNT}), timeout=60
        )
        assert good.read().count(str(len(graph)).encode()) == 1
        process.terminate()  # stopped while the 8 are still connected: no traceback
        process.wait(30)
        for client in clients:
            client.close()
    print(f"HTTP process peak RSS with 8 never-reading clients: {peak / 2**20:.0f} MiB")
    assert 0 < peak < HTTP_MEMORY_BOUND
    assert "Traceback" not in "".join(log)


def test_a_client_that_stops_reading_is_dropped(published: tuple[Path, Graph]) -> None:
    settings = ServerSettings.for_publication(
        published[0], port=0, quiet=True, workers=1, send_timeout=2.0
    )
    with running(settings) as server:
        parts = urllib.parse.urlsplit(server.url)
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect((parts.hostname or "", parts.port or 0))
        query = urllib.parse.urlencode({"query": BIG_ANSWER})
        client.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        client.settimeout(300)
        received = len(client.recv(4096))  # the answer is computed and being sent: stop reading
        # Each round leaves the client silent for three send timeouts, then drains what arrived:
        # a loaded server may act late, never wrongly (a drained round lets it go on).
        closed = False
        for _ in range(10):
            time.sleep(3 * settings.send_timeout)
            client.setblocking(False)
            try:
                while chunk := client.recv(1 << 20):
                    received += len(chunk)
                closed = True  # the server closed after what it had sent
            except BlockingIOError:
                continue
            except ConnectionResetError:
                closed = True  # dropped with a reset: what an abort sends
            break
        assert closed, "the connection is still open"
        client.close()
        assert received < 64 * 1024**2  # far from the whole answer
        assert_still_answers(server, published[1])


# --- 6. symlinks ------------------------------------------------------------------------------


def test_a_symlink_out_of_the_site_serves_nothing_in_any_format(
    published: tuple[Path, Graph], tmp_path: Path
) -> None:
    outside = tmp_path / "secret.ttl"
    outside.write_text("<urn:secret> <urn:is> <urn:outside> .\n")
    site = tmp_path / "site"
    (site / "id").mkdir(parents=True)
    for name in ("index.html", "dumps"):
        (site / name).symlink_to(published[0] / "site" / name)
    (site / "id" / "evil.ttl").symlink_to(outside)
    settings = ServerSettings(site, published[0] / "heze-ip-kg.nt", port=0, quiet=True, workers=1)
    with running(settings) as server:
        for suffix in (".ttl", ".nt", ".jsonld", ".html", ""):
            status, _, body = fetch(server, "/id/evil" + suffix, "text/turtle")
            assert status == 404, suffix
            assert b"secret" not in body


# --- 7. starvation ---------------------------------------------------------------------------


def as_client(server: Server, name: str, query: str) -> tuple[int, bytes, float]:
    """``query`` sent as the client ``name`` (the X-Forwarded-For a proxy would set)."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    started = time.monotonic()
    connection.request(
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "text/csv", "X-Forwarded-For": name},
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, time.monotonic() - started


def test_short_queries_answer_while_runaway_ones_run(
    published: tuple[Path, Graph],
) -> None:
    settings = ServerSettings.for_publication(
        published[0], port=0, quiet=True, workers=2, query_timeout=20.0
    )
    with running(settings) as server:
        stop = threading.Event()
        runaway_statuses: list[int] = []

        def runaway(name: str) -> None:
            while not stop.is_set():
                runaway_statuses.append(as_client(server, name, RUNAWAY)[0])

        bad = [threading.Thread(target=runaway, args=(f"10.0.0.{n}",)) for n in range(4)]
        for thread in bad:
            thread.start()
        busy_workers(server, 2)
        good = [as_client(server, f"10.0.1.{n % 4}", COUNT) for n in range(12)]
        stop.set()
        for thread in bad:
            thread.join(60)
    expected = f"n\r\n{len(published[1])}\r\n".encode()
    assert [(status, body) for status, body, _ in good] == [(200, expected)] * 12
    # None waited for a runaway query to use up its 20 s.
    assert max(seconds for _, _, seconds in good) < settings.query_timeout
    assert runaway_statuses
    assert set(runaway_statuses) == {503}


def test_queries_of_clients_that_left_are_stopped(published: tuple[Path, Graph]) -> None:
    settings = ServerSettings.for_publication(
        published[0], port=0, quiet=True, workers=2, query_timeout=30.0
    )
    with running(settings) as server:
        parts = urllib.parse.urlsplit(server.url)
        restarts = server.pool.restarts
        query = urllib.parse.urlencode({"query": RUNAWAY})
        clients = []
        for _ in range(10):
            client = socket.create_connection((parts.hostname or "", parts.port or 0))
            client.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            clients.append(client)
        busy_workers(server, 2)  # two run, eight wait
        for client in clients:
            client.close()
        deadline = time.monotonic() + 15  # half the time limit: not waited out
        while (server.pool.busy() or server.pool.waiting()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.pool.busy() == []
        assert server.pool.waiting() == 0
        assert server.pool.restarts > restarts  # the started ones were killed, not waited for
        assert_still_answers(server, published[1])


# --- 9. long paths and bodies where none are expected ----------------------------------------


def test_very_long_paths_are_answered_without_a_traceback(published: tuple[Path, Graph]) -> None:
    log: list[str] = []
    with served(published[0], "--workers", "1", log=log) as (url, _):
        parts = urllib.parse.urlsplit(url)
        for length, status in ((40_000, 404), (65_000, 404), (70_000, 414), (150_000, 414)):
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            connection.request("GET", "/" + "a" * length)
            response = connection.getresponse()
            response.read()
            connection.close()
            assert response.status == status, length
        # Past the largest request head uvicorn reads (128 KiB), it answers 400 and closes at
        # once, so a client still sending may meet a reset instead.
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            connection.request("GET", "/" + "a" * 10**6)
            assert connection.getresponse().status == 400
        except ConnectionError:
            pass
        connection.close()
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        connection.request("GET", "/index.html")
        assert connection.getresponse().status == 200
    assert "Traceback" not in "".join(log)


class _Unclosed(io.BufferedReader):
    def close(self) -> None:
        pass  # http.client closes its reader after each response; the next one needs it


class _Shared:
    """One buffered reader for several ``http.client`` responses on one connection."""

    def __init__(self, client: socket.socket) -> None:
        self.stream = _Unclosed(socket.SocketIO(client, "rb"))  # type: ignore[arg-type]

    def makefile(self, mode: str) -> Any:
        return self.stream


def test_a_get_or_options_body_is_not_read_as_the_next_request(server: Server) -> None:
    parts = urllib.parse.urlsplit(server.url)
    smuggled = b"GET /dumps/void.ttl HTTP/1.1\r\nHost: x\r\n\r\n"
    answers = []
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=30) as client:
        for method in (b"OPTIONS /sparql", b"GET /index.html"):
            length = str(len(smuggled)).encode()
            client.sendall(method + b" HTTP/1.1\r\nHost: x\r\nContent-Length: " + length)
            client.sendall(b"\r\n\r\n" + smuggled)
        client.sendall(b"GET /no-such-page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        shared = _Shared(client)
        for _ in range(3):
            response = http.client.HTTPResponse(shared)  # type: ignore[arg-type]
            response.begin()
            answers.append((response.status, response.read()))
        assert client.recv(1) == b""  # nothing more: the smuggled request was never answered
    assert [status for status, _ in answers] == [204, 200, 404]
    assert b"void:Dataset" not in b"".join(body for _, body in answers)


def test_fifty_mixed_clients_every_good_answer_right(published: tuple[Path, Graph]) -> None:
    """The benchmark's mix, shorter: no good query wrong or refused while bad ones run.

    Its latency target (p99) is measured by ``make bench`` (bench/endpoint.py), not here.
    """
    with served(published[0]) as (url, _):
        report = run_mix(url, clients=50, bad_share=0.3, seconds=15)
    print(report.markdown(50, 15))
    assert report.wrong == []
    assert set(report.good_statuses) == {200}
    assert len(report.good) > 100
    assert report.bad["runaway"] > 0
    assert report.bad["abandoned"] > 0
