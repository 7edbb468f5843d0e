"""Would local bigram weights change the proposals? A measurement for incremental publishing.

The aligner weighs character bigrams by their document frequency over every element of the
corpus (``heze_ip_kg.align.similarity``, ``Scorer``), so one plan's text moves the scores of
pairs in every other plan, and a plan's alignments cannot be cached by its own inputs
(docs/incremental.md). This script proposes alignments as ``propose_alignments`` does, but with
weights taken, for each child document, from

- ``plan``: the child document and the documents it may carry out, or
- ``parents``: those documents alone (a bigram they lack gets the weight of a bigram seen
  nowhere),

and compares the proposals with today's: pairs only one side proposes, and scores that moved.
It changes nothing in the pipeline. It subclasses the aligner's internals on purpose: it
measures a design. Run it on the project's data and on a generated corpus, e.g.
``.venv/bin/python bench/align_weights.py --plans 300``.
"""

from __future__ import annotations

import argparse
import math
import shutil
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent

from heze_ip_kg.align import proposals as aligner  # noqa: E402
from heze_ip_kg.align import similarity  # noqa: E402
from heze_ip_kg.collector import collector_paused  # noqa: E402
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.pipeline import _responsibilities, build_documents, load_project  # noqa: E402
from heze_ip_kg.vocab.namespaces import DCTERMS  # noqa: E402

Proposed = dict[tuple[URIRef, URIRef], Decimal]  # (child, parent) → score, as published
MODES = ("plan", "parents")


class LocalScorer(similarity.Scorer):
    """Document frequencies from ``weighting`` alone; vectors for those and for ``others``."""

    def __init__(
        self, weighting: list[aligner.AlignableElement], others: Iterable[aligner.AlignableElement]
    ) -> None:
        items = weighting + [e for e in others if e not in set(weighting)]
        self.normalised = {e.iri: similarity.normalise(e.label + e.text) for e in items}
        counts = {t: similarity._bigrams_of(t) for t in set(self.normalised.values())}
        frequency: Counter[str] = Counter()
        for element in weighting:
            frequency.update(counts[self.normalised[element.iri]].keys())
        n = len(weighting)
        self.idf = {g: math.log((1 + n) / (1 + k)) + 1 for g, k in frequency.items()}
        self.unseen = math.log(1 + n) + 1  # the formula's weight for a bigram in no element
        self._label = {e.iri: self._normed(similarity.bigrams(e.label)) for e in items}
        self._full = {e.iri: self._normed(counts[self.normalised[e.iri]]) for e in items}

    def _weighted(self, counts: Counter[str]) -> dict[str, float]:
        return {g: n * self.idf.get(g, self.unseen) for g, n in counts.items()}


def propose_locally(graph: Graph, mode: str) -> Proposed:
    """``propose_alignments``'s proposals with weights local to each child document."""
    elements = aligner.element_index(graph)
    based_on = aligner._same_titles(graph, set(aligner.documents_citing(graph)))
    by_document: dict[URIRef, list[aligner.AlignableElement]] = {}
    for element in elements:
        by_document.setdefault(element.document, []).append(element)
    levels = {doc: items[0].level for doc, items in by_document.items()}
    titled = {d for d in graph.subjects(DCTERMS.title, None) if isinstance(d, URIRef)}
    candidates = aligner.candidate_documents(levels, based_on, titled)
    scorers: dict[URIRef, LocalScorer] = {}
    found: Proposed = {}
    for child in elements:
        documents = candidates.get(child.document, [])
        if child.document not in scorers:
            weighting = [child.document, *documents] if mode == "plan" else documents
            scorers[child.document] = LocalScorer(
                [e for d in weighting for e in by_document[d]], by_document[child.document]
            )
        scorer = scorers[child.document]
        by_doc: dict[URIRef, list[tuple[float, aligner.AlignableElement]]] = {}
        for document in documents:
            for parent in by_document[document]:
                if parent.cls not in aligner.COMPATIBLE[child.cls]:
                    continue
                score, _ = scorer.score(child, parent)
                if score >= 0.25:  # propose_alignments's defaults
                    by_doc.setdefault(parent.document, []).append((score, parent))
        for ranked in by_doc.values():
            ranked.sort(key=lambda r: (-r[0], str(r[1].iri)))
            for score, parent in ranked[:2]:
                found[(child.iri, parent.iri)] = Decimal(f"{score:.3f}")
    return found


def compare(data: Path | None) -> dict[str, object]:
    """Today's proposals for the project in ``data`` against each local mode's."""
    with collector_paused():
        project = load_project(data) if data else load_project()
        graph, texts = build_documents(project)
        _responsibilities(project, graph, texts)  # the graph the pipeline aligns
        start = time.perf_counter()
        today = {(p.child, p.parent): p.score for p in aligner.propose_alignments(graph)}
        result: dict[str, object] = {"proposals": len(today)}
        result["seconds"] = round(time.perf_counter() - start, 2)
        for mode in MODES:
            start = time.perf_counter()
            local = propose_locally(graph, mode)
            both = today.keys() & local.keys()
            moved = [abs(today[k] - local[k]) for k in both if today[k] != local[k]]
            result[mode] = {
                "seconds": round(time.perf_counter() - start, 2),
                "proposals": len(local),
                "only_today": len(today.keys() - local.keys()),
                "only_local": len(local.keys() - today.keys()),
                "scores_moved": len(moved),
                "largest_move": str(max(moved, default=Decimal(0))),
            }
            differ = sorted(today.keys() ^ local.keys())
            if len(differ) <= 4:  # small enough to name (the project's data)
                result[mode]["pairs"] = [f"{c} -> {p}" for c, p in differ]  # type: ignore[index]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--plans", type=int, default=30, help="size of the generated corpus")
    args = parser.parse_args()
    print("project data:", compare(None))
    work = ROOT / "bench" / f"work-weights-{args.plans}"
    shutil.rmtree(work, ignore_errors=True)
    write_corpus(generate_corpus(args.plans), work)
    try:
        print(f"{args.plans} plans:", compare(work))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
