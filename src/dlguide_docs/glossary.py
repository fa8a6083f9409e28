"""Read the glossary's topic pages; generate its tooltips and its indexes from them.

The glossary is a folder of topic pages (docs/glossary/optimization.md, ...) plus an
index page. An entry on a topic page is a level-2 heading `## Term {#anchor}`, optionally
followed by `<!-- abbr: other spelling, ABBR -->`, then a definition paragraph, and then
whatever the entry needs (formula, example, see-also) until the next level-2 heading.

The definition's first sentence becomes the tooltip of the term and of its other
spellings on every page (Markdown abbreviations), and the index page's topic list and
A-Z list are generated from the same entries, so none of them can disagree with the
glossary itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

INDEX = "index.md"
INDEX_MARKER = "<!-- glossary:index -->"

_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*$")
_HEADING = re.compile(r"^##\s+(?P<term>.+?)\s*\{#(?P<anchor>[\w-]+)\}\s*$")
_NEXT_SECTION = re.compile(r"^#{1,2}\s")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ALIASES = re.compile(r"^<!--\s*abbr:\s*(?P<aliases>.+?)\s*-->\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Entry:
    """One glossary entry.

    Attributes:
        term: The heading's term.
        anchor: The heading's anchor.
        aliases: Other spellings that get the entry's tooltip.
        definition: The first paragraph after the heading, as Markdown.
        page: The topic page, relative to the glossary folder (`optimization.md`).
        topic: The topic page's title.
        body: The entry's whole Markdown, heading excluded, up to the next entry.
        line: The heading's line number on its page, counting from 1.
    """

    term: str
    anchor: str
    aliases: tuple[str, ...]
    definition: str
    page: str = ""
    topic: str = ""
    body: str = ""
    line: int = 0

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling that shows this entry's tooltip."""
        return (self.term, *self.aliases)

    @property
    def tooltip(self) -> str:
        """The definition's first sentence, as plain text."""
        plain = _MARKUP.sub("", _LINK.sub(r"\1", self.definition))
        return _SENTENCE_END.split(plain, maxsplit=1)[0].strip()


def parse_entries(text: str, page: str = "") -> list[Entry]:
    """Read the entries of one topic page.

    Args:
        text: The page's Markdown.
        page: The page's file name inside the glossary folder.

    Returns:
        The entries in page order.
    """
    lines = text.split("\n")
    # A line starting with "# " inside a fence is a Python comment, not a heading.
    prose = _outside_fences(lines)
    topic = next((m["title"] for n in prose if (m := _TITLE.match(lines[n]))), "")
    starts = [n for n in prose if _HEADING.match(lines[n])]
    entries = []
    for start in starts:
        end = next((n for n in prose if n > start and _NEXT_SECTION.match(lines[n])), len(lines))
        heading = _HEADING.match(lines[start])
        assert heading is not None
        body = lines[start + 1 : end]
        aliases: tuple[str, ...] = ()
        paragraph: list[str] = []
        for following in body:
            alias_match = _ALIASES.match(following.strip())
            if alias_match and not paragraph:
                aliases = tuple(a.strip() for a in alias_match["aliases"].split(","))
            elif following.strip():
                paragraph.append(following.strip())
            elif paragraph:
                break
        entries.append(
            Entry(
                term=heading["term"],
                anchor=heading["anchor"],
                aliases=aliases,
                definition=" ".join(paragraph),
                page=page,
                topic=topic,
                body="\n".join(body),
                line=start + 1,
            )
        )
    return entries


def _outside_fences(lines: list[str]) -> list[int]:
    """The numbers of the lines that are not inside a fenced code block."""
    numbers, fence = [], ""
    for number, line in enumerate(lines):
        marker = _FENCE.match(line)
        if fence:
            if marker and marker["fence"].startswith(fence) and not marker["info"].strip():
                fence = ""
        elif marker:
            fence = marker["fence"]
        else:
            numbers.append(number)
    return numbers


def topic_pages(folder: Path) -> list[Path]:
    """The glossary's topic pages, in file-name order (the index page excluded)."""
    return sorted(path for path in folder.glob("*.md") if path.name != INDEX)


def read_glossary(folder: Path) -> list[Entry]:
    """Read every entry of every topic page in the glossary folder.

    Args:
        folder: The glossary folder (docs/glossary).

    Returns:
        The entries, page by page.
    """
    return [
        entry
        for path in topic_pages(folder)
        for entry in parse_entries(path.read_text(encoding="utf-8"), path.name)
    ]


def duplicate_spellings(entries: list[Entry]) -> list[str]:
    """Spellings claimed by more than one entry (each would get two tooltips)."""
    counts = Counter(spelling for entry in entries for spelling in entry.spellings)
    return sorted(spelling for spelling, count in counts.items() if count > 1)


def abbreviations(entries: list[Entry]) -> str:
    """Render entries as Markdown abbreviation definitions.

    Args:
        entries: Glossary entries.

    Returns:
        One `*[spelling]: tooltip` line per spelling.
    """
    lines = []
    for entry in entries:
        for spelling in entry.spellings:
            lines.append(f"*[{spelling}]: {entry.tooltip}")
    return "\n".join(lines) + "\n"


def write_abbreviations(folder: Path, destination: Path) -> list[Entry]:
    """Generate the abbreviations file that pymdownx.snippets appends to every page.

    The file is rewritten only when its content changes: it is part of every page's
    cache key, so an edit to a definition's later sentences re-executes nothing.

    Args:
        folder: The glossary folder.
        destination: The file to write.

    Returns:
        The entries found.
    """
    entries = read_glossary(folder)
    destination.parent.mkdir(parents=True, exist_ok=True)
    content = abbreviations(entries)
    if not destination.is_file() or destination.read_text(encoding="utf-8") != content:
        destination.write_text(content, encoding="utf-8")
    return entries


def index_markdown(entries: list[Entry]) -> str:
    """Render the index page's lists: the topics, then every entry from A to Z.

    Args:
        entries: Glossary entries.

    Returns:
        Markdown with a "By topic" section and an "A-Z" section, linking each entry.
    """
    topics: dict[str, list[Entry]] = {}
    for entry in entries:
        topics.setdefault(entry.page, []).append(entry)
    lines = ["## By topic", ""]
    for page, group in topics.items():
        terms = ", ".join(f"[{e.term}]({page}#{e.anchor})" for e in group)
        lines.append(f"- **[{group[0].topic}]({page})** ({len(group)} terms): {terms}")
    by_letter: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.term.casefold()):
        by_letter.setdefault(entry.term[0].upper(), []).append(entry)
    jump = " · ".join(f"[{letter}](#letter-{letter.lower()})" for letter in by_letter)
    lines += ["", "## A-Z {#a-z}", "", jump, ""]
    for letter, group in by_letter.items():
        lines += [f"### {letter} {{#letter-{letter.lower()}}}", ""]
        lines += [f"- [{e.term}]({e.page}#{e.anchor}) · *{e.topic}*" for e in group]
        lines.append("")
    return "\n".join(lines)
