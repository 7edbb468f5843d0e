"""Reading curated data files (TSV, YAML) with errors that name the file and the row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from heze_ip_kg.errors import InputError


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a tab-separated file with a header naming ``columns``; ``#`` lines are comments.

    Returns (line number, row) pairs; a short row, an unknown header or a duplicate first
    column is an error naming the file and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", file=str(path)) from None
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
    """A YAML mapping that remembers the line it starts on, so errors can name the row."""

    line: int | None = None


class _LocatingLoader(yaml.SafeLoader):
    pass


def _located_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    mapping = LocatedDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _located_mapping)


def place(path: Path | str, label: str, entry: Any) -> str:
    """``path:LINE: label`` for an entry read by :func:`read_yaml` (``path: label`` otherwise)."""
    line = entry.line if isinstance(entry, LocatedDict) else None
    return f"{path}:{line}: {label}" if line is not None else f"{path}: {label}"


def read_yaml(path: Path) -> Any:
    """The parsed YAML document in ``path``; a syntax error names the file, line and column.

    Mappings come back as :class:`LocatedDict`, carrying the line they start on.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", file=str(path)) from None
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
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML: {err}", file=str(path)) from None


def require(mapping: Any, key: str, kind: type, *, where: str) -> Any:
    """``mapping[key]`` checked to be a ``kind``; otherwise an error naming ``where``."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise InputError(f"{where}: missing key {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise InputError(f"{where}: {key!r} must be a {kind.__name__}")
    return value


def check_keys(mapping: Any, allowed: set[str], *, where: str) -> None:
    """Refuse keys outside ``allowed`` (a typo must not be silently ignored)."""
    if not isinstance(mapping, dict):
        raise InputError(f"{where}: expected a mapping")
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}")


__all__ = ["LocatedDict", "check_keys", "place", "read_tsv", "read_yaml", "require"]
