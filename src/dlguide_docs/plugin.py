"""The `dlguide-exec` MkDocs plugin: executed examples, vendored assets, tooltips, stamps.

List it after `markdown-exec` in mkdocs.yml: it wraps markdown-exec's Python fence.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from dlguide_docs.devices import split_cpu
from dlguide_docs.execution import Executor
from dlguide_docs.glossary import INDEX, INDEX_MARKER, index_markdown, write_abbreviations
from dlguide_docs.links import resolve_md_links
from dlguide_docs.notebooks import FLAG, download_link, page_notebook
from dlguide_docs.stamps import environment, fill_example_seconds, verification_stamp
from dlguide_docs.vendor import add_vendored

# The most recent build in this process: the test pass reads it instead of re-running.
LAST_BUILD: Executor | None = None

# Authoring aid: `DLGUIDE_PAGES="algorithms/rnn.md tutorials/*.md"` builds only the pages
# that match (plus the glossary's index page), into a separate site
# and record, so a page and its claim tests can be tried without executing the rest.
PAGES_VARIABLE = "DLGUIDE_PAGES"
# The test pass executes pages in several processes and builds once from what they cached;
# every block records this id, so the pass can tell its own executions from older ones.
RUN_VARIABLE = "DLGUIDE_RUN"
log = logging.getLogger(f"mkdocs.plugins.{__name__}")


def selected_pages() -> list[str]:
    """The page patterns of a partial build, or an empty list for a full build."""
    return os.environ.get(PAGES_VARIABLE, "").split()


class ExecutedDocsConfig(Config):
    """Options of the plugin, relative paths resolved against mkdocs.yml's folder."""

    cache = config_options.Type(bool, default=True)
    cache_dir = config_options.Type(str, default=".cache/executed")
    record = config_options.Type(str, default="build/execution-record.json")
    snippets_base = config_options.Type(str, default=".")
    dependencies = config_options.ListOfItems(config_options.Type(str), default=[])
    node_modules = config_options.Type(str, default="node_modules")
    glossary = config_options.Type(str, default="glossary")
    abbreviations = config_options.Type(str, default=".cache/generated/abbreviations.md")
    # How many logical devices TensorFlow splits the CPU into, before any page runs.
    logical_cpus = config_options.Type(int, default=1)


class ExecutedDocsPlugin(BasePlugin[ExecutedDocsConfig]):
    """Executes each page's examples once, caches and records them, and stamps the page."""

    dirty = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note a dirty build (`make serve` is one): MkDocs renders only changed pages.

        Defining this hook also keeps one plugin object across `mkdocs serve` rebuilds.
        """
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Wrap markdown-exec's Python fence and generate the glossary tooltips."""
        global LAST_BUILD
        if self.config.logical_cpus < 1:
            raise PluginError("dlguide-exec: logical_cpus must be a positive int")
        split_cpu(self.config.logical_cpus)
        self.root = Path(config.config_file_path).parent
        dependencies = [
            path for pattern in self.config.dependencies for path in sorted(self.root.glob(pattern))
        ]
        # Always part of every page's key: the pipeline itself, the configuration (its
        # Markdown extensions render the output), and the glossary's tooltips (they are
        # applied to the output too; the rest of the glossary is not part of the key).
        self.glossary = Path(config.docs_dir) / self.config.glossary
        abbreviations = self.root / self.config.abbreviations
        self.entries = write_abbreviations(self.glossary, abbreviations)
        # The tooltips go to the abbr extension's own glossary option rather than being
        # appended to each page's source: markdown-exec renders every example's output
        # with the same extensions, and re-parsing a few hundred definitions per output
        # cost about 0.7 s per example.
        abbr = config.mdx_configs.setdefault("abbr", {})
        abbr["glossary"] = {s: e.tooltip for e in self.entries for s in e.spellings}
        dependencies.extend(sorted(Path(__file__).parent.glob("*.py")))
        dependencies.append(Path(config.config_file_path))
        dependencies.append(abbreviations)
        self.executor = Executor(
            snippets_base=self.root / self.config.snippets_base,
            dependencies=dependencies,
            cache_dir=self.root / self.config.cache_dir if self.config.cache else None,
            run=os.environ.get(RUN_VARIABLE) or uuid.uuid4().hex,
        )
        LAST_BUILD = self.executor
        self.record_path = self.root / self.config.record
        # A dirty build renders only the pages that changed; the others' times come from
        # the record of the builds before it, which this one then extends.
        self.earlier: dict[str, Any] = {}
        if self.dirty and self.record_path.is_file():
            self.earlier = json.loads(self.record_path.read_text(encoding="utf-8"))["pages"]
        self.pages = selected_pages()
        if self.pages:
            partial = self.root / "build" / "partial" / _slug(self.pages)
            _configure_partial_build(config, partial, self.pages)
            self.record_path = partial / "execution-record.json"
        fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
        wrapped = 0
        for fence in fences:
            from_markdown_exec = "markdown_exec" in fence["format"].__module__
            if fence.get("name") in {"python", "py"} and from_markdown_exec:
                fence["format"] = self.executor.wrap(fence["format"])
                wrapped += 1
        if not wrapped:
            raise PluginError("dlguide-exec must be listed after markdown-exec in plugins")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Note when the build started, to record how long it took."""
        self.started = time.perf_counter()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add the pinned KaTeX and Mermaid files, and the notebooks of the pages that ask."""
        if self.pages:
            keep = [*self.pages, f"{self.config.glossary}/{INDEX}"]
            for file in list(files.documentation_pages()):
                if not any(fnmatch.fnmatch(file.src_uri, pattern) for pattern in keep):
                    files.remove(file)
        self.notebooks = self._add_notebooks(files, config)
        return add_vendored(files, config, self.root / self.config.node_modules)

    def _add_notebooks(self, files: Files, config: MkDocsConfig) -> dict[str, File]:
        """Generate `<page>.ipynb` beside each page whose front matter says `notebook: true`."""
        env = environment()
        versions = {"TensorFlow": str(env["tensorflow"]), "Keras": str(env["keras"])}
        notebooks = {}
        for page in list(files.documentation_pages()):
            if get_data(page.content_string)[1].get(FLAG) is not True:
                continue
            try:
                content = page_notebook(
                    page.content_string,
                    page_src=page.src_uri,
                    site_url=config.site_url or "",
                    snippets_base=self.root / self.config.snippets_base,
                    versions=versions,
                    page_url=lambda src: File(
                        src, None, "", config.use_directory_urls
                    ).url.removeprefix("./"),
                )
            except ValueError as error:
                raise PluginError(f"no notebook for {page.src_uri}: {error}") from error
            path = page.src_uri.removesuffix(".md") + ".ipynb"  # beside the page's output
            notebooks[page.src_uri] = File.generated(config, path, content=content)
            files.append(notebooks[page.src_uri])
        return notebooks

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Start executing a page (or find it in the cache); fill in the glossary index."""
        if page.file.src_uri == f"{self.config.glossary}/{INDEX}":
            if INDEX_MARKER not in markdown:
                raise PluginError(f"{page.file.src_uri} lacks its marker {INDEX_MARKER}")
            markdown = markdown.replace(INDEX_MARKER, index_markdown(self.entries))
        self.executor.start_page(page.file.src_uri, markdown)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Resolve links in executed output; stamp the page; link its notebook if it has one."""
        html = self._resolve_output_links(html, page, files)
        run = self.executor.end_page()
        stamp = verification_stamp(run, self.executor.run) if run is not None and run.blocks else ""
        notebook = self.notebooks.get(page.file.src_uri)
        if notebook is not None:
            stamp += download_link(notebook.url_relative_to(page.file))
        if not stamp:
            return html
        head, separator, rest = html.partition("</h1>")
        return head + separator + stamp + rest if separator else stamp + html

    def _resolve_output_links(self, html: str, page: Page, files: Files) -> str:
        def url_for(src: str) -> str | None:
            file = files.get_file_from_path(src)
            return file.url_relative_to(page.file) if file is not None else None

        html, missing = resolve_md_links(html, page.file.src_uri, url_for)
        for target in missing:
            # A warning, which --strict turns into a failed build; in a partial build the
            # page may only have been left out.
            level = logging.DEBUG if self.pages else logging.WARNING
            log.log(
                level,
                "%s: executed output links to %s, which is not a page",
                page.file.src_uri,
                target,
            )
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Fill in example times quoted from other pages, now that every page has run."""
        return fill_example_seconds(
            output, self.executor, partial=bool(self.pages), earlier=self.earlier
        )

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write what this build executed, for the test pass and the benchmark."""
        record = self.executor.record()
        record["pages"] = {**self.earlier, **record["pages"]}
        record["environment"] = environment()
        record["build_seconds"] = time.perf_counter() - self.started
        self.record_path.parent.mkdir(parents=True, exist_ok=True)
        self.record_path.write_text(json.dumps(record, indent=1), encoding="utf-8")


def _slug(pages: list[str]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", " ".join(pages)).strip("-")


def _configure_partial_build(config: MkDocsConfig, folder: Path, pages: list[str]) -> None:
    """Build only `pages`, into `folder`: links to the pages left out are not errors."""
    config.site_dir = str(folder / "site")
    for group in ("nav", "links"):
        for check in config.validation[group]:
            config.validation[group][check] = logging.DEBUG
    log.info("%s is set: building only %s", PAGES_VARIABLE, " ".join(pages))
