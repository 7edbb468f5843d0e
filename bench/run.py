"""Benchmark harness (``make bench``): the pipeline on 1, 30, 300 and 1,000 synthetic plans.

Each size runs in a fresh process (so peak memory is that size's own) and writes
``bench/raw/N.json``; ``--report`` turns them into ``bench/results.md``. Not part of
``make test``. Slow reference runs (rdflib queries, plain pySHACL) run in a forked child with a
time limit, so a size finishes even where the reference does not; a timed-out run is reported as
such, never as a number.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import oxigraph_binary, oxigraph_server  # noqa: E402

from heze_ip_kg.backends import EndpointBackend, OxigraphBackend, RdflibBackend  # noqa: E402
from heze_ip_kg.corpus import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.dumps import serialize  # noqa: E402
from heze_ip_kg.pipeline import build_all, load_project  # noqa: E402
from heze_ip_kg.progress import Stages  # noqa: E402
from heze_ip_kg.publish import publish_site  # noqa: E402
from heze_ip_kg.query import list_queries  # noqa: E402
from heze_ip_kg.remote import load_graph  # noqa: E402
from heze_ip_kg.validate import validate_graph  # noqa: E402

RAW = ROOT / "bench" / "raw"
_STATE: dict[str, Any] = {}


def _in_child(name: str, timeout: float) -> float | None:
    """Run _STATE[name]() in a forked child; its seconds, or None if it passed ``timeout``."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()

    def target() -> None:
        start = time.perf_counter()
        result = _STATE[name]()
        queue.put((time.perf_counter() - start, result))

    proc = ctx.Process(target=target)
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    if proc.exitcode != 0:
        raise RuntimeError(f"reference run {name} failed")
    seconds, result = queue.get()
    _STATE[name + ":result"] = result
    return float(seconds)


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run_size(
    n: int, work: Path, publish_max: int, ref_timeout: float, rdflib_max: int = 300
) -> dict[str, Any]:
    out: dict[str, Any] = {"plans": n}
    data = work / f"corpus-{n}"
    out["corpus_s"], _ = _timed(lambda: write_corpus(generate_corpus(n), data))
    stages = Stages()
    seconds, result = _timed(lambda: build_all(load_project(data), stages))
    graph = result.graph
    out["triples"] = len(graph)
    out["stages"] = dict(stages.seconds)
    out["build_all_s"] = seconds
    # Load: our embedded store from the rdflib graph vs Oxigraph's own bulk load of the same NT.
    nt = work / f"corpus-{n}.nt"
    out["serialize_nt_s"], payload = _timed(lambda: serialize(graph, "nt"))
    nt.write_bytes(payload)
    out["load_ours_s"], backend = _timed(lambda: OxigraphBackend(graph))
    import pyoxigraph

    def floor() -> None:
        store = pyoxigraph.Store()
        store.bulk_load(path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)

    out["load_floor_s"], _ = _timed(floor)
    # Validation: fast path (store already loaded) vs plain pySHACL on the whole graph.
    out["validate_fast_s"], fast = _timed(lambda: validate_graph(graph, fast=True, backend=backend))
    _STATE["shacl"] = lambda: [
        (r.severity, r.rule, r.focus, r.path) for r in validate_graph(graph).results
    ]
    out["validate_ref_s"] = _in_child("shacl", ref_timeout)
    key = [(r.severity, r.rule, r.focus, r.path) for r in fast.results]
    out["validate_identical"] = (
        None if out["validate_ref_s"] is None else key == _STATE["shacl:result"]
    )
    out["validate_findings"] = len(fast.results)
    out["conforms"] = fast.conforms
    # Catalogue: every report/trace query on rdflib, embedded Oxigraph, Oxigraph server.
    # report-graph-size counts a named graph of a server; like publish, the catalogue skips it.
    queries = [q for q in list_queries() if q.kind != "check" and q.name != "report-graph-size"]
    out["catalogue"] = {}
    reference = RdflibBackend(graph)
    with tempfile.TemporaryDirectory() as tmp, oxigraph_server(Path(tmp)) as server:
        iri = "https://w3id.org/heze-ip-kg/id"
        assert server.store is not None
        # The first load finds the graph absent (Oxigraph's bulk loader); the second replaces
        # it in one transaction (the default); the third replaces it with bulk=True.
        for key, bulk in [("", False), ("_replace", False), ("_bulk_replace", True)]:
            out[f"load_server{key}_s"], _ = _timed(
                lambda bulk=bulk: load_graph(
                    graph, iri, store_endpoint=server.store, timeout=3600, bulk=bulk
                )
            )
        store_dir = Path(tmp) / "floor"
        binary = oxigraph_binary()
        start = time.perf_counter()
        subprocess.run(
            [str(binary), "load", "--location", str(store_dir), "--file", str(nt), "--graph", iri],
            check=True,
            capture_output=True,
        )
        out["load_server_floor_s"] = time.perf_counter() - start
        remote = EndpointBackend(server.query, default_graph=iri, timeout=600)
        for query in queries:
            row: dict[str, Any] = {}
            # Defaults name the Heze plan; point them at the first synthetic city instead.
            params = {
                p.name: p.default.replace("heze-ip-plan-14fyp", "synthetic-city-0001")
                for p in query.params
                if p.default and "heze-ip-plan-14fyp" in p.default
            }
            row["oxigraph_s"], ox_table = _timed(lambda q=query, p=params: backend.select(q, p))
            row["server_s"], srv_table = _timed(lambda q=query, p=params: remote.select(q, p))
            _STATE["q"] = lambda q=query, p=params: sorted(map(repr, reference.select(q, p).rows))
            row["rdflib_s"] = _in_child("q", ref_timeout) if n <= rdflib_max else None
            ox_rows = sorted(map(repr, ox_table.rows))
            row["identical"] = ox_rows == sorted(map(repr, srv_table.rows)) and (
                row["rdflib_s"] is None or ox_rows == _STATE["q:result"]
            )
            row["rows"] = len(ox_table.rows)
            out["catalogue"][query.name] = row
    # Publish (pages are rdflib-serialised one by one: linear but slow; bounded by --publish-max).
    if n <= publish_max:
        site = work / f"dist-{n}"
        out["publish_s"], summary = _timed(
            lambda: publish_site(
                graph,
                site,
                fast,
                texts={str(t.iri): t.text for t in result.texts},
                backend=backend,
            )
        )
        out["pages"] = summary.pages
    else:
        out["publish_s"] = None
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(x.split()[1]) // 1024 // 1024
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem = 0
    return (
        f"{cpu}, {os.cpu_count()} cores visible, {mem} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,30,300,1000")
    parser.add_argument("--publish-max", type=int, default=30)
    parser.add_argument("--ref-timeout", type=float, default=600.0)
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="only rewrite bench/results.md")
    args = parser.parse_args()
    RAW.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        out = run_size(args.one, Path(args.work), args.publish_max, args.ref_timeout)
        # Sizes may come from separate invocations; the report says when each was measured.
        out["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        out["options"] = f"--publish-max {args.publish_max} --ref-timeout {args.ref_timeout:g}"
        (RAW / f"{args.one}.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        return
    if not args.report:
        with tempfile.TemporaryDirectory(prefix="heze-bench-") as work:
            for size in (int(s) for s in args.sizes.split(",")):
                print(f"bench: {size} plans …", file=sys.stderr, flush=True)
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--one",
                        str(size),
                        "--work",
                        work,
                        "--publish-max",
                        str(args.publish_max),
                        "--ref-timeout",
                        str(args.ref_timeout),
                    ],
                    check=True,
                )
    from report import write_report

    write_report(RAW, ROOT / "bench" / "results.md", machine())


if __name__ == "__main__":
    main()
