# --8<-- [start:config]
import json

from dlguide.cluster import free_ports, tf_config

addresses = [f"127.0.0.1:{port}" for port in free_ports(2)]  # free right now
print(json.dumps(json.loads(tf_config(addresses, index=0)), indent=2))
# --8<-- [end:config]

# --8<-- [start:fit]
from dlguide.cluster import run_workers

FIT_ATTEMPT = "snippets/tutorials/distributed_training/fit_attempt.py"
fit_runs = run_workers(FIT_ATTEMPT, workers=2, timeout=60)
for run in fit_runs:
    first, *_, last = run.error.splitlines()  # the middle prints a whole batch
    print(f"worker {run.index}: exit code {run.returncode}")
    print(f"    {first}\n    ...\n    {last}")
# --8<-- [end:fit]

# --8<-- [start:run]
import tempfile
from pathlib import Path


def report(run):
    """Print how a worker ended, then the progress lines it printed."""
    print(f"worker {run.index}: exit code {run.returncode} "
          f"after {run.seconds:.1f} s")
    prefix = f"worker {run.index}: "
    for line in run.output.splitlines():
        if line.startswith(prefix):
            print("    " + line.removeprefix(prefix))


WORKER = "snippets/tutorials/distributed_training/worker.py"
out = Path(tempfile.mkdtemp(prefix="dlguide-workers-"))
runs = run_workers(WORKER, args=[str(out), str(EPOCHS)], workers=2, timeout=60)
for run in runs:
    report(run)
# --8<-- [end:run]

# --8<-- [start:check]
results = [json.loads((out / f"worker-{i}.json").read_text()) for i in (0, 1)]
final = [[np.array(w) for w in result["weights"]] for result in results]
workers_agree = all(np.array_equal(a, b) for a, b in zip(*final, strict=True))
shards = [set(result["seen_last_epoch"]) for result in results]
multi_gap = max(
    float(np.max(np.abs(a - b)))
    for a, b in zip(final[0], single.get_weights(), strict=True)
)
print(f"final weights identical on both workers: {workers_agree}")
print(f"examples each saw in the last epoch: {[len(s) for s in shards]}, "
      f"in both: {len(shards[0] & shards[1])}, "
      f"in either: {len(shards[0] | shards[1])}")
print(f"largest difference from the one-device weights: {multi_gap:.1e}")
# --8<-- [end:check]

# --8<-- [start:crash]
crash_out = Path(tempfile.mkdtemp(prefix="dlguide-workers-"))
# The third argument makes worker 1 kill itself at the end of epoch 2.
crashed = run_workers(WORKER, args=[str(crash_out), str(EPOCHS), "2"],
                      workers=2, timeout=60)
for run in crashed:
    report(run)
    if run.error:
        print("    " + run.error.replace("\n", "\n    "))
# --8<-- [end:crash]

# --8<-- [start:resume]
resumed = run_workers(WORKER, args=[str(crash_out), str(EPOCHS)],
                      workers=2, timeout=60)
for run in resumed:
    report(run)
resumed_results = [
    json.loads((crash_out / f"worker-{i}.json").read_text()) for i in (0, 1)
]
resumed_gap = max(
    float(np.max(np.abs(np.array(a) - b)))
    for result in resumed_results
    for a, b in zip(result["weights"], final[0], strict=True)
)
print(f"largest difference from the run that never failed: {resumed_gap:.1e}")
# --8<-- [end:resume]

# --8<-- [start:cleanup]
import shutil

from dlguide.cluster import still_running

all_runs = fit_runs + runs + crashed + resumed
print(f"worker processes started: {len(all_runs)}, "
      f"still running: {len(still_running(all_runs))}")
shutil.rmtree(out)
shutil.rmtree(crash_out)
# --8<-- [end:cleanup]
