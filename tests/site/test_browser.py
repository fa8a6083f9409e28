"""The built site in a real browser: every page loads cleanly and the features work.

The site is served on 127.0.0.1 under the path it is published at, and Debian's Chromium
loads it through Playwright. Every context aborts, and the tests fail on, any request to
another origin. Screenshots go to build/screenshots/ as artifacts of the pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from browser import new_guarded_context, open_page, settle, wire_size

from dlguide_docs.passdir import ROOT
from dlguide_docs.sitebuild import SiteBuild

pytestmark = pytest.mark.site

SCREENSHOTS = ROOT / "build" / "screenshots"
WEIGHTS = ROOT / "build" / "page-weight.json"
# The most a page may transfer on a first visit, figures and the search index included.
MAX_PAGE_BYTES = 1_500_000
SEARCH_INDEX = "search/search_index.json"
# Pages a reader meets first, one of each kind.
SHOWCASE = {
    "home": "",
    "tutorial": "tutorials/tensors/",
    "algorithm": "algorithms/cnn/",
    "glossary": "glossary/",
    "glossary-topic": "glossary/activations/",
}
# Pages loaded at once during the sitemap sweep: the browser works on them in parallel.
SWEEP_BATCH = 4


def sitemap_paths(site_dir: Path, site_url: str) -> list[str]:
    """The paths, relative to the site's address, of every page in the sitemap."""
    locations = re.findall(r"<loc>([^<]+)</loc>", (site_dir / "sitemap.xml").read_text("utf-8"))
    assert locations and all(loc.startswith(site_url) for loc in locations), locations[:3]
    return [loc[len(site_url) :] for loc in locations]


@dataclass
class FirstLoads:
    """Every page of the sitemap loaded in a context of its own, with an empty cache."""

    statuses: dict[str, int]
    problems: list[str]
    # Per page: every response the load brought, as (URL, bytes on the wire) pairs.
    responses: dict[str, list[tuple[str, int]]]


@pytest.fixture(scope="module")
def first_loads(site_build: SiteBuild, site_url: str, local_site: str, browser) -> FirstLoads:
    """Load each page of the sitemap as a first-time reader would (four at a time)."""
    paths = sitemap_paths(site_build.site_dir, site_url)
    pages_in_site = {
        path.parent.relative_to(site_build.site_dir).as_posix()
        for path in site_build.site_dir.rglob("index.html")
    }
    assert {p.rstrip("/") or "." for p in paths} == pages_in_site, "sitemap and site differ"
    loads = FirstLoads({}, [], {})
    index = json.loads((site_build.site_dir / SEARCH_INDEX).read_text(encoding="utf-8"))
    empty_index = {**index, "docs": []}
    # One context, four tabs. Routing every request (the guard does) turns the browser's
    # cache off, so each page still fetches everything a first visit fetches.
    context, guard = new_guarded_context(browser, local_site)
    # Each page's search worker would build the whole index (0.8 MB of JSON) into a
    # search engine; the sweep hands it the index's configuration with no documents.
    # Search has its own tests.
    context.route(local_site + SEARCH_INDEX, lambda route: route.fulfill(json=empty_index))
    tabs = [context.new_page() for _ in range(SWEEP_BATCH)]
    fetched: dict[Any, list[str]] = {tab: [] for tab in tabs}
    for tab in tabs:
        guard.watch(tab)
        tab.on("requestfinished", lambda request, seen=fetched[tab]: seen.append(request.url))
    for start in range(0, len(paths), SWEEP_BATCH):
        batch = list(zip(tabs, paths[start : start + SWEEP_BATCH], strict=False))
        # Start every navigation of the batch, then wait for each to settle: the browser
        # loads the pages side by side.
        for tab, path in batch:
            fetched[tab].clear()
            loads.statuses[path] = tab.goto(local_site + path, wait_until="commit").status
        for tab, path in batch:
            tab.wait_for_load_state("load")
            settle(tab)
            loads.responses[path] = [
                (url, wire_size(url, site_build.site_dir, local_site))
                for url in fetched[tab]
                if url.startswith(local_site)
            ]
    loads.problems = guard.problems()
    context.close()
    return loads


def test_every_page_in_the_sitemap_loads_cleanly(first_loads: FirstLoads):
    assert len(first_loads.statuses) >= 40
    assert all(status == 200 for status in first_loads.statuses.values()), {
        path: status for path, status in first_loads.statuses.items() if status != 200
    }
    assert first_loads.problems == []


def test_no_page_weighs_more_than_1_5_mb_on_first_load(
    first_loads: FirstLoads, site_build: SiteBuild, local_site: str
):
    """Bytes on the wire for everything a first visit fetches, text gzipped (`wire_size`).

    Every context routes its requests, which turns the browser's cache off, so each page
    fetched all it needs. Material's search worker fetches the index after the load event
    (the sweep does not wait for it, and answers it with an empty one); the real index's
    size is counted on every page.
    """
    index_url = local_site + SEARCH_INDEX
    seen_index = [path for path, fetched in first_loads.responses.items()
                  if any(url == index_url for url, _ in fetched)]  # fmt: skip
    assert seen_index, "no page fetched the search index: is search still enabled?"
    index_bytes = wire_size(index_url, site_build.site_dir, local_site)
    weights = {
        path: sum(size for url, size in fetched if url != index_url) + index_bytes
        for path, fetched in first_loads.responses.items()
    }
    heaviest = sorted(weights.items(), key=lambda item: -item[1])
    WEIGHTS.write_text(json.dumps({
        "pages": {path or "(home)": {"bytes": size, "requests": len(first_loads.responses[path])}
                  for path, size in heaviest},
        "search_index": index_bytes,
    }, indent=1), encoding="utf-8")  # fmt: skip
    assert all(len(fetched) >= 5 for fetched in first_loads.responses.values())
    assert heaviest[0][1] <= MAX_PAGE_BYTES, heaviest[:5]


def _search(page, local_site: str, query: str) -> list[str]:
    open_page(page, local_site)
    page.locator("input.md-search__input").click()
    # Key presses, not fill(): Material searches on keyboard input.
    page.locator("input.md-search__input").press_sequentially(query, delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__meta')?.textContent.match(/\\d/)",
        arg=query,
    )
    hrefs = page.locator(".md-search-result__item > a").evaluate_all(
        "links => links.map(link => link.href)"
    )
    return [urlparse(href).path + (f"#{urlparse(href).fragment}" if urlparse(href).fragment else "")
            for href in hrefs]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "first", "within_two"),
    [
        ("vanishing", "tutorials/vanishing-gradients/", "tutorials/vanishing-gradients/"),
        ("ReLU", "glossary/activations/", "glossary/activations/#relu"),
    ],
)
def test_search_returns_the_expected_pages_first(
    local_site: str, guarded_page, query: str, first: str, within_two: str
):
    page, guard = guarded_page()
    results = _search(page, local_site, query)
    prefix = urlparse(local_site).path
    assert results, f"no results for {query!r}"
    assert results[0] == prefix + first, results[:5]
    assert prefix + within_two in results[:2], results[:5]
    guard.assert_clean()


def test_math_renders_with_no_raw_delimiters(local_site: str, guarded_page):
    page, guard = guarded_page()
    for path in ("tutorials/vanishing-gradients/", "glossary/activations/"):
        open_page(page, local_site + path)
        formulas = page.locator("article .arithmatex")
        assert formulas.count() > 5, path
        rendered = page.locator("article .arithmatex .katex")
        assert rendered.count() >= formulas.count(), (path, rendered.count(), formulas.count())
        assert page.locator("article .katex-error").count() == 0, path
        text = page.locator("article").evaluate(
            # The visible text, without code blocks, where a dollar sign is code.
            "a => { const c = a.cloneNode(true); c.querySelectorAll('pre, code, .katex-mathml')"
            ".forEach(e => e.remove()); return c.innerText; }"
        )
        for raw in ("$$", "\\(", "\\[", "\\frac"):
            assert raw not in text, (path, raw)
    guard.assert_clean()


def test_mermaid_diagrams_render_to_svg(local_site: str, guarded_page):
    page, guard = guarded_page()
    open_page(page, local_site + "algorithms/cnn/")
    diagrams = page.locator("article pre.diagram")
    assert diagrams.count() >= 1
    page.locator("article pre.diagram[data-drawn]").first.wait_for()
    for index in range(diagrams.count()):
        svg = diagrams.nth(index).locator("svg")
        assert svg.count() == 1, f"diagram {index + 1} was not drawn"
        svg.wait_for(state="visible")
        box = svg.bounding_box()
        assert box["width"] > 100 and box["height"] > 20, box
        assert svg.locator("text, foreignObject").count() > 2  # labelled nodes, not a blank
    guard.assert_clean()


def test_copy_button_copies_the_code(local_site: str, guarded_page):
    page, guard = guarded_page(permissions=["clipboard-read", "clipboard-write"])
    open_page(page, local_site + "tutorials/tensors/")
    block = page.locator("article .language-python pre").first
    expected = block.locator("> code").inner_text()
    block.hover()
    block.locator(".md-code__button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "tf.constant" in copied
    assert copied.strip() == expected.strip()
    guard.assert_clean()


def test_content_tabs_switch(local_site: str, guarded_page):
    page, guard = guarded_page()
    open_page(page, local_site + "tutorials/vanishing-gradients/")
    tabs = page.locator("article .tabbed-set").first
    labels = tabs.locator(".tabbed-labels > label")
    blocks = tabs.locator(".tabbed-content > .tabbed-block")
    assert labels.count() >= 2
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    labels.nth(0).click()
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    guard.assert_clean()


def test_light_dark_toggle_switches_the_palette(local_site: str, guarded_page):
    page, guard = guarded_page(color_scheme="light")
    open_page(page, local_site)

    def scheme() -> tuple[str, str]:
        return page.evaluate(
            "[document.body.dataset.mdColorScheme, getComputedStyle(document.body).backgroundColor]"
        )

    light = scheme()
    assert light[0] == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = scheme()
    assert dark[1] != light[1], "the background did not change"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert scheme() == light
    guard.assert_clean()


def test_hovering_a_glossary_term_shows_its_tooltip(local_site: str, guarded_page):
    page, guard = guarded_page()
    open_page(page, local_site + "algorithms/cnn/")
    term = page.locator("article p abbr[title]").first
    definition = term.get_attribute("title")
    assert definition and definition.endswith(".")
    # Material moves the title into its own tooltip, so none is shown by the browser too.
    term.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for()
    assert tooltip.inner_text().strip() == definition
    assert tooltip.is_visible()
    guard.assert_clean()


def test_instant_navigation_goes_to_a_tutorial_and_back(local_site: str, guarded_page):
    page, guard = guarded_page()
    open_page(page, local_site)
    home_title = page.locator("article h1").inner_text()
    # A marker on the window survives instant navigation and is lost on a full reload.
    page.evaluate("window.dlguideMarker = 'kept'")
    page.locator("article a[href$='tutorials/vanishing-gradients/']").first.click()
    page.wait_for_url(re.compile(r"tutorials/vanishing-gradients/$"))
    page.locator("article h1", has_text="Vanishing gradients").wait_for()
    assert page.evaluate("window.dlguideMarker") == "kept", "the page was reloaded"
    page.go_back()
    page.wait_for_url(local_site)
    page.locator("article h1", has_text=home_title).wait_for()
    assert page.evaluate("window.dlguideMarker") == "kept", "the page was reloaded"
    guard.assert_clean()


@pytest.mark.parametrize("width", [360, 1280])
def test_showcase_pages_fit_the_screen_and_are_captured(local_site: str, guarded_page, width: int):
    page, guard = guarded_page(viewport={"width": width, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = {}
    for name, path in SHOWCASE.items():
        open_page(page, local_site + path)
        shot = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=shot)
        assert shot.stat().st_size > 5_000, f"{shot.name} looks blank"
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            overflowing[path] = page_width
    assert not overflowing, f"wider than {width} px: {overflowing}"
    guard.assert_clean()


def test_a_missing_address_gets_the_projects_404_page(local_site: str, guarded_page):
    page, guard = guarded_page()
    response = open_page(page, local_site + "no/such/page/")
    assert response.status == 404
    assert page.locator("article h1").inner_text() == "Page not found"
    # Styled and working at any depth: its stylesheets and scripts loaded...
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in {
        "sticky",
        "fixed",
    }
    # ...and its links lead to real pages.
    for link in page.locator(".dlguide-404-links a").evaluate_all("a => a.map(x => x.href)"):
        assert page.request.get(link).status == 200, link
    # The one expected failure: the missing page itself (a 404 response, and Chromium's
    # console message about it).
    guard.assert_clean(expected="no/such/page/")


def test_favicon_and_logo_are_the_projects(local_site: str, guarded_page):
    page, guard = guarded_page()
    open_page(page, local_site)
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon.endswith("assets/logo.svg")
    logo = page.locator(".md-header__button.md-logo img")
    assert logo.get_attribute("src").endswith("assets/logo.svg")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    body = page.request.get(page.locator("link[rel=icon]").evaluate("l => l.href"))
    assert body.status == 200 and b"Deep Learning Guide" in body.body()
    guard.assert_clean()


def test_the_notebook_link_downloads_the_pages_notebook(
    site_build: SiteBuild, local_site: str, guarded_page
):
    page, guard = guarded_page(accept_downloads=True)
    open_page(page, local_site + "tutorials/tensors/")
    link = page.locator("article a.dlguide-notebook")
    assert link.count() == 1
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == "tensors.ipynb"
    served = site_build.site_dir / "tutorials" / "tensors.ipynb"
    assert Path(download.path()).read_bytes() == served.read_bytes()
    guard.assert_clean()
