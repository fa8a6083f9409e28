"""Turn measured numbers into Markdown for the pages: tables and readable powers of ten.

The pages print these from the code that measured the numbers, so a table or a number in
the prose is always the one this build produced.
"""

import math
from collections.abc import Sequence


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
