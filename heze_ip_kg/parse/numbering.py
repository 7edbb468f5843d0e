"""Chinese plan numbering: 第一章 / 第一节 / 一、 / （一） / 1. / （1） / ①, full and half width."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "一二三四五六七八九十"
_D = "0-9０-９"

# Numbering styles from the outermost to the innermost. A style's rank orders the nesting: a
# line nests under the nearest open heading of a lower rank, whatever depth that heading has
# (一、 is a top-level part in most plans, but sits under 第一节 where a plan has chapters).
CHAPTER, SECTION, CN, PAREN_CN, ARABIC, PAREN_ARABIC, CIRCLED = range(7)
# The largest number each style can write, and so the most siblings a list holds: Chinese
# numerals and one- or two-digit numbers to 99, circled numbers to ⑳.
MAX_NUMBER = {
    CHAPTER: 99,
    SECTION: 99,
    CN: 99,
    PAREN_CN: 99,
    ARABIC: 99,
    PAREN_ARABIC: 99,
    CIRCLED: len(_CIRCLED),
}

# (rank, pattern); group 1 is the number, group 2 (chapters only) the word. Order matters:
# 第一章 before 一、.
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (CHAPTER, re.compile(rf"^第([{_CN}]+)(章|部分)[\s\u3000]*")),
    (SECTION, re.compile(rf"^第([{_CN}]+)(节)[\s\u3000]*")),
    (CN, re.compile(rf"^([{_CN}]+)[、．.][\s\u3000]*")),
    (PAREN_CN, re.compile(rf"^[(（]([{_CN}]+)[)）][\s\u3000]*")),
    (ARABIC, re.compile(rf"^([{_D}]{{1,2}})[.．、](?![{_D}])[\s\u3000]*")),
    (PAREN_ARABIC, re.compile(rf"^[(（]([{_D}]{{1,2}})[)）][\s\u3000]*")),
    (CIRCLED, re.compile(rf"^([{_CIRCLED}])[\s\u3000]*")),
)


@dataclass(frozen=True)
class Numbering:
    """A numbering prefix found at the start of a line; ``word`` is 章, 部分 or 节 for chapters
    and sections, empty otherwise."""

    rank: int
    number: int
    written: str
    length: int
    word: str = ""

    @property
    def canonical(self) -> str:
        """The notation in the house form: 第一章 第一节 一、 （一） 1. （1） ①."""
        return canonical_notation(self.rank, self.number, self.word)


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


def canonical_notation(rank: int, number: int, word: str = "") -> str:
    """The house notation of ``number`` in the style ``rank`` (a ``ValueError`` past
    ``MAX_NUMBER``).

    >>> [canonical_notation(rank, 2) for rank in (CN, PAREN_CN, ARABIC, PAREN_ARABIC, CIRCLED)]
    ['二、', '（二）', '2.', '（2）', '②']
    >>> canonical_notation(CHAPTER, 12, "章"), canonical_notation(SECTION, 3, "节")
    ('第十二章', '第三节')
    """
    if not 0 < number <= MAX_NUMBER[rank]:
        raise ValueError(f"no notation in style {rank} for {number}")
    if rank in (CHAPTER, SECTION):
        return f"第{to_chinese(number)}{word or ('章' if rank == CHAPTER else '节')}"
    if rank == CN:
        return f"{to_chinese(number)}、"
    if rank == PAREN_CN:
        return f"（{to_chinese(number)}）"
    if rank == ARABIC:
        return f"{number}."
    if rank == PAREN_ARABIC:
        return f"（{number}）"
    return _CIRCLED[number - 1]


def read_numbering(text: str) -> Numbering | None:
    """The numbering at the start of a line, if any.

    >>> read_numbering("(一)指导思想。")
    Numbering(rank=3, number=1, written='(一)', length=3, word='')
    >>> read_numbering("第二十四节 加强考核评估").canonical
    '第二十四节'
    >>> read_numbering("0.87 | 1.75") is None
    True
    """
    for rank, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        raw = match.group(1)
        if rank in (CHAPTER, SECTION, CN, PAREN_CN):
            number = chinese_number(raw)
        elif rank == CIRCLED:
            number = _CIRCLED.index(raw) + 1
        else:
            number = int(unicodedata.normalize("NFKC", raw))
        if number < 1:
            return None
        written = text[: match.end()].rstrip(" \t\u3000")
        word = match.group(2) if rank in (CHAPTER, SECTION) else ""
        return Numbering(rank, number, written, match.end(), word)
    return None
