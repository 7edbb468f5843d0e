"""Deterministic serialisation of a graph and atomic writing of the dumps.

rdflib's own output order can depend on hash seeds; here N-Triples lines are sorted and JSON-LD
nodes and values are sorted, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import Graph

from heze_ip_kg.namespaces import PREFIXES

DUMP_NAME = "heze-ip-kg"
FORMATS: Mapping[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _sort_jsonld(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sort_jsonld(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def serialize(graph: Graph, fmt: str) -> bytes:
    """``graph`` as ``ttl``, ``nt`` or ``jsonld`` bytes, identical for identical graphs."""
    if fmt == "nt":
        text = graph.serialize(format="nt")
        lines = sorted({line for line in text.splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        if isinstance(data, dict) and "@graph" in data:
            data["@graph"] = _sort_jsonld(data["@graph"])
            data = {"@context": data["@context"], "@graph": data["@graph"]}
        else:
            data = _sort_jsonld(data)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "ttl":
        return graph.serialize(format="turtle").encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """A fresh sibling folder to write into; on success its files replace those in ``target``.

    Each file is moved with ``os.replace``, so a reader sees either the old or the new file,
    and an interrupted run leaves ``target`` as it was.
    """
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                final = target / path.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_dumps(graph: Graph, out_dir: Path, name: str = DUMP_NAME) -> list[Path]:
    """Write ``name.ttl``, ``name.nt`` and ``name.jsonld`` into ``out_dir`` atomically."""
    with atomic_directory(out_dir) as staging:
        for ext in FORMATS:
            (staging / f"{name}.{ext}").write_bytes(serialize(graph, ext))
    return [out_dir / f"{name}.{ext}" for ext in FORMATS]


__all__ = ["DUMP_NAME", "FORMATS", "atomic_directory", "atomic_write", "serialize", "write_dumps"]
