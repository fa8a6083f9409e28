"""The rules of the coverage check: what counts as code that ran, or says why it did not.

Each function returns a list of problems (empty when the rule holds), so the test pass
can report all of them at once, and so the rules themselves can be tested on pages made
up to break them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from bs4 import BeautifulSoup

from dlguide_docs.fences import (
    RENDERED_LANGUAGES,
    code_lines,
    expand_includes,
    find_fences,
    included_targets,
    read_section,
)


def lines_of(sources: Iterable[str]) -> set[str]:
    """Return the code lines of several executed sources, for matching."""
    lines: set[str] = set()
    for source in sources:
        lines |= code_lines(source)
    return lines


def fence_problems(
    name: str, text: str, built_blocks: int, executed: set[str], snippets_base: Path
) -> list[str]:
    """Check that every fence of a Markdown source ran in this pass, or says why not.

    Args:
        name: How to call the source in messages.
        text: The Markdown source.
        built_blocks: How many blocks the build executed for this source.
        executed: Code lines executed in this pass for this source (build and fences).
        snippets_base: Where snippet includes are resolved.

    Returns:
        One message per problem.
    """
    fences = find_fences(text)
    problems = []
    built = sum(1 for fence in fences if fence.is_python and fence.built)
    if built != built_blocks:
        problems.append(f"{name}: {built} executable fences, but the build ran {built_blocks}")
    for fence in fences:
        where = f"{name}:{fence.line}"
        if fence.language in RENDERED_LANGUAGES or (fence.is_python and fence.built):
            continue
        if fence.not_to_run:
            if not fence.reason:
                problems.append(f"{where}: a .notest block must say why (data-reason)")
        elif not fence.is_python:
            problems.append(
                f"{where}: a {fence.language or 'plain'} block neither runs nor is marked "
                '{ .lang .notest data-reason="..." }'
            )
        elif not code_lines(expand_includes(fence.content, snippets_base)) <= executed:
            problems.append(f"{where}: this Python fence was not executed in this pass")
    return problems


def shown_code_problems(name: str, html: str, executed: set[str]) -> list[str]:
    """Check that every Python block a built page shows is code that ran in this pass.

    mkdocstrings' signature blocks are skipped: they are declarations read from the
    source, not examples. A `.notest` block must carry its reason into the page.

    Args:
        name: How to call the page in messages.
        html: The built page.
        executed: Code lines executed in this pass on the page's behalf.

    Returns:
        One message per problem.
    """
    article = BeautifulSoup(html, "html.parser").find("article")
    if article is None:
        return []
    problems = []
    selector = "div.language-python, div.language-py, div.language-pycon"
    for block in article.select(selector):
        classes = block.get("class", [])
        if "doc-signature" in classes:
            continue
        if "notest" in classes:
            if not block.get("data-reason", "").strip():
                problems.append(f"{name}: a .notest block without a reason")
            continue
        missing = code_lines(block.get_text()) - executed
        if missing:
            problems.append(f"{name} shows code that did not run: {sorted(missing)[:3]}")
    return problems


def snippet_problems(
    snippet: str,
    sources: dict[str, str],
    executed_by_source: dict[str, set[str]],
    snippets_base: Path,
    scripts_run: Mapping[str, str] | None = None,
) -> list[str]:
    """Check that a snippet file is shown by some page and that all of it ran.

    A snippet can also run as a script in processes of its own (a page's worker
    processes, say), where the build cannot watch it. Its page's claim tests then check
    how the processes ended and export the script's digest as they saw it (`facts(page)`
    returning `{"scripts": {path: sha256}}`); the file counts as run only if that digest
    is the file's current one.

    Args:
        snippet: The snippet's path relative to `snippets_base`.
        sources: Markdown sources by name.
        executed_by_source: Code lines executed in this pass, by source name.
        snippets_base: Where snippet includes are resolved.
        scripts_run: SHA-256 of the snippet files that ran as scripts in this pass, by path.

    Returns:
        One message per problem.
    """
    including = [
        name
        for name, text in sources.items()
        if any(target.partition(":")[0] == snippet for target in included_targets(text))
    ]
    if not including:
        return [f"{snippet} is included by no page"]
    if scripts_run and snippet in scripts_run:
        current = hashlib.sha256((snippets_base / snippet).read_bytes()).hexdigest()
        if scripts_run[snippet] != current:
            return [f"{snippet}: the processes that ran it in this pass ran another version"]
        return []
    executed = lines_of([]).union(*(executed_by_source.get(name, set()) for name in including))
    missing = code_lines("\n".join(read_section(snippets_base, snippet))) - executed
    if missing:
        return [f"{snippet}: lines no page executed in this pass: {sorted(missing)[:3]}"]
    return []


def pages_running_scripts(sources: dict[str, str]) -> list[str]:
    """Return the sources that show a snippet in a not-to-run fence.

    Each of them must prove, through its facts, that the snippet ran as a script (see
    `snippet_problems`).
    """
    return [
        name
        for name, text in sources.items()
        if any(fence.not_to_run and included_targets(fence.content) for fence in find_fences(text))
    ]
