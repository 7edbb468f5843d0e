"""The cross-level graph in networkx — chains up to the nation, coverage, orphans, SVG.

The edges come from ``queries/trace-edges.rq``; node labels and levels are read from the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import Graph, URIRef

from heze_ip_kg.errors import InputError
from heze_ip_kg.query.execute import Query, Table, load_query, run_query
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.vocab.levels import GOVERNMENT_LEVELS, level_rank, level_zh
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, RDF, RDFS, SKOS
from heze_ip_kg.vocab.triples import Reader

MEASURED_CLASSES = (
    "GuidingIdea",
    "Principle",
    "Objective",
    "Indicator",
    "TaskArea",
    "Task",
    "KeyProject",
    "Safeguard",
)


@dataclass(frozen=True)
class Chain:
    """An element and the chains above it (what it implements, recursively)."""

    iri: str
    label: str
    document: str
    level: str
    parents: tuple[Chain, ...] = field(default=())

    def lines(self, depth: int = 0) -> list[str]:
        """The chain as an indented tree, one element a line."""
        level = level_zh(self.level) or self.level
        own = f"{'    ' * depth}{'└─ ' if depth else ''}{self.label}  [{level} · {self.iri}]"
        return [own] + [line for p in self.parents for line in p.lines(depth + 1)]


def _zh_label(graph: Graph | Reader, node: URIRef) -> str:
    labels = [str(o) for o in graph.objects(node, RDFS.label) if getattr(o, "language", "") == "zh"]
    return labels[0] if labels else str(node).rsplit("/", 1)[-1]


def _document_and_level(graph: Graph | Reader, node: URIRef) -> tuple[str, str]:
    current = node
    for _ in range(12):
        level = graph.value(current, HIP.governmentLevel)
        if level is not None:
            return str(current), str(level).rsplit("/", 1)[-1]
        parent = graph.value(current, DCTERMS.isPartOf)
        if not isinstance(parent, URIRef):
            break
        current = parent
    return str(current), ""


def trace_graph(graph: Graph, select: Callable[[Query], Table] | None = None) -> nx.DiGraph:
    """Elements as nodes (label, document, level), implements and part-of edges as typed edges.

    ``select`` runs the edge query elsewhere (a fast store holding the same graph); by default
    it runs on rdflib over ``graph``.
    """
    query = load_query("trace-edges")
    table = select(query) if select is not None else run_query(query, graph)
    dg = nx.DiGraph()
    for source, target, kind in table.rows:
        if source is None or target is None:
            continue
        dg.add_edge(source, target, kind=kind)
    reader = Reader(graph)  # a look-up per node and level: rdflib's own costs several times more
    for node in dg.nodes:
        iri = URIRef(node)
        document, level = _document_and_level(reader, iri)
        dg.nodes[node].update(
            label=_zh_label(reader, iri),
            document=document,
            level=level,
            cls=str(reader.value(iri, RDF.type) or "").rsplit("#", 1)[-1],
        )
    return dg


def implements_view(dg: nx.DiGraph) -> nx.DiGraph:
    """Only the implements edges (and the nodes they touch)."""
    edges = [(u, v) for u, v, k in dg.edges(data="kind") if k == "implements"]
    return dg.edge_subgraph(edges).copy()


def chain(dg: nx.DiGraph, start: str) -> Chain:
    """The chain from ``start`` up through every element it implements, as a tree."""
    if start not in dg:
        raise InputError(f"no such element in the trace graph: {start}")
    up = implements_view(dg)

    def grow(node: str, seen: frozenset[str]) -> Chain:
        data = dg.nodes[node]
        targets = sorted(up.successors(node)) if node in up else []
        parents = tuple(grow(t, seen | {t}) for t in targets if t not in seen)
        return Chain(node, data["label"], data["document"], data["level"], parents)

    return grow(start, frozenset({start}))


def resolve_element(graph: Graph, ref: str, base: str) -> str:
    """An element's IRI from its IRI, its path under ``base``, its Chinese label or notation."""
    candidates = {URIRef(ref), URIRef(base + ref.lstrip("/"))}
    found = [c for c in candidates if (c, None, None) in graph]
    if not found:
        found = sorted(
            {
                s
                for s in graph.subjects(RDFS.label, None)
                if isinstance(s, URIRef) and _zh_label(graph, s) == ref
            }
        )
    if not found:
        found = sorted(
            {
                s
                for s, o in graph.subject_objects(SKOS.notation)
                if str(o) == ref and isinstance(s, URIRef)
            }
        )
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise InputError(f"no element matches {ref!r} (give an IRI, a path, a label or notation)")
    listed = ", ".join(str(f)[len(base) :] for f in found[:8])
    raise InputError(f"{ref!r} is ambiguous: {listed}")


def coverage(
    graph: Graph,
    child: str | None = None,
    select: Callable[[Query, Mapping[str, str]], Table] | None = None,
) -> Table:
    """The coverage table of every parent document by class (``report-coverage.rq``).

    A ``child`` that is not a document of the graph is an error (a table of zeros would read
    as "takes up nothing"). ``select`` runs the query elsewhere, as for ``trace_graph``.
    """
    if child and not set(graph.objects(URIRef(child), RDF.type)) & {HIP.Plan, HIP.PolicyDocument}:
        raise InputError(f"--child {child}: no such document in the graph")
    params = {"child": child} if child else {}
    query = load_query("report-coverage")
    return select(query, params) if select is not None else run_query(query, graph, params)


def orphans(dg: nx.DiGraph, document: str) -> list[str]:
    """Elements of ``document`` that implement nothing (local initiatives and unreviewed ones)."""
    up = implements_view(dg)
    return sorted(
        n
        for n, d in dg.nodes(data=True)
        if d.get("document") == document
        and d.get("cls") in MEASURED_CLASSES
        and (n not in up or up.out_degree(n) == 0)
    )


NO_LEVEL_FILL = "#f2f2f2"  # a box whose level has no colour in metadata.yaml


@dataclass(frozen=True)
class SvgNode:
    """A box in the picture."""

    iri: str
    label: str
    x: int
    y: int
    level: str
    fill: str


@dataclass(frozen=True)
class SvgEdge:
    """An arrow in the picture."""

    x1: int
    y1: int
    x2: int
    y2: int


def render_svg(dg: nx.DiGraph, nodes: Iterable[str], title: str, fills: Mapping[str, str]) -> str:
    """An SVG picture of ``nodes`` and the implements edges among them, one column per level.

    ``fills`` colours the boxes of each level (``metadata.yaml``); other boxes are grey.
    """
    up = implements_view(dg)
    chosen = sorted(set(nodes) & set(dg.nodes))
    columns: dict[str, list[str]] = {}
    for node in chosen:
        columns.setdefault(dg.nodes[node]["document"], []).append(node)

    def rank(document: str) -> tuple[int, int, str]:
        level = dg.nodes[columns[document][0]].get("level", "")
        order = level_rank(level, unknown=len(GOVERNMENT_LEVELS))
        # A plan before the outline it is based on: outlines sit above plans of their level.
        return order, "outline" in document, document

    documents = sorted(columns, key=rank)

    def level_of(document: str) -> str:
        return str(dg.nodes[columns[document][0]].get("level", ""))

    width, height, gap_x, gap_y, top = 300, 34, 120, 12, 60
    place: dict[str, tuple[int, int]] = {}
    boxes: list[SvgNode] = []
    for col, document in enumerate(documents):
        for row, node in enumerate(sorted(columns[document])):
            x, y = 20 + col * (width + gap_x), top + row * (height + gap_y)
            place[node] = (x, y)
            level = dg.nodes[node]["level"]
            fill = fills.get(level, NO_LEVEL_FILL)
            boxes.append(SvgNode(node, dg.nodes[node]["label"], x, y, level, fill))
    edges = [
        SvgEdge(
            place[u][0] + width, place[u][1] + height // 2, place[v][0], place[v][1] + height // 2
        )
        for u, v in sorted(up.edges)
        if u in place and v in place
    ]
    rows = max((len(c) for c in columns.values()), default=1)
    env = Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=select_autoescape(["svg", "j2"], default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("trace.svg.j2").render(
        title=title,
        boxes=boxes,
        edges=edges,
        box_width=width,
        box_height=height,
        columns=[
            (
                document.rsplit("/", 1)[-1],
                level_zh(level_of(document)),
                20 + i * (width + gap_x),
            )
            for i, document in enumerate(documents)
        ],
        total_width=40 + len(documents) * width + (len(documents) - 1) * gap_x,
        total_height=top + rows * (height + gap_y) + 20,
    )


__all__ = [
    "Chain",
    "chain",
    "coverage",
    "implements_view",
    "orphans",
    "render_svg",
    "resolve_element",
    "trace_graph",
]
