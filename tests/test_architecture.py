"""The package's shape as ARCHITECTURE.md draws it: the stages as folders, imports pointing down.

Every ``heze_ip_kg`` import of every module (at the top or inside a function) is read with
``ast`` and checked against the layers below; a module may import its own unit and any unit of
a lower layer, never a higher one or a peer. The layer table is ARCHITECTURE.md's, which the
last test holds equal to this one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "heze_ip_kg"

# Lowest first. A unit is a subpackage or a flat module of heze_ip_kg.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "resources", "progress", "collector", "workers"),
    ("files",),
    ("parse",),
    ("vocab", "corpus"),
    ("curated", "rdfio"),
    ("build",),
    ("align", "monitor"),
    ("pipeline", "query"),
    ("check", "trace"),
    ("publish",),
    ("serve",),
    ("cli",),
    ("__main__",),
)
LAYER = {unit: n for n, units in enumerate(LAYERS) for unit in units}
# Units that must not know RDF (the parser's promise, and what the parser rests on).
NO_RDF = ("errors", "resources", "progress", "collector", "workers", "files", "parse", "corpus")
MAX_FLAT_MODULES = 8
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``path``, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "heze_ip_kg":  # from heze_ip_kg import x: x may be a unit
                found += [(node.lineno, f"heze_ip_kg.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def test_every_unit_has_a_layer() -> None:
    units = {_unit(p) for p in _modules()} - {"__init__"}
    assert units - set(LAYER) == set()


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    unit = _unit(path)
    if unit == "__init__":  # the package's lazy public API may name any stage
        return
    wrong = []
    for line, module in _imports(path):
        parts = module.split(".")
        if parts[0] != "heze_ip_kg" or len(parts) == 1 or parts[1] == "__version__":
            continue
        target = parts[1]
        if target in LAYER and target != unit and LAYER[target] >= LAYER[unit]:
            wrong.append(f"line {line}: {unit} imports {module}")
    assert wrong == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_rdf_below_the_vocabulary(path: Path) -> None:
    if _unit(path) not in NO_RDF:
        return
    rdf = [m for _, m in _imports(path) if m.split(".")[0] in ("rdflib", "pyoxigraph")]
    assert rdf == []


def test_the_stages_are_folders_and_modules_are_short() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(flat) <= MAX_FLAT_MODULES, flat
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_architecture_md_draws_the_same_layers() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (\d+) \| ([^|]+) \|", text, flags=re.MULTILINE)
    drawn = tuple(tuple(re.findall(r"`([\w_]+)/?`", units)) for _, units in table)
    assert drawn == LAYERS
