"""Which resource pages must be built again: the keys each page read, and whether they changed.

While a page model is built, every look-up it makes is noted (``rdfio.reads``; ``PageBuilder.
tracked``). A run with a cache records, for each page, the keys it read, and for each key a
digest of the value it had (``PageReads``). The next run into the same folder, in the same
context (code, options, metadata: ``files.rendered``), computes the digest of each recorded key
from its own graph; a page none of whose keys changed would be built the same, so its model is
not built at all and its files are left where they are (if they are still the files that run
wrote). A key that cannot be named across runs (a blank node) or a read of a whole structure
(``ALWAYS``) counts as changed in every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.pages import PageBuilder
from heze_ip_kg.rdfio.reads import ReadKey

# Separators of a key's text: no IRI holds them, and a key part that does is not named.
_KIND, _INNER, _LITERAL = "\x1f", "\x1e", "\x1c"
_SEPARATORS = frozenset(_KIND + _INNER + _LITERAL)
CHANGED = ""  # the digest of a key whose value cannot be compared: changed in every run


@dataclass(frozen=True)
class PageReads:
    """What each page of a recorded run read: its keys (ids into ``keys``), and each key's
    digest in that run."""

    keys: list[str]  # key texts (``key_text``)
    digests: list[str]  # the digest of each key's value (``CHANGED``: compared never equal)
    pages: dict[str, list[int]]  # subject IRI → ids of the keys its page read

    def to_json(self) -> dict[str, object]:
        return {"keys": self.keys, "digests": self.digests, "pages": self.pages}

    @classmethod
    def from_json(cls, data: object) -> PageReads | None:
        """The record, or None if ``data`` is not one this version wrote."""
        if not isinstance(data, dict):
            return None
        keys, digests, pages = data.get("keys"), data.get("digests"), data.get("pages")
        if not (isinstance(keys, list) and isinstance(digests, list) and isinstance(pages, dict)):
            return None
        if len(keys) != len(digests):
            return None
        return cls(keys, digests, pages)


class _UnnamedError(Exception):
    """A key part with no name that lasts from one run to the next (a blank node)."""


def _term_text(term: object) -> str:
    text: str
    if isinstance(term, BNode):
        raise _UnnamedError
    if isinstance(term, URIRef):
        text = f"U{term}"  # not "U" + term: a URIRef's __radd__ makes a URIRef
    elif isinstance(term, Literal):
        parts = (term.language or "", term.datatype or "", str(term))
        if not all(_SEPARATORS.isdisjoint(part) for part in parts):
            raise _UnnamedError
        return "L" + _LITERAL.join(parts)
    elif isinstance(term, str):
        text = f"S{term}"
    elif isinstance(term, tuple):
        return "(" + _INNER.join(_term_text(t) for t in term)
    else:
        raise TypeError(f"cannot name a read of {type(term).__name__}")
    if not _SEPARATORS.isdisjoint(text):
        raise _UnnamedError
    return text


def _term(text: str) -> object:
    tag, rest = text[0], text[1:]
    if tag == "U":
        return URIRef(rest)
    if tag == "L":
        language, datatype, lexical = rest.split(_LITERAL, 2)
        return Literal(
            lexical, lang=language or None, datatype=URIRef(datatype) if datatype else None
        )
    if tag == "S":
        return rest
    if tag == "(":
        return tuple(_term(t) for t in rest.split(_INNER))
    raise ValueError(f"not a recorded term: {text!r}")


def key_text(key: ReadKey) -> str | None:
    """``key`` as text that names it in any run, or None if it cannot be (a blank node)."""
    try:
        return _KIND.join([str(key[0]), *(_term_text(part) for part in key[1:])])
    except _UnnamedError:
        return None


def text_key(text: str) -> ReadKey:
    """The key ``key_text`` named."""
    kind, *parts = text.split(_KIND)
    return (kind, *(_term(part) for part in parts))


def _value_text(value: object) -> str:
    """``value`` as text, equal for equal values in any run and different for different ones:
    every string is written after its length (blank nodes: ``_UnnamedError``)."""
    if isinstance(value, BNode):
        raise _UnnamedError
    if isinstance(value, URIRef):
        return f"U{len(value)}:{value}"
    if isinstance(value, Literal):
        return f"L{len(value)}:{value}{value.language or ''}^{value.datatype or ''};"
    if value is None or isinstance(value, bool | int):
        return repr(value) + ";"
    if isinstance(value, str):
        return f"S{len(value)}:{value}"
    if isinstance(value, list | tuple):
        if all(type(v) is URIRef for v in value):  # the subjects of an inverse look-up
            return "[" + "".join([f"U{len(v)}:{v}" for v in value]) + "]"
        return "[" + "".join(_value_text(v) for v in value) + "]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return "{" + "".join(_value_text(getattr(value, f.name)) for f in fields) + "}"
    raise TypeError(f"cannot compare a read of {type(value).__name__}")


def _pairs_text(pairs: Iterable[tuple[URIRef, Node]]) -> str:
    # A subject's pairs, the most common value by far (100,000 subjects at 300 plans): its own
    # loop, the usual terms inline, a literal's language and datatype read from its slots
    # (rdflib's properties cost a call each).
    out = []
    for p, o in pairs:
        kind = type(o)
        if kind is URIRef:
            out.append(f"{len(p)}:{p}U{len(o)}:{o}")  # type: ignore[arg-type]
        elif kind is Literal:
            language, datatype = o._language or "", o._datatype or ""  # type: ignore[attr-defined]
            out.append(f"{len(p)}:{p}L{len(o)}:{o}{language}^{datatype};")  # type: ignore[arg-type]
        else:
            out.append(f"{len(p)}:{p}{_value_text(o)}")
    return "".join(out)


def _hash(payload: str) -> str:
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=8).hexdigest()


class CurrentValues:
    """The values read keys have in one publication (what ``PageBuilder.tracked`` notes)."""

    def __init__(self, builder: PageBuilder) -> None:
        self.index = builder.index
        self.parts = builder.tracked_parts()
        self._mappings = {kind for kind, part in self.parts.items() if isinstance(part, Mapping)}
        self._inverses: set[str] = set()  # the predicates of the inverses in ``each_entry``
        self._bulk: dict[str, str] | None = None

    def digest(self, text: str) -> str:
        """The digest of the value of the key named ``text`` (``CHANGED`` if it has none that
        can be compared across runs)."""
        found = self.each_entry().get(text)
        if found is not None:
            return found
        kind, _, rest = text.partition(_KIND)
        if kind == "f" or kind in self._mappings:
            return _ABSENT  # every entry of these is in ``each_entry``
        if kind in self.parts:
            return _OUTSIDE  # a set's: every member is in ``each_entry``
        if kind == "i" and rest.rpartition(_KIND)[0] in self._inverses:
            return _NONE  # an inverse built, with no entry for this object: no subjects
        if kind != "i":
            return CHANGED  # ``ALWAYS``, or a kind this version does not note
        try:
            _, predicate, obj = text_key(text)
            return _hash(_value_text(self.index.subjects(predicate, obj)))  # type: ignore[arg-type]
        except (_UnnamedError, ValueError):
            return CHANGED

    def pairs_digest(self, subject: Node) -> str | None:
        """The digest of ``subject``'s pairs (None for a blank node, or pairs that cannot be
        compared across runs): what its block in a dump is written from (``dump_pieces``)."""
        if type(subject) is not URIRef:
            return None
        found = self.each_entry().get(f"f{_KIND}U{subject}")
        return found if found and found != CHANGED else None

    def each_entry(self) -> dict[str, str]:
        """The digest of every entry the pages may read, by key text: of every subject's pairs,
        every inverse look-up built, every entry of the other parts. Made in one pass: cheaper
        than naming each recorded key's terms, and a key not found is then known to be absent."""
        if self._bulk is not None:
            return self._bulk
        bulk: dict[str, str] = {}
        for kind, part in self.parts.items():
            if kind == "f":
                for subject, pairs in self.index.untracked.items():
                    if type(subject) is URIRef:
                        bulk[f"f{_KIND}U{subject}"] = _digest(_pairs_text, pairs)
                continue
            for key in part:
                try:
                    text = f"{kind}{_KIND}{_term_text(key)}"
                except _UnnamedError:
                    continue  # noted as ``ALWAYS`` (``key_text``)
                if isinstance(part, Mapping):
                    bulk[text] = _digest(_value_text, part[key])
                else:
                    bulk[text] = _INSIDE
        for predicate, inverse in self.index.built_inverses().items():
            try:
                named = _term_text(predicate)
            except _UnnamedError:
                continue
            self._inverses.add(named)
            for obj, subjects in inverse.items():
                try:
                    text = f"i{_KIND}{named}{_KIND}{_term_text(obj)}"
                except _UnnamedError:
                    continue
                bulk[text] = _digest(_value_text, subjects)
        self._bulk = bulk
        return bulk


def _digest(write: Callable[[Any], str], value: object) -> str:
    try:
        return _hash(write(value))
    except _UnnamedError:
        return CHANGED


_ABSENT, _INSIDE, _OUTSIDE, _NONE = _hash("-"), _hash("in"), _hash("out"), _hash("[]")


def unchanged_pages(record: PageReads, values: CurrentValues) -> tuple[set[str], list[str]]:
    """The recorded pages none of whose keys changed; and every recorded key's digest now."""
    bulk = values.each_entry()  # looked up here: most keys are in it (``digest`` finds the rest)
    now = [bulk.get(text) or values.digest(text) for text in record.keys]
    changed = {
        i
        for i, (then, digest) in enumerate(zip(record.digests, now, strict=True))
        if digest == CHANGED or digest != then
    }
    return {iri for iri, ids in record.pages.items() if changed.isdisjoint(ids)}, now


def merged_reads(
    record: PageReads | None,
    now: list[str],
    built: Mapping[str, list[str]],
    kept: Iterable[str],
    values: CurrentValues,
) -> PageReads:
    """The record of this run: the pages ``built`` with the keys they read (as text); those
    ``kept`` with the keys they read when they were built (in ``record``, whose keys have the
    digests ``now``, or they would not have been kept).

    The recorded keys keep their numbers and new ones are added after them, unless a quarter
    of them are no longer read: then, as in a run with no record, the keys read are numbered
    in order."""
    if record is None:
        return _numbered(built, {}, values)
    keys, digests = list(record.keys), list(now)
    ids = {text: i for i, text in enumerate(keys)}
    pages = {iri: record.pages[iri] for iri in kept}
    for iri, texts in built.items():
        found = []
        for text in texts:
            i = ids.get(text)
            if i is None:
                i = ids[text] = len(keys)
                keys.append(text)
                digests.append(values.digest(text))
            found.append(i)
        pages[iri] = sorted(found)
    used: set[int] = set()
    for numbers in pages.values():
        used.update(numbers)
    if len(used) * 4 < len(keys) * 3:
        named = {iri: [keys[i] for i in numbers] for iri, numbers in pages.items()}
        return _numbered(named, dict(zip(keys, digests, strict=True)), values)
    return PageReads(keys, digests, {iri: pages[iri] for iri in sorted(pages)})


def _numbered(
    pages: Mapping[str, list[str]], digests: Mapping[str, str], values: CurrentValues
) -> PageReads:
    """``pages`` with the keys they read numbered in order, each with its digest (known, or
    taken from ``values``)."""
    keys = sorted({text for texts in pages.values() for text in texts})
    ids = {text: i for i, text in enumerate(keys)}
    return PageReads(
        keys,
        [digests[t] if t in digests else values.digest(t) for t in keys],
        {iri: sorted(ids[t] for t in pages[iri]) for iri in sorted(pages)},
    )


__all__ = [
    "CHANGED",
    "CurrentValues",
    "PageReads",
    "key_text",
    "merged_reads",
    "text_key",
    "unchanged_pages",
]
