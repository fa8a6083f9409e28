"""How much the GAN page's results move between seeds and between machines.

A GAN's training magnifies differences in the last bit of a float: the same seed trained
with another build of the CPU kernels ends somewhere else. The page's claim tests must
hold on any machine, so their margins come from this spread, not from one run. This
script trains the page's GAN (its own snippet code: `build_gan`, `train`, `score`) for
seeds 0 to N-1, each in three kernel configurations that round differently:

- `default`: TensorFlow's oneDNN kernels, using what this CPU offers;
- `avx2`: oneDNN held to AVX2 (`ONEDNN_MAX_CPU_ISA=AVX2`), as on an older CPU;
- `eigen`: oneDNN off (`TF_ENABLE_ONEDNN_OPTS=0`), TensorFlow's own Eigen kernels.

Each configuration runs in its own process with one thread per op, as in the test pass.
Seed 0 keeps the page's snapshots after epochs 2, 5 and 10 (drawing them uses the noise
generator, so it changes the run); the other seeds keep only the start, as on the page.
It prints a Markdown table of every run and the range of each quantity the tests check.

    .venv/bin/python bench/gan_seeds.py [--seeds 12]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets" / "algorithms" / "gan"
CONFIGURATIONS = {
    "default": {},
    "avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
    "eigen": {"TF_ENABLE_ONEDNN_OPTS": "0"},
}


def section(file: str, name: str) -> str:
    """Return the named `--8<--` section of a snippet file of the GAN page."""
    text = (SNIPPETS / file).read_text()
    match = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", text, re.S)
    if match is None:
        raise SystemExit(f"no section {name!r} in {file}")
    return match.group(1)


def run_seeds(seeds: int) -> list[dict]:
    """Train the page's GAN on seeds 0..seeds-1 in this process; return one row per seed."""
    import numpy as np

    session: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the page's tables, not wanted here
        for file, name in [
            ("losses.py", "gradients"),  # the page's imports
            ("train.py", "model"),
            ("target.py", "target"),
            ("train.py", "train"),  # trains seed 0, with the page's snapshots
        ]:
            exec(section(file, name), session)  # noqa: S102 - the repository's own code
    score, train, build_gan = session["score"], session["train"], session["build_gan"]
    # As the page's "seeds" section: the start as kept, the end sampled after training.
    samples = {0: (session["snapshots"][0][0], np.asarray(session["model"].sample(2500)))}
    histories = {0: session["histories"][0]}
    for seed in range(1, seeds):
        model = build_gan(seed)
        histories[seed], kept = train(model, seed)
        samples[seed] = (kept[0], np.asarray(model.sample(2500)))
    return [
        {
            "seed": seed,
            "before": score(before),
            "after": score(after),
            "discriminator_loss": [float(x) for x in histories[seed]["discriminator_loss"]],
            "generator_loss": [float(x) for x in histories[seed]["generator_loss"]],
        }
        for seed, (before, after) in samples.items()
    ]


def summary(runs: dict[str, list[dict]]) -> str:
    """A Markdown table of every run, then the range of each quantity the tests check."""
    lines = [
        "| kernels | seed | modes | within 3σ | energy distance | after / before |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    values: dict[str, list[float]] = {}
    for kernels, rows in runs.items():
        for row in rows:
            (m0, w0, d0), (m1, w1, d1) = row["before"], row["after"]
            lines.append(
                f"| {kernels} | {row['seed']} | {m0} → {m1} | {w0:.1%} → {w1:.1%} "
                f"| {d0:.3f} → {d1:.3f} | {d1 / d0:.2f} |"
            )
            for key, value in [
                ("modes before", m0), ("modes after", m1),
                ("within 3σ before", w0), ("within 3σ after", w1),
                ("within 3σ gain", w1 - w0),
                ("distance before", d0), ("distance after", d1),
                ("distance after / before", d1 / d0),
                ("discriminator loss, first epoch", row["discriminator_loss"][0]),
                ("discriminator loss, last epoch", row["discriminator_loss"][-1]),
                ("generator loss, last epoch", row["generator_loss"][-1]),
            ]:  # fmt: skip
                values.setdefault(key, []).append(value)
            for key in ("discriminator_loss", "generator_loss"):
                name = key.replace("_", " ") + ", every epoch"
                values.setdefault(name, []).extend(row[key])
    lines += ["", "| quantity | lowest | highest |", "| --- | --- | --- |"]
    lines += [f"| {key} | {min(v):.3f} | {max(v):.3f} |" for key, v in values.items()]
    return "\n".join(lines)


def main() -> int:
    """Run each kernel configuration in its own process and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="seeds 0..N-1 (default 12)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_seeds(args.seeds)))
        return 0
    runs = {}
    for name, settings in CONFIGURATIONS.items():
        env = {**os.environ, **settings, "TF_CPP_MIN_LOG_LEVEL": "3"}
        env.update(TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
        print(f"{name}: training seeds 0 to {args.seeds - 1} ...", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--seeds", str(args.seeds), "--worker"],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
    print(summary(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
