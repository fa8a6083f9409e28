import math

import pytest

from dlguide.report import markdown_table, scientific, show_error


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


def test_show_error_names_the_exception_and_its_first_line():
    def fail():
        raise RuntimeError("first line\nsecond line")

    assert show_error(fail) == "RuntimeError: first line"
    assert show_error(lambda: int("x")) == (
        "ValueError: invalid literal for int() with base 10: 'x'"
    )
    assert show_error(lambda: 1 / 0) == "ZeroDivisionError: division by zero"


def test_show_error_gives_the_type_alone_when_the_message_is_empty():
    def fail():
        raise RuntimeError

    assert show_error(fail) == "RuntimeError"


def test_show_error_drops_tensorflows_kernel_prefix_only():
    def fail():
        raise RuntimeError(
            "{{function_node __wrapped__MatMul_device_/job:localhost/replica:0/task:0/"
            "device:CPU:0}} Matrix size-incompatible: In[0]: [2,3] [Op:MatMul] name: "
        )

    assert show_error(fail) == (
        "RuntimeError: Matrix size-incompatible: In[0]: [2,3] [Op:MatMul] name:"
    )


def test_show_error_on_a_real_tensorflow_error():
    tf = pytest.importorskip("tensorflow")
    a = tf.ones((2, 3))
    assert show_error(lambda: tf.matmul(a, a)).startswith(
        "InvalidArgumentError: Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3]"
    )


def test_show_error_breaks_long_messages_at_spaces_only():
    message = "Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3] " + "x" * 30

    def fail():
        raise RuntimeError(message)

    text = show_error(fail, width=30)
    lines = text.split("\n")
    assert lines[0] == "RuntimeError: Matrix"
    assert all(line.startswith("  ") for line in lines[1:])
    assert "  size-incompatible: In[0]:" in lines  # no break at the hyphen
    assert lines[-1] == "  " + "x" * 30  # a long word keeps its own line
    assert " ".join(line.strip() for line in lines) == f"RuntimeError: {message}"
    assert show_error(fail, width=None) == f"RuntimeError: {message}"


@pytest.mark.parametrize("width", [19, 0, 40.0, True])
def test_show_error_rejects_a_bad_width(width):
    with pytest.raises(ValueError, match=r"^width must be None or an int >= 20"):
        show_error(lambda: 1 / 0, width=width)


def test_show_error_rejects_what_does_not_fail_or_cannot_be_called():
    with pytest.raises(ValueError, match=r"^call must raise an exception"):
        show_error(lambda: 42)
    with pytest.raises(ValueError, match=r"^call must be a function"):
        show_error("tf.matmul(a, b)")
