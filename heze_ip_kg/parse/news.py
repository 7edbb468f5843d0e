"""What news agencies and portals print around a text: a headline, 发布时间 / 来源 lines, news
sentences before the preamble, （新华社） at the end, and （本文有删减）.

None of it is part of the document: it is read so that the body starts where the document does,
the title comes from the headline's 《…》 and the document never cites itself.
"""

from __future__ import annotations

import re

from heze_ip_kg.parse.model import MetadataField, Span
from heze_ip_kg.parse.numbering import read_numbering
from heze_ip_kg.parse.source import Line

# Keys of the lines a portal prints under a headline (发布时间：2021-09-23 来源：新华社).
PORTAL_KEYS = ("发布时间", "来源", "信息来源", "作者", "日期", "时间", "责任编辑")
_PORTAL_FIELD = re.compile(
    r"(?P<key>"
    + "|".join(PORTAL_KEYS)
    + r")[:：]\s*(?P<value>.*?)\s*(?=(?:"
    + "|".join(PORTAL_KEYS)
    + r")[:：]|$)"
)
_NEWS_START = re.compile(r"^(?:近日|日前|新华社|本报讯|据新华社|据新华网|记者)")
_NEWS_ANY = re.compile(r"印发了|发出通知|主要内容如下|全文如下|内容如下|日电")
_ABRIDGED = re.compile(r"[(（]本文有删减[)）]")
_CREDIT = re.compile(r"[(（](新华社|人民日报|新华网|央视新闻|中新社)[)）]")
_END_MARK = re.compile(r"(?:[(（](?:新华社|人民日报|新华网|央视新闻|中新社|本文有删减|完)[)）])+$")
_CITED = re.compile(r"《([^《》]{2,80})》")
PLAN_TITLE_END = ("规划", "纲要", "方案", "计划", "意见", "办法")
_YEARS = re.compile(r"[(（][^()（）]{1,20}[)）]$")


def is_plan_title(text: str) -> bool:
    """Whether ``text`` reads as the title of a plan: it ends with 规划, 纲要 … (before a
    parenthesis such as （2021－2035年）).

    >>> is_plan_title("知识产权强国建设纲要（2021－2035年）"), is_plan_title("主要内容如下")
    (True, False)
    """
    return _YEARS.sub("", text).endswith(PLAN_TITLE_END)


def portal_fields(line: Line) -> list[MetadataField] | None:
    """The fields of a portal line (发布时间：… 来源：…), or None when it is not one.

    >>> line = Line(1, Span(0, 26), "发布时间：2021-09-23 来源：新华社")
    >>> [(f.key, f.value) for f in portal_fields(line) or ()]
    [('发布时间', '2021-09-23'), ('来源', '新华社')]
    """
    fields: list[MetadataField] = []
    pos = 0
    text = line.text
    while pos < len(text):
        match = _PORTAL_FIELD.match(text, pos)
        if not match:
            return None
        value = match.group("value")
        start = line.span.start + match.start("value")
        fields.append(
            MetadataField(match.group("key"), value, Span(start, start + len(value)), line.number)
        )
        pos = match.end()
        while pos < len(text) and text[pos] in " \t\u3000|":
            pos += 1
    return fields or None


def headline_title(line: Line) -> tuple[str, Span] | None:
    """The title a headline names in 《…》 (中共中央 国务院印发《…纲要》), with its span; None
    when the line is not a headline."""
    text = line.text
    if len(text) > 80 or "。" in text or read_numbering(text):
        return None
    match = _CITED.search(text)
    if not match or not is_plan_title(match.group(1)):
        return None
    start = line.span.start + match.start(1)
    return match.group(1), Span(start, start + len(match.group(1)))


def is_news_line(line: Line) -> bool:
    """A news sentence before the document (近日，……印发了《…》; 《…》主要内容如下。)."""
    if read_numbering(line.text):
        return False
    return bool(_NEWS_START.match(line.text) or _NEWS_ANY.search(line.text))


def is_abridged_line(line: Line) -> bool:
    """A line that only says the text was abridged: （本文有删减）."""
    return bool(_ABRIDGED.fullmatch(line.text))


def strip_end_marks(
    lines: list[Line],
) -> tuple[list[Line], tuple[str, Span] | None, Span | None]:
    """The body lines without the agency's credit and the abridged marker at the end, whether
    on lines of their own or after the last sentence; and the credit and marker found."""
    credit: tuple[str, Span] | None = None
    abridged: Span | None = None
    lines = list(lines)
    while lines:
        last = lines[-1]
        match = _END_MARK.search(last.text)
        if not match:
            break
        for mark in re.finditer(r"[(（][^()（）]+[)）]", match.group()):
            start = last.span.start + match.start() + mark.start()
            span = Span(start, start + len(mark.group()))
            if _ABRIDGED.fullmatch(mark.group()):
                abridged = abridged or span
            elif (found := _CREDIT.fullmatch(mark.group())) is not None:
                credit = credit or (found.group(1), span)
        kept = last.text[: match.start()].rstrip(" \t\u3000")
        if kept:
            lines[-1] = Line(last.number, Span(last.span.start, last.span.start + len(kept)), kept)
            break
        lines.pop()
    return lines, credit, abridged


__all__ = [
    "PLAN_TITLE_END",
    "PORTAL_KEYS",
    "headline_title",
    "is_abridged_line",
    "is_news_line",
    "is_plan_title",
    "portal_fields",
    "strip_end_marks",
]
