"""heze-ip-kg: Chinese government IP plans as a linked, checkable knowledge graph.

The public API, the main entry points of each pipeline stage (each loaded on first use):

>>> from heze_ip_kg import parse_plan, build_graph, DocumentSettings
>>> plan = parse_plan("(一)加强保护。\\n1.加强行政保护。查处侵权。")
>>> len(build_graph(plan, DocumentSettings("demo"))) > 0
True
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heze_ip_kg.build.plan import DocumentSettings, Vocabulary, build_graph
    from heze_ip_kg.check.validate import ValidationReport, validate_graph
    from heze_ip_kg.errors import HezeIpKgError, InputError
    from heze_ip_kg.parse import parse_plan, read_plan
    from heze_ip_kg.parse.model import Element, ElementKind, Plan
    from heze_ip_kg.pipeline import BuildResult, Project, build_all, build_dataset, load_project
    from heze_ip_kg.publish import publish_site
    from heze_ip_kg.query.backends import open_backend
    from heze_ip_kg.query.execute import Query, Table, list_queries, load_query, run_query
    from heze_ip_kg.rdfio.dumps import read_graphs, serialize, write_dumps
    from heze_ip_kg.trace.chains import Chain, chain, coverage, trace_graph

try:
    __version__ = version("heze-ip-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

# Each public name and the module it lives in: loaded on first use, so that importing the
# package (as the SPARQL workers and the CLI do) loads no stage it does not use.
_HOMES = {
    "DocumentSettings": "build.plan",
    "Vocabulary": "build.plan",
    "build_graph": "build.plan",
    "read_graphs": "rdfio.dumps",
    "serialize": "rdfio.dumps",
    "write_dumps": "rdfio.dumps",
    "ValidationReport": "check.validate",
    "validate_graph": "check.validate",
    "HezeIpKgError": "errors",
    "InputError": "errors",
    "Element": "parse.model",
    "ElementKind": "parse.model",
    "Plan": "parse.model",
    "parse_plan": "parse",
    "read_plan": "parse",
    "BuildResult": "pipeline",
    "Project": "pipeline",
    "build_all": "pipeline",
    "build_dataset": "pipeline",
    "load_project": "pipeline",
    "publish_site": "publish",
    "open_backend": "query.backends",
    "Query": "query.execute",
    "Table": "query.execute",
    "list_queries": "query.execute",
    "load_query": "query.execute",
    "run_query": "query.execute",
    "Chain": "trace.chains",
    "chain": "trace.chains",
    "coverage": "trace.chains",
    "trace_graph": "trace.chains",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"heze_ip_kg.{_HOMES[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "BuildResult",
    "Chain",
    "DocumentSettings",
    "Element",
    "ElementKind",
    "HezeIpKgError",
    "InputError",
    "Plan",
    "Project",
    "Query",
    "Table",
    "ValidationReport",
    "Vocabulary",
    "__version__",
    "build_all",
    "build_dataset",
    "build_graph",
    "chain",
    "coverage",
    "list_queries",
    "load_project",
    "load_query",
    "open_backend",
    "parse_plan",
    "publish_site",
    "read_graphs",
    "read_plan",
    "run_query",
    "serialize",
    "trace_graph",
    "validate_graph",
    "write_dumps",
]
