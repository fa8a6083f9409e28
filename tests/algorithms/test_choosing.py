"""Claims of docs/algorithms/choosing.md: its table is the survey's own numbers.

The page rebuilds each algorithm's model with its page's settings and counts the
parameters; these tests compare every count with the model that page actually trained in
this build, and every quoted time with the build's execution record.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build
PAGE = "algorithms/choosing.md"
SESSION = "choosing"

SURVEY = [
    *("ann", "cnn", "capsule", "rnn", "lstm", "gru", "transformer"),
    *("autoencoder", "gan", "rbm", "dbn", "som", "dqn"),
]


def _trained(site_build, page: str, session: str, name: str):
    return site_build.namespace(f"algorithms/{page}.md", session)[name]


def _count(model) -> int:
    return int(model.count_params())


def _trained_counts(site_build) -> dict[str, int]:
    get = lambda page, name: _trained(site_build, page, page, name)  # noqa: E731
    gan = get("gan", "model")
    colour_map = get("som", "colour_map")
    return {
        "ann": _count(get("ann", "mlp")),
        "cnn": _count(get("cnn", "small_cnn")),
        "capsule": _count(get("capsule", "capsnet")),
        "rnn": _count(get("rnn", "model")),
        "lstm": _count(get("lstm", "model")),
        "gru": _count(get("gru", "model")),
        "transformer": _count(next(iter(get("transformer", "models").values()))),
        "autoencoder": _count(get("autoencoder", "model")),
        "gan": _count(gan.generator) + _count(gan.discriminator),
        "rbm": _count(get("rbm", "rbms")[0]),
        "dbn": _count(get("dbn", "dbn")),
        "som": int(colour_map.prototypes.size),
        "dqn": _count(get("dqn", "network")),
    }


def test_the_table_covers_all_thirteen_algorithm_pages(page):
    assert list(page["parameters"]) == SURVEY
    assert len(page["rows"]) == 13


def test_each_count_is_the_count_of_the_model_its_page_trained(page, site_build):
    trained = _trained_counts(site_build)
    for name, count in trained.items():
        assert page["parameters"][name] == count, name
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
