"""The generated catalogue pages: ``queries/README.md`` and ``shapes/README.md``."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import Graph, Literal
from rdflib.namespace import SH

from heze_ip_kg.query.execute import list_queries
from heze_ip_kg.resources import resource_dir


@dataclass(frozen=True)
class ShapeRow:
    """One named shape, as the shapes page lists it."""

    file: str
    name: str
    severity: str
    message_en: str
    message_zh: str


def _environment() -> Environment:
    # Markdown, not HTML: autoescape would turn 《》 titles and quotes into entities.
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def queries_readme() -> str:
    """The query catalogue page, from the headers of ``queries/*.rq``."""
    return _environment().get_template("queries-readme.md.j2").render(queries=list_queries())


def shape_rows() -> list[ShapeRow]:
    """Every named shape with its severity and messages."""
    rows = []
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        graph = Graph().parse(path)
        for shape in sorted(graph.subjects(SH.severity, None), key=str):
            messages = {
                m.language: str(m)
                for m in graph.objects(shape, SH.message)
                if isinstance(m, Literal)
            }
            severity = str(graph.value(shape, SH.severity)).rsplit("#", 1)[-1]
            rows.append(
                ShapeRow(
                    path.name,
                    str(shape).rsplit("#", 1)[-1],
                    severity,
                    messages.get("en", ""),
                    messages.get("zh", ""),
                )
            )
    return rows


def shapes_readme() -> str:
    """The shapes page, from ``shapes/*.ttl``."""
    return _environment().get_template("shapes-readme.md.j2").render(shapes=shape_rows())


__all__ = ["ShapeRow", "queries_readme", "shape_rows", "shapes_readme"]
