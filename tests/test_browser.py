"""The site in a real headless Chromium (Debian's, driven by Playwright): from file:// and serve.

Screenshots are kept in tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.publish import publish_site
from heze_ip_kg.serve import ServerSettings
from tests.serving import running

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_CHROMIUM = "Chromium is not installed here (Debian: chromium); .ci/run installs it"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)


@pytest.fixture(scope="module")
def dist(published: tuple[Path, Any]) -> Path:
    return published[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs: list[str] = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def walk_the_site(page: Any, start: str, label: str) -> None:
    page.goto(start)
    assert "菏泽市“十四五”知识产权保护和运用规划知识图谱" in page.title()
    shot(page, f"{label}-index")
    page.get_by_role("link", name="强化知识产权司法保护").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith("强化知识产权司法保护")
    assert "加强知识产权法庭建设" in page.locator("blockquote.text").inner_text()
    shot(page, f"{label}-task")
    page.locator("nav.breadcrumbs a").last.click()
    page.wait_for_load_state()
    assert "加强知识产权保护" in page.locator("h1").inner_text()
    page.locator("#lang-switch").click()
    assert page.locator("h1 .en").is_visible()
    assert page.locator("h1 .en").inner_text() == "Strengthen intellectual property protection"
    assert not page.locator("h1 .zh").is_visible()
    shot(page, f"{label}-area-en")
    page.locator("#lang-switch").click()
    assert page.locator("h1 .zh").is_visible()


def test_site_from_file_url(page: Any, dist: Path) -> None:
    walk_the_site(page, (dist / "site" / "index.html").as_uri(), "file")
    assert page.dialogs == []


def test_script_payload_in_a_label_does_not_run(page: Any, tmp_path: Path) -> None:
    from rdflib import Literal, URIRef

    from heze_ip_kg.build.plan import DocumentSettings, build_graph
    from heze_ip_kg.parse import parse_plan
    from heze_ip_kg.vocab.namespaces import RDFS

    plan = parse_plan("(一)加强保护。\n1.加强行政保护。查处侵权。", name="x.txt")
    graph = build_graph(plan, DocumentSettings("demo"))
    task = URIRef("https://w3id.org/heze-ip-kg/id/demo/part-1/task-area-1/task-1")
    hostile = '<script>alert("xss")</script><img src=x onerror="alert(1)">"'
    graph.set((task, RDFS.label, Literal(hostile, lang="zh")))
    publish_site(graph, tmp_path, validate_graph(graph, checks=False), texts={})
    page.goto(
        (tmp_path / "site" / "id" / "demo" / "part-1" / "task-area-1" / "task-1.html").as_uri()
    )
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert hostile in page.locator("h1").inner_text()
    shot(page, "hostile-label")


@pytest.fixture(scope="module")
def served(dist: Path) -> Iterator[str]:
    with running(ServerSettings.for_publication(dist, port=0, quiet=True)) as server:
        yield server.url


POISONED_PAGES = [
    "index.html",
    "id/heze-ip-plan-14fyp/part-2/task-area-1/task-2.html",
    "id/heze-ip-plan-14fyp/part-1/objective-3/indicator-table/indicator-4.html",
    "id/org/heze-market-regulation.html",
    "id/alignment/heze-ip-plan-14fyp/1.html",
    "queries/index.html",
]


@pytest.mark.parametrize("path", POISONED_PAGES)
def test_a_graph_full_of_script_payloads_runs_none(
    page: Any, poisoned: tuple[Path, Any], path: str
) -> None:
    page.goto((poisoned[0] / "site" / path).as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert page.dialogs == []
    assert '<script>alert("s' in page.locator("main").inner_text()
    shot(page, "poisoned-" + path.replace("/", "-").removesuffix(".html"))


def test_site_from_serve_and_the_query_page(page: Any, served: str) -> None:
    walk_the_site(page, f"{served}/index.html", "serve")
    page.goto(f"{served}/query.html")
    page.select_option("#catalogue", "report-local-initiatives")
    page.locator("#run").click()
    page.wait_for_selector("#result-table")
    rows = page.locator("#result-table tr")
    expect(rows).to_have_count(3)  # the header and two local initiatives
    assert rows.count() == 3
    assert "有效注册商标量" in page.locator("#result-table").inner_text()
    shot(page, "serve-query")
    page.fill(
        "#sparql",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/heze-ip-kg/ontology#Task> }",
    )
    page.locator("#run").click()
    # The count replaces the catalogue table (a locator wait: the CSP forbids string eval).
    expect(page.locator("#result-table th")).to_have_text(["n"])
    # Heze 14, the national plan 8, the Shandong plan 1, the national outline 18.
    assert page.locator("#result-table td").first.inner_text() == "41"
    assert page.dialogs == []
