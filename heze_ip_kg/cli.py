"""The ``heze-ip-kg`` command: a thin layer over the Python API.

Exit codes: 0 success, 1 a check failed, 2 bad input or usage. Data goes to stdout, messages to
stderr; an error is one line naming the place.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import networkx as nx
from rdflib import Graph

from heze_ip_kg import __version__
from heze_ip_kg.build import DocumentSettings, build_graph, mint_slug
from heze_ip_kg.dumps import FORMATS, atomic_write, serialize, write_dumps
from heze_ip_kg.errors import HezeIpKgError
from heze_ip_kg.model import to_json_data
from heze_ip_kg.namespaces import DEFAULT_BASE, HIP, RDF
from heze_ip_kg.parse import read_plan
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.query import Table
from heze_ip_kg.trace import chain, implements_view, render_svg, resolve_element, trace_graph
from heze_ip_kg.trace import coverage as coverage_table

F = TypeVar("F", bound=Callable[..., Any])
SUMMARY_CLASSES = (
    "Part",
    "GuidingIdea",
    "Principle",
    "Objective",
    "Indicator",
    "TaskArea",
    "Task",
    "KeyProject",
    "Safeguard",
)


def _fail_cleanly(command: F) -> F:
    """Turn a user-fixable error into one line on stderr and exit code 2."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except HezeIpKgError as err:
            click.echo(f"heze-ip-kg: error: {err}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def _data_options(command: F) -> F:
    command = click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Curated data folder (default: the project's data/).",
    )(command)
    command = click.option(
        "--base", default=DEFAULT_BASE, show_default=True, help="Base IRI for data resources."
    )(command)
    return command


def summary(graph: Graph) -> str:
    """The triple count, then one line per plan counting its main element classes."""
    lines = [f"{len(graph)} triples"]
    for doc in sorted(str(d) for d in graph.subjects(RDF.type, HIP.Plan)):
        prefix = f"{doc}/"
        counts = Counter(o for s, o in graph.subject_objects(RDF.type) if str(s).startswith(prefix))
        parts = [f"{counts[HIP[n]]} {n}" for n in SUMMARY_CLASSES if counts[HIP[n]]]
        lines.append(f"  {doc.rsplit('/', 1)[-1]}: " + ", ".join(parts))
    return "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="heze-ip-kg")
def main() -> None:
    """Turn Chinese government IP plans into a linked, checkable knowledge graph."""


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder for the dumps.",
)
@_data_options
@_fail_cleanly
def build(output: Path, data: Path | None, base: str) -> None:
    """Build the graph of every listed source and write heze-ip-kg.{ttl,nt,jsonld}."""
    result = build_all(load_project(data, base=base))
    graph = result.graph
    paths = write_dumps(graph, output)
    click.echo(f"built {summary(graph)}", err=True)
    confirmed = sum(d.status == "confirmed" for d in result.decisions)
    click.echo(
        f"alignments: {len(result.decisions)} reviewed ({confirmed} confirmed), "
        f"{len(result.unreviewed)} proposals still to review",
        err=True,
    )
    for path in paths:
        click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here instead of stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "jsonld", "json"]),
    default="ttl",
    show_default=True,
    help="RDF dump, or json for the document tree.",
)
@click.option(
    "--encoding", default="utf-8", show_default=True, help="Text encoding of FILE, e.g. gb18030."
)
@click.option("--slug", default=None, help="IRI slug of the document (default: file stem).")
@_data_options
@_fail_cleanly
def parse(
    file: Path,
    output: Path | None,
    fmt: str,
    encoding: str,
    slug: str | None,
    data: Path | None,
    base: str,
) -> None:
    """Parse any plan text of this genre into its graph (or its document tree with json)."""
    plan = read_plan(file, encoding=encoding)
    if fmt == "json":
        payload = (json.dumps(to_json_data(plan), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        project = load_project(data, base=base)
        settings = DocumentSettings(slug or mint_slug(file.stem), base=base)
        graph = build_graph(plan, settings, project.vocabulary)
        payload = serialize(graph, fmt)
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    atomic_write(output, payload)


def _format_table(table: Table, fmt: str, base: str) -> str:
    """A result table as aligned text, CSV or JSON (IRIs under ``base`` shortened in text)."""
    if fmt == "json":
        return json.dumps(table.as_dicts(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.vars)
        writer.writerows([["" if c is None else c for c in row] for row in table.rows])
        return out.getvalue()
    cells = [
        [("" if c is None else c.replace(base, "").split("#")[-1]) for c in row]
        for row in table.rows
    ]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(table.vars)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(table.vars, widths, strict=True))]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@main.command()
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
@_data_options
@_fail_cleanly
def trace(element: str, svg: Path | None, fmt: str, data: Path | None, base: str) -> None:
    """Print the chain from ELEMENT (IRI, path, label or notation) up to the nation."""
    graph = build_all(load_project(data, base=base)).graph
    start = resolve_element(graph, element, base)
    dg = trace_graph(graph)
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
        atomic_write(svg, render_svg(dg, nodes, f"{found.label}：实现链").encode("utf-8"))


@main.command()
@click.option("--child", default=None, help="IRI of the child document (default: the Heze plan).")
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
@_data_options
@_fail_cleanly
def coverage(child: str | None, fmt: str, svg: Path | None, data: Path | None, base: str) -> None:
    """Print how much of each parent document the child takes up, by element class."""
    graph = build_all(load_project(data, base=base)).graph
    click.echo(_format_table(coverage_table(graph, child), fmt, base), nl=False)
    if svg is not None:
        dg = trace_graph(graph)
        picture = render_svg(dg, implements_view(dg).nodes, "菏泽 → 山东 → 国家：实现关系")
        atomic_write(svg, picture.encode("utf-8"))


__all__ = ["FORMATS", "main", "summary"]
