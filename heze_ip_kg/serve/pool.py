"""A pool of SPARQL worker processes with a time limit per query.

Each worker (``heze_ip_kg.serve.worker``) holds its own copy of the store. A request borrows an
idle worker; if the answer is not back by the deadline the worker is killed, the client gets
503, and a fresh worker is started in the background — so a runaway query costs one worker for
a moment and never the server. At most ``workers`` queries run at once; a request waits up to
three times the time limit for a free worker, then gets 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heze_ip_kg.errors import InputError
from heze_ip_kg.serve.protocol import QueryRequest

STARTUP_SECONDS = 300.0


@dataclass(frozen=True)
class QueryLimits:
    """What one query may take: wall time, rows (or triples) returned and worker memory."""

    timeout: float = 10.0
    max_rows: int = 10_000
    memory_bytes: int = 2 * 1024**3


@dataclass(frozen=True)
class Answer:
    """An HTTP answer for the endpoint."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    rows: int = 0


class WorkerGoneError(Exception):
    """The worker died or timed out; it has been killed."""


def _text_answer(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


class _Worker:
    def __init__(self, dump: Path, memory_bytes: int, quiet: bool) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "heze_ip_kg.serve.worker", str(dump), str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if quiet else None,
            bufsize=0,
        )
        self._buffer = bytearray()

    def wait_ready(self, dump: Path) -> int:
        try:
            line = self._read_line(time.monotonic() + STARTUP_SECONDS)
        except WorkerGoneError:
            raise InputError(f"{dump}: the SPARQL worker could not load it as N-Triples") from None
        return int(json.loads(line)["triples"])

    def ask(self, request: QueryRequest, max_rows: int, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        message = {
            "query": request.query,
            "accept": request.accept,
            "formats": list(request.formats),
            "default_graph": list(request.default_graph),
            "named_graphs": list(request.named_graphs),
            "max_rows": max_rows,
        }
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        except OSError:
            self.kill()
            raise WorkerGoneError("died") from None
        header: dict[str, Any] = json.loads(self._read_line(deadline))
        body = self._read_exactly(int(header["length"]), deadline)
        return Answer(
            int(header["status"]),
            str(header["content_type"]),
            body,
            bool(header.get("truncated", False)),
            int(header.get("rows", 0)),
        )

    def _fill(self, deadline: float) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        remaining = deadline - time.monotonic()
        ready = select.select([fd], [], [], max(remaining, 0))[0] if remaining > 0 else []
        if not ready:
            self.kill()
            raise WorkerGoneError("timeout")
        chunk = os.read(fd, 1 << 20)
        if not chunk:  # end of file: the worker died (out of memory, or a crash)
            self.kill()
            raise WorkerGoneError("died")
        self._buffer += chunk

    def _read_line(self, deadline: float) -> bytes:
        while b"\n" not in self._buffer:
            self._fill(deadline)
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        return line

    def _read_exactly(self, length: int, deadline: float) -> bytes:
        while len(self._buffer) < length:
            self._fill(deadline)
        body, self._buffer = bytes(self._buffer[:length]), self._buffer[length:]
        return body

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class QueryPool:
    """``workers`` worker processes over the N-Triples file ``dump``."""

    def __init__(
        self, dump: Path, workers: int = 2, limits: QueryLimits | None = None, quiet: bool = False
    ) -> None:
        if not dump.is_file():
            raise InputError(f"{dump}: no such N-Triples dump (run heze-ip-kg publish first)")
        self.dump = dump
        self.limits = limits or QueryLimits()
        self.quiet = quiet
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.triples = 0
        self.restarts = 0
        started = [self._start() for _ in range(max(workers, 1))]
        try:
            for worker in started:
                self.triples = worker.wait_ready(dump)
                self._idle.put(worker)
        except InputError:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _Worker(self.dump, self.limits.memory_bytes, self.quiet)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
            self.restarts += 1
            if self._closed:
                return

        def start() -> None:
            worker = self._start()
            try:
                worker.wait_ready(self.dump)
            except InputError:
                return
            if self._closed:
                worker.kill()
            else:
                self._idle.put(worker)

        threading.Thread(target=start, daemon=True).start()

    def execute(self, request: QueryRequest) -> Answer:
        """Run ``request`` on an idle worker within the time limit."""
        try:
            # Long enough for a worker stopped by the limit to be replaced meanwhile.
            worker = self._idle.get(timeout=3 * self.limits.timeout)
        except queue.Empty:
            return _text_answer(503, "all query workers are busy; try again shortly")
        try:
            answer = worker.ask(request, self.limits.max_rows, self.limits.timeout)
        except WorkerGoneError as gone:
            self._replace(worker)
            if str(gone) == "timeout":
                reason = f"it ran past the {self.limits.timeout:g} s limit"
            else:
                reason = "it ran out of its memory budget"
            return _text_answer(503, f"the query was stopped: {reason}")
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


__all__ = ["Answer", "QueryLimits", "QueryPool"]
