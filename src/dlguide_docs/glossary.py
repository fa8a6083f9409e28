"""Turn the glossary's entries into tooltips (Markdown abbreviations) for every page.

An entry in docs/glossary/ is a `### Term {#anchor}` heading, optionally followed by
`<!-- abbr: Other spelling, ABBR -->`, then a definition paragraph. Its first sentence
becomes the tooltip of the term and of its other spellings, so tooltips and glossary
are generated from one source and cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HEADING = re.compile(r"^###\s+(?P<term>.+?)\s*\{#(?P<anchor>[\w-]+)\}\s*$")
_ALIASES = re.compile(r"^<!--\s*abbr:\s*(?P<aliases>.+?)\s*-->\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Entry:
    """One glossary entry: its term, anchor, other spellings and definition."""

    term: str
    anchor: str
    aliases: tuple[str, ...]
    definition: str

    @property
    def tooltip(self) -> str:
        """The definition's first sentence, as plain text."""
        plain = _MARKUP.sub("", _LINK.sub(r"\1", self.definition))
        return _SENTENCE_END.split(plain, maxsplit=1)[0].strip()


def parse_entries(text: str) -> list[Entry]:
    """Read the entries of a glossary page.

    Args:
        text: The glossary page's Markdown.

    Returns:
        The entries in page order.
    """
    entries = []
    lines = text.split("\n")
    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        aliases: tuple[str, ...] = ()
        paragraph: list[str] = []
        for following in lines[number + 1 :]:
            alias_match = _ALIASES.match(following.strip())
            if alias_match and not paragraph:
                aliases = tuple(a.strip() for a in alias_match.group("aliases").split(","))
            elif following.strip() and not following.startswith("#"):
                paragraph.append(following.strip())
            elif paragraph or following.startswith("#"):
                break
        entries.append(
            Entry(heading.group("term"), heading.group("anchor"), aliases, " ".join(paragraph))
        )
    return entries


def abbreviations(entries: list[Entry]) -> str:
    """Render entries as Markdown abbreviation definitions.

    Args:
        entries: Glossary entries.

    Returns:
        One `*[term]: tooltip` line per spelling.
    """
    lines = []
    for entry in entries:
        for spelling in (entry.term, *entry.aliases):
            lines.append(f"*[{spelling}]: {entry.tooltip}")
    return "\n".join(lines) + "\n"


def write_abbreviations(glossary: Path, destination: Path) -> list[Entry]:
    """Generate the abbreviations file that pymdownx.snippets appends to every page.

    Args:
        glossary: The glossary page.
        destination: The file to write.

    Returns:
        The entries found.
    """
    entries = parse_entries(glossary.read_text(encoding="utf-8"))
    destination.parent.mkdir(parents=True, exist_ok=True)
    content = abbreviations(entries)
    if not destination.is_file() or destination.read_text(encoding="utf-8") != content:
        destination.write_text(content, encoding="utf-8")
    return entries
