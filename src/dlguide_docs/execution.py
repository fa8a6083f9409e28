"""Run each page's examples once per build: time them, cache them, record them.

markdown-exec executes `exec="on"` blocks while a page is rendered. This module wraps
its Python formatter so that every block is timed and recorded (the test pass reads the
record instead of running the examples a second time), and so that a page whose inputs
have not changed is served from a cache during `mkdocs serve`. A page's cache entry is
keyed on everything its output depends on: the page's executed fences, every snippet
they include, the `dlguide` sources, the pinned requirements and this pipeline itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

# markdown-exec keeps session globals in a module-level dict; we namespace sessions per
# page and clear a page's sessions before it runs, so a rebuild never sees stale state.
from markdown_exec._internal.formatters import python as _markdown_exec_python
from markupsafe import Markup

from dlguide_docs.fences import find_fences, included_targets

log = logging.getLogger("mkdocs.plugins.dlguide_exec")


@dataclass
class BlockRun:
    """What happened to one executed block.

    Attributes:
        page: The page's path under docs/.
        index: Position of the block among the page's executed blocks, from 0.
        session: The markdown-exec session name as written on the page.
        source: The code as executed (snippet includes expanded).
        seconds: Wall time of the block when it was executed.
        ok: Whether it ran without an error.
        run: The run that executed it: a build's own id, or the test pass's, which every
            process of the pass shares (`DLGUIDE_RUN`).
        executed_on: The date it was executed, ISO format.
        cached: Whether this build served it from the cache instead of running it (in the
            test pass, from the cache that this run's page executions wrote).
    """

    page: str
    index: int
    session: str
    source: str
    seconds: float
    ok: bool
    run: str = ""
    executed_on: str = ""
    cached: bool = False


@dataclass
class PageRun:
    """The executed blocks of one page, and the key its cache entry is stored under."""

    page: str
    key: str
    blocks: list[BlockRun] = field(default_factory=list)
    cached_html: list[dict[str, Any]] | None = None
    html: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Total execution time of the page's examples."""
        return sum(block.seconds for block in self.blocks)


def digest_files(paths: Iterable[Path]) -> str:
    """Hash the names and contents of files, in sorted order.

    Args:
        paths: Files to hash; missing ones are hashed as absent.

    Returns:
        A hex digest.
    """
    hasher = hashlib.sha256()
    for path in sorted(set(paths)):
        hasher.update(str(path).encode())
        hasher.update(path.read_bytes() if path.is_file() else b"<missing>")
    return hasher.hexdigest()


def source_digest(source: str) -> str:
    """Hash one block's source."""
    return hashlib.sha256(source.encode()).hexdigest()


class Executor:
    """Executes, caches and records the Python blocks of every page of one build."""

    def __init__(
        self,
        snippets_base: Path,
        dependencies: list[Path],
        cache_dir: Path | None,
        run: str,
    ) -> None:
        """Prepare an executor.

        Args:
            snippets_base: The base path snippet includes are relative to.
            dependencies: Files every page's output depends on (library sources, lock file).
            cache_dir: Where page results are cached, or None to execute everything.
            run: The id of the run executing, recorded with every block it executes.

        Raises:
            ValueError: If `run` is empty.
        """
        if not run:
            raise ValueError("run must name the executing run, got an empty string")
        self.run = run
        self.snippets_base = snippets_base
        self.dependencies = dependencies
        self.cache_dir = cache_dir
        self.pages: dict[str, PageRun] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self._current: PageRun | None = None
        self._shared_digest = digest_files(dependencies)

    def page_key(self, page: str, markdown: str) -> str:
        """Compute the cache key of a page from everything its output depends on.

        Args:
            page: The page's path under docs/.
            markdown: The page's Markdown source.

        Returns:
            A hex digest.
        """
        included = self._included_files(markdown, seen=set())
        # Only the executed fences, options included: an edit to the prose around them
        # changes nothing they print, so it is served from the cache.
        executed = "\n".join(
            f"{fence.info}\n{fence.content}"
            for fence in find_fences(markdown)
            if fence.is_python and fence.built
        )
        hasher = hashlib.sha256()
        for part in (page, executed, digest_files(included), self._shared_digest):
            hasher.update(part.encode())
        return hasher.hexdigest()

    def _included_files(self, text: str, seen: set[Path]) -> set[Path]:
        for target in included_targets(text):
            path = self.snippets_base / target.partition(":")[0]
            if path in seen:
                continue
            seen.add(path)
            if path.is_file() and path.suffix == ".md":
                self._included_files(path.read_text(encoding="utf-8"), seen)
        return seen

    def start_page(self, page: str, markdown: str) -> None:
        """Begin a page: clear its sessions and look for a cached result.

        Args:
            page: The page's path under docs/.
            markdown: The page's Markdown source.
        """
        sessions = _markdown_exec_python._sessions_globals
        for name in [name for name in sessions if name.startswith(f"{page}::")]:
            del sessions[name]
        run = PageRun(page=page, key=self.page_key(page, markdown))
        cache_file = self._cache_file(run)
        if cache_file is not None and cache_file.is_file():
            run.cached_html = json.loads(cache_file.read_text(encoding="utf-8"))["blocks"]
        self.pages[page] = run
        self._current = run

    def end_page(self) -> PageRun | None:
        """Finish the current page: keep its sessions, store it in the cache if it all ran."""
        run, self._current = self._current, None
        if run is None or not run.blocks:
            return run
        prefix = f"{run.page}::"
        for name, namespace in _markdown_exec_python._sessions_globals.items():
            if name.startswith(prefix):
                self.sessions[name] = namespace
        cache_file = self._cache_file(run)
        fresh = run.cached_html is None and all(block.ok for block in run.blocks)
        if cache_file is not None and fresh:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            entries = [
                asdict(block) | {"html": html, "digest": source_digest(block.source)}
                for block, html in zip(run.blocks, run.html, strict=True)
            ]
            cache_file.write_text(json.dumps({"blocks": entries}), encoding="utf-8")
        return run

    def _cache_file(self, run: PageRun) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{run.page.replace('/', '__')}.{run.key[:20]}.json"

    def wrap(self, formatter: Callable[..., str]) -> Callable[..., str]:
        """Wrap markdown-exec's formatter so each Python block is executed through here.

        Args:
            formatter: markdown-exec's fence formatter.

        Returns:
            A formatter with the same signature.
        """

        def recording_formatter(
            source: str, language: str, css_class: str, options: dict, md: Any, **kwargs: Any
        ) -> str:
            run = self._current
            if run is None or language not in {"python", "py"}:
                return formatter(source, language, css_class, options, md, **kwargs)
            session = options.get("session") or ""
            index = len(run.blocks)
            if run.cached_html is not None:
                return self._replay(run, index, session, source)
            if session:
                options = options | {"session": f"{run.page}::{session}"}
            errors = _WarningCatcher()
            start = time.perf_counter()
            with errors:
                html = formatter(source, language, css_class, options, md, **kwargs)
            seconds = time.perf_counter() - start
            ok = not errors.caught
            run.blocks.append(
                BlockRun(run.page, index, session, source, seconds, ok, self.run, _today())
            )
            run.html.append(str(html))
            return html

        return recording_formatter

    def _replay(self, run: PageRun, index: int, session: str, source: str) -> str:
        entries = run.cached_html or []
        entry = entries[index] if index < len(entries) else None
        if entry is None or entry["digest"] != source_digest(source):
            # The key covers every input we know of; reaching here means it missed one.
            raise RuntimeError(
                f"{run.page}: cached block {index} does not match the page's code; "
                "the cache key is missing a dependency (delete .cache/ to recover)"
            )
        fields = {name: entry[name] for name in ("seconds", "ok", "run", "executed_on")}
        run.blocks.append(BlockRun(run.page, index, session, source, **fields, cached=True))
        run.html.append(entry["html"])
        return Markup(entry["html"])

    def namespace(self, page: str, session: str) -> dict[str, Any]:
        """Return the globals a page's session ended with, for claim tests to read.

        Args:
            page: The page's path under docs/.
            session: The session name written on the page.

        Returns:
            The session's global variables.

        Raises:
            KeyError: If the page ran no such session in this build.
        """
        return self.sessions[f"{page}::{session}"]

    def record(self) -> dict[str, Any]:
        """Return what this build executed, as JSON-ready data."""
        return {
            "pages": {
                page: {"key": run.key, "blocks": [asdict(block) for block in run.blocks]}
                for page, run in self.pages.items()
                if run.blocks
            }
        }


def _today() -> str:
    return date.today().isoformat()


class _WarningCatcher(logging.Handler):
    """Collects warnings logged while one block runs: markdown-exec reports errors so."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.caught: list[logging.LogRecord] = []
        self._logger = logging.getLogger("mkdocs.plugins")

    def emit(self, record: logging.LogRecord) -> None:
        self.caught.append(record)

    def __enter__(self) -> _WarningCatcher:
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._logger.removeHandler(self)
