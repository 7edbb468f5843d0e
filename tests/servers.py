"""Real SPARQL servers for the tests, on 127.0.0.1 and free ports, stopped by their PID."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "data" / "virtuoso.ini.template"


@dataclass(frozen=True)
class Server:
    """Where a running server answers."""

    name: str
    query: str
    update: str
    store: str | None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answers; an error status still means the server is up
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer {url} within {seconds}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    """``oxigraph serve`` with a store in ``folder``."""
    binary = oxigraph_binary()
    assert binary, "oxigraph is a dev dependency: run make test"
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query?query=ASK%7B%7D", process, 30, log)
        yield Server("oxigraph-server", f"{base}/query", f"{base}/update", f"{base}/store")
    finally:
        _stop(process)


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Server]:
    """A fresh Virtuoso database in ``folder``; the new database's dba password is dba."""
    binary = virtuoso_binary()
    assert binary, "virtuoso-t not installed (Debian package virtuoso-opensource)"
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        string.Template(TEMPLATE.read_text()).substitute(
            dir=folder, http_port=http_port, sql_port=sql_port
        )
    )
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait(f"{base}/sparql?query=ASK%7B%7D", process, 120, log)
        yield Server(
            "virtuoso",
            f"{base}/sparql",
            f"{base}/sparql-auth",
            None,
            user="dba",
            password="dba",
            auth="digest",
        )
    finally:
        _stop(process)
