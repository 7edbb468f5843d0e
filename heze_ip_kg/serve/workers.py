"""The server's side of the zygote and its workers: start, fork, talk to, stop.

``Zygote`` starts ``heze_ip_kg.serve.zygote`` and waits for its store; ``fork_now`` gets a
worker before the event loop runs, ``fork`` once it does. A ``Worker`` is a process the server
did not start itself (the zygote did), so it is signalled through a pidfd where the kernel has
them: a pid reused after the worker ended can never be hit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heze_ip_kg.errors import InputError
from heze_ip_kg.serve.wire import END, HEADER, QUERY, json_frame
from heze_ip_kg.serve.zygote import SANDBOX_FAILED

STARTUP_SECONDS = 300.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_HAS_PROC = os.path.isdir("/proc/self")
ExitStatus = tuple[int | None, int | None]  # (signal, exit code)


class Worker:
    """One forked query worker: its pid, its socket, and how it ended (once it has)."""

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.channel = channel
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux, or already gone
            self._pidfd = None
        self.ended: asyncio.Future[ExitStatus] | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.long = False  # it ran a query past the short limit (and was reniced)
        self._born = time.monotonic()
        self._cpu = 0.0  # the last CPU time read (kept once the process is gone)

    async def streams(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_unix_connection(sock=self.channel)
        return self.reader, self.writer

    def signal(self, signum: int) -> None:
        try:
            if self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signum)
            else:
                os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.signal(signal.SIGKILL)

    def cpu_seconds(self) -> float:
        """The CPU time the worker has used (Linux ``/proc``; elsewhere the time it has lived,
        which only overstates it)."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            self._cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            if not _HAS_PROC:
                self._cpu = time.monotonic() - self._born
        return self._cpu

    def lower_priority(self, niceness: int) -> None:
        """Let the CPU go to other queries first (it cannot be raised back: it is retired)."""
        self.long = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, niceness)

    def close(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except RuntimeError:  # its event loop has ended
                self.channel.close()
        else:
            self.channel.close()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def ended_because(status: ExitStatus) -> str:
    """What an unexpected end of a worker means for the query it was running."""
    signum, code = status
    if signum in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL):
        return f"the query crashed the query engine ({signal.Signals(signum).name})"
    if signum == signal.SIGABRT:  # the engine aborts when an allocation fails under the limit
        return "the query was stopped: it ran out of its memory budget"
    if code == SANDBOX_FAILED:
        return "the query worker could not be sandboxed"
    if signum is not None:
        return f"the query worker was stopped ({signal.Signals(signum).name})"
    return f"the query worker ended unexpectedly (exit code {code})"


class Zygote:
    """The zygote process for ``dump``; forks workers with ``memory_bytes`` each."""

    def __init__(self, dump: Path, memory_bytes: int, quiet: bool) -> None:
        self.dump = dump
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "heze_ip_kg.serve.zygote",
                str(dump),
                str(theirs.fileno()),
                str(memory_bytes),
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if quiet else None,
        )
        theirs.close()
        self.control = ours
        self.exits: dict[int, ExitStatus] = {}  # ends seen before anyone asked
        self.on_exit: Callable[[int, ExitStatus], None] | None = None
        self._forks: deque[asyncio.Future[tuple[int, socket.socket]]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.triples = self._wait_ready()

    def _receive(self) -> tuple[dict[str, Any], list[int]] | None:
        packet, fds, _, _ = socket.recv_fds(self.control, 65536, 1)
        if not packet:
            return None
        return json.loads(packet), fds

    def _wait_ready(self) -> int:
        self.control.settimeout(STARTUP_SECONDS)
        try:
            received = self._receive()
        except (TimeoutError, OSError):
            received = None
        if received is None or "ready" not in received[0]:
            reason = received[0].get("error", "") if received else "it did not start"
            self.close()
            raise InputError(f"{self.dump}: the SPARQL workers could not load it ({reason})")
        return int(received[0]["triples"])

    def _handle(self, message: dict[str, Any], fds: list[int]) -> tuple[int, socket.socket] | None:
        if "exited" in message:
            status: ExitStatus = (message.get("signal"), message.get("code"))
            if self.on_exit is not None:
                self.on_exit(int(message["exited"]), status)
            else:
                self.exits[int(message["exited"])] = status
            return None
        return int(message["forked"]), socket.socket(fileno=fds[0])

    def fork_now(self) -> Worker:
        """A new worker, waiting for it (before the event loop runs), checked to answer."""
        self.control.sendall(json.dumps({"fork": True}).encode())
        while True:
            received = self._receive()
            if received is None:
                raise InputError(f"{self.dump}: the SPARQL worker process ended")
            forked = self._handle(*received)
            if forked is not None:
                worker = Worker(*forked)
                self._check(worker)
                return worker

    def _check(self, worker: Worker) -> None:
        """Ask the new worker a trivial query; if it cannot answer, say why it ended."""
        request = {"query": "ASK {}", "max_rows": 1, "max_bytes": 1024, "accept": None}
        worker.channel.settimeout(STARTUP_SECONDS)
        try:
            worker.channel.sendall(json_frame(QUERY, request))
            answer = worker.channel.makefile("rb")
            while header := answer.read(HEADER.size):
                kind, length = HEADER.unpack(header)
                answer.read(length)
                if kind == END:
                    worker.channel.settimeout(None)
                    return
        except OSError:
            pass
        while worker.pid not in self.exits:
            received = self._receive()
            if received is None:
                break
            self._handle(*received)
        status = self.exits.get(worker.pid, (None, None))
        raise InputError(f"{self.dump}: {ended_because(status)}")

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle the zygote's messages in ``loop`` from now on."""
        self._loop = loop
        self.control.setblocking(False)
        loop.add_reader(self.control.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            received = self._receive()
        except BlockingIOError:
            return
        if received is None:  # the zygote died: nothing more can be forked
            assert self._loop is not None
            self._loop.remove_reader(self.control.fileno())
            while self._forks:
                self._forks.popleft().set_exception(OSError("the zygote has ended"))
            return
        forked = self._handle(*received)
        if forked is not None and self._forks:
            self._forks.popleft().set_result(forked)

    async def fork(self) -> Worker:
        """A new worker, once the event loop runs."""
        assert self._loop is not None
        future: asyncio.Future[tuple[int, socket.socket]] = self._loop.create_future()
        self._forks.append(future)
        self.control.send(json.dumps({"fork": True}).encode())
        return Worker(*(await future))

    def close(self) -> None:
        """Stop the zygote; its workers die with it."""
        if self._loop is not None and not self.control._closed:  # type: ignore[attr-defined]
            self._loop.remove_reader(self.control.fileno())
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


__all__ = ["ExitStatus", "Worker", "Zygote", "ended_because"]
