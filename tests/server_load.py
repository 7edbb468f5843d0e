"""A bounded concurrent load on ``heze-ip-kg serve``: well-formed and hostile requests mixed.

Every answer is checked against what it must be (the file's bytes, the 303 target, the exact
query result, the refusal), and the server's memory — its own process and its query workers —
is sampled throughout. Used by tests/test_serve_hostile.py, and runnable for the README's figures:

    .venv/bin/python -m tests.server_load --dist dist --clients 20 --requests 10000
"""

from __future__ import annotations

import argparse
import http.client
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TASK = "/id/heze-ip-plan-14fyp/part-2/task-area-1/task-2"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_ATTEMPTS = 5


@dataclass
class LoadReport:
    """What the load did and found."""

    requests: int = 0
    wrong: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    peak_rss_bytes: int = 0
    retries: int = 0

    def markdown(self, clients: int) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        return (
            f"{self.requests} requests from {clients} clients in {self.seconds:.1f} s "
            f"({self.requests / self.seconds:.0f}/s); wrong answers: {len(self.wrong)}; "
            f"peak memory (server and workers, RSS): {self.peak_rss_bytes / 2**20:.0f} MiB; "
            f"retried after a 503 with Retry-After: {self.retries}; "
            f"mix: {kinds}"
        )


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` and its children, in bytes (Linux /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except FileNotFoundError:
            continue
    return total


@contextmanager
def served(
    dist: Path, *args: str, log: list[str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``heze-ip-kg serve`` on a free port in its own process: its URL and the process.

    Stopped afterwards with SIGTERM (``returncode`` then tells how it ended); what it wrote on
    stderr after its first line is collected in ``log``.
    """
    command = [
        sys.executable,
        "-m",
        "heze_ip_kg",
        "serve",
        "-d",
        str(dist),
        "--port",
        "0",
        "--quiet",
        *args,
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    said = [] if log is None else log
    # Keep reading what the server says, so that its pipe never fills and blocks it.
    drain = threading.Thread(target=lambda: said.extend(process.stderr or []), daemon=True)
    try:
        line = process.stderr.readline() if process.stderr else ""
        if " at " not in line:
            raise RuntimeError(f"serve did not start: {line}")
        drain.start()
        yield line.split(" at ")[1].split("/ ")[0], process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if drain.is_alive():
            drain.join(10)
        if said and log is None:
            print("serve said:", "".join(said[-40:]), file=sys.stderr)


Check = tuple[str, str, str, dict[str, str], bytes, Callable[[int, dict[str, str], bytes], bool]]


def _checks(dist: Path, triples: int) -> list[tuple[int, Check]]:
    """Weighted request kinds: (weight, (kind, method, path, headers, body, is_right))."""
    site = dist / "site"
    index = (site / "index.html").read_bytes()
    ttl = (site / (TASK[1:] + ".ttl")).read_bytes()
    count = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    csv = {"Accept": "text/csv"}

    def query(text: str) -> str:
        return "/sparql?" + urllib.parse.urlencode({"query": text})

    return [
        (30, ("page", "GET", "/index.html", {}, b"", lambda s, h, b: s == 200 and b == index)),
        (
            15,
            (
                "negotiate",
                "GET",
                TASK,
                {"Accept": "text/turtle"},
                b"",
                lambda s, h, b: s == 303 and h.get("location") == TASK + ".ttl",
            ),
        ),
        (10, ("turtle", "GET", TASK + ".ttl", {}, b"", lambda s, h, b: s == 200 and b == ttl)),
        (
            25,
            (
                "sparql-get",
                "GET",
                "/sparql?" + count,
                csv,
                b"",
                lambda s, h, b: s == 200 and b == f"n\r\n{triples}\r\n".encode(),
            ),
        ),
        (
            10,
            (
                "sparql-post",
                "POST",
                "/sparql",
                {**form, **csv},
                count.encode(),
                lambda s, h, b: s == 200 and b == f"n\r\n{triples}\r\n".encode(),
            ),
        ),
        (
            3,
            (
                "update",
                "GET",
                query("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
                {},
                b"",
                lambda s, h, b: s == 403,
            ),
        ),
        (
            2,
            (
                "service",
                "GET",
                query("SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }"),
                {},
                b"",
                lambda s, h, b: s == 403,
            ),
        ),
        (2, ("traversal", "GET", "/%2e%2e/%2e%2e/etc/passwd", {}, b"", lambda s, h, b: s == 404)),
        (2, ("malformed", "GET", query("SELECT * WHERE { ?s"), {}, b"", lambda s, h, b: s == 400)),
        (
            1,
            (
                "huge-offset",
                "GET",
                query("SELECT ?s ?p ?o { ?s ?p ?o } OFFSET 999999999999"),
                csv,
                b"",
                lambda s, h, b: s == 200 and b == b"s,p,o\r\n",
            ),
        ),
    ]


def run_load(
    url: str,
    pid: int,
    dist: Path,
    triples: int,
    clients: int,
    requests: int,
    runaways: int = 0,
    seed: int = 1,
) -> LoadReport:
    """``requests`` requests from ``clients`` threads (plus ``runaways`` from one more)."""
    checks = _checks(dist, triples)
    rng = random.Random(seed)
    plan = rng.choices([c for _, c in checks], weights=[w for w, _ in checks], k=requests)
    report = LoadReport()
    lock = threading.Lock()
    host, port = urllib.parse.urlsplit(url).hostname or "", urllib.parse.urlsplit(url).port
    done = threading.Event()

    def client(share: list[Check]) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        for kind, method, path, headers, body, is_right in share:
            for attempt in range(MAX_ATTEMPTS):
                try:
                    connection.request(method, path, body=body or None, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    answer = (response.status, {k.lower(): v for k, v in response.getheaders()})
                except (OSError, http.client.HTTPException) as err:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=120)
                    answer, payload = (0, {"error": repr(err)}), b""
                # A server too busy says so (503 with Retry-After): a polite client waits and
                # asks again, and only its last answer is judged.
                busy = answer[0] == 503 and "retry-after" in answer[1]
                if not busy or attempt == MAX_ATTEMPTS - 1:
                    break
                with lock:
                    report.retries += 1
                time.sleep(float(answer[1]["retry-after"]))
            with lock:
                report.requests += 1
                report.kinds[kind] += 1
                if not is_right(answer[0], answer[1], payload):
                    detail = answer[1].get("error") or payload[:80]
                    report.wrong.append(f"{kind}: {answer[0]} {detail!r}")
            if answer[1].get("connection") == "close":
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
        connection.close()

    def runaway() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        for _ in range(runaways):
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
            response = connection.getresponse()
            response.read()
            with lock:
                report.requests += 1
                report.kinds["runaway"] += 1
                if response.status != 503:
                    report.wrong.append(f"runaway: {response.status}")

    def sample() -> None:
        while not done.is_set():
            report.peak_rss_bytes = max(report.peak_rss_bytes, _rss(pid))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(plan[i::clients],)) for i in range(clients)]
    threads.append(threading.Thread(target=runaway))
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runaways", type=int, default=5)
    args = parser.parse_args()
    triples = sum(1 for _ in (args.dist / "heze-ip-kg.nt").open("rb"))
    with served(args.dist, "--timeout", "2") as (url, process):
        report = run_load(
            url, process.pid, args.dist, triples, args.clients, args.requests, args.runaways
        )
    print(report.markdown(args.clients))
    for line in report.wrong[:20]:
        print("WRONG", line)
    return 1 if report.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
