"""Importing the package is light: no heavy library loads until a stage that needs it runs."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pyoxigraph", "jinja2", "networkx", "pyshacl", "SPARQLWrapper", "uvicorn", "rdflib")


def loaded_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout))


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert loaded_after("import heze_ip_kg") & set(HEAVY) == set()


def test_the_sparql_worker_loads_only_the_engine() -> None:
    modules = loaded_after("import heze_ip_kg.serve.worker")
    assert modules & set(HEAVY) == {"pyoxigraph"}


def test_a_public_name_still_works_on_first_use() -> None:
    modules = loaded_after(
        "import heze_ip_kg\nassert heze_ip_kg.parse_plan('（一）加强保护。').elements"
    )
    assert "heze_ip_kg.parse" in modules
    assert "pyshacl" not in modules


def test_every_public_name_resolves_to_its_stage() -> None:
    import heze_ip_kg

    for name in heze_ip_kg.__all__:
        value = getattr(heze_ip_kg, name)
        assert name == "__version__" or value.__name__ == name, name
    from heze_ip_kg import load_query, run_query  # what the README's Python example imports

    assert run_query.__module__ == load_query.__module__ == "heze_ip_kg.query.execute"
