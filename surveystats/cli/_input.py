"""Reading numbers as people type them at a shell: ``19.4%``, ``0.194``, ``194/1000``, ``3pp``.

Used by :mod:`surveystats.cli` only.  Every function raises :class:`UsageError` with a message
that names the argument and shows what is allowed; the CLI prints it as one line.
No statistics here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._internal.validation import percent_example

__all__ = ["UsageError", "Share", "parse_share", "parse_count", "parse_moe", "parse_level"]


class UsageError(Exception):
    """A command-line value that cannot be read; the message is shown to the user as is."""


@dataclass(frozen=True)
class Share:
    """A proportion read from the command line; ``n`` is set when it was typed as ``x/n``."""

    p: float
    n: float | None = None
    text: str = ""


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # as float() reads, no inf/nan
_PERCENT = re.compile(rf"^({_NUMBER})\s*%$")
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s*/\s*(\d+(?:,\d{3})*)$")
_PLAIN = re.compile(rf"^{_NUMBER}$")
_POINTS = re.compile(rf"^({_NUMBER})\s*(?:pp|pts?|points?)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def _float(text):
    return float(text.replace("_", ""))


def _hundredth(text):
    """``'19.4'`` -> 0.194 exactly as typed (19.4 / 100 in binary would be 0.19399999...)."""
    from decimal import Decimal

    return float(Decimal(text.replace("_", "")) / 100)


def parse_share(text, name="share"):
    """Read a share: ``19.4%`` and ``0.194`` are 0.194; ``194/1000`` is 0.194 with n = 1000.

    A bare number above 1 is ambiguous and refused with both readings.

    >>> parse_share("19.4%").p
    0.194
    >>> parse_share("194/1000")
    Share(p=0.194, n=1000.0, text='194/1000')
    >>> parse_share("19.4")
    Traceback (most recent call last):
    ...
    surveystats.cli._input.UsageError: share '19.4' is ambiguous: write 19.4% for a percentage or 0.194 for a proportion
    """
    raw = text
    text = str(text).strip().replace("\u2212", "-")
    if not text:
        raise UsageError(f"{name} is empty: give a share such as 19.4% or 0.194")
    match = _PERCENT.match(text)
    if match:
        p = _hundredth(match.group(1))
        return Share(_check_unit_interval(p, name, raw), None, raw)
    match = _FRACTION.match(text)
    if match:
        x = _float(match.group(1))
        n = _float(match.group(2).replace(",", ""))
        if n <= 0:
            raise UsageError(f"{name} {raw!r}: the sample size after '/' must be positive")
        if x > n:
            raise UsageError(
                f"{name} {raw!r}: the count {x:g} is larger than the sample size {n:g}"
            )
        return Share(x / n, n, raw)
    if _PLAIN.match(text):
        p = _float(text)
        if p > 1:
            if percent_example([p]) is not None:  # the library's one percent rule
                raise UsageError(
                    f"{name} {raw!r} is ambiguous: write {text}% for a percentage "
                    f"or {_hundredth(text):g} for a proportion"
                )
            raise UsageError(
                f"{name} {raw!r} is not a share: give a percentage such as 19.4% "
                "or a proportion between 0 and 1"
            )
        return Share(_check_unit_interval(p, name, raw), None, raw)
    raise UsageError(
        f"{name} {raw!r} is not a number: give a share such as 19.4%, 0.194 or 194/1000"
    )


def _check_unit_interval(p, name, raw):
    if not 0.0 <= p <= 1.0:
        raise UsageError(f"{name} {raw!r} is outside 0% to 100%")
    return p


def _positive_number(text, name, what):
    """A positive, finite number typed as ``1000``, ``1,000``, ``1_000`` or ``1e3``."""
    raw = text
    text = str(text).strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not re.fullmatch(r"[+-]?[\d_]*\.?[\d_]+(?:[eE][+-]?\d+)?", text):
        raise UsageError(f"{name} {raw!r} is not a number: give {what}")
    value = _float(text)
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{name} must be positive, got {raw!r}: give {what}")
    return value


def parse_count(text, name="--n"):
    """Read a sample size: ``1000``, ``1,000``, ``1_000`` or ``1e3``; at least 1.

    >>> parse_count("1,012")
    1012.0
    """
    value = _positive_number(text, name, "a sample size such as 1000")
    if value < 1:
        raise UsageError(f"{name} must be at least 1 (respondents), got {text!r}")
    return value


def parse_moe(text, name="--moe"):
    """Read a margin of error: ``3pp``, ``3 points``, ``3%`` or ``0.03`` all mean 0.03.

    >>> parse_moe("3pp"), parse_moe("2.5%"), parse_moe("0.03")
    (0.03, 0.025, 0.03)
    """
    raw = text
    text = str(text).strip()
    match = _POINTS.match(text) or _PERCENT.match(text)
    if match:
        value = _hundredth(match.group(1))
    elif _PLAIN.match(text):
        value = _float(text)
        if value >= 1:
            raise UsageError(
                f"{name} {raw!r} is ambiguous: write {text}pp for percentage points "
                f"or {_hundredth(text):g} as a proportion"
            )
    else:
        raise UsageError(f"{name} {raw!r} is not a margin: give e.g. 3pp, 3% or 0.03")
    if not 0 < value < 1:
        raise UsageError(f"{name} must be between 0 and 100 points, got {raw!r}")
    return value


def parse_level(text, name="--confidence"):
    """Read a confidence level: ``95``, ``95%`` or ``0.95``.

    >>> parse_level("90"), parse_level("99%"), parse_level("0.8")
    (0.9, 0.99, 0.8)
    """
    raw = text
    text = str(text).strip().rstrip("%")
    try:
        value = _float(text)
    except ValueError:
        raise UsageError(f"{name} {raw!r} is not a number: give e.g. 95 or 0.95") from None
    if 1 < value < 100:
        value /= 100.0
    if not 0 < value < 1:
        raise UsageError(f"{name} must be between 0 and 100 (percent) or 0 and 1, got {raw!r}")
    return value


def parse_positive(text, name):
    """A positive real number (design effect, population size)."""
    return _positive_number(text, name, "a positive number")
