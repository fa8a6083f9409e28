"""The executed-output cache is invalidated by any change to what a page's output depends on.

Builds a tiny site with the same plugin, then changes, one at a time, the page, a snippet
it includes and a library module its code imports, and checks the next build re-executes
and shows the new output, while an unchanged rebuild is served from the cache.
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

from dlguide_docs import plugin
from dlguide_docs.pages import PageRunner
from dlguide_docs.passdir import ROOT

PAGE = """\
# Tiny

```python exec="on" session="tiny" result="text"
--8<-- "snippets/tiny.py:show"
```
"""


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "glossary").mkdir(parents=True)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "docs" / "index.md").write_text(PAGE)
    (tmp_path / "docs" / "glossary" / "index.md").write_text(
        "# Glossary\n\n<!-- glossary:index -->\n"
    )
    (tmp_path / "docs" / "glossary" / "terms.md").write_text(
        "# Terms\n\n## Tiny {#tiny}\n\nTiny is a test term. It has two sentences.\n"
    )
    (tmp_path / "lib" / "tinylib.py").write_text("VALUE = 'first value'\n")
    (tmp_path / "snippets" / "tiny.py").write_text(
        textwrap.dedent(f"""\
        # --8<-- [start:show]
        import runpy
        library = runpy.run_path({str(tmp_path / "lib" / "tinylib.py")!r})
        print("library says", library["VALUE"])
        # --8<-- [end:show]
        """)
    )
    (tmp_path / "mkdocs.yml").write_text(
        textwrap.dedent(f"""\
        site_name: Tiny
        theme: mkdocs
        nav: [index.md, glossary/index.md, glossary/terms.md]
        markdown_extensions:
          - abbr
          - pymdownx.snippets:
              base_path: [{str(tmp_path)!r}]
              check_paths: true
          - pymdownx.superfences
        plugins:
          - markdown-exec
          - dlguide-exec:
              cache: true
              dependencies: ["lib/**/*.py"]
              node_modules: {str(ROOT / "node_modules")!r}
        """)
    )
    return tmp_path


def _build(site: Path) -> tuple[str, bool]:
    """Build the tiny site; return the page's executed output and whether it was cached."""
    config = load_config(str(site / "mkdocs.yml"), strict=True)
    build(config)
    blocks = plugin.LAST_BUILD.pages["index.md"].blocks
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    output = BeautifulSoup(html, "html.parser").select("code")[-1].get_text().strip()
    return output, blocks[0].cached


def test_unchanged_page_is_served_from_the_cache(tiny_site):
    assert _build(tiny_site) == ("library says first value", False)
    assert _build(tiny_site) == ("library says first value", True)


def test_library_change_invalidates_the_page(tiny_site):
    _build(tiny_site)
    (tiny_site / "lib" / "tinylib.py").write_text("VALUE = 'second value'\n")
    assert _build(tiny_site) == ("library says second value", False)


def test_snippet_change_invalidates_the_page(tiny_site):
    _build(tiny_site)
    snippet = tiny_site / "snippets" / "tiny.py"
    snippet.write_text(snippet.read_text().replace('"library says"', '"the library says"'))
    assert _build(tiny_site) == ("the library says first value", False)


def test_a_script_shown_only_in_a_notest_fence_is_part_of_the_key(tiny_site):
    # A worker script runs in processes the page starts, not in the build; editing it
    # must still re-execute the page that starts them.
    script = tiny_site / "snippets" / "worker.py"
    script.write_text("print('a worker')\n")
    shown = (
        '```python { .python .notest data-reason="runs in processes of its own" }\n'
        '--8<-- "snippets/worker.py"\n```\n'
    )
    (tiny_site / "docs" / "index.md").write_text(PAGE.replace("# Tiny\n", f"# Tiny\n\n{shown}"))
    assert _build(tiny_site) == ("library says first value", False)
    assert _build(tiny_site) == ("library says first value", True)
    script.write_text("print('another worker')\n")
    assert _build(tiny_site) == ("library says first value", False)


def test_page_change_invalidates_the_page(tiny_site):
    _build(tiny_site)
    page = tiny_site / "docs" / "index.md"
    page.write_text(PAGE.replace('session="tiny"', 'session="tiny2"'))
    assert _build(tiny_site) == ("library says first value", False)


def test_pipeline_change_invalidates_the_page(tiny_site, monkeypatch):
    _build(tiny_site)
    # The plugin's own sources are a dependency: simulate an edit to one of them.
    from dlguide_docs import execution

    original = execution.digest_files
    monkeypatch.setattr(
        execution, "digest_files", lambda paths: original(paths) + "-pipeline-edited"
    )
    assert _build(tiny_site) == ("library says first value", False)


def test_tooltip_change_invalidates_the_page(tiny_site):
    # The page's output is rendered with the glossary's tooltips applied.
    _build(tiny_site)
    glossary = tiny_site / "docs" / "glossary" / "terms.md"
    glossary.write_text(glossary.read_text().replace("a test term", "a renamed test term"))
    assert _build(tiny_site) == ("library says first value", False)


def test_glossary_edit_beyond_the_tooltips_is_served_from_the_cache(tiny_site):
    # Only the tooltips (first sentences) reach other pages' output.
    _build(tiny_site)
    glossary = tiny_site / "docs" / "glossary" / "terms.md"
    glossary.write_text(glossary.read_text().replace("two sentences", "a second sentence"))
    assert _build(tiny_site) == ("library says first value", True)
    html = (tiny_site / "site" / "glossary" / "terms" / "index.html").read_text()
    assert "a second sentence" in html


def test_configuration_change_invalidates_the_page(tiny_site):
    # The configuration's Markdown extensions render the page's output.
    _build(tiny_site)
    config = tiny_site / "mkdocs.yml"
    config.write_text(config.read_text() + "copyright: changed\n")
    assert _build(tiny_site) == ("library says first value", False)


def test_tooltips_are_generated_from_the_glossary(tiny_site):
    _build(tiny_site)
    generated = (tiny_site / ".cache" / "generated" / "abbreviations.md").read_text()
    assert generated == "*[Tiny]: Tiny is a test term.\n"
    html = (tiny_site / "site" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Tiny is a test term.">Tiny</abbr>' in html


def test_glossary_index_lists_every_entry(tiny_site):
    _build(tiny_site)
    html = (tiny_site / "site" / "glossary" / "index.html").read_text(encoding="utf-8")
    links = BeautifulSoup(html, "html.parser").select('a[href$="terms/#tiny"]')
    assert len(links) == 2  # once under its topic, once in the A-Z list
    assert "glossary:index" not in html


def test_a_failing_example_fails_the_strict_build_and_is_not_cached(tiny_site):
    from mkdocs.exceptions import Abort

    snippet = tiny_site / "snippets" / "tiny.py"
    snippet.write_text(snippet.read_text().replace('print("library says"', "print(1 / 0, "))
    with pytest.raises(Abort, match="strict mode"):
        build(load_config(str(tiny_site / "mkdocs.yml"), strict=True))
    (block,) = plugin.LAST_BUILD.pages["index.md"].blocks
    assert not block.ok
    assert not list((tiny_site / ".cache" / "executed").glob("*.json"))


SUMMARY = """\
# Summary

The tiny page's examples took
<span class="dlguide-seconds" data-page="index.md"></span>; the slowest,
<span class="dlguide-seconds" data-page="index.md" data-measure="largest"></span>.

[Back to the tiny page](index.md)
"""


def test_example_times_quoted_on_another_page_are_this_build_s(tiny_site):
    (tiny_site / "docs" / "summary.md").write_text(SUMMARY)
    _build(tiny_site)
    seconds = plugin.LAST_BUILD.pages["index.md"].blocks[0].seconds
    html = (tiny_site / "site" / "summary" / "index.html").read_text(encoding="utf-8")
    quoted = BeautifulSoup(html, "html.parser").select("span.dlguide-seconds")
    assert [span["data-measure"] for span in quoted] == ["total", "largest"]
    for span in quoted:
        assert span["data-seconds"] == f"{seconds:.2f}"
        assert span.get_text() == f"{seconds:.1f}\xa0s"


def test_quoting_a_page_that_ran_nothing_fails_the_build(tiny_site, caplog):
    from mkdocs.exceptions import Abort

    (tiny_site / "docs" / "summary.md").write_text(
        '# Summary\n\n<span class="dlguide-seconds" data-page="missing.md"></span>\n'
    )
    with pytest.raises(Abort, match="BuildError"):
        build(load_config(str(tiny_site / "mkdocs.yml"), strict=True))
    assert "example time quoted for missing.md, which ran no examples" in caplog.text
    assert not (tiny_site / "site" / "summary" / "index.html").exists()


def test_a_partial_build_runs_only_the_selected_pages(tiny_site, monkeypatch):
    (tiny_site / "docs" / "summary.md").write_text(SUMMARY)
    monkeypatch.setenv(plugin.PAGES_VARIABLE, "summary.md")
    # The summary links to a page left out of the build: not an error in a partial build.
    build(load_config(str(tiny_site / "mkdocs.yml"), strict=True))
    assert "index.md" not in plugin.LAST_BUILD.pages
    partial = tiny_site / "build" / "partial" / "summary-md"
    assert list(json.loads((partial / "execution-record.json").read_text())["pages"]) == []
    html = (partial / "site" / "summary" / "index.html").read_text(encoding="utf-8")
    assert html.count('<span class="dlguide-seconds">not built</span>') == 2
    assert not (partial / "site" / "index.html").exists()
    assert not (tiny_site / "site").exists()


def test_a_prose_edit_is_served_from_the_cache(tiny_site):
    _build(tiny_site)
    page = tiny_site / "docs" / "index.md"
    page.write_text(PAGE.replace("# Tiny\n", "# Tiny\n\nA new sentence of prose.\n"))
    assert _build(tiny_site) == ("library says first value", True)
    html = (tiny_site / "site" / "index.html").read_text(encoding="utf-8")
    assert "A new sentence of prose." in html


def test_a_fence_option_edit_invalidates_the_page(tiny_site):
    _build(tiny_site)
    page = tiny_site / "docs" / "index.md"
    page.write_text(PAGE.replace('result="text"', 'result="python"'))
    assert _build(tiny_site)[1] is False


OTHER = """\
# Other

```python exec="on" session="other" result="text"
print("the other page")
```
"""


def test_a_snippet_edit_re_executes_only_the_pages_that_include_it(tiny_site):
    (tiny_site / "docs" / "other.md").write_text(OTHER)
    _build(tiny_site)
    snippet = tiny_site / "snippets" / "tiny.py"
    snippet.write_text(snippet.read_text() + "# an edit\n")
    _build(tiny_site)
    executed = {
        page for page, run in plugin.LAST_BUILD.pages.items()
        if run.blocks and not any(block.cached for block in run.blocks)
    }  # fmt: skip
    assert executed == {"index.md"}
    assert plugin.LAST_BUILD.pages["other.md"].blocks[0].cached


def test_a_page_executed_by_a_runner_is_replayed_by_the_build(tiny_site, monkeypatch):
    monkeypatch.setenv(plugin.RUN_VARIABLE, "one-run")
    runner = PageRunner(tiny_site / "mkdocs.yml")
    (executed,) = runner.run("index.md").blocks
    assert runner.run("index.md").blocks == [executed]  # once per runner
    assert (executed.cached, executed.run) == (False, "one-run")
    build(load_config(str(tiny_site / "mkdocs.yml"), strict=True))
    (replayed,) = plugin.LAST_BUILD.pages["index.md"].blocks
    assert replayed.cached and replayed.run == "one-run"
    assert replayed.seconds == executed.seconds
    stamp = (tiny_site / "site" / "index.html").read_text(encoding="utf-8")
    assert "when this page was built on" in stamp  # the same run executed and built it


def test_the_stamp_says_when_examples_replayed_from_an_older_run_ran(tiny_site, monkeypatch):
    monkeypatch.setenv(plugin.RUN_VARIABLE, "older-run")
    _build(tiny_site)
    monkeypatch.setenv(plugin.RUN_VARIABLE, "newer-run")
    assert _build(tiny_site)[1] is True
    html = (tiny_site / "site" / "index.html").read_text(encoding="utf-8")
    assert "when they were last executed, on" in html


def test_a_page_runner_rejects_a_missing_configuration_and_a_missing_page(tiny_site):
    with pytest.raises(ValueError, match="config_file"):
        PageRunner(tiny_site / "no.yml")
    with pytest.raises(ValueError, match="src"):
        PageRunner(tiny_site / "mkdocs.yml").run("missing.md")


def test_a_dirty_rebuild_renders_the_edited_page_with_the_earlier_record(tiny_site):
    """`make serve` runs dirty: only edited pages are rendered, quoting the others' times."""
    (tiny_site / "docs" / "summary.md").write_text(SUMMARY)
    _build(tiny_site)
    seconds = plugin.LAST_BUILD.pages["index.md"].blocks[0].seconds
    os.utime(tiny_site / "docs" / "summary.md", (time.time() + 5, time.time() + 5))
    config = load_config(str(tiny_site / "mkdocs.yml"))  # MkDocs warns of any dirty build
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    assert "index.md" not in plugin.LAST_BUILD.pages  # not rendered again
    html = (tiny_site / "site" / "summary" / "index.html").read_text(encoding="utf-8")
    quoted = BeautifulSoup(html, "html.parser").select("span.dlguide-seconds")
    assert [span["data-seconds"] for span in quoted] == [f"{seconds:.2f}"] * 2
    record = json.loads((tiny_site / "build" / "execution-record.json").read_text())
    assert record["pages"]["index.md"]["blocks"][0]["seconds"] == seconds  # kept
