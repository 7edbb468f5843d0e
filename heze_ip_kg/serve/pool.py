"""Query workers shared fairly between clients, with a time limit and a spool per answer.

- **Time**: a query past ``timeout`` seconds is stopped by killing its worker (pyoxigraph cannot
  cancel a query); the zygote forks a replacement at once.
- **Fairness** (``fairness``): each client (its address; behind a proxy, the
  ``X-Forwarded-For`` the proxy sets) has its own queue, and a free worker takes the next query
  of the client that has used the least CPU lately. A query past ``short_seconds`` of CPU is
  *long*: its worker yields the CPU (a lower priority) and is retired after it; and while
  queries of a clearly lighter client wait for a worker, the long query of the heaviest client
  is stopped (503, ``Retry-After``) to make room. Short queries therefore keep answering while
  runaway ones run.
- **Memory**: an answer is read from its worker as it is written and spooled — in memory up
  to ``SPOOL_MEMORY_BYTES``, on disk beyond — so the worker is free again at once and a client
  that reads slowly, or not at all, holds a bounded amount of the server's memory.
- **The same query again** (``answer_cache``): a ``200`` answer is given again without a
  worker, to new requests and to identical ones still queued.
- **Clients that leave**: cancelling ``execute`` (the HTTP side does when the client
  disconnects) takes a waiting query off its queue or kills the worker running it.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from heze_ip_kg.serve.answer_cache import AnswerCache
from heze_ip_kg.serve.answers import SPOOL_MEMORY_BYTES, Answer, QueryLimits
from heze_ip_kg.serve.fairness import Fairness
from heze_ip_kg.serve.protocol import QueryRequest
from heze_ip_kg.serve.wire import DATA, END, HEADER, QUERY, RESET, json_frame
from heze_ip_kg.serve.workers import ExitStatus, Worker, Zygote, ended_because

LONG_NICENESS = 10
WATCH_SECONDS = 0.1  # how often running queries' CPU time is looked at
EXIT_REPORT_SECONDS = 5.0  # how long to wait for the zygote to say how a worker ended


@dataclass(eq=False)
class _Job:
    request: QueryRequest
    client: str
    answer: asyncio.Future[Answer]
    queued: float
    started: float = 0.0
    cpu_started: float = 0.0
    long: bool = False  # it has used more than short_seconds of CPU
    worker: Worker | None = None
    stop_reason: str | None = None  # why the pool killed its worker
    timers: list[asyncio.TimerHandle] = field(default_factory=list)


class QueryPool:
    """``workers`` query workers over the N-Triples file ``dump``, shared fairly."""

    def __init__(
        self,
        dump: Path,
        workers: int = 2,
        limits: QueryLimits | None = None,
        quiet: bool = False,
        *,
        check_queries: bool = True,
    ) -> None:
        from heze_ip_kg.errors import InputError

        if not dump.is_file():
            raise InputError(f"{dump}: no such N-Triples dump (run heze-ip-kg publish first)")
        self._closed = False
        self.check_queries = check_queries  # False only in the sandbox's tests
        self._idle: list[Worker] = []
        self._running: dict[Worker, _Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.limits = limits or QueryLimits()
        self.cache = AnswerCache(self.limits.answer_cache_bytes)
        self.zygote = Zygote(dump, self.limits.memory_bytes, quiet)
        self.triples = self.zygote.triples
        self.restarts = 0
        self.size = max(workers, 1)
        self._by_pid: dict[int, Worker] = {}
        try:
            for _ in range(self.size):
                self._add(self.zygote.fork_now())
        except BaseException:
            self.close()
            raise
        self._queues: dict[str, deque[_Job]] = {}
        self.fairness = Fairness()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watching = False

    # --- workers ---------------------------------------------------------------------------

    def _add(self, worker: Worker) -> None:
        self._by_pid[worker.pid] = worker
        self._idle.append(worker)

    def _attach(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self.zygote.on_exit = self._on_exit
            self.zygote.attach(self._loop)
            for pid, status in self.zygote.exits.items():
                self._on_exit(pid, status)
        return self._loop

    def _on_exit(self, pid: int, status: ExitStatus) -> None:
        worker = self._by_pid.pop(pid, None)
        if worker is None:
            return
        if worker.ended is not None and not worker.ended.done():
            worker.ended.set_result(status)
        if worker in self._idle:  # died idle (killed from outside): replace it
            self._idle.remove(worker)
            self._retire(worker)

    def _retire(self, worker: Worker) -> None:
        """Stop ``worker`` for good and fork its replacement."""
        worker.kill()
        worker.close()
        self.restarts += 1
        if not self._closed:
            self._background(self._replace())

    async def _replace(self) -> None:
        try:
            worker = await self.zygote.fork()
        except OSError:
            return  # the zygote has ended; the server is stopping or broken (logged by it)
        if self._closed:
            worker.kill()
            worker.close()
            return
        self._add(worker)
        self._dispatch()

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    # --- fair sharing ----------------------------------------------------------------------

    def _cpu_used(self, job: _Job) -> float:
        assert job.worker is not None
        return job.worker.cpu_seconds() - job.cpu_started

    def usage(self, client: str) -> float:
        """CPU seconds ``client`` used lately (decayed), counting its running queries."""
        running = sum(self._cpu_used(j) for j in self._running.values() if j.client == client)
        return self.fairness.usage(client) + running

    def _dispatch(self) -> None:
        while self._idle and self._queues:
            usage = {c: self.usage(c) for c in self._queues}
            client = min(self._queues, key=lambda c: (usage[c], self._queues[c][0].queued))
            queue = self._queues[client]
            job = queue.popleft()
            if not queue:
                del self._queues[client]
            self._start(job, self._idle.pop())

    async def _watch(self) -> None:
        """While queries run: mark those past ``short_seconds`` of CPU long (their workers
        yield the CPU), and make room for lighter clients' waiting queries."""
        try:
            while self._running and not self._closed:
                for job in list(self._running.values()):
                    if not job.long and self._cpu_used(job) >= self.limits.short_seconds:
                        job.long = True
                        assert job.worker is not None
                        job.worker.lower_priority(LONG_NICENESS)
                self._make_room()
                await asyncio.sleep(WATCH_SECONDS)
        finally:
            self._watching = False

    def _make_room(self) -> None:
        """Stop the heaviest client's long query if a clearly lighter client is waiting.

        Long means CPU used, not time passed: on a busy machine every query takes longer, and
        a short one that waited for the CPU is no reason to stop it.
        """
        if self._idle or not self._queues:
            return
        long_jobs = [j for j in self._running.values() if j.stop_reason is None and j.long]
        if not long_jobs:
            return
        usage = {c: self.usage(c) for c in {*self._queues, *(j.client for j in long_jobs)}}
        lightest = min(usage[c] for c in self._queues)
        victim = max(long_jobs, key=lambda j: (usage[j.client], -j.started))
        if self.fairness.clearly_heavier(usage[victim.client], lightest, self.limits):
            seconds = time.monotonic() - victim.started
            victim.stop_reason = (
                f"the query was stopped after {seconds:.1f} s to let other clients' queries "
                "run; try again later"
            )
            assert victim.worker is not None
            victim.worker.kill()

    # --- running a query -------------------------------------------------------------------

    async def execute(self, request: QueryRequest, client: str = "") -> Answer:
        """Run ``request`` for ``client``; cancelling this stops it."""
        loop = self._attach()
        kept = self.cache.get(request)
        if kept is not None:
            return kept
        queue = self._queues.setdefault(client, deque())
        if len(queue) >= self.limits.queued_per_client:
            return Answer.text(
                503,
                "too many queries from this client are waiting; try again shortly",
                retry_after=True,
            )
        job = _Job(request, client, loop.create_future(), time.monotonic())
        queue.append(job)
        job.timers.append(loop.call_later(self.limits.wait_seconds, self._expire, job))
        self._dispatch()
        self._make_room()
        try:
            return await asyncio.shield(job.answer)
        except asyncio.CancelledError:
            self._cancel(job)
            raise

    def _expire(self, job: _Job) -> None:
        queue = self._queues.get(job.client)
        if queue is not None and job in queue:
            queue.remove(job)
            if not queue:
                del self._queues[job.client]
            job.answer.set_result(
                Answer.text(503, "all query workers are busy; try again shortly", retry_after=True)
            )

    def _cancel(self, job: _Job) -> None:
        for timer in job.timers:
            timer.cancel()
        queue = self._queues.get(job.client)
        if queue is not None and job in queue:
            queue.remove(job)
            if not queue:
                del self._queues[job.client]
        elif job.worker is not None and job.stop_reason is None and not job.answer.done():
            job.stop_reason = "the client left"
            job.worker.kill()
        if job.answer.done() and not job.answer.cancelled():
            job.answer.result().close()

    def _start(self, job: _Job, worker: Worker) -> None:
        assert self._loop is not None
        for timer in job.timers:
            timer.cancel()
        job.started, job.worker = time.monotonic(), worker
        job.cpu_started = worker.cpu_seconds()
        job.timers = []
        self._running[worker] = job
        self._background(self._run(job, worker))
        if not self._watching:
            self._watching = True
            self._background(self._watch())

    async def _run(self, job: _Job, worker: Worker) -> None:
        assert self._loop is not None
        worker.ended = self._loop.create_future()
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 - sent later
        answer: Answer | None = None
        healthy = False
        try:
            async with asyncio.timeout_at(self._deadline(job)):
                end, length = await self._exchange(job, worker, spool)
            spool.seek(0)
            answer = Answer(
                int(end["status"]),
                str(end["content_type"]),
                spool,
                length,
                bool(end.get("truncated", False)),
                int(end.get("rows", 0)),
            )
            healthy = True
        except TimeoutError:
            worker.kill()
            message = f"the query was stopped: it ran past the {self.limits.timeout:g} s limit"
            answer = Answer.text(503, message, retry_after=True)
        except (OSError, EOFError, asyncio.IncompleteReadError, ValueError):
            answer = await self._ended(job, worker)
        finally:
            for timer in job.timers:
                timer.cancel()
            self.fairness.charge(job.client, self._cpu_used(job))
            self._running.pop(worker, None)
            if answer is None or answer.body is not spool:
                spool.close()
            if healthy and not worker.long:
                self._idle.append(worker)
            else:
                self._retire(worker)
            if answer is not None and self.cache.put(job.request, answer):
                self._answer_waiting(job.request)
            if answer is not None and not job.answer.done():
                job.answer.set_result(answer)
            elif answer is not None:
                answer.close()
            self._dispatch()

    def _answer_waiting(self, request: QueryRequest) -> None:
        """Answer every queued request identical to ``request`` from the cache."""
        for job in [j for q in self._queues.values() for j in q if j.request == request]:
            self._cancel(job)  # off its queue, its timers stopped
            kept = self.cache.get(request)  # just stored: an entry is a sixteenth at most
            assert kept is not None
            job.answer.set_result(kept)

    def _deadline(self, job: _Job) -> float:
        assert self._loop is not None
        return self._loop.time() + self.limits.timeout - (time.monotonic() - job.started)

    async def _exchange(
        self, job: _Job, worker: Worker, spool: IO[bytes]
    ) -> tuple[dict[str, Any], int]:
        """Send the query, spool the body; the END message and the body's length."""
        reader, writer = await worker.streams()
        message = {
            "query": job.request.query,
            "accept": job.request.accept,
            "formats": list(job.request.formats),
            "default_graph": list(job.request.default_graph),
            "named_graphs": list(job.request.named_graphs),
            "max_rows": self.limits.max_rows,
            "max_bytes": self.limits.max_answer_bytes,
            "base_iri": self.limits.base_iri,
            "check": {
                "max_chars": self.limits.max_query_chars,
                "max_depth": self.limits.max_query_depth,
                "seconds": self.limits.check_seconds,
            }
            if self.check_queries
            else None,
        }
        writer.write(json_frame(QUERY, message))
        await writer.drain()
        length = 0
        while True:
            kind, size = HEADER.unpack(await reader.readexactly(HEADER.size))
            payload = await reader.readexactly(size)
            if kind == END:
                return json.loads(payload), length
            if kind == RESET:
                spool.seek(0)
                spool.truncate()
                length = 0
                continue
            if kind != DATA or length > 2 * self.limits.max_answer_bytes:
                raise ValueError("the worker broke the protocol")
            spool.write(payload)
            length += size

    async def _ended(self, job: _Job, worker: Worker) -> Answer | None:
        """The answer for a query whose worker ended under it, by why it ended."""
        if job.stop_reason == "the client left":
            return None
        if job.stop_reason is not None:
            return Answer.text(503, job.stop_reason, retry_after=True)
        assert worker.ended is not None
        try:
            status = await asyncio.wait_for(asyncio.shield(worker.ended), EXIT_REPORT_SECONDS)
        except TimeoutError:
            status = (None, None)
        reason = ended_because(status)
        return Answer.text(503 if "memory" in reason else 500, reason)

    def busy(self) -> list[int]:
        """The pids of the workers running a query now."""
        return sorted(worker.pid for worker in self._running)

    def waiting(self) -> int:
        """How many queries wait for a worker."""
        return sum(len(queue) for queue in self._queues.values())

    def close(self) -> None:
        """Stop the zygote and every worker (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        for worker in [*self._idle, *self._running]:
            worker.kill()
            worker.close()
        self._idle.clear()
        self.zygote.close()


__all__ = ["Answer", "QueryLimits", "QueryPool"]
