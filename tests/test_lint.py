"""The code style the project's ruff configuration sets holds for every file it covers."""

import subprocess
import sys

from dlguide_docs.passdir import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "src",
            "tests",
            "snippets",
            "bench",
            "conftest.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
