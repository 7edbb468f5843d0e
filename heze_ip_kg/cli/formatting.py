"""How the CLI prints results: aligned tables, Markdown, CSV, JSON, and validation reports."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from heze_ip_kg.check.validate import ValidationReport, ValidationResult
from heze_ip_kg.query.execute import Table
from heze_ip_kg.vocab.namespaces import PREFIXES


def shorten(cell: str, base: str) -> str:
    """An IRI as people read it: its path under ``base``, or a prefixed name; else unchanged.

    >>> shorten("https://w3id.org/heze-ip-kg/ontology#Task", "https://w3id.org/heze-ip-kg/id/")
    'hip:Task'
    >>> shorten("https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp", "https://w3id.org/heze-ip-kg/id/")
    'heze-ip-plan-14fyp'
    """
    if cell.startswith(base):
        return cell[len(base) :]
    for prefix, namespace in PREFIXES.items():
        if cell.startswith(str(namespace)) and len(cell) > len(str(namespace)):
            return f"{prefix}:{cell[len(str(namespace)) :]}"
    return cell


def format_table(table: Table, fmt: str, base: str) -> str:
    """A result table as aligned text, Markdown, CSV or JSON (IRIs shortened in text and md,
    the same way in both)."""
    if fmt == "md":
        cells = [
            [("" if c is None else shorten(c, base)).replace("|", "\\|") for c in row]
            for row in table.rows
        ]
        lines = ["| " + " | ".join(table.vars) + " |", "|" + "---|" * len(table.vars)]
        lines += ["| " + " | ".join(row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        return json.dumps(table.as_dicts(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.vars)
        writer.writerows([["" if c is None else c for c in row] for row in table.rows])
        return out.getvalue()
    cells = [["" if c is None else shorten(c, base) for c in row] for row in table.rows]
    widths = [max([width(v)] + [width(r[i]) for r in cells]) for i, v in enumerate(table.vars)]
    lines = ["  ".join(pad(v, w) for v, w in zip(table.vars, widths, strict=True))]
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns."""
    return text + " " * (columns - width(text))


def format_report(report: ValidationReport, base: str) -> str:
    """The report grouped by severity and rule, in Chinese and English."""
    lines = [
        f"{'符合' if report.conforms else '不符合'} / "
        f"{'conforms' if report.conforms else 'does not conform'}: "
        f"{len(report.by_severity('Violation'))} violation(s), "
        f"{len(report.by_severity('Warning'))} warning(s)"
    ]
    groups: dict[tuple[str, str], list[ValidationResult]] = {}
    for result in report.results:
        groups.setdefault((result.severity, result.rule), []).append(result)
    for (severity, rule), results in groups.items():
        first = results[0]
        lines.append(f"\n[{severity}] {rule.rsplit('#', 1)[-1]}: {first.message_zh}")
        lines.append(f"    {first.message_en}")
        for result in results:
            where = f" @ {result.span[0]}–{result.span[1]}" if result.span else ""
            lines.append(f"  - {result.focus_label} <{result.focus.replace(base, '')}>{where}")
    return "\n".join(lines) + "\n"


__all__ = ["format_report", "format_table", "pad", "shorten", "width"]
