import math

import pytest

from dlguide.report import markdown_table, scientific


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.49e-7, "1.5 × 10<sup>−7</sup>"),
        (2.5e4, "2.5 × 10<sup>4</sup>"),
        (0.615, "0.61"),
        (12.0, "12"),
        (0, "0"),
    ],
)
def test_scientific(value, expected):
    assert scientific(value) == expected


@pytest.mark.parametrize(("value", "digits"), [(math.nan, 2), (math.inf, 2), ("1", 2), (1.0, 0)])
def test_scientific_rejects_bad_input(value, digits):
    with pytest.raises(ValueError, match=r"^(value|digits) must be"):
        scientific(value, digits)


def test_markdown_table():
    assert markdown_table(["a", "b"], [[1, "x"], [2.5, "y"]]) == (
        "| a | b |\n| --- | --- |\n| 1 | x |\n| 2.5 | y |\n"
    )


def test_markdown_table_rejects_ragged_rows():
    with pytest.raises(ValueError, match=r"^rows\[1\] must have 2 cells"):
        markdown_table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match=r"^headers"):
        markdown_table([], [])
