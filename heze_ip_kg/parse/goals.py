"""Goals and targets written in prose: 到2025年，……专利密集型产业增加值占GDP比重达到13%，……
（上述指标均为预期性指标）.

A goals section that states goals for two or more years (到2025年…, 到2035年…) holds one
objective per year; a section with a single goal is that objective. Where no indicator table
gives the targets, each stated target (name, verb, number, unit) becomes an indicator of its
goal, with the exact span of the words that state it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from heze_ip_kg.parse.model import ElementKind, IndicatorValues
from heze_ip_kg.parse.table import PERCENT_UNIT
from heze_ip_kg.parse.tree import TABLE_RANK, Node

_GOAL = re.compile(r"到(\d{4})年")
_NAME = r"[^，,；;。、：:（）()“”\"\s]{2,40}?"
_VERB = r"达到|提高到|提升到|提高至|提升至|增长到|增加到|增至|超过|突破|不低于|不少于|达(?=\d)"
_UNIT = r"%|％|个百分点|万亿元|亿元|万元|元|万件|件|万个|个|万家|家|项|万人|人|次|倍"
_TARGET = re.compile(rf"(?P<name>{_NAME})(?:{_VERB})(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>{_UNIT})")
# A nature said of one target right after it, or of all the targets before it.
_NATURE_ONE = re.compile(r"[（(](预期性|约束性)(?:指标)?[）)]")  # matched right after a target
_NATURE_ALL = re.compile(r"(?:上述|以上)(?:其他|其余|各项|主要)?指标均为(预期性|约束性)指标")
_CLAUSE_END = "，,。；;"


def _goal_starts(node: Node) -> list[tuple[int, int]]:
    """(line index, offset) where each goal paragraph (到YYYY年…) of ``node`` begins; the first
    may run on from the heading line (（三）主要目标。到2025年，……)."""
    starts = []
    for index, line in enumerate(node.lines):
        at = 0
        if index == 0 and node.first_line is line:
            end = line.text.find("。")
            if end == -1:
                continue
            at = end + 1
            while at < len(line.text) and line.text[at] in " \u3000":
                at += 1
        if _GOAL.match(line.text, at):
            starts.append((index, line.span.start + at))
    return starts


def _goal_heading(text: str, start: int) -> str:
    """The year and the goal's first clause: 到2035年，我国知识产权综合竞争力跻身世界前列."""
    clauses = 0
    end = start
    while end < len(text) and text[end] not in "\r\n":
        if text[end] in _CLAUSE_END:
            clauses += 1
            if clauses == 2 or text[end] in "。；;":
                break
        end += 1
    return text[start:end]


def split_goals(node: Node, text: str) -> None:
    """Split a goals section into one objective per year; then read the targets in prose."""
    starts = _goal_starts(node)
    goals = [node]
    if len(starts) >= 2:
        goals = []
        for k, (index, offset) in enumerate(starts):
            last = starts[k + 1][0] if k + 1 < len(starts) else len(node.lines)
            lines = node.lines[index:last]
            goals.append(
                Node(
                    TABLE_RANK,
                    node.depth + 1,
                    k + 1,
                    "",
                    _goal_heading(text, offset),
                    lines[0],
                    lines,
                    kind=ElementKind.OBJECTIVE,
                    start=offset,
                )
            )
        first_index, first_offset = starts[0]
        if first_index == 0:  # the first goal runs on from the heading line
            head = node.lines[0]
            node.lines = [head]
            node.end = head.span.start + len(text[head.span.start : first_offset].rstrip())
        else:
            node.lines = node.lines[:first_index]
        node.kind = ElementKind.SECTION
        node.children[:0] = goals
    if any(c.kind is ElementKind.INDICATOR_TABLE for c in node.children):
        return  # the table gives the targets; the prose only repeats them
    for goal in goals:
        goal.children[:0] = _targets(goal, text)


def _targets(goal: Node, text: str) -> list[Node]:
    span = goal.span
    if span is None:
        return []
    body = span.slice(text)
    found: list[tuple[int, Node]] = []
    for match in _TARGET.finditer(body):
        name_start = match.start("name")
        year_match = _GOAL.match(body, name_start)
        if year_match:  # 到2025年全市…达到…: the year is not part of the name
            name_start = year_match.end()
        name = body[name_start : match.start("name") + len(match.group("name"))]
        if len(name) < 2:
            continue
        years = [int(y.group(1)) for y in _GOAL.finditer(body, 0, match.start())]
        unit = match.group("unit")
        one = _NATURE_ONE.match(body, match.end())
        start, end = span.start + name_start, span.start + match.end()
        line = next(ln for ln in reversed(goal.lines) if ln.span.start <= start)
        values = IndicatorValues(
            name=name,
            unit=PERCENT_UNIT if unit in ("%", "％") else unit,
            baseline=None,
            target=Decimal(match.group("value")),
            baseline_text="",
            target_text=match.group("value") + unit,
            baseline_year=None,
            target_year=years[-1] if years else None,
            nature=one.group(1) if one else None,
        )
        node = Node(
            TABLE_RANK,
            0,
            len(found) + 1,
            "",
            name,
            line,
            [line],
            kind=ElementKind.INDICATOR,
            indicator=values,
            start=start,
            end=end,
        )
        found.append((match.start(), node))
    for nature in _NATURE_ALL.finditer(body):
        for position, node in found:
            stated = node.indicator
            if stated is not None and position < nature.start() and stated.nature is None:
                node.indicator = replace(stated, nature=nature.group(1))
    return [node for _, node in found]


__all__ = ["split_goals"]
