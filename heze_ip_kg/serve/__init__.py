"""``heze-ip-kg serve``: the published site on loopback, with content negotiation and SPARQL.

The server reads only what ``publish`` wrote: the site folder and the N-Triples dump. It binds
to a loopback address only — to publish on the web, put a reverse proxy in front of it
(docs/security.md says how and what the server refuses).
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from rdflib import Graph, URIRef

from heze_ip_kg.dumps import DUMP_NAME, serialize
from heze_ip_kg.errors import InputError
from heze_ip_kg.namespaces import VOID
from heze_ip_kg.publish.dataset import DATASET, add_endpoint
from heze_ip_kg.serve.handler import SiteHandler
from heze_ip_kg.serve.pool import QueryLimits, QueryPool

LOOPBACK_NAMES = ("localhost",)


@dataclass(frozen=True)
class ServerSettings:
    """Where the publication is and what the server allows (the defaults are the CLI's)."""

    site: Path
    dump: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    query_timeout: float = 10.0
    max_rows: int = 10_000
    worker_memory_bytes: int = 2 * 1024**3
    max_request_bytes: int = 256 * 1024
    max_query_chars: int = 64 * 1024
    max_query_depth: int = 64
    quiet: bool = False
    limits: QueryLimits = field(init=False)

    def __post_init__(self) -> None:
        limits = QueryLimits(self.query_timeout, self.max_rows, self.worker_memory_bytes)
        object.__setattr__(self, "limits", limits)

    @classmethod
    def for_publication(cls, out_dir: Path, **options: Any) -> ServerSettings:
        """Settings for what ``publish -o OUT_DIR`` wrote."""
        return cls(site=out_dir / "site", dump=out_dir / f"{DUMP_NAME}.nt", **options)


def _check_loopback(host: str) -> None:
    if host in LOOPBACK_NAMES:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InputError(
            f"--host {host}: serve binds to loopback only; put a reverse proxy in front "
            "(docs/security.md)"
        )


class HezeServer(ThreadingHTTPServer):
    """A threading HTTP server holding the settings, the query pool and the served VoID."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 resets connections when many clients connect at once

    def __init__(self, settings: ServerSettings, pool: QueryPool) -> None:
        self.settings = settings
        self.site = settings.site.resolve()
        self.pool = pool
        if ":" in settings.host:
            self.address_family = socket.AF_INET6
        super().__init__((settings.host, settings.port), SiteHandler)
        port = self.server_address[1]
        shown = f"[{settings.host}]" if ":" in settings.host else settings.host
        self.url = f"http://{shown}:{port}"
        published = (self.site / "dumps" / "void.ttl").read_bytes()
        void = Graph().parse(data=published, format="turtle")
        if (URIRef(DATASET), VOID.sparqlEndpoint, None) in void:
            self.void_turtle = published  # publish --sparql-endpoint named the public one
        else:
            self.void_turtle = serialize(add_endpoint(void, self.url + "/sparql"), "ttl")

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(settings: ServerSettings) -> HezeServer:
    """A bound server with its query workers started; call ``serve_forever`` on it."""
    _check_loopback(settings.host)
    if not (settings.site / "index.html").is_file():
        raise InputError(f"{settings.site}: no published site here (run heze-ip-kg publish)")
    if not (settings.site / "dumps" / "void.ttl").is_file():
        raise InputError(f"{settings.site}/dumps/void.ttl: missing (run heze-ip-kg publish)")
    pool = QueryPool(settings.dump, settings.workers, settings.limits, quiet=settings.quiet)
    try:
        return HezeServer(settings, pool)
    except OSError as err:
        pool.close()
        raise InputError(
            f"{settings.host}:{settings.port}: cannot listen ({err.strerror})"
        ) from None


def run_server(settings: ServerSettings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the workers."""
    server = make_server(settings)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(
        f"serving {settings.site} at {server.url}/ (SPARQL: {server.url}/sparql)", file=sys.stderr
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


__all__ = ["HezeServer", "ServerSettings", "make_server", "run_server"]
