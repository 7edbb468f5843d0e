"""heze-ip-kg: Chinese government IP plans as a linked, checkable knowledge graph.

The public API, one function per pipeline stage:

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
    from heze_ip_kg.errors import HezeIpKgError, InputError
    from heze_ip_kg.parse import parse_plan, read_plan
    from heze_ip_kg.parse.model import Element, ElementKind, Plan
    from heze_ip_kg.pipeline import Project, build_dataset, load_project
    from heze_ip_kg.rdfio.dumps import serialize, write_dumps

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
    "serialize": "rdfio.dumps",
    "write_dumps": "rdfio.dumps",
    "HezeIpKgError": "errors",
    "InputError": "errors",
    "Element": "parse.model",
    "ElementKind": "parse.model",
    "Plan": "parse.model",
    "parse_plan": "parse",
    "read_plan": "parse",
    "Project": "pipeline",
    "build_dataset": "pipeline",
    "load_project": "pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"heze_ip_kg.{_HOMES[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "DocumentSettings",
    "Element",
    "ElementKind",
    "HezeIpKgError",
    "InputError",
    "Plan",
    "Project",
    "Vocabulary",
    "__version__",
    "build_dataset",
    "build_graph",
    "load_project",
    "parse_plan",
    "read_plan",
    "serialize",
    "write_dumps",
]
