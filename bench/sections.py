"""Sections of ``bench/results.md`` that a script of their own measures and puts in place.

``bench/endpoint.py``, ``bench/incremental.py`` and ``bench/serialisers.py`` each replace their
section (``replace_section``); ``report.write_report`` writes them all again from ``bench/raw``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
# build_all's stages, then loading the store and validating: the start of both the pipeline
# bench/run.py measures and of a publish_project run.
BUILD_THEN_CHECK = (
    "parse",
    "build",
    "responsibility",
    "align",
    "monitor",
    "load store",
    "validate",
)
# The order publish_project runs its parts in (the raw file's keys are sorted by name).
PARTS = (
    "key",
    *BUILD_THEN_CHECK,
    "prepare",
    "release",
    "reads",
    "write",
    "commit",
    "list",
    "swap",
    "record",
)


def incremental_section(r: dict[str, Any]) -> list[str]:
    """What ``bench/incremental.py`` measured, against the target of issue 20."""
    share, share_fresh = r["incremental_s"] / r["full_s"], r["incremental_s"] / r["fresh_s"]
    rendered_full = r.get("pages_rendered_full", "—")
    built_full, built = r.get("pages_built_full", "—"), r.get("pages_built", "—")
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
        "| run | seconds | stages run | files written / kept | resource page models built "
        "| resource pages rendered |",
        "|---|---|---|---|---|---|",
        f"| full, empty folder | {r['full_s']:.1f} | build, validate, publish | {r['files']} / 0 "
        f"| {built_full} | {rendered_full} |",
        f"| same inputs again | {r['unchanged_s']:.2f} | "
        f"{', '.join(r['stages_unchanged']) or 'none'} | 0 / 0 | 0 | 0 |",
        f"| one plan changed | {r['incremental_s']:.1f} | build, validate, publish | "
        f"{r['written']} / {r['kept']} | {built} | {r.get('pages_rendered', '—')} |",
        f"| full, edited corpus, empty folder | {r['fresh_s']:.1f} | build, validate, publish | "
        f"{r['files']} / 0 | {built_full} | {rendered_full} |",
        "",
        f"One-plan change: {share:.0%} of the first full publish and {share_fresh:.0%} of the "
        f"later one (target < 10%: {'met' if max(share, share_fresh) < 0.1 else 'missed'}); "
        f"output identical to the full publish of the same inputs: {r['identical']}. Peak RSS "
        f"over the four runs in one process {r['peak_rss_mib']:.0f} MiB (largest page worker "
        f"{r['peak_rss_worker_mib']:.0f} MiB). A changed input still rebuilds, validates and "
        "builds the models of the pages whose recorded reads changed; only pages whose model "
        "changed are rendered, and only files whose bytes changed are written, into the "
        "previous output, updated in place (docs/incremental.md).",
    ]
    if "dump_pieces" in r:
        lines[-1] += (
            f" Of the three dumps' {r['dump_pieces']} pieces, {r['dump_pieces_copied']} were "
            "copied from the previous dumps, the others written and gzipped."
        )
    parts = r.get("parts")
    if parts:
        lines += ["", *_incremental_parts(parts)]
    return lines


def _incremental_parts(parts: dict[str, dict[str, float]]) -> list[str]:
    """Seconds per part of each run (``publish_project``'s ``stages``): where the time goes."""
    names: list[str] = []
    for run, _ in INCREMENTAL_RUNS:
        names += [n for n in parts.get(run, {}) if n not in names]
    names.sort(key=lambda n: (PARTS.index(n) if n in PARTS else len(PARTS), n))
    lines = [
        'Where each run\'s time goes (seconds; `publish_project(..., stages=)`). "key" hashes '
        'the inputs and looks the cache up; "prepare" is the page index, VoID, the catalogue '
        'and the home page; "reads" compares the keys the recorded pages read with their values '
        'now, and records the keys this run\'s pages read; "write" every file into a staging '
        "folder (the page writers and, meanwhile, the dumps, or the dumps by the page writers "
        "when most pages are kept, copying the pieces whose subjects did not change), comparing "
        'each with the previous output\'s; "list" and '
        '"record" note the output in the cache; "swap" puts the staging folder in place and '
        'removes the previous output; "commit" (an update in place of the previous output, '
        "what a run with the cache does once there is one) renames the files written anew "
        "over theirs and removes what the new output lacks, listing the output for the cache "
        "in the same walk.",
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


def kept_sections(previous: str, lines: list[str]) -> list[str]:
    """The sections of the report ``previous`` whose headings ``lines`` lacks, unchanged.

    A section comes from a script's raw file, and ``bench/raw`` is not committed: a report
    rewritten in a checkout that lacks one (say, ``serialisers.json``) would drop a section
    measured elsewhere. Each section names its command, time and commit, so keeping it is true.
    """
    headings = {line for line in lines if line.startswith("## ")}
    old = previous.splitlines()
    starts = [i for i, line in enumerate(old) if line.startswith("## ")]
    kept: list[str] = []
    for start, end in zip(starts, [*starts[1:], len(old)], strict=True):
        if old[start] not in headings:
            kept += ["", *old[start:end]]
    while kept and not kept[-1]:
        kept.pop()
    return kept


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
