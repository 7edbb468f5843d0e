"""Reading curated data files (CSV, TSV, YAML) with errors that name the file and the row.

The typed models of what these files hold are in ``heze_ip_kg.curated``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.limits import MAX_YAML_DEPTH, read_limited


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


__all__ = ["LocatedDict", "read_csv_rows", "read_sheet", "read_text", "read_tsv", "read_yaml"]
