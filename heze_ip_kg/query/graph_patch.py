"""What turns a server's copy of a graph into ours: the triples to delete and to insert.

Both sides are N-Triples documents: the server's export of the named graph and our graph. Our
graph has no blank nodes (every node has an IRI: ``vocab.owned``), so a triple is one line, the
same line on both sides (Oxigraph writes the same canonical N-Triples as our serializer), and
the difference of the two graphs is the difference of two sets of lines: ``DELETE DATA`` of the
server's lines we lack, ``INSERT DATA`` of ours it lacks.

A side with a blank node gives ``None``: its labels change on every load, so no set of lines
names its triples, and the caller replaces the graph whole. If a line is written differently on
the two sides (another server's escaping, say), the patch deletes the server's line and inserts
ours: more writes, the same graph in the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from heze_ip_kg.resources import resource_dir


@dataclass(frozen=True)
class GraphPatch:
    """The N-Triples lines to delete from the server's graph and to insert into it."""

    delete: tuple[bytes, ...]
    insert: tuple[bytes, ...]

    @property
    def empty(self) -> bool:
        return not (self.delete or self.insert)

    @property
    def writes(self) -> int:
        """How many triples the patch deletes or inserts."""
        return len(self.delete) + len(self.insert)

    def to_update(self, graph_iri: str) -> str:
        """The patch as one SPARQL Update request on the named graph ``graph_iri``."""
        return update_template("graph-patch.ru.j2").render(
            graph=graph_iri,
            delete="\n".join(line.decode("utf-8") for line in self.delete),
            insert="\n".join(line.decode("utf-8") for line in self.insert),
        )


def _has_blank_node(line: bytes) -> bool:
    if b"_:" not in line:
        return False  # the usual case, decided without splitting
    subject, _, rest = line.split(b" ", 2)
    return subject.startswith(b"_:") or rest.removesuffix(b" .").rstrip().startswith(b"_:")


def _lines(document: bytes) -> set[bytes] | None:
    """The triples of ``document`` as a set of lines; None if one has a blank node."""
    lines = {line for line in document.splitlines() if line and not line.startswith(b"#")}
    return None if any(_has_blank_node(line) for line in lines) else lines


def diff_ntriples(server: bytes, ours: bytes) -> GraphPatch | None:
    """The patch that turns the N-Triples ``server`` into ``ours``; None if either has blank nodes.

    >>> old = b'<x:a> <x:p> "1" .\\n<x:a> <x:q> "same" .\\n'
    >>> new = b'<x:a> <x:p> "2" .\\n<x:a> <x:q> "same" .\\n'
    >>> patch = diff_ntriples(old, new)
    >>> patch.delete, patch.insert
    ((b'<x:a> <x:p> "1" .',), (b'<x:a> <x:p> "2" .',))
    >>> diff_ntriples(old, b"<x:a> <x:p> _:b1 .\\n") is None
    True
    """
    before, after = _lines(server), _lines(ours)
    if before is None or after is None:
        return None
    return GraphPatch(tuple(sorted(before - after)), tuple(sorted(after - before)))


@cache
def update_template(name: str) -> Template:
    """A SPARQL Update template of ``templates/sparql`` (SPARQL lives in files, not in code)."""
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates") / "sparql"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # SPARQL, not HTML: the terms are N-Triples lines already
    )
    return env.get_template(name)


__all__ = ["GraphPatch", "diff_ntriples", "update_template"]
