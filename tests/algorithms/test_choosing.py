"""Claims of docs/algorithms/choosing.md: its table is the survey's own numbers.

The page rebuilds each algorithm's model with its page's settings and counts the
parameters. Its counts are exported (`facts`) for test_choosing_survey.py, which compares
them with the models the pages trained, and the quoted times with the build's record.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.build
PAGE = "algorithms/choosing.md"
SESSION = "choosing"

SURVEY = [
    *("ann", "cnn", "capsule", "rnn", "lstm", "gru", "transformer"),
    *("autoencoder", "gan", "rbm", "dbn", "som", "dqn"),
]


def facts(page):
    """What the survey's tests read of this page's run: its table's parameter counts."""
    return {"parameters": {name: int(count) for name, count in page["parameters"].items()}}


def test_the_table_covers_all_thirteen_algorithm_pages(page):
    assert list(page["parameters"]) == SURVEY
    assert len(page["rows"]) == 13
