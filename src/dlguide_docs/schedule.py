"""The pass's schedule: which xdist group each item joins, and in what order they run.

Collection order is the schedule: pages (longest first), then unit tests, then the
`fences` group (plain fences, then the coverage check), then the tests that read the
built site (one group per module; the modules serving the site where it was built for
share one, since one worker at a time can hold that port).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem

from dlguide_docs.fences import Fence, find_fences
from dlguide_docs.passdir import ROOT

PAGE_GROUP = "page:"
FENCES_GROUP = "fences"
SITE_GROUP = "site:"
# Seconds per page, to schedule the longest pages first: this machine's last record, or
# the benchmark's committed one on a fresh clone.
PAGE_SECONDS = (ROOT / "build" / "execution-record.json", ROOT / "bench" / "page-seconds.json")
# (file, opening line) -> position among that file's built fences.
BUILT_POSITION: dict[tuple[Path, int], int] = {}


def order(items: list[pytest.Item]) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """Mark each item's group and return `(schedule, deselected)`.

    An executed fence (`exec="on"`) joins its page's group and becomes a check of the
    page's execution (runner `built`); a `.notest` fence is deselected; any other fence
    runs in the `fences` group.
    """
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
            shared = not getattr(getattr(item, "module", None), "SERVES_ITS_OWN_SITE", False)
            served = shared and "local_site" in getattr(item, "fixturenames", ())
            group = "served" if served else item.path.stem
            item.add_marker(pytest.mark.xdist_group(SITE_GROUP + group))
            readers.append(item)
        else:
            others.append(item)
    seconds = page_seconds()
    longest_first = sorted(pages, key=lambda page: (-seconds.get(page, 0.0), page))
    schedule = [
        *(item for page in longest_first for item in pages[page]),
        *others, *fences, *checks, *readers,
    ]  # fmt: skip
    return schedule, deselected


def scheduled_pages(items: list[pytest.Item]) -> frozenset[str]:
    """The pages whose items a run collected: the build waits for each one's ticket."""
    return frozenset(
        marker.args[0].removeprefix(PAGE_GROUP)
        for item in items
        for marker in item.iter_markers("xdist_group")
        if marker.args and marker.args[0].startswith(PAGE_GROUP)
    )


def page_seconds() -> dict[str, float]:
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


def _fences_by_line(path: Path, cache: dict[Path, dict[int, Fence]]) -> dict[int, Fence]:
    if path not in cache:
        fences = find_fences(path.read_text(encoding="utf-8")) if path.suffix == ".md" else []
        cache[path] = {fence.line: fence for fence in fences}
        built = [fence for fence in fences if fence.is_python and fence.built]
        for position, fence in enumerate(built):
            BUILT_POSITION[(path, fence.line)] = position
    return cache[path]


def _page_of(item: pytest.Item, fence: Fence | None) -> str | None:
    """The page an item belongs to: an executed fence of it, or a claim test naming it."""
    if isinstance(item, MarkdownInlinePythonItem):
        return item.path.relative_to(ROOT / "docs").as_posix() if fence and fence.built else None
    module = getattr(item, "module", None)
    if item.get_closest_marker("build") is not None and hasattr(module, "PAGE"):
        return module.PAGE
    return None
