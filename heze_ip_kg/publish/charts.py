"""Charts as geometry (``Chart`` of ``Mark``s); the templates only write them out as SVG.

- ``absolute_chart``: an indicator's baseline and target beside those it implements, in the
  same unit, on one scale (a city's 0.87 → 1.75 beside its province's 10 and the nation's 12);
- ``multiples_chart``: target ÷ baseline where both are known (the second view);
- ``series_chart``: baseline, the planned path to the target, the target line, observations.

Text is bilingual (``zh``/``en`` marks, switched by the page's language like all text).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from heze_ip_kg.curated.metadata import DatasetMetadata, Text
from heze_ip_kg.publish.context import Chart, LevelValue, Mark, Remark
from heze_ip_kg.vocab.levels import LEVELS

WIDTH = 480
VALUE_ROOM = 190  # right of the longest bar: "0.87 → 1.75 (2020 → 2025)"
ROW = 46


def number(text: str) -> Decimal | None:
    """The value of a canonical number, or None for an empty or malformed one."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _span(value: str, year: str) -> str:
    return f"{value}（{year}）" if year else value


def value_text(row: LevelValue) -> tuple[str, str]:
    """``0.87 → 1.75（2020 → 2025）``: baseline → target with years, as far as known."""
    if row.baseline and row.target:
        years = f"（{row.baseline_year} → {row.target_year}）" if row.baseline_year else ""
        zh = f"{row.baseline} → {row.target}{years}"
        return zh, zh.replace("（", " (").replace("）", ")")
    if row.target:
        return f"目标 {_span(row.target, row.target_year)}", (
            f"target {row.target}" + (f" ({row.target_year})" if row.target_year else "")
        )
    return f"基期 {_span(row.baseline, row.baseline_year)}", f"baseline {row.baseline}"


def _row_label(row: LevelValue) -> tuple[str, str]:
    return (
        _short(f"{row.level_zh} · {row.document.zh}"),
        _short(f"{row.level_en} · {row.document.en}", 44),
    )


def _bars(rows: Sequence[LevelValue], y: float, marks: list[Mark]) -> float:
    """Target (dark) and baseline (light) bars of ``rows`` on one scale, from ``y`` down."""
    top = max((number(v) or Decimal(0)) for r in rows for v in (r.target, r.baseline))
    scale = float(WIDTH - VALUE_ROOM) / float(top or 1)
    for row in rows:
        zh, en = _row_label(row)
        marks.append(Mark("text", "label", 0, y + 14, zh=zh, en=en))
        level = f"level-{row.level or 'none'}"
        end = 0.0
        for value, cls, height, dy in (
            (row.target, "target", 16, 20),
            (row.baseline, "base", 8, 24),
        ):
            amount = number(value)
            if amount is None:
                continue
            length = max(float(amount) * scale, 1.5)
            end = max(end, length)
            marks.append(Mark("rect", f"bar {cls} {level}", 0, y + dy, w=length, h=height))
        vzh, ven = value_text(row)
        marks.append(Mark("text", "value", end + 6, y + 33, zh=vzh, en=ven))
        y += ROW
    return y


BAR_LEGEND = (
    Remark("深色长条：目标值", "Dark bar: target"),
    Remark("浅色细条：基期值", "Light thin bar: baseline"),
)


def level_legend(metadata: DatasetMetadata) -> tuple[Remark, ...]:
    """The bar charts' legend: the two bars, then each level's colour (``metadata.yaml``)."""
    levels = metadata.levels()
    zh = "　".join(f"{c.name.zh}：{LEVELS[level].zh}" for level, c in levels)
    en = "; ".join(f"{c.name.en}: {LEVELS[level].en}" for level, c in levels)
    return (*BAR_LEGEND, Remark(zh, en[:1].upper() + en[1:]))


def comparable(rows: Sequence[LevelValue]) -> list[LevelValue]:
    """The rows in the page indicator's unit that have a value to draw."""
    return [r for r in rows if r.same_unit and (number(r.target) or number(r.baseline))]


def absolute_chart(
    rows: Sequence[LevelValue],
    unit_zh: str,
    unit_en: str,
    legend: tuple[Remark, ...],
    id: str = "chart-absolute",
) -> Chart | None:
    """Bars of target and baseline values in the page indicator's unit, on one scale."""
    shown = comparable(rows)
    if not shown:
        return None
    marks: list[Mark] = []
    y = _bars(shown, 8.0, marks)
    return Chart(
        id=id,
        width=WIDTH,
        height=int(y),
        title_zh=f"各级目标值与基期值（{unit_zh}）",
        title_en=f"Targets and baselines by level ({unit_en})",
        desc_zh="；".join(f"{r.level_zh} {r.document.zh}：{value_text(r)[0]}" for r in shown),
        desc_en="; ".join(f"{r.level_en} {r.document.en}: {value_text(r)[1]}" for r in shown),
        marks=tuple(marks),
        legend=legend,
    )


def overview_chart(
    groups: Sequence[Sequence[LevelValue]], title: Text, legend: tuple[Remark, ...]
) -> Chart | None:
    """A plan's indicators, each beside those it implements in its unit (the home page)."""
    marks: list[Mark] = []
    y = 4.0
    described = []
    for rows in groups:
        shown = comparable(rows)
        if not shown:
            continue
        own = rows[0]
        heading_zh = f"{own.indicator.zh}（{own.unit_zh}）"
        marks.append(
            Mark(
                "text", "group", 0, y + 16, zh=heading_zh, en=f"{own.indicator.en} ({own.unit_en})"
            )
        )
        y = _bars(shown, y + 24, marks) + 10
        described.append(
            heading_zh + "：" + "；".join(f"{r.document.zh} {value_text(r)[0]}" for r in shown)
        )
    if not marks:
        return None
    return Chart(
        id="chart-overview",
        width=WIDTH,
        height=int(y),
        title_zh=title.zh,
        title_en=title.en,
        desc_zh="。".join(described),
        desc_en="Each indicator of the plan with the indicators it implements, in the same unit.",
        marks=tuple(marks),
        legend=legend,
    )


def multiples_chart(rows: Sequence[LevelValue]) -> Chart | None:
    """Target ÷ baseline for each row where both are known (whatever the unit)."""
    shown = [r for r in rows if number(r.multiple)]
    if not shown:
        return None
    top = max(number(r.multiple) or Decimal(0) for r in shown)
    scale = float(WIDTH - VALUE_ROOM) / float(top or 1)
    marks: list[Mark] = []
    y = 8.0
    for row in shown:
        zh, en = _row_label(row)
        marks.append(Mark("text", "label", 0, y + 14, zh=zh, en=en))
        length = max(float(number(row.multiple) or 0) * scale, 1.5)
        level = f"level-{row.level or 'none'}"
        marks.append(Mark("rect", f"bar target {level}", 0, y + 20, w=length, h=16))
        marks.append(Mark("text", "value", length + 6, y + 33, zh=f"×{row.multiple}"))
        y += ROW
    return Chart(
        id="chart-multiples",
        width=WIDTH,
        height=int(y),
        title_zh="增长倍数（目标值 ÷ 基期值）",
        title_en="Growth multiples (target ÷ baseline)",
        desc_zh="；".join(f"{r.level_zh} {r.document.zh}：×{r.multiple}" for r in shown),
        desc_en="; ".join(f"{r.level_en} {r.document.en}: ×{r.multiple}" for r in shown),
        marks=tuple(marks),
    )


def series_chart(
    baseline: tuple[str, str],
    target: tuple[str, str],
    observed: Sequence[tuple[str, str]],
    unit_zh: str,
    unit_en: str,
) -> Chart | None:
    """Baseline (square), planned path (dashed), target line (dotted), observations (dots).

    Each point is (value, year); a point without a year or a number is left out.
    """
    points = [(int(y), number(v)) for v, y in observed if y.isdigit() and number(v) is not None]
    base = (int(baseline[1]), number(baseline[0])) if baseline[1].isdigit() else None
    goal = (int(target[1]), number(target[0])) if target[1].isdigit() else None
    known = [p for p in [base, goal, *points] if p is not None and p[1] is not None]
    if not known:
        return None
    years = [year for year, _ in known]
    first, last = min(years), max(years)
    if first == last:
        first, last = first - 1, last + 1
    highest = max(float(v or 0) for _, v in known) or 1.0
    top = highest * 1.15
    left, right, upper, lower, height = 48.0, 16.0, 16.0, 30.0, 240

    def x(year: int) -> float:
        return round(left + (year - first) * (WIDTH - left - right) / (last - first), 1)

    def y(value: Decimal | None) -> float:
        return round(height - lower - float(value or 0) * (height - upper - lower) / top, 1)

    marks = [
        Mark("line", "axis", left, height - lower, WIDTH - right, height - lower),
        Mark("line", "axis", left, upper, left, height - lower),
    ]
    for tick in (0.0, highest / 2, highest):
        label = f"{tick:.4g}"
        marks.append(
            Mark("text", "tick", left - 4, y(Decimal(str(tick))) + 4, zh=label, anchor="end")
        )
    step = max(1, (last - first) // 8)
    for year in range(first, last + 1, step):
        marks.append(Mark("text", "tick", x(year), height - 10, zh=str(year), anchor="middle"))
    if goal is not None and goal[1] is not None:
        marks.append(Mark("line", "target-line", left, y(goal[1]), WIDTH - right, y(goal[1])))
        text = f"目标 {target[0]}（{goal[0]}）"
        marks.append(
            Mark(
                "text",
                "target-label",
                WIDTH - right,
                y(goal[1]) - 6,
                zh=text,
                en=f"target {target[0]} ({goal[0]})",
                anchor="end",
            )
        )
        if base is not None and base[1] is not None:
            marks.append(Mark("line", "planned", x(base[0]), y(base[1]), x(goal[0]), y(goal[1])))
    if base is not None and base[1] is not None:
        marks.append(Mark("rect", "baseline", x(base[0]) - 5, y(base[1]) - 5, w=10, h=10))
        marks.append(
            Mark(
                "text",
                "point-label",
                x(base[0]) + 8,
                y(base[1]) + 16,
                zh=f"基期 {baseline[0]}",
                en=f"baseline {baseline[0]}",
            )
        )
    if points:
        path = " ".join(
            f"{'M' if i == 0 else 'L'} {x(year)} {y(value)}"
            for i, (year, value) in enumerate(points)
        )
        marks.append(Mark("path", "observed", zh=path))
        for year, value in points:
            marks.append(Mark("circle", "observation", x(year), y(value), w=4.5))
            marks.append(
                Mark("text", "point-label", x(year), y(value) - 9, zh=f"{value}", anchor="middle")
            )
    described = "；".join(f"{year}年 {value}" for year, value in points) or "无观测值"
    return Chart(
        id="chart-series",
        width=WIDTH,
        height=height,
        title_zh=f"时间序列（{unit_zh}）：基期、目标线与观测值",
        title_en=f"Time series ({unit_en}): baseline, target line and observations",
        desc_zh=f"基期 {baseline[0] or '未知'}（{baseline[1] or '年份未知'}），"
        f"目标 {target[0] or '未知'}（{target[1] or '年份未知'}）；观测值：{described}",
        desc_en=f"baseline {baseline[0] or 'unknown'} ({baseline[1] or 'year unknown'}), "
        f"target {target[0] or 'unknown'} ({target[1] or 'year unknown'}); observations: "
        + ("; ".join(f"{year}: {value}" for year, value in points) or "none"),
        marks=tuple(marks),
        legend=(
            Remark("方块：基期值", "Square: baseline"),
            Remark("虚线：规划路径", "Dashed: planned path"),
            Remark("点线：目标值", "Dotted: target"),
            Remark("圆点：观测值", "Dots: observations"),
        ),
    )


__all__ = [
    "BAR_LEGEND",
    "absolute_chart",
    "comparable",
    "level_legend",
    "multiples_chart",
    "number",
    "overview_chart",
    "series_chart",
    "value_text",
]
