"""The front matter of a plan text: the website's metadata block, the notice and the title."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse.model import CitedTitle, MetadataField, Notice, Span, title_key
from heze_ip_kg.parse.news import (
    headline_title,
    is_abridged_line,
    is_news_line,
    is_plan_title,
    portal_fields,
)
from heze_ip_kg.parse.source import Line

# Metadata keys as government websites print them, once spaces are removed.
METADATA_KEYS = (
    "索引号",
    "分类",
    "主题分类",
    "发布机构",
    "发文机关",
    "成文日期",
    "发布日期",
    "标题",
    "文号",
    "发文字号",
    "内容概述",
    "效力状态",
    "主题词",
    "公文种类",
)
_KEY_SPACE = re.compile(r"[\s\u3000]+")
_COLON = ":："
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_DATE_LINE = re.compile(r"^" + _DATE.pattern + r"$")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号$")
_RELEASE = re.compile(r"^[(（]此件(?:公开发布|主动公开)[)）]$")
_CITED = re.compile(r"《([^《》]{2,80})》")
_APPROVAL = re.compile(
    r"已经(?P<date>\d{4}年\d{1,2}月\d{1,2}日)?(?P<meeting>[^,，。、]{2,40}?会议)(?:审议)?通过"
)
_MAX_NOTICE_LINES = 40


@dataclass(frozen=True)
class FrontMatter:
    """What precedes the plan body, and the index of the first body line."""

    metadata: tuple[MetadataField, ...]
    notice: Notice | None
    title: str | None
    title_span: Span | None
    title_inferred_from: str | None
    body_start: int
    headline: Line | None = None
    news: tuple[Line, ...] = ()
    abridged: Line | None = None


def parse_date(text: str) -> dt.date | None:
    """A ``YYYY年M月D日`` date in ``text`` (or one that begins ``YYYY-MM-DD``), or None.

    >>> parse_date("2022 年 10 月 31 日"), parse_date("2021-09-23 10:05")
    (datetime.date(2022, 10, 31), datetime.date(2021, 9, 23))
    """
    match = _DATE.search(text) or _ISO_DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _normal_key(raw: str) -> str:
    return _KEY_SPACE.sub("", raw).rstrip(_COLON)


def _metadata_fields(line: Line) -> list[MetadataField] | None:
    """Fields of a metadata line in table form (``键: | 值 |``) or list form (``- 键:值``)."""
    text, start = line.text, line.span.start
    if "|" in text:
        fields: list[MetadataField] = []
        cells: list[tuple[str, int]] = []
        pos = 0
        for raw in text.split("|"):
            stripped = raw.strip(" \t\u3000")
            offset = pos + (len(raw) - len(raw.lstrip(" \t\u3000")))
            cells.append((stripped, offset))
            pos += len(raw) + 1
        i = 0
        while i < len(cells):
            key = _normal_key(cells[i][0])
            if cells[i][0].endswith(tuple(_COLON)) and key in METADATA_KEYS and i + 1 < len(cells):
                value, offset = cells[i + 1]
                span = Span(start + offset, start + offset + len(value))
                fields.append(MetadataField(key, value, span, line.number))
                i += 2
            elif not cells[i][0]:
                i += 1
            else:
                return None
        return fields or None
    body = text[2:] if text.startswith(("- ", "* ")) else text
    skip = len(text) - len(body)
    for sep in _COLON:
        key_raw, found, rest = body.partition(sep)
        if found and _normal_key(key_raw) in METADATA_KEYS:
            value = rest.strip(" \t\u3000")
            offset = skip + len(key_raw) + 1 + (len(rest) - len(rest.lstrip(" \t\u3000")))
            span = Span(start + offset, start + offset + len(value))
            return [MetadataField(_normal_key(key_raw), value, span, line.number)]
    return None


def _notice(lines: list[Line], start: int, text: str) -> tuple[Notice, int] | None:
    """The notice beginning at ``lines[start]``, and the index of the line after it."""
    window = lines[start : start + _MAX_NOTICE_LINES]
    title_end = next((i for i, ln in enumerate(window[:4]) if ln.text.endswith("通知")), None)
    if title_end is None:
        return None
    title_lines = window[: title_end + 1]
    i = title_end + 1
    number = None
    if i < len(window) and _DOC_NUMBER.match(window[i].text):
        number = window[i]
        i += 1
    addressees: Line | None = None
    if i < len(window) and window[i].text.endswith(tuple(_COLON)):
        addressees = window[i]
        i += 1
    date_at = next((j for j in range(i, len(window)) if _DATE_LINE.match(window[j].text)), None)
    if date_at is None or date_at - 1 <= i:
        return None
    body_lines, signature = window[i : date_at - 1], window[date_at - 1]
    date_line = window[date_at]
    end = date_at + 1
    release = None
    if end < len(window) and _RELEASE.match(window[end].text):
        release = window[end]
        end += 1
    body_span = Span(body_lines[0].span.start, body_lines[-1].span.end)
    body = body_span.slice(text)
    cited = _CITED.search(body)
    approval = _APPROVAL.search(body)
    names = addressees.text.rstrip(_COLON) if addressees else ""
    notice = Notice(
        title="".join(ln.text for ln in title_lines),
        title_span=Span(title_lines[0].span.start, title_lines[-1].span.end),
        document_number=number.text if number else None,
        document_number_span=number.span if number else None,
        addressees=tuple(a for a in re.split(r"[,，]", names) if a),
        addressees_span=addressees.span if addressees else None,
        body=body,
        body_span=body_span,
        promulgated_title=(
            CitedTitle(
                cited.group(1),
                Span(body_span.start + cited.start(1), body_span.start + cited.end(1)),
            )
            if cited
            else None
        ),
        approval_meeting=approval.group("meeting") if approval else None,
        approval_date=parse_date(approval.group("date") or "") if approval else None,
        signature=signature.text,
        signature_span=signature.span,
        date=parse_date(date_line.text),
        date_span=date_line.span,
        publicly_released=release is not None,
        release_span=release.span if release else None,
        span=Span(title_lines[0].span.start, window[end - 1].span.end),
    )
    return notice, start + end


def _is_title_line(line: Line) -> bool:
    text = line.text.strip("《》")
    return len(text) <= 60 and is_plan_title(text) and not any(c in text for c in "。,，;；:：|")


def parse_front(lines: list[Line], text: str) -> FrontMatter:
    """Metadata, a news headline and news sentences, the notice and the title at the top of
    ``lines``, in the orders government sites and news portals print them."""
    metadata: list[MetadataField] = []
    notice = headline = abridged = None
    news: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fields = _metadata_fields(line) or portal_fields(line)
        if fields is not None:
            metadata.extend(fields)
        elif abridged is None and is_abridged_line(line):
            abridged = line
        elif notice is None and (found := _notice(lines, i, text)) is not None:
            notice, i = found
            continue
        elif notice is None and headline is None and not news and headline_title(line):
            headline = line
        elif notice is None and (headline or metadata or news) and is_news_line(line):
            news.append(line)
        else:
            break
        i += 1
    for key in ("成文日期", "发布日期", "发布时间"):
        for f in metadata:
            if f.key == key and parse_date(f.value) is None:
                raise InputError(
                    f"{key} {f.value!r} is not a date like 2022年10月31日 or 2022-10-31",
                    line=f.line,
                    column=f.span.start - text.rfind("\n", 0, f.span.start),
                )
    title = title_span = inferred_from = None
    read = headline_title(headline) if headline else None
    if i < len(lines) and _is_title_line(lines[i]):
        title, title_span = lines[i].text.strip("《》"), lines[i].span
        i += 1
    elif read is not None:
        (title, title_span), inferred_from = read, "headline"
    elif notice and notice.promulgated_title:
        title, inferred_from = notice.promulgated_title.title, "notice"
    else:
        heading = next((f.value for f in metadata if f.key == "标题"), None)
        match = re.search(r"关于印发(.+?)的通知$", heading or "")
        if match:
            title, inferred_from = match.group(1), "metadata"
    if abridged is None and i < len(lines) and is_abridged_line(lines[i]):
        abridged, i = lines[i], i + 1
    return FrontMatter(
        tuple(metadata),
        notice,
        title,
        title_span,
        inferred_from,
        i,
        headline,
        tuple(news),
        abridged,
    )


def cited_titles(text: str, span: Span, own: str | None = None) -> tuple[CitedTitle, ...]:
    """Titles cited in 《》 in the basis clause (依据/根据/按照 …) of the preamble at ``span``;
    never the document's ``own`` title (a text that names itself does not cite itself)."""
    body = span.slice(text)
    anchor = re.search(r"(依据|根据|按照|贯彻落实)", body)
    if not anchor:
        return ()
    clause_end = body.find("制定本", anchor.end())
    stop = clause_end if clause_end != -1 else len(body)
    own_key = title_key(own) if own else None
    return tuple(
        CitedTitle(m.group(1), Span(span.start + m.start(1), span.start + m.end(1)))
        for m in _CITED.finditer(body, anchor.start(), stop)
        if title_key(m.group(1)) != own_key
    )
