"""The one way of wording numbers for people: percentages, points, p-values, counts, levels.

Used by ``cli/``, ``newsroom/`` and ``plot.py``, so the same change reads the same at the shell,
in an annotated article and on a chart.  Rounds for display and nothing else: no statistics.

>>> pct(0.194), points(-0.076), pvalue_text(0.00061), count_text(1000.0), level_text(0.95)
('19.4%', '−7.6', 'p < 0.001', '1,000', '95%')
"""

from __future__ import annotations

import math
import re

__all__ = [
    "pct",
    "points",
    "margin_text",
    "pvalue_text",
    "count_text",
    "level_text",
    "spreadsheet_cell",
]


def pct(p: float | None, digits: int = 1) -> str:
    """``0.194`` -> ``'19.4%'``; ``'n/a'`` for a missing or infinite value."""
    if p is None or not math.isfinite(p):
        return "n/a"
    return f"{100 * p:.{digits}f}%"


def points(d: float | None, digits: int = 1, signed: bool = True) -> str:
    """A difference of proportions in percentage points: ``-0.076`` -> ``'−7.6'``.

    A typographic minus sign (U+2212), and no ``-0.0``.
    """
    if d is None or not math.isfinite(d):
        return "n/a"
    value = 100 * d
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def margin_text(moe: float | None) -> str:
    """A margin of error in percentage points, never worded as zero: ``0.03`` -> ``'3.0'``.

    One decimal, as :func:`points`, for a margin that has one; a smaller margin, which one
    decimal would show as ``0.0`` (below 0.05 points), keeps two significant digits, so that
    ``sample-size --moe 0.04pp`` does not promise a margin of "±0.0 points".

    >>> margin_text(0.03), margin_text(0.0004), margin_text(0.00033), margin_text(1e-12)
    ('3.0', '0.04', '0.033', '1e-10')
    """
    if moe is None or not math.isfinite(moe):
        return "n/a"
    value = 100 * moe
    if value <= 0 or round(value, 1) != 0:
        return points(moe, signed=False)
    decimals = 1 - math.floor(math.log10(value))  # two significant digits
    if decimals > 8:  # beyond a millionth of a point, digits in fixed notation stop reading
        return f"{value:.2g}"
    return f"{value:.{decimals}f}".rstrip("0")


def pvalue_text(p: float | None) -> str:
    """``p < 0.001``, ``p = 0.0061``, ``p = 0.043``, ``p = 0.43``.

    Below 0.001 only the bound is shown (the figure is past what a sampling model supports);
    below 0.1 two significant digits, so values near the 0.05 line keep their second digit.
    """
    if p is None or not math.isfinite(p):
        return "p = n/a"
    if p < 0.001:
        return "p < 0.001"
    if p < 0.1:
        return f"p = {p:.2g}"
    return f"p = {p:.2f}"


def count_text(n: float | None) -> str:
    """``1000.0`` -> ``'1,000'``; fractional effective sizes keep one decimal."""
    if n is None or not math.isfinite(n):
        return "n/a" if n is None or math.isnan(n) else "all (census)"
    if abs(n - round(n)) < 1e-9:
        return f"{int(round(n)):,}"
    return f"{n:,.1f}"


def level_text(level: float) -> str:
    """``0.95`` -> ``'95%'``, ``0.975`` -> ``'97.5%'``, ``0.9999999`` -> ``'99.99999%'``.

    As many digits as the level has (up to 12), and never a level below 100% shown as 100%.
    """
    text = f"{100 * level:.12g}"
    if text == "100" and level < 1:
        text = f"{100 * level:.17g}"
    return f"{text}%"


# Cells a spreadsheet runs as formulas (OWASP, "CSV Injection"): those starting with one of
# = + - @ tab or carriage return.  A cell that is just a number (-5, +0.3) is left alone, so
# that it still reads as a number.  Regular expressions as text, for re and pandas alike.
FORMULA_TRIGGERS = r"[=+\-@\t\r]"
PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def spreadsheet_cell(text: str) -> str:
    """A text cell made inert for spreadsheets: a leading ``'`` where it would be a formula.

    >>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("-5"), spreadsheet_cell("wilson")
    ("'=HYPERLINK(1)", '-5', 'wilson')
    """
    if re.match(FORMULA_TRIGGERS, text) and not re.fullmatch(PLAIN_NUMBER, text):
        return "'" + text
    return text
