"""pytest support for the docs pass: every example executed once, in both workers.

- Each page with examples is a pytest-xdist group of its own (`page:<path>`): its
  executed fences and its claim tests. The first of them executes the page in that
  worker (`dlguide_docs.pages.PageRunner`), which stores the result in this run's own
  cache (`build/pass/<run>/cache`) and writes the page's ticket; the claim tests read the
  page's sessions in the same process. The longest pages are scheduled first
  (`dlguide_docs.schedule`).
- `site_build` (session fixture) runs `mkdocs build --strict` in one worker, after every
  page's ticket has arrived: the build replays each page from this run's cache instead of
  executing it again, and fails on anything else a strict build fails on
  (`dlguide_docs.sitebuild`). The other worker waits for the site's ticket. The replayed
  pages are then copied to `.cache/`, so `mkdocs serve` and `make build` start warm.
- pytest-markdown-docs collects the Python fences of docs/, README.md and the docstrings
  of src/dlguide, through a parser that sees fences nested in admonitions and tabs. A
  fence the build executes (`exec="on"`) becomes a test of its page's execution instead
  of being run again; a `.notest` fence is deselected (the coverage check makes sure it
  states a reason); any other fence is executed, with snippet includes expanded, in the
  `fences` group, which ends with the coverage check.
- Each worker reports its tests' time and its waits (`dlguide_docs.timeline`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs._runners import DefaultRunner, register_runner
from pytest_markdown_docs.plugin import MarkdownDocstringCodeModule, MarkdownTextFile

from dlguide_docs import handoff, schedule, timeline
from dlguide_docs.fences import dedent_containers, expand_includes
from dlguide_docs.passdir import PASS_DIR, ROOT, execute_page, page_ticket, run_dir, wait
from dlguide_docs.sitebuild import SiteBuild, shared_build

# Sources of the plain fences executed in this pass, by source file, for the coverage check.
EXECUTED_FENCES: dict[Path, list[str]] = defaultdict(list)
# This worker's page runner and build; set by the `page_runner` and `site_build` fixtures.
_RUNNER: list[Any] = []
_BUILD: list[SiteBuild] = []
_STARTED = pytest.StashKey[float]()
_RUN = pytest.StashKey[str]()
# The pages whose items this run collected: the build waits for each one's ticket.
_PAGES = pytest.StashKey[frozenset[str]]()


def pass_run(config: pytest.Config) -> str:
    """The id of this pass, the same in every worker (pytest-xdist's test run id)."""
    return config.stash[_RUN]


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


@pytest.hookimpl(tryfirst=True)  # before xdist turns xdist_group markers into node ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Route each fence to its page's execution or the runner; group and order the pass."""
    items[:], deselected = schedule.order(items)
    if deselected:
        config.hook.pytest_deselected(items=deselected)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the pages this run executes; fail loudly if xdist would not keep our schedule.

    Without its grouping, two workers would execute the same page; with its default
    reordering (largest group first), a worker could wait for a page queued behind it.
    """
    session.config.stash[_PAGES] = schedule.scheduled_pages(session.items)
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
        position = schedule.BUILT_POSITION[(path, test.start_line)]
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


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember when the pass started, to tell a fresh build record from an old one."""
    session.config.stash[_STARTED] = time.time()


def pytest_runtest_logstart(nodeid: str, location: tuple) -> None:
    """Note when a test starts (its setup included), for the pass's timeline."""
    timeline.test_started(nodeid)


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    """Note when a test ends (its teardown included)."""
    timeline.test_finished(nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write this worker's timeline: how long its tests took, and how long it waited."""
    # pytest-xdist's controller hears of every worker's tests too; only workers report.
    if not session.config.pluginmanager.has_plugin("dsession"):
        timeline.write(pass_run(session.config))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Report where the examples ran, their time, and the build's, at the end of the pass."""
    record_path = ROOT / "build" / "execution-record.json"
    started = config.stash.get(_STARTED, None)
    if started is None or not record_path.is_file() or record_path.stat().st_mtime < started:
        return
    record = json.loads(record_path.read_text(encoding="utf-8"))
    for title, lines in timeline.summary(config.stash[_RUN], record, started).items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)


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
        return wait(page_ticket(run, page, "facts"), run, "facts of another page")

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
    if not _BUILD:
        pages = request.config.stash.get(_PAGES, frozenset())
        is_worker = hasattr(request.config, "workerinput")
        _BUILD.append(shared_build(request.config.stash[_RUN], pages if is_worker else ()))
    return _BUILD[0]
