"""A plan text → a document tree (``model.Plan``). Knows nothing of RDF."""

from __future__ import annotations

from pathlib import Path

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.limits import read_limited
from heze_ip_kg.parse.body import parse_body
from heze_ip_kg.parse.front import FrontMatter, cited_titles, parse_front
from heze_ip_kg.parse.model import Plan, Publication, SourceInfo, Span
from heze_ip_kg.parse.news import strip_end_marks
from heze_ip_kg.parse.source import Line, decode_source, split_lines


def parse_source(source: SourceInfo) -> Plan:
    """Parse a decoded source into a ``Plan``; errors name the source, line and column.

    Irregular structure (numbering that skips or repeats a number) is recovered from and
    reported in ``Plan.warnings``, each naming its line.
    """
    try:
        lines = split_lines(source.text)
        if not lines:
            raise InputError("empty file: no text to parse", line=1, column=1)
        front = parse_front(lines, source.text)
        body, credit, abridged = strip_end_marks(lines[front.body_start :])
        preamble, parts, warnings = parse_body(body, source.text)
    except InputError as err:
        raise err.at_file(source.name) from None
    cited = (
        cited_titles(source.text, preamble.span, front.title) if preamble and preamble.span else ()
    )
    elements = ((preamble,) if preamble else ()) + parts
    return Plan(
        source=source,
        metadata=front.metadata,
        notice=front.notice,
        title=front.title,
        title_span=front.title_span,
        title_inferred_from=front.title_inferred_from,
        cited_titles=cited,
        elements=elements,
        publication=_publication(front, credit, abridged),
        warnings=warnings,
    )


def _publication(
    front: FrontMatter, credit: tuple[str, Span] | None, abridged: Span | None
) -> Publication | None:
    """What a news agency or portal printed around the text, if anything."""
    headline: Line | None = front.headline
    abridged = abridged or (front.abridged.span if front.abridged else None)
    if headline is None and not front.news and credit is None and abridged is None:
        return None
    return Publication(
        headline=headline.text if headline else None,
        headline_span=headline.span if headline else None,
        news=tuple(line.span for line in front.news),
        credit=credit[0] if credit else None,
        credit_span=credit[1] if credit else None,
        abridged_span=abridged,
    )


def parse_plan(text: str, *, name: str = "<text>") -> Plan:
    """Parse a plan text given as a string.

    >>> text = "依据《某省规划》,制定本规划。\\n(一)加强保护。\\n1.加强行政保护。查处。"
    >>> plan = parse_plan(text)
    >>> [(e.kind.value, e.heading) for e in plan.walk()]
    [('preamble', ''), ('part', '重点任务'), ('task-area', '加强保护'), ('task', '加强行政保护')]
    >>> plan.cited_titles[0].title
    '某省规划'
    """
    return parse_source(decode_source(text.encode("utf-8"), name=name))


def parse_bytes(data: bytes, *, name: str, encoding: str = "utf-8") -> Plan:
    """Parse a plan text given as bytes in ``encoding``; errors name it ``name``."""
    return parse_source(decode_source(data, name=name, encoding=encoding))


def read_plan(path: Path, *, encoding: str = "utf-8") -> Plan:
    """Read and parse a plan text file (``encoding`` for GB18030 and other legacy files).

    At most ``limits.MAX_INPUT_BYTES`` are read; a larger file (or device, or pipe) is an error.
    """
    return parse_bytes(read_limited(path), name=str(path), encoding=encoding)


__all__ = ["parse_bytes", "parse_plan", "parse_source", "read_plan"]
