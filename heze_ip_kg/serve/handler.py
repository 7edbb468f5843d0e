"""The HTTP side of ``serve``: static files, content negotiation on IRIs, and ``/sparql``.

IRI policy (ontology/README.md): a resource IRI names a policy element, not a document, so a
request for ``/id/<path>`` is answered ``303 See Other`` to the document that describes it —
``/id/<path>.html``, ``.ttl``, ``.jsonld`` or ``.nt`` by the ``Accept`` header — with
``Vary: Accept``. The documents themselves are answered ``200`` directly.
"""

from __future__ import annotations

import posixpath
import socket
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from heze_ip_kg.dumps import serialize
from heze_ip_kg.namespaces import DEFAULT_BASE
from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.serve.negotiation import negotiate
from heze_ip_kg.serve.pool import Answer
from heze_ip_kg.serve.protocol import RefusedError, parse_request

if TYPE_CHECKING:
    from heze_ip_kg.serve import HezeServer

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".rq": "application/sparql-query; charset=utf-8",
}
# Offered for a resource IRI, in the order that breaks ties (a browser's */* gets HTML).
DOCUMENT_TYPES = {
    "text/html": ".html",
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
}
# IRIs outside /id/ with a description in the site: the ontology and the dataset.
OTHER_IRIS = {
    "/ontology": {".html": "ontology/index.html", ".ttl": "ontology/heze-ip.ttl"},
    "/dataset": {".html": "index.html", ".ttl": "dumps/void.ttl"},
}
HTML_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


class SiteHandler(BaseHTTPRequestHandler):
    """One request: GET/HEAD for the site and the endpoint, POST for the endpoint."""

    server: HezeServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may stay silent (slow clients cannot hold a thread forever)
    server_version = "heze-ip-kg"
    # A refusal sent before the request body was read is followed by a bounded "lingering
    # close" (as nginx does): closing a socket with unread input makes the kernel send a reset,
    # which can destroy the refusal before the client reads it.
    linger_seconds = 2.0
    linger_bytes = 16 * 1024 * 1024
    _unread_body = False

    # --- plumbing -------------------------------------------------------------------------

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.settings.quiet:
            super().log_message(format, *args)

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", HTML_POLICY)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _text(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def _closing(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._text(status, message, {**(headers or {}), "Connection": "close"})
        self._unread_body = True

    def finish(self) -> None:
        super().finish()
        if self._unread_body:
            self._drain_input()

    def _drain_input(self) -> None:
        """Half-close, then discard what the client still sends, within time and byte bounds."""
        deadline = time.monotonic() + self.linger_seconds
        drained = 0
        try:
            self.connection.shutdown(socket.SHUT_WR)
            while drained < self.linger_bytes:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self.connection.settimeout(remaining)
                chunk = self.connection.recv(65536)
                if not chunk:
                    return
                drained += len(chunk)
        except OSError:
            return

    def _redirect(self, location: str, vary: bool = True) -> None:
        headers = {"Location": location}
        if vary:
            headers["Vary"] = "Accept"
        self._text(HTTPStatus.SEE_OTHER, f"See {location}", headers)

    # --- methods --------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == "/sparql":
            self._sparql(query, b"")
            return
        try:
            decoded = urllib.parse.unquote(path, errors="strict")
        except UnicodeDecodeError:
            self._text(HTTPStatus.BAD_REQUEST, "the path is not UTF-8")
            return
        self._site(path, decoded)

    def do_POST(self) -> None:
        path, _, query = self.path.partition("?")
        # Refusals before the body is read close the connection: the unread body must not be
        # taken for the next request.
        if path != "/sparql":
            self._closing(
                HTTPStatus.METHOD_NOT_ALLOWED, "POST only to /sparql", {"Allow": "GET, HEAD"}
            )
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._closing(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length, not a chunked body")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._closing(HTTPStatus.LENGTH_REQUIRED, "POST needs a Content-Length")
            return
        limit = self.server.settings.max_request_bytes
        if length < 0 or length > limit:
            self._closing(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {limit} bytes")
            return
        self._sparql(query, self.rfile.read(length))

    # --- the endpoint ---------------------------------------------------------------------

    def _sparql(self, query_string: str, body: bytes) -> None:
        settings = self.server.settings
        accept = self.headers.get("Accept")
        if (
            self.command in ("GET", "HEAD")
            and "query=" not in query_string
            and negotiate(accept, ["application/sparql-results+json", "text/html"]) == "text/html"
        ):
            self._redirect("/query.html", vary=True)  # a person with a browser: the query page
            return
        try:
            request = parse_request(
                "GET" if self.command == "HEAD" else self.command,
                query_string,
                self.headers.get("Content-Type"),
                body,
                accept,
                max_chars=settings.max_query_chars,
                max_depth=settings.max_query_depth,
            )
        except RefusedError as refused:
            self._text(refused.status, refused.message)
            return
        answer: Answer = self.server.pool.execute(request)
        headers = {"Vary": "Accept", "X-Result-Limit": str(settings.max_rows)}
        if answer.truncated:
            headers["X-Result-Truncated"] = "true"
        if answer.status == HTTPStatus.SERVICE_UNAVAILABLE:
            headers["Retry-After"] = "1"
        self._send(answer.status, answer.content_type, answer.body, headers)

    # --- the site -------------------------------------------------------------------------

    def _site(self, raw: str, decoded: str) -> None:
        segments = decoded.split("/")[1:]
        if (
            not decoded.startswith("/")
            or any(s in (".", "..") for s in segments)
            or any(c in decoded for c in "\x00\\")
        ):
            self._text(HTTPStatus.NOT_FOUND, "not found")
            return
        if raw in OTHER_IRIS:
            self._negotiate(OTHER_IRIS[raw])
            return
        if raw.startswith("/id/") and posixpath.splitext(raw)[1] not in CONTENT_TYPES:
            html = page_path(DEFAULT_BASE + raw[len("/id/") :], DEFAULT_BASE)
            if html is not None and (self.server.site / html).is_file():
                stem = html[: -len(".html")]
                self._negotiate({ext: stem + ext for ext in DOCUMENT_TYPES.values()})
                return
        self._file("/".join(segments))

    def _negotiate(self, documents: dict[str, str]) -> None:
        offers = [m for m, ext in DOCUMENT_TYPES.items() if ext in documents or ".ttl" in documents]
        chosen = negotiate(self.headers.get("Accept"), offers)
        if chosen is None:
            self._text(
                HTTPStatus.NOT_ACCEPTABLE, "available: " + ", ".join(offers), {"Vary": "Accept"}
            )
            return
        ext = DOCUMENT_TYPES[chosen]
        target = documents.get(ext) or documents[".ttl"][: -len(".ttl")] + ext
        self._redirect("/" + urllib.parse.quote(target))

    def _file(self, relative: str) -> None:
        site = self.server.site
        target = (site / relative).resolve()
        if target != site and site not in target.parents:  # a symlink out of the site
            self._text(HTTPStatus.NOT_FOUND, "not found")
            return
        if target.is_dir():
            target = target / "index.html"
        body = self._body(target)
        if body is None:
            self._text(HTTPStatus.NOT_FOUND, "not found")
            return
        self._send(
            HTTPStatus.OK, CONTENT_TYPES.get(target.suffix, "application/octet-stream"), body
        )

    def _body(self, target: Path) -> bytes | None:
        """The file's bytes; N-Triples and JSON-LD made from the Turtle beside them if absent."""
        void = self.server.site / "dumps" / "void.ttl"
        if target == void:
            return self.server.void_turtle  # with the endpoint this server adds
        if target.is_file():
            return target.read_bytes()
        turtle = target.with_suffix(".ttl")
        if target.suffix in (".nt", ".jsonld") and turtle.is_file():
            data = self.server.void_turtle if turtle == void else turtle.read_bytes()
            return serialize(Graph().parse(data=data, format="turtle"), target.suffix[1:])
        return None


__all__ = ["SiteHandler"]
