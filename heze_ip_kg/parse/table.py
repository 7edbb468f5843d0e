"""The main-indicator table: caption, header with years, and typed rows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse.model import IndicatorValues, Span
from heze_ip_kg.parse.source import Line

PIPES = "|｜"
PERCENT_UNIT = "百分比"
NATURES = ("预期性", "约束性")
_MISSING = {"", "-", "—", "——", "–", "/", "／", "无"}
_UNIT = re.compile(r"^(?P<name>.+?)\s*[(（](?P<unit>[^()（）]{1,12})[)）]$")
_YEAR = re.compile(r"(\d{4})\s*年")
_SEPARATOR = re.compile(r"^[\s|｜:：\-—]+$")


@dataclass(frozen=True)
class Cell:
    """A table cell's text (stripped) and its span."""

    text: str
    span: Span


@dataclass(frozen=True)
class Row:
    """One parsed row of an indicator table, with the line it came from."""

    line: Line
    values: IndicatorValues


@dataclass(frozen=True)
class Columns:
    """Which cell holds what, read from the header row."""

    name: int
    baseline: int
    target: int
    unit: int | None
    nature: int | None
    baseline_year: int | None
    target_year: int | None


def is_table_line(line: Line) -> bool:
    """A line of a pipe table (at least two cells)."""
    return sum(line.text.count(p) for p in PIPES) >= 2


def split_cells(line: Line) -> list[Cell]:
    """The cells of a pipe-table line, without the empty cells outside the outer pipes."""
    cells: list[Cell] = []
    pos = 0
    for raw in re.split(f"[{PIPES}]", line.text):
        lead = len(raw) - len(raw.lstrip(" \t\u3000"))
        text = raw.strip(" \t\u3000")
        start = line.span.start + pos + lead
        cells.append(Cell(text, Span(start, start + len(text))))
        pos += len(raw) + 1
    while cells and not cells[-1].text:
        cells.pop()
    while cells and not cells[0].text:
        cells.pop(0)
    return cells


def read_header(line: Line) -> Columns:
    """Find the name, baseline, target, unit and nature columns of a header row."""
    cells = [c.text for c in split_cells(line)]

    def find(*words: str) -> int | None:
        return next((i for i, c in enumerate(cells) if any(w in c for w in words)), None)

    name = find("指标", "名称")
    baseline = find("基期", "基准", "现状", "基数")
    target = find("预期", "目标", "规划值")
    year_cols = [i for i, c in enumerate(cells) if _YEAR.search(c)]
    if baseline is None and len(year_cols) >= 2:
        baseline = year_cols[0]
    if target is None and len(year_cols) >= 2:
        target = year_cols[-1]
    if name is None or baseline is None or target is None:
        raise InputError(
            "table header not recognised: need an indicator column (指标), a baseline (基期值) "
            "and a target (预期值/目标值)",
            line=line.number,
            column=1,
        )

    def year(col: int) -> int | None:
        match = _YEAR.search(cells[col])
        return int(match.group(1)) if match else None

    return Columns(
        name, baseline, target, find("单位"), find("属性", "性质"), year(baseline), year(target)
    )


def is_separator(line: Line) -> bool:
    """A Markdown-style ``|---|---|`` rule under the header."""
    return bool(_SEPARATOR.match(line.text)) and "-" in line.text


def _number(cell: Cell, line: Line) -> tuple[Decimal | None, bool]:
    text = unicodedata.normalize("NFKC", cell.text).replace(",", "").strip()
    if text in _MISSING:
        return None, False
    percent = text.endswith("%")
    try:
        return Decimal(text.rstrip("%").strip()), percent
    except InvalidOperation:
        raise InputError(
            f"indicator value {cell.text!r} is not a number",
            line=line.number,
            column=line.column(cell.span.start),
        ) from None


def read_row(line: Line, columns: Columns) -> Row:
    """Typed values of one body row: unit from the name's parenthesis, % → 百分比."""
    cells = split_cells(line)
    needed = max(c for c in (columns.name, columns.baseline, columns.target) if c is not None)
    if len(cells) <= needed:
        raise InputError(
            f"table row has {len(cells)} cells, the header needs {needed + 1}",
            line=line.number,
            column=1,
        )
    raw_name = cells[columns.name].text
    match = _UNIT.match(raw_name)
    name, unit = (match.group("name"), match.group("unit")) if match else (raw_name, None)
    if columns.unit is not None and columns.unit < len(cells) and cells[columns.unit].text:
        unit = cells[columns.unit].text
    baseline, base_pct = _number(cells[columns.baseline], line)
    target, target_pct = _number(cells[columns.target], line)
    if (base_pct or target_pct) and unit in (None, "%", "％"):
        unit = PERCENT_UNIT
    if (base_pct or target_pct) and unit != PERCENT_UNIT:
        raise InputError(f"value with % but unit {unit!r}", line=line.number, column=1)
    nature = None
    if columns.nature is not None and columns.nature < len(cells):
        nature = cells[columns.nature].text or None
        if nature is not None and nature not in NATURES:
            raise InputError(
                f"indicator nature {nature!r} is neither 预期性 nor 约束性",
                line=line.number,
                column=line.column(cells[columns.nature].span.start),
            )
    if not name:
        raise InputError("indicator row without a name", line=line.number, column=1)
    values = IndicatorValues(
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        baseline_text=cells[columns.baseline].text,
        target_text=cells[columns.target].text,
        baseline_year=columns.baseline_year,
        target_year=columns.target_year,
        nature=nature,
    )
    return Row(line, values)
