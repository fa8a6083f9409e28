"""Resolve the `.md` links that executed examples print.

MkDocs rewrites `[text](other.md#anchor)` into the other page's URL and validates it, but
only in the page's own Markdown. Output that an example prints as Markdown (a table whose
rows link to pages, a sentence built by a hidden block) is rendered by markdown-exec with a
separate converter, so its links would reach the site as `other.md`, which no static host
serves. This module finds those links in a page's HTML and rewrites them the way MkDocs
does, failing on a link to a page that does not exist.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

# href="..." whose value is a relative path ending in .md, with an optional #fragment.
_MD_HREF = re.compile(
    r'href="(?P<path>(?![a-z][a-z0-9+.-]*:|/|#)[^"#?]+\.md)'  # no scheme, not absolute
    r'(?P<fragment>#[^"]*)?"'
)


def resolve_md_links(
    html: str, page_src: str, url_for: Callable[[str], str | None]
) -> tuple[str, list[str]]:
    """Rewrite relative links to `.md` sources in `html` into the pages' URLs.

    Args:
        html: A rendered page.
        page_src: The page's source path under docs/ (`algorithms/rnn.md`), against which
            relative links are resolved.
        url_for: Maps a source path under docs/ to its URL relative to the page, or to
            None when no such page exists.

    Returns:
        The rewritten HTML, and the source paths of links whose page does not exist (those
        links are left unchanged).

    Raises:
        ValueError: If `page_src` is not a relative path to a Markdown file.
    """
    if not page_src.endswith(".md") or page_src.startswith("/"):
        raise ValueError(f"page_src must be a relative path to a .md file, got {page_src!r}")
    missing: list[str] = []

    def rewrite(match: re.Match[str]) -> str:
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(page_src), unquote(match["path"]))
        )
        url = url_for(target)
        if url is None:
            missing.append(target)
            return match[0]
        return f'href="{url}{match["fragment"] or ""}"'

    return _MD_HREF.sub(rewrite, html), missing
