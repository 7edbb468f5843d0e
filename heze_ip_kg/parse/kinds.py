"""What each node of the tree is: part kinds by heading, place and content; element kinds by
part and parent; then the frozen ``Element`` tree."""

from __future__ import annotations

from heze_ip_kg.parse.goals import split_goals
from heze_ip_kg.parse.model import Element, ElementKind, ParseWarning, PartKind
from heze_ip_kg.parse.tree import Node

# Names given to a part whose heading the text lost, by what it contains.
PART_NAMES = {
    PartKind.GENERAL: ("总体要求", "General requirements"),
    PartKind.TASKS: ("重点任务", "Key tasks"),
    PartKind.PROJECTS: ("重点工程", "Key projects"),
    PartKind.SAFEGUARDS: ("保障措施", "Safeguards"),
    PartKind.MEASURES: ("任务", "Tasks"),
    PartKind.OTHER: ("其他", "Other"),
}
_STATED_PART_WORDS = (
    (PartKind.GENERAL, ("总体要求", "指导思想", "总体思路", "目标")),
    (PartKind.SAFEGUARDS, ("保障", "组织实施")),
    (PartKind.PROJECTS, ("工程", "专项行动")),
)
# A part named for its tasks as such (重点任务, 主要举措) holds task areas; a longer heading that
# happens to contain 措施 (…的政策措施) is a chapter of measures like its neighbours.
_TASK_PART_ENDS = ("任务", "举措", "措施")
_TASK_PART_MAX = 8
_GENERAL_WORDS = ("指导思想", "基本原则", "工作原则", "主要目标", "发展目标", "总体目标")
_SAFEGUARD_WORDS = ("组织领导", "保障", "监测评估", "考核评估", "督促检查")


def _stated_part_kind(node: Node) -> PartKind:
    for kind, words in _STATED_PART_WORDS:
        if any(w in node.heading for w in words):
            return kind
    if node.heading.endswith(_TASK_PART_ENDS) and len(node.heading) <= _TASK_PART_MAX:
        return PartKind.TASKS
    return PartKind.OTHER


def _inferred_part_kind(node: Node) -> PartKind:
    headings = [c.heading for c in node.children if c.kind is None]
    if any(w in h for h in headings for w in _GENERAL_WORDS):
        return PartKind.GENERAL
    if headings and sum(h.endswith(("工程", "行动")) for h in headings) * 2 > len(headings):
        return PartKind.PROJECTS
    leafy = all(not c.children for c in node.children)
    if leafy and any(w in h for h in headings for w in _SAFEGUARD_WORDS):
        return PartKind.SAFEGUARDS
    return PartKind.TASKS


def part_kinds(parts: list[Node]) -> list[PartKind]:
    """The kind of each part: by its heading (or, for an inferred part, its content); then a
    stated part that no heading word places, holding numbered sections, after the general
    requirements and before the safeguards, is a chapter of measures (the national genre:
    三、建设面向社会主义现代化的知识产权制度 → （四）构建…法律体系)."""
    kinds = [_inferred_part_kind(p) if p.inferred else _stated_part_kind(p) for p in parts]
    after_general = False
    for index, (part, kind) in enumerate(zip(parts, kinds, strict=True)):
        if kind is PartKind.GENERAL:
            after_general = True
        elif kind is PartKind.SAFEGUARDS:
            after_general = False
        elif kind is PartKind.OTHER and after_general and any(c.numbered for c in part.children):
            kinds[index] = PartKind.MEASURES
    return kinds


def inference_note(kind: PartKind, node: Node) -> tuple[str, str]:
    """Why an inferred part exists and is named so, in Chinese and English."""
    heads = "、".join(c.heading for c in node.children[:3] if c.kind is None)
    zh, en = PART_NAMES[kind]
    return (
        f"原文缺少此部分标题：编号在此重新从“（一）”开始，故推断为一个新部分；"
        f"据其内容（{heads}等）命名为“{zh}”。",
        f"The source lost this part's heading: the numbering restarts at （一） here, so a new "
        f'part was inferred and named "{en}" ({zh}) from what it contains ({heads} …).',
    )


def _child_kind(part: PartKind, parent: Node, node: Node) -> ElementKind:
    if node.kind is not None:
        return node.kind
    parent_kind = parent.kind
    if part is PartKind.GENERAL:
        if parent_kind is ElementKind.PART:
            if "指导思想" in node.heading:
                return ElementKind.GUIDING_IDEA
            if "目标" in node.heading:
                return ElementKind.OBJECTIVE
            return ElementKind.SECTION
        if parent_kind is ElementKind.SECTION and "原则" in parent.heading:
            return ElementKind.PRINCIPLE
        if parent_kind is ElementKind.OBJECTIVE:
            return ElementKind.OBJECTIVE
        return ElementKind.ITEM
    if part is PartKind.MEASURES:
        return ElementKind.TASK if parent_kind is ElementKind.TASK_AREA else ElementKind.ITEM
    if parent_kind is not ElementKind.PART:
        if part is PartKind.TASKS and parent_kind is ElementKind.TASK_AREA:
            return ElementKind.TASK
        return ElementKind.ITEM
    return {
        PartKind.TASKS: ElementKind.TASK_AREA,
        PartKind.PROJECTS: ElementKind.KEY_PROJECT,
        PartKind.SAFEGUARDS: ElementKind.SAFEGUARD,
    }.get(part, ElementKind.SECTION)


class Freezer:
    """Turns the assembled nodes into ``Element``s, deciding kinds on the way down."""

    def __init__(self, text: str, warnings: list[ParseWarning]) -> None:
        self.text = text
        self.warnings = warnings

    def part(self, node: Node, kind: PartKind) -> Element:
        node.kind = ElementKind.TASK_AREA if kind is PartKind.MEASURES else ElementKind.PART
        note_zh = note_en = None
        if node.inferred:
            node.heading = PART_NAMES[kind][0]
            note_zh, note_en = inference_note(kind, node)
        return self._element(node, kind, note_zh, note_en)

    def _child(self, node: Node, part: PartKind, parent: Node) -> Element:
        preset = node.kind is not None  # tables, rows, notes, goals and targets already know
        node.kind = _child_kind(part, parent, node)
        if (
            not preset
            and node.kind is ElementKind.OBJECTIVE
            and parent.kind is not ElementKind.OBJECTIVE
        ):
            split_goals(node, self.text)
        return self._element(node, part)

    def _element(
        self, node: Node, part: PartKind, note_zh: str | None = None, note_en: str | None = None
    ) -> Element:
        assert node.kind is not None
        self._unique_numbers(node, part)
        span = node.span
        children = tuple(self._child(c, part, node) for c in node.children)
        return Element(
            kind=node.kind,
            number=node.number,
            notation=node.notation,
            heading=node.heading,
            text=span.slice(self.text) if span else "",
            span=span,
            level=node.depth,
            line=node.first_line.number if node.first_line else 0,
            inferred=node.inferred,
            inference_note_zh=note_zh,
            inference_note_en=note_en,
            part_kind=part if node.depth == 1 else None,
            indicator=node.indicator,
            children=children,
        )

    def _unique_numbers(self, node: Node, part: PartKind) -> None:
        """Children that would share an IRI (a bullet and a numbered item both item-2): the
        numbered ones keep their numbers, the others take the next free one, with a warning."""
        taken = {(_child_kind(part, node, c), c.number) for c in node.children if c.numbered}
        for child in node.children:
            if child.numbered:
                continue
            kind = _child_kind(part, node, child)
            if (kind, child.number) in taken and child.first_line is not None:
                number = max(n for k, n in taken if k is kind) + 1
                self.warnings.append(
                    ParseWarning(
                        child.first_line.number,
                        1,
                        f"{child.notation or 'this line'} would be a second {kind.value}-"
                        f"{child.number} here: numbered {number}",
                    )
                )
                child.number = number
            taken.add((kind, child.number))


__all__ = ["PART_NAMES", "Freezer", "inference_note", "part_kinds"]
