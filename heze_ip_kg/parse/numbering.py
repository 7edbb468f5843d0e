"""Chinese plan numbering: 一、 / （一） / 1. / （1） / ①, full- and half-width."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "一二三四五六七八九十"
_D = "0-9０-９"

# (level, pattern); group 1 is the number. Order matters: 第一章 before 一、.
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^第([{_CN}]+)(?:章|部分)[\s\u3000]*")),
    (1, re.compile(rf"^([{_CN}]+)[、．.][\s\u3000]*")),
    (2, re.compile(rf"^[(（]([{_CN}]+)[)）][\s\u3000]*")),
    (3, re.compile(rf"^([{_D}]{{1,2}})[.．、](?![{_D}])[\s\u3000]*")),
    (4, re.compile(rf"^[(（]([{_D}]{{1,2}})[)）][\s\u3000]*")),
    (5, re.compile(rf"^([{_CIRCLED}])[\s\u3000]*")),
)


@dataclass(frozen=True)
class Numbering:
    """A numbering prefix found at the start of a line."""

    level: int
    number: int
    written: str
    length: int

    @property
    def canonical(self) -> str:
        """The notation in the house form: 一、 （一） 1. （1） ①."""
        return canonical_notation(self.level, self.number)


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral up to 99.

    >>> [chinese_number(t) for t in ("一", "十", "十二", "二十", "九十九")]
    [1, 10, 12, 20, 99]
    """
    if "十" not in text:
        return _CN_DIGITS.index(text) if len(text) == 1 else -1
    tens, _, ones = text.partition("十")
    value = (_CN_DIGITS.index(tens) if tens else 1) * 10
    return value + (_CN_DIGITS.index(ones) if ones else 0)


def to_chinese(number: int) -> str:
    """Chinese numeral for 1–99.

    >>> [to_chinese(n) for n in (1, 10, 12, 20, 99)]
    ['一', '十', '十二', '二十', '九十九']
    """
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def canonical_notation(level: int, number: int) -> str:
    """The house notation of ``number`` at ``level``.

    >>> [canonical_notation(lv, 2) for lv in range(1, 6)]
    ['二、', '（二）', '2.', '（2）', '②']
    """
    if level == 1:
        return f"{to_chinese(number)}、"
    if level == 2:
        return f"（{to_chinese(number)}）"
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"（{number}）"
    return _CIRCLED[number - 1]


def read_numbering(text: str) -> Numbering | None:
    """The numbering at the start of a line, if any.

    >>> read_numbering("(一)指导思想。")
    Numbering(level=2, number=1, written='(一)', length=3)
    >>> read_numbering("0.87 | 1.75") is None
    True
    """
    for level, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        raw = match.group(1)
        if level in (1, 2):
            number = chinese_number(raw)
        elif level == 5:
            number = _CIRCLED.index(raw) + 1
        else:
            number = int(unicodedata.normalize("NFKC", raw))
        if number < 1:
            return None
        written = text[: match.end()].rstrip(" \t\u3000")
        return Numbering(level, number, written, match.end())
    return None
