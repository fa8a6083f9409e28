"""The pass's timeline: each worker's test time and waits, and where the examples ran.

Each worker writes its own at the end of its session; the controller sums them up.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

from dlguide_docs.passdir import WAITED, page_ticket, run_dir, worker

# When each running test started, and how long each finished one took (setup and
# teardown included).
_STARTS: dict[str, float] = {}
_BUSY: list[float] = []


def test_started(nodeid: str) -> None:
    """Note when a test starts."""
    _STARTS[nodeid] = time.time()


def test_finished(nodeid: str) -> None:
    """Note when a test ends."""
    if nodeid in _STARTS:
        _BUSY.append(time.time() - _STARTS.pop(nodeid))


def write(run: str) -> None:
    """Write this worker's timeline, if it ran any test."""
    if not _BUSY:
        return
    path = run_dir(run) / f"timeline-{worker()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"worker": worker(), "tests": len(_BUSY), "busy": sum(_BUSY),
                    "ended": time.time(), "waited": dict(WAITED)}),
        encoding="utf-8",
    )  # fmt: skip


def summary(run: str, record: dict[str, Any], started: float) -> dict[str, list[str]]:
    """The end-of-pass report, by section: the workers, then the examples and the build.

    Args:
        run: The pass.
        record: The build's execution record.
        started: When the pass started (seconds since the epoch).
    """
    by_worker: dict[str, float] = defaultdict(float)
    for page, entry in record["pages"].items():
        ticket = page_ticket(run, page)
        where = "the build"
        if ticket.is_file():
            where = json.loads(ticket.read_text(encoding="utf-8")).get("worker", where)
        by_worker[where] += sum(block["seconds"] for block in entry["blocks"])
    workers = []
    for path in sorted(run_dir(run).glob("timeline-*.json")):
        line = json.loads(path.read_text(encoding="utf-8"))
        waits = ", ".join(f"{what} {t:.1f} s" for what, t in line["waited"].items())
        workers.append(
            f"{line['worker']}: {line['tests']} tests in {line['busy']:.1f} s, done "
            f"{line['ended'] - started:.1f} s after the start; waited {waits or 'never'}"
        )
    blocks = [block for page in record["pages"].values() for block in page["blocks"]]
    examples = [
        f"{len(blocks)} examples on {len(record['pages'])} pages ran in "
        f"{sum(block['seconds'] for block in blocks):.1f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(by_worker.items()))
        + f"); the strict build took {record.get('build_seconds', float('nan')):.1f} s"
    ]
    for page, entry in sorted(record["pages"].items()):
        seconds = sum(block["seconds"] for block in entry["blocks"])
        examples.append(f"  {seconds:6.1f} s  {page}")
    return {"docs pass: workers": workers, "docs examples and build": examples}
