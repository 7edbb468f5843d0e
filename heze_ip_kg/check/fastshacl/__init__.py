"""The validation fast path: SHACL evaluated directly on the graph, or not at all.

pySHACL is the reference. On a national corpus most of its time goes to cloning the data graph
and composing messages for alternatives of ``sh:or`` that are then thrown away. This evaluator
reads the shapes once and checks each focus node with indexed lookups; SPARQL targets and
SPARQL constraints run once, on the embedded Oxigraph store, for all focus nodes at a time.

It evaluates exactly these features, with pySHACL's results (focus node, path, value, severity,
source shape, constraint component):

- targets: ``sh:targetNode``, ``sh:targetClass``, implicit class targets, ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf``, and ``sh:SPARQLTarget`` (SHACL-AF) whose ``?this`` are IRIs;
- property paths: predicate, sequence, alternative, zero-or-more, one-or-more, zero-or-one, and
  the inverse of a predicate;
- the SHACL Core components ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``,
  ``sh:maxCount``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with ``sh:flags``,
  ``sh:languageIn``, ``sh:uniqueLang``, ``sh:equals``, ``sh:disjoint``, ``sh:hasValue``,
  ``sh:in``, ``sh:closed`` with ``sh:ignoredProperties``, ``sh:not``, ``sh:and``, ``sh:or``,
  ``sh:xone``, ``sh:node``, ``sh:property``, and ``sh:qualifiedValueShape`` with its counts and
  ``sh:qualifiedValueShapesDisjoint`` (in property shapes);
- ``sh:severity``, ``sh:deactivated``, and SPARQL constraints (``sh:sparql``) in node shapes of
  the simple form ``SELECT $this WHERE { $this … }`` (no sub-query, OPTIONAL, MINUS, EXISTS …).

Anything else — another component (the value ranges, ``sh:lessThan`` …), a parameter value on
which pySHACL and SHACL could differ (``sh:minLength 0``, ``sh:flags "s"``), a recursive shape,
a node-level parameter it does not evaluate (``sh:qualifiedValueShape`` in a node shape), custom
constraint components, rules or functions anywhere in the shapes graph — makes
``compile_shapes`` raise ``UnsupportedError`` with the reason, and ``validate_graph`` then
validates the whole graph with pySHACL. ``tests/test_shacl_w3c.py`` holds the fast path to the
W3C SHACL Core test suite, ``tests/test_fastshacl.py`` to pySHACL on random graphs and shapes.
"""

from __future__ import annotations

from heze_ip_kg.check.fastshacl.base import Finding, Shape, UnsupportedError
from heze_ip_kg.check.fastshacl.engine import Select, oxigraph_select, run_compiled
from heze_ip_kg.check.fastshacl.paths import Path, path_text, read_path, write_path
from heze_ip_kg.check.fastshacl.shapes import COMPONENTS, CompiledShapes, compile_shapes

__all__ = [
    "COMPONENTS",
    "CompiledShapes",
    "Finding",
    "Path",
    "Select",
    "Shape",
    "UnsupportedError",
    "compile_shapes",
    "oxigraph_select",
    "path_text",
    "read_path",
    "run_compiled",
    "write_path",
]
