"""Accessibility of the built site: text alternatives, heading order, contrast.

Two layers. Static checks read every built page: each image and figure has a text
alternative, and headings never skip a level. In the browser, axe-core (pinned in
package.json, served from node_modules, never from a CDN) audits the pages a reader meets
first in the light and the dark palette, after scripts have drawn the math and diagrams;
any violation axe rates serious or critical fails the test, the colour contrast of the
site's own CSS included.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from browser import open_page
from bs4 import BeautifulSoup
from served import serve

from dlguide_docs.passdir import ROOT
from dlguide_docs.sitebuild import SiteBuild

pytestmark = pytest.mark.site
# axe needs no particular address, so this module serves the site on a port of its own
# and can run in one worker while the browser tests hold the built-for address in the other.
SERVES_ITS_OWN_SITE = True


@pytest.fixture(scope="module")
def local_site(site_build: SiteBuild) -> Iterator[str]:
    """The built site under its published path, on a free port of 127.0.0.1."""
    any_port = urlparse(site_build.site_url)._replace(netloc="127.0.0.1").geturl()
    with serve(site_build.site_dir, any_port) as address:
        yield address


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AUDITED = ["", "tutorials/tensors/", "algorithms/cnn/", "glossary/activations/"]
FAILING_IMPACTS = {"serious", "critical"}


@functools.cache
def _articles(site_dir: Path) -> list[tuple[str, BeautifulSoup, Any]]:
    """Every built page with an article: its path, its parsed HTML and the article."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article")
        if article is not None:
            pages.append((path.relative_to(site_dir).as_posix(), soup, article))
    return pages


def missing_text_alternatives(soup, article) -> list[str]:
    """Images without alt text and figures (inline SVG) without a title or label."""
    problems = [f"<img src={img.get('src')}> has no alt" for img in soup.find_all("img")
                if not (img.get("alt") or "").strip()]  # fmt: skip
    for svg in article.find_all("svg"):
        if svg.find_parent("svg") is not None or svg.get("aria-hidden") == "true":
            continue  # part of a figure, or an icon hidden from screen readers
        if svg.find_parent(["button", "a", "label"]) is not None and not svg.get("role"):
            continue  # an icon inside a named control
        named = (svg.get("aria-label") or "").strip() or (
            svg.find("title") is not None and svg.find("title").get_text(strip=True)
        )
        if svg.get("role") != "img" or not named:
            problems.append(f"<svg> figure without role=img and a title: {str(svg)[:80]}")
    return problems


def heading_jumps(article) -> list[str]:
    """Places where a heading is more than one level below the previous one."""
    levels = [int(h.name[1]) for h in article.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    problems = [] if levels[:1] == [1] and levels.count(1) == 1 else [f"h1s: {levels[:5]}"]
    problems += [f"h{a} followed by h{b}" for a, b in zip(levels, levels[1:], strict=False)
                 if b > a + 1]  # fmt: skip
    return problems


def test_every_image_and_figure_has_a_text_alternative(site_build: SiteBuild):
    checked, problems = 0, {}
    for page, soup, article in _articles(site_build.site_dir):
        checked += len(article.find_all("svg", attrs={"role": "img"}))
        if found := missing_text_alternatives(soup, article):
            problems[page] = found
    assert not problems, problems
    # 26 generated figures at the time of writing: a much smaller count means the check
    # stopped seeing them.
    assert checked >= 20, f"only {checked} figures found: is the check looking in the right place?"


def test_headings_are_in_order_on_every_page(site_build: SiteBuild):
    pages = list(_articles(site_build.site_dir))
    assert len(pages) > 40
    problems = {page: found for page, _, article in pages if (found := heading_jumps(article))}
    assert not problems, problems


def test_the_checks_catch_what_they_look_for():
    html = (
        '<img src="x.png"><article><h1>T</h1><h3>skipped</h3>'
        '<svg role="img"><rect/></svg><svg role="img" aria-label="A plot"></svg></article>'
    )
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article")
    assert len(missing_text_alternatives(soup, article)) == 2
    assert heading_jumps(article) == ["h1 followed by h3"]


def _axe_violations(page, rules: list[str] | None = None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async rules => {
            const options = {resultTypes: ["violations"]};
            if (rules) options.runOnly = {type: "rule", values: rules};
            const result = await axe.run(document, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                count: v.nodes.length,
            }));
        }""",
        rules,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(local_site: str, guarded_page, scheme: str):
    page, guard = guarded_page(color_scheme=scheme)
    audited = AUDITED + (["no/such/page/"] if scheme == "light" else [])
    # The dark palette changes colours only: audit them there, everything in the light one.
    rules = ["color-contrast", "link-in-text-block"] if scheme == "dark" else None
    serious = {}
    for path in audited:
        open_page(page, local_site + path)
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected
        found = [v for v in _axe_violations(page, rules) if v["impact"] in FAILING_IMPACTS]
        if found:
            serious[path or "home"] = found
    assert not serious, serious
    guard.assert_clean(expected="no/such/page/")  # the 404 of the missing page itself


def test_axe_reports_a_contrast_failure_it_is_shown(local_site: str, open_context):
    # The audit can fail: the same page with grey-on-grey text added is reported.
    context, _ = open_context()
    page = context.new_page()
    open_page(page, local_site)
    page.evaluate(
        """() => { const p = document.createElement("p");
        p.textContent = "Low contrast"; p.style.color = "#bbb"; p.style.background = "#fff";
        document.querySelector("article").append(p); }"""
    )
    ids = {v["id"] for v in _axe_violations(page) if v["impact"] in FAILING_IMPACTS}
    assert "color-contrast" in ids
