"""A cluster of TensorFlow worker processes on this machine, for multi-worker examples.

`run_workers` starts one process per worker, each told its place in the cluster by the
`TF_CONFIG` environment variable, the way a cluster manager would start them on separate
machines. Every wait is bounded, and every process is killed and reaped before the call
returns, on success, timeout or error alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dlguide._validation import positive_int, positive_number

HOST = "127.0.0.1"


@dataclass(frozen=True)
class WorkerRun:
    """How one worker process ended.

    Attributes:
        index: The worker's index in the cluster (`TF_CONFIG`'s `task.index`).
        pid: Its process id, which is also the id of its process group.
        returncode: Its exit status; negative if a signal ended it (-9 for SIGKILL).
        timed_out: True if it was still running at the deadline and was killed.
        seconds: Time from the start of the cluster to the end of this process.
        output: What it wrote to stdout and stderr, interleaved.
        script: The script it ran, as given to `run_workers`.
        script_sha256: The SHA-256 of the script's bytes when the workers started.
    """

    index: int
    pid: int
    returncode: int
    timed_out: bool
    seconds: float
    output: str
    script: str
    script_sha256: str

    @property
    def error(self) -> str | None:
        """The last exception its output reports, `Type: message` to the end, or None.

        The exception's module path is dropped; a message of several lines is kept whole.
        """
        headers = list(re.finditer(r"^(?:[\w.]+\.)?(\w+(?:Error|Exception): )", self.output, re.M))
        if not headers:
            return None
        last = headers[-1]
        return (last.group(1) + self.output[last.end() :]).strip()


def free_ports(count: int) -> list[int]:
    """Return `count` distinct TCP ports on 127.0.0.1 that were free a moment ago.

    Raises:
        ValueError: If `count` is not a positive int.
    """
    positive_int("count", count)
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:  # all bound at once, so the ports differ
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(addresses: Sequence[str], index: int) -> str:
    """Return the `TF_CONFIG` value of worker `index` in a cluster of `addresses`.

    Raises:
        ValueError: If `addresses` is empty or not strings, or `index` is not one of its
            positions.
    """
    if (
        isinstance(addresses, str)
        or not addresses
        or not all(isinstance(address, str) and address for address in addresses)
    ):
        raise ValueError(f"addresses must be a non-empty list of 'host:port', got {addresses!r}")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(addresses):
        raise ValueError(f"index must be an int in [0, {len(addresses)}), got {index!r}")
    cluster = {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}
    return json.dumps(cluster)


def run_workers(
    script: str | os.PathLike[str],
    args: Sequence[str] = (),
    workers: int = 2,
    timeout: float = 60.0,
    threads: int = 1,
) -> list[WorkerRun]:
    """Run `python script *args` as `workers` cluster workers on free local ports.

    Each process gets its own `TF_CONFIG`, `threads` TensorFlow threads (the workers share
    this machine's cores), and its own process group, so that killing it also kills
    anything it started. The call returns when every worker has exited, or at `timeout`
    seconds, when the ones still running are killed.

    Args:
        script: Path of the Python script every worker runs.
        args: Command-line arguments passed to every worker, strings.
        workers: Number of worker processes, a positive int.
        timeout: Seconds the whole cluster may run, > 0.
        threads: TensorFlow intra-op and inter-op threads per worker, a positive int.

    Returns:
        One `WorkerRun` per worker, in index order. A worker that failed is reported, not
        raised: how workers fail is part of what the examples show.

    Raises:
        ValueError: If `script` is not an existing file, `args` is not a sequence of
            strings, or `workers`, `timeout` or `threads` is out of range.
    """
    script = Path(script)
    if not script.is_file():
        raise ValueError(f"script must be an existing Python file, got {str(script)!r}")
    if isinstance(args, str) or not all(isinstance(arg, str) for arg in args):
        raise ValueError(f"args must be a sequence of strings, got {args!r}")
    workers = positive_int("workers", workers)
    timeout = positive_number("timeout", timeout)
    threads = positive_int("threads", threads)

    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    addresses = [f"{HOST}:{port}" for port in free_ports(workers)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlguide-workers-") as logs:
        processes, ended = [], {}
        try:
            for index in range(workers):
                env = os.environ | {
                    "TF_CONFIG": tf_config(addresses, index),
                    "TF_NUM_INTRAOP_THREADS": str(threads),
                    "TF_NUM_INTEROP_THREADS": str(threads),
                    "TF_CPP_MIN_LOG_LEVEL": "2",
                    "PYTHONUNBUFFERED": "1",
                }
                # Output goes to files, not pipes: a worker blocked on a full pipe that
                # nobody reads would look like a hung cluster.
                with open(Path(logs) / f"worker-{index}.log", "wb") as log:
                    processes.append(
                        subprocess.Popen(
                            [sys.executable, str(script), *args],
                            env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=log,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
            deadline = started + timeout
            while len(ended) < workers and time.perf_counter() < deadline:
                for index, process in enumerate(processes):
                    if index not in ended and process.poll() is not None:
                        ended[index] = time.perf_counter() - started
                time.sleep(0.05)
        finally:
            for process in processes:
                _kill_group(process)
        return [
            WorkerRun(
                index=index,
                pid=process.pid,
                returncode=process.returncode,
                timed_out=index not in ended,
                seconds=ended.get(index, time.perf_counter() - started),
                output=(Path(logs) / f"worker-{index}.log").read_text(errors="replace"),
                script=str(script),
                script_sha256=digest,
            )
            for index, process in enumerate(processes)
        ]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `process` (the worker and anything it started), and reap it."""
    with contextlib.suppress(ProcessLookupError):  # the group may be empty already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def still_running(runs: Sequence[WorkerRun]) -> list[int]:
    """Return the process groups of `runs` that still hold a live process (none, normally).

    A killed process whose parent has not collected it yet (a zombie) does not count: it
    runs nothing and holds no port.

    Raises:
        ValueError: If `runs` holds anything but `WorkerRun`s.
    """
    if isinstance(runs, str) or not all(isinstance(run, WorkerRun) for run in runs):
        raise ValueError(f"runs must be a sequence of WorkerRun, got {runs!r}")
    groups = {run.pid for run in runs}
    alive = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (command) state ppid pgrp ...": the command may hold spaces.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # it ended while we looked
        state, group = fields[0], int(fields[2])
        if group in groups and state not in {"Z", "X"}:
            alive.add(group)
    return sorted(alive)
