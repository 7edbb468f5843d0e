"""Option sets and error handling shared by the CLI's commands (sqlite-utils style)."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rdflib import Graph

from heze_ip_kg.curated.metadata import METADATA_FILE, DatasetMetadata, load_metadata
from heze_ip_kg.errors import HezeIpKgError, OutputError
from heze_ip_kg.query.backends import STORES
from heze_ip_kg.rdfio.dumps import read_graphs
from heze_ip_kg.resources import data_dir
from heze_ip_kg.vocab.iri import base_problem
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

F = TypeVar("F", bound=Callable[..., Any])
# What the system says when it will not take what we write: full, read-only, not allowed.
WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO, errno.EACCES, errno.EPERM}
)


def exit_with(message: str, code: int) -> NoReturn:
    """Print ``message`` as one ``heze-ip-kg: error:`` line on stderr and exit with ``code``."""
    line = " ".join(message.splitlines())  # one line, whatever the cause said
    click.echo(f"heze-ip-kg: error: {line}", err=True)
    sys.exit(code)


def fail_cleanly(command: F) -> F:
    """Turn a user-fixable error into one line on stderr: exit code 2 for bad input or usage,
    3 for an output the system refused to write (disk full, read-only, no permission)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # a full disk behind stdout shows here, not as Python exits
            return result
        except OutputError as err:  # a file or folder output: atomic.py names it
            exit_with(str(err), 3)
        except HezeIpKgError as err:
            exit_with(str(err), 2)
        except OSError as err:
            # Files and folders come as OutputError (atomic.py): a write that names no file and
            # that the system refused went to standard output.
            if err.errno not in WRITE_ERRORS or err.filename is not None:
                raise
            exit_with(str(OutputError("standard output", err.strerror or str(err))), 3)

    return wrapper  # type: ignore[return-value]


def folder_option(*names: str, default: str, help: str) -> Callable[[F], F]:
    """A folder option (``-o/--output``, ``-d/--dist``) with its default shown."""
    return click.option(
        *names,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


def data_options(command: F) -> F:
    """``--data DIR`` and ``--base IRI``; a base that is not an absolute http(s) IRI ending in
    ``/`` is refused (exit 2) before the command runs."""

    run = command

    @wraps(run)
    def checked(*args: Any, **kwargs: Any) -> Any:
        problem = base_problem(kwargs["base"])
        if problem:
            exit_with(f"--base {kwargs['base']!r}: {problem}", 2)
        return run(*args, **kwargs)

    command = checked  # type: ignore[assignment]
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


def fast_option(command: F) -> F:
    """``--fast/--plain``: the fast paths on the embedded Oxigraph store (same results as
    pySHACL and rdflib), or the plain ones; by default chosen by the graph's size."""
    return click.option(
        "--fast/--plain",
        default=None,
        help="Force the fast path (validation and queries on an embedded Oxigraph store: the "
        "same results as plain pySHACL and rdflib, minutes faster on a large corpus; shapes it "
        "cannot evaluate go to pySHACL, and it says so, docs/shacl.md) or the plain one. "
        "Default: fast for any graph that is not empty (docs/scale.md).",
    )(command)


def table_options(command: F) -> F:
    """``--format`` of a result table and ``--store``, the embedded store: ``query``,
    ``progress``."""
    command = click.option(
        "--store",
        type=click.Choice(list(STORES)),
        default="auto",
        show_default=True,
        help="Embedded store: rdflib, oxigraph, or auto (oxigraph unless the graph is empty).",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json", "md"]),
        default="table",
        show_default=True,
        help="Output format.",
    )(command)


def server_options(command: F) -> F:
    """Authentication and named-graph options shared by ``query`` and ``load``."""
    command = click.option(
        "--graph",
        "graph_iri",
        default=None,
        help="Named graph on the server (query: its default graph).",
    )(command)
    command = click.option("--user", default=None, help="User name for the server.")(command)
    command = click.option(
        "--password",
        default=None,
        envvar="HEZE_IP_KG_PASSWORD",
        help="Password (or set HEZE_IP_KG_PASSWORD).",
    )(command)
    command = click.option(
        "--auth",
        type=click.Choice(["basic", "digest"]),
        default="basic",
        show_default=True,
        help="HTTP authentication scheme.",
    )(command)
    return command


def graph_options(command: F) -> F:
    """``--from FILE`` (a graph ``build`` or ``publish`` wrote), with ``--data`` and ``--base``
    for building one when it is not given, and ``--cache DIR``: without ``--from``, the dump
    a ``publish --cache DIR`` recorded for the same code, data folder and base, if still
    there and unchanged, is used as if it were given with ``--from`` (one way to read a built
    graph, docs/incremental.md)."""
    run = command

    @wraps(run)
    def resolved(*args: Any, cache: Path | None, **kwargs: Any) -> Any:
        if kwargs["from_"] is None and cache is not None:
            from heze_ip_kg.files.keyed import find_dump
            from heze_ip_kg.publish.incremental import build_key
            from heze_ip_kg.resources import data_dir

            data = kwargs["data"] or data_dir()
            kwargs["from_"] = find_dump(cache, build_key(data, kwargs["base"]))
        return run(*args, **kwargs)

    command = resolved  # type: ignore[assignment]
    command = data_options(command)
    command = click.option(
        "--cache",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        envvar="HEZE_IP_KG_CACHE",
        help="Without --from: read the graph that publish --cache DIR wrote from the same code, "
        "data and base, if its dump is unchanged (or set HEZE_IP_KG_CACHE).",
    )(command)
    return click.option(
        "--from",
        "from_",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Use this built graph (e.g. dist/heze-ip-kg.nt) instead of building from the sources.",
    )(command)


def project_metadata(data: Path | None) -> DatasetMetadata:
    """The ``metadata.yaml`` of ``--data`` (default: the project's ``data/``)."""
    return load_metadata((data or data_dir()) / METADATA_FILE)


def project_graph(from_: Path | None, data: Path | None, base: str) -> Graph:
    """The graph ``--from`` names, or the project's graph built from its sources."""
    if from_ is not None:
        return read_graphs((from_,))
    from heze_ip_kg.pipeline import build_all, load_project

    return build_all(load_project(data, base=base)).graph


__all__ = [
    "data_options",
    "exit_with",
    "fail_cleanly",
    "project_metadata",
    "read_graphs",
    "server_options",
]
