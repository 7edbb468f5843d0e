"""Benchmark of ``serve`` under mixed traffic (part of ``make bench``): is the target met?

Publishes the project, serves it in its own process with the default settings, and runs
``tests/endpoint_mix.py``: 50 clients for 60 s, 30 % of them bad (runaway and abandoned
queries, SERVICE, deep nesting, a costly text, malformed queries, bad graph parameters), 70 %
asking the query catalogue and checking every answer. Writes ``bench/raw/endpoint.json``;
``bench/sections.py`` puts it in ``bench/results.md`` against the target docs/security.md states.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heze_ip_kg.check.validate import validate_graph  # noqa: E402
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus  # noqa: E402
from heze_ip_kg.curated.metadata import METADATA_FILE, load_metadata  # noqa: E402
from heze_ip_kg.pipeline import build_all, load_project  # noqa: E402
from heze_ip_kg.publish import publish_site  # noqa: E402
from heze_ip_kg.query.backends import OxigraphBackend  # noqa: E402
from heze_ip_kg.resources import data_dir  # noqa: E402
from tests.endpoint_mix import run_mix  # noqa: E402
from tests.server_load import served  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from provenance import commit_label, measured_at  # noqa: E402
from run import _params  # noqa: E402
from sections import endpoint_heading, endpoint_section, replace_section  # noqa: E402

RAW = ROOT / "bench" / "raw"
TARGET_P99_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--plans", type=int, default=0, help="a synthetic corpus of N plans (0: the Heze project)"
    )
    parser.add_argument(
        "--answer-cache",
        type=int,
        default=None,
        help="serve's --answer-cache MIB (default: serve's own; 0: every query runs)",
    )
    args = parser.parse_args()
    serve_args = () if args.answer_cache is None else ("--answer-cache", str(args.answer_cache))
    with tempfile.TemporaryDirectory(prefix="work-", dir=ROOT / "bench") as work:
        data = None
        if args.plans:
            data = Path(work) / "corpus"
            write_corpus(generate_corpus(args.plans), data)
        result = build_all(load_project(data))
        dist = Path(work) / "dist"
        backend = OxigraphBackend(result.graph)
        publish_site(
            result.graph,
            dist,
            validate_graph(result.graph, fast=None, backend=backend),
            texts={str(t.iri): t.text for t in result.texts},
            backend=backend,
            metadata=load_metadata((data or data_dir()) / METADATA_FILE),
        )
        del backend
        with served(dist, *serve_args) as (url, _):
            report = run_mix(
                url, args.clients, 0.3, args.seconds, bind=_params if args.plans else None
            )
    bad_clients = round(args.clients * 0.3)
    out = {
        "clients": args.clients,
        "bad_clients": bad_clients,
        "seconds": report.seconds,
        "good_queries": len(report.good),
        "median_s": report.percentile(0.5),
        "p99_s": report.percentile(0.99),
        "max_s": max(report.good, default=0.0),
        "good_statuses": {str(k): v for k, v in sorted(report.good_statuses.items())},
        "bad_requests": dict(sorted(report.bad.items())),
        "wrong": report.wrong[:20],
        "target_p99_s": TARGET_P99_SECONDS,
        "triples": len(result.graph),
        "measured": measured_at(),
        "commit": commit_label(),
        "command": f"bench/endpoint.py --clients {args.clients} --seconds {args.seconds:g}"
        + (f" --plans {args.plans}" if args.plans else "")
        + (f" --answer-cache {args.answer_cache}" if args.answer_cache is not None else ""),
        "plans": args.plans,
        "answer_cache_mib": args.answer_cache,
    }
    RAW.mkdir(parents=True, exist_ok=True)
    name = f"endpoint-{args.plans}" if args.plans else "endpoint"
    name += "" if args.answer_cache is None else f"-cache-{args.answer_cache}"
    name += ".json"
    (RAW / name).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    heading = endpoint_heading(args.plans, args.answer_cache)
    replace_section(ROOT / "bench" / "results.md", heading, endpoint_section(out))
    print(report.markdown(args.clients, bad_clients))


if __name__ == "__main__":
    main()
