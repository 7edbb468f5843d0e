"""The zygote: loads the store once, then forks sandboxed query workers from it on request.

A worker stopped for its time limit, a crash or a client that left is replaced by a fork of
the loaded store — milliseconds, whatever the graph's size — and the workers share the store's
memory with the zygote until they write to it (they never do). The zygote itself runs no query.

The server and the zygote talk over a ``SOCK_SEQPACKET`` socket, one JSON message a packet:
``{"fork": true}`` asks for a worker; the zygote answers ``{"ready": true, "triples": N}`` once
the store is loaded, ``{"forked": PID}`` with the worker's socket attached (``SCM_RIGHTS``),
and ``{"exited": PID, "signal": S, "code": C}`` whenever a worker ends. Both the zygote and its
workers die with their parent.

Run as ``python -m heze_ip_kg.serve.zygote DUMP.nt CONTROL_FD MEMORY_BYTES``.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
from pathlib import Path
from typing import Any

SANDBOX_FAILED = 70  # a worker's exit code when its sandbox could not be installed


def _send(control: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    socket.send_fds(control, [json.dumps(message).encode("utf-8")], fds or [])


def _reap(control: socket.socket) -> None:
    """Report every worker that has ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        stopped_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        _send(control, {"exited": pid, "signal": stopped_by, "code": code})


def _fork_worker(store: Any, control: socket.socket, memory: int, wakeup: tuple[int, int]) -> None:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (control.fileno(), ours.fileno(), *wakeup):
                os.close(fd)
            from heze_ip_kg.serve import sandbox, worker  # imported by the zygote already

            try:
                sandbox.die_with_parent()
                sandbox.limit_memory(memory + worker.STACK_BYTES)
                sandbox.deny_network()
            except OSError as err:
                print(f"query worker: no sandbox: {err}", file=sys.stderr)
                code = SANDBOX_FAILED
            else:
                worker.run(store, theirs)
        except BaseException:  # nothing may return into the zygote's loop
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    _send(control, {"forked": pid}, [ours.fileno()])
    ours.close()


def main(argv: list[str]) -> int:
    import pyoxigraph as ox

    from heze_ip_kg.serve import sandbox, worker  # noqa: F401 - loaded once, for every fork

    dump, control_fd, memory = Path(argv[0]), int(argv[1]), int(argv[2])
    control = socket.socket(fileno=control_fd)
    sandbox.die_with_parent()
    store = ox.Store()
    try:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    except (OSError, SyntaxError, ValueError) as err:
        _send(control, {"error": str(err).strip().splitlines()[0]})
        return 2
    _send(control, {"ready": True, "triples": len(store)})
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    while True:
        readable = select.select([control.fileno(), wake_read], [], [])[0]
        if wake_read in readable:
            os.read(wake_read, 4096)
            _reap(control)
        if control.fileno() in readable:
            try:
                packet = control.recv(65536)
            except ConnectionError:
                packet = b""
            if not packet:
                return 0  # the server has gone: the workers die with us
            if json.loads(packet).get("fork"):
                _fork_worker(store, control, memory, (wake_read, wake_write))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
