"""Reading curated data files (CSV, TSV, YAML) with errors that name the file and the row.

The typed models of what these files hold are in ``heze_ip_kg.curated``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from heze_ip_kg.errors import InputError
from heze_ip_kg.limits import MAX_YAML_DEPTH, read_limited


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; text that is not UTF-8 is an error naming line and column,
    a file over ``limits.MAX_INPUT_BYTES`` an error naming the file."""
    data = read_limited(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 text (byte {err.start})", file=str(path), line=line, column=column
        ) from None


def read_csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each record in a UTF-8 CSV file; unreadable text names file and line."""
    reader = csv.reader(io.StringIO(read_text(path)))
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as err:
        raise InputError(f"not a CSV record: {err}", file=str(path), line=reader.line_num) from None


def read_sheet(
    path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, cells) of each row of a CSV file whose header is ``columns`` (then any of
    ``optional``); cells are stripped, blank rows skipped. A wrong header or a row with another
    number of cells is an error naming its line."""
    header: list[str] | None = None
    for line, cells in read_csv_rows(path):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if header is None:
            extra = cells[len(columns) :]
            if tuple(cells[: len(columns)]) != columns or not set(extra) <= set(optional):
                also = f" (and optionally ,{','.join(optional)})" if optional else ""
                raise InputError(
                    f"header must be {','.join(columns)}{also}", file=str(path), line=line
                )
            header = cells
            continue
        if len(cells) != len(header):
            raise InputError(
                f"row has {len(cells)} cells; the header names {len(header)}",
                file=str(path),
                line=line,
            )
        yield line, dict(zip(header, cells, strict=True))


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a tab-separated file with a header naming ``columns``; ``#`` lines are comments.

    Returns (line number, row) pairs; a short row, an unknown header or a duplicate first
    column is an error naming the file and line.
    """
    text = read_text(path)
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            if tuple(header) != columns:
                raise InputError(
                    f"header must be {'<TAB>'.join(columns)}", file=str(path), line=number
                )
            continue
        if len(cells) != len(columns) or not all(c.strip() for c in cells):
            raise InputError(
                f"row needs {len(columns)} non-empty tab-separated cells",
                file=str(path),
                line=number,
            )
        if cells[0] in seen:
            raise InputError(f"duplicate row for {cells[0]!r}", file=str(path), line=number)
        seen.add(cells[0])
        rows.append((number, dict(zip(columns, cells, strict=True))))
    return rows


class LocatedDict(dict[Any, Any]):
    """A YAML mapping that remembers the line it starts on, and each key's, so errors can
    name the row."""

    line: int | None = None
    key_lines: dict[Any, int]


class _LocatingLoader(yaml.SafeLoader):
    """A safe loader that records lines and refuses nesting deeper than ``MAX_YAML_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # PyYAML composes (and later constructs) nested nodes recursively: refuse the level
        # past the limit, at its place, before Python's own recursion limit is reached.
        if self._depth == MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"nested deeper than {MAX_YAML_DEPTH} levels",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _located_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    # Keys are hashable here: construct_mapping has refused any other.
    mapping.key_lines = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in mapping.key_lines:  # YAML would silently keep the last value
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _located_mapping)


def place(path: Path | str, label: str, entry: Any, key: str | None = None) -> str:
    """``path:LINE: label`` for an entry read by :func:`read_yaml`: the line of ``key`` in it
    when given and present, else the line the entry starts on; line 1 for a document that is
    not a mapping. With an empty ``label``, just ``path:LINE``."""
    line = 1
    if isinstance(entry, LocatedDict):
        line = (entry.key_lines.get(key) if key is not None else None) or entry.line or 1
    return f"{path}:{line}: {label}" if label else f"{path}:{line}"


def read_yaml(path: Path) -> Any:
    """The parsed YAML document in ``path``; a syntax error names the file, line and column.

    Mappings come back as :class:`LocatedDict`, carrying the line they start on.
    """
    text = read_text(path)
    try:
        return yaml.load(text, Loader=_LocatingLoader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        raise InputError(
            f"invalid YAML: {err.problem}",
            file=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        raise InputError(
            f"invalid YAML: character U+{err.character:04X} is not allowed",
            file=str(path),
            line=line,
            column=column,
        ) from None
    except yaml.YAMLError as err:
        message = " ".join(str(err).split())
        raise InputError(f"invalid YAML: {message}", file=str(path), line=1) from None


KeyType = type | tuple[type, ...]
_TYPE_NAMES: dict[type, str] = {
    str: "a text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
    type(None): "empty",
    dt.date: "a date",
}


def require(mapping: Any, key: str, kind: type, *, where: str) -> Any:
    """``mapping[key]`` checked to be a ``kind``; otherwise an error naming ``where``."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise InputError(f"{where}: missing key {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise InputError(f"{where}: {key!r} must be a {kind.__name__}")
    return value


def check_keys(mapping: Any, allowed: Mapping[str, KeyType], *, where: str) -> None:
    """Refuse keys outside ``allowed`` (a typo must not be silently ignored) and values of
    another type than the one ``allowed`` gives their key."""
    if not isinstance(mapping, dict):
        raise InputError(f"{where}: expected a mapping")
    unknown = sorted(map(str, set(mapping) - set(allowed)))
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key, value in mapping.items():
        expected = allowed[key]
        kinds: tuple[type, ...] = expected if isinstance(expected, tuple) else (expected,)
        # YAML's true/false are ints to Python; a count or a year must not be one.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            raise InputError(f"{where}: {key!r} must be {names}")


__all__ = [
    "LocatedDict",
    "check_keys",
    "place",
    "read_csv_rows",
    "read_sheet",
    "read_text",
    "read_tsv",
    "read_yaml",
    "require",
]
