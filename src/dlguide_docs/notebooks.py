"""Turn a page's Markdown into a Jupyter notebook of the code its build executed.

A page opts in with `notebook: true` in its front matter. Prose becomes Markdown cells,
rewritten where Jupyter would show MkDocs syntax raw; every Python fence the build executes
becomes a code cell holding exactly the code the build ran (includes expanded by the
pipeline's own helper). The same page always gives the same bytes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path

import nbformat
from nbformat import v4

from dlguide_docs.fences import Fence, expand_includes, find_fences

# The front-matter key a page opts in with.
FLAG = "notebook"
# A block printing HTML runs under this cell magic; the next cell displays what it printed.
CAPTURE = "%%capture output\n"
DISPLAY_HTML = "from IPython.display import HTML\n\nHTML(output.stdout)"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(?:.*?\n)?(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", re.DOTALL)
_H1 = re.compile(r"^#\s+(?P<title>.+?)\s*$")
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)[^"]*(?:"(?P<title>[^"]*)")?\s*$')
_TAB = re.compile(r'^===[+!]?\s+"(?P<title>[^"]*)"\s*$')
# `{#anchor}`, `{ .class }`, `{: key="value" }`: attribute lists, on headings or alone.
_ATTRIBUTES = r"\{:?\s*(?:[#.]|[\w-]+=)[^{}]*\}"
_HEADING_ATTRIBUTES = re.compile(rf"^(?P<heading>#{{1,6}}\s.*?)\s*{_ATTRIBUTES}\s*$")
_ATTRIBUTE_LINE = re.compile(rf"^{_ATTRIBUTES}\s*$")
# Elements the site fills in at build time, such as quoted example times.
_PLACEHOLDER = re.compile(r'<span class="dlguide-[\w-]+"[^>]*>.*?</span>')
_LINK = re.compile(r'(?P<open>\]\()(?P<target>[^)\s]+)(?P<close>(?:\s+"[^"]*")?\))')
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_SENTINEL = re.compile("\x00(?P<index>[0-9]+)\x00")


def page_notebook(
    markdown: str,
    *,
    page_src: str,
    site_url: str,
    snippets_base: Path,
    versions: Mapping[str, str],
    page_url: Callable[[str], str] | None = None,
) -> str:
    """Convert a page's Markdown source into a notebook's JSON text.

    Args:
        markdown: The page's source, front matter included.
        page_src: The page's path under docs/, against which relative links are resolved.
        site_url: The address the site is published at, such as `https://host/guide/`.
        snippets_base: The directory `--8<--` include paths are relative to.
        versions: Library names and the versions the notebook is generated with, in the
            order the header names them (`{"TensorFlow": "2.21.0", "Keras": "3.15.1"}`).
        page_url: Maps a page's path under docs/ to its URL relative to the site root
            (`glossary/training/`); by default, MkDocs' directory URLs.

    Returns:
        A valid nbformat 4 notebook, deterministically serialized: a header cell, then
        the page's prose and code.

    Raises:
        ValueError: If an argument is malformed, or if the page's executed blocks run in
            more than one markdown-exec session (a notebook has one kernel).
    """
    if not isinstance(markdown, str):
        raise ValueError(f"markdown must be a string, got {type(markdown).__name__}")
    if not isinstance(page_src, str) or not page_src.endswith(".md") or page_src.startswith("/"):
        raise ValueError(f"page_src must be a relative path to a .md file, got {page_src!r}")
    if not isinstance(site_url, str) or not re.match(r"^https?://[^/]+", site_url):
        raise ValueError(f"site_url must be an http(s) address, got {site_url!r}")
    if not Path(snippets_base).is_dir():
        raise ValueError(f"snippets_base must be a directory, got {snippets_base}")
    if not versions or not all(isinstance(v, str) and v for v in versions.values()):
        raise ValueError(f"versions must map library names to versions, got {versions!r}")
    if page_url is not None and not callable(page_url):
        raise ValueError(f"page_url must map a page's path to its URL, got {page_url!r}")
    site_url, page_url = site_url.rstrip("/") + "/", page_url or _directory_url
    front = _FRONT_MATTER.match(markdown)
    # Blank the front matter rather than cut it, so fence line numbers stay the source's.
    text = "\n" * front.group(0).count("\n") + markdown[front.end() :] if front else markdown
    fences = find_fences(text)
    _check_one_session(fences, page_src)

    def link(match: re.Match[str]) -> str:
        target = _absolute(match["target"], page_src, site_url, page_url)
        return match["open"] + target + match["close"]

    lines, blocks = _cut_fences(text, fences, Path(snippets_base))
    prose = _flatten_containers(lines, link)
    titles = (match["title"] for line in prose if (match := _H1.match(line)))
    title = next(titles, posixpath.basename(page_src).removesuffix(".md"))
    cells = [v4.new_markdown_cell(_header(title, site_url + page_url(page_src), versions))]
    cells += _cells(prose, blocks)
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # nbformat's default ids are random
    notebook = v4.new_notebook(
        cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    nbformat.validate(notebook)
    # nbformat writes keys sorted and adds no timestamps: the same page gives the same bytes.
    return nbformat.writes(notebook, version=4).rstrip("\n") + "\n"


def download_link(href: str) -> str:
    """Return the page's "Download this page as a notebook" button.

    Args:
        href: The notebook's URL relative to the page, such as `../tensors.ipynb`.

    Returns:
        HTML for a Material button with a download icon and the `download` attribute.

    Raises:
        ValueError: If `href` is empty or does not name a notebook.
    """
    if not isinstance(href, str) or not href.endswith(".ipynb") or '"' in href:
        raise ValueError(f"href must be the relative URL of a .ipynb file, got {href!r}")
    icon = resources.files("material") / "templates" / ".icons" / "material" / "download.svg"
    return (
        f'<p><a class="md-button dlguide-notebook" href="{href}" '
        f'download="{posixpath.basename(href)}">'
        f'<span class="twemoji">{icon.read_text(encoding="utf-8").strip()}</span> '
        "Download this page as a notebook</a></p>"
    )


def _directory_url(page_src: str) -> str:
    stem = page_src.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name in {"index", "README"}:
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def _check_one_session(fences: list[Fence], page_src: str) -> None:
    sessions = {fence.session or "(none)" for fence in fences if fence.is_python and fence.built}
    if len(sessions) > 1:
        raise ValueError(
            f"markdown of {page_src} runs its examples in {len(sessions)} markdown-exec "
            f"sessions ({', '.join(sorted(sessions))}); a notebook has one kernel, so the "
            "page cannot be one notebook"
        )


def _absolute(target: str, page_src: str, site_url: str, page_url: Callable[[str], str]) -> str:
    """Point a link of the page at the published site; leave absolute ones alone."""
    if _SCHEME.match(target) or target.startswith("/"):
        return target
    path, hash_mark, fragment = target.partition("#")
    if not path:
        return site_url + page_url(page_src) + hash_mark + fragment
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_src), path))
    url = page_url(resolved) if resolved.endswith(".md") else resolved
    return site_url + url + hash_mark + fragment


def _cut_fences(
    text: str, fences: list[Fence], snippets_base: Path
) -> tuple[list[str], list[tuple[bool, list[str]]]]:
    """Put an indented marker line where each fence was, so it stays in its container.

    Returns the lines and, per marker, (True, code cells) or (False, fenced Markdown lines).
    """
    lines: list[str | None] = list(text.split("\n"))
    blocks: list[tuple[bool, list[str]]] = []
    for fence in fences:
        start = fence.line - 1
        end = min(start + fence.content.count("\n") + 1, len(lines) - 1)  # closing line
        source = expand_includes(fence.content, snippets_base).removesuffix("\n")
        if fence.is_python and fence.built:
            cells = [CAPTURE + source, DISPLAY_HTML] if fence.prints_html else [source]
            blocks.append((True, cells))
        else:
            blocks.append((False, _fenced(fence.language, source)))
        opening = lines[start] or ""
        indent = opening[: len(opening) - len(opening.lstrip(" "))]
        lines[start] = f"{indent}\x00{len(blocks) - 1}\x00"
        lines[start + 1 : end + 1] = [None] * (end - start)
    return [line for line in lines if line is not None], blocks


def _cells(prose: list[str], blocks: list[tuple[bool, list[str]]]) -> list[nbformat.NotebookNode]:
    """Cut the prose into Markdown cells at each executed block's code cells."""
    cells, pending = [], []
    for line in prose:
        marker = _SENTINEL.search(line)
        if marker is None:
            pending.append(line)
            continue
        prefix = line[: marker.start()]
        is_code, parts = blocks[int(marker["index"])]
        if not is_code:
            pending.extend(prefix + part if part else prefix.rstrip() for part in parts)
            continue
        cells += _markdown_cells(pending)
        cells += [v4.new_code_cell(part) for part in parts]
        pending = []
    return cells + _markdown_cells(pending)


def _flatten_containers(lines: list[str], link: Callable[[re.Match[str]], str]) -> list[str]:
    """Turn admonitions into quotes and tabs into bold labels; clean every prose line."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (marker indent, prefix its body lines get)
    blanks = 0
    for line in lines:
        if not line.strip():
            blanks += 1
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack and indent <= stack[-1][0]:
            stack.pop()
        prefix = "".join(part for _, part in stack)
        # A blank line takes the prefix of the line after it: a closed quote stays closed.
        out.extend([prefix.rstrip()] * min(blanks, 1))
        blanks = 0
        content = line[min(indent, stack[-1][0] + 4 if stack else 0) :]
        admonition, tab = _ADMONITION.match(content), _TAB.match(content)
        if admonition or tab:
            quote, title = ("> " if admonition else ""), (admonition or tab)["title"]
            if admonition and title is None:
                title = admonition["kind"].capitalize()
            if title:
                out.extend([f"{prefix}{quote}**{title}**", (prefix + quote).rstrip()])
            stack.append((indent, quote))
            continue
        if _SENTINEL.search(content) is None:
            content = _clean(content, link)
            if content is None:
                continue
        out.append(prefix + content)
    # Containers add blank lines of their own: keep one of each run.
    return [
        line
        for number, line in enumerate(out)
        if number == 0 or line.strip(" >") or line != out[number - 1]
    ]


def _clean(line: str, link: Callable[[re.Match[str]], str]) -> str | None:
    """Drop what only MkDocs understands from one prose line; None drops the line."""
    if _ATTRIBUTE_LINE.match(line.strip()):
        return None
    heading = _HEADING_ATTRIBUTES.match(line)
    if heading:
        line = heading["heading"]
    return _LINK.sub(link, _PLACEHOLDER.sub("", line))


def _fenced(language: str, source: str) -> list[str]:
    runs = [len(run) for run in re.findall("`+", source)]
    ticks = "`" * max(3, max(runs, default=0) + 1)
    return [ticks + language, *source.split("\n"), ticks]


def _markdown_cells(lines: list[str]) -> list[nbformat.NotebookNode]:
    """One Markdown cell of `lines` without blank (or blank-quote) lines around it, if any."""
    kept = [number for number, line in enumerate(lines) if line.strip(" >")]
    return [v4.new_markdown_cell("\n".join(lines[kept[0] : kept[-1] + 1]))] if kept else []


def _header(title: str, url: str, versions: Mapping[str, str]) -> str:
    generated_with = " and ".join(f"{name} {version}" for name, version in versions.items())
    return (
        f"**{title}**, from the Deep Learning Guide: <{url}>. The page shows what each of "
        "these cells printed when the site was built.\n\n"
        "The code needs the `dlguide` package from the guide's repository: in a clone, run "
        "`pip install -e .`, or, for the exact versions the site was built with, "
        "`pip install -r requirements.lock` and then `pip install --no-deps -e .`. "
        f"This notebook was generated with {generated_with}."
    )
