"""Debian's Chromium driven by Playwright, with a guard on every request a page makes.

The test set-up installs Chromium (`make setup`); Playwright's own browser download does
not work offline, so the launch names the system executable. A guarded context lets
requests to the served site through and aborts, and records, any other: the site must
make no request outside its own origin. It also records console errors, uncaught page
errors, failed requests and error responses.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

CHROMIUM = Path(os.environ.get("DLGUIDE_CHROMIUM", "/usr/bin/chromium"))
# As root Chromium needs --no-sandbox; the rest keep it from calling Google's services,
# which this machine's closed network refuses (and which no test should depend on).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_options() -> dict:
    """Keyword arguments for `playwright.chromium.launch`."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: `make setup` installs Debian's chromium package"
        )
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@dataclass
class Guard:
    """What went wrong while pages of one browser context loaded."""

    origin: str
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        """Whether `url` is on the served site's origin (data: and blob: URLs are local)."""
        parsed = urlparse(url)
        local = parsed.scheme in {"data", "blob"}
        return local or f"{parsed.scheme}://{parsed.netloc}" == self.origin

    def problems(self) -> list[str]:
        """Every recorded problem, one line each."""
        return (
            [f"request outside the site (aborted): {url}" for url in self.external]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"failed request: {text}" for text in self.failed]
        )

    def assert_clean(self, expected: str = "") -> None:
        """Fail with every recorded problem, except those mentioning `expected` (if given)."""
        problems = [p for p in self.problems() if not expected or expected not in p]
        assert not problems, "\n".join(problems)

    def watch(self, page) -> None:
        """Record the console errors, page errors and failed requests of `page`."""
        page.on(
            "console",
            lambda m: m.type == "error" and self.console_errors.append(f"{page.url}: {m.text}"),
        )
        page.on("pageerror", lambda e: self.console_errors.append(f"{page.url}: {e}"))
        # net::ERR_ABORTED is the browser cancelling a request because the test moved on
        # (a search index still loading when the next page is opened). Not a site fault:
        # an error status is caught as a response, an outside request by the route.
        page.on(
            "requestfailed",
            lambda r: (
                r.failure != "net::ERR_ABORTED" and self.failed.append(f"{r.url} ({r.failure})")
            ),
        )
        page.on(
            "response",
            lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"),
        )


# A page has settled when its fonts have loaded and every visible Mermaid diagram is
# drawn: diagrams.js marks it `data-drawn` once Mermaid has swapped in its final SVG (it
# draws into a temporary element first). KaTeX typesets synchronously on load; a diagram
# in a hidden tab is drawn when the tab opens. Faster than waiting for the network to
# idle, which costs 0.5 s a page.
_SETTLED = """() => document.fonts.status === "loaded"
    && [...document.querySelectorAll("pre.diagram")]
        .every(diagram => diagram.offsetParent === null || diagram.dataset.drawn === "true")"""


def open_page(page, url: str, wait: bool = True):
    """Load `url` in `page`, wait until it has settled, and return the response."""
    response = page.goto(url, wait_until="load")
    if wait:
        settle(page)
    return response


def settle(page) -> None:
    """Wait until `page` has drawn its fonts and visible diagrams."""
    page.wait_for_function(_SETTLED)


def origin_of(url: str) -> str:
    """`scheme://host:port` of `url`."""
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}"


# Served compressed by a static host such as GitHub Pages; the rest (PNG, WOFF2) already is.
_COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def wire_size(url: str, site_dir: Path, site_url: str) -> int:
    """Bytes the body of `url`, a file of the local site, takes from a host that gzips text.

    Read from the file on disk rather than from the browser (a body fetched by Material's
    search worker is not always available to Playwright); a text type is measured gzipped
    at level 6, the common default.

    Raises:
        ValueError: If `url` is not under `site_url`, or names no file of `site_dir`.
    """
    if not url.startswith(site_url):
        raise ValueError(f"url must be under {site_url}, got {url}")
    relative = urlparse(url).path.removeprefix(urlparse(site_url).path)
    path = site_dir / unquote(relative)
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        raise ValueError(f"url must name a file of {site_dir}, got {url}")
    body = path.read_bytes()
    kind = mimetypes.guess_type(path.name)[0] or ""
    if kind.startswith(_COMPRESSED_TYPES):
        body = gzip.compress(body, compresslevel=6)
    return len(body)


def new_guarded_context(browser, local_site: str, **options):
    """A browser context that aborts, and records, any request outside the local site."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    guard = Guard(origin_of(local_site))

    def route(route) -> None:
        if guard.allows(route.request.url):
            route.continue_()
        else:
            guard.external.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.set_default_timeout(10_000)
    return context, guard
