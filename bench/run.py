"""Benchmark harness (``make bench``): the pipeline on 1, 30, 300 and 1,000 synthetic plans.

Each size runs in a fresh process (so peak memory is that size's own) and writes
``bench/raw/N.json``; ``--report`` turns them into ``bench/results.md``. Not part of
``make test``. Slow reference runs (rdflib queries, plain pySHACL) run in a forked child with a
time limit, so a size finishes even where the reference does not; a timed-out run is reported as
such, never as a number.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers import oxigraph_binary, oxigraph_server  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from memory import MeasuredStages  # noqa: E402
from provenance import commit_label, measured_at  # noqa: E402
from rdflib import URIRef  # noqa: E402

from heze_ip_kg.check.validate import validate_graph  # noqa: E402
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.curated.metadata import METADATA_FILE, load_metadata  # noqa: E402
from heze_ip_kg.pipeline import build_all, load_project  # noqa: E402
from heze_ip_kg.publish import publish_site  # noqa: E402
from heze_ip_kg.publish.dump_pieces import LEVEL  # noqa: E402
from heze_ip_kg.query.backends import EndpointBackend, OxigraphBackend, RdflibBackend  # noqa: E402
from heze_ip_kg.query.execute import list_queries  # noqa: E402
from heze_ip_kg.query.remote import NTRIPLES, load_graph  # noqa: E402
from heze_ip_kg.rdfio.dumps import DUMP_NAME, serialize  # noqa: E402
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE, HIP, RDF  # noqa: E402

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


def _pipeline(n: int, data: Path, publish_max: int, work: Path) -> tuple[dict[str, Any], Any]:
    """The user's pipeline, stage by stage: build, load the store, validate, catalogue, publish.

    Every stage is timed and its memory measured alone (``memory.MeasuredStages``): this
    process's peak RSS, and the peak PSS of the process with its page-writing workers.
    """
    out: dict[str, Any] = {}
    stages = MeasuredStages()
    seconds, result = _timed(lambda: build_all(load_project(data), stages))
    graph = result.graph
    out["triples"] = len(graph)
    out["build_all_s"] = seconds
    with stages.stage("load store"):
        out["load_ours_s"], backend = _timed(lambda: OxigraphBackend(graph))
    with stages.stage("validate"):
        out["validate_fast_s"], fast = _timed(
            lambda: validate_graph(graph, fast=True, backend=backend)
        )
    out["validate_findings"] = len(fast.results)
    out["conforms"] = fast.conforms
    with stages.stage("catalogue"):
        out["catalogue"] = _catalogue_timings(backend, n, graph)
    if n <= publish_max:
        site = work / f"dist-{n}"
        metadata = load_metadata(data / METADATA_FILE)  # the corpus's own title and main plan
        with stages.stage("publish"):
            out["publish_s"], summary = _timed(
                lambda: publish_site(
                    graph,
                    site,
                    fast,
                    texts={str(t.iri): t.text for t in result.texts},
                    backend=backend,
                    metadata=metadata,
                    consume=True,  # as ``publish`` runs it: the graph and store let go
                )
            )
        out["pages"] = summary.pages
        out["floors"] = _publish_floors(site, work / f"floor-{n}")
        shutil.rmtree(site)
    else:
        out["publish_s"] = None
    out["stages"] = dict(stages.seconds)
    out["stage_peak_mib"] = dict(stages.peaks)
    out["stage_tree_mib"] = dict(stages.tree_peaks)
    # Peak memory of the pipeline itself, before any reference run: this process, and the
    # largest page-writing worker (forked: pages shared with this process count in both).
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_rss_worker_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if not len(graph):  # publish emptied it: the references after the pipeline read it again
        graph = build_all(load_project(data)).graph
    return out, (graph, fast)


def _publish_floors(site: Path, floor: Path) -> dict[str, Any]:
    """What publishing cannot beat: Oxigraph writing the three dumps (and gzipping them at the
    dumps' level, in one stream), and plain Python writing the same files (``Path.write_bytes``,
    one ``mkdir`` per folder; reading them back is not timed). The store is loaded, untimed,
    from the N-Triples dump publish wrote (publish let the pipeline's store go)."""
    import pyoxigraph

    found: dict[str, Any] = {}
    floor.mkdir(parents=True)
    backend = OxigraphBackend(path=site / f"{DUMP_NAME}.nt")
    start = time.perf_counter()
    for ext, fmt in (
        ("ttl", pyoxigraph.RdfFormat.TURTLE),
        ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ("jsonld", pyoxigraph.RdfFormat.JSON_LD),
    ):
        payload = backend.store.dump(format=fmt, from_graph=pyoxigraph.DefaultGraph())
        (floor / f"dump.{ext}").write_bytes(payload)
        (floor / f"dump.{ext}.gz").write_bytes(gzip.compress(payload, LEVEL, mtime=0))
        del payload
    found["dumps_s"] = time.perf_counter() - start
    del backend
    files = sorted(p for p in site.rglob("*") if p.is_file() and not p.is_symlink())
    found["files"] = len(files)
    found["bytes"] = 0
    written = 0.0
    made: set[Path] = set()
    for path in files:
        payload = path.read_bytes()
        target = floor / "site" / path.relative_to(site)
        start = time.perf_counter()
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(payload)
        written += time.perf_counter() - start
        found["bytes"] += len(payload)
    found["files_s"] = written
    shutil.rmtree(floor)
    return found


def _catalogue() -> list[Any]:
    # report-graph-size counts a named graph of a server; like publish, the catalogue skips it.
    return [q for q in list_queries() if q.kind != "check" and q.name != "report-graph-size"]


SAMPLE_CITIES = 5


def _cities(n: int) -> list[str]:
    """A sample of the corpus's cities, spread over it (the first always among them)."""
    step = max(1, n // SAMPLE_CITIES)
    return [f"synthetic-city-{i:04d}" for i in range(1, n + 1, step)][:SAMPLE_CITIES]


def _params(
    query: Any, city: str = "synthetic-city-0001", starts: dict[str, str] | None = None
) -> dict[str, str]:
    """The query's defaults, with the Heze plan's IRIs pointed at ``city``; trace-chain starts
    from ``starts[city]`` when given (an indicator of that city that carries out another)."""
    params = {
        p.name: p.default.replace("heze-ip-plan-14fyp", city)
        for p in query.params
        if p.default and "heze-ip-plan-14fyp" in p.default
    }
    if starts is not None and "start" in params:
        params["start"] = starts[city]
    return params


def _chain_starts(graph: Any, cities: list[str]) -> dict[str, str]:
    """Each city's first indicator (by IRI) that carries out another: a chain to trace.

    Heze's first indicator path exists in every synthetic plan, but not every synthetic
    indicator implements one above it; the corpus decides which do.
    """
    found = {}
    for city in cities:
        document = URIRef(DEFAULT_BASE + city)
        candidates = sorted(
            str(s)
            for s in graph.subjects(HIP.inDocument, document)
            if (s, RDF.type, HIP.Indicator) in graph and graph.value(s, HIP.implements)
        )
        found[city] = candidates[0] if candidates else str(document)
    return found


def _catalogue_timings(backend: Any, n: int, graph: Any) -> dict[str, Any]:
    """Every catalogue query on the embedded store, bound to elements the corpus holds: one
    city, then a sample of cities (queries with a city parameter); rows beside every time."""
    sample = _cities(n)
    starts = _chain_starts(graph, sample)
    found: dict[str, Any] = {}
    for query in _catalogue():
        params = _params(query, starts=starts)
        seconds, table = _timed(lambda q=query, p=params: backend.select(q, p))
        row: dict[str, Any] = {"oxigraph_s": seconds, "rows": len(table.rows)}
        _STATE["rows:" + query.name] = sorted(map(repr, table.rows))
        _STATE["params:" + query.name] = params
        if params:
            seconds, tables = _timed(
                lambda q=query: [backend.select(q, _params(q, c, starts)) for c in sample]
            )
            row.update(sample_s=seconds, sample_cities=len(sample))
            row["sample_rows"] = sum(len(t.rows) for t in tables)
            row["empty_cities"] = [c for c, t in zip(sample, tables, strict=True) if not t.rows]
        found[query.name] = row
    return found


def _graph_of(corpus: Any, data: Path) -> Any:
    write_corpus(corpus, data)
    return build_all(load_project(data)).graph


def run_size(
    n: int,
    work: Path,
    publish_max: int,
    ref_timeout: float,
    shacl_timeout: float,
    reference_max: int = 300,
) -> dict[str, Any]:
    out: dict[str, Any] = {"plans": n}
    data = work / f"corpus-{n}"
    out["corpus_s"], _ = _timed(lambda: write_corpus(generate_corpus(n), data))
    pipeline, (graph, fast) = _pipeline(n, data, publish_max, work)
    out.update(pipeline)
    # The references, after the pipeline so that they do not count in its peak memory.
    # Load: Oxigraph's own bulk load of the same N-Triples (the floor).
    nt = work / f"corpus-{n}.nt"
    out["serialize_nt_s"], payload = _timed(lambda: serialize(graph, "nt"))
    nt.write_bytes(payload)
    import pyoxigraph

    def floor() -> None:
        store = pyoxigraph.Store()
        store.bulk_load(path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)

    out["load_floor_s"], _ = _timed(floor)
    # Validation: plain pySHACL on the whole graph, up to reference_max plans.
    _STATE["shacl"] = lambda: [
        (r.severity, r.rule, r.focus, r.path) for r in validate_graph(graph).results
    ]
    out["validate_ref_s"] = _in_child("shacl", shacl_timeout) if n <= reference_max else None
    out["validate_ref_limit_s"] = shacl_timeout if n <= reference_max else None
    key = [(r.severity, r.rule, r.focus, r.path) for r in fast.results]
    out["validate_identical"] = (
        None if out["validate_ref_s"] is None else key == _STATE["shacl:result"]
    )
    # Catalogue: the same queries on rdflib and on an Oxigraph server.
    reference = RdflibBackend(graph)
    # The graphs a server may hold before a load replaces them: the previous release (the
    # same corpus without its last city plan) and an unrelated one (another seed).
    previous = _graph_of(generate_corpus(n - 1), work / f"corpus-{n}-previous") if n > 1 else None
    unrelated = None
    if n <= reference_max:
        unrelated = _graph_of(generate_corpus(n, seed=1), work / f"corpus-{n}-unrelated")
    with tempfile.TemporaryDirectory(dir=work) as tmp, oxigraph_server(Path(tmp)) as server:
        iri = "https://w3id.org/heze-ip-kg/id"
        assert server.store is not None
        store = server.store

        def load(target: str, bulk: bool = False) -> float:
            seconds, _ = _timed(
                lambda: load_graph(graph, target, store_endpoint=store, timeout=3600, bulk=bulk)
            )
            return seconds

        # Into an absent graph: Oxigraph's bulk loader.
        out["load_server_s"] = load(iri)
        # Replacing the previous release: one SPARQL Update of what changed; then the same
        # graph again, which changes nothing.
        if previous is not None:
            load_graph(previous, iri + "/release", store_endpoint=store, timeout=3600)
            out["load_server_update_s"] = load(iri + "/release")
            out["load_server_reload_s"] = load(iri + "/release")
        # Replacing an unrelated graph of the same size: everything changes; then the same
        # with bulk=True (the bulk loader, not atomic).
        if unrelated is not None:
            load_graph(unrelated, iri + "/unrelated", store_endpoint=store, timeout=3600)
            out["load_server_replace_s"] = load(iri + "/unrelated")
            load_graph(unrelated, iri + "/bulk", store_endpoint=store, timeout=3600)
            out["load_server_bulk_replace_s"] = load(iri + "/bulk", bulk=True)
            # Oxigraph's own bulk replacement of the same N-Triples (the floor for replacing a
            # graph: it clears the graph in one transaction, then runs the bulk loader).
            load_graph(unrelated, iri + "/floor", store_endpoint=store, timeout=3600)
            url = f"{store}?{urllib.parse.urlencode({'graph': iri + '/floor'})}&no_transaction"
            request = urllib.request.Request(
                url, data=nt.read_bytes(), method="PUT", headers={"Content-Type": NTRIPLES}
            )
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=3600) as response:
                response.read()
            out["load_server_bulk_floor_s"] = time.perf_counter() - start
        del previous, unrelated
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
        for query in _catalogue():
            row = out["catalogue"][query.name]
            params = _STATE["params:" + query.name]
            row["server_s"], srv_table = _timed(lambda q=query, p=params: remote.select(q, p))
            _STATE["q"] = lambda q=query, p=params: sorted(map(repr, reference.select(q, p).rows))
            row["rdflib_s"] = _in_child("q", ref_timeout) if n <= reference_max else None
            ox_rows = _STATE["rows:" + query.name]
            row["identical"] = ox_rows == sorted(map(repr, srv_table.rows)) and (
                row["rdflib_s"] is None or ox_rows == _STATE["q:result"]
            )
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
    parser.add_argument("--publish-max", type=int, default=1000, help="publish up to N plans")
    parser.add_argument("--ref-timeout", type=float, default=60.0, help="per rdflib query")
    parser.add_argument("--shacl-timeout", type=float, default=900.0, help="plain pySHACL")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="only rewrite bench/results.md")
    args = parser.parse_args()
    RAW.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        out = run_size(
            args.one, Path(args.work), args.publish_max, args.ref_timeout, args.shacl_timeout
        )
        # Sizes may come from separate invocations; the report says when each was measured.
        out["measured"] = measured_at()
        out["commit"] = commit_label()
        out["options"] = (
            f"--publish-max {args.publish_max} --ref-timeout {args.ref_timeout:g} "
            f"--shacl-timeout {args.shacl_timeout:g}"
        )
        (RAW / f"{args.one}.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
        # A query that finds nothing in a corpus that holds its data timed nothing: fail.
        empty = [k for k, q in out["catalogue"].items() if not q["rows"] or q.get("empty_cities")]
        if empty:
            sys.exit(f"bench: {args.one} plans: no rows from {', '.join(empty)}")
        return
    if not args.report:
        # On the checkout's disk, where `make run` publishes dist/: on this machine /tmp creates
        # files ten times slower (0.4 ms against 0.04 ms), which would dominate publishing.
        with tempfile.TemporaryDirectory(prefix="work-", dir=ROOT / "bench") as work:
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
                        "--shacl-timeout",
                        str(args.shacl_timeout),
                    ],
                    check=True,
                )
    from report import write_report

    write_report(RAW, ROOT / "bench" / "results.md", machine())


if __name__ == "__main__":
    main()
