"""pytest support for the docs pass: one strict build, every fence accounted for.

- `site_build` (session fixture) runs `mkdocs build --strict` in this process with the
  execution cache off, so every example on the site runs exactly once in the pass, and
  TensorFlow is imported once per worker.
- pytest-markdown-docs collects the Python fences of docs/, README.md and the docstrings
  of src/dlguide, through a parser that sees fences nested in admonitions and tabs. A
  fence the build executes (`exec="on"`) becomes a test of the build's record for it
  instead of being run again; a `.notest` fence is deselected (the coverage check makes
  sure it states a reason); any other fence is executed, with snippet includes expanded.
- Everything that depends on the build runs in one xdist group, in the worker that built.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, register_runner
from pytest_markdown_docs.plugin import (
    MarkdownDocstringCodeModule,
    MarkdownInlinePythonItem,
    MarkdownTextFile,
)

from dlguide_docs import handoff
from dlguide_docs.fences import Fence, dedent_containers, expand_includes, find_fences

DOCS_GROUP = "docs"
# Tests that only read the built site, which may run in the other worker (see handoff).
SITE_GROUP = "site"
TICKET = Path("build") / "site-ticket.json"
# How long a `site` test waits for the other worker's build before failing (a full build
# takes 3 to 5 minutes here).
TICKET_TIMEOUT = 15 * 60
ROOT = Path(__file__).resolve().parents[2]

# Sources of the plain fences executed in this pass, by source file, for the coverage check.
EXECUTED_FENCES: dict[Path, list[str]] = defaultdict(list)
# (file, opening line) -> position among that file's built fences.
_BUILT_POSITION: dict[tuple[Path, int], int] = {}
# The build this worker made; set by the `site_build` fixture.
_BUILD: list[SiteBuild] = []
_STARTED = pytest.StashKey[float]()
_RUN = pytest.StashKey[str]()
# Whether this run collected docs items, i.e. whether some worker will build the site.
_DOCS_COLLECTED = pytest.StashKey[bool]()


@dataclass
class SiteBuild:
    """The strict build this pass made, and what it executed.

    Attributes:
        site_dir: The built site.
        record: The build's execution record.
        executor: The executor that ran the examples (it holds each session's globals).
        warnings: What MkDocs logged at WARNING or above.
        site_url: The address the site was built for: a port of 127.0.0.1 reserved for
            it, under the published path, so the browser tests serve it where it expects
            to be (Material's instant navigation only follows links whose origin, port
            included, is the one in the sitemap), as `mkdocs serve` does.
    """

    site_dir: Path
    record: dict[str, Any]
    executor: Any
    warnings: list[str] = field(default_factory=list)
    site_url: str = ""

    def namespace(self, page: str, session: str) -> dict[str, Any]:
        """Return the globals a page's session ended with."""
        return self.executor.namespace(page, session)


class _ContainerAwareMarkdownIt(MarkdownIt):
    """CommonMark, after lifting admonition and tab bodies out of their indentation."""

    def parse(self, src: str, env: Any = None) -> Any:
        return super().parse(dedent_containers(src), env)


@pytest.hookimpl
def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    """Let pytest-markdown-docs see fences nested in admonitions and content tabs."""
    return _ContainerAwareMarkdownIt("commonmark")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect page fences, README fences and docstring fences of the teaching package."""
    relative = file_path.relative_to(parent.config.rootpath)
    if file_path.suffix == ".md" and (relative.parts[0] == "docs" or relative == Path("README.md")):
        return MarkdownTextFile.from_parent(parent, path=file_path)
    if file_path.suffix == ".py" and relative.parts[:2] == ("src", "dlguide"):
        return MarkdownDocstringCodeModule.from_parent(parent, path=file_path)
    return None


def _fences_by_line(path: Path, cache: dict[Path, dict[int, Fence]]) -> dict[int, Fence]:
    if path not in cache:
        fences = find_fences(path.read_text(encoding="utf-8")) if path.suffix == ".md" else []
        cache[path] = {fence.line: fence for fence in fences}
        built = [fence for fence in fences if fence.is_python and fence.built]
        for position, fence in enumerate(built):
            _BUILT_POSITION[(path, fence.line)] = position
    return cache[path]


@pytest.hookimpl(tryfirst=True)  # before xdist turns xdist_group markers into node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Route each fence to the build record or the runner; group what needs the build."""
    fence_cache: dict[Path, dict[int, Fence]] = {}
    kept, deselected, last = [], [], []
    for item in items:
        if isinstance(item, MarkdownInlinePythonItem):
            item.add_marker(pytest.mark.xdist_group(DOCS_GROUP))
            fence = _fences_by_line(item.path, fence_cache).get(item.start_line)
            if fence is not None and fence.not_to_run:
                deselected.append(item)
                continue
            if fence is not None and fence.built:
                item.runner_name = "built"
                item.add_marker(pytest.mark.usefixtures("site_build"))
        elif item.get_closest_marker("site") is not None:
            item.add_marker(pytest.mark.xdist_group(SITE_GROUP))
        elif item.get_closest_marker("build") is not None:
            item.add_marker(pytest.mark.xdist_group(DOCS_GROUP))
            if item.get_closest_marker("after_examples") is not None:
                last.append(item)
                continue
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    items[:] = kept + last
    config.stash[_DOCS_COLLECTED] = any(
        marker.args == (DOCS_GROUP,)
        for item in items
        for marker in item.iter_markers("xdist_group")
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail loudly if pytest-xdist did not group the docs items onto one worker.

    Two workers would each run the whole build: twice the time, and two builds writing
    the same site/ folder at once.
    """
    if not session.config.getoption("loadgroup", default=False):
        return
    ungrouped = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid
    ]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist's loadgroup left {len(ungrouped)} grouped items ungrouped "
            f"(first: {ungrouped[0]}); this pytest and pytest-xdist do not work together"
        )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers this plugin gives meaning to."""
    config.addinivalue_line("markers", "build: needs the executed strict build of the site")
    # Declared here too so that a run without xdist (-p no:xdist) accepts the marker.
    config.addinivalue_line("markers", "xdist_group(name): run in one pytest-xdist worker")
    config.addinivalue_line(
        "markers", "after_examples: runs after every example of the pass (coverage checks)"
    )
    config.addinivalue_line(
        "markers", "site: reads the built site only; may run in another worker than the build"
    )
    workerinput = getattr(config, "workerinput", None)
    config.stash[_RUN] = workerinput["testrunuid"] if workerinput else uuid.uuid4().hex


@register_runner(default=True)
class ExpandingRunner(DefaultRunner):
    """Runs a plain fence as the page shows it: snippet includes expanded first."""

    def runtest(self, test: Any, args: dict[str, Any], **kwargs: Any) -> None:
        """Execute the fence with its includes expanded, and remember what ran."""
        source = expand_includes(test.source, ROOT)
        super().runtest(dataclasses.replace(test, source=source), args, **kwargs)
        EXECUTED_FENCES[Path(test.source_path)].append(source)


@register_runner()
class built(DefaultRunner):  # noqa: N801 - the name is the fence option `runner:built`
    """Checks the build's record of a fence it executed, instead of executing it again."""

    def runtest(self, test: Any, args: dict[str, Any], **kwargs: Any) -> None:
        """Assert that the build ran this fence, without error, in this pass."""
        (site,) = _BUILD  # the item's usefixtures("site_build") made the build first
        path = Path(test.source_path)
        page = path.relative_to(ROOT / "docs").as_posix()
        position = _BUILT_POSITION[(path, test.start_line)]
        blocks = site.record["pages"].get(page, {}).get("blocks", [])
        assert position < len(blocks), (
            f"{page}: the build executed {len(blocks)} blocks, "
            f"but the fence at line {test.start_line} is number {position + 1}"
        )
        block = blocks[position]
        assert block["ok"], f"{page}: block {position + 1} failed in the build"
        assert not block["cached"], f"{page}: block {position + 1} came from a cache"
        assert block["seconds"] > 0, f"{page}: block {position + 1} did not run"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember when the pass started, to tell a fresh build record from an old one."""
    session.config.stash[_STARTED] = time.time()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Report the build's time and its examples' time at the end of the pass."""
    record_path = ROOT / "build" / "execution-record.json"
    started = config.stash.get(_STARTED, None)
    if started is None or not record_path.is_file() or record_path.stat().st_mtime < started:
        return
    record = json.loads(record_path.read_text(encoding="utf-8"))
    blocks = [block for page in record["pages"].values() for block in page["blocks"]]
    terminalreporter.write_sep("-", "docs build")
    terminalreporter.write_line(
        f"strict build {record.get('build_seconds', float('nan')):.1f} s, of which "
        f"{sum(block['seconds'] for block in blocks):.1f} s ran {len(blocks)} examples "
        f"on {len(record['pages'])} pages"
    )
    for page, entry in sorted(record["pages"].items()):
        seconds = sum(block["seconds"] for block in entry["blocks"])
        terminalreporter.write_line(f"  {seconds:6.1f} s  {page}")


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest, site_build: SiteBuild) -> dict[str, Any]:
    """The globals of the page session a claim-test module names in PAGE and SESSION."""
    return site_build.namespace(request.module.PAGE, request.module.SESSION)


@pytest.fixture(scope="session")
def site_build(request: pytest.FixtureRequest) -> SiteBuild:
    """Run the strict build once in this worker, executing every example without a cache.

    The site is built for a port of 127.0.0.1 reserved during the build; when it ends,
    the port is released for the browser tests' server, and a ticket tells the other
    worker where the site is.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from dlguide_docs import plugin

    os.environ["DLGUIDE_EXEC_CACHE"] = "false"
    run, ticket = request.config.stash[_RUN], ROOT / TICKET
    listener = handoff.reserve_port()
    published = urlparse(load_config(str(ROOT / "mkdocs.yml")).site_url)
    site_url = f"http://127.0.0.1:{listener.getsockname()[1]}{published.path}"
    caught = _Collector()
    logging.getLogger("mkdocs").addHandler(caught)
    try:
        config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_url=site_url)
        build(config)
    except Abort as error:
        message = f"strict build failed: {error}\n" + "\n".join(caught.messages)
        handoff.write_ticket(ticket, run, error=message)
        pytest.fail(message, pytrace=False)
    except BaseException as error:
        # Any other failure too, or the other worker would wait for a ticket in vain.
        handoff.write_ticket(ticket, run, error=f"the build raised {error!r}")
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(caught)
        listener.close()
    record_path = config.plugins["dlguide-exec"].record_path
    _BUILD.append(
        SiteBuild(
            site_dir=Path(config.site_dir),
            record=json.loads(record_path.read_text(encoding="utf-8")),
            executor=plugin.LAST_BUILD,
            warnings=caught.messages,
            site_url=config.site_url,
        )
    )
    handoff.write_ticket(
        ticket, run, site_dir=str(config.site_dir), site_url=config.site_url,
        record=str(record_path), warnings=caught.messages,
    )  # fmt: skip
    return _BUILD[0]


@pytest.fixture(scope="session")
def built_site(request: pytest.FixtureRequest) -> SiteBuild:
    """The site this pass built, for tests that only read it (marked `site`).

    In the worker that built it, that build. In another worker, what the builder's ticket
    names (its executor stays with the builder). With no docs items in the run, or without
    xdist, this worker builds it.
    """
    if _BUILD:
        return _BUILD[0]
    docs_collected = request.config.stash.get(_DOCS_COLLECTED, False)
    if not hasattr(request.config, "workerinput") or not docs_collected:
        return request.getfixturevalue("site_build")
    ticket = handoff.wait_for_ticket(ROOT / TICKET, request.config.stash[_RUN], TICKET_TIMEOUT)
    if "error" in ticket:
        pytest.fail(f"the other worker's build failed:\n{ticket['error']}", pytrace=False)
    return SiteBuild(
        site_dir=Path(ticket["site_dir"]),
        record=json.loads(Path(ticket["record"]).read_text(encoding="utf-8")),
        executor=None,
        warnings=ticket["warnings"],
        site_url=ticket["site_url"],
    )


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")
