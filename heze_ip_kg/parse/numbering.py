"""Chinese plan numbering: 一、 / （一） / 1. / （1） / ①, full- and half-width."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "一二三四五六七八九十"
_D = "0-9０-９"
# The largest number each level's notation can write, and so the most siblings a level holds:
# Chinese numerals and one- or two-digit numbers to 99, circled numbers to ⑳.
MAX_NUMBER = {1: 99, 2: 99, 3: 99, 4: 99, 5: len(_CIRCLED)}

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
    """Value of a Chinese numeral up to 99; -1 for what is not one (一一, 十十, 一二十).

    >>> [chinese_number(t) for t in ("一", "十", "十二", "二十", "九十九")]
    [1, 10, 12, 20, 99]
    >>> [chinese_number(t) for t in ("一一", "十十", "一二十", "十一十")]
    [-1, -1, -1, -1]
    """
    if "十" not in text:
        return _CN_DIGITS.index(text) if len(text) == 1 else -1
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or ones == "十":
        return -1
    value = (_CN_DIGITS.index(tens) if tens else 1) * 10
    return value + (_CN_DIGITS.index(ones) if ones else 0)


def to_chinese(number: int) -> str:
    """Chinese numeral for 1–99 (a ``ValueError`` beyond).

    >>> [to_chinese(n) for n in (1, 10, 12, 20, 99)]
    ['一', '十', '十二', '二十', '九十九']
    """
    if not 0 < number < 100:
        raise ValueError(f"no Chinese numeral up to 99 for {number}")
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def canonical_notation(level: int, number: int) -> str:
    """The house notation of ``number`` at ``level`` (a ``ValueError`` past ``MAX_NUMBER``).

    >>> [canonical_notation(lv, 2) for lv in range(1, 6)]
    ['二、', '（二）', '2.', '（2）', '②']
    """
    if not 0 < number <= MAX_NUMBER[level]:
        raise ValueError(f"no notation at level {level} for {number}")
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
