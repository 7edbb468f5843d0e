"""The server: settings, the ASGI application's routes, and uvicorn running it on loopback.

The HTTP/1.1 connection handling — parsing, keep-alive, pipelining, flow control — is uvicorn's
(with its pure-Python h11 protocol, see ``connection``); what is ours is the routing, the site
jail (``site``), the endpoint (``endpoint``) and the query workers (``pool``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from heze_ip_kg.errors import InputError
from heze_ip_kg.rdfio.dumps import DUMP_NAME
from heze_ip_kg.serve import DEFAULT_WORKERS
from heze_ip_kg.serve.connection import GuardedH11Protocol
from heze_ip_kg.serve.endpoint import answer_sparql
from heze_ip_kg.serve.exchange import ClientGoneError, Exchange, Message, Receive, Scope, Send
from heze_ip_kg.serve.pool import QueryLimits, QueryPool
from heze_ip_kg.serve.site import Site
from heze_ip_kg.serve.sparql_syntax import DEFAULT_MAX_DEPTH
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

LOOPBACK_NAMES = ("localhost",)
MAX_TARGET_BYTES = 65_536  # the longest request target (path and query string) answered


@dataclass(frozen=True)
class ServerSettings:
    """Where the publication is and what the server allows (the defaults are the CLI's)."""

    site: Path
    dump: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = DEFAULT_WORKERS
    query_timeout: float = 10.0
    max_rows: int = 10_000
    worker_memory_bytes: int = 1024**3
    max_answer_bytes: int = 64 * 1024**2
    max_request_bytes: int = 256 * 1024
    max_query_chars: int = 64 * 1024
    max_query_depth: int = DEFAULT_MAX_DEPTH
    short_query_seconds: float = 0.5
    answer_cache_bytes: int = 64 * 1024**2  # answers kept for identical queries (0: none)
    max_connections: int = 256
    send_timeout: float = 30.0
    header_timeout: float = 20.0
    base_iri: str = DEFAULT_BASE  # relative IRIs in queries resolve against the data's base
    quiet: bool = False
    limits: QueryLimits = field(init=False)

    def __post_init__(self) -> None:
        limits = QueryLimits(
            timeout=self.query_timeout,
            max_rows=self.max_rows,
            memory_bytes=self.worker_memory_bytes,
            max_answer_bytes=self.max_answer_bytes,
            short_seconds=self.short_query_seconds,
            max_query_chars=self.max_query_chars,
            max_query_depth=self.max_query_depth,
            base_iri=self.base_iri,
            answer_cache_bytes=self.answer_cache_bytes,
        )
        object.__setattr__(self, "limits", limits)

    @classmethod
    def for_publication(cls, out_dir: Path, **options: Any) -> ServerSettings:
        """Settings for what ``publish -o OUT_DIR`` wrote."""
        return cls(site=out_dir / "site", dump=out_dir / f"{DUMP_NAME}.nt", **options)


class App:
    """The ASGI application: ``/sparql``, CORS preflight, and the site for GET and HEAD."""

    def __init__(self, settings: ServerSettings, site: Site, pool: QueryPool) -> None:
        self.settings = settings
        self.site = site
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # no lifespan or websocket
        exchange = Exchange(scope, receive, send, self.settings.send_timeout)
        try:
            await self._route(exchange)
        except ClientGoneError:
            pass
        except asyncio.CancelledError:  # the server is stopping and gave up waiting for us
            exchange.abort()

    async def _route(self, exchange: Exchange) -> None:
        raw = bytes(exchange.scope["raw_path"]).decode("latin-1")
        query = bytes(exchange.scope["query_string"]).decode("latin-1")
        if len(raw) + len(query) > MAX_TARGET_BYTES:
            limit = f"the request target is over {MAX_TARGET_BYTES} bytes"
            await exchange.refuse_unread(414, limit)
        elif exchange.method == "OPTIONS":
            await exchange.respond(204, "text/plain; charset=utf-8", b"", PREFLIGHT)
        elif exchange.method not in ALLOWED[raw == "/sparql"]:
            # A method HTTP defines but this resource does not allow: 405 with what it allows
            # (RFC 9110, 15.5.6; the SPARQL Protocol has queries by GET and POST only); one
            # HTTP does not define: 501.
            allowed = ALLOWED[raw == "/sparql"]
            status = 405 if exchange.method in KNOWN_METHODS else 501
            message = f"{exchange.method} is not allowed here: use {', '.join(allowed)}"
            await exchange.refuse_unread(status, message, {"Allow": ", ".join(allowed)})
        elif raw == "/sparql":
            await answer_sparql(exchange, query, self.pool, self.settings)
        else:
            await self.site.answer(exchange, raw)


ALLOWED = {True: ("GET", "HEAD", "POST", "OPTIONS"), False: ("GET", "HEAD", "OPTIONS")}
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, POST, OPTIONS",
}


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


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(1024)
    except OSError as err:
        listener.close()
        raise InputError(f"{host}:{port}: cannot listen ({err.strerror})") from None
    return listener


def _served_void(site: Path, url: str) -> bytes:
    """``void.ttl`` as published, with this server's endpoint unless it names a public one."""
    from rdflib import Graph, URIRef

    from heze_ip_kg.publish.dataset import DATASET, add_endpoint
    from heze_ip_kg.rdfio.dumps import serialize
    from heze_ip_kg.vocab.namespaces import VOID

    published = (site / "dumps" / "void.ttl").read_bytes()
    void = Graph().parse(data=published, format="turtle")
    if (URIRef(DATASET), VOID.sparqlEndpoint, None) in void:
        return published
    return serialize(add_endpoint(void, url + "/sparql"), "ttl")


def _logging(quiet: bool) -> None:
    """uvicorn's loggers to stderr: errors only if ``quiet``, else every request."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
        logger.setLevel(logging.ERROR if quiet else logging.INFO)
    logging.getLogger("uvicorn.access").disabled = quiet


class Server:
    """A bound server with its workers started; ``serve_forever`` runs it until ``shutdown``."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.listener = _listen(settings.host, settings.port)
        port = self.listener.getsockname()[1]
        shown = f"[{settings.host}]" if ":" in settings.host else settings.host
        self.url = f"http://{shown}:{port}"
        try:
            self.pool = QueryPool(settings.dump, settings.workers, settings.limits, settings.quiet)
        except BaseException:
            self.listener.close()
            raise
        self.site = Site(settings.site, _served_void(settings.site, self.url))
        _logging(settings.quiet)
        protocol = type(
            "Protocol", (GuardedH11Protocol,), {"header_seconds": settings.header_timeout}
        )
        config = uvicorn.Config(
            App(settings, self.site, self.pool),
            http=protocol,
            lifespan="off",
            log_config=None,
            access_log=not settings.quiet,
            server_header=False,
            timeout_keep_alive=15,
            timeout_graceful_shutdown=5,
            limit_concurrency=settings.max_connections,
            h11_max_incomplete_event_size=MAX_TARGET_BYTES + 64 * 1024,
            proxy_headers=True,  # a client behind the proxy is the X-Forwarded-For it sets
            forwarded_allow_ips="127.0.0.1,::1",
        )
        self.uvicorn = uvicorn.Server(config)
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        async def serve() -> None:
            try:
                await self.uvicorn.serve(sockets=[self.listener])
            finally:
                self.pool.close()  # in the loop that drives the workers' sockets

        try:
            asyncio.run(serve())
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving (from another thread) and wait until it has."""
        self.uvicorn.should_exit = True
        self._stopped.wait(60)

    def server_close(self) -> None:
        self.pool.close()
        self.listener.close()


def make_server(settings: ServerSettings) -> Server:
    """A bound server with its query workers started; call ``serve_forever`` on it."""
    _check_loopback(settings.host)
    if not (settings.site / "index.html").is_file():
        raise InputError(f"{settings.site}: no published site here (run heze-ip-kg publish)")
    if not (settings.site / "dumps" / "void.ttl").is_file():
        raise InputError(f"{settings.site}/dumps/void.ttl: missing (run heze-ip-kg publish)")
    return Server(settings)


def run_server(settings: ServerSettings) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the workers."""
    server = make_server(settings)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # uvicorn handles SIGTERM while it serves, then raises it again: it ends here, cleanly.
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


__all__ = ["App", "Message", "Server", "ServerSettings", "make_server", "run_server"]
