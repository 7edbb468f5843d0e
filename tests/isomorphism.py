"""Fast graph isomorphism for graphs whose blank nodes form trees (ours: spans and citations).

rdflib's general algorithm takes minutes on thousands of similar blank nodes. When every blank
node hangs in a tree (no blank-node cycles), hashing each blank node from its outgoing triples
gives a canonical name, and two graphs are isomorphic exactly when their triples with those names
match one for one; otherwise we fall back to rdflib.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from rdflib.term import Node


def _canonical(graph: Graph) -> Counter[tuple[str, str, str]] | None:
    out: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in graph:
        if isinstance(s, BNode):
            out[s].append((p, o))
    names: dict[Node, str] = {}
    visiting: set[Node] = set()

    def name(node: Node) -> str | None:
        if not isinstance(node, BNode):
            return node.n3()
        if node in names:
            return names[node]
        if node in visiting:
            return None  # a cycle: not a tree
        visiting.add(node)
        parts = []
        for p, o in out[node]:
            sub = name(o)
            if sub is None:
                return None
            parts.append(f"{p.n3()} {sub}")
        visiting.discard(node)
        names[node] = "_:" + hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
        return names[node]

    triples: Counter[tuple[str, str, str]] = Counter()
    for s, p, o in graph:
        s_name, o_name = name(s), name(o)
        if s_name is None or o_name is None:
            return None
        triples[(s_name, p.n3(), o_name)] += 1
    return triples


def same_graph(a: Graph, b: Graph) -> bool:
    """Whether ``a`` and ``b`` are isomorphic."""
    if len(a) != len(b):
        return False
    ca, cb = _canonical(a), _canonical(b)
    if ca is None or cb is None:
        return isomorphic(a, b)
    return ca == cb
