"""The built site makes no request outside its own origin: no CDN, no web fonts."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

# Attributes through which a page makes the browser fetch something.
FETCHING_ATTRIBUTES = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "image": ["href", "xlink:href"],
    "use": ["href", "xlink:href"],
}
# <link> relations that load a resource (canonical, alternate... only name a URL).
FETCHING_LINK_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "preconnect",
    "dns-prefetch",
}
CSS_URL = re.compile(
    r"""url\(\s*['"]?(?P<url>[^'")]+)['"]?\s*\)"""  # url(...), quoted or not
    r"""|@import\s+['"](?P<import>[^'"]+)['"]"""  # @import "..."
)
# Runtime loaders in JavaScript: a literal absolute URL handed to one of these.
JS_LOADS = re.compile(
    r"""(?:\bimport\s*\(|\bimportScripts\s*\(|\bfetch\s*\(|\.src\s*=|\bnew\s+Worker\s*\()\s*['"`](?P<url>(?:https?:)?//[^'"`]+)"""
)


def _is_external(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or urlparse(url).scheme in {"http", "https", "ftp", "ws", "wss"}


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def external_sources_in_html(html: str | BeautifulSoup) -> list[str]:
    """Return every absolute URL an HTML document (text or parsed) makes the browser fetch."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    found = []
    for tag, attributes in FETCHING_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if not value:
                    continue
                urls = _srcset_urls(value) if attribute == "srcset" else [value]
                found += [f"<{tag} {attribute}={url}>" for url in urls if _is_external(url)]
    for element in soup.find_all("link"):
        rels = set(element.get("rel", []))
        if rels & FETCHING_LINK_RELS and _is_external(element.get("href", "")):
            found.append(f"<link rel={' '.join(rels)} href={element['href']}>")
    for element in soup.find_all(style=True):
        found += [f"style url({u})" for u in external_sources_in_css(element["style"])]
    for element in soup.find_all("style"):
        found += [f"<style> url({u})" for u in external_sources_in_css(element.get_text())]
    return found


def external_sources_in_css(css: str) -> list[str]:
    """Return every absolute URL a stylesheet loads (url() and @import)."""
    urls = [m.group("url") or m.group("import") for m in CSS_URL.finditer(css)]
    return [url for url in urls if _is_external(url)]


def external_loads_in_js(js: str) -> list[str]:
    """Return absolute URLs that a script hands literally to a loader."""
    return [m.group("url") for m in JS_LOADS.finditer(js)]


def _files(site_dir: Path, suffix: str) -> list[Path]:
    return sorted(site_dir.rglob(f"*{suffix}"))


def _offenders(site_dir: Path, files: list[Path], detector) -> dict[str, list[str]]:
    """Map each file to the external sources `detector` finds in it, if any."""
    return {
        str(path.relative_to(site_dir)): found
        for path in files
        if (found := detector(path.read_text(encoding="utf-8", errors="replace")))
    }


@pytest.fixture(scope="module")
def parsed_pages(site_build) -> dict[str, BeautifulSoup]:
    """Every built HTML page, parsed once for the tests of this module."""
    return {
        str(path.relative_to(site_build.site_dir)): BeautifulSoup(
            path.read_text(encoding="utf-8", errors="replace"), "html.parser"
        )
        for path in _files(site_build.site_dir, ".html")
    }


def test_no_page_loads_anything_from_another_origin(parsed_pages):
    assert len(parsed_pages) >= 5
    offenders = {
        name: found
        for name, soup in parsed_pages.items()
        if (found := external_sources_in_html(soup))
    }
    assert not offenders, offenders


def test_no_stylesheet_loads_fonts_or_images_from_another_origin(site_build):
    sheets = _files(site_build.site_dir, ".css")
    assert any("katex" in sheet.name for sheet in sheets)
    offenders = _offenders(site_build.site_dir, sheets, external_sources_in_css)
    assert not offenders, offenders


def test_no_script_of_ours_or_vendored_loads_from_another_origin(site_build):
    scripts = [
        script
        for script in _files(site_build.site_dir, ".js") + _files(site_build.site_dir, ".mjs")
        if "/material/" not in script.as_posix()
    ]
    assert any("mermaid" in script.name for script in scripts)
    offenders = _offenders(site_build.site_dir, scripts, external_loads_in_js)
    assert not offenders, offenders


def test_material_never_reaches_its_cdn_fallbacks(parsed_pages):
    """Material fetches Mermaid from a CDN for `.mermaid` blocks and repo facts from GitHub.

    Neither code path can run here: diagrams use the class `diagram` and are drawn by the
    site's own Mermaid, and no repository URL is configured.
    """
    for page, soup in parsed_pages.items():
        assert not soup.select(".mermaid"), f"{page}: Material would load Mermaid from a CDN"
        assert not soup.select("[data-md-component=source]"), f"{page}: repository facts"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ('<script src="https://cdn.example/x.js"></script>', 1),
        ('<link rel="stylesheet" href="//fonts.example/css">', 1),
        ('<link rel="canonical" href="https://example.org/">', 0),
        ('<img srcset="a.png 1x, https://img.example/b.png 2x">', 1),
        ('<div style="background: url(https://x.example/y.png)"></div>', 1),
        ('<script src="assets/local.js"></script>', 0),
    ],
)
def test_the_detector_finds_external_sources(snippet, expected):
    assert len(external_sources_in_html(snippet)) == expected


def test_the_detector_finds_runtime_loads_in_scripts():
    assert external_loads_in_js('import("https://cdn.example/m.mjs")') == [
        "https://cdn.example/m.mjs"
    ]
    assert external_loads_in_js("s.src = 'https://cdn.example/a.js'") == [
        "https://cdn.example/a.js"
    ]
    assert external_loads_in_js('const ns = "http://www.w3.org/2000/svg"') == []
