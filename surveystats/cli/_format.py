"""Turning library results into the words, JSON and CSV the command line prints.

Used by :mod:`surveystats.cli` only; the wording of single numbers lives in ``_display``.
"""

from __future__ import annotations

import csv
import io
import json
import math

from .._display import count_text, level_text, pct, points, pvalue_text

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
