"""Every page that offers a notebook: its button, the file, the code in it, and a run of it.

The pages are found from their sources (front matter `notebook: true`). For each one the
built page must link to its notebook once, the file must be a valid notebook holding, in
order, exactly the code the build executed for the page, and the downloaded notebook must
run top to bottom in a fresh kernel and print what the built page shows.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup
from mkdocs.structure.files import File
from mkdocs.utils.meta import get_data
from nbclient import NotebookClient

from dlguide_docs.fences import find_fences
from dlguide_docs.passdir import ROOT

pytestmark = pytest.mark.site

DOCS = ROOT / "docs"
NOTEBOOK_PAGES = sorted(
    path.relative_to(DOCS).as_posix()
    for path in DOCS.rglob("*.md")
    if get_data(path.read_text(encoding="utf-8"))[1].get("notebook") is True
)
CAPTURE = "%%capture output\n"
DISPLAY = "from IPython.display import HTML\n\nHTML(output.stdout)"
# TensorFlow's import alone takes about 5 s here; a whole page about 10 s.
CELL_TIMEOUT = 120
RUN_TIMEOUT = 300


def _normalised(text: str) -> str:
    """Text with trailing whitespace removed from every line and from the end."""
    return "\n".join(line.rstrip() for line in text.rstrip().split("\n"))


def _built_page(site_build, page: str) -> tuple[Path, str]:
    """The built HTML file of a page and the page's URL, as MkDocs computes them."""
    file = File(page, str(DOCS), str(site_build.site_dir), use_directory_urls=True)
    html_file = Path(file.abs_dest_path)
    assert html_file.is_file(), f"{page} was not built (is it left out by DLGUIDE_PAGES?)"
    return html_file, file.url


def _download_links(site_build, page: str) -> list:
    html_file, _ = _built_page(site_build, page)
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    return soup.select("a.dlguide-notebook")


def _notebook_file(site_build, page: str) -> Path:
    _, url = _built_page(site_build, page)
    (link,) = _download_links(site_build, page)
    base = "http://site.invalid/"
    target = urlparse(urljoin(base + url, link["href"]))
    assert target.netloc == "site.invalid", f"{page}: the notebook link leaves the site"
    path = (site_build.site_dir / unquote(target.path.lstrip("/"))).resolve()
    assert path.is_relative_to(site_build.site_dir.resolve())
    return path


def _executed_blocks(site_build, page: str) -> list[dict]:
    blocks = site_build.record["pages"].get(page, {}).get("blocks", [])
    assert blocks, f"the build executed nothing on {page}"
    return blocks


def _block_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, str, bool]]:
    """Each executed block's cell: (cell index, block source, whether it displays HTML)."""
    code = [(i, cell.source) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    blocks, position = [], 0
    while position < len(code):
        index, source = code[position]
        if source.startswith(CAPTURE):
            assert position + 1 < len(code) and code[position + 1][1] == DISPLAY, (
                f"cell {index} captures HTML, but the next code cell does not display it"
            )
            blocks.append((index, source.removeprefix(CAPTURE), True))
            position += 2
        else:
            blocks.append((index, source, False))
            position += 1
    return blocks


def _shown_outputs(site_build, page: str, sources: list[str], text_blocks: list[int]) -> dict:
    """The text the built page shows under each `result="text"` block, by block index."""
    html_file, _ = _built_page(site_build, page)
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    shown_code = soup.select("article div.language-python.highlight")
    outputs, cursor = {}, 0
    for block in text_blocks:
        wanted = _normalised(sources[block])
        while cursor < len(shown_code) and _normalised(shown_code[cursor].get_text()) != wanted:
            cursor += 1
        assert cursor < len(shown_code), f"{page}: block {block + 1}'s code is not on the page"
        output = shown_code[cursor].find_next_sibling()
        assert output is not None and "language-text" in output.get("class", []), (
            f"{page}: no text output follows block {block + 1}"
        )
        outputs[block] = output.get_text()
        cursor += 1
    return outputs


@pytest.fixture(scope="session")
def executed(site_build, request, tmp_path_factory):
    """Run a page's built notebook in a fresh kernel, once per page; return it and its time."""
    runs: dict[str, tuple[nbformat.NotebookNode, float]] = {}

    def run(page: str) -> tuple[nbformat.NotebookNode, float]:
        if page not in runs:
            notebook = nbformat.read(_notebook_file(site_build, page), as_version=4)
            client = NotebookClient(
                notebook,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}},
            )
            start = time.perf_counter()
            asyncio.run(asyncio.wait_for(client.async_execute(), RUN_TIMEOUT))
            runs[page] = notebook, time.perf_counter() - start
            # Shown in the pass's output: the run time is worth watching.
            capture = request.config.pluginmanager.get_plugin("capturemanager")
            with capture.global_and_fixture_disabled():
                print(f"\n{page}: the notebook ran in {runs[page][1]:.1f} s")
        return runs[page]

    return run


def test_some_page_offers_a_notebook():
    assert NOTEBOOK_PAGES, "no page under docs/ says `notebook: true` in its front matter"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_page_has_one_download_link_after_its_stamp(site_build, page):
    links = _download_links(site_build, page)
    assert len(links) == 1, f"{page} has {len(links)} notebook links"
    (link,) = links
    assert link.has_attr("download")
    assert link["href"].endswith(".ipynb")
    # Right after the verification stamp that follows the page's title.
    stamp = link.find_parent("p").find_previous_sibling()
    assert stamp is not None and "dlguide-verified" in stamp.get("class", [])
    assert stamp.find_previous_sibling().name == "h1"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_link_resolves_to_a_valid_notebook(site_build, page):
    path = _notebook_file(site_build, page)
    assert path.is_file(), f"{page}: {path} is not in the built site"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_code_cells_are_what_the_build_executed(site_build, page):
    notebook = nbformat.read(_notebook_file(site_build, page), as_version=4)
    blocks = _executed_blocks(site_build, page)
    cells = _block_cells(notebook)
    assert [source for _, source, _ in cells] == [block["source"] for block in blocks]
    # The blocks that print HTML are the ones the page renders as HTML.
    fences = [f for f in find_fences((DOCS / page).read_text()) if f.is_python and f.built]
    assert [html for _, _, html in cells] == [fence.prints_html for fence in fences]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_notebook_runs_and_prints_what_the_page_shows(site_build, page, executed):
    notebook, seconds = executed(page)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert seconds < RUN_TIMEOUT

    blocks = _executed_blocks(site_build, page)
    fences = [f for f in find_fences((DOCS / page).read_text()) if f.is_python and f.built]
    text_blocks = [i for i, fence in enumerate(fences) if 'result="text"' in fence.info]
    assert text_blocks, f'{page} has no result="text" block to compare'
    shown = _shown_outputs(site_build, page, [b["source"] for b in blocks], text_blocks)
    cells = _block_cells(notebook)
    for block in text_blocks:
        cell = notebook.cells[cells[block][0]]
        printed = "".join(
            output.text
            for output in cell.outputs
            if output.output_type == "stream" and output.name == "stdout"
        )
        assert _normalised(printed) == _normalised(shown[block]), (
            f"{page}: block {block + 1} printed something else in the notebook"
        )


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_html_blocks_display_html(site_build, page, executed):
    notebook, _ = executed(page)
    cells = _block_cells(notebook)
    for index, _, html in cells:
        if not html:
            continue
        display = notebook.cells[index + 1]
        (result,) = [o for o in display.outputs if o.output_type == "execute_result"]
        assert result.data["text/html"].lstrip().startswith("<")
