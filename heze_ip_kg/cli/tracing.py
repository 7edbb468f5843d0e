"""``trace``, ``coverage`` and ``responsibility``: chains up to the nation, how much of each parent
a child takes up, and who holds each measure.

Registered on the ``heze-ip-kg`` group by ``cli.main``; a thin layer over ``trace.chains`` and the
catalogue query ``report-responsibility-chain``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
import networkx as nx
from rdflib import Graph

from heze_ip_kg.cli.formatting import format_table
from heze_ip_kg.cli.options import (
    fail_cleanly,
    fast_option,
    graph_options,
    project_graph,
    project_metadata,
)
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.atomic import atomic_write
from heze_ip_kg.query.backends import Backend, open_backend
from heze_ip_kg.query.execute import Table, load_query
from heze_ip_kg.trace.chains import chain, implements_view, render_svg, resolve_element, trace_graph
from heze_ip_kg.trace.chains import coverage as coverage_table


@click.command()
@click.argument("element")
@click.option(
    "--svg",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the chain as an SVG picture here.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tree", "json"]),
    default="tree",
    show_default=True,
    help="A tree for people, JSON for programs.",
)
@fast_option
@graph_options
@fail_cleanly
def trace(
    element: str,
    svg: Path | None,
    fmt: str,
    fast: bool | None,
    from_: Path | None,
    data: Path | None,
    base: str,
) -> None:
    """Print the chain from ELEMENT (IRI, path, label or notation) up to the nation."""
    fills = project_metadata(data).box_fills() if svg is not None else {}  # before any output
    graph = project_graph(from_, data, base)
    start = resolve_element(graph, element, base)
    dg = trace_graph(graph, _backend(graph, fast).select)
    found = chain(dg, start)
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(found), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(found.lines()))
    if svg is not None:
        nodes = (
            {start} | {n for n in nx.descendants(implements_view(dg), start)}
            if start in implements_view(dg)
            else {start}
        )
        atomic_write(svg, render_svg(dg, nodes, f"{found.label}：实现链", fills).encode("utf-8"))


@click.command()
@click.option(
    "--child",
    default=None,
    help="IRI of the child document (default: main_document of the data folder's metadata.yaml).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--svg",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the whole cross-level implements graph as SVG here.",
)
@fast_option
@graph_options
@fail_cleanly
def coverage(
    child: str | None,
    fmt: str,
    svg: Path | None,
    fast: bool | None,
    from_: Path | None,
    data: Path | None,
    base: str,
) -> None:
    """Print how much of each parent document the child takes up, by element class."""
    metadata = project_metadata(data) if child is None or svg is not None else None
    graph = project_graph(from_, data, base)
    if child is None and metadata is not None:
        child = base + metadata.main_document
    backend = _backend(graph, fast)
    click.echo(format_table(coverage_table(graph, child, backend.select), fmt, base), nl=False)
    if svg is not None and metadata is not None:
        dg = trace_graph(graph, backend.select)
        title = metadata.pictures.trace.both
        picture = render_svg(dg, implements_view(dg).nodes, title, metadata.box_fills())
        atomic_write(svg, picture.encode("utf-8"))


@click.command()
@click.argument("measure", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@fast_option
@graph_options
@fail_cleanly
def responsibility(
    measure: str | None,
    fmt: str,
    fast: bool | None,
    from_: Path | None,
    data: Path | None,
    base: str,
) -> None:
    """Print the responsibility chain of MEASURE (IRI, path, label or notation), or of all."""
    graph = project_graph(from_, data, base)
    table = _backend(graph, fast).select(load_query("report-responsibility-chain"))
    if measure is not None:
        wanted = resolve_element(graph, measure, base)
        table = Table(table.vars, tuple(r for r in table.rows if r[0] == wanted))
        if not table.rows:
            raise InputError(f"{measure!r} is not a task or key project with a chain")
    click.echo(format_table(table, fmt, base), nl=False)


def _backend(graph: Graph, fast: bool | None) -> Backend:
    """Where the queries run: as --fast / --plain say, else chosen by the graph's size."""
    return open_backend(graph, store={None: "auto", True: "oxigraph", False: "rdflib"}[fast])
