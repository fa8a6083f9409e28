"""Hand work between the test pass's pytest-xdist workers: tickets, claims and a port.

Both workers execute pages; each page is executed by one of them, which writes the
page's ticket. The first worker that needs the built site claims the build, waits for
every page's ticket and builds, replaying what the pages executed; it then writes the
site's ticket (the run, the site folder, the record and the address the site was built
for), which the other worker waits for. Every ticket names its run, so one left over
from an earlier pass is never taken for this one's.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
from pathlib import Path
from typing import Any

# Linux hands out ports from 32768 up for outgoing connections; a port below that range
# stays free between the build reserving it and a server binding it again.
_PORTS = range(20_000, 32_768)


def reserve_port(attempts: int = 50) -> socket.socket:
    """Bind a socket to a free port of 127.0.0.1 below the ephemeral range and return it.

    Raises:
        ValueError: If `attempts` is not positive.
        OSError: If no port was free after `attempts` tries.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, got {attempts}")
    error: OSError | None = None
    for port in random.sample(_PORTS, attempts):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", port))
        except OSError as caught:
            listener.close()
            error = caught
            continue
        return listener
    raise OSError(f"no free port of 127.0.0.1 in {attempts} tries") from error


def claim(path: Path) -> bool:
    """Create `path` if no one has: True for the one process that did, False for the rest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def write_ticket(path: Path, run: str, **fields: Any) -> None:
    """Write the ticket of build `run` (atomically: a reader never sees half of it)."""
    if not run:
        raise ValueError("run must name the test run, got an empty string")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"run": run, **fields}), encoding="utf-8")
    partial.replace(path)


def wait_for_ticket(path: Path, run: str, timeout: float, poll: float = 0.5) -> dict[str, Any]:
    """Wait until the ticket of build `run` is at `path` and return its fields.

    Raises:
        ValueError: If `timeout` or `poll` is not positive.
        TimeoutError: If no ticket of this run arrived within `timeout` seconds.
    """
    if timeout <= 0 or poll <= 0:
        raise ValueError(f"timeout and poll must be positive, got {timeout} and {poll}")
    deadline = time.monotonic() + timeout
    while True:
        try:
            ticket = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            ticket = {}
        if ticket.get("run") == run:
            return ticket
        if time.monotonic() > deadline:
            raise TimeoutError(f"no build ticket for run {run} at {path} after {timeout:.0f} s")
        time.sleep(poll)
