"""A resource's statements as people read them: predicates and objects by name, not IRI.

A predicate is named by its ontology label (its prefixed name beside it), an object with a page
by its label and linked there, a web address as a visible link, and a node without a name (a
citation, a place in the source) as a small block of its own statements.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish.context import Triple
from heze_ip_kg.publish.describe import relative
from heze_ip_kg.publish.facts import SiteFacts
from heze_ip_kg.vocab.namespaces import PREFIXES
from heze_ip_kg.vocab.owned import is_owned

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
        self._predicates: dict[str, tuple[str, str | None, str, str]] = {}

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

    def _predicate(self, predicate: str) -> tuple[str, str | None, str, str]:
        """(prefixed name, documentation page, Chinese label, English label), remembered."""
        found = self._predicates.get(predicate)
        if found is None:
            name, doc = self.curie(predicate)
            zh, en = self.facts.terms.get(predicate, (name, name))
            found = self._predicates[predicate] = (name, doc, zh, en)
        return found

    def table(self, subject: Node, path: str, depth: int = 0) -> tuple[Triple, ...]:
        """Every statement of ``subject`` in predicate order, the nodes it owns as blocks."""
        rows = []
        pairs = self.index.forward.get(subject, [])
        for p, o in sorted(pairs, key=lambda t: (str(t[0]), str(t[1]))):
            name, doc, zh, en = self._predicate(str(p))
            href = relative(path, doc) if doc else None
            if isinstance(o, Literal):
                rows.append(Triple(name, href, str(o), None, o.language, zh, en))
            elif isinstance(o, URIRef) and not is_owned(o, subject):
                rows.append(self._named(name, href, zh, en, o, path))
            elif isinstance(o, URIRef | BNode) and depth < MAX_BLOCK_DEPTH:
                block = self.table(o, path, depth + 1)
                rows.append(Triple(name, href, "", None, None, zh, en, block=block))
            else:
                rows.append(Triple(name, href, "…", None, None, zh, en))
        return tuple(rows)

    def _named(
        self, name: str, href: str | None, zh: str, en: str, node: URIRef, path: str
    ) -> Triple:
        target = self._page_of(str(node))
        if target:
            value, value_en = self._label(node, "zh"), self._label(node, "en")
            return Triple(name, href, value, relative(path, target), None, zh, en, value_en)
        iri = str(node)
        term, doc = self.curie(iri)
        if term != iri:  # a vocabulary term: by its label where ours, else its prefixed name
            value, value_en = self.facts.terms.get(iri, (term, term))
            link = relative(path, doc) if doc else None
            return Triple(name, href, value, link, None, zh, en, value_en)
        web = iri.startswith(("http://", "https://"))
        return Triple(name, href, iri, iri if web else None, None, zh, en, external=web)


__all__ = ["Statements"]
