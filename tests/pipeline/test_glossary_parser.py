"""The glossary parser reads entries, their spellings and their extent as the page shows."""

from __future__ import annotations

from dlguide_docs.glossary import abbreviations, duplicate_spellings, index_markdown, parse_entries

PAGE = """\
# Topic

## First term {#first-term}
<!-- abbr: first terms, FT -->

First term is the first entry of this page. A second sentence follows.

```python
# A comment, not a heading: the entry goes on.
print(1)
```

**See also:** [Second](#second).

## Second {#second}

Second is another entry, e.g. a short one.
"""


def test_entries_end_at_the_next_heading_outside_code():
    first, second = parse_entries(PAGE, "topic.md")
    assert (first.term, first.anchor, first.topic, first.page) == (
        "First term",
        "first-term",
        "Topic",
        "topic.md",
    )
    assert first.aliases == ("first terms", "FT")
    assert "# A comment" in first.body and "**See also:**" in first.body
    assert "Second is" not in first.body
    assert second.line == 15


def test_the_tooltip_is_the_first_sentence_in_plain_text():
    first, second = parse_entries(PAGE)
    assert first.tooltip == "First term is the first entry of this page."
    # An abbreviation such as "e.g." followed by a lower-case word does not end it.
    assert second.tooltip == "Second is another entry, e.g. a short one."


def test_each_spelling_becomes_an_abbreviation():
    lines = abbreviations(parse_entries(PAGE)).splitlines()
    assert lines[:3] == [
        "*[First term]: First term is the first entry of this page.",
        "*[first terms]: First term is the first entry of this page.",
        "*[FT]: First term is the first entry of this page.",
    ]
    assert duplicate_spellings(parse_entries(PAGE) * 2) == ["FT", "First term", "Second"] + [
        "first terms"
    ]


def test_the_index_lists_each_entry_by_topic_and_by_letter():
    index = index_markdown(parse_entries(PAGE, "topic.md"))
    assert index.count("](topic.md#first-term)") == 2
    assert "### F {#letter-f}" in index and "### S {#letter-s}" in index
