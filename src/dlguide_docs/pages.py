"""Execute one page at a time, exactly as the build renders it: the pass's unit of parallel work.

The test pass runs pages in both pytest-xdist workers. A `PageRunner` loads the MkDocs
configuration once per process, runs the plugins' start-up events, and renders a page
through MkDocs' own page pipeline (`on_pre_page`, `on_page_markdown`, render,
`on_page_content`). The `dlguide-exec` plugin executes its examples and stores the
result in its cache; the strict build that follows replays it instead of running it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlguide_docs.execution import PageRun


class PageRunner:
    """Renders single pages of one MkDocs configuration, each page at most once."""

    def __init__(self, config_file: Path, **overrides: Any) -> None:
        """Load the configuration and run the plugins' start-up events.

        Args:
            config_file: The site's mkdocs.yml.
            **overrides: Configuration values to override, as `load_config` takes them.

        Raises:
            ValueError: If `config_file` is not a file.
        """
        from mkdocs.config import load_config
        from mkdocs.structure.files import get_files

        if not Path(config_file).is_file():
            raise ValueError(f"config_file must be an existing mkdocs.yml, got {config_file}")
        config = load_config(str(config_file), **overrides)
        config.plugins.on_startup(command="build", dirty=False)
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        self.config = config
        self.files = config.plugins.on_files(get_files(config), config=config)
        self.executor = config.plugins["dlguide-exec"].executor

    def run(self, src: str) -> PageRun:
        """Execute the examples of the page `src` (a path under docs/), once per runner.

        Returns:
            What the page executed; its sessions' globals stay in `self.executor`.

        Raises:
            ValueError: If `src` is not a page of the site.
        """
        from mkdocs.commands.build import _populate_page
        from mkdocs.structure.pages import Page

        if src in self.executor.pages:
            return self.executor.pages[src]
        file = self.files.get_file_from_path(src)
        if file is None or not file.is_documentation_page():
            raise ValueError(f"src must be a page under docs/, got {src!r}")
        _populate_page(Page(None, file, self.config), self.config, self.files)
        return self.executor.pages[src]

    def namespace(self, page: str, session: str) -> dict[str, Any]:
        """Return the globals a page's session ended with, executing the page first if needed."""
        self.run(page)
        return self.executor.namespace(page, session)
