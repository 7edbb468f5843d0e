"""The ``heze-ip-kg`` command: a thin layer over the Python API.

Exit codes: 0 success, 1 a check failed, 2 bad input or usage, 3 an output the system refused to
write (disk full, read-only file system, no permission). Data goes to stdout, messages to
stderr; an error is one line naming the place (``file:line: message``, the option, or the output
and the system's reason), and nothing partial is written.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import get_args

import click
from rdflib import Graph

from heze_ip_kg import __version__
from heze_ip_kg.build.plan import DocumentSettings, build_graph, mint_slug
from heze_ip_kg.check.validate import read_shapes, report_graph, report_json, validate_graph
from heze_ip_kg.cli.formatting import format_report, format_table
from heze_ip_kg.cli.monitoring import progress
from heze_ip_kg.cli.options import (
    data_options,
    fail_cleanly,
    fast_option,
    folder_option,
    graph_options,
    project_graph,
    read_graphs,
    server_options,
    table_options,
)
from heze_ip_kg.cli.publish import docs, publish, serve
from heze_ip_kg.cli.scale import corpus
from heze_ip_kg.cli.tracing import coverage, responsibility, trace
from heze_ip_kg.collector import freeze_after_pauses
from heze_ip_kg.curated.parents import ElementClass
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.atomic import atomic_write
from heze_ip_kg.files.limits import read_stream
from heze_ip_kg.parse import parse_bytes, read_plan
from heze_ip_kg.parse.model import to_json_data
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.progress import counter
from heze_ip_kg.query.backends import open_backend
from heze_ip_kg.query.execute import list_queries, load_query
from heze_ip_kg.query.remote import ServerAuth, load_graph
from heze_ip_kg.rdfio.dumps import FORMATS, serialize, write_dumps
from heze_ip_kg.vocab.iri import slug_problem
from heze_ip_kg.vocab.namespaces import HIP, RDF

STDIN = "<stdin>"
SUMMARY_CLASSES = ("Part", *get_args(ElementClass))  # the element classes, in document order


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


def run() -> None:
    """The ``heze-ip-kg`` program: the commands, in a process whose heap is the CLI's own."""
    freeze_after_pauses()  # see heze_ip_kg/collector.py; a library call never freezes
    main()


@main.command()
@folder_option("-o", "--output", default="dist", help="Folder for the dumps (replaced as a whole).")
@data_options
@fail_cleanly
def build(output: Path, data: Path | None, base: str) -> None:
    """Build the graph of every listed source and write heze-ip-kg.{ttl,nt,jsonld}."""
    result = build_all(load_project(data, base=base))
    graph = result.graph
    paths = write_dumps(graph, output)
    for warning in result.warnings:
        click.echo(f"heze-ip-kg: warning: {warning}", err=True)
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
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
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
@click.option(
    "--slug", default=None, help="IRI slug of the document (default: file stem; stdin for -)."
)
@data_options
@fail_cleanly
def parse(
    file: Path,
    output: Path | None,
    fmt: str,
    encoding: str,
    slug: str | None,
    data: Path | None,
    base: str,
) -> None:
    """Parse any plan text of this genre into its graph (or its document tree with json).

    FILE may be - for standard input. At most 16 MiB are read from a file, device or pipe.
    Irregular numbering is recovered from, with a warning naming the line on stderr.
    """
    if str(file) == "-":
        raw = read_stream(sys.stdin.buffer, STDIN)
        plan, stem = parse_bytes(raw, name=STDIN, encoding=encoding), "stdin"
    else:
        plan, stem = read_plan(file, encoding=encoding), file.stem
    for warning in plan.warnings:
        where = f"{plan.source.name}:{warning.line}:{warning.column}"
        click.echo(f"heze-ip-kg: warning: {where}: {warning.message}", err=True)
    if fmt == "json":
        payload = (json.dumps(to_json_data(plan), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        project = load_project(data, base=base)
        settings = DocumentSettings(_slug(slug, stem, file), base=base)
        graph = build_graph(plan, settings, project.vocabulary)
        payload = serialize(graph, fmt)
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    atomic_write(output, payload)


def _slug(given: str | None, stem: str, file: Path) -> str:
    """The document's slug: ``--slug``, or one minted from the file's name; checked."""
    if given is not None:
        problem = slug_problem(given)
        if problem:
            raise InputError(f"--slug {given!r}: {problem}")
        return given
    minted = mint_slug(stem)
    problem = slug_problem(minted)
    if problem:
        raise InputError(
            f"the slug {minted!r} made from its name {problem}; give --slug", file=str(file)
        )
    return minted


@main.command()
@click.argument("graphs", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--shapes",
    "shape_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A SHACL shapes file, or a folder of *.ttl files (repeatable), to use instead of the "
    "project's shapes/; the project's check queries then do not run.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "ttl"]),
    default="text",
    show_default=True,
    help="A report for people, JSON for programs, or a standard SHACL sh:ValidationReport "
    "in Turtle.",
)
@fast_option
@graph_options
@fail_cleanly
def validate(
    graphs: tuple[Path, ...],
    shape_files: tuple[Path, ...],
    fmt: str,
    fast: bool | None,
    from_: Path | None,
    data: Path | None,
    base: str,
) -> None:
    """Validate GRAPHS (default: the built graph) against shapes/ and queries/check-*.rq,
    or against the SHACL shapes given with --shapes.

    Exit 0 when it conforms (warnings and infos allowed), 1 on any other result, 2 on a file
    that cannot be read or shapes that pySHACL cannot use.
    """
    shapes = read_shapes(list(shape_files)) if shape_files else None
    if from_ is not None:
        graphs = (*graphs, from_)
    graph = read_graphs(graphs) if graphs else project_graph(None, data, base)
    report = validate_graph(graph, shapes, checks=shapes is None, fast=fast)
    # Chosen by size, the fast path falls back without a word: the findings are pySHACL's.
    if report.fallback and fast:
        click.echo(
            f"heze-ip-kg: the fast path hands these shapes to pySHACL: {report.fallback}", err=True
        )
    if fmt == "ttl":
        click.echo(report_graph(report).serialize(format="turtle"), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, base), nl=False)
    if not report.conforms:
        sys.exit(1)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the catalogue's queries.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a query parameter (repeatable).",
)
@table_options
@click.option("--endpoint", default=None, help="Query this SPARQL endpoint instead.")
@server_options
@graph_options
@fail_cleanly
def query(
    name: str | None,
    list_: bool,
    params: tuple[str, ...],
    fmt: str,
    store: str,
    endpoint: str | None,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
    auth: str,
    from_: Path | None,
    data: Path | None,
    base: str,
) -> None:
    """Run the catalogue query NAME over the built graph or an endpoint (or --list them)."""
    if list_ or name is None:
        for item in list_queries():
            click.echo(f"{item.name:32} {item.kind:8} {item.title}")
        return
    bound: dict[str, str] = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep:
            raise InputError(f"--param needs KEY=VALUE, got {param!r}")
        bound[key] = value
    selected = load_query(name)
    if endpoint is not None:
        backend = open_backend(
            endpoint=endpoint, default_graph=graph_iri, user=user, password=password, auth=auth
        )
    elif from_ is not None:
        backend = open_backend(path=from_, store=store)
    else:
        backend = open_backend(project_graph(None, data, base), store=store)
    click.echo(format_table(backend.select(selected, bound), fmt, base), nl=False)


@main.command()
@click.option("--endpoint", required=True, help="The server's SPARQL query endpoint.")
@click.option(
    "--store-endpoint",
    default=None,
    help="Graph Store Protocol endpoint (replaces the graph in one request).",
)
@click.option(
    "--update-endpoint",
    default=None,
    help="SPARQL Update endpoint: loads into a staging graph when there is no Graph Store "
    "endpoint; with Oxigraph's, replaces a non-empty graph by an update of what changed "
    "(default: /update beside /store).",
)
@click.option(
    "--bulk",
    is_flag=True,
    help="Oxigraph only: replace a non-empty graph with the bulk loader (faster when most of "
    "the graph changes, though Oxigraph still clears the old graph in one transaction); a "
    "load that fails then leaves the graph empty instead of as it was.",
)
@server_options
@data_options
@fail_cleanly
def load(
    endpoint: str,
    store_endpoint: str | None,
    update_endpoint: str | None,
    bulk: bool,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
    auth: str,
    data: Path | None,
    base: str,
) -> None:
    """Replace a named graph on a SPARQL server with the built graph, then count it there."""
    if store_endpoint is None and update_endpoint is None:
        raise InputError("give --store-endpoint or --update-endpoint to load into")
    graph = build_all(load_project(data, base=base)).graph
    target = graph_iri or base.rstrip("/")
    credentials = ServerAuth(user, password or "", auth) if user is not None else None
    loaded = load_graph(
        graph,
        target,
        store_endpoint=store_endpoint,
        update_endpoint=update_endpoint,
        auth=credentials,
        progress=counter("load"),
        bulk=bulk,
    )
    backend = open_backend(endpoint=endpoint, user=user, password=password, auth=auth)
    count = backend.select(load_query("report-graph-size"), {"graph": target}).rows[0][0]
    click.echo(f"loaded {loaded} triples into <{target}>; the server counts {count}", err=True)
    if str(count) != str(loaded):
        sys.exit(1)


main.add_command(trace)
main.add_command(coverage)
main.add_command(responsibility)
main.add_command(publish)
main.add_command(serve)
main.add_command(progress)
main.add_command(docs)
main.add_command(corpus)

__all__ = ["FORMATS", "format_report", "main", "summary"]
