"""Stage 3, second half: the reviewed decisions and the alignment resources they make.

``data/alignments/*.csv`` holds one reviewed decision per row (child, parent, relation, status,
evidence, note). Every row is checked — a broken row, an unknown element, a duplicate decision
fails with the file and line — and every row becomes a ``hip:Alignment``; only confirmed ones
also become ``hip:implements`` (or ``hip:LocalInitiative``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from heze_ip_kg.align import METHOD, Proposal
from heze_ip_kg.datafiles import read_csv_rows
from heze_ip_kg.errors import InputError
from heze_ip_kg.minting import CONCEPT_BASE, number_literal
from heze_ip_kg.namespaces import DCTERMS, HIP, RDF, RDFS, enclosing_document

REVIEW_COLUMNS = ("child", "parent", "relation", "status", "evidence", "note")
RELATIONS = ("implements", "local-initiative")
STATUSES = ("confirmed", "rejected")


@dataclass(frozen=True)
class Decision:
    """A reviewed decision from ``data/alignments/*.csv``."""

    child: URIRef
    parent: URIRef | None
    relation: str
    status: str
    evidence: str
    note: str
    file: str
    line: int


def load_decisions(folder: Path, base: str, known: set[URIRef]) -> list[Decision]:
    """Every reviewed decision in ``folder/*.csv``; a bad row fails with the file and line."""
    decisions: list[Decision] = []
    seen: dict[tuple[URIRef, URIRef | None], str] = {}
    known_ids = {str(iri) for iri in known}
    for path in sorted(folder.glob("*.csv")):
        for line, row in read_csv_rows(path):
            if line == 1:
                if tuple(row) != REVIEW_COLUMNS:
                    raise InputError(
                        f"header must be {','.join(REVIEW_COLUMNS)}", file=str(path), line=1
                    )
                continue
            if not row or not "".join(row).strip():
                continue
            if len(row) != len(REVIEW_COLUMNS):
                raise InputError(
                    f"row has {len(row)} cells, expected {len(REVIEW_COLUMNS)}",
                    file=str(path),
                    line=line,
                )
            child_id, parent_id, relation, status, evidence, note = (c.strip() for c in row)
            if relation not in RELATIONS:
                raise InputError(
                    f"relation must be one of {', '.join(RELATIONS)}", file=str(path), line=line
                )
            if status not in STATUSES:
                raise InputError(
                    f"status must be one of {', '.join(STATUSES)}", file=str(path), line=line
                )
            for element_id in (child_id, parent_id):
                # Checked before an IRI is made of it: rdflib would only warn about the spaces.
                if element_id and base + element_id not in known_ids:
                    raise InputError(f"unknown element {element_id!r}", file=str(path), line=line)
            child = URIRef(base + child_id)
            parent = URIRef(base + parent_id) if parent_id else None
            if (relation == "implements") == (parent is None):
                raise InputError(
                    "implements needs a parent; local-initiative takes none",
                    file=str(path),
                    line=line,
                )
            if not note:
                raise InputError(
                    "every decision needs a reviewer's note", file=str(path), line=line
                )
            key = (child, parent)
            if key in seen:
                raise InputError(
                    f"duplicate decision (first at {seen[key]})", file=str(path), line=line
                )
            seen[key] = f"{path.name}:{line}"
            decisions.append(
                Decision(child, parent, relation, status, evidence, note, path.name, line)
            )
    return decisions


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
    levels = {
        str(d): str(lv).rsplit("/", 1)[-1] for d, lv in graph.subject_objects(HIP.governmentLevel)
    }
    by_pair: dict[tuple[URIRef, URIRef | None], Proposal] = {
        (p.child, p.parent): p for p in proposals
    }
    reviewed = {(d.child, d.parent): d for d in decisions}
    pairs = sorted(set(by_pair) | set(reviewed), key=lambda k: (str(k[0]), str(k[1] or "")))
    counters: Counter[str] = Counter()
    for child, parent in pairs:
        slug = str(child)[len(base) :].split("/", 1)[0]
        counters[slug] += 1
        node = URIRef(f"{base}alignment/{slug}/{counters[slug]}")
        proposal, decision = by_pair.get((child, parent)), reviewed.get((child, parent))
        status = decision.status if decision else "proposed"
        out.add((node, RDF.type, HIP.Alignment))
        out.add((node, HIP.alignedElement, child))
        out.add((node, HIP.reviewStatus, URIRef(CONCEPT_BASE + "review-status/" + status)))
        out.add((node, HIP.relation, Literal(decision.relation if decision else "implements")))
        out.add((node, HIP.method, Literal(METHOD if proposal else "curated")))
        if proposal is not None:
            out.add((node, HIP.score, number_literal(proposal.score)))
        evidence = (
            decision.evidence
            if decision and decision.evidence
            else proposal.evidence
            if proposal
            else ""
        )
        if evidence:
            out.add((node, HIP.evidence, Literal(evidence, lang="zh")))
        if decision is not None:
            out.add((node, HIP.reviewNote, Literal(decision.note, lang="en")))
            out.add(
                (node, DCTERMS.source, Literal(f"data/alignments/{decision.file}#L{decision.line}"))
            )
        elif proposal is not None and proposal.note:
            out.add((node, HIP.reviewNote, Literal(proposal.note, lang="en")))
        if parent is not None:
            out.add((node, HIP.alignedTo, parent))
            level = enclosing_document(str(parent), levels)
            if level:
                out.add((node, HIP.viaLevel, URIRef(CONCEPT_BASE + "level/" + level)))
        label = f"{str(child)[len(base) :]} → {str(parent)[len(base) :] if parent else '—'}"
        out.add((node, RDFS.label, Literal(label)))
        if decision is not None and decision.status == "confirmed":
            if decision.relation == "implements" and parent is not None:
                out.add((child, HIP.implements, parent))
            elif decision.relation == "local-initiative":
                out.add((child, RDF.type, HIP.LocalInitiative))
                out.add((child, HIP.localInitiativeReason, Literal(decision.note, lang="en")))
    return out


def known_elements(graph: Graph) -> set[URIRef]:
    """IRIs of everything that is part of a document (the valid ends of a decision)."""
    return {s for s in graph.subjects(DCTERMS.isPartOf, None) if isinstance(s, URIRef)}


__all__ = [
    "RELATIONS",
    "REVIEW_COLUMNS",
    "STATUSES",
    "Decision",
    "alignment_graph",
    "known_elements",
    "load_decisions",
]
