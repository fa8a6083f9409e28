"""Links printed by executed examples are resolved like MkDocs resolves a page's own."""

from __future__ import annotations

import pytest

from dlguide_docs.links import resolve_md_links

PAGES = {"algorithms/gan.md": "../gan/", "glossary/training.md": "../../glossary/training/"}


def test_relative_md_links_become_page_urls_with_their_anchor():
    html = (
        '<a href="gan.md">GAN</a> <a href="../glossary/training.md#early-stopping">ES</a>'
        ' <a href="https://example.org/x.md">ext</a> <a href="#local">here</a>'
        ' <a href="/abs/page.md">abs</a> <a href="gan/">done</a>'
    )
    resolved, missing = resolve_md_links(html, "algorithms/choosing.md", PAGES.get)
    assert '<a href="../gan/">GAN</a>' in resolved
    assert '<a href="../../glossary/training/#early-stopping">ES</a>' in resolved
    # Absolute, external, fragment-only and already-resolved links are left alone.
    for kept in ("https://example.org/x.md", 'href="#local"', "/abs/page.md", 'href="gan/"'):
        assert kept in resolved
    assert missing == []


def test_a_link_to_no_page_is_reported_and_left_unchanged():
    html = '<a href="rnn.md#gates">RNN</a>'
    resolved, missing = resolve_md_links(html, "algorithms/lstm.md", PAGES.get)
    assert resolved == html
    assert missing == ["algorithms/rnn.md"]


@pytest.mark.parametrize("page_src", ["/algorithms/gan.md", "algorithms/gan.html", ""])
def test_page_src_must_be_a_relative_markdown_path(page_src):
    with pytest.raises(ValueError, match="page_src"):
        resolve_md_links("", page_src, PAGES.get)
