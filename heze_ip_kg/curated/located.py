"""Typed records read from located files: pydantic models over the YAML and CSV readers.

A YAML file is validated whole by its file model (a :class:`CuratedFile`) from the mappings
``read_yaml`` returns, which know their lines. A pydantic error's location (``('elements', 2,
'class')``) is walked through that document to a line: the line of the *row* it is in — an entry
of one of the file's top-level lists or mappings — or of the top-level key. A file of flat rows
(``line_depth = 3``) names the key inside the row whose value is wrong instead; an unknown or
missing key still names the row. Of several errors the first in the file is reported, an unknown
key before the others of its mapping (it is usually a misspelt one).

CSV and TSV rows are validated one at a time (a :class:`Row`, knowing its file and line), each
error naming the row's line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.datafiles import LocatedDict, read_yaml

T = TypeVar("T")
F = TypeVar("F", bound="CuratedFile")
R = TypeVar("R", bound="Row")
Loc = tuple[int | str, ...]


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# A YAML list read as an immutable tuple of ``T``.
Rows = Annotated[tuple[T, ...], BeforeValidator(_as_tuple)]

_TAG_MARK = "§"


def union_tag(name: str) -> str:
    """The tag of a member of a tagged union. pydantic puts it into an error's location; its
    mark (no key of a curated file starts with it) lets the location be read as the file's."""
    return _TAG_MARK + name


# Schemas are built when a file is first read, not when the package is imported.
_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)
# Steps of an error's location that lead to a row: a top-level key, then an entry of it.
ROW_DEPTH = 2
# Errors about a mapping's keys rather than a value: they name the row, whatever the depth.
_KEY_ERRORS = ("extra_forbidden", "missing")


class Record(BaseModel):
    """A mapping of a curated YAML file: no unknown keys, no conversions, and its lines kept."""

    model_config = _STRICT

    _line: int = PrivateAttr(default=1)
    _key_lines: dict[Any, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_lines(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        record = handler(data)
        if isinstance(data, LocatedDict):
            record._line = data.line or 1
            record._key_lines = dict(data.key_lines)
        return record

    @property
    def line(self) -> int:
        """The line the mapping starts on."""
        return self._line

    def line_of(self, key: str) -> int:
        """The line of ``key`` in the mapping, or the mapping's own line if it has no such key."""
        return self._key_lines.get(key, self._line)


class CuratedFile(Record):
    """A whole curated YAML file, validated; it knows its path, so later errors can name it."""

    # How deep an error's location is followed to a line: ROW_DEPTH names the row; one more
    # names the key in the row whose value is wrong (an unknown or missing key names the row).
    line_depth: ClassVar[int] = ROW_DEPTH
    _path: Path = PrivateAttr(default=Path())

    @property
    def path(self) -> Path:
        return self._path

    def place(self, label: str = "", record: Record | None = None, key: str | None = None) -> str:
        """``path:LINE: label`` — the line of ``key`` in ``record`` (default: this file)."""
        line = self._line_in(record, key)
        return f"{self.path}:{line}: {label}" if label else f"{self.path}:{line}"

    def error(
        self, message: str, record: Record | None = None, key: str | None = None
    ) -> InputError:
        """An error naming this file and the line of ``key`` in ``record`` (default: this file)."""
        return InputError(message, file=str(self.path), line=self._line_in(record, key))

    def _line_in(self, record: Record | None, key: str | None) -> int:
        record = self if record is None else record
        return record.line_of(key) if key is not None else record.line


class Problem(Exception):  # noqa: N818 -- not an error of the program: a rule the file breaks
    """A rule across rows (a duplicate id, a dangling reference) broken at ``loc``.

    Raised by a file model's own validators: pydantic wraps only ``ValueError`` and
    ``AssertionError``, so this reaches the loader, which turns ``loc`` into a line.
    """

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def validate_file(path: Path, data: Any, model: type[F], **context: Any) -> F:
    """``data`` (read from ``path`` by ``read_yaml``) as a ``model``; errors name file and line."""
    try:
        document = model.model_validate(data, context=context)
    except ValidationError as err:
        line, message = first_error(err.errors(include_url=False), data, model.line_depth)
        raise InputError(message, file=str(path), line=line) from None
    except Problem as problem:
        loc = problem.loc  # a key's problem names the key in its message: the path is its row's
        where = _render(loc[:-1] if loc and isinstance(loc[-1], str) else loc)
        message = f"{where}: {problem.message}" if where else problem.message
        raise InputError(
            message, file=str(path), line=line_of(data, loc, model.line_depth)
        ) from None
    document._path = path
    return document


def load_file(path: Path, model: type[F], **context: Any) -> F:
    """The YAML file ``path`` as a ``model``; any error names the file and line."""
    return validate_file(path, read_yaml(path), model, **context)


class Row(BaseModel):
    """A row of a curated CSV or TSV file, with the file and line it was read from."""

    model_config = _STRICT

    file: str
    line: int


def validate_row(
    model: type[R], cells: Mapping[str, str], file: str, line: int, **context: Any
) -> R:
    """One row's ``cells`` as a ``model``; an error names the file and the row's line."""
    try:
        return model.model_validate({**cells, "file": file, "line": line}, context=context)
    except ValidationError as err:
        _, message = first_error(err.errors(include_url=False), None, 0)
        raise InputError(message, file=file, line=line) from None


# --- from a pydantic error to a line and a message ---------------------------------------------

_TYPES = {
    "string_type": "a text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "date_type": "a date",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def first_error(errors: list[ErrorDetails], data: Any, depth: int) -> tuple[int, str]:
    """(line, message) of the first of ``errors`` in the file; in one mapping, an unknown key
    first (a misspelt key explains the missing one)."""
    found = [_Error.of(error) for error in errors]
    ranked = sorted(
        (
            line_of(data, e.loc[:-1], depth),
            e.kind != "extra_forbidden",
            line_of(data, e.loc, min(depth, ROW_DEPTH) if e.kind in _KEY_ERRORS else depth),
            i,
        )
        for i, e in enumerate(found)
    )
    *_, line, index = ranked[0]
    return line, found[index].message(found)


def line_of(data: Any, loc: Loc, depth: int) -> int:
    """The line ``loc`` leads to in ``data``, following at most ``depth`` steps of it."""
    line = data.line if isinstance(data, LocatedDict) and data.line else 1
    node = data
    for step in loc[:depth]:
        if isinstance(node, LocatedDict) and step in node:
            line, node = node.key_lines.get(step, line), node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            line = node.line if isinstance(node, LocatedDict) and node.line else line
        else:
            break
    return line


def _render(loc: Loc) -> str:
    """``('elements', 2, 'sources', 0)`` → ``elements[3]: sources[1]`` (rows counted from 1)."""
    parts: list[str] = []
    for step in loc:
        if isinstance(step, int) and parts:
            parts[-1] += f"[{step + 1}]"
        else:
            parts.append(str(step))
    return ": ".join(parts)


@dataclass(frozen=True)
class _Error:
    """A pydantic error with its location in the file's terms (union tags left out; a key a
    mapping's key type refuses — an unknown fact — is an unknown key)."""

    loc: Loc
    kind: str
    detail: ErrorDetails

    @classmethod
    def of(cls, error: ErrorDetails) -> _Error:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith(_TAG_MARK)))
        if loc and loc[-1] == "[key]":
            return cls(loc[:-1], "extra_forbidden", error)
        return cls(loc, error["type"], error)

    def message(self, others: list[_Error]) -> str:
        """The error in words, after the path to it: ``elements[3]: 'class' must be a text``."""
        loc, kind, error = self.loc, self.kind, self.detail
        if loc and isinstance(loc[-1], str):
            where, key, subject = _render(loc[:-1]), loc[-1], repr(loc[-1])
        else:  # the error is about a list item, a whole row or the whole file
            where, key, subject = "", None, _render(loc) or "the file"
        ctx = error.get("ctx", {})
        if kind == "extra_forbidden":
            keys = sorted(
                str(e.loc[-1]) for e in others if e.kind == kind and e.loc[:-1] == loc[:-1]
            )
            text = f"unknown key(s) {', '.join(keys)}"
        elif kind == "missing":
            text = f"missing key {key!r}"
        elif kind in ("value_error", "assertion_error"):  # the validator's own sentence
            where = where if key is not None else _render(loc)
            text = str(ctx.get("error", error["msg"]))
        elif kind == "literal_error" and isinstance(error["input"], str):
            # pydantic gives the choices as "'a', 'b' or 'c'"
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            choice = allowed[0] if len(allowed) == 1 else f"one of {', '.join(allowed)}"
            text = f"{key or subject} must be {choice}, not {error['input']!r}"
        elif kind == "literal_error" or kind in _TYPES:
            text = f"{subject} must be {_TYPES.get(kind, 'a text')}"
        elif kind == "string_too_short":
            text = f"{subject} must not be empty"
        elif kind == "too_short":
            text = f"{subject} must be a non-empty list"
        else:  # a constraint in pydantic's own words (no model uses another one today)
            text = f"{subject}: {error['msg']}"
        return f"{where}: {text}" if where else text


__all__ = [
    "ROW_DEPTH",
    "CuratedFile",
    "Problem",
    "Record",
    "Row",
    "Rows",
    "first_error",
    "line_of",
    "load_file",
    "union_tag",
    "validate_file",
    "validate_row",
]
