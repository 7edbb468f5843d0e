"""The terminals of SPARQL 1.1 Query (§19.8 [139]-[173]) as tokens, in time linear in the text.

Two readings of the same text exist. SPARQL 1.1 (§19.2) replaces every ``\\uXXXX`` and
``\\UXXXXXXXX`` before tokenizing, so ``\\u0053ERVICE`` is ``SERVICE``; SPARQL 1.2 — and
pyoxigraph 0.5 — read such escapes only inside strings and IRIs, and a backslash elsewhere is an
error. ``Source(text)`` is the 1.1 reading; ``Source(text, codepoints=False)`` the engine's.

Every terminal is matched by a regular expression whose repetitions are possessive (``*+``), so a
match never re-scans what it has read; where a failed match falls back to a shorter token (a
``<`` that is not an IRI, ``''`` before ``'`` when ``'''`` is not closed, a word that is not a
prefix), what was scanned is either consumed or remembered, so no character is scanned more than
a few times, whatever the input.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"  # PN_CHARS_U
_EXTRA = "0-9\u00b7\u0300-\u036f\u203f-\u2040"
_CHARS = _U + "\\-" + _EXTRA  # PN_CHARS

_SKIP = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)*+")  # WS and comments (§19.4, §19.5)
_WS = re.compile(r"[ \t\r\n]*+")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*+>')
_IRIREF_U = re.compile(
    r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>'  # SPARQL 1.2 UCHAR
)
_VAR = re.compile(f"[?$][{_U}0-9][{_U}{_EXTRA}]*+")
_BNODE = re.compile(f"_:[{_U}0-9][{_CHARS}.]*+")
_LANGTAG = re.compile(r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+")
_RUN = re.compile(f"[{_BASE}][{_CHARS}.]*+")  # a PN_PREFIX candidate, trailing dots included
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*+")
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = re.compile(f"(?:[{_CHARS}.:]|{_PLX})*+")
_LOCAL_FIRST = re.compile(f"[{_U}:0-9]|{_PLX}")
_DIGITS = re.compile(r"[0-9]*+")
_EXPONENT = re.compile(r"[eE][+-]?[0-9]++")
_ECHAR = r"\\[tbnrf\\\"']"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PUNCT = re.compile(r"\^\^|!=|<=|>=|&&|\|\||[{}()\[\].,;*/|^!=<>+\-?]")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _strings(escape: str) -> dict[str, re.Pattern[str]]:
    return {
        '"""': re.compile(f'"""(?:(?:""|")?+(?:[^"\\\\]|{escape}))*+"""'),
        "'''": re.compile(f"'''(?:(?:''|')?+(?:[^'\\\\]|{escape}))*+'''"),
        '"': re.compile(f'"(?:[^"\\\\\\n\\r]|{escape})*+"'),
        "'": re.compile(f"'(?:[^'\\\\\\n\\r]|{escape})*+'"),
    }


_STRINGS = {True: _strings(_ECHAR), False: _strings(f"{_ECHAR}|{_UCHAR}")}
_BAD_ESCAPE = {
    True: re.compile(r"\\(?![tbnrf\\\"'])"),
    False: re.compile(r"\\(?![tbnrf\\\"']|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"),
}
CHECK_EVERY = 256  # tokens between two looks at the clock


class LexError(Exception):
    """Text that is no SPARQL token, at an offset of the text that was tokenized."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class OutOfTimeError(Exception):
    """The deadline passed while tokenizing or parsing."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal: its kind (IRI, PNAME_NS, PNAME_LN, BNODE, VAR, LANGTAG, INTEGER, DECIMAL,
    DOUBLE, STRING, NIL, ANON, WORD, PUNCT or EOF), its text and where it starts."""

    kind: str
    text: str
    start: int


class Source:
    """A query text as it is tokenized, and the way back to the client's lines and columns."""

    def __init__(self, original: str, *, codepoints: bool = True) -> None:
        self.original = original
        self.codepoints = codepoints
        self._marks: list[int] = []  # offsets in .text after which the original is longer
        self._shifts: list[int] = []
        self.text = self._unescape(original) if codepoints else original

    def _unescape(self, text: str) -> str:
        parts: list[str] = []
        last = shift = 0
        for match in _CODEPOINT.finditer(text):
            code = int(match.group(1) or match.group(2), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise LexError(f"{match.group()} is not a character", match.start())
            parts.append(text[last : match.start()])
            parts.append(chr(code))
            last = match.end()
            shift += len(match.group()) - 1
            self._marks.append(match.start() - shift + len(match.group()))
            self._shifts.append(shift)
        parts.append(text[last:])
        return "".join(parts)

    def original_offset(self, offset: int) -> int:
        """The offset in the client's text of ``offset`` in the tokenized one."""
        index = bisect.bisect_right(self._marks, offset)
        return offset + (self._shifts[index - 1] if index else 0)

    def locate(self, offset: int) -> tuple[int, int]:
        """Line and column (both from 1, columns in characters) of a tokenized offset."""
        return self.locate_original(self.original, self.original_offset(offset))

    @staticmethod
    def locate_original(text: str, offset: int) -> tuple[int, int]:
        """Line and column (both from 1, columns in characters) of an offset in ``text``."""
        before = text[:offset]
        return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _number(text: str, pos: int) -> int:
    """The end of the INTEGER, DECIMAL or DOUBLE at ``pos`` (after any sign), or ``pos``."""
    end = _DIGITS.match(text, pos).end()  # type: ignore[union-attr]
    whole = end > pos
    if text.startswith(".", end):
        fraction = _DIGITS.match(text, end + 1).end()  # type: ignore[union-attr]
        if fraction > end + 1 or (whole and _EXPONENT.match(text, end + 1)):
            end = fraction
    if end == pos:
        return pos
    exponent = _EXPONENT.match(text, end)
    return exponent.end() if exponent else end


def _kind_of_number(token: str) -> str:
    if "e" in token or "E" in token:
        return "DOUBLE"
    return "DECIMAL" if "." in token else "INTEGER"


def _strip_dots(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing dots that are not PN_LOCAL_ESC ``\\.``."""
    while end > start and text[end - 1] == "." and text[end - 2] != "\\":
        end -= 1
    return end


def _string(
    text: str, pos: int, strings: dict[str, re.Pattern[str]], long_failed: dict[str, int]
) -> int:
    """The end of the string literal at ``pos``, longest first (§19.8's longest match).

    An unclosed long string fails where its scan stopped: at a bad escape or the end. No
    \'\'\' lies between (it would have closed the string), so a long string opened before that
    point fails there too and is not scanned again: ``long_failed`` remembers the point.
    """
    char = text[pos]
    triple = char * 3
    if text.startswith(triple, pos) and pos >= long_failed.get(char, -1):
        match = strings[triple].match(text, pos)
        if match:
            return match.end()
        bad = _BAD_ESCAPE[strings is _STRINGS[True]].search(text, pos + 3)
        long_failed[char] = bad.start() if bad else len(text)
    match = strings[char].match(text, pos)
    if not match:
        raise LexError(f"unterminated or malformed string {text[pos : pos + 20]!r}…", pos)
    return match.end()


def tokenize(source: Source, deadline: float | None = None) -> list[Token]:
    r"""The tokens of ``source.text``, ending with an EOF token, or a ``LexError``.

    >>> [t.text for t in tokenize(Source("SELECT ?s { ?s ex:a\\#b. } # \\#"))]
    ['SELECT', '?s', '{', '?s', 'ex:a\\#b', '.', '}', '']
    """
    tokens = []
    for token in iter_tokens(source, deadline):
        tokens.append(token)
        if token.kind == "EOF":
            return tokens
    raise AssertionError("unreachable: iter_tokens ends with EOF tokens")  # pragma: no cover


def iter_tokens(source: Source, deadline: float | None = None) -> Iterator[Token]:
    """The tokens of ``source.text`` as they are read, then EOF tokens for ever; a
    ``LexError`` where no token fits, ``OutOfTimeError`` once ``deadline`` has passed."""
    text = source.text
    strings = _STRINGS[source.codepoints]
    iriref = _IRIREF if source.codepoints else _IRIREF_U
    count = 0
    no_prefix_before = -1  # a name run starting before this offset is not followed by ':'
    long_failed: dict[str, int] = {}  # an unclosed long string seen, and where its scan stopped
    pos = _SKIP.match(text, 0).end()  # type: ignore[union-attr]
    size = len(text)
    while pos < size:
        count += 1
        if deadline is not None and count % CHECK_EVERY == 1 and time.monotonic() > deadline:
            raise OutOfTimeError(pos)
        char = text[pos]
        end = pos
        kind = "PUNCT"
        if char == "<":
            match = iriref.match(text, pos)
            if match:
                kind, end = "IRI", match.end()
        elif char in "\"'":
            kind, end = "STRING", _string(text, pos, strings, long_failed)
        elif char in "?$":
            match = _VAR.match(text, pos)
            if match:
                kind, end = "VAR", match.end()
            elif char == "$":
                raise LexError("'$' without a variable name", pos)
        elif char == "_":
            match = _BNODE.match(text, pos)
            if not match:
                raise LexError("'_' outside a blank node label '_:…'", pos)
            kind, end = "BNODE", _strip_dots(text, pos, match.end())
        elif char == "@":
            match = _LANGTAG.match(text, pos)
            if not match:
                raise LexError("'@' without a language tag", pos)
            kind, end = "LANGTAG", match.end()
        elif "0" <= char <= "9" or (char == "." and text[pos + 1 : pos + 2].isdecimal()):
            end = _number(text, pos)
            kind = _kind_of_number(text[pos:end])
        elif char in "+-":
            after = _number(text, pos + 1)
            if after > pos + 1:
                kind, end = _kind_of_number(text[pos + 1 : after]), after
        elif char in "([":
            close = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text.startswith(")" if char == "(" else "]", close):
                kind, end = ("NIL" if char == "(" else "ANON"), close + 1
        elif char == ":" or (pos >= no_prefix_before and _RUN.match(text, pos)):
            colon = pos
            if char != ":":
                run_end = _RUN.match(text, pos).end()  # type: ignore[union-attr]
                if text.startswith(":", run_end) and text[run_end - 1] != ".":
                    colon = run_end
                else:
                    no_prefix_before = run_end  # runs starting before this end there too
            if colon < size and text[colon] == ":":
                kind, end = "PNAME_NS", colon + 1
                if _LOCAL_FIRST.match(text, end):
                    local = _LOCAL.match(text, end).end()  # type: ignore[union-attr]
                    kind, end = "PNAME_LN", _strip_dots(text, end, local)
        if end == pos and kind == "PUNCT":
            word = _WORD.match(text, pos)
            if word:
                kind, end = "WORD", word.end()
            else:
                punct = _PUNCT.match(text, pos)
                if not punct:
                    raise LexError(f"unexpected character {char!r}", pos)
                end = punct.end()
        yield Token(kind, text[pos:end], pos)
        pos = _SKIP.match(text, end).end()  # type: ignore[union-attr]
    eof = Token("EOF", "", size)
    while True:
        yield eof


__all__ = ["LexError", "OutOfTimeError", "Source", "Token", "iter_tokens", "tokenize"]
