"""The plan body: preamble, the numbered hierarchy, inferred parts and indicator tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from heze_ip_kg.errors import InputError
from heze_ip_kg.model import Element, ElementKind, IndicatorValues, PartKind, Span
from heze_ip_kg.parse.numbering import (
    MAX_NUMBER,
    Numbering,
    canonical_notation,
    read_numbering,
    to_chinese,
)
from heze_ip_kg.parse.source import Line
from heze_ip_kg.parse.table import (
    is_separator,
    is_table_line,
    read_header,
    read_row,
)

# Names given to a part whose heading the text lost, by what it contains.
PART_NAMES = {
    PartKind.GENERAL: ("总体要求", "General requirements"),
    PartKind.TASKS: ("重点任务", "Key tasks"),
    PartKind.PROJECTS: ("重点工程", "Key projects"),
    PartKind.SAFEGUARDS: ("保障措施", "Safeguards"),
    PartKind.OTHER: ("其他", "Other"),
}
_STATED_PART_WORDS = (
    (PartKind.GENERAL, ("总体要求", "指导思想", "总体思路", "目标")),
    (PartKind.SAFEGUARDS, ("保障", "组织实施")),
    (PartKind.PROJECTS, ("工程", "专项行动")),
    (PartKind.TASKS, ("任务", "举措", "措施")),
)
_GENERAL_WORDS = ("指导思想", "基本原则", "工作原则", "主要目标", "发展目标", "总体目标")
_SAFEGUARD_WORDS = ("组织领导", "保障", "监测评估", "考核评估", "督促检查")
_HEADING_ENDS = "。"
_HEADING_TRIM = "。；;，,：: \u3000"


@dataclass
class _Node:
    """A mutable node while the tree is assembled; frozen into an ``Element`` at the end."""

    level: int
    number: int
    notation: str
    heading: str
    first_line: Line | None
    lines: list[Line] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    kind: ElementKind | None = None
    indicator: IndicatorValues | None = None
    inferred: bool = False


def _heading(rest: str) -> str:
    end = rest.find(_HEADING_ENDS)
    if end == -1:
        for colon in ("：", ":"):
            pos = rest.find(colon)
            if 0 < pos <= 30:
                end = pos
                break
    head = rest if end == -1 else rest[:end]
    return head.strip(_HEADING_TRIM)


def _part_kind(node: _Node) -> PartKind:
    if not node.inferred:
        for kind, words in _STATED_PART_WORDS:
            if any(w in node.heading for w in words):
                return kind
        return PartKind.OTHER
    headings = [c.heading for c in node.children if c.kind is None]
    if any(w in h for h in headings for w in _GENERAL_WORDS):
        return PartKind.GENERAL
    if headings and sum(h.endswith(("工程", "行动")) for h in headings) * 2 > len(headings):
        return PartKind.PROJECTS
    leafy = all(not c.children for c in node.children)
    if leafy and any(w in h for h in headings for w in _SAFEGUARD_WORDS):
        return PartKind.SAFEGUARDS
    return PartKind.TASKS


def _inference_note(kind: PartKind, node: _Node) -> tuple[str, str]:
    heads = "、".join(c.heading for c in node.children[:3] if c.kind is None)
    zh, en = PART_NAMES[kind]
    return (
        f"原文缺少此部分标题：编号在此重新从“（一）”开始，故推断为一个新部分；"
        f"据其内容（{heads}等）命名为“{zh}”。",
        f"The source lost this part's heading: the numbering restarts at （一） here, so a new "
        f'part was inferred and named "{en}" ({zh}) from what it contains ({heads} …).',
    )


def _child_kind(part: PartKind, parent: _Node, node: _Node) -> ElementKind:
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
    if parent_kind is not ElementKind.PART:
        if part is PartKind.TASKS and parent_kind is ElementKind.TASK_AREA:
            return ElementKind.TASK
        return ElementKind.ITEM
    return {
        PartKind.TASKS: ElementKind.TASK_AREA,
        PartKind.PROJECTS: ElementKind.KEY_PROJECT,
        PartKind.SAFEGUARDS: ElementKind.SAFEGUARD,
    }.get(part, ElementKind.SECTION)


def _freeze(node: _Node, part: PartKind | None, parent: _Node | None, text: str) -> Element:
    kind = node.kind or ElementKind.PART
    if parent is not None and part is not None:
        kind = _child_kind(part, parent, node)
    node.kind = kind
    part_kind = _part_kind(node) if kind is ElementKind.PART else None
    heading, note_zh, note_en = node.heading, None, None
    if kind is ElementKind.PART and node.inferred:
        heading = PART_NAMES[part_kind or PartKind.OTHER][0]
        note_zh, note_en = _inference_note(part_kind or PartKind.OTHER, node)
    span = Span(node.lines[0].span.start, node.lines[-1].span.end) if node.lines else None
    children = tuple(_freeze(c, part_kind or part, node, text) for c in node.children)
    return Element(
        kind=kind,
        number=node.number,
        notation=node.notation,
        heading=heading,
        text=span.slice(text) if span else "",
        span=span,
        level=node.level,
        line=node.first_line.number if node.first_line else 0,
        inferred=node.inferred,
        inference_note_zh=note_zh,
        inference_note_en=note_en,
        part_kind=part_kind,
        indicator=node.indicator,
        children=children,
    )


class _TreeBuilder:
    """Assembles nodes line by line, keeping the open path from the root."""

    def __init__(self) -> None:
        self.parts: list[_Node] = []
        self.path: list[_Node] = []

    def _new_part(self, line: Line, numbering: Numbering | None) -> _Node:
        if numbering is None:
            number = len(self.parts) + 1
            if number > MAX_NUMBER[1]:
                raise InputError(
                    f"the numbering restarts at （一） here, which would begin part {number}: "
                    f"a plan has at most {MAX_NUMBER[1]} parts",
                    line=line.number,
                    column=1,
                )
            part = _Node(1, number, canonical_notation(1, number), "", None, inferred=True)
        else:
            part = _Node(
                1,
                numbering.number,
                numbering.canonical,
                _heading(line.text[numbering.length :]),
                line,
                [line],
            )
        self._check_sequence(self.parts, part, line, numbering)
        self.parts.append(part)
        self.path = [part]
        return part

    @staticmethod
    def _check_sequence(
        siblings: list[_Node], node: _Node, line: Line, numbering: Numbering | None
    ) -> None:
        numbered = [s for s in siblings if s.notation and s.kind is None]
        expected = numbered[-1].number + 1 if numbered else 1
        if numbering is not None and node.number != expected:
            last = MAX_NUMBER[numbering.level]
            wanted = (
                f"{canonical_notation(numbering.level, expected)} was expected"
                if expected <= last
                else f"the list already ends at {canonical_notation(numbering.level, last)}"
            )
            raise InputError(
                f"numbering out of sequence: {numbering.written} where {wanted}",
                line=line.number,
                column=1,
            )
        if numbering is None and node.level == 1:
            node.number = expected
            node.notation = canonical_notation(1, expected)

    def add_numbered(self, line: Line, numbering: Numbering) -> _Node:
        if numbering.level == 1:
            return self._new_part(line, numbering)
        current = self.path[0] if self.path else None
        restarts = (
            numbering.level == 2
            and numbering.number == 1
            and current is not None
            and any(c.level == 2 for c in current.children)
        )
        if current is None or restarts:
            self._new_part(line, None)
        while len(self.path) > 1 and self.path[-1].level >= numbering.level:
            self.path.pop()
        while self.path[-1].kind is not None:  # tables and rows hold no numbered children
            self.path.pop()
        parent = self.path[-1]
        node = _Node(
            numbering.level,
            numbering.number,
            numbering.canonical,
            _heading(line.text[numbering.length :]),
            line,
            [line],
        )
        self._check_sequence(parent.children, node, line, numbering)
        parent.children.append(node)
        self.path.append(node)
        return node

    def add_table(self, caption: Line | None, rows: list[Line]) -> None:
        if not self.path:
            raise InputError(
                "indicator table before any numbered heading", line=rows[0].number, column=1
            )
        while self.path[-1].kind is not None:
            self.path.pop()
        parent = self.path[-1]
        header, body = rows[0], rows[1:]
        columns = read_header(header)
        head_lines = ([caption] if caption else []) + [header]
        if body and is_separator(body[0]):
            head_lines.append(body[0])
            body = body[1:]
        if not body:
            raise InputError("indicator table without rows", line=header.number, column=1)
        tables = sum(c.kind is ElementKind.INDICATOR_TABLE for c in parent.children)
        table = _Node(
            0,
            tables + 1,
            "",
            caption.text if caption else "",
            head_lines[0],
            head_lines,
            kind=ElementKind.INDICATOR_TABLE,
        )
        for index, line in enumerate(body, start=1):
            row = read_row(line, columns)
            table.children.append(
                _Node(
                    0,
                    index,
                    "",
                    row.values.name,
                    line,
                    [line],
                    kind=ElementKind.INDICATOR,
                    indicator=row.values,
                )
            )
        parent.children.append(table)
        self.path.append(table)

    def add_plain(self, line: Line) -> None:
        if self.path[-1].kind in (ElementKind.INDICATOR_TABLE, ElementKind.INDICATOR):
            # A line after a table (注：…) cannot extend the table's span past its rows.
            while self.path[-1].kind is not None:
                self.path.pop()
            parent = self.path[-1]
            notes = sum(c.kind is ElementKind.NOTE for c in parent.children)
            note = _Node(0, notes + 1, "", "", line, [line], kind=ElementKind.NOTE)
            parent.children.append(note)
            self.path.append(note)
            return
        self.path[-1].lines.append(line)


def parse_body(lines: list[Line], text: str) -> tuple[Element | None, tuple[Element, ...]]:
    """The preamble (if any) and the top-level parts of the body ``lines``."""
    first = next((i for i, ln in enumerate(lines) if read_numbering(ln.text)), None)
    if first is None:
        # With no body left after the front matter, the place is the end of the file.
        at = lines[0].number if lines else text.count("\n") + 1
        raise InputError(
            "no numbered structure found (一、 / （一） / 1. …): not a plan text",
            line=at,
            column=1,
        )
    preamble = None
    if first > 0:
        head = lines[:first]
        if any(is_table_line(ln) for ln in head):
            bad = next(ln for ln in head if is_table_line(ln))
            raise InputError("table before the first numbered heading", line=bad.number, column=1)
        span = Span(head[0].span.start, head[-1].span.end)
        preamble = Element(
            ElementKind.PREAMBLE, 1, "", "", span.slice(text), span, 0, head[0].number
        )
    builder = _TreeBuilder()
    i = first
    while i < len(lines):
        line = lines[i]
        if is_table_line(line):
            j = i
            while j < len(lines) and is_table_line(lines[j]):
                j += 1
            builder.add_table(None, lines[i:j])
            i = j
            continue
        numbering = read_numbering(line.text)
        if numbering:
            builder.add_numbered(line, numbering)
        elif i + 1 < len(lines) and is_table_line(lines[i + 1]):
            j = i + 1
            while j < len(lines) and is_table_line(lines[j]):
                j += 1
            builder.add_table(line, lines[i + 1 : j])
            i = j
            continue
        else:
            builder.add_plain(line)
        i += 1
    parts = tuple(_freeze(p, None, None, text) for p in builder.parts)
    return preamble, parts


__all__ = ["PART_NAMES", "parse_body", "to_chinese"]
