"""Turning library results into the words, JSON and CSV the command line prints.

Used by :mod:`surveystats.cli` only.  Rounds for display and nothing else: no statistics.
"""

from __future__ import annotations

import csv
import io
import json
import math

__all__ = ["pct", "points", "pvalue_text", "count_text", "level_text", "to_json", "to_csv", "plain"]


def plain(value):
    """A JSON-ready Python value from numpy scalars and arrays."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else (math.inf if value > 0 else -math.inf)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def pct(p, digits=1):
    """``0.194`` -> ``'19.4%'``."""
    if p is None or not math.isfinite(p):
        return "n/a"
    return f"{100 * p:.{digits}f}%"


def points(d, digits=1, signed=True):
    """A difference of proportions in percentage points: ``-0.076`` -> ``'−7.6'``."""
    if d is None or not math.isfinite(d):
        return "n/a"
    value = 100 * d
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def pvalue_text(p):
    """``p = 0.0006``, ``p < 0.0001``, ``p = 0.43``."""
    if p is None or not math.isfinite(p):
        return "p = n/a"
    if p < 0.0001:
        return "p < 0.0001"
    if p < 0.001:
        return f"p = {p:.4f}"
    if p < 0.01:
        return f"p = {p:.3f}"
    return f"p = {p:.2f}"


def count_text(n):
    """``1000.0`` -> ``'1,000'``; fractional effective sizes keep one decimal."""
    if n is None or not math.isfinite(n):
        return "n/a" if n is None or math.isnan(n) else "all (census)"
    if abs(n - round(n)) < 1e-9:
        return f"{int(round(n)):,}"
    return f"{n:,.1f}"


def level_text(level):
    """``0.95`` -> ``'95%'``, ``0.975`` -> ``'97.5%'``."""
    return f"{100 * level:g}%"


def to_json(records):
    """One JSON object for one record, a list for several."""
    records = [{k: plain(v) for k, v in r.items()} for r in records]
    return json.dumps(records[0] if len(records) == 1 else records, indent=2, allow_nan=False)


def to_csv(records):
    """A header line and one line per record (columns of the first record)."""
    buffer = io.StringIO()
    fields = list(records[0])
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("" if plain(v) is None else plain(v)) for k, v in record.items()})
    return buffer.getvalue().rstrip("\n")
