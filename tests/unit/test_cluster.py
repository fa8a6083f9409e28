"""dlguide.cluster: workers get their TF_CONFIG, every wait is bounded, nothing outlives a run."""

from __future__ import annotations

import hashlib
import json
import socket
import textwrap
import time

import pytest

from dlguide.cluster import WorkerRun, free_ports, run_workers, still_running, tf_config


def _script(tmp_path, body: str):
    path = tmp_path / "worker.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_free_ports_are_distinct_and_bindable():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_tf_config_names_the_cluster_and_the_task():
    config = json.loads(tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1))
    assert config == {
        "cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
        "task": {"type": "worker", "index": 1},
    }


def test_each_worker_gets_its_own_tf_config_and_the_thread_limit(tmp_path):
    script = _script(
        tmp_path,
        """
        import json, os, sys
        task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
        print(task, os.environ["TF_NUM_INTRAOP_THREADS"], sys.argv[1])
        """,
    )
    runs = run_workers(script, args=["hello"], workers=2, timeout=30, threads=1)
    assert [run.index for run in runs] == [0, 1]
    assert [run.returncode for run in runs] == [0, 0]
    assert [run.output.split() for run in runs] == [["0", "1", "hello"], ["1", "1", "hello"]]
    assert not any(run.timed_out for run in runs)
    assert still_running(runs) == []
    digest = hashlib.sha256(script.read_bytes()).hexdigest()
    assert {(run.script, run.script_sha256) for run in runs} == {(str(script), digest)}


def test_a_failing_worker_is_reported_not_raised(tmp_path):
    script = _script(
        tmp_path,
        """
        import json, os, sys
        task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
        sys.exit(3 if task == 1 else 0)
        """,
    )
    runs = run_workers(script, timeout=30)
    assert [run.returncode for run in runs] == [0, 3]


def test_a_hung_cluster_is_killed_at_the_deadline_with_its_children(tmp_path):
    # Each worker starts a child of its own and then hangs: the timeout must end both.
    script = _script(
        tmp_path,
        """
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        print("started", flush=True)
        time.sleep(120)
        """,
    )
    started = time.perf_counter()
    runs = run_workers(script, workers=2, timeout=2)
    assert time.perf_counter() - started < 10
    assert all(run.timed_out and run.returncode == -9 for run in runs)
    assert all("started" in run.output for run in runs)
    assert still_running(runs) == []


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"script": "no/such/file.py"}, "script"),
        ({"args": "--flag"}, "args"),
        ({"args": [1]}, "args"),
        ({"workers": 0}, "workers"),
        ({"timeout": -1}, "timeout"),
        ({"threads": 1.5}, "threads"),
    ],
)
def test_run_workers_rejects_bad_arguments(tmp_path, kwargs, argument):
    call = {"script": _script(tmp_path, "pass\n")} | kwargs
    with pytest.raises(ValueError, match=argument):
        run_workers(**call)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: free_ports(0), "count"),
        (lambda: tf_config([], 0), "addresses"),
        (lambda: tf_config("127.0.0.1:1", 0), "addresses"),
        (lambda: tf_config(["127.0.0.1:1"], 1), "index"),
        (lambda: still_running(["not a run"]), "runs"),
    ],
)
def test_helpers_reject_bad_arguments(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


def test_still_running_finds_a_live_group(tmp_path):
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    try:
        run = WorkerRun(0, process.pid, 0, False, 0.0, "", "w.py", "")
        assert still_running([run]) == [process.pid]
    finally:
        process.kill()
        process.wait()
    assert still_running([run]) == []


def test_error_is_the_last_exception_line_without_its_module():
    output = (
        "worker 0: epoch 1 done\nTraceback (most recent call last):\n  ...\n"
        "tensorflow.python.framework.errors_impl.UnavailableError: peer is gone\n"
        "  more detail\n"
    )
    assert WorkerRun(0, 1, 1, False, 0.0, output, "w.py", "").error == (
        "UnavailableError: peer is gone\n  more detail"
    )
    assert WorkerRun(0, 1, 0, False, 0.0, "all fine\n", "w.py", "").error is None
