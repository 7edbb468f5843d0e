"""The targets of issues 7 and 20, each with its measured figure and met / missed."""

from __future__ import annotations

from typing import Any


def whole_seconds(r: dict[str, Any]) -> float | None:
    if r.get("publish_s") is None:
        return None
    catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
    return float(
        r["build_all_s"] + r["load_ours_s"] + r["validate_fast_s"] + catalogue + r["publish_s"]
    )


def core_seconds(r: dict[str, Any]) -> float:
    catalogue = sum(q["oxigraph_s"] for q in r["catalogue"].values())
    return float(r["build_all_s"] + r["load_ours_s"] + r["validate_fast_s"] + catalogue)


def peak_gib(r: dict[str, Any]) -> float | None:
    """The pipeline's peak: the largest of its stages' process peaks and process-tree PSS."""
    peaks = [*r.get("stage_peak_mib", {}).values(), *r.get("stage_tree_mib", {}).values()]
    return max(peaks) / 1024 if peaks else None


def per_triple(r: dict[str, Any]) -> str:
    whole = whole_seconds(r)
    return "—" if whole is None else f"{1e6 * whole / r['triples']:.1f}"


def targets_section(by_size: dict[int, dict[str, Any]]) -> list[str]:
    """The issue's targets, each with the measured figure and met / missed / not measured."""
    rows: list[tuple[str, str, bool | None]] = []
    r300, r30, r1000 = by_size.get(300), by_size.get(30), by_size.get(1000)
    if r300 is not None:
        whole = whole_seconds(r300)
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
        completed = whole_seconds(r1000) is not None
        shown = "whole pipeline measured" if completed else "publish not run"
        rows.append(("1,000 plans completes", shown, completed))
    if r1000 is not None and whole_seconds(r1000) is not None:
        whole = whole_seconds(r1000)
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
    w30 = whole_seconds(r30) if r30 is not None else None
    w1000 = whole_seconds(r1000) if r1000 is not None else None
    if r30 is not None and r1000 is not None and w30 and w1000:
        ratio = (w1000 / r1000["triples"]) / (w30 / r30["triples"])
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
