"""Find the code fences of a Markdown page the way the site renders them.

The build (pymdownx.superfences) sees fences nested in admonitions and content tabs;
a plain CommonMark parser sees only top-level ones. Everything here that reads page
sources (the pytest collector, the coverage check) goes through `find_fences`, so a
fence inside a tab is never skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

# Admonitions (!!! / ??? / ???+) and content tabs (===) open an indented container.
_CONTAINER = re.compile(r"^(?:!!!|\?\?\?\+?|===)(?:\s|$)")
_INCLUDE = re.compile(r"""^(?P<indent>\s*)--8<--\s+["'](?P<target>[^"']+)["']\s*$""")
_SECTION_MARK = re.compile(r"#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]")
_EXEC_OPTION = re.compile(r"""\bexec=["']?(?:on|1|true|yes)["']?""", re.IGNORECASE)
_REASON = re.compile(r"""data-reason=["'](?P<reason>[^"']*)["']""")
_SESSION = re.compile(r"""\bsession=["']?(?P<name>[^"'\s}]+)""")
_HTML_OPTION = re.compile(r"""\bhtml=["']?(?:on|1|true|yes)\b""", re.IGNORECASE)

PYTHON_LANGUAGES = frozenset({"py", "python", "python3"})
# Languages that are rendered rather than run, so they carry no not-to-run reason.
RENDERED_LANGUAGES = frozenset({"mermaid", "math"})


@dataclass(frozen=True)
class Fence:
    """One fenced block of a Markdown source.

    Attributes:
        language: The fence language (`python`, `bash`, ...), empty if none.
        info: The full info string after the backticks.
        line: 1-based line of the opening backticks in the source file.
        content: The fence body, dedented out of any container.
    """

    language: str
    info: str
    line: int
    content: str

    @property
    def is_python(self) -> bool:
        """Whether the block is Python code."""
        return self.language in PYTHON_LANGUAGES

    @property
    def built(self) -> bool:
        """Whether the build executes it (a markdown-exec `exec="on"` block)."""
        return bool(_EXEC_OPTION.search(self.info))

    @property
    def session(self) -> str:
        """The markdown-exec session the block runs in, or an empty string for none."""
        match = _SESSION.search(self.info)
        return match["name"] if match else ""

    @property
    def prints_html(self) -> bool:
        """Whether markdown-exec places what the block prints as HTML (`html="on"`)."""
        return _HTML_OPTION.search(self.info) is not None

    @property
    def not_to_run(self) -> bool:
        """Whether the page marks it as not to be executed (`.notest`)."""
        return ".notest" in self.info.split()

    @property
    def reason(self) -> str:
        """The reason a not-to-run block gives, or an empty string."""
        match = _REASON.search(self.info)
        return match.group("reason").strip() if match else ""


def dedent_containers(text: str) -> str:
    """Lift blocks out of admonitions and tabs, keeping every line number.

    Args:
        text: Markdown source.

    Returns:
        The same number of lines, container markers blanked and their bodies dedented.
    """
    out: list[str] = []
    open_indents: list[int] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append("")
            continue
        indent = len(line) - len(line.lstrip(" "))
        while open_indents and indent <= open_indents[-1]:
            open_indents.pop()
        depth = len(open_indents)
        stripped = line[min(indent, 4 * depth) :]
        if _CONTAINER.match(stripped):
            open_indents.append(indent)
            out.append("")
        else:
            out.append(stripped)
    return "\n".join(out)


def find_fences(text: str) -> list[Fence]:
    """Return every fenced block of a page, nested ones included, in page order.

    Args:
        text: Markdown source.

    Returns:
        The fences, with 1-based opening line numbers.
    """
    tokens = MarkdownIt("commonmark").parse(dedent_containers(text))
    fences = []
    for token in tokens:
        if token.type != "fence" or not token.map:
            continue
        info = token.info.strip()
        fences.append(
            Fence(
                language=_language(info),
                info=info,
                line=token.map[0] + 1,
                content=token.content,
            )
        )
    return fences


def _language(info: str) -> str:
    if info.startswith("{"):
        classes = [part[1:] for part in info.strip("{} ").split() if part.startswith(".")]
        return classes[0] if classes else ""
    return info.split()[0] if info else ""


def expand_includes(source: str, base_dir: Path) -> str:
    """Replace `--8<-- "file:section"` lines with the code they include.

    Args:
        source: Code that may hold pymdownx.snippets include lines.
        base_dir: The directory include paths are relative to (the snippets base path).

    Returns:
        The code with every include expanded, as the built page shows it.

    Raises:
        ValueError: If an included file or named section does not exist.
    """
    lines = []
    for line in source.split("\n"):
        match = _INCLUDE.match(line)
        if match is None:
            lines.append(line)
            continue
        included = read_section(base_dir, match.group("target"))
        lines.extend(match.group("indent") + part if part else part for part in included)
    return "\n".join(lines)


def read_section(base_dir: Path, target: str) -> list[str]:
    """Read a whole snippet file, or one named section of it, without marker lines.

    Args:
        base_dir: The snippets base path.
        target: `path` or `path:section`, as written after `--8<--`.

    Returns:
        The included lines.

    Raises:
        ValueError: If the file or section does not exist.
    """
    path_text, _, section = target.partition(":")
    path = base_dir / path_text
    if not path.is_file():
        raise ValueError(f"included file {path_text!r} does not exist under {base_dir}")
    lines = path.read_text(encoding="utf-8").split("\n")
    if section:
        lines = _section_lines(lines, section, path_text)
    return [line for line in lines if not _SECTION_MARK.search(line)]


def _section_lines(lines: list[str], section: str, path_text: str) -> list[str]:
    inside, found, picked = False, False, []
    for line in lines:
        mark = _SECTION_MARK.search(line)
        if mark and mark.group("name") == section:
            inside = mark.group("kind") == "start"
            found = found or inside
            continue
        if inside:
            picked.append(line)
    if not found:
        raise ValueError(f"section {section!r} not found in {path_text}")
    return picked


def included_targets(text: str) -> list[str]:
    """List the snippet targets (`path` or `path:section`) a page includes.

    Args:
        text: Markdown source.

    Returns:
        The targets, in order of appearance.
    """
    return [
        match.group("target")
        for match in map(_INCLUDE.match, text.split("\n"))
        if match is not None
    ]


def code_lines(text: str) -> set[str]:
    """Return the non-blank, non-comment lines of code, stripped, for coverage matching.

    Args:
        text: Python source.

    Returns:
        The set of meaningful lines.
    """
    return {
        line.strip()
        for line in text.split("\n")
        if line.strip() and not line.strip().startswith("#")
    }
