"""The choosing guide's table against the pages it summarises, read after every page ran.

The guide rebuilds each algorithm's model with its page's settings and counts the
parameters; each algorithm page's claim module exports the size of the model the page
actually trained (`facts`), which may have run in the other worker. The quoted times
are compared with the build's record and each page's stamp.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from algorithms.test_choosing import SURVEY

pytestmark = pytest.mark.build
# Not PAGE: a module naming PAGE is a claim module, run in its page's group, and these
# tests must run after every page, wherever each one ran.
GUIDE = "algorithms/choosing.md"


def test_each_count_is_the_count_of_the_model_its_page_trained(page_facts):
    listed = page_facts(GUIDE)["parameters"]
    trained = {name: page_facts(f"algorithms/{name}.md")["parameters"] for name in SURVEY}
    assert listed == trained
    assert trained["ann"] == 2_241 and trained["cnn"] == 21_386


def test_quoted_times_are_the_build_record_s(site_build):
    html = (site_build.site_dir / "algorithms" / "choosing" / "index.html").read_text()
    spans = BeautifulSoup(html, "html.parser").select("span.dlguide-seconds")
    assert len(spans) == 2 * len(SURVEY)
    pages = site_build.record["pages"]
    for span in spans:
        times = [block["seconds"] for block in pages[span["data-page"]]["blocks"]]
        expected = sum(times) if span["data-measure"] == "total" else max(times)
        assert span["data-seconds"] == f"{expected:.2f}"
    assert {span["data-page"] for span in spans} == {f"algorithms/{p}.md" for p in SURVEY}


def test_each_page_s_stamp_shows_the_same_total(site_build):
    for name in SURVEY:
        html = (site_build.site_dir / "algorithms" / name / "index.html").read_text()
        stamp = BeautifulSoup(html, "html.parser").select_one("p.dlguide-verified")
        blocks = site_build.record["pages"][f"algorithms/{name}.md"]["blocks"]
        times = [block["seconds"] for block in blocks]
        assert stamp["data-seconds"] == f"{sum(times):.2f}", name
