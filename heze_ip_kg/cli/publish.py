"""The CLI's publishing commands: ``publish``, ``serve`` and ``docs``."""

from __future__ import annotations

from pathlib import Path

import click

from heze_ip_kg.cli.options import (
    data_options,
    fail_cleanly,
    fast_option,
    folder_option,
    project_metadata,
)
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.atomic import atomic_write
from heze_ip_kg.publish import SITE_URL
from heze_ip_kg.publish.incremental import publish_project
from heze_ip_kg.publish.readmes import queries_readme, shapes_readme
from heze_ip_kg.resources import resource_dir
from heze_ip_kg.serve import DEFAULT_WORKERS
from heze_ip_kg.vocab.iri import base_problem, web_iri_problem


@click.command()
@folder_option(
    "-o", "--output", default="dist", help="Folder for the publication (replaced as a whole)."
)
@click.option(
    "--site-url",
    default=SITE_URL,
    show_default=True,
    help="The URL at which OUTPUT/site/ (what serve serves) will be published: the root of "
    "every link in void.ttl and the sitemap.",
)
@click.option(
    "--sparql-endpoint",
    default=None,
    help="A public SPARQL endpoint serving the data, named in void.ttl (serve adds its own).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes writing the resource pages (default: one per CPU, at most 8).",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="HEZE_IP_KG_CACHE",
    help="Folder recording what each run wrote, by the hash of its inputs (code, data folder, "
    "options): a run with the same inputs into an untouched OUTPUT then does nothing, and "
    "another run updates OUTPUT in place (or set HEZE_IP_KG_CACHE; docs/incremental.md).",
)
@fast_option
@data_options
@fail_cleanly
def publish(
    output: Path,
    site_url: str,
    sparql_endpoint: str | None,
    workers: int | None,
    cache: Path | None,
    fast: bool | None,
    data: Path | None,
    base: str,
) -> None:
    """Build, validate and write dumps, void.ttl and the browsable site into OUTPUT.

    Validation and the catalogue queries run on an embedded Oxigraph store (the same results,
    far faster), or as --fast / --plain say. A file whose bytes
    did not change since the last publication into OUTPUT is kept, not rewritten; with
    --cache, OUTPUT is updated in place (only changed files are replaced; a run killed while
    replacing them leaves a mix that the next run puts right), a resource page none of whose
    data changed is not even built again, and one whose content did not change not rendered.
    """
    problem = base_problem(site_url)
    if problem:
        raise InputError(f"--site-url {site_url!r}: {problem}")
    problem = web_iri_problem(sparql_endpoint) if sparql_endpoint is not None else None
    if problem:
        raise InputError(f"--sparql-endpoint {sparql_endpoint!r}: {problem}")
    metadata = project_metadata(data)  # what the dataset is: its folder's, checked first
    run = publish_project(
        output,
        data=data,
        base=base,
        site_url=site_url,
        sparql_endpoint=sparql_endpoint,
        fast=fast,
        workers=workers,
        cache=cache,
        metadata=metadata,
    )
    for warning in run.warnings:
        click.echo(f"heze-ip-kg: warning: {warning}", err=True)
    summary_ = run.summary
    if run.stages:
        done = f"{summary_.written} files written, {summary_.kept} unchanged"
        if summary_.digests is not None:  # with a cache: pages whose model changed
            done += f"; {summary_.rendered} of {len(summary_.digests)} resource pages rendered"
            done += f" ({summary_.built} built)"
    else:
        done = "unchanged since the recorded run with the same inputs"
    click.echo(
        f"published {summary_.pages} pages and {summary_.triples} triples to {output} ({done})",
        err=True,
    )
    click.echo(f"validation: {'conforms' if run.conforms else 'does not conform'}", err=True)


@click.command()
@folder_option("-d", "--dist", default="dist", help="What publish wrote (site and N-Triples dump).")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes (queries running at once); two per core by default.",
)
@click.option(
    "--worker-memory",
    default=1024,
    show_default=True,
    type=click.IntRange(64),
    help="MiB a query may use in its worker beyond the shared store.",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(1),
    help="Rows (or triples) a query may return; more are cut off and flagged.",
)
@click.option(
    "--answer-cache",
    default=64,
    show_default=True,
    type=click.IntRange(0),
    help="MiB of answers kept for identical queries (the graph does not change); 0: none.",
)
@click.option("--quiet", is_flag=True, help="Do not log requests.")
@fail_cleanly
def serve(
    dist: Path,
    host: str,
    port: int,
    workers: int,
    worker_memory: int,
    timeout: float,
    max_rows: int,
    answer_cache: int,
    quiet: bool,
) -> None:
    """Serve the published site with content negotiation and a read-only SPARQL endpoint."""
    from heze_ip_kg.serve.server import ServerSettings, run_server  # loads uvicorn

    run_server(
        ServerSettings.for_publication(
            dist,
            host=host,
            port=port,
            workers=workers,
            worker_memory_bytes=worker_memory * 1024**2,
            query_timeout=timeout,
            max_rows=max_rows,
            answer_cache_bytes=answer_cache * 1024**2,
            quiet=quiet,
        )
    )


@click.command()
@fail_cleanly
def docs() -> None:
    """Regenerate queries/README.md and shapes/README.md from the query and shape files."""
    for folder, text in (("queries", queries_readme()), ("shapes", shapes_readme())):
        path = resource_dir(folder) / "README.md"
        atomic_write(path, text.encode("utf-8"))
        click.echo(f"wrote {path}", err=True)


__all__ = ["docs", "publish", "serve"]
