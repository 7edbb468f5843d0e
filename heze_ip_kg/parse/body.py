"""The plan body: preamble, the numbered hierarchy with its bullets and indicator tables."""

from __future__ import annotations

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse.kinds import PART_NAMES, Freezer, part_kinds
from heze_ip_kg.parse.model import Element, ElementKind, ParseWarning, Span
from heze_ip_kg.parse.numbering import read_numbering, to_chinese
from heze_ip_kg.parse.source import Line
from heze_ip_kg.parse.table import is_separator, is_table_line, read_header, read_row
from heze_ip_kg.parse.tree import BULLET, TABLE_RANK, Node, TreeBuilder


def _is_bullet(line: Line) -> bool:
    return (
        line.text.startswith(BULLET)
        and len(line.text) > len(BULLET) + 1
        and (line.text[len(BULLET)] != BULLET[0])
    )


def _add_table(builder: TreeBuilder, caption: Line | None, rows: list[Line]) -> None:
    if not builder.path:
        raise InputError(
            "indicator table before any numbered heading", line=rows[0].number, column=1
        )
    header, body = rows[0], rows[1:]
    columns = read_header(header)
    head_lines = ([caption] if caption else []) + [header]
    if body and is_separator(body[0]):
        head_lines.append(body[0])
        body = body[1:]
    if not body:
        raise InputError("indicator table without rows", line=header.number, column=1)
    nodes = []
    for index, line in enumerate(body, start=1):
        row = read_row(line, columns)
        nodes.append(
            Node(
                TABLE_RANK,
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
    builder.add_table(caption, nodes, head_lines)


def parse_body(
    lines: list[Line], text: str
) -> tuple[Element | None, tuple[Element, ...], tuple[ParseWarning, ...]]:
    """The preamble (if any), the top-level parts of the body ``lines``, and the warnings."""
    first = next((i for i, ln in enumerate(lines) if read_numbering(ln.text)), None)
    if first is None:
        # With no body left after the front matter, the place is the end of the file.
        at = lines[0].number if lines else text.count("\n") + 1
        raise InputError(
            "no numbered structure found (一、 / （一） / 1. / 第一章 …): not a plan text",
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
    builder = TreeBuilder()
    i = first
    while i < len(lines):
        line = lines[i]
        if is_table_line(line):
            j = i
            while j < len(lines) and is_table_line(lines[j]):
                j += 1
            _add_table(builder, None, lines[i:j])
            i = j
            continue
        numbering = read_numbering(line.text)
        if numbering:
            builder.add_numbered(line, numbering)
        elif _is_bullet(line):
            builder.add_bullet(line)
        elif i + 1 < len(lines) and is_table_line(lines[i + 1]):
            j = i + 1
            while j < len(lines) and is_table_line(lines[j]):
                j += 1
            _add_table(builder, line, lines[i + 1 : j])
            i = j
            continue
        else:
            builder.add_plain(line)
        i += 1
    freezer = Freezer(text, builder.warnings)
    kinds = part_kinds(builder.parts)
    parts = tuple(freezer.part(p, k) for p, k in zip(builder.parts, kinds, strict=True))
    return preamble, parts, tuple(sorted(builder.warnings, key=lambda w: w.line))


__all__ = ["PART_NAMES", "parse_body", "to_chinese"]
