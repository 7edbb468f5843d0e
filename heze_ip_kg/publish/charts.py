"""The indicator comparison as an SVG bar chart: growth multiples (target ÷ baseline) by level."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment

from heze_ip_kg.query import Table

SUBTITLE = "目标值 ÷ 基期值 (target ÷ baseline) · 基期未见者不画 · bars only with a known baseline"
COLOURS = {"heze": "#4a7fb5", "shandong": "#5aa05a", "national": "#d08a3a"}


@dataclass(frozen=True)
class Bar:
    """One bar: a label, its length in pixels and the value printed beside it."""

    label: str
    y: int
    length: int
    value: str
    level: str
    colour: str


def indicator_bars(table: Table, max_length: int = 420) -> list[Bar]:
    """Bars from ``report-indicator-comparison``: each Heze indicator, then its counterparts."""
    rows = table.as_dicts()
    bars: list[Bar] = []
    seen: set[str] = set()
    multiples = [float(r[k] or 0) for r in rows for k in ("multiple", "counterpartMultiple")]
    scale = max_length / max([m for m in multiples if m] or [1.0])
    y = 64
    for row in rows:
        key = row["indicator"] or ""
        if key not in seen:
            seen.add(key)
            y += 8
            value = row["multiple"]
            bars.append(
                Bar(
                    f"{row['label']}（{row['unit'] or ''}）菏泽",
                    y,
                    int(float(value or 0) * scale),
                    f"×{value}" if value else "—",
                    "heze",
                    COLOURS["heze"],
                )
            )
            y += 22
        document = (row["counterpartDocument"] or "").rsplit("/", 1)[-1]
        level = "national" if document.startswith("national") else "shandong"
        value = row["counterpartMultiple"]
        note = f" {row['unitNote']}" if row["unitNote"] else ""
        bars.append(
            Bar(
                f"    ↳ {document}",
                y,
                int(float(value or 0) * scale),
                (f"×{value}" if value else "— (baseline not found)") + note,
                level,
                COLOURS[level],
            )
        )
        y += 22
    return bars


def render_indicator_chart(env: Environment, table: Table) -> str:
    """The SVG chart of the indicator comparison."""
    bars = indicator_bars(table)
    return env.get_template("indicators.svg.j2").render(
        title="指标增长倍数比较 · Indicator growth multiples by level",
        subtitle=SUBTITLE,
        bars=bars,
        bar_x=330,
        width=1000,
        height=(bars[-1].y + 40) if bars else 100,
    )


__all__ = ["Bar", "indicator_bars", "render_indicator_chart"]
