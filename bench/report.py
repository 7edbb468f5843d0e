"""Turn ``bench/raw/*.json`` into ``bench/results.md`` (tables and the targets, met or missed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sections import (
    BUILD_THEN_CHECK,
    endpoint_section,
    incremental_section,
    kept_sections,
    serialiser_section,
)
from targets import core_seconds, per_triple, targets_section, whole_seconds


def _s(value: float | None, limit: str = "") -> str:
    return f"> {limit} s (timed out)" if value is None else f"{value:.2f}"


def _run(value: float | None) -> str:
    return "not run" if value is None else f"{value:.2f}"  # runs from before it was measured


def _ratio(value: float | None, floor: float) -> str:
    return "—" if value is None else f"{value / floor:.1f}×"


def write_report(raw: Path, out: Path, machine: str) -> None:
    sizes = raw.glob("[0-9]*.json")
    runs = sorted((json.loads(p.read_text()) for p in sizes), key=lambda r: r["plans"])
    options = sorted({r.get("options", "(options not recorded)") for r in runs})
    lines = [
        "# Benchmark results",
        "",
        "Measured by `make bench` (`.venv/bin/python bench/run.py --sizes "
        + ",".join(str(r["plans"]) for r in runs)
        + " "
        + " / ".join(options)
        + "`) on a SYNTHETIC corpus (`heze-ip-kg corpus`: N city plans, one province per ten "
        "cities up to 31, one national plan). Each size runs in a fresh process; sizes "
        "measured by separate invocations on the same code are listed with their times: "
        + ", ".join(
            f"{r['plans']} plans {r.get('measured', 'time not recorded')}"
            + (f" (commit {r['commit']})" if r.get("commit") else "")
            for r in runs
        )
        + ". The corpus, the site and the stores are written under `bench/work-*`, on the "
        "checkout's disk.",
        "",
        f"Machine: {machine}.",
        "",
        "## Pipeline by stage (seconds)",
        "",
        "| plans | triples | parse | build | responsibility | align | build_all | load store "
        "| validate (fast) | catalogue (Oxigraph) | publish | pipeline without publish "
        "| whole pipeline | µs / triple (whole) | peak RSS MiB (process / largest worker) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        st = r["stages"]
        whole = whole_seconds(r)
        catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
        publish = "not run" if r["publish_s"] is None else f"{r['publish_s']:.2f}"
        lines.append(
            f"| {r['plans']} | {r['triples']} | {st['parse']:.2f} | {st['build']:.2f} "
            f"| {st['responsibility']:.2f} | {st['align']:.2f} | {r['build_all_s']:.2f} "
            f"| {r['load_ours_s']:.2f} | {r['validate_fast_s']:.2f} | {catalogue:.2f} "
            f"| {publish} "
            f"| {core_seconds(r):.2f} | {'—' if whole is None else f'{whole:.2f}'} "
            f"| {per_triple(r)} "
            f"| {r['peak_rss_mib']:.0f} / {r.get('peak_rss_worker_mib', 0):.0f} |"
        )
    lines += [
        "",
        "## Catalogue: rdflib default store vs embedded Oxigraph vs Oxigraph server (seconds)",
        "",
        "| plans | rdflib total | Oxigraph embedded total | slowest embedded query | Oxigraph "
        "server total | speed-up (rdflib / embedded) | rows identical |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        cat = r["catalogue"]
        ox = sum(q["oxigraph_s"] for q in cat.values())
        srv = sum(q["server_s"] for q in cat.values())
        slow = max(cat.items(), key=lambda kv: kv[1]["oxigraph_s"])
        timed_out = [k for k, q in cat.items() if q["rdflib_s"] is None]
        # A timed-out rdflib query counts as its 60 s limit (a lower bound); above 300 plans the
        # rdflib reference is not run at all.
        limit = 60.0 if r["plans"] <= 300 else 0.0
        ref = sum(q["rdflib_s"] if q["rdflib_s"] is not None else limit for q in cat.values())
        bound = "≥ " if timed_out else ""
        ref_text = f"{ref:.2f}" + (
            f" ({len(timed_out)} queries timed out or not run)" if timed_out else ""
        )
        speed_up = f"{bound}{ref / ox:.0f}×"
        if r["plans"] > 300:
            ref_text, speed_up = "not run (the rdflib reference stops at 300 plans)", "—"
        lines.append(
            f"| {r['plans']} | {ref_text} | {ox:.3f} | {slow[0]} {slow[1]['oxigraph_s']:.3f} "
            f"| {srv:.3f} | {speed_up} | "
            f"{all(q['identical'] for q in cat.values())} |"
        )
    lines += ["", *_stage_rows(runs)]
    lines += ["", *_catalogue_rows(runs)]
    lines += [
        "",
        "## Validation: plain pySHACL on the whole graph vs the fast path (seconds)",
        "",
        "| plans | pySHACL | fast path | speed-up | findings | identical findings |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        ref, limit = r["validate_ref_s"], r.get("validate_ref_limit_s", 60)
        ratio = "—" if ref is None else f"{ref / r['validate_fast_s']:.0f}×"
        shown = _s(ref, "—" if limit is None else f"{limit:g}")
        if ref is None and limit is None:
            shown, ratio = "not run (the pySHACL reference stops at 300 plans)", "—"
        elif ref is None:
            ratio = f"> {limit / r['validate_fast_s']:.0f}× (pySHACL timed out)"
        lines.append(
            f"| {r['plans']} | {shown} | {r['validate_fast_s']:.2f} | {ratio} "
            f"| {r['validate_findings']} | {r['validate_identical']} |"
        )
    lines += [
        "",
        "## Loading vs Oxigraph's own bulk load of the same N-Triples (seconds)",
        "",
        "| plans | embedded store from the graph | `Store.bulk_load` of the .nt (floor) | ratio "
        "| server `load` into an empty graph | `oxigraph load` (floor) | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        floor = r["load_server_floor_s"]
        lines.append(
            f"| {r['plans']} | {r['load_ours_s']:.2f} | {r['load_floor_s']:.2f} "
            f"| {r['load_ours_s'] / r['load_floor_s']:.1f}× | {r['load_server_s']:.2f} "
            f"| {floor:.2f} | {r['load_server_s'] / floor:.1f}× |"
        )
    lines += [
        "",
        "## Replacing a graph on the server vs `oxigraph load` of the new graph (seconds)",
        "",
        "The server holds the previous release (the same corpus without its last city plan) or "
        "an unrelated graph of the same size (another seed); `load` replaces it with one SPARQL "
        "Update of what changed, all or nothing. `--bulk` clears the graph and bulk-loads the "
        "new one: faster for a wholesale change, but a failure leaves the graph empty. Ratios "
        "are to `oxigraph load` of the new graph into an empty store, as above; for the "
        "unrelated graph also to Oxigraph's own bulk replacement of it (a `PUT` with "
        "`no_transaction` of the same .nt, timed alone: Oxigraph clears the graph, then bulk-"
        "loads), which is the floor when a graph has to be emptied first.",
        "",
        "| plans | previous release → new | ratio | the same graph again | ratio "
        "| unrelated graph → new | ratio | Oxigraph's bulk replacement (floor) | ratio to it "
        "| `load --bulk`, unrelated → new | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        floor = r["load_server_floor_s"]
        cells = [
            r.get("load_server_update_s"),
            r.get("load_server_reload_s"),
            r.get("load_server_replace_s"),
            r.get("load_server_bulk_replace_s"),
        ]
        replace, bulk_floor = r.get("load_server_replace_s"), r.get("load_server_bulk_floor_s")
        to_bulk = "—" if replace is None or bulk_floor is None else _ratio(replace, bulk_floor)
        row = [f"{_run(c)} | {_ratio(c, floor)}" for c in cells]
        row.insert(3, f"{_run(bulk_floor)} | {to_bulk}")
        lines.append(f"| {r['plans']} | " + " | ".join(row) + " |")
    lines += targets_section({r["plans"]: r for r in runs})
    for endpoint in sorted(raw.glob("endpoint*.json")):
        lines += ["", *endpoint_section(json.loads(endpoint.read_text()))]
    for incremental in sorted(raw.glob("incremental-*.json")):
        lines += ["", *incremental_section(json.loads(incremental.read_text()))]
    if (raw / "serialisers.json").is_file():
        lines += ["", *serialiser_section(json.loads((raw / "serialisers.json").read_text()))]
    if out.is_file():
        lines += kept_sections(out.read_text(encoding="utf-8"), lines)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _catalogue_rows(runs: list[dict[str, Any]]) -> list[str]:
    """Each catalogue query at each size: its rows and seconds on the embedded store, for one
    city and for a sample of cities (queries with a city parameter)."""
    sizes = [r["plans"] for r in runs]
    lines = [
        "## Catalogue queries as researchers use them: rows and seconds (embedded Oxigraph)",
        "",
        "Parameters are bound to elements the corpus holds: one city (`synthetic-city-0001`; "
        "trace-chain from its first indicator), and a sample of cities spread over the corpus. "
        "`report-coverage-all`, `report-indicator-comparison-all` and `trace-chain-all` are the "
        "all-cities forms of `report-coverage`, `report-indicator-comparison` and `trace-chain`. "
        "The benchmark fails "
        "when a query finds no rows.",
        "",
        "| query | " + " | ".join(f"{n} plans: one city | {n}: city sample" for n in sizes) + " |",
        "|---|" + "---|---|" * len(sizes),
    ]
    for name in sorted(runs[0]["catalogue"]) if runs else []:
        cells = []
        for r in runs:
            q = r["catalogue"].get(name, {})
            cells.append(f"{q.get('rows', '—')} rows, {q.get('oxigraph_s', 0):.3f} s")
            if "sample_s" in q:
                cells.append(
                    f"{q['sample_rows']} rows / {q['sample_cities']} cities, {q['sample_s']:.3f} s"
                )
            else:
                cells.append("—")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return lines


STAGE_ORDER = (*BUILD_THEN_CHECK, "catalogue", "publish")


def _floor(r: dict[str, Any], stage: str) -> tuple[str, float | None]:
    if stage == "load store":
        return "`Store.bulk_load` of the same N-Triples", r.get("load_floor_s")
    floors = r.get("floors")
    if stage == "publish" and floors:
        what = (
            f"pyoxigraph writing and gzipping the three dumps ({floors['dumps_s']:.1f} s) + plain "
            f"`write_bytes` of the same {floors['files']} files, {floors['bytes'] / 2**20:.0f} MiB "
            f"({floors['files_s']:.1f} s)"
        )
        return what, float(floors["dumps_s"] + floors["files_s"])
    return "—", None


def _stage_rows(runs: list[dict[str, Any]]) -> list[str]:
    """Every stage at every size: seconds and memory, beside the floor where there is one."""
    lines = [
        "## Every stage: seconds and memory, beside its floor",
        "",
        "Each stage measured alone in the size's process: its seconds, the process's peak RSS "
        "while it ran (the kernel's high-water mark, reset as the stage starts), and the peak "
        "PSS of the process with its forked page writers (sampled every 0.25 s; PSS divides a "
        "shared page among its sharers, so this is the memory the stage really took). Floors: "
        "what the same output costs the tools underneath.",
        "",
        "| plans | stage | seconds | peak RSS MiB | peak PSS with workers MiB | floor | floor s "
        "| ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        if "stage_peak_mib" not in r:
            continue
        for stage in (s for s in STAGE_ORDER if s in r["stages"]):
            what, floor = _floor(r, stage)
            seconds = r["stages"][stage]
            lines.append(
                f"| {r['plans']} | {stage} | {seconds:.2f} | {r['stage_peak_mib'][stage]:.0f} "
                f"| {r['stage_tree_mib'][stage]:.0f} | {what} "
                f"| {'—' if floor is None else f'{floor:.2f}'} "
                f"| {'—' if floor is None else f'{seconds / floor:.1f}×'} |"
            )
    return lines
