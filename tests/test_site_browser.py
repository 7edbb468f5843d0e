"""The site answers a planner (issues 18 and 19), checked in Debian's Chromium.

Served by ``serve`` unless said otherwise; the same pages from ``file://`` at the end. Each test
keeps a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from playwright.sync_api import expect

from heze_ip_kg.serve import ServerSettings
from tests.browser import (
    AXE,
    BLOCKING,
    CHROMIUM,
    FLAGS,
    NO_AXE,
    NO_CHROMIUM,
    axe_findings,
    page_width,
    shot,
)
from tests.serving import running

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)

HEZE = "id/heze-ip-plan-14fyp"
HIGH_VALUE = f"{HEZE}/part-1/objective-3/indicator-table/indicator-1.html"
ADMINISTRATIVE = f"{HEZE}/part-2/task-area-1/task-1.html"
NATIONAL_HIGH_VALUE = "id/national-ip-plan-14fyp/indicator-1.html"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(published: tuple[Path, Any]) -> Path:
    return published[0] / "site"


@pytest.fixture(scope="module")
def served(published: tuple[Path, Any]) -> Iterator[str]:
    with running(ServerSettings.for_publication(published[0], port=0, quiet=True)) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def _page(browser: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page(browser)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    yield from _page(browser, viewport=PHONE)


def _svg_texts(chart: Any) -> list[str]:
    """The texts of an SVG chart that show in the page's language (inner_text is HTML only)."""
    return list(
        chart.locator("text").evaluate_all(
            "ts => ts.filter(t => getComputedStyle(t).display !== 'none').map(t => t.textContent)"
        )
    )


def test_indicator_page_compares_heze_shandong_and_the_nation(page: Any, served: str) -> None:
    """每万人口高价值发明专利拥有量: 0.87 → 1.75 (2020 → 2025) beside 10 and 12, named, charted."""
    page.goto(f"{served}/{HIGH_VALUE}")
    assert "每万人口高价值发明专利拥有量" in page.locator("h1").inner_text()
    headline = page.locator("#indicator-headline").inner_text()
    assert "0.87 → 1.75" in headline
    assert "2020 → 2025" in headline
    assert "件" in headline
    rows = page.locator("#indicator-levels tbody tr")
    table = {
        (r.locator("td").nth(1).inner_text(), r.locator("td").nth(4).inner_text())
        for r in rows.all()
    }
    assert ("山东省“十四五”知识产权保护和运用规划", "10（2025）") in table
    assert ("知识产权强国建设纲要（2021－2035年）", "12（2025）") in table
    assert ("“十四五”国家知识产权保护和运用规划", "12（2025）") in table
    chart = page.locator("#chart-absolute svg")
    expect(chart).to_be_visible()
    texts = _svg_texts(chart)
    assert any(t.startswith("市级 · 菏泽市") for t in texts)
    assert any(t.startswith("省级 · 山东省") for t in texts)
    assert any(t.startswith("国家级 · ") for t in texts)
    assert "0.87 → 1.75（2020 → 2025）" in texts
    assert "目标 10（2025）" in texts
    assert "目标 12（2025）" in texts
    assert chart.locator("rect.bar.target").count() == 5  # Heze, 2 Shandong, 2 national
    sources = page.locator("#indicator-levels td.sources a.url")
    assert sources.count() >= 5
    assert all(h.startswith("http") for h in sources.evaluate_all("as => as.map(a => a.href)"))
    expect(page.locator("#chart-series svg")).to_be_visible()
    expect(page.locator("#progress-status .status-value")).to_have_text(
        "无数据", use_inner_text=True
    )
    shot(page, "site-indicator-heze")
    page.locator("#lang-switch").click()
    english = _svg_texts(chart)
    assert any(t.startswith("national · ") for t in english)
    assert "target 10 (2025)" in english
    page.locator("#lang-switch").click()
    body = page.request.get(page.locator("#indicator-csv").evaluate("a => a.href"))
    assert body.ok
    table_rows = list(csv.DictReader(io.StringIO(body.text())))
    values = {(r["document"], r["kind"], r["year"], r["value"]) for r in table_rows}
    assert ("菏泽市“十四五”知识产权保护和运用规划", "baseline", "2020", "0.87") in values
    assert ("菏泽市“十四五”知识产权保护和运用规划", "target", "2025", "1.75") in values
    assert ("山东省“十四五”知识产权保护和运用规划", "target", "2025", "10") in values
    assert ("知识产权强国建设纲要（2021－2035年）", "target", "2025", "12") in values
    assert page.errors == []


def test_national_indicator_shows_status_series_and_sourced_observations(
    page: Any, served: str
) -> None:
    """Issue 19 on the site: the status with its figures and method link, the chart, the data."""
    page.goto(f"{served}/{NATIONAL_HIGH_VALUE}")
    status = page.locator("#progress-status")
    expect(status.locator(".status-value")).to_have_text("已实现", use_inner_text=True)
    figures = status.inner_text()
    assert "16（2025）" in figures
    assert "1.49" in figures
    assert "170.2%" in figures
    observations = page.locator("#observations tbody tr")
    assert observations.count() >= 3
    years = [r.locator("td").first.inner_text() for r in observations.all()]
    assert years == sorted(years)
    for row in observations.all():
        assert row.locator("td a.url").first.get_attribute("href").startswith("http")
    series = page.locator("#chart-series svg")
    expect(series).to_be_visible()
    assert series.locator("circle.observation").count() == observations.count()
    assert series.locator("line.target-line").count() == 1
    shot(page, "site-indicator-national")
    page.locator("#method-link").click()
    page.wait_for_load_state()
    assert "进展状态" in page.locator("h1").inner_text()
    assert "Open SDG" in page.locator("main").inner_text()


def test_administrative_protection_shows_its_chain_to_the_nation(page: Any, served: str) -> None:
    page.goto(f"{served}/{ADMINISTRATIVE}")
    assert page.locator("h1").inner_text().endswith("加强知识产权行政保护")
    expect(page.locator("nav.siblings a[rel=next]")).to_contain_text("强化知识产权司法保护")
    trace = page.locator("#trace")
    # Two national steps (the outline's 9th task and the national plan's 2nd task); the plan's:
    steps = trace.locator("ul.tree > li")
    assert steps.count() == 2
    assert "健全便捷高效、严格公正、公开透明的行政保护体系" in steps.first.inner_text()
    step = steps.filter(has_text="“十四五”国家知识产权保护和运用规划")
    expect(step.locator(".level").first).to_have_text("国家级", use_inner_text=True)
    assert "加强知识产权司法保护、行政保护、协同保护和源头保护" in step.inner_text()
    assert "“十四五”国家知识产权保护和运用规划" in step.locator(".doc").inner_text()
    assert "已确认" in step.inner_text()
    shot(page, "site-trace")
    step.locator("a.evidence-link").first.click()
    page.wait_for_load_state()
    assert "/id/alignment/" in page.url
    assert "行政保护" in page.locator("main").inner_text()


def test_a_parent_element_lists_what_takes_it_up(page: Any, served: str) -> None:
    page.goto(f"{served}/id/national-ip-plan-14fyp/task-2.html")
    down = page.locator("#trace ul.tree").last
    assert "加强知识产权行政保护" in down.inner_text()
    assert "市级" in down.inner_text()


def test_the_heze_plan_says_what_it_is_based_on_and_where_encoding_stops(
    page: Any, served: str
) -> None:
    page.goto(f"{served}/{HEZE}.html")
    info = page.locator("#document-info").inner_text()
    assert "菏政办字〔2022〕52号" in info
    assert "菏泽市人民政府办公室" in info
    assert "2022-10-31" in info
    assert "有效" in info
    up = page.locator("#trace").inner_text()
    assert "山东省“十四五”知识产权保护和运用规划" in up
    assert "山东省知识产权强省建设纲要" in up
    assert "依据" in up
    page.goto(f"{served}/id/shandong-ip-plan-14fyp.html")
    assert "未编码" in page.locator("#trace").inner_text()  # its own parent: only a title


def test_search_from_the_home_page_leads_to_the_key_project(page: Any, served: str) -> None:
    page.goto(f"{served}/index.html")
    page.locator("#search-q").fill("专利导航")
    hit = page.locator("#search-results a", has_text="实施重点产业专利导航试点工程")
    expect(hit).to_be_visible()
    shot(page, "site-search")
    hit.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith("实施重点产业专利导航试点工程")
    page.locator("#search-q").fill("专利导航")
    page.locator("#search-q").press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#search-summary")).to_contain_text("条结果")
    assert page.locator("#search-page-results li").count() >= 1
    page.locator("#search-q").fill("没有这样的词语")
    expect(page.locator("#search-results")).to_contain_text("无结果")
    assert page.errors == []


def test_organisation_pages_list_measures_by_role(page: Any, served: str) -> None:
    page.goto(f"{served}/id/org/heze-market-regulation.html")
    held = page.locator("#held")
    assert "牵头" in held.inner_text()
    assert "加强知识产权行政保护" in held.inner_text()
    assert not page.locator("#curator-notes").evaluate("d => d.open")  # notes collapsed
    page.goto(f"{served}/organizations/index.html")
    assert "市场监管部门" in page.locator("main").inner_text()


def test_home_page_counts_progress_by_document(page: Any, served: str) -> None:
    page.goto(f"{served}/index.html")
    table = page.locator("#progress-summary table")
    heads = table.locator("thead th").all_inner_texts()
    assert heads[:2] == ["文件", "已实现"]
    assert "无数据" in heads
    assert "未实现" in heads
    national = table.locator("tr", has_text="“十四五”国家知识产权保护和运用规划")
    assert national.locator("td").nth(1).inner_text() == "4"  # achieved
    expect(page.locator("#chart-overview svg")).to_be_visible()
    assert re.fullmatch(
        r"\d+\.\d+\.\d+(\+[0-9a-f]+)?", page.locator("#dataset-version").inner_text()
    )
    assert page.locator("footer a[rel=license]").inner_text() == "CC BY 4.0"


def test_cite_this_copies_the_citation(browser: Any, served: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
    page = context.new_page()
    page.goto(f"{served}/{ADMINISTRATIVE}")
    page.locator("#copy-cite").click()
    expect(page.locator("#copy-status")).to_have_text("已复制", use_inner_text=True)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("《菏泽市“十四五”知识产权保护和运用规划》二、（一）1.")
    assert copied.endswith("/id/heze-ip-plan-14fyp/part-2/task-area-1/task-1")
    context.close()


def test_query_page_binds_parameters_counts_rows_and_offers_csv(page: Any, served: str) -> None:
    page.goto(f"{served}/query.html")
    page.select_option("#catalogue", "report-search")
    term = page.locator("#param-report-search-term")
    expect(term).to_be_visible()
    assert term.input_value() == "专利导航"
    page.locator("#run").click()
    expect(page.locator("#result-count")).to_contain_text("共")
    assert "实施重点产业专利导航试点工程" in page.locator("#result-table").inner_text()
    assert "https://w3id.org" not in page.locator("#result-table").inner_text()  # names
    csv_link = page.locator("#result-csv").evaluate("a => a.href")
    body = page.request.get(csv_link)
    assert body.ok
    assert "element" in body.text().splitlines()[0]
    term.fill("没有这样的词语")
    page.locator("#run").click()
    expect(page.locator("#result-count")).to_have_text("无结果", use_inner_text=True)
    page.select_option("#catalogue", "report-indicator-comparison")
    page.locator("#run").click()
    expect(page.locator("#result-count")).to_contain_text("行")
    shown = page.locator("#result-table tbody tr").count()
    page.goto(f"{served}/queries/index.html")
    catalogue = page.locator("#report-indicator-comparison table tbody tr").count()
    assert shown == catalogue
    shot(page, "site-query")


def _same_site(served: str, href: str) -> str | None:
    url, _ = urldefrag(href)
    parts = urlsplit(url)
    if not url.startswith(served) or not parts.path.endswith(".html") or parts.query:
        return None
    return unquote(parts.path)


def test_every_page_is_reachable_from_home_and_fits_a_phone(phone: Any, served: str) -> None:
    """A crawl from the home page at 390 px reaches every page of the sitemap; none is wider."""
    sitemap = phone.request.get(f"{served}/sitemap.xml").text()
    listed = {
        "/" + unquote(loc.split("/heze-ip-kg/", 1)[1])
        for loc in re.findall(r"<loc>([^<]*)</loc>", sitemap)
    }
    todo, seen, wide = ["/index.html"], set(), {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        phone.goto(served + path)
        width = page_width(phone)
        if width > PHONE["width"]:
            wide[path] = width
        for href in phone.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            found = _same_site(served, href)
            if found and found not in seen:
                todo.append(found)
    assert listed - seen == set(), "not reachable from the home page"
    assert wide == {}, "wider than 390 px"
    assert len(seen) >= len(listed) > 400


def _sample_pages(site: Path) -> list[str]:
    """The site's own pages and one page of each kind of resource."""
    pages = [
        "index.html",
        "search.html",
        "query.html",
        "queries/index.html",
        "ontology/index.html",
        "organizations/index.html",
        "indicators/index.html",
        "alignments/index.html",
        "alignments/heze-ip-plan-14fyp.html",
        f"{HEZE}.html",
        HIGH_VALUE,
        ADMINISTRATIVE,
        NATIONAL_HIGH_VALUE,
        "id/shandong-ip-plan-14fyp.html",
        "id/org/heze-market-regulation.html",
        "id/observations.html",
    ]
    for pattern in (
        "id/doc/by-title/*.html",
        "id/alignment/*/*.html",
        f"{HEZE}/*/role/*/*.html",
        f"{HEZE}/part-2/*/*/mention/*.html",
        "id/observations/*/*/*/*.html",
        "id/concept/*/*.html",
        "id/concept/*.html",
        f"{HEZE}/notice.html",
        f"{HEZE}/source.html",
        "id/*/count/*.html",
        f"{HEZE}/part-3/key-project-1.html",
    ):
        found = sorted(site.glob(pattern))
        if found:
            pages.append(found[0].relative_to(site).as_posix())
    return pages


@pytest.mark.skipif(not AXE.is_file(), reason=NO_AXE)
def test_axe_finds_nothing_critical_or_serious(browser: Any, served: str, site: Path) -> None:
    """axe-core on the site's own pages and one page of each kind, at 1280 and 390 px."""
    findings: dict[str, list[tuple[str, str, int]]] = {}
    checked = 0
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        for path in _sample_pages(site):
            page.goto(f"{served}/{path}")
            found, rules = axe_findings(page)
            checked = max(checked, rules)
            blocking = [f for f in found if f[1] in BLOCKING]
            if blocking:
                findings[f"{path}@{viewport['width']}"] = blocking
        context.close()
    assert findings == {}, findings
    assert checked > 50  # the rules axe ran (or found inapplicable) on a page


def test_the_same_site_works_from_file_urls(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    page.locator("#search-q").fill("专利导航")
    hit = page.locator("#search-results a", has_text="实施重点产业专利导航试点工程")
    expect(hit).to_be_visible()
    hit.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://")
    assert page.locator("h1").inner_text().endswith("实施重点产业专利导航试点工程")
    page.goto((site / HIGH_VALUE).as_uri())
    assert "0.87 → 1.75" in page.locator("#indicator-headline").inner_text()
    expect(page.locator("#chart-absolute svg")).to_be_visible()
    expect(page.locator("#chart-series svg")).to_be_visible()
    page.goto((site / ADMINISTRATIVE).as_uri())
    expect(page.locator("#trace .level").first).to_have_text("国家级", use_inner_text=True)
    # The national badge in metadata.yaml's colour (#8f4a10), from static/levels.css.
    expect(page.locator("#trace .level").first).to_have_css("background-color", "rgb(143, 74, 16)")
    page.goto((site / "search.html").as_uri() + "?q=专利导航")
    expect(page.locator("#search-summary")).to_contain_text("条结果")
    shot(page, "site-file-search")
    assert page.errors == []


def test_search_shows_hostile_names_as_text(browser: Any, poisoned: tuple[Path, Any]) -> None:
    """Names full of markup come back from the search index as text: no script runs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((poisoned[0] / "site" / "index.html").as_uri())
    page.locator("#search-q").fill("alert")
    results = page.locator("#search-results")
    expect(results.locator("li").first).to_be_visible()
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert '<script>alert("s' in results.inner_text()
    assert results.locator("script, img").count() == 0
    assert dialogs == []
    shot(page, "site-search-hostile")
    context.close()
