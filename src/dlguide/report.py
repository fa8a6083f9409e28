"""Turn what the code did into text for the pages: tables, powers of ten, error messages.

The pages print these from the code that measured the numbers, so a table or a number in
the prose is always the one this build produced, and an error shown on a page is the one
this build raised.
"""

import math
import re
import textwrap
from collections.abc import Callable, Sequence

# TensorFlow opens an eager op's error message with the internal kernel that failed, for
# example "{{function_node __wrapped__MatMul_device_/job:localhost/...}} ".
_KERNEL_PREFIX = re.compile(r"^\{\{function_node [^}]*\}\}\s*")


def scientific(value: float, digits: int = 2) -> str:
    """Format a number as `1.5 × 10<sup>−7</sup>`, or plainly when it needs no exponent.

    Args:
        value: A finite number.
        digits: Significant digits, a positive int.

    Returns:
        HTML-in-Markdown text; numbers from 0.01 to 1000 are written without an exponent.

    Raises:
        ValueError: If `value` is not finite or `digits` is not a positive int.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits <= 0:
        raise ValueError(f"digits must be a positive int, got {digits!r}")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    if value == 0 or 1e-2 <= abs(value) < 1e3:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = int(exponent)
    sign = "\N{MINUS SIGN}" if power < 0 else ""
    return f"{mantissa} \N{MULTIPLICATION SIGN} 10<sup>{sign}{abs(power)}</sup>"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render rows as a Markdown table.

    Args:
        headers: Column titles.
        rows: One sequence of cells per row, each as long as `headers`; cells are
            converted with `str`.

    Returns:
        The table, ending with a newline.

    Raises:
        ValueError: If `headers` is empty or a row has the wrong number of cells.
    """
    if not headers:
        raise ValueError("headers must name at least one column")
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    for number, row in enumerate(rows):
        if len(row) != len(headers):
            raise ValueError(
                f"rows[{number}] must have {len(headers)} cells like headers, got {len(row)}"
            )
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines) + "\n"


def show_error(call: Callable[[], object], width: int | None = 80) -> str:
    """Call a function that should fail, and return its error as text for a page.

    Pages use it to show the real error a mistake causes, captured when the page is
    built. TensorFlow's `{{function_node ...}}` prefix, which names the internal kernel
    that failed, is dropped; the rest of the message's first line is kept word for word,
    only broken into lines at spaces so that it fits a page's code block.

    Args:
        call: A function of no arguments, such as `lambda: tf.matmul(a, b)`.
        width: Break the text into lines of at most this many characters (a word
            longer than that keeps its own line), continuation lines indented by two
            spaces; None keeps it on one line. At least 20.

    Returns:
        `"<ExceptionType>: <first line of the message>"`, or just the type's name when
        the message is empty.

    Raises:
        ValueError: If `call` is not callable, if `width` is neither None nor an int of
            at least 20, or if `call` returns without raising an exception (the mistake
            a page means to show no longer fails).
    """
    if not callable(call):
        raise ValueError(f"call must be a function of no arguments, got {call!r}")
    if width is not None and (isinstance(width, bool) or not isinstance(width, int) or width < 20):
        raise ValueError(f"width must be None or an int >= 20, got {width!r}")
    try:
        call()
    except Exception as error:  # any exception: it is what the page came to show
        lines = str(error).strip().splitlines()
        message = _KERNEL_PREFIX.sub("", lines[0]).rstrip() if lines else ""
        name = type(error).__name__
        text = f"{name}: {message}" if message else name
    else:
        raise ValueError(f"call must raise an exception, but {call!r} returned normally")
    if width is None:
        return text
    return textwrap.fill(
        text, width, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
    )
