"""Helpers of the browser tests: Debian's Chromium through Playwright, axe-core, screenshots."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Chromium is not installed here (Debian: chromium); .ci/run installs it"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
NO_AXE = "axe-core is not installed: make browser-deps (npm ci in tests/) installs it"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What fails a page: axe-core's two highest impacts.
BLOCKING = ("critical", "serious")


def shot(page: Any, name: str, full_page: bool = False) -> None:
    """Keep a screenshot of ``page`` as ``tests/artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def axe_findings(page: Any) -> tuple[list[tuple[str, str, int]], int]:
    """Run axe-core on the loaded page: (rule, impact, nodes) per violation, and rules run.

    The script is injected as text, so the page's context must bypass the server's content
    security policy (``bypass_csp=True``); from ``file://`` there is none.
    """
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r => ({
            violations: r.violations.map(v => [v.id, v.impact, v.nodes.length]),
            rules: r.violations.length + r.passes.length + r.incomplete.length
                   + r.inapplicable.length}))"""
    )
    return [tuple(v) for v in result["violations"]], int(result["rules"])


def page_width(page: Any) -> int:
    """How wide the page's content is, in CSS pixels (its scrolling width)."""
    return int(
        page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    )


__all__ = [
    "ARTIFACTS",
    "AXE",
    "BLOCKING",
    "CHROMIUM",
    "FLAGS",
    "NO_AXE",
    "NO_CHROMIUM",
    "axe_findings",
    "page_width",
    "shot",
]
