"""A resource's statements as people read them: predicates and objects by name, not IRI.

A predicate is named by its ontology label (its prefixed name beside it), an object with a page
by its label and linked there, a web address as a visible link, and a node without a name (a
citation, a place in the source) as a small block of its own statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.namespaces import PREFIXES
from heze_ip_kg.publish.context import Triple
from heze_ip_kg.publish.describe import relative
from heze_ip_kg.publish.facts import SiteFacts

ONTOLOGY_PAGE = "ontology/index.html"
MAX_BLOCK_DEPTH = 3


class Statements:
    """The statements table of a page, for one publication."""

    def __init__(
        self,
        facts: SiteFacts,
        labels: Callable[[Node, str], str],
        page_of: Callable[[str], str | None],
    ) -> None:
        self.facts = facts
        self.index = facts.index
        self._label = labels  # (node, lang) → str, remembered by the page builder
        self._page_of = page_of  # IRI → site path or None
        self._curies: dict[str, tuple[str, str | None]] = {}

    def curie(self, iri: str) -> tuple[str, str | None]:
        """The prefixed name of ``iri`` and its documentation page, if ours (remembered)."""
        if iri not in self._curies:
            found: tuple[str, str | None] = (iri, None)
            for prefix, namespace in PREFIXES.items():
                if iri.startswith(str(namespace)):
                    local = iri[len(str(namespace)) :]
                    href = f"{ONTOLOGY_PAGE}#{local}" if prefix == "hip" else None
                    found = (f"{prefix}:{local}", href)
                    break
            self._curies[iri] = found
        return self._curies[iri]

    def table(self, subject: Node, path: str, depth: int = 0) -> tuple[Triple, ...]:
        """Every statement of ``subject`` in predicate order, blank nodes as blocks."""
        rows = []
        pairs = self.index.forward.get(subject, [])
        for p, o in sorted(pairs, key=lambda t: (str(t[0]), str(t[1]))):
            name, doc = self.curie(str(p))
            zh, en = self.facts.terms.get(str(p), (name, name))
            row = Triple(name, relative(path, doc) if doc else None, "", None, None, zh, en)
            if isinstance(o, Literal):
                rows.append(replace(row, value=str(o), lang=o.language))
            elif isinstance(o, URIRef):
                rows.append(self._named(row, o, path))
            elif isinstance(o, BNode) and depth < MAX_BLOCK_DEPTH:
                rows.append(replace(row, block=self.table(o, path, depth + 1)))
            else:
                rows.append(replace(row, value="…"))
        return tuple(rows)

    def _named(self, row: Triple, node: URIRef, path: str) -> Triple:
        target = self._page_of(str(node))
        if target:
            return replace(
                row,
                value=self._label(node, "zh"),
                value_en=self._label(node, "en"),
                href=relative(path, target),
            )
        iri = str(node)
        name, doc = self.curie(iri)
        if name != iri:  # a vocabulary term: by its label where ours, else its prefixed name
            zh, en = self.facts.terms.get(iri, (name, name))
            return replace(row, value=zh, value_en=en, href=relative(path, doc) if doc else None)
        web = iri.startswith(("http://", "https://"))
        return replace(row, value=iri, href=iri if web else None, external=web)


__all__ = ["Statements"]
