"""``progress``: every indicator's progress towards its target (docs/progress-method.md).

Registered on the same ``heze-ip-kg`` group by ``cli.main``; like it, a thin layer over the API:
the build computes each indicator's assessment (``monitoring``) from the observed values in
``data/observations/``, and this command prints the catalogue query
``report-indicator-progress``, so the table and the query over SPARQL are the same rows.
"""

from __future__ import annotations

from pathlib import Path

import click

from heze_ip_kg.cli.formatting import format_table
from heze_ip_kg.cli.options import fail_cleanly, graph_options, project_graph, table_options
from heze_ip_kg.query.backends import open_backend
from heze_ip_kg.query.execute import load_query

PROGRESS_QUERY = "report-indicator-progress"


@click.command()
@table_options
@graph_options
@fail_cleanly
def progress(fmt: str, store: str, from_: Path | None, data: Path | None, base: str) -> None:
    """Each indicator of every document: baseline, target, latest value, ratio, status."""
    if from_ is not None:
        backend = open_backend(path=from_, store=store)
    else:
        backend = open_backend(project_graph(None, data, base), store=store)
    table = backend.select(load_query(PROGRESS_QUERY))
    click.echo(format_table(table, fmt, base), nl=False)


__all__ = ["progress"]
