"""``progress``: every indicator's progress towards its target (docs/progress-method.md).

Registered on the same ``heze-ip-kg`` group by ``cli.py``; like it, a thin layer over the API:
the build computes each indicator's assessment (``monitoring``) from the observed values in
``data/observations/``, and this command prints the catalogue query
``report-indicator-progress``, so the table and the query over SPARQL are the same rows.
"""

from __future__ import annotations

from pathlib import Path

import click

from heze_ip_kg.backends import STORES, open_backend
from heze_ip_kg.cli_options import data_options, fail_cleanly
from heze_ip_kg.formatting import format_table
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.query import load_query

PROGRESS_QUERY = "report-indicator-progress"


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "md"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--store",
    type=click.Choice(list(STORES)),
    default="auto",
    show_default=True,
    help="Embedded store: rdflib, oxigraph, or auto (oxigraph for large graphs).",
)
@data_options
@fail_cleanly
def progress(fmt: str, store: str, data: Path | None, base: str) -> None:
    """Each indicator of every document: baseline, target, latest value, ratio, status."""
    graph = build_all(load_project(data, base=base)).graph
    table = open_backend(graph, store=store).select(load_query(PROGRESS_QUERY))
    click.echo(format_table(table, fmt, base), nl=False)


__all__ = ["progress"]
