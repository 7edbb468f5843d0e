"""Numbered lines into a tree: nesting by numbering style, and sequence checks that recover.

Real plans number their sections in more than one way: national texts run （一）… on across
chapters (（四） follows 三、), most others restart in each chapter; either is read as written.
A gap or a repeated number is an irregularity: the tree keeps the line where it stands, gives a
repeated number the next free one (so IRIs stay unique) and records a warning naming the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse.model import ElementKind, IndicatorValues, ParseWarning, Span
from heze_ip_kg.parse.numbering import (
    CN,
    MAX_NUMBER,
    Numbering,
    canonical_notation,
)
from heze_ip_kg.parse.source import Line

# Dash bullets (——法治保障，严格保护。) nest under any numbered heading; tables under anything.
BULLET_RANK = 50
TABLE_RANK = 100
BULLET = "——"
_HEADING_ENDS = "。"
_HEADING_TRIM = "。；;，,：: \u3000"


@dataclass
class Node:
    """A mutable node while the tree is assembled; frozen into an ``Element`` at the end.

    ``start`` / ``end`` narrow the span inside the first / last line, for text that shares a line
    with another node (a goal run into its section's heading, a target inside its goal).
    """

    rank: int
    depth: int
    number: int
    notation: str
    heading: str
    first_line: Line | None
    lines: list[Line] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    kind: ElementKind | None = None
    indicator: IndicatorValues | None = None
    inferred: bool = False
    start: int | None = None
    end: int | None = None

    @property
    def span(self) -> Span | None:
        """The span of the text this node owns, if any."""
        if not self.lines:
            return None
        start = self.lines[0].span.start if self.start is None else self.start
        end = self.lines[-1].span.end if self.end is None else self.end
        return Span(start, end)

    @property
    def numbered(self) -> bool:
        """A heading with a numbering of its own (not a bullet, table, row or note)."""
        return self.kind is None and self.rank < BULLET_RANK


def heading_of(rest: str) -> str:
    """The heading in the text after a numbering: up to 。 (or a colon near the start).

    >>> heading_of("构建门类齐全的法律体系。开展知识产权基础性法律研究。")
    '构建门类齐全的法律体系'
    """
    end = rest.find(_HEADING_ENDS)
    if end == -1:
        for colon in ("：", ":"):
            pos = rest.find(colon)
            if 0 < pos <= 30:
                end = pos
                break
    head = rest if end == -1 else rest[:end]
    return head.strip(_HEADING_TRIM)


class TreeBuilder:
    """Assembles nodes line by line, keeping the open path from the root."""

    def __init__(self) -> None:
        self.parts: list[Node] = []
        self.path: list[Node] = []
        self.warnings: list[ParseWarning] = []
        # The last number read in each style, so a list that runs on across chapters is read.
        self._last: dict[int, int] = {}

    def warn(self, line: Line, message: str) -> None:
        self.warnings.append(ParseWarning(line.number, 1, message))

    def _new_part(self, line: Line, numbering: Numbering | None) -> Node:
        if numbering is None:
            part = Node(CN, 1, 0, "", "", None, inferred=True)
        else:
            part = Node(
                numbering.rank,
                1,
                numbering.number,
                numbering.canonical,
                heading_of(line.text[numbering.length :]),
                line,
                [line],
            )
        self._place(self.parts, part, line, numbering)
        self.parts.append(part)
        self.path = [part]
        return part

    def _place(
        self, siblings: list[Node], node: Node, line: Line, numbering: Numbering | None
    ) -> None:
        """Check ``node``'s number against its siblings in the same style; recover and warn."""
        numbered = [s for s in siblings if s.numbered and s.rank == node.rank]
        rank = node.rank
        if numbering is None:  # an inferred part takes the next number
            expected = numbered[-1].number + 1 if numbered else 1
            if expected > MAX_NUMBER[CN]:
                raise InputError(
                    f"the numbering restarts at （一） here, which would begin part {expected}: "
                    f"a plan has at most {MAX_NUMBER[CN]} parts",
                    line=line.number,
                    column=1,
                )
            node.number, node.notation = expected, canonical_notation(CN, expected)
            return
        written, number = numbering.written, numbering.number
        if not numbered:
            runs_on = self._last.get(rank, 0) + 1
            if number not in (1, runs_on):
                self.warn(
                    line,
                    f"numbering begins at {written} here, neither at "
                    f"{canonical_notation(rank, 1, numbering.word)} nor running on from the "
                    "previous list: kept as written",
                )
        else:
            expected = numbered[-1].number + 1
            if number > expected:
                missing = canonical_notation(rank, expected, numbering.word)
                self.warn(
                    line,
                    f"numbering skips from {numbered[-1].notation} to {written} "
                    f"({missing} is missing): kept as written",
                )
            elif number < expected:
                if expected > MAX_NUMBER[rank]:
                    last = canonical_notation(rank, MAX_NUMBER[rank], numbering.word)
                    raise InputError(
                        f"numbering out of sequence: {written} where the list already ends at "
                        f"{last}",
                        line=line.number,
                        column=1,
                    )
                self.warn(
                    line,
                    f"numbering out of sequence: {written} after {numbered[-1].notation}; read "
                    f"as item {expected} of its list",
                )
                node.number = expected
        self._last[rank] = node.number

    def add_numbered(self, line: Line, numbering: Numbering) -> Node:
        rank = numbering.rank
        part = self.path[0] if self.path else None
        if part is None:
            if rank <= CN:
                return self._new_part(line, numbering)
            part = self._new_part(line, None)
        elif rank <= part.rank:
            return self._new_part(line, numbering)
        else:
            styles = [c.rank for c in part.children if c.numbered]
            # A list directly under the part that restarts at 1: the part's heading was lost.
            if numbering.number == 1 and styles and styles[0] == rank:
                part = self._new_part(line, None)
        while len(self.path) > 1 and self.path[-1].rank >= rank:
            self.path.pop()
        parent = self.path[-1]
        node = Node(
            rank,
            parent.depth + 1,
            numbering.number,
            numbering.canonical,
            heading_of(line.text[numbering.length :]),
            line,
            [line],
        )
        self._place(parent.children, node, line, numbering)
        parent.children.append(node)
        self.path.append(node)
        return node

    def add_bullet(self, line: Line) -> Node:
        """A dash bullet: an unnumbered item of the nearest numbered heading."""
        while len(self.path) > 1 and self.path[-1].rank >= BULLET_RANK:
            self.path.pop()
        parent = self.path[-1]
        number = sum(c.rank == BULLET_RANK for c in parent.children) + 1
        rest = line.text[len(BULLET) :]
        node = Node(BULLET_RANK, parent.depth + 1, number, BULLET, heading_of(rest), line, [line])
        parent.children.append(node)
        self.path.append(node)
        return node

    def add_table(self, caption: Line | None, rows: list[Node], head_lines: list[Line]) -> None:
        """An indicator table (its rows already read) under the nearest heading or bullet."""
        while self.path[-1].kind is not None:
            self.path.pop()
        parent = self.path[-1]
        tables = sum(c.kind is ElementKind.INDICATOR_TABLE for c in parent.children)
        table = Node(
            TABLE_RANK,
            0,
            tables + 1,
            "",
            caption.text if caption else "",
            head_lines[0],
            head_lines,
            kind=ElementKind.INDICATOR_TABLE,
        )
        table.children.extend(rows)
        parent.children.append(table)
        self.path.append(table)

    def add_plain(self, line: Line) -> None:
        if self.path[-1].kind in (ElementKind.INDICATOR_TABLE, ElementKind.INDICATOR):
            # A line after a table (注：…) cannot extend the table's span past its rows.
            while self.path[-1].kind is not None:
                self.path.pop()
            parent = self.path[-1]
            notes = sum(c.kind is ElementKind.NOTE for c in parent.children)
            note = Node(TABLE_RANK, 0, notes + 1, "", "", line, [line], kind=ElementKind.NOTE)
            parent.children.append(note)
            self.path.append(note)
            return
        self.path[-1].lines.append(line)


__all__ = ["BULLET", "BULLET_RANK", "TABLE_RANK", "Node", "TreeBuilder", "heading_of"]
