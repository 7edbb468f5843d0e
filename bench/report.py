"""Turn ``bench/raw/*.json`` into ``bench/results.md`` (tables and the targets, met or missed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _s(value: float | None, limit: str = "") -> str:
    return f"> {limit} s (timed out)" if value is None else f"{value:.2f}"


def _run(value: float | None) -> str:
    return "not run" if value is None else f"{value:.2f}"  # runs from before it was measured


def _ratio(value: float | None, floor: float) -> str:
    return "—" if value is None else f"{value / floor:.1f}×"


def _whole(r: dict[str, Any]) -> float | None:
    if r.get("publish_s") is None:
        return None
    catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
    return float(
        r["build_all_s"] + r["load_ours_s"] + r["validate_fast_s"] + catalogue + r["publish_s"]
    )


def _core(r: dict[str, Any]) -> float:
    catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
    return float(r["build_all_s"] + r["load_ours_s"] + r["validate_fast_s"] + catalogue)


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
        whole = _whole(r)
        catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
        publish = "not run" if r["publish_s"] is None else f"{r['publish_s']:.2f}"
        lines.append(
            f"| {r['plans']} | {r['triples']} | {st['parse']:.2f} | {st['build']:.2f} "
            f"| {st['responsibility']:.2f} | {st['align']:.2f} | {r['build_all_s']:.2f} "
            f"| {r['load_ours_s']:.2f} | {r['validate_fast_s']:.2f} | {catalogue:.2f} "
            f"| {publish} "
            f"| {_core(r):.2f} | {'—' if whole is None else f'{whole:.2f}'} "
            f"| {_per_triple(r)} "
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
        shown = [f"{_run(c)} | {_ratio(c, floor)}" for c in cells]
        shown.insert(3, f"{_run(bulk_floor)} | {to_bulk}")
        lines.append(f"| {r['plans']} | " + " | ".join(shown) + " |")
    lines += _targets({r["plans"]: r for r in runs})
    for endpoint in sorted(raw.glob("endpoint*.json")):
        lines += ["", *endpoint_section(json.loads(endpoint.read_text()))]
    for incremental in sorted(raw.glob("incremental-*.json")):
        lines += ["", *incremental_section(json.loads(incremental.read_text()))]
    if (raw / "serialisers.json").is_file():
        lines += ["", *serialiser_section(json.loads((raw / "serialisers.json").read_text()))]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _same(f: dict[str, Any]) -> str:
    if f["same_bytes"]:
        return "yes"
    return "once its lines are sorted" if f.get("same_bytes_sorted") else "no"


def serialiser_section(r: dict[str, Any]) -> list[str]:
    """What ``bench/serialisers.py`` measured: ours against pyoxigraph's, whole and per page."""
    lines = [
        "## Serialisers",
        "",
        f"`.venv/bin/python {r['command']}` ({r['measured']}, commit {r['commit']}, pyoxigraph "
        f"{r['pyoxigraph']}): our writers (`heze_ip_kg/rdfio/serializers.py`, from an index "
        "built once per graph) against `pyoxigraph.serialize` given the same triples in the "
        'same order, with the prefixes. "convert" is turning rdflib terms into pyoxigraph '
        "terms (each once), which a switch would add; for pages it also finds each description's "
        "nodes, which ours does within its own time. Whole dumps: best of the repeats; pages: "
        "one resource's description each, as `publish` writes them, summed.",
        "",
        "| graph | triples | format | ours s | pyoxigraph s | + convert s | ours MB | pyoxigraph "
        "MB | pyoxigraph deterministic, reads back | same bytes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for g in r["results"]:
        w = g["whole"]
        for ext in ("ttl", "nt", "jsonld"):
            f = w[ext]
            ok = "yes" if f["oxigraph_deterministic"] and f["oxigraph_reads_back"] else "NO"
            lines.append(
                f"| {g['graph']} (index {w['index_s']:.2f} s) | {w['triples']} | {ext} "
                f"| {f['ours_s']:.3f} | {f['oxigraph_s']:.3f} | {w['convert_s']:.3f} "
                f"| {f['ours_mb']:.1f} | {f['oxigraph_mb']:.1f} | {ok} "
                f"| {_same(f)} |"
            )
    lines += [
        "",
        "| graph | pages | format | ours s | pyoxigraph s | + convert s | ours ms / page "
        "| pyoxigraph ms / page |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in r["results"]:
        p = g["pages"]
        for ext in ("ttl", "nt", "jsonld"):
            f = p[ext]
            lines.append(
                f"| {g['graph']} | {p['pages']} | {ext} | {f['ours_s']:.3f} "
                f"| {f['oxigraph_s']:.3f} | {p['convert_s']:.3f} "
                f"| {f['ours_s'] / p['pages'] * 1000:.3f} "
                f"| {f['oxigraph_s'] / p['pages'] * 1000:.3f} |"
            )
    return lines


ENDPOINT_HEADING = "## The endpoint under mixed traffic (issue 14)"


def endpoint_heading(plans: int, answer_cache: int | None = None) -> str:
    """The results section of one ``bench/endpoint.py`` run (the Heze graph, or a corpus)."""
    heading = ENDPOINT_HEADING
    if plans:
        heading = f"## The endpoint under mixed traffic at {plans} plans (issue 20)"
    if answer_cache == 0:
        heading += ", every query run (no answer cache)"
    elif answer_cache is not None:
        heading += f", answer cache {answer_cache} MiB"
    return heading


def _cache_note(r: dict[str, Any]) -> str:
    if "answer_cache_mib" not in r:
        return "(Measured before `serve` had an answer cache.)"
    if r["answer_cache_mib"] == 0:
        return "`serve` ran every query (`--answer-cache 0`)."
    return (
        "`serve` gives an answer it has already given to the same request again (its answer "
        "cache, on by default): after the first round, most good queries are answered from it."
    )


def endpoint_section(r: dict[str, Any]) -> list[str]:
    """What ``bench/endpoint.py`` measured, against its target."""
    met = r["p99_s"] <= r["target_p99_s"] and not r["wrong"]
    plans = r.get("plans", 0)
    graph = f"a synthetic corpus of {plans} plans" if plans else "the Heze graph"
    bound = "with parameters bound to the corpus's first city" if plans else "with their defaults"
    statuses = ", ".join(f"{k}: {v}" for k, v in r["good_statuses"].items())
    bad = ", ".join(f"{k} {v}" for k, v in r["bad_requests"].items())
    return [
        endpoint_heading(plans, r.get("answer_cache_mib")),
        "",
        f"`.venv/bin/python {r['command']}` ({r['measured']}, commit {r['commit']}): `serve` "
        f"with its defaults over {graph} ({r['triples']} triples), {r['clients']} "
        f"clients for {r['seconds']:.0f} s, {r['bad_clients']} of them bad, each client with "
        f"its own X-Forwarded-For. Good clients ask every catalogue query ({bound}) in turn and "
        "check each answer byte for byte. " + _cache_note(r),
        "",
        "| good queries | median | p99 | max | statuses of good queries | wrong answers "
        "| bad requests | target: p99 | |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {r['good_queries']} | {r['median_s'] * 1000:.0f} ms | {r['p99_s'] * 1000:.0f} ms "
        f"| {r['max_s'] * 1000:.0f} ms | {statuses} | {len(r['wrong'])} | {bad} "
        f"| ≤ {r['target_p99_s'] * 1000:.0f} ms, no wrong answer | {'met' if met else 'missed'} |",
    ]


INCREMENTAL_HEADING = "## Incremental publish after a one-plan change (issue 20)"


INCREMENTAL_RUNS = (
    ("full", "full, empty folder"),
    ("unchanged", "same inputs again"),
    ("incremental", "one plan changed"),
    ("fresh", "full, edited corpus, empty folder"),
)


def incremental_section(r: dict[str, Any]) -> list[str]:
    """What ``bench/incremental.py`` measured, against the target of issue 20."""
    share, share_fresh = r["incremental_s"] / r["full_s"], r["incremental_s"] / r["fresh_s"]
    lines = [
        INCREMENTAL_HEADING,
        "",
        f"`{r['command']}` ({r['measured']}, commit {r['commit']}; load average {r['load']:.1f} "
        f"before, {r['load_after']:.1f} after). {r['plans']} synthetic plans: a full `publish` "
        "with `--cache` into an empty folder; the same run again; "
        f"`{r['changed']}` edited (one sentence) and the run again into the same folder; a full "
        "publish of the edited corpus into an empty folder, compared with it file by file "
        "(`heze_ip_kg.publish.incremental.publish_project`, what `publish` runs).",
        "",
        "| run | seconds | stages run | files written / kept |",
        "|---|---|---|---|",
        f"| full, empty folder | {r['full_s']:.1f} | build, validate, publish | {r['files']} / 0 |",
        f"| same inputs again | {r['unchanged_s']:.2f} | "
        f"{', '.join(r['stages_unchanged']) or 'none'} | 0 / 0 |",
        f"| one plan changed | {r['incremental_s']:.1f} | build, validate, publish | "
        f"{r['written']} / {r['kept']} |",
        f"| full, edited corpus, empty folder | {r['fresh_s']:.1f} | build, validate, publish | "
        f"{r['files']} / 0 |",
        "",
        f"One-plan change: {share:.0%} of the first full publish and {share_fresh:.0%} of the "
        f"later one (target < 10%: {'met' if max(share, share_fresh) < 0.1 else 'missed'}); "
        f"output identical to the full publish of the same inputs: {r['identical']}. Peak RSS "
        f"over the four runs in one process {r['peak_rss_mib']:.0f} MiB (largest page worker "
        f"{r['peak_rss_worker_mib']:.0f} MiB). A changed input still rebuilds, validates and "
        "renders everything; only files whose bytes changed are written (docs/incremental.md).",
    ]
    parts = r.get("parts")
    if parts:
        lines += ["", *_incremental_parts(parts)]
    return lines


def _incremental_parts(parts: dict[str, dict[str, float]]) -> list[str]:
    """Seconds per part of each run (``publish_project``'s ``stages``): where the time goes."""
    names: list[str] = []
    for run, _ in INCREMENTAL_RUNS:
        names += [n for n in parts.get(run, {}) if n not in names]
    lines = [
        'Where each run\'s time goes (seconds; `publish_project(..., stages=)`). "key" hashes '
        'the inputs and looks the cache up; "prepare" is the page index, VoID, the catalogue '
        'and the home page; "write" every file into a staging folder (the page writers and, '
        'meanwhile, the dumps), comparing each with the previous output\'s; "list" and '
        '"record" note the output in the cache; "swap" puts the staging folder in place and '
        "removes the previous output.",
        "",
        "| part | " + " | ".join(label for _, label in INCREMENTAL_RUNS) + " |",
        "|---|" + "---|" * len(INCREMENTAL_RUNS),
    ]
    for name in names:
        cells = [
            f"{parts[run][name]:.2f}" if name in parts.get(run, {}) else "—"
            for run, _ in INCREMENTAL_RUNS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def replace_section(out: Path, heading: str, section: list[str]) -> None:
    """Put ``section`` in place of the one under ``heading`` in ``out`` (or at its end)."""
    lines = out.read_text(encoding="utf-8").splitlines() if out.is_file() else []
    if heading in lines:
        start = lines.index(heading)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = [*section, ""] if end < len(lines) else section
    else:
        lines += ["", *section]
    out.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


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


STAGE_ORDER = (
    "parse",
    "build",
    "responsibility",
    "align",
    "monitor",
    "load store",
    "validate",
    "catalogue",
    "publish",
)


def peak_gib(r: dict[str, Any]) -> float | None:
    """The pipeline's peak: the largest of its stages' process peaks and process-tree PSS."""
    peaks = [*r.get("stage_peak_mib", {}).values(), *r.get("stage_tree_mib", {}).values()]
    return max(peaks) / 1024 if peaks else None


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


def _per_triple(r: dict[str, Any]) -> str:
    whole = _whole(r)
    return "—" if whole is None else f"{1e6 * whole / r['triples']:.1f}"


def _targets(by_size: dict[int, dict[str, Any]]) -> list[str]:
    """The issue's targets, each with the measured figure and met / missed / not measured."""
    rows: list[tuple[str, str, bool | None]] = []
    r300, r30, r1000 = by_size.get(300), by_size.get(30), by_size.get(1000)
    if r300 is not None:
        whole = _whole(r300)
        peak = r300["peak_rss_mib"] / 1024
        rows.append(
            (
                "300 plans: whole pipeline, publish included, under 2 min",
                "not run" if whole is None else f"{whole:.1f} s",
                None if whole is None else whole < 120,
            )
        )
        worker = r300.get("peak_rss_worker_mib", 0) / 1024
        rows.append(
            (
                "300 plans: peak memory under 4 GiB",
                f"{peak:.2f} GiB (largest page worker {worker:.2f} GiB; forked, pages shared "
                "with the process count in both)",
                peak < 4,
            )
        )
        cat = r300["catalogue"]
        ox = sum(q["oxigraph_s"] for q in cat.values())
        done = [q for q in cat.values() if q["rdflib_s"] is not None]
        ref = sum(q["rdflib_s"] for q in done) + 60.0 * (len(cat) - len(done))
        slow = max(q["oxigraph_s"] for q in cat.values())
        rows.append(("300 plans: catalogue ≥ 20× rdflib", f"≥ {ref / ox:.0f}×", ref / ox >= 20))
        rows.append(("300 plans: no catalogue query above 1 s", f"{slow:.2f} s", slow < 1))
        ref_v = r300["validate_ref_s"]
        rows.append(
            (
                "300 plans: validation ≥ 10× plain pySHACL, identical findings",
                "pySHACL not finished"
                if ref_v is None
                else f"{ref_v / r300['validate_fast_s']:.0f}×, identical: "
                f"{r300['validate_identical']}",
                None
                if ref_v is None
                else ref_v / r300["validate_fast_s"] >= 10 and bool(r300["validate_identical"]),
            )
        )
    if r1000 is not None:
        done = _whole(r1000) is not None
        shown = "whole pipeline measured" if done else "publish not run"
        rows.append(("1,000 plans completes", shown, done))
    if r1000 is not None and _whole(r1000) is not None:
        whole = _whole(r1000)
        assert whole is not None
        rows.append(
            (
                "1,000 plans: whole pipeline, publish included, under 180 s (issue 20)",
                f"{whole:.1f} s",
                whole < 180,
            )
        )
        peak = peak_gib(r1000)
        rows.append(
            (
                "1,000 plans: peak memory under 4 GiB (issue 20: the largest stage peak, "
                "process RSS or PSS with the page workers)",
                "not measured" if peak is None else f"{peak:.2f} GiB",
                None if peak is None else peak < 4,
            )
        )
    for n, r in sorted(by_size.items()):
        empty = [
            name
            for name, q in r["catalogue"].items()
            if not q.get("rows") or q.get("empty_cities") or q.get("sample_rows") == 0
        ]
        rows.append(
            (
                f"{n} plans: every catalogue query finds rows (issue 20)",
                "all do" if not empty else "none from " + ", ".join(empty),
                not empty,
            )
        )
    if r30 is not None and r1000 is not None and _whole(r30) and _whole(r1000):
        ratio = (_whole(r1000) / r1000["triples"]) / (_whole(r30) / r30["triples"])  # type: ignore[operator]
        rows.append(("Cost per triple at 1,000 within 1.5× of 30", f"{ratio:.2f}×", ratio <= 1.5))
    for n, r in sorted(by_size.items()):
        embedded = r["load_ours_s"] / r["load_floor_s"]
        server = r["load_server_s"] / r["load_server_floor_s"]
        rows.append(
            (f"{n} plans: embedded load within 3× of bulk load", f"{embedded:.1f}×", embedded <= 3)
        )
        rows.append(
            (
                f"{n} plans: server load (into an empty graph) within 3× of `oxigraph load`",
                f"{server:.1f}×",
                server <= 3,
            )
        )
        for key, what in (
            ("load_server_update_s", "replacing the previous release (one update)"),
            ("load_server_reload_s", "loading the same graph again"),
            ("load_server_replace_s", "replacing an unrelated graph (one update)"),
        ):
            seconds = r.get(key)
            if seconds is not None:
                ratio = seconds / r["load_server_floor_s"]
                rows.append(
                    (
                        f"{n} plans: server {what} within 3× of `oxigraph load`",
                        f"{ratio:.1f}×",
                        ratio <= 3,
                    )
                )
        replace, bulk_floor = r.get("load_server_replace_s"), r.get("load_server_bulk_floor_s")
        if replace is not None and bulk_floor is not None:
            ratio = replace / bulk_floor
            rows.append(
                (
                    f"{n} plans: server replacing an unrelated graph (one update) within 3× of "
                    "Oxigraph's own bulk replacement",
                    f"{ratio:.1f}×",
                    ratio <= 3,
                )
            )
    verdict = {True: "met", False: "missed", None: "not measured"}
    return [
        "",
        "## Targets (issues 7 and 20)",
        "",
        "| target | measured | |",
        "|---|---|---|",
        *(f"| {name} | {value} | {verdict[ok]} |" for name, value, ok in rows),
    ]
