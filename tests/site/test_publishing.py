"""The site is publishable: a static folder that works at any address, and a workflow that
tests, builds and deploys it to GitHub Pages with the same pinned set-up as `make test`."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
import yaml

from dlguide_docs.passdir import ROOT
from dlguide_docs.sitebuild import SiteBuild

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
# src="/..." or href="/..." (but not "//host", a protocol-relative external address).
ROOT_RELATIVE = re.compile(r'\b(?:href|src)="/(?!/)[^"]*"')


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_the_workflow_tests_builds_and_deploys_with_the_pinned_setup():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert "main" in triggers["push"]["branches"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    commands = [step.get("run", "") for step in _steps(build)]
    uses = [step.get("uses", "").split("@")[0] for step in _steps(build)]
    # The same entry points as a developer's machine: no separate pip or npm install.
    assert any(command.startswith("make test") for command in commands), commands
    assert not any("pip install" in c or "npm install" in c for c in commands), commands
    assert commands.index(next(c for c in commands if c.startswith("make test"))) < commands.index(
        "make build"
    ), "the site is published only after the test pass"
    python = next(s for s in _steps(build) if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    build_step = next(step for step in _steps(build) if step.get("run") == "make build")
    assert build_step["env"]["DLGUIDE_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert "actions/configure-pages" in uses
    upload = next(s for s in _steps(build) if s.get("uses", "").startswith(
        "actions/upload-pages-artifact"))  # fmt: skip
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in _steps(deploy)] == ["actions/deploy-pages"]


def test_site_url_defaults_to_the_published_address_and_follows_the_workflow(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.delenv("DLGUIDE_SITE_URL", raising=False)
    assert load_config(str(ROOT / "mkdocs.yml")).site_url.startswith("https://")
    monkeypatch.setenv("DLGUIDE_SITE_URL", "https://example.org/guide/")
    assert load_config(str(ROOT / "mkdocs.yml")).site_url == "https://example.org/guide/"


@pytest.mark.site
def test_pages_link_relatively_so_the_folder_works_at_any_address(site_build: SiteBuild):
    absolute = {}
    pages = sorted(site_build.site_dir.rglob("*.html"))
    for page in pages:
        if page.name == "404.html" and page.parent == site_build.site_dir:
            continue  # served for any missing address, so its links must be absolute
        found = ROOT_RELATIVE.findall(page.read_text(encoding="utf-8"))
        if found:
            absolute[page.relative_to(site_build.site_dir).as_posix()] = found[:3]
    assert len(pages) > 40
    assert not absolute, absolute


@pytest.mark.site
def test_the_site_has_its_404_page_sitemap_and_icon(site_build: SiteBuild):
    site = site_build.site_dir
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in not_found
    # Absolute links under the published path, so they work from any missing address.
    assert f'href="{urlparse(site_build.site_url).path}tutorials/"' in not_found
    assert (site / "sitemap.xml").is_file() and (site / "sitemap.xml.gz").is_file()
    assert "<svg" in (site / "assets" / "logo.svg").read_text(encoding="utf-8")
