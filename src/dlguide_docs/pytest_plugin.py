"""pytest support for the docs pass: every example executed once, in both workers.

- Each page with examples is a pytest-xdist group of its own (`page:<path>`): its
  executed fences and its claim tests. The first of them executes the page in that
  worker (`dlguide_docs.pages.PageRunner`), which stores the result in this run's own
  cache (`build/pass/<run>/cache`) and writes the page's ticket; the claim tests read the
  page's sessions in the same process. The longest pages are scheduled first.
- `site_build` (session fixture) runs `mkdocs build --strict` in one worker, after every
  page's ticket has arrived: the build replays each page from this run's cache instead of
  executing it again, and fails on anything else a strict build fails on. The other
  worker waits for the site's ticket. The replayed pages are then copied to `.cache/`, so
  `mkdocs serve` and `make build` start warm after a pass.
- pytest-markdown-docs collects the Python fences of docs/, README.md and the docstrings
  of src/dlguide, through a parser that sees fences nested in admonitions and tabs. A
  fence the build executes (`exec="on"`) becomes a test of its page's execution instead
  of being run again; a `.notest` fence is deselected (the coverage check makes sure it
  states a reason); any other fence is executed, with snippet includes expanded, in the
  `fences` group, which ends with the coverage check.
- Collection order is the schedule: pages (longest first), then unit tests, then the
  fences group, then the tests that read the built site (one group per module).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
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

ROOT = Path(__file__).resolve().parents[2]
PAGE_GROUP = "page:"
FENCES_GROUP = "fences"
SITE_GROUP = "site:"
# This run's tickets and cache: build/pass/<run>/. Older runs' folders are removed.
PASS_DIR = ROOT / "build" / "pass"
# How long a worker waits for the other's pages or build before failing (a full pass
# takes 5 to 8 minutes here).
TICKET_TIMEOUT = 15 * 60
# Where the build's cache lives outside the pass; the pass copies what it executed there.
AUTHORING_CACHE = ROOT / ".cache" / "executed"
# Seconds per page, to schedule the longest pages first: this machine's last record, or
# the benchmark's committed one on a fresh clone.
PAGE_SECONDS = (ROOT / "build" / "execution-record.json", ROOT / "bench" / "page-seconds.json")

# Sources of the plain fences executed in this pass, by source file, for the coverage check.
EXECUTED_FENCES: dict[Path, list[str]] = defaultdict(list)
# (file, opening line) -> position among that file's built fences.
_BUILT_POSITION: dict[tuple[Path, int], int] = {}
# This worker's page runner and build; set by the `page_runner` and `site_build` fixtures.
_RUNNER: list[Any] = []
_BUILD: list[SiteBuild] = []
_STARTED = pytest.StashKey[float]()
# This process's timeline: when each running test started, how long each took, and how
# long it waited for the other worker (by what it waited for).
_STARTS: dict[str, float] = {}
_BUSY: list[float] = []
_WAITED: dict[str, float] = defaultdict(float)
_RUN = pytest.StashKey[str]()
# The pages whose items this run collected: the build waits for each one's ticket.
_PAGES = pytest.StashKey[frozenset[str]]()


def pass_run(config: pytest.Config) -> str:
    """The id of this pass, the same in every worker (pytest-xdist's test run id)."""
    return config.stash[_RUN]


def run_dir(run: str) -> Path:
    """The folder of one pass's tickets and cache."""
    return PASS_DIR / run


def page_ticket(run: str, page: str, kind: str = "pages") -> Path:
    """The ticket a worker writes in pass `run` about `page`.

    Args:
        run: The pass.
        page: The page's path under docs/.
        kind: "pages" once it has executed the page; "facts" for what the page's claim
            module exports.
    """
    return run_dir(run) / kind / (page.replace("/", "__") + ".json")


@dataclass
class SiteBuild:
    """The strict build this pass made, and what it executed.

    Attributes:
        site_dir: The built site.
        record: The build's execution record.
        warnings: What MkDocs logged at WARNING or above.
        site_url: The address the site was built for: a port of 127.0.0.1 reserved for
            it, under the published path, so the browser tests serve it where it expects
            to be (Material's instant navigation only follows links whose origin, port
            included, is the one in the sitemap), as `mkdocs serve` does.
        record_path: Where the record was written.
    """

    site_dir: Path
    record: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    site_url: str = ""
    record_path: Path = ROOT / "build" / "execution-record.json"


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
    """Route each fence to its page's execution or the runner; group and order the pass."""
    fence_cache: dict[Path, dict[int, Fence]] = {}
    pages: dict[str, list[pytest.Item]] = defaultdict(list)
    others, fences, checks, readers, deselected = [], [], [], [], []
    for item in items:
        fence = None
        if isinstance(item, MarkdownInlinePythonItem):
            fence = _fences_by_line(item.path, fence_cache).get(item.start_line)
        page = _page_of(item, fence)
        if page is not None:
            item.add_marker(pytest.mark.xdist_group(PAGE_GROUP + page))
            if fence is not None:  # an executed fence: checked against its page's run
                item.runner_name = "built"
                item.add_marker(pytest.mark.usefixtures("page_runner"))
            pages[page].append(item)
        elif fence is not None and fence.not_to_run:
            deselected.append(item)
        elif isinstance(item, MarkdownInlinePythonItem):
            item.add_marker(pytest.mark.xdist_group(FENCES_GROUP))
            fences.append(item)
        elif item.get_closest_marker("after_examples") is not None:
            item.add_marker(pytest.mark.xdist_group(FENCES_GROUP))
            checks.append(item)
        elif item.get_closest_marker("site") or item.get_closest_marker("build"):
            # One group per module, so module fixtures are made once; the modules that
            # serve the site at the address it was built for share one group, since one
            # worker at a time can hold that port.
            shared = not getattr(getattr(item, "module", None), "SERVES_ITS_OWN_SITE", False)
            served = shared and "local_site" in getattr(item, "fixturenames", ())
            group = "served" if served else item.path.stem
            item.add_marker(pytest.mark.xdist_group(SITE_GROUP + group))
            readers.append(item)
        else:
            others.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    seconds = _page_seconds()
    longest_first = sorted(pages, key=lambda page: (-seconds.get(page, 0.0), page))
    items[:] = [
        *(item for page in longest_first for item in pages[page]),
        *others, *fences, *checks, *readers,
    ]  # fmt: skip


def _page_of(item: pytest.Item, fence: Fence | None) -> str | None:
    """The page an item belongs to: an executed fence of it, or a claim test naming it."""
    if isinstance(item, MarkdownInlinePythonItem):
        return item.path.relative_to(ROOT / "docs").as_posix() if fence and fence.built else None
    module = getattr(item, "module", None)
    if item.get_closest_marker("build") is not None and hasattr(module, "PAGE"):
        return module.PAGE
    return None


def _page_seconds() -> dict[str, float]:
    """Each page's example time: the committed table, updated by this machine's last record."""
    seconds: dict[str, float] = {}
    for path in reversed(PAGE_SECONDS):  # the committed table first, the record over it
        if path.is_file():
            pages = json.loads(path.read_text(encoding="utf-8"))["pages"]
            seconds |= {
                page: sum(block["seconds"] for block in entry["blocks"])
                for page, entry in pages.items()
            }
    return seconds


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the pages this run executes; fail loudly if xdist would not keep our schedule.

    Without its grouping, two workers would execute the same page; with its default
    reordering (largest group first), a worker could wait for a page queued behind it.
    """
    session.config.stash[_PAGES] = frozenset(
        marker.args[0].removeprefix(PAGE_GROUP)
        for item in session.items
        for marker in item.iter_markers("xdist_group")
        if marker.args and marker.args[0].startswith(PAGE_GROUP)
    )
    if not session.config.getoption("loadgroup", default=False):
        return
    if session.config.getoption("loadscopereorder", default=False):
        raise pytest.UsageError(
            "the docs pass schedules its own order: run it with --no-loadscope-reorder"
        )
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
    run = workerinput["testrunuid"] if workerinput else uuid.uuid4().hex
    if workerinput is None and getattr(config.option, "testrunuid", "") is None:
        config.option.testrunuid = run  # pytest-xdist gives its workers this id, not one of its own
    config.stash[_RUN] = run
    if workerinput is None:
        # The controller (or a run without xdist) starts before any worker: no folder
        # here belongs to a worker of this run yet.
        shutil.rmtree(PASS_DIR, ignore_errors=True)
    else:
        # Each worker's TensorFlow gets its share of the cores (read when it starts), so
        # the workers' thread pools do not oversubscribe them.
        threads = str(max(1, (os.cpu_count() or 1) // int(workerinput["workercount"])))
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", threads)
        os.environ.setdefault("TF_NUM_INTEROP_THREADS", threads)
    # Read by the plugin when a worker loads mkdocs.yml: blocks record the run that
    # executed them, and the cache is this run's own, so nothing older is replayed.
    os.environ.update(
        DLGUIDE_RUN=run,
        DLGUIDE_EXEC_CACHE="true",
        DLGUIDE_EXEC_CACHE_DIR=str(run_dir(run) / "cache"),
    )


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
    """Checks a fence its page executed in this worker, instead of executing it again."""

    def runtest(self, test: Any, args: dict[str, Any], **kwargs: Any) -> None:
        """Assert that this pass's execution of the page ran this fence without error."""
        (runner,) = _RUNNER  # the item's usefixtures("page_runner") made it first
        path = Path(test.source_path)
        page = path.relative_to(ROOT / "docs").as_posix()
        position = _BUILT_POSITION[(path, test.start_line)]
        blocks = execute_page(runner, page).blocks
        assert position < len(blocks), (
            f"{page}: its execution ran {len(blocks)} blocks, "
            f"but the fence at line {test.start_line} is number {position + 1}"
        )
        block = blocks[position]
        assert block.ok, f"{page}: block {position + 1} failed"
        assert not block.cached, f"{page}: block {position + 1} came from a cache"
        assert block.run == runner.executor.run, f"{page}: block {position + 1} is not this run's"
        assert block.seconds > 0, f"{page}: block {position + 1} did not run"


def execute_page(runner: Any, page: str) -> Any:
    """Execute `page` in this worker, once per pass, and write its ticket.

    Raises:
        RuntimeError: If another process of this pass has already executed the page
            (grouping failed: every example must run exactly once).
    """
    if page in runner.executor.pages:
        return runner.executor.pages[page]
    ticket = page_ticket(runner.executor.run, page)
    if not handoff.claim(ticket.with_suffix(".claim")):
        raise RuntimeError(f"{page} was already executed by another process of this pass")
    try:
        executed = runner.run(page)
    except BaseException as error:
        # The builder waits for this ticket; without it, it would wait in vain.
        handoff.write_ticket(ticket, runner.executor.run, error=f"{page} raised {error!r}")
        raise
    handoff.write_ticket(
        ticket, runner.executor.run, page=page, blocks=len(executed.blocks),
        ok=all(block.ok for block in executed.blocks), worker=_worker(),
    )  # fmt: skip
    return executed


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember when the pass started, to tell a fresh build record from an old one."""
    session.config.stash[_STARTED] = time.time()


def _wait(ticket: Path, run: str, what: str) -> dict[str, Any]:
    """Wait for a ticket of this run, and add the time spent to this worker's waits."""
    started = time.monotonic()
    try:
        return handoff.wait_for_ticket(ticket, run, TICKET_TIMEOUT)
    finally:
        _WAITED[what] += time.monotonic() - started


def pytest_runtest_logstart(nodeid: str, location: tuple) -> None:
    """Note when a test starts (its setup included), for the pass's timeline."""
    _STARTS[nodeid] = time.time()


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    """Note when a test ends (its teardown included)."""
    if nodeid in _STARTS:
        _BUSY.append(time.time() - _STARTS.pop(nodeid))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write this worker's timeline: how long its tests took, and how long it waited."""
    # pytest-xdist's controller hears of every worker's tests too; only workers report.
    controller = session.config.pluginmanager.has_plugin("dsession")
    if not _BUSY or controller:
        return
    path = run_dir(pass_run(session.config)) / f"timeline-{_worker()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"worker": _worker(), "tests": len(_BUSY), "busy": sum(_BUSY),
                    "ended": time.time(), "waited": dict(_WAITED)}),
        encoding="utf-8",
    )  # fmt: skip


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Report where the examples ran, their time, and the build's, at the end of the pass."""
    record_path = ROOT / "build" / "execution-record.json"
    started = config.stash.get(_STARTED, None)
    if started is None or not record_path.is_file() or record_path.stat().st_mtime < started:
        return
    record = json.loads(record_path.read_text(encoding="utf-8"))
    by_worker: dict[str, float] = defaultdict(float)
    for page, entry in record["pages"].items():
        ticket = page_ticket(config.stash[_RUN], page)
        worker = "the build"
        if ticket.is_file():
            worker = json.loads(ticket.read_text(encoding="utf-8")).get("worker", worker)
        by_worker[worker] += sum(block["seconds"] for block in entry["blocks"])
    blocks = [block for page in record["pages"].values() for block in page["blocks"]]
    terminalreporter.write_sep("-", "docs pass: workers")
    for path in sorted(run_dir(config.stash[_RUN]).glob("timeline-*.json")):
        worker = json.loads(path.read_text(encoding="utf-8"))
        waits = ", ".join(f"{what} {t:.1f} s" for what, t in worker["waited"].items())
        terminalreporter.write_line(
            f"{worker['worker']}: {worker['tests']} tests in {worker['busy']:.1f} s, done "
            f"{worker['ended'] - started:.1f} s after the start; waited {waits or 'never'}"
        )
    terminalreporter.write_sep("-", "docs examples and build")
    terminalreporter.write_line(
        f"{len(blocks)} examples on {len(record['pages'])} pages ran in "
        f"{sum(block['seconds'] for block in blocks):.1f} s ("
        + ", ".join(f"{worker} {seconds:.1f} s" for worker, seconds in sorted(by_worker.items()))
        + f"); the strict build took {record.get('build_seconds', float('nan')):.1f} s"
    )
    for page, entry in sorted(record["pages"].items()):
        seconds = sum(block["seconds"] for block in entry["blocks"])
        terminalreporter.write_line(f"  {seconds:6.1f} s  {page}")


@pytest.fixture(scope="session")
def page_runner() -> Any:
    """This worker's page runner: mkdocs.yml loaded once, TensorFlow imported once."""
    from dlguide_docs.pages import PageRunner

    if not _RUNNER:
        _RUNNER.append(PageRunner(ROOT / "mkdocs.yml"))
    return _RUNNER[0]


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest, page_runner: Any) -> dict[str, Any]:
    """The globals of the page session a claim-test module names in PAGE and SESSION.

    If the module defines `facts(page)`, what it returns (JSON) is written for tests in
    the other worker to read with `page_facts`: another page's sessions stay here.
    """
    module = request.module
    execute_page(page_runner, module.PAGE)
    namespace = page_runner.executor.namespace(module.PAGE, module.SESSION)
    if callable(getattr(module, "facts", None)):
        run = page_runner.executor.run
        handoff.write_ticket(page_ticket(run, module.PAGE, "facts"), run, **module.facts(namespace))
    return namespace


@pytest.fixture(scope="session")
def page_facts(request: pytest.FixtureRequest) -> Callable[[str], dict[str, Any]]:
    """Read what a page's claim module exported with `facts(page)` in this pass."""
    run = pass_run(request.config)

    def read(page: str) -> dict[str, Any]:
        return _wait(page_ticket(run, page, "facts"), run, "facts of another page")

    return read


@pytest.fixture(scope="session")
def site_build(request: pytest.FixtureRequest) -> SiteBuild:
    """The strict build of this pass, made once by whichever worker needs it first.

    That worker waits for the ticket of every page this run executes, then builds: each
    page is replayed from this run's cache, and a page no worker executed (in a run that
    collected none of its items) is executed by the build. The site is built for a port
    of 127.0.0.1 reserved during the build, released afterwards for the browser tests'
    server. The other worker waits for the site's ticket instead.
    """
    if _BUILD:
        return _BUILD[0]
    run = request.config.stash[_RUN]
    ticket = run_dir(run) / "site-ticket.json"
    if not handoff.claim(run_dir(run) / "build.claim"):
        found = _wait(ticket, run, "the other worker's build")
        if "error" in found:
            pytest.fail(f"the other worker's build failed:\n{found['error']}", pytrace=False)
        return SiteBuild(
            site_dir=Path(found["site_dir"]),
            record=json.loads(Path(found["record"]).read_text(encoding="utf-8")),
            warnings=found["warnings"],
            site_url=found["site_url"],
        )
    try:
        if hasattr(request.config, "workerinput"):
            for page in sorted(request.config.stash.get(_PAGES, frozenset())):
                _wait(page_ticket(run, page), run, "pages of the other worker")
        _BUILD.append(_build(run))
    except BaseException as error:
        # Any failure, or the other worker would wait for the site's ticket in vain.
        handoff.write_ticket(ticket, run, error=f"the build failed: {error}")
        raise
    built = _BUILD[0]
    _keep_for_authoring(run_dir(run) / "cache")
    handoff.write_ticket(
        ticket, run, site_dir=str(built.site_dir), site_url=built.site_url,
        record=str(built.record_path), warnings=built.warnings,
    )  # fmt: skip
    return built


def _build(run: str) -> SiteBuild:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

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
        pytest.fail(message, pytrace=False)
    finally:
        logging.getLogger("mkdocs").removeHandler(caught)
        listener.close()
    record_path = config.plugins["dlguide-exec"].record_path
    return SiteBuild(
        site_dir=Path(config.site_dir),
        record=json.loads(record_path.read_text(encoding="utf-8")),
        warnings=caught.messages,
        site_url=config.site_url,
        record_path=record_path,
    )


def _keep_for_authoring(cache: Path) -> None:
    """Copy what this pass executed into the authoring cache: `make serve` starts warm.

    Entries are keyed on everything a page's output depends on, and the pass writes only
    pages whose examples all ran, so an entry is as good there as here.
    """
    if not cache.is_dir():
        return
    AUTHORING_CACHE.mkdir(parents=True, exist_ok=True)
    for entry in cache.glob("*.json"):
        shutil.copy2(entry, AUTHORING_CACHE / entry.name)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")
