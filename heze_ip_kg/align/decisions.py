"""The reviewed decisions and the alignment resources they make.

``data/alignments/*.csv`` holds one reviewed decision per row (child, parent, relation, status,
evidence, note), read and checked by ``heze_ip_kg.curated.alignments``. Every row becomes a
``hip:Alignment``, as does every proposal nobody has reviewed; only confirmed decisions also
become ``hip:implements`` (or ``hip:LocalInitiative``).
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.align.proposals import METHOD, Proposal
from heze_ip_kg.curated.alignments import Decision
from heze_ip_kg.vocab.minting import CONCEPT_BASE, number_literal, recurring_literal
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, RDF, RDFS, enclosing_document
from heze_ip_kg.vocab.triples import Batch, Sink, add_all

Pair = tuple[URIRef, URIRef | None]


def alignment_graph(
    graph: Graph,
    proposals: list[Proposal],
    decisions: list[Decision],
    base: str,
    *,
    into: Graph | None = None,
) -> Graph:
    """Alignments as ``hip:Alignment`` resources; confirmed links also as ``hip:implements``.

    Added to ``into`` when given (``graph`` itself, say: each triple is then added once rather
    than twice, the bulk of the cost in rdflib's store), else to a new graph; returns it.
    """
    out = Graph() if into is None else into
    batch = Batch()  # added to ``out`` at the end, at once
    levels = {
        str(d): str(lv).rsplit("/", 1)[-1] for d, lv in graph.subject_objects(HIP.governmentLevel)
    }
    proposed: dict[Pair, Proposal] = {(p.child, p.parent): p for p in proposals}
    reviewed: dict[Pair, Decision] = {(d.child, d.parent): d for d in decisions}
    counters: Counter[str] = Counter()
    a, alignment, aligned_element, has_label, aligned_to, via_level = _ALIGNMENT_TERMS
    for child, parent in sorted(proposed.keys() | reviewed.keys(), key=_pair_order):
        slug = str(child)[len(base) :].split("/", 1)[0]
        counters[slug] += 1
        node = URIRef(f"{base}alignment/{slug}/{counters[slug]}")
        batch.add((node, a, alignment))
        batch.add((node, aligned_element, child))
        label = f"{str(child)[len(base) :]} → {str(parent)[len(base) :] if parent else '—'}"
        batch.add((node, has_label, Literal(label)))
        if parent is not None:
            batch.add((node, aligned_to, parent))
            level = enclosing_document(str(parent), levels)
            if level:
                batch.add((node, via_level, _concept("level/" + level)))
        _review(batch, node, proposed.get((child, parent)), reviewed.get((child, parent)))
    add_all(out, batch)
    return out


# The same few terms recur on every alignment; rdflib is slow to build each one again.
@cache
def _concept(path: str) -> URIRef:
    return URIRef(CONCEPT_BASE + path)


_plain = cache(Literal)
_score = cache(number_literal)


# Looked up once: each namespace attribute is a Python call that mints a new URIRef.
_ALIGNMENT_TERMS = (
    RDF.type,
    HIP.Alignment,
    HIP.alignedElement,
    RDFS.label,
    HIP.alignedTo,
    HIP.viaLevel,
)
_REVIEW_TERMS = (
    HIP.reviewStatus,
    HIP.relation,
    HIP.method,
    HIP.evidence,
    HIP.score,
    HIP.reviewNote,
)


def _pair_order(pair: Pair) -> tuple[str, str]:
    return str(pair[0]), str(pair[1] or "")


def _review(out: Sink, node: URIRef, proposal: Proposal | None, decision: Decision | None) -> None:
    """What the aligner proposed for one pair and what the reviewer decided."""
    review_status, relation, method, has_evidence, score, review_note = _REVIEW_TERMS
    status = decision.status if decision else "proposed"
    out.add((node, review_status, _concept("review-status/" + status)))
    out.add((node, relation, _plain(decision.relation if decision else "implements")))
    out.add((node, method, _plain(METHOD if proposal else "curated")))
    evidence = (decision.evidence if decision else "") or (proposal.evidence if proposal else "")
    if evidence:
        out.add((node, has_evidence, recurring_literal(evidence, lang="zh")))
    if proposal is not None:
        out.add((node, score, _score(proposal.score)))
        if decision is None and proposal.note:
            out.add((node, review_note, recurring_literal(proposal.note, lang="en")))
    if decision is not None:
        _decided(out, node, decision)


def _decided(out: Sink, node: URIRef, decision: Decision) -> None:
    """The reviewer's note and row; a confirmed decision's link between the elements."""
    out.add((node, HIP.reviewNote, recurring_literal(decision.note, lang="en")))
    row = f"data/alignments/{decision.sheet}#L{decision.line}"
    out.add((node, DCTERMS.source, Literal(row)))
    if decision.status != "confirmed":
        return
    if decision.relation == "implements" and decision.parent is not None:
        out.add((decision.child, HIP.implements, decision.parent))
    elif decision.relation == "local-initiative":
        out.add((decision.child, RDF.type, HIP.LocalInitiative))
        out.add((decision.child, HIP.localInitiativeReason, Literal(decision.note, lang="en")))


def known_elements(graph: Graph) -> set[URIRef]:
    """IRIs of everything that is part of a document (the valid ends of a decision)."""
    return {s for s in graph.subjects(DCTERMS.isPartOf, None) if isinstance(s, URIRef)}


__all__ = ["alignment_graph", "known_elements"]
