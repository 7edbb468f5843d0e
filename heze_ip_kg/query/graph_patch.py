"""What turns a server's copy of a graph into ours: the triples to delete and to insert.

Both sides are N-Triples documents: the server's export of the named graph and our graph. A
triple without blank nodes is one line, the same line on both sides (Oxigraph writes the same
canonical N-Triples as our serializer), so those are compared as lines. Blank nodes get new
labels on every load, so they are compared by content instead: our blank nodes hang in trees
below IRI subjects (a citation and its text selector), and two trees are equal when their
triples are, level by level. When the trees below an IRI differ in any way, all of them are
pruned on the server and ours are inserted whole.

A graph this cannot describe (a blank node used twice, a blank node nothing points to, a cycle,
trees deeper than :data:`MAX_DEPTH`) gives ``None``: the caller replaces the graph whole.

If a line is written differently on the two sides (another server's escaping, say), the patch
deletes the server's line and inserts ours: more writes, the same graph in the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from heze_ip_kg.resources import resource_dir

MAX_DEPTH = 16
# One level of a tree, comparable and unambiguous whatever the literals hold:
# (predicate, 0, object term) or (predicate, 1, the object's own tree).
_Entry = tuple[bytes, int, Any]


@dataclass(frozen=True)
class GraphPatch:
    """Lines to delete and insert, and the IRIs whose blank-node trees the server must drop."""

    delete: tuple[bytes, ...]
    insert: tuple[bytes, ...]
    prune: tuple[tuple[bytes, int], ...]  # (IRI subject in N-Triples, depth of its trees)
    pruned_triples: int  # how many server triples the prune removes

    @property
    def empty(self) -> bool:
        return not (self.delete or self.insert or self.prune)

    @property
    def writes(self) -> int:
        """How many triples the patch deletes or inserts."""
        return len(self.delete) + len(self.insert) + self.pruned_triples

    def to_update(self, graph_iri: str) -> str:
        """The patch as one SPARQL Update request on the named graph ``graph_iri``."""
        by_depth: dict[int, list[str]] = {}
        for root, depth in self.prune:
            by_depth.setdefault(depth, []).append(root.decode("utf-8"))
        return _template().render(
            graph=graph_iri,
            delete="\n".join(line.decode("utf-8") for line in self.delete),
            insert="\n".join(line.decode("utf-8") for line in self.insert),
            prune=sorted(by_depth.items()),
        )


@dataclass
class _Side:
    """One N-Triples document split into lines without blank nodes and trees below IRIs."""

    plain: set[bytes]
    edges: dict[bytes, list[tuple[bytes, bytes, bytes]]]  # IRI → (predicate, blank, line)
    below: dict[bytes, list[tuple[bytes, bytes, bytes]]]  # blank → (predicate, object, line)

    @cached_property
    def trees(self) -> dict[bytes, tuple[tuple[_Entry, ...], int, list[bytes]]] | None:
        """IRI → (its trees compared by content, their depth, their lines); None if not trees."""
        seen: set[bytes] = set()
        out: dict[bytes, tuple[tuple[_Entry, ...], int, list[bytes]]] = {}
        for root, edges in self.edges.items():
            lines: list[bytes] = []
            entries: list[_Entry] = []
            depth = 0
            for predicate, blank, line in edges:
                lines.append(line)
                tree = self._tree(blank, 1, seen, lines)
                if tree is None:
                    return None
                entries.append((predicate, 1, tree[0]))
                depth = max(depth, tree[1])
            out[root] = (tuple(sorted(entries)), depth, lines)
        if not self.below.keys() <= seen:
            return None  # a blank node no IRI reaches (alone, or in a cycle)
        return out

    def _tree(
        self, blank: bytes, level: int, seen: set[bytes], lines: list[bytes]
    ) -> tuple[tuple[_Entry, ...], int] | None:
        if blank in seen or level > MAX_DEPTH:
            return None  # used twice, or a cycle, or deeper than we prune
        seen.add(blank)
        entries: list[_Entry] = []
        depth = level
        for predicate, obj, line in self.below.get(blank, ()):
            lines.append(line)
            if obj.startswith(b"_:"):
                sub = self._tree(obj, level + 1, seen, lines)
                if sub is None:
                    return None
                entries.append((predicate, 1, sub[0]))
                depth = max(depth, sub[1])
            else:
                entries.append((predicate, 0, obj))
        return tuple(sorted(entries)), depth


def _read(document: bytes) -> _Side:
    side = _Side(set(), {}, {})
    with_blanks: set[bytes] = set()
    for line in document.splitlines():
        if not line or line.startswith(b"#"):
            continue
        if b"_:" not in line:
            side.plain.add(line)
            continue
        if line in with_blanks:
            continue  # the same triple twice is one triple
        with_blanks.add(line)
        subject, predicate, rest = line.split(b" ", 2)
        obj = rest.removesuffix(b" .").rstrip()
        if subject.startswith(b"_:"):
            side.below.setdefault(subject, []).append((predicate, obj, line))
        elif obj.startswith(b"_:"):
            side.edges.setdefault(subject, []).append((predicate, obj, line))
        else:
            side.plain.add(line)  # "_:" inside a literal
    return side


def diff_ntriples(server: bytes, ours: bytes) -> GraphPatch | None:
    """The patch that turns the N-Triples ``server`` into ``ours``; None if blank nodes forbid it.

    >>> old = b'<x:a> <x:p> "1" .\\n<x:a> <x:c> _:s1 .\\n_:s1 <x:q> "v" .\\n'
    >>> new = b'<x:a> <x:p> "2" .\\n<x:a> <x:c> _:b9 .\\n_:b9 <x:q> "v" .\\n'
    >>> patch = diff_ntriples(old, new)
    >>> patch.delete, patch.insert, patch.prune
    ((b'<x:a> <x:p> "1" .',), (b'<x:a> <x:p> "2" .',), ())
    """
    old, new = _read(server), _read(ours)
    old_trees, new_trees = old.trees, new.trees
    if old_trees is None or new_trees is None:
        return None
    insert = sorted(new.plain - old.plain)
    prune: list[tuple[bytes, int]] = []
    pruned = 0
    for root in sorted(old_trees.keys() | new_trees.keys()):
        before, after = old_trees.get(root), new_trees.get(root)
        if before is not None and after is not None and before[0] == after[0]:
            continue
        if before is not None:
            prune.append((root, before[1]))
            pruned += len(before[2])
        if after is not None:
            insert += after[2]
    return GraphPatch(tuple(sorted(old.plain - new.plain)), tuple(insert), tuple(prune), pruned)


@cache
def _template() -> Template:
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates") / "sparql"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # SPARQL, not HTML: the terms are N-Triples lines already
    )
    return env.get_template("graph-patch.ru.j2")


__all__ = ["MAX_DEPTH", "GraphPatch", "diff_ntriples"]
