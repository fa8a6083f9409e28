"""The page-to-notebook converter, on small Markdown pages.

Each test converts a few lines of a page and checks the cells: what Jupyter would show raw
is rewritten, executed code reaches code cells exactly as the build runs it, and the same
source always gives the same bytes.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from dlguide_docs.fences import expand_includes
from dlguide_docs.notebooks import CAPTURE, DISPLAY_HTML, download_link, page_notebook

SITE = "https://example.org/guide/"
VERSIONS = {"TensorFlow": "9.1.2", "Keras": "8.7.6"}
SNIPPET = """\
import math

# --8<-- [start:area]
radius = 2.0
area = math.pi * radius**2
print(f"area {area:.2f}")
# --8<-- [end:area]
"""


@pytest.fixture
def snippets(tmp_path: Path) -> Path:
    (tmp_path / "snippets" / "demo").mkdir(parents=True)
    (tmp_path / "snippets" / "demo" / "circle.py").write_text(SNIPPET)
    return tmp_path


def convert_to_json(markdown: str, base: Path) -> str:
    return page_notebook(
        textwrap.dedent(markdown),
        page_src="part/page.md",
        site_url=SITE,
        snippets_base=base,
        versions=VERSIONS,
    )


def convert(markdown: str, base: Path) -> nbformat.NotebookNode:
    return nbformat.reads(convert_to_json(markdown, base), as_version=4)


def sources(notebook: nbformat.NotebookNode, kind: str) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == kind]


def body(notebook: nbformat.NotebookNode) -> str:
    """Every Markdown cell after the header, joined."""
    return "\n\n".join(sources(notebook, "markdown")[1:])


def test_the_header_names_the_page_its_address_the_package_and_the_versions(tmp_path):
    notebook = convert("# Circles {#circles}\n\nText.\n", tmp_path)
    header = notebook.cells[0]
    assert header.cell_type == "markdown"
    assert "**Circles**" in header.source and "{#circles}" not in header.source
    assert f"<{SITE}part/page/>" in header.source
    assert "`dlguide`" in header.source and "pip install -e ." in header.source
    assert "requirements.lock" in header.source
    assert "TensorFlow 9.1.2 and Keras 8.7.6" in header.source


def test_front_matter_is_dropped(tmp_path):
    notebook = convert("---\nnotebook: true\ntitle: x\n---\n\n# Page\n\nText.\n", tmp_path)
    assert body(notebook) == "# Page\n\nText."


def test_an_admonition_becomes_a_quote_with_its_title_in_bold(tmp_path):
    page = """\
    Before.

    !!! warning "Two corrections"

        First paragraph,
        two lines.

        Second paragraph.

    After.
    """
    assert body(convert(page, tmp_path)) == (
        "Before.\n\n> **Two corrections**\n>\n> First paragraph,\n> two lines.\n>\n"
        "> Second paragraph.\n\nAfter."
    )


def test_an_admonition_without_a_title_is_titled_by_its_type(tmp_path):
    page = "??? note\n    Folded text.\n\nAfter.\n"
    assert body(convert(page, tmp_path)) == "> **Note**\n>\n> Folded text.\n\nAfter."


def test_content_tabs_become_bold_labels_over_their_dedented_bodies(tmp_path):
    page = """\
    === "Sigmoid"

        Saturates.

            indented code stays indented

    === "ReLU"
        Does not.
    """
    assert body(convert(page, tmp_path)) == (
        "**Sigmoid**\n\nSaturates.\n\n    indented code stays indented\n\n**ReLU**\n\nDoes not."
    )


def test_attribute_lists_are_dropped(tmp_path):
    page = """\
    ## Early stopping {#early-stopping}

    ### Shapes { .special data-x="1" }

    A paragraph.
    { .annotate }
    """
    assert body(convert(page, tmp_path)) == "## Early stopping\n\n### Shapes\n\nA paragraph."


def test_placeholders_the_site_fills_in_are_dropped(tmp_path):
    page = 'It took <span class="dlguide-seconds" data-page="a/b.md"></span> in all.\n'
    assert body(convert(page, tmp_path)) == "It took  in all."


def test_links_to_pages_point_at_the_published_site(tmp_path):
    page = """\
    See [early stopping](../glossary/training.md#early-stopping), [a part](index.md),
    [below](#shapes), [the home page](../index.md), [a figure](img/plot.svg "Plot") and
    [NumPy](https://numpy.org/doc/).
    """
    assert body(convert(page, tmp_path)) == (
        f"See [early stopping]({SITE}glossary/training/#early-stopping), "
        f"[a part]({SITE}part/),\n[below]({SITE}part/page/#shapes), "
        f'[the home page]({SITE}), [a figure]({SITE}part/img/plot.svg "Plot") and\n'
        "[NumPy](https://numpy.org/doc/)."
    )


def test_math_is_left_for_jupyter_to_render(tmp_path):
    page = "For $y = x^2$:\n\n$$\n\\frac{dy}{dx} = 2x\n$$\n"
    assert body(convert(page, tmp_path)) == "For $y = x^2$:\n\n$$\n\\frac{dy}{dx} = 2x\n$$"


def test_executed_code_is_the_expanded_include_exactly(snippets):
    page = """\
    Area:

    ```python exec="on" session="s" source="above" result="text"
    --8<-- "snippets/demo/circle.py:area"
    ```

    Done.
    """
    notebook = convert(page, snippets)
    assert sources(notebook, "code") == [
        'radius = 2.0\narea = math.pi * radius**2\nprint(f"area {area:.2f}")'
    ]
    # The pipeline's own helper gives the same text, up to the fence's final newline.
    fence_body = '--8<-- "snippets/demo/circle.py:area"\n'
    assert sources(notebook, "code")[0] == expand_includes(fence_body, snippets).rstrip("\n")
    assert [cell.cell_type for cell in notebook.cells] == [
        "markdown",
        "markdown",
        "code",
        "markdown",
    ]


def test_hidden_blocks_are_code_cells_and_order_is_kept(tmp_path):
    page = """\
    ```python exec="on" session="s"
    print("first")
    ```

    Between.

    ```python exec="on" session="s" source="above" result="text"
    print("second")
    ```
    """
    notebook = convert(page, tmp_path)
    assert sources(notebook, "code") == ['print("first")', 'print("second")']
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code", "markdown", "code"]


def test_a_fence_inside_an_admonition_splits_the_quote_around_its_cell(tmp_path):
    page = """\
    !!! example "Try it"

        Run this:

        ```python exec="on" session="s" source="above" result="text"
        print("inside")
        ```

        Then that.
    """
    notebook = convert(page, tmp_path)
    assert [cell.source for cell in notebook.cells[1:]] == [
        "> **Try it**\n>\n> Run this:",
        'print("inside")',
        "> Then that.",
    ]


def test_an_html_block_is_captured_then_displayed(tmp_path):
    page = """\
    ```python exec="on" session="s" source="above" html="on"
    svg = "<svg></svg>"
    print(svg)
    ```
    """
    notebook = convert(page, tmp_path)
    assert sources(notebook, "code") == [
        '%%capture output\nsvg = "<svg></svg>"\nprint(svg)',
        "from IPython.display import HTML\n\nHTML(output.stdout)",
    ]
    # The converter's constants are these lines, which the site test expects too.
    assert sources(notebook, "code")[0] == CAPTURE + 'svg = "<svg></svg>"\nprint(svg)'
    assert sources(notebook, "code")[1] == DISPLAY_HTML


def test_blocks_that_do_not_run_stay_markdown(tmp_path):
    page = """\
    ``` { .bash .notest data-reason="a shell command" }
    make serve
    ```

    ```python
    print("shown, not run by the build")
    ```

    ```mermaid
    flowchart LR
        a --> b
    ```
    """
    notebook = convert(page, tmp_path)
    assert sources(notebook, "code") == []
    assert body(notebook) == (
        "```bash\nmake serve\n```\n\n"
        '```python\nprint("shown, not run by the build")\n```\n\n'
        "```mermaid\nflowchart LR\n    a --> b\n```"
    )


def test_a_not_run_fence_keeps_its_container(tmp_path):
    page = """\
    !!! failure "Expected error"

        ``` { .python .notest data-reason="raises" }
        1 / 0
        ```
    """
    assert body(convert(page, tmp_path)) == ("> **Expected error**\n>\n> ```python\n> 1 / 0\n> ```")


def test_a_fence_holding_backticks_gets_a_longer_fence(tmp_path):
    page = "````markdown\n```python\nx = 1\n```\n````\n"
    assert body(convert(page, tmp_path)) == "````markdown\n```python\nx = 1\n```\n````"


def test_two_sessions_cannot_be_one_notebook(tmp_path):
    page = """\
    ```python exec="on" session="one"
    x = 1
    ```

    ```python exec="on" session="two"
    y = 2
    ```
    """
    with pytest.raises(ValueError, match=r"part/page\.md.*2 markdown-exec sessions \(one, two\)"):
        convert(page, tmp_path)


def test_one_session_besides_blocks_without_a_session_is_two_sessions(tmp_path):
    page = '```python exec="on" session="one"\nx = 1\n```\n\n```python exec="on"\ny = 2\n```\n'
    with pytest.raises(ValueError, match="sessions"):
        convert(page, tmp_path)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("markdown", b"# bytes"),
        ("page_src", "/absolute/page.md"),
        ("page_src", "part/page.html"),
        ("site_url", ""),
        ("site_url", "example.org/guide/"),
        ("snippets_base", Path("/no/such/folder")),
        ("versions", {}),
        ("versions", {"TensorFlow": ""}),
        ("page_url", "glossary/"),
    ],
)
def test_bad_arguments_are_named(tmp_path, argument, value):
    arguments = {
        "markdown": "# Page\n",
        "page_src": "part/page.md",
        "site_url": SITE,
        "snippets_base": tmp_path,
        "versions": VERSIONS,
    } | {argument: value}
    markdown = arguments.pop("markdown")
    with pytest.raises(ValueError, match=f"^{argument} "):
        page_notebook(markdown, **arguments)


@pytest.mark.parametrize("href", ["../tensors.md", "", 'x.ipynb" onclick="alert(1)'])
def test_a_bad_link_target_is_named(href):
    with pytest.raises(ValueError, match="^href "):
        download_link(href)


def test_the_json_is_deterministic_and_valid(snippets):
    page = (
        "---\nnotebook: true\n---\n\n# Page\n\n"
        '```python exec="on" session="s" source="above" result="text"\n'
        '--8<-- "snippets/demo/circle.py:area"\n```\n'
    )
    first = convert_to_json(page, snippets)
    second = convert_to_json(page, snippets)
    assert first == second
    assert first.endswith("}\n")
    data = json.loads(first)
    assert first == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert [cell["id"] for cell in data["cells"]] == ["cell-0", "cell-1", "cell-2"]
    assert data["nbformat"] == 4
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    assert data["metadata"]["kernelspec"]["language"] == "python"
    assert all(cell["execution_count"] is None for cell in data["cells"][2:])
    nbformat.validate(nbformat.reads(first, as_version=4))


def test_the_download_link_is_a_material_button_with_an_icon():
    link = BeautifulSoup(download_link("../tensors.ipynb"), "html.parser").select_one("a")
    assert link["href"] == "../tensors.ipynb"
    assert link["download"] == "tensors.ipynb"
    assert {"md-button", "dlguide-notebook"} <= set(link["class"])
    assert link.select_one("span.twemoji > svg") is not None
    assert link.get_text().strip() == "Download this page as a notebook"


def test_the_page_urls_can_come_from_the_caller(tmp_path):
    # The plugin passes MkDocs' own URLs, which differ without directory URLs.
    text = page_notebook(
        "# Page\n\nSee [the glossary](../glossary/index.md#terms).\n",
        page_src="part/page.md",
        site_url=SITE,
        snippets_base=tmp_path,
        versions=VERSIONS,
        page_url=lambda src: src.removesuffix(".md") + ".html",
    )
    notebook = nbformat.reads(text, as_version=4)
    assert f"<{SITE}part/page.html>" in notebook.cells[0].source
    assert f"[the glossary]({SITE}glossary/index.html#terms)" in notebook.cells[1].source
