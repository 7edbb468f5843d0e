"""Output safety: a graph full of markup and script payloads is shown as text on every page.

Every string literal of the project's graph gets a payload in front (``tests/conftest.py``:
``<script>``, an ``onerror`` handler, a stray ``</script>``, a comment opener, quotes); the site is
published, and every page is parsed: the only scripts are the site's own file and the JSON-LD
block, no element carries an event handler, and the payload appears as text. The browser test
(tests/test_browser.py) opens pages of the same site and checks that no script ran.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from rdflib import Graph


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.images: list[str | None] = []
        self.text: list[str] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.lower().startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_jsonld = dict(attrs).get("type") == "application/ld+json"
        if tag == "img":
            self.images.append(dict(attrs).get("src"))

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        (self.jsonld if self._in_jsonld else self.text).append(data)


def test_every_page_shows_the_payloads_as_text(poisoned: tuple[Path, Graph]) -> None:
    site = poisoned[0] / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 400
    shown = 0
    for page in pages:
        found = _Elements()
        found.feed(page.read_text(encoding="utf-8"))
        where = str(page.relative_to(site))
        assert found.handlers == [], where
        assert "x" not in found.images, where
        for script in found.scripts:
            assert script.get("type") == "application/ld+json" or str(
                script.get("src", "")
            ).endswith("static/site.js"), where  # search-index.js is loaded by site.js
        for block in found.jsonld:
            json.loads(block)  # the payload's </script> did not cut the block short
            assert "</script" not in block.lower(), where
        shown += "".join(found.text).count('<script>alert("s')
    assert shown > 1000  # the payloads are there, as text


def test_pictures_escape_the_payloads(poisoned: tuple[Path, Graph]) -> None:
    for picture in sorted((poisoned[0] / "site" / "pictures").glob("*.svg")):
        svg = picture.read_text(encoding="utf-8")
        assert "&lt;script&gt;" in svg, picture.name  # the labels are there, escaped
        assert "<script" not in svg
        assert "<img" not in svg


def test_the_search_index_holds_the_payloads_as_data(poisoned: tuple[Path, Graph]) -> None:
    """``search-index.js`` is one assignment of a JSON array: the payloads are strings in it,
    escaped so that nothing in them ends the script or the string (the page's script then sets
    them with ``textContent``)."""
    script = (poisoned[0] / "site" / "search-index.js").read_text(encoding="utf-8")
    prefix, suffix = "window.HEZE_SEARCH = ", ";\n"
    assert script.startswith(prefix)
    assert script.endswith(suffix)
    body = script[len(prefix) : -len(suffix)]
    assert "<" not in body  # written as \\u003c: no </script> in any form
    entries = json.loads(body)
    assert sum('<script>alert("s' in "".join(e) for e in entries) > 100


def test_indicator_csv_quotes_the_payloads(poisoned: tuple[Path, Graph]) -> None:
    import csv

    files = sorted((poisoned[0] / "site" / "id").rglob("*.csv"))
    assert files
    for path in files:
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        assert all(len(row) == len(rows[0]) for row in rows), path


def test_the_helpers_escape_as_autoescaping_would() -> None:
    """The helpers skip escape() for text without a special character: the rest is escaped,
    whichever of the five characters it holds."""
    from markupsafe import escape

    from heze_ip_kg.publish.context import Link, Triple
    from heze_ip_kg.publish.html import link, statements

    plain = '<span class="zh" lang="zh">p</span><span class="en" lang="en">p</span>'
    for bad in ("<b>", "it's", 'say "x"', "a&b", "plain"):
        href = f"x/{bad}.html"
        e, h = escape(bad), escape(href)
        names = f'<span class="zh" lang="zh">{e}</span><span class="en" lang="en">{e}</span>'
        assert str(link(Link(href, bad, bad))) == f'<a href="{h}">{names}</a>'
        rows = (
            Triple("p", href, bad, None, bad, "p", "p"),
            Triple("p", None, bad, href, None, "p", "p"),
            Triple("p", None, bad, href, None, "p", "p", external=True),
            Triple("p", None, bad, None, None, "p", "p"),
        )
        assert str(statements(rows)) == (
            f'<dl class="statements"><dt><a href="{h}">{plain}</a></dt>'
            f'<dd><span lang="{e}">{e}</span> <small>@{e}</small></dd>'
            f'<dt>{plain}</dt><dd><a href="{h}">{names}</a></dd>'
            f'<dt>{plain}</dt><dd><a class="url" href="{h}">{e}</a></dd>'
            f"<dt>{plain}</dt><dd><span>{e}</span></dd></dl>"
        ), bad
