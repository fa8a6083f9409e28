"""One pass's folder, `build/pass/<run>/`: its tickets, and the waits for them.

Every process of a pass shares one run id. A worker that has done something the other
may wait for (executed a page, exported a page's facts, built the site) writes a ticket
there; `wait` waits for one and adds the time to this worker's waits, which the pass's
summary reports.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlguide_docs import handoff

ROOT = Path(__file__).resolve().parents[2]
# This run's tickets and cache: build/pass/<run>/. Older runs' folders are removed.
PASS_DIR = ROOT / "build" / "pass"
# How long a worker waits for the other's pages or build before failing (a full pass
# takes 5 to 8 minutes here).
TICKET_TIMEOUT = 15 * 60
# How long this process waited for the other worker, by what it waited for.
WAITED: dict[str, float] = defaultdict(float)


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


def wait(ticket: Path, run: str, what: str) -> dict[str, Any]:
    """Wait for a ticket of this run, and add the time spent to this worker's waits."""
    started = time.monotonic()
    try:
        return handoff.wait_for_ticket(ticket, run, TICKET_TIMEOUT)
    finally:
        WAITED[what] += time.monotonic() - started


def worker() -> str:
    """This process's name in the pass: pytest-xdist's worker id, or "main"."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def execute_page(runner: Any, page: str) -> Any:
    """Execute `page` with `runner` (a `PageRunner`), once per pass, and write its ticket.

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
        ok=all(block.ok for block in executed.blocks), worker=worker(),
    )  # fmt: skip
    return executed
