"""The trace block of a page: the chain up to the nation as a tree, and who takes it up.

Elements follow ``hip:implements`` (each step with its level, document, relation and the
alignment's status and evidence); documents follow ``eli:based_on``. Where the chain stops
below the nation the block says why, from the graph: a parent document encoded only in part
(its ``hip:ElementCount``), one known only by its cited title, a local initiative.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.term import Node

from heze_ip_kg.publish.context import Remark, Trace, TraceStep
from heze_ip_kg.publish.facts import RELATIONS, Linker, SiteFacts
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP

MAX_DEPTH = 6
MAX_DOWN = 120  # steps shown downwards (a national goal may be taken up by hundreds of plans)
BASED_ON = ("依据", "based on")
# Terms looked up once (a namespace attribute is a method call each time; these run per page).
_BASED_ON, _IMPLEMENTS, _IN_DOCUMENT, _IS_PART_OF = (
    ELI.based_on,
    HIP.implements,
    HIP.inDocument,
    DCTERMS.isPartOf,
)
_ELEMENT_COUNT, _DECLARED, _ENCODED, _COUNTED = (
    HIP.elementCount,
    HIP.declaredCount,
    HIP.encodedCount,
    HIP.countedClass,
)
_RELATION, _STATUS, _METHOD, _SCORE, _EVIDENCE, _REASON = (
    HIP.relation,
    HIP.reviewStatus,
    HIP.method,
    HIP.score,
    HIP.evidence,
    HIP.localInitiativeReason,
)


def _text(value: Node | None) -> str:
    return str(value) if isinstance(value, Literal) else ""


class TraceBuilder:
    """Trace blocks for one publication (read through its facts)."""

    def __init__(self, facts: SiteFacts, linker: Linker) -> None:
        self.facts = facts
        self.index = facts.index
        self.linker = linker
        self._parent_said: dict[Node, Remark] = {}  # parent document → its sentences

    def trace(self, subject: Node, path: str) -> Trace | None:
        """The block for ``subject``, or None if it is neither a document nor in one."""
        if subject in self.facts.documents:
            predicate = _BASED_ON
        elif self.index.value(subject, _IN_DOCUMENT) is not None:
            predicate = _IMPLEMENTS
        else:
            return None
        up = self._up(subject, predicate, path, {subject}, 0)
        budget = [MAX_DOWN]
        down = self._down(subject, predicate, path, {subject}, 0, budget)
        remarks = () if up else self._why_nothing_above(subject, path)
        more = len(self.index.subjects(predicate, subject)) if budget[0] < 0 else 0
        return Trace(up, down, remarks, more)

    def _step(self, child: Node, node: Node, predicate: Node, path: str, shown: Node) -> TraceStep:
        """The link ``child`` → ``node``, showing ``shown`` (one of the two) with its level."""
        facts, index = self.facts, self.index
        doc = facts.document_of(shown)
        alignment = None if predicate == _BASED_ON else facts.alignments.get((child, node))
        relation = BASED_ON if predicate == _BASED_ON else RELATIONS["implements"]
        status = method = score = evidence = None
        if alignment is not None:
            relation = RELATIONS.get(_text(index.value(alignment, _RELATION)), relation)
            status = index.value(alignment, _STATUS)
            method = _text(index.value(alignment, _METHOD))
            score = _text(index.value(alignment, _SCORE))
            evidence = _text(index.value(alignment, _EVIDENCE))
        return TraceStep(
            element=self.linker.link(shown, path),
            level=doc.level if doc else "",
            level_zh=doc.level_zh if doc else "未记录层级",
            level_en=doc.level_en if doc else "level not recorded",
            document=self.linker.link(doc.iri, path) if doc and doc.iri != shown else None,
            relation_zh=relation[0],
            relation_en=relation[1],
            status=self.linker.link(status, path) if status is not None else None,
            evidence=evidence or "",
            method=f"{method} {score or ''}".strip() if method else "",
            alignment=self.linker.link(alignment, path) if alignment is not None else None,
        )

    def _up(
        self, node: Node, predicate: Node, path: str, seen: set[Node], depth: int
    ) -> tuple[TraceStep, ...]:
        steps = []
        for parent in sorted(self.index.objects(node, predicate), key=str):  # type: ignore[arg-type]
            if parent in seen or depth >= MAX_DEPTH:
                continue
            step = self._step(node, parent, predicate, path, parent)
            above = self._up(parent, predicate, path, seen | {parent}, depth + 1)
            remarks = () if above or step.level == "national" else self._stop(parent, path)
            steps.append(_with(step, above, remarks))
        return tuple(steps)

    def _down(
        self,
        node: Node,
        predicate: Node,
        path: str,
        seen: set[Node],
        depth: int,
        budget: list[int],
    ) -> tuple[TraceStep, ...]:
        steps = []
        for child in sorted(self.index.subjects(predicate, node), key=str):  # type: ignore[arg-type]
            budget[0] -= 1
            if budget[0] < 0:
                break
            if child in seen or depth >= MAX_DEPTH:
                continue
            step = self._step(child, node, predicate, path, child)
            below = self._down(child, predicate, path, seen | {child}, depth + 1, budget)
            steps.append(_with(step, below, ()))
        return tuple(steps)

    def _why_nothing_above(self, node: Node, path: str) -> tuple[Remark, ...]:
        local = self.facts.local.get(node)
        if local is not None:
            reason = _text(self.index.value(node, _REASON))
            return (
                Remark(
                    "本地自主举措：上级文件中无对应要素。",
                    "A local initiative: no parent element corresponds."
                    + (f" {reason}" if reason else ""),
                    self.linker.link(local, path),
                ),
            )
        return self._stop(node, path)

    def _stop(self, node: Node, path: str) -> tuple[Remark, ...]:
        """Why no link goes up from ``node``: what the graph knows of its parent documents."""
        doc = self.facts.document_of(node)
        if doc is None:
            return (Remark("未记录所属文件。", "Its document is not recorded."),)
        parents = sorted(self.index.objects(doc.iri, _BASED_ON), key=str)
        if node == doc.iri and not self.index.subjects(_IS_PART_OF, node):
            return (self._parent_state(node, path),)  # a document known by its title only
        if not parents:
            if doc.level == "national":
                return ()
            return (Remark("未记录上级文件。", "No parent document is recorded.", None),)
        if node == doc.iri:
            return ()
        return tuple(self._parent_state(p, path) for p in parents)

    def _parent_state(self, parent: Node, path: str) -> Remark:
        """What the graph knows of ``parent``, linked from ``path`` (the sentences are the same
        on every page below that parent, so they are made once per parent)."""
        said = self._parent_said.get(parent)
        if said is None:
            said = self._parent_said[parent] = self._parent_sentences(parent)
        return Remark(said.zh, said.en, self.linker.link(parent, path))

    def _parent_sentences(self, parent: Node) -> Remark:
        """The remark on ``parent``, without its link."""
        index = self.index
        if not index.subjects(_IS_PART_OF, parent):
            return Remark(
                "未编码：该上级文件只有标题，其要素未编入图谱。",
                "Not encoded: only this parent's title is known; its parts are not in the graph.",
            )
        partial = []
        for count in index.objects(parent, _ELEMENT_COUNT):
            declared = index.value(count, _DECLARED)
            encoded = index.value(count, _ENCODED)
            kind = index.value(count, _COUNTED)
            known = isinstance(declared, Literal) and isinstance(encoded, Literal)
            if known and int(str(declared)) > int(str(encoded)):
                name = str(kind).rsplit("#", 1)[-1] if kind is not None else ""
                partial.append(f"{name} {encoded}/{declared}")
        if partial:
            shown = ", ".join(sorted(partial))
            return Remark(
                f"未编码：该上级文件只部分编入图谱（已编码/声明：{shown}），对应要素可能未编码。",
                f"Not encoded: this parent is only partly in the graph (encoded/declared: "
                f"{shown}); the corresponding part may be among those left out.",
            )
        return Remark(
            "该上级文件中未找到经审核的对应要素。",
            "No reviewed counterpart was found in this parent.",
        )


def _with(
    step: TraceStep, children: tuple[TraceStep, ...], remarks: tuple[Remark, ...]
) -> TraceStep:
    return TraceStep(**{**step.__dict__, "children": children, "remarks": remarks})


__all__ = ["TraceBuilder"]
