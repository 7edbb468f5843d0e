"""The few formatting helpers every page calls thousands of times, as Python, not macros.

A Jinja2 macro call costs tens of microseconds; a page shows hundreds of names in two
languages, and a national publication tens of thousands of pages. These helpers only format
(escaping every value with MarkupSafe, as autoescaping would) and are registered as template
globals by ``heze_ip_kg.publish.environment``.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup, escape

from heze_ip_kg.publish.context import Link, Triple

_SPECIAL = re.compile("[&<>\"']")  # what escape() replaces


def _text(text: str) -> str:
    """``escape(text)`` as a plain str: most values need no escaping, and skipping the Markup
    that escape() makes for each halves the cost of the dozens a page has."""
    return str(escape(text)) if _SPECIAL.search(text) else text


@functools.lru_cache(maxsize=1 << 16)  # the same names recur on many pages
def _bi(zh: object, en: object) -> str:
    zh_part = f'<span class="zh" lang="zh">{escape(zh)}</span>'
    return f'{zh_part}<span class="en" lang="en">{escape(en)}</span>'


def bi(zh: object, en: object) -> Markup:
    """Both languages; the page's language switch shows one."""
    return Markup(_bi(zh, en))


@functools.lru_cache(maxsize=1 << 14)  # pages in one folder link to the same places
def _anchor(href: str, zh: object, en: object) -> str:
    return f'<a href="{_text(href)}">{_bi(zh, en)}</a>'


def _link(item: Link) -> str:
    html = _anchor(item.href, item.zh, item.en) if item.href else _bi(item.zh, item.en)
    if item.note:
        html += f' <small class="note">{_bi(item.note, item.note_en or item.note)}</small>'
    return html


def link(item: Link) -> Markup:
    """A link by name (plain text when the target has no page), with its remark."""
    return Markup(_link(item))


def web(item: Link) -> Markup:
    """A web address, shown as itself."""
    return Markup(f'<a class="url" href="{escape(item.href)}">{escape(item.zh)}</a>')


def _value(row: Triple) -> str:
    if row.block:
        return _statements(row.block)
    if row.external:
        return f'<a class="url" href="{_text(row.href or "")}">{_text(row.value)}</a>'
    if row.href:
        return _anchor(row.href, row.value, row.value_en or row.value)
    if row.value_en:
        return _bi(row.value, row.value_en)
    if row.lang:
        lang = _text(row.lang)
        return f'<span lang="{lang}">{_text(row.value)}</span> <small>@{lang}</small>'
    return f"<span>{_text(row.value)}</span>"


@functools.lru_cache(maxsize=1 << 12)  # a predicate and its documentation link, per folder
def _term(zh: str, en: str, href: str | None) -> str:
    name = _bi(zh, en)
    return f'<dt><a href="{_text(href)}">{name}</a></dt>' if href else f"<dt>{name}</dt>"


def _statements(rows: tuple[Triple, ...]) -> str:
    parts = ['<dl class="statements">']
    for row in rows:
        term = _term(row.predicate_zh, row.predicate_en, row.predicate_href)
        parts.append(f"{term}<dd>{_value(row)}</dd>")
    parts.append("</dl>")
    return "".join(parts)


def statements(rows: tuple[Triple, ...]) -> Markup:
    """A resource's statements by name, nodes without a name as nested blocks."""
    return Markup(_statements(rows))


def cell(item: Link) -> Markup:
    """A table cell: a web address as itself, anything else by name."""
    return web(item) if item.iri and item.href == item.iri else Markup(_link(item))


HELPERS = {"bi": bi, "link": link, "web": web, "cell": cell, "statements": statements}

__all__ = ["HELPERS", "bi", "cell", "link", "statements", "web"]
