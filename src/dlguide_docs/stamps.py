"""What a page says about its own examples, filled in from what this build recorded.

The verification stamp under a page's title, and example times quoted from other pages.
"""

from __future__ import annotations

import os
import platform
import re
import sys
from datetime import date
from importlib import metadata
from typing import Any

from mkdocs.exceptions import PluginError

from dlguide_docs.execution import Executor, PageRun

# A page quotes another page's measured example time with an empty placeholder,
# <span class="dlguide-seconds" data-page="algorithms/gan.md"></span>, optionally with
# data-measure="largest" for its slowest block instead of the total.
_SECONDS = re.compile(
    r'<span class="dlguide-seconds" data-page="(?P<page>[^"]+)"'
    r'(?: data-measure="(?P<measure>total|largest)")?></span>'
)


def fill_example_seconds(
    html: str,
    executor: Executor,
    partial: bool = False,
    earlier: dict[str, Any] | None = None,
) -> str:
    """Replace each example-time placeholder in `html` with the seconds this build recorded.

    Args:
        html: A page's HTML.
        executor: The build's executor.
        partial: Whether the build leaves pages out (`DLGUIDE_PAGES`).
        earlier: A dirty build's earlier record, by page: used for the pages it did not
            render again.

    Raises:
        PluginError: If a placeholder names a page that ran no examples in this build
            (in a partial build, which leaves pages out, it reads "not built" instead).
    """

    def seconds(match: re.Match[str]) -> str:
        page, measure = match["page"], match["measure"] or "total"
        run = executor.pages.get(page)
        if run is not None and run.blocks:
            times = [block.seconds for block in run.blocks]
        elif earlier and earlier.get(page, {}).get("blocks"):
            times = [block["seconds"] for block in earlier[page]["blocks"]]
        elif partial:
            return '<span class="dlguide-seconds">not built</span>'
        else:
            raise PluginError(f"example time quoted for {page}, which ran no examples")
        value = sum(times) if measure == "total" else max(times)
        return (
            f'<span class="dlguide-seconds" data-page="{page}" data-measure="{measure}" '
            f'data-seconds="{value:.2f}">{value:.1f}&nbsp;s</span>'
        )

    return _SECONDS.sub(seconds, html)


def _version(*distributions: str) -> str:
    for name in distributions:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def environment() -> dict[str, str | int | None]:
    """The versions and machine the examples ran with, as the record and stamps state them."""
    return {
        "tensorflow": _version("tensorflow-cpu", "tensorflow"),
        "keras": _version("keras"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "date": date.today().isoformat(),
        "platform": sys.platform,
    }


def verification_stamp(run: PageRun, executor_run: str) -> str:
    """The paragraph under a page's title: versions, example count and time, and when."""
    env = environment()
    count = len(run.blocks)
    executed_on = max(block.executed_on for block in run.blocks)
    when = (
        f"when they were last executed, on {executed_on}"
        if any(block.run != executor_run for block in run.blocks)
        else f"when this page was built on {executed_on}"
    )
    return (
        '<p class="dlguide-verified" data-examples="{count}" data-seconds="{seconds:.2f}">'
        "Verified with TensorFlow {tf} and Keras {keras} on Python {python}: "
        "the {count} example{plural} on this page ran in {seconds:.1f}&nbsp;s on a "
        "{cpus}-core CPU {when}.</p>"
    ).format(
        count=count,
        plural="" if count == 1 else "s",
        seconds=run.seconds,
        tf=env["tensorflow"],
        keras=env["keras"],
        python=env["python"],
        cpus=env["cpus"],
        when=when,
    )
