"""Debian's Chromium driven by Playwright, with a guard on every request a page makes.

The test set-up installs Chromium (`make setup`); Playwright's own browser download does
not work offline, so the launch names the system executable. A guarded context lets
requests to the served site through and aborts, and records, any other: the site must
make no request outside its own origin. It also records console errors, uncaught page
errors, failed requests and error responses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

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
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"{page.url}: {e}"))
        # net::ERR_ABORTED is the browser cancelling a request because the test moved on
        # (a search index still loading when the next page is opened). Not a site fault:
        # an error status is caught as a response, an outside request by the route.
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and self.failed.append(
            f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.url} (HTTP {r.status})"))


# A page has settled when its fonts have loaded and every visible Mermaid diagram is
# drawn (KaTeX typesets synchronously on load; a diagram in a hidden tab is drawn when
# the tab opens). Faster than waiting for the network to idle, which costs 0.5 s a page.
_SETTLED = """() => document.fonts.status === "loaded"
    && [...document.querySelectorAll("pre.diagram")]
        .every(diagram => diagram.offsetParent === null || diagram.querySelector("svg"))"""


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
