"""The published site: static files inside a jail, and content negotiation on resource IRIs.

IRI policy (ontology/README.md): a resource IRI names a policy element, not a document, so a
request for ``/id/<path>`` is answered ``303 See Other`` to the document that describes it —
``/id/<path>.html``, ``.ttl``, ``.jsonld`` or ``.nt`` by the ``Accept`` header — with
``Vary: Accept``. The documents themselves are answered ``200`` directly.

The site folder is a jail: every file read — a page, or the Turtle an ``.nt``/``.jsonld``
alternate is made from — is opened only if its resolved path (symlinks followed) lies inside it.
"""

from __future__ import annotations

import asyncio
import os
import posixpath
import urllib.parse
from pathlib import Path

from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.serve.exchange import Exchange
from heze_ip_kg.serve.negotiation import negotiate
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

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
    ".csv": "text/csv; charset=utf-8",
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
# An .nt or .jsonld alternate is made from its Turtle only up to this size (pages are small;
# the dumps have their own files), so that no request can make the server parse a large file.
MAX_DERIVED_BYTES = 1024 * 1024


class Site:
    """The site folder ``root``, with ``void_turtle`` served for ``dumps/void.ttl``."""

    def __init__(self, root: Path, void_turtle: bytes) -> None:
        self.root = root.resolve()
        self.void = self.root / "dumps" / "void.ttl"
        self.void_turtle = void_turtle

    def inside(self, relative: str) -> Path | None:
        """The resolved path of ``relative`` if it lies inside the site, else None."""
        try:
            target = (self.root / relative).resolve()
        except (OSError, RuntimeError):  # a name too long, a symlink loop
            return None
        if target != self.root and self.root not in target.parents:
            return None
        return target

    async def answer(self, exchange: Exchange, raw: str) -> None:
        """Answer a GET or HEAD for the path ``raw`` (still percent-encoded)."""
        try:
            decoded = urllib.parse.unquote(raw, errors="strict")
        except UnicodeDecodeError:
            await exchange.text(400, "the path is not UTF-8")
            return
        segments = decoded.split("/")[1:]
        if (
            not decoded.startswith("/")
            or any(s in (".", "..") for s in segments)
            or any(c in decoded for c in "\x00\\")
        ):
            await exchange.text(404, "not found")
            return
        if raw in OTHER_IRIS:
            await self._negotiate(exchange, OTHER_IRIS[raw])
            return
        if raw.startswith("/id/") and posixpath.splitext(raw)[1] not in CONTENT_TYPES:
            html = page_path(DEFAULT_BASE + raw[len("/id/") :], DEFAULT_BASE)
            page = self.inside(html) if html is not None else None
            if html is not None and page is not None and _is_file(page):
                stem = html[: -len(".html")]
                await self._negotiate(
                    exchange, {ext: stem + ext for ext in DOCUMENT_TYPES.values()}
                )
                return
        await self._file(exchange, "/".join(segments))

    async def _negotiate(self, exchange: Exchange, documents: dict[str, str]) -> None:
        offers = [m for m, ext in DOCUMENT_TYPES.items() if ext in documents or ".ttl" in documents]
        chosen = negotiate(exchange.header("accept"), offers)
        if chosen is None:
            await exchange.text(406, "available: " + ", ".join(offers), {"Vary": "Accept"})
            return
        ext = DOCUMENT_TYPES[chosen]
        target = documents.get(ext) or documents[".ttl"][: -len(".ttl")] + ext
        location = "/" + urllib.parse.quote(target)
        await exchange.text(303, f"See {location}", {"Location": location, "Vary": "Accept"})

    async def _file(self, exchange: Exchange, relative: str) -> None:
        target = self.inside(relative)
        if target is not None and _is_dir(target):
            target = self.inside(posixpath.join(relative, "index.html"))
        if target is None:
            await exchange.text(404, "not found")
            return
        content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        if target == self.void:
            await exchange.respond(200, content_type, self.void_turtle)
            return
        if not _is_file(target):  # nor a FIFO or a device, which could block or never end
            derived = await self._derived(relative)
            if derived is None:
                await exchange.text(404, "not found")
            else:
                await exchange.respond(200, content_type, derived)
            return
        with target.open("rb") as handle:
            await exchange.start(200, content_type, os.fstat(handle.fileno()).st_size)
            if exchange.method == "HEAD":
                await exchange.send({"type": "http.response.body", "body": b""})
            else:
                await exchange.stream(handle)

    async def _derived(self, relative: str) -> bytes | None:
        """N-Triples or JSON-LD made from the Turtle file beside the path, if there is one."""
        stem, suffix = posixpath.splitext(relative)
        if suffix not in (".nt", ".jsonld"):
            return None
        turtle = self.inside(stem + ".ttl")
        if turtle is None or not _is_file(turtle):
            return None
        if turtle == self.void:
            data = self.void_turtle
        elif turtle.stat().st_size > MAX_DERIVED_BYTES:
            return None
        else:
            data = turtle.read_bytes()
        return await asyncio.to_thread(_convert, data, suffix[1:])


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name too long for the file system
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _convert(turtle: bytes, fmt: str) -> bytes:
    from rdflib import Graph

    from heze_ip_kg.rdfio.dumps import serialize

    return serialize(Graph().parse(data=turtle, format="turtle"), fmt)


__all__ = ["CONTENT_TYPES", "Site"]
