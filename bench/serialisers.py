"""Our serialisers (``heze_ip_kg/rdfio/serializers.py``) against pyoxigraph's, as publish uses them.

Whole dumps (Turtle, N-Triples, JSON-LD) and one resource's description per page, on the Heze
graph and on a synthetic corpus. pyoxigraph is given the triples in the order ours writes them
(the index's order: subjects sorted, ``rdf:type`` first, then predicates and objects sorted),
so its output is deterministic too; the conversion of rdflib terms to pyoxigraph terms (cached
per term, as a publisher would) is timed apart, since a switch would have to pay it. Each whole
dump is timed ``--repeat`` times (best kept); pages once over every page (at most ``--pages``,
every k-th in IRI order). The results go to ``bench/raw/serialisers.json`` and the section
"Serialisers" of ``bench/results.md``.

    .venv/bin/python bench/serialisers.py --plans 300
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.pipeline import build_dataset, load_project
from heze_ip_kg.publish.describe import subjects_with_pages
from heze_ip_kg.rdfio.dump_blocks import serialize_index
from heze_ip_kg.rdfio.serializers import (
    TripleIndex,
    describe,
    jsonld,
    jsonld_bytes,
)
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE, PREFIXES

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from provenance import commit_label, measured_at  # noqa: E402
from sections import replace_section, serialiser_section  # noqa: E402

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
OX_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


class Terms:
    """rdflib terms as pyoxigraph terms, each converted once."""

    def __init__(self) -> None:
        self.cache: dict[Node, Any] = {}

    def __call__(self, term: Node) -> Any:
        found = self.cache.get(term)
        if found is None:
            if isinstance(term, URIRef):
                found = ox.NamedNode(str(term))
            elif isinstance(term, BNode):
                found = ox.BlankNode(str(term))
            else:
                assert isinstance(term, Literal)
                if term.language:
                    found = ox.Literal(str(term), language=term.language)
                elif term.datatype is not None:
                    found = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
                else:
                    found = ox.Literal(str(term))
            self.cache[term] = found
        return found


def ox_triples(index: TripleIndex, roots: Iterable[Node], terms: Terms) -> list[Any]:
    return [
        ox.Triple(terms(s), terms(p), terms(o)) for s in roots for p, o in index.forward.get(s, ())
    ]


def best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def whole(graph: Graph, repeat: int) -> dict[str, Any]:
    index_s, index = best(repeat, lambda: TripleIndex(graph))
    convert_s, triples = best(repeat, lambda: ox_triples(index, index.roots(), Terms()))
    out: dict[str, Any] = {"triples": len(graph), "index_s": index_s, "convert_s": convert_s}
    for ext, fmt in FORMATS.items():
        ours_s, ours = best(repeat, lambda ext=ext: serialize_index(index, ext))
        theirs_s, theirs = best(
            repeat, lambda fmt=fmt: ox.serialize(triples, format=fmt, prefixes=OX_PREFIXES)
        )
        fresh = ox_triples(index, index.roots(), Terms())
        again = ox.serialize(fresh, format=fmt, prefixes=OX_PREFIXES)
        back = len(list(ox.parse(theirs, format=fmt)))
        out[ext] = {
            "ours_s": ours_s,
            "oxigraph_s": theirs_s,
            "ours_mb": len(ours) / 1e6,
            "oxigraph_mb": len(theirs) / 1e6,
            "oxigraph_deterministic": theirs == again,
            "oxigraph_reads_back": back == len(graph),
            "same_bytes": ours == theirs,
            # our N-Triples are sorted lines: are pyoxigraph's, sorted, the same bytes?
            "same_bytes_sorted": ours == b"".join(sorted(set(theirs.splitlines(True)))),
        }
    return out


def pages(graph: Graph, limit: int) -> dict[str, Any]:
    index = TripleIndex(graph)
    subjects = subjects_with_pages(graph, DEFAULT_BASE)
    step = max(1, -(-len(subjects) // limit))
    subjects = subjects[::step]
    out: dict[str, Any] = {"pages": len(subjects)}
    ours = {
        "ttl": lambda s: describe(index, s, "ttl"),
        "nt": lambda s: describe(index, s, "nt"),
        # as resource_pages.py writes a page's JSON-LD
        "jsonld": lambda s: jsonld_bytes(jsonld(index, index.description_roots(s))),
    }
    terms = Terms()
    start = time.perf_counter()
    described = {s: ox_triples(index, index.description_roots(s), terms) for s in subjects}
    out["convert_s"] = time.perf_counter() - start
    for ext, fmt in FORMATS.items():
        start = time.perf_counter()
        for s in subjects:
            ours[ext](s)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        for s in subjects:
            ox.serialize(described[s], format=fmt, prefixes=OX_PREFIXES)
        out[ext] = {"ours_s": ours_s, "oxigraph_s": time.perf_counter() - start}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args()
    command = "bench/serialisers.py " + " ".join(sys.argv[1:])
    commit = commit_label()
    graphs: dict[str, Callable[[], Graph]] = {"Heze": lambda: build_dataset(load_project())}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "corpus"
        cli = [sys.executable, "-m", "heze_ip_kg", "corpus", "-n", str(args.plans), "-o", str(data)]
        subprocess.run(cli, check=True, capture_output=True)
        graphs[f"{args.plans} plans"] = lambda: build_dataset(load_project(data))
        results = []
        for name, build in graphs.items():
            graph = build()
            print(f"{name}: {len(graph)} triples", file=sys.stderr)
            measured = {"whole": whole(graph, args.repeat), "pages": pages(graph, args.pages)}
            results.append({"graph": name, **measured})
            del graph
    raw = {
        "command": command,
        "measured": measured_at(),
        "commit": commit,
        "pyoxigraph": ox.__version__,
        "results": results,
    }
    (HERE / "raw").mkdir(exist_ok=True)
    (HERE / "raw" / "serialisers.json").write_text(json.dumps(raw, indent=1) + "\n")
    section = serialiser_section(raw)
    replace_section(HERE / "results.md", section[0], section)
    print("\n".join(section))


if __name__ == "__main__":
    main()
