"""Decoding a source file and cutting it into lines with exact offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.limits import MAX_LINE_LENGTH, MAX_TEXT_LINES
from heze_ip_kg.parse.model import SourceInfo, Span

BOM = "\ufeff"
# Characters a plan text never contains: C0/C1 controls other than tab and line ends.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# Leading/trailing whitespace of a line, including the ideographic space used for indentation.
_STRIP = " \t\u3000\u00a0" + BOM


@dataclass(frozen=True)
class Line:
    """A non-blank line: 1-based number and the span of its content without surrounding blanks."""

    number: int
    span: Span
    text: str

    def column(self, offset: int) -> int:
        """1-based column of a source offset inside this line."""
        return offset - self.span.start + 1


def decode_source(data: bytes, *, name: str, encoding: str = "utf-8") -> SourceInfo:
    """Decode ``data``, drop a leading BOM, and refuse binary or control characters.

    >>> decode_source("\\ufeff规划".encode(), name="x.txt").text
    '规划'
    """
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", file=name) from None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            f"not valid {encoding} text (byte {err.start}); use --encoding for other encodings",
            file=name,
            line=line,
            column=column,
        ) from None
    if text.startswith(BOM):
        text = text[1:]
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(
            f"control character U+{ord(bad.group()):04X}: not a plan text (binary file?)",
            file=name,
            line=line,
            column=column,
        )
    digest = hashlib.sha256(data).hexdigest()
    return SourceInfo(name=name, text=text, sha256=digest, encoding=encoding)


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``, with spans that exclude indentation and line ends.

    >>> [(l.number, l.text, l.span) for l in split_lines("甲\\r\\n\\n　乙 ")]
    [(1, '甲', Span(start=0, end=1)), (3, '乙', Span(start=5, end=6))]
    """
    lines: list[Line] = []
    for number, match in enumerate(_LINE.finditer(text), start=1):
        raw = match.group().rstrip("\r\n")
        if match.start() == len(text) and not raw:
            break
        content = raw.strip(_STRIP)
        if not content:
            continue
        if len(content) > MAX_LINE_LENGTH:
            raise InputError(
                f"line longer than {MAX_LINE_LENGTH} characters", line=number, column=1
            )
        if len(lines) == MAX_TEXT_LINES:
            raise InputError(
                f"more than {MAX_TEXT_LINES:,} non-blank lines, the limit for a plan text",
                line=number,
                column=1,
            )
        start = match.start() + (len(raw) - len(raw.lstrip(_STRIP)))
        lines.append(Line(number, Span(start, start + len(content)), content))
    return lines
