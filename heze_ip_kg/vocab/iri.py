"""What may go into the IRIs heze-ip-kg mints: the base and the document slugs.

IRIs are ``{base}{slug}/…`` (ontology/README.md), and ``publish`` mirrors each under
``site/id/`` as folders and files, so a slug must be one safe path segment — no ``/``, ``.``,
``..``, space or markup — and a base an absolute http(s) IRI that ends in ``/`` (the code joins
``base + slug`` and reads slugs back by cutting the base off).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# What mint_slug writes: lower-case ASCII letters, digits, hyphens and %XX escapes.
SLUG = re.compile(r"(?:[a-z0-9-]|%[0-9A-F]{2})+")
# First segments the builder mints under the base itself (organisations, alignments, cited
# documents without a slug, concepts): a document named so would share their IRIs.
RESERVED_SLUGS = ("org", "alignment", "doc", "concept")
# Characters an IRI may not hold (RFC 3987), which Turtle and N-Triples cannot write either.
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def segment_problem(segment: str) -> str | None:
    """Why ``segment`` cannot be one segment of an IRI we mint (and a file name), or None.

    >>> segment_problem("key-project-1") is None, segment_problem("a b")
    (True, 'must be lower-case ASCII letters, digits and hyphens (other characters %XX-encoded)')
    """
    if not SLUG.fullmatch(segment):
        return "must be lower-case ASCII letters, digits and hyphens (other characters %XX-encoded)"
    return None


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a document, or None when it can.

    >>> slug_problem("heze-ip-plan-14fyp") is None, slug_problem("000%5F5c97") is None
    (True, True)
    >>> slug_problem("../x")
    'must be lower-case ASCII letters, digits and hyphens (other characters %XX-encoded)'
    >>> slug_problem("org")
    'is reserved for the IRIs heze-ip-kg mints under the base (org, alignment, doc, concept)'
    """
    problem = segment_problem(slug)
    if problem:
        return problem
    if slug in RESERVED_SLUGS:
        names = ", ".join(RESERVED_SLUGS)
        return f"is reserved for the IRIs heze-ip-kg mints under the base ({names})"
    return None


def web_iri_problem(iri: str) -> str | None:
    """Why ``iri`` is not an absolute http(s) IRI that Turtle can write, or None.

    >>> web_iri_problem("https://example.org/sparql") is None
    True
    >>> web_iri_problem("a b")
    "holds ' ', which an IRI cannot"
    """
    bad = _NOT_IRI.search(iri)
    if bad:
        return f"holds {bad.group()!r}, which an IRI cannot"
    if _BAD_ESCAPE.search(iri):
        return "holds a '%' that is not a %XX escape"
    try:
        parts = urlsplit(iri)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as err:
        return f"is not an IRI ({err})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http:// or https:// IRI"
    if "#" in iri:
        return "must not have a fragment"
    return None


def base_problem(base: str) -> str | None:
    """Why ``base`` cannot be the base IRI of the data (or of the site), or None when it can.

    >>> base_problem("https://w3id.org/heze-ip-kg/id/") is None
    True
    >>> base_problem("https://example.org/id")
    "must end in '/'"
    >>> base_problem("file:///tmp/")
    'must be an absolute http:// or https:// IRI'
    """
    problem = web_iri_problem(base)
    if problem:
        return problem
    parts = urlsplit(base)
    if parts.query or "?" in base:
        return "must not have a query or a fragment"
    if not parts.path.endswith("/"):
        return "must end in '/'"
    if {".", ".."} & set(parts.path.split("/")):
        return "must not have '.' or '..' segments"
    return None


__all__ = [
    "RESERVED_SLUGS",
    "base_problem",
    "segment_problem",
    "slug_problem",
    "web_iri_problem",
]
