"""Fixtures of the browser tests: the built site served locally, and a guarded Chromium."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from browser import launch_options, new_guarded_context
from served import serve

from dlguide_docs.sitebuild import SiteBuild


@pytest.fixture(scope="session")
def site_url(site_build: SiteBuild) -> str:
    """The address the pass built the site for: 127.0.0.1, under the published path."""
    return site_build.site_url


@pytest.fixture(scope="session")
def local_site(site_build: SiteBuild) -> Iterator[str]:
    """The built site served at the address it was built for; yields that address."""
    with serve(site_build.site_dir, site_build.site_url) as address:
        assert address == site_build.site_url, (address, site_build.site_url)
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's Chromium, headless, for one test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_options())
        yield chromium
        chromium.close()


@pytest.fixture
def open_context(browser, local_site: str) -> Iterator[Callable[..., tuple]]:
    """Make browser contexts that abort and record any request outside the local site."""
    made = []

    def make(**options) -> tuple:
        context, guard = new_guarded_context(browser, local_site, **options)
        made.append(context)
        return context, guard

    yield make
    for context in made:
        context.close()


@pytest.fixture
def guarded_page(open_context) -> Callable[..., tuple]:
    """Make a page in a new guarded context; returns the page and its guard."""

    def make(**options) -> tuple:
        context, guard = open_context(**options)
        page = context.new_page()
        guard.watch(page)
        return page, guard

    return make
