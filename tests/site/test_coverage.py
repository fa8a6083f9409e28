"""The coverage check: every piece of code the built site shows ran in this pass.

Runs after every example (marker `after_examples`), at the end of the `fences` group,
so in the worker that ran the plain fences, and reads what the build and the fence runner
recorded. The rules themselves are in
`dlguide_docs.coverage` and are tested on broken pages in tests/pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dlguide_docs.coverage import (
    fence_problems,
    lines_of,
    pages_running_scripts,
    shown_code_problems,
    snippet_problems,
)
from dlguide_docs.passdir import ROOT, page_ticket
from dlguide_docs.pytest_plugin import EXECUTED_FENCES, pass_run

pytestmark = [pytest.mark.build, pytest.mark.after_examples]

DOCS = ROOT / "docs"
SOURCES = {p.relative_to(ROOT).as_posix(): p for p in sorted(DOCS.rglob("*.md"))}
SOURCES["README.md"] = ROOT / "README.md"
SNIPPETS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "snippets").rglob("*.py"))


def _built_sources(site_build, name: str) -> list[str]:
    page = name.removeprefix("docs/")
    return [block["source"] for block in site_build.record["pages"].get(page, {}).get("blocks", [])]


def _executed(site_build, name: str) -> set[str]:
    """Code lines run in this pass for one source: by the build and by the fence runner."""
    return lines_of(_built_sources(site_build, name) + EXECUTED_FENCES.get(SOURCES[name], []))


def test_every_example_ran_exactly_once_in_this_pass(site_build, request):
    """Each block ran once in this run: by a worker's page execution, which the build
    replayed, or (for a page no worker executed) by the build itself; never both."""
    run = pass_run(request.config)
    blocks = [b for page in site_build.record["pages"].values() for b in page["blocks"]]
    assert blocks, "the build executed no example at all"
    for block in blocks:
        where = f"{block['page']} block {block['index'] + 1}"
        assert block["ok"], f"{where} failed"
        assert block["run"] == run, f"{where} was executed by another run ({block['run']})"
        assert block["seconds"] > 0, f"{where} reports no execution time"
        executed_by_worker = page_ticket(run, block["page"]).is_file()
        assert block["cached"] == executed_by_worker, (
            f"{where} was executed by a worker and again by the build"
            if executed_by_worker
            else f"{where} was replayed, but no worker of this run executed it"
        )


@pytest.mark.parametrize("name", SOURCES)
def test_every_fence_ran_or_says_why_not(site_build, name):
    text = SOURCES[name].read_text(encoding="utf-8")
    built = len(_built_sources(site_build, name))
    assert fence_problems(name, text, built, _executed(site_build, name), ROOT) == []


def test_every_python_block_on_the_site_was_executed(site_build):
    docstrings = lines_of(
        source
        for path, sources in EXECUTED_FENCES.items()
        if path.suffix == ".py"
        for source in sources
    )
    problems, pages = [], 0
    for html_file in sorted(site_build.site_dir.rglob("*.html")):
        name = _source_name(html_file, site_build.site_dir)
        executed = _executed(site_build, name) if name else set()
        if name and name.startswith("docs/reference/"):
            executed |= docstrings
        where = str(html_file.relative_to(ROOT))
        problems += shown_code_problems(where, html_file.read_text(), executed)
        pages += 1
    assert pages >= 5
    assert problems == []


def _source_name(html_file: Path, site_dir: Path) -> str | None:
    relative = html_file.relative_to(site_dir).parent.as_posix()
    for candidate in (f"docs/{relative}/index.md", f"docs/{relative}.md"):
        if candidate.replace("/./", "/") in SOURCES:
            return candidate.replace("/./", "/")
    return None


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_every_snippet_is_shown_and_executed_in_full(site_build, page_facts, snippet):
    texts = {name: path.read_text(encoding="utf-8") for name, path in SOURCES.items()}
    executed = {name: _executed(site_build, name) for name in SOURCES}
    # Scripts that pages ran in processes of their own, as those pages' claim tests saw them.
    scripts_run = {}
    for name in pages_running_scripts(texts):
        scripts_run |= page_facts(name.removeprefix("docs/")).get("scripts", {})
    assert snippet_problems(snippet, texts, executed, ROOT, scripts_run) == []


def test_example_pages_are_stamped_with_versions_and_time(site_build):
    environment = site_build.record["environment"]
    for page, entry in site_build.record["pages"].items():
        directory = page.removesuffix(".md").removesuffix("index")
        html = (site_build.site_dir / directory / "index.html").read_text(encoding="utf-8")
        stamp = BeautifulSoup(html, "html.parser").select_one("p.dlguide-verified")
        assert stamp is not None, f"{page} runs examples but shows no verification stamp"
        text = stamp.get_text()
        assert f"TensorFlow {environment['tensorflow']}" in text
        assert f"Keras {environment['keras']}" in text
        total = sum(block["seconds"] for block in entry["blocks"])
        assert float(stamp["data-seconds"]) == pytest.approx(total, abs=0.01)
        assert int(stamp["data-examples"]) == len(entry["blocks"])
