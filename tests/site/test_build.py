"""The strict build itself: no warnings, nothing fetched, the API reference complete."""

from __future__ import annotations

import pkgutil

import pytest
import yaml
from bs4 import BeautifulSoup

import dlguide
from dlguide_docs.passdir import ROOT

pytestmark = pytest.mark.build


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving its !ENV and !!python tags."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def test_strict_build_logs_no_warning(site_build):
    assert site_build.warnings == []


def test_link_validation_is_on():
    assert CONFIG["validation"] == {
        "omitted_files": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
        "anchors": "warn",
    }


def test_nothing_is_fetched_at_build_time():
    mkdocstrings = next(
        p["mkdocstrings"] for p in CONFIG["plugins"] if isinstance(p, dict) and "mkdocstrings" in p
    )
    assert "inventories" not in mkdocstrings["handlers"]["python"]
    assert CONFIG["theme"]["font"] is False


def _public_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(dlguide.__path__, prefix="dlguide.")
        if not any(part.startswith("_") for part in info.name.split(".")) and not info.ispkg
    )


def test_every_public_module_has_a_reference_page():
    reference = "\n".join(p.read_text() for p in (ROOT / "docs" / "reference").glob("*.md"))
    missing = [name for name in _public_modules() if f"::: {name}" not in reference]
    assert not missing, f"modules without an API reference page: {missing}"


def test_reference_pages_render_documented_functions(site_build):
    html = (site_build.site_dir / "reference" / "seeding" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one('[id="dlguide.seeding.set_seed"]') is not None
