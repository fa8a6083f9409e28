"""Benchmark the docs pipeline: the test pass, builds, the authoring loop, page weight.

Run from the repository root after `make setup` (it takes 20 to 30 minutes):

    .venv/bin/python bench/docs_pass.py

Each step starts from a known cache state and prints what it measured; at the end a
Markdown report goes to stdout and to build/bench/report.md:

1. `make test` from an empty cache: its wall time, and every example's own time from the
   pass's record. The overhead ratio is the wall time over (the examples' total + one
   TensorFlow import), which is the floor for one process doing the work.
2. `mkdocs build` with the cache the pass left behind (warm), then after an edit to one
   snippet, which must re-execute exactly the pages that include it.
3. `make serve` with a warm cache: the time until the home page answers, and the time
   from an edit to the prose of the heaviest page until the served page shows it.
4. The naive baseline: every snippet file tested as its own Python process (with the
   blocks of its page's session that it needs), two processes at a time.
5. `mkdocs build` from an empty cache (cold).

Page weights come from the pass (tests/site/test_weight.py writes build/page-weight.json).
The benchmark also rewrites bench/page-seconds.json, the per-page example times the pass
uses to schedule the longest pages first on a machine that has no record of its own yet.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "build" / "bench"
RECORD = ROOT / "build" / "execution-record.json"
CACHE = ROOT / ".cache" / "executed"
ENV = os.environ | {"NO_MKDOCS_2_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}
# The page whose prose is edited while serving: the one with the most example time, to
# show that a prose edit executes nothing.
EDITED_PAGE = "tutorials/resnet.md"
PAGE_URL = "tutorials/resnet/"
# The bars.
MAX_RATIO, MAX_PASS, MAX_EXAMPLE, MAX_MEDIAN = 1.25, 8 * 60, 30.0, 10.0
MAX_SERVE, MAX_EDIT, MAX_WEIGHT = 15.0, 5.0, 1.5e6


def main() -> int:
    """Run every step, print the report, and return 1 if a bar was missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold build")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"tf_import": tensorflow_import_seconds()}
    step("TensorFlow import", f"{results['tf_import']:.1f} s")
    results |= test_pass()
    results |= warm_build()
    results |= snippet_edit()
    results |= serve_and_edit()
    if not args.skip_naive:
        results |= naive_baseline()
    if not args.skip_cold:
        results |= cold_build()
    weights = ROOT / "build" / "page-weight.json"
    results["weights"] = json.loads(weights.read_text()) if weights.is_file() else {}
    report, missed = markdown_report(results)
    (OUT / "report.md").write_text(report, encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(report)
    return 1 if missed else 0


def step(name: str, what: str) -> None:
    """Say on stderr what a step measured, as soon as it has."""
    print(f"[bench] {name}: {what}", file=sys.stderr, flush=True)


def timed(command: list, log: Path, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    """Run `command` in the repository with its output in `log`; return its wall time."""
    started = time.perf_counter()
    with log.open("w") as output:
        done = subprocess.run(command, cwd=ROOT, env=ENV, stdout=output, stderr=subprocess.STDOUT,
                              **kwargs)  # fmt: skip
    return time.perf_counter() - started, done


def tensorflow_import_seconds() -> float:
    """One import of TensorFlow in a fresh process (the second of two: files cached)."""
    code = "import time; t = time.perf_counter(); import tensorflow; print(time.perf_counter()-t)"
    times = []
    for _ in range(2):
        done = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=ENV, capture_output=True,
                              text=True, check=True)  # fmt: skip
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times[-1]


def blocks_of(record: dict) -> list[dict]:
    """Every block of an execution record."""
    return [block for page in record["pages"].values() for block in page["blocks"]]


def test_pass() -> dict:
    """`make test` from an empty cache."""
    shutil.rmtree(CACHE, ignore_errors=True)
    wall, done = timed(["make", "test"], OUT / "pass.log")
    log = (OUT / "pass.log").read_text(encoding="utf-8", errors="replace")
    summary = re.findall(r"=+ (.*(?:passed|failed).*) in [\d.]+s", log)
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    blocks = blocks_of(record)
    step("make test", f"{wall:.1f} s wall, exit {done.returncode}, {summary[-1:]}")
    seconds = {
        page: round(sum(block["seconds"] for block in entry["blocks"]), 2)
        for page, entry in record["pages"].items()
    }
    (ROOT / "bench" / "page-seconds.json").write_text(
        json.dumps({"pages": {page: {"blocks": [{"seconds": s}]} for page, s in
                              sorted(seconds.items())}}, indent=1) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    return {
        "pass_wall": wall,
        "pass_exit": done.returncode,
        "pass_summary": summary[-1] if summary else "no summary",
        "pass_build_seconds": record.get("build_seconds"),
        "examples": sorted(
            ({"page": b["page"], "index": b["index"], "seconds": b["seconds"]} for b in blocks),
            key=lambda b: -b["seconds"],
        ),
        "page_seconds": seconds,
        "environment": record["environment"],
    }


def build(log: str) -> tuple[float, dict, int]:
    """`mkdocs build` into build/bench/site; its wall time, record and exit status."""
    wall, done = timed(
        [ROOT / ".venv" / "bin" / "mkdocs", "build", "-q", "-d", OUT / "site"], OUT / log
    )
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    return wall, record, done.returncode


def executed_pages(record: dict) -> set[str]:
    """The pages of a record that executed blocks rather than replaying them."""
    return {
        page for page, entry in record["pages"].items()
        if any(not block["cached"] for block in entry["blocks"])
    }  # fmt: skip


def warm_build() -> dict:
    """`mkdocs build` with the cache the pass left: nothing should execute."""
    wall, record, code = build("warm-build.log")
    step("warm build", f"{wall:.1f} s, executed {sorted(executed_pages(record))}, exit {code}")
    return {"warm_build": wall, "warm_build_executed": sorted(executed_pages(record))}


def snippet_edit() -> dict:
    """Append a comment to one snippet: exactly the pages that include it re-execute."""
    sys.path.insert(0, str(ROOT / "src"))
    from dlguide_docs.fences import included_targets

    snippet = "snippets/algorithms/som/update.py"
    including = set()
    for path in (ROOT / "docs").rglob("*.md"):
        targets = {t.partition(":")[0] for t in included_targets(path.read_text("utf-8"))}
        if snippet in targets:
            including.add(path.relative_to(ROOT / "docs").as_posix())
    file = ROOT / snippet
    original = file.read_text(encoding="utf-8")
    try:
        file.write_text(original + "# an edit by the benchmark\n", encoding="utf-8")
        wall, record, code = build("snippet-edit.log")
    finally:
        file.write_text(original, encoding="utf-8")
    executed = executed_pages(record)
    step("snippet edit", f"{wall:.1f} s, executed {sorted(executed)}, included by "
         f"{sorted(including)}")  # fmt: skip
    return {
        "snippet": snippet,
        "snippet_build": wall,
        "snippet_including": sorted(including),
        "snippet_executed": sorted(executed),
    }


def free_port() -> int:
    """A free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    """The body at `url`, or None if nothing answers yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def serve_and_edit() -> dict:
    """`make serve` with a warm cache; then an edit to one page's prose."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/deep-learning-guide/"
    page = ROOT / "docs" / EDITED_PAGE
    original = page.read_text(encoding="utf-8")
    log = (OUT / "serve.log").open("w")
    started = time.perf_counter()
    server = subprocess.Popen(
        ["make", "serve", f"HOST=127.0.0.1:{port}"], cwd=ROOT, env=ENV, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        while fetch(base) is None:
            if time.perf_counter() - started > 300 or server.poll() is not None:
                raise RuntimeError("mkdocs serve did not answer; see build/bench/serve.log")
            time.sleep(0.1)
        serve_start = time.perf_counter() - started
        marker = f"Benchmark edit {time.time_ns()}."
        heading_end = original.index("\n", original.index("# ")) + 1
        edited = original[:heading_end] + f"\n{marker}\n" + original[heading_end:]
        page.write_text(edited, encoding="utf-8")
        edited_at = time.perf_counter()
        while marker not in (fetch(base + PAGE_URL) or ""):
            if time.perf_counter() - edited_at > 300:
                raise RuntimeError("the edit never showed; see build/bench/serve.log")
            time.sleep(0.1)
        edit_visible = time.perf_counter() - edited_at
    finally:
        page.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    step("serve", f"answered after {serve_start:.1f} s; prose edit shown after "
         f"{edit_visible:.1f} s; executed {sorted(executed_pages(record))}")  # fmt: skip
    return {
        "serve_start": serve_start,
        "edit_visible": edit_visible,
        "edit_executed": sorted(executed_pages(record)),
    }


def naive_scripts(record: dict) -> dict[str, str]:
    """For each snippet file, the script a standalone test of it has to run.

    A snippet file is a section of a page's session: alone, most fail on names that
    earlier blocks defined. So the script is the page's executed blocks of that session,
    in order, up to the last one that includes the file.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from dlguide_docs.fences import find_fences, included_targets

    scripts = {}
    for page, entry in record["pages"].items():
        fences = [
            fence
            for fence in find_fences((ROOT / "docs" / page).read_text(encoding="utf-8"))
            if fence.is_python and fence.built
        ]
        for index, fence in enumerate(fences):
            for target in {t.partition(":")[0] for t in included_targets(fence.content)}:
                if not target.endswith(".py"):
                    continue
                blocks = [
                    block["source"]
                    for block in entry["blocks"][: index + 1]
                    if block["session"] == fence.session
                ]
                scripts[target] = "\n\n".join(blocks)  # the last including block wins
    return scripts


def naive_baseline() -> dict:
    """Each snippet file tested as its own Python process, two at a time (two cores)."""
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    scripts = naive_scripts(record)
    missing = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "snippets").rglob("*.py")
        if path.relative_to(ROOT).as_posix() not in scripts
    )
    folder = OUT / "naive"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started, runs = time.perf_counter(), []
    pending = sorted(scripts.items())
    running: list[tuple[str, float, subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < 2:
            snippet, code = pending.pop(0)
            script = folder / (snippet.replace("/", "__"))
            script.write_text(code, encoding="utf-8")
            process = subprocess.Popen(
                [PYTHON, script],
                cwd=ROOT,
                env=ENV,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            running.append((snippet, time.perf_counter(), process))
        time.sleep(0.05)
        for item in [item for item in running if item[2].poll() is not None]:
            running.remove(item)
            snippet, began, process = item
            runs.append({"snippet": snippet, "seconds": time.perf_counter() - began,
                         "ok": process.returncode == 0})  # fmt: skip
    wall = time.perf_counter() - started
    failed = [run["snippet"] for run in runs if not run["ok"]]
    step("naive baseline", f"{len(runs)} processes, {wall:.1f} s wall, {len(failed)} failed, "
         f"{len(missing)} snippet files on no page")  # fmt: skip
    return {"naive_total": wall, "naive_runs": runs, "naive_failed": failed,
            "naive_missing": missing}  # fmt: skip


def cold_build() -> dict:
    """`mkdocs build` from an empty cache: every example executed in one process."""
    shutil.rmtree(CACHE, ignore_errors=True)
    wall, record, code = build("cold-build.log")
    step("cold build", f"{wall:.1f} s, exit {code}")
    return {"cold_build": wall, "cold_build_examples": sum(b["seconds"] for b in blocks_of(record))}


def markdown_report(r: dict) -> tuple[str, list[str]]:
    """Return the report as Markdown, and the names of the bars it missed."""
    times = [example["seconds"] for example in r["examples"]]
    total, median, slowest = sum(times), statistics.median(times), max(times)
    ratio = r["pass_wall"] / (total + r["tf_import"])
    env = r["environment"]
    pages = r["weights"].get("pages", {})
    heaviest, weight = max(
        ((page, entry["bytes"]) for page, entry in pages.items()), key=lambda item: item[1],
        default=("-", 0),
    )  # fmt: skip
    bars = [
        ("overhead ratio", f"{ratio:.2f}", f"<= {MAX_RATIO}", ratio <= MAX_RATIO),
        ("pass wall time", seconds(r["pass_wall"]), f"<= {MAX_PASS} s",
         r["pass_wall"] <= MAX_PASS),
        ("slowest example", seconds(slowest), f"<= {MAX_EXAMPLE:.0f} s", slowest <= MAX_EXAMPLE),
        ("median example", seconds(median, 2), f"< {MAX_MEDIAN:.0f} s", median < MAX_MEDIAN),
        ("serve start (warm)", seconds(r["serve_start"]), f"<= {MAX_SERVE:.0f} s",
         r["serve_start"] <= MAX_SERVE),
        ("prose edit visible", seconds(r["edit_visible"]), f"<= {MAX_EDIT:.0f} s",
         r["edit_visible"] <= MAX_EDIT),
        ("snippet edit re-executes", ", ".join(r["snippet_executed"]) or "nothing",
         ", ".join(r["snippet_including"]), r["snippet_executed"] == r["snippet_including"]),
        ("heaviest page", f"{weight / 1e6:.2f} MB ({heaviest})", f"<= {MAX_WEIGHT / 1e6} MB",
         0 < weight <= MAX_WEIGHT),
    ]  # fmt: skip
    naive = r.get("naive_total")
    lines = [
        f"# Docs pipeline benchmark ({env['cpus']} CPUs, TensorFlow {env['tensorflow']}, "
        f"Keras {env['keras']}, Python {env['python']}, {env['date']})",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| `make test` wall time (from an empty cache) | {seconds(r['pass_wall'])} |",
        f"| `make test` result | {r['pass_summary']} (exit {r['pass_exit']}) |",
        f"| examples executed | {len(times)} |",
        f"| total example time | {seconds(total)} |",
        f"| one TensorFlow import | {seconds(r['tf_import'])} |",
        f"| overhead ratio: wall / (examples + import) | {ratio:.2f} |",
        f"| strict build inside the pass (replaying) | {seconds(r['pass_build_seconds'])} |",
        f"| cold build (`mkdocs build`, empty cache) | {seconds(r.get('cold_build'))} |",
        f"| warm build (`mkdocs build`, full cache) | {seconds(r['warm_build'])} |",
        f"| build after a snippet edit | {seconds(r['snippet_build'])} |",
        f"| `make serve` start, warm cache | {seconds(r['serve_start'])} |",
        f"| prose edit to visible ({EDITED_PAGE}) | {seconds(r['edit_visible'])} |",
        f"| naive baseline: each snippet file tested as its own process, two at a time "
        f"| {seconds(naive)} ({len(r.get('naive_failed', []))} of "
        f"{len(r.get('naive_runs', []))} failed) |",
        "| naive baseline / pass wall time | "
        + (f"{naive / r['pass_wall']:.2f}" if naive else "skipped") + " |",
        f"| heaviest page on first load | {weight / 1e6:.2f} MB ({heaviest}) |",
        f"| search index on the wire | {r['weights'].get('search_index', 0) / 1e3:.0f} kB |",
        "",
        "| bar | measured | target | met |",
        "| --- | --- | --- | --- |",
        *(f"| {name} | {value} | {target} | {'yes' if ok else '**no**'} |"
          for name, value, target, ok in bars),
        "",
        "| rank | example | seconds |",
        "| ---: | --- | ---: |",
        *(f"| {rank} | {e['page']} #{e['index'] + 1} | {e['seconds']:.2f} |"
          for rank, e in enumerate(r["examples"], 1)),
    ]  # fmt: skip
    return "\n".join(lines) + "\n", [name for name, _, _, ok in bars if not ok]


def seconds(value: float | None, digits: int = 1) -> str:
    """Format a duration, or say the step was skipped."""
    return "skipped" if value is None else f"{value:.{digits}f} s"


if __name__ == "__main__":
    sys.exit(main())
