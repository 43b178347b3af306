"""Turning library results into the words, JSON and CSV the command line prints.

Used by :mod:`surveystats.cli` only; the wording of single numbers lives in ``_display``.
JSON never holds a bare ``NaN`` or ``Infinity`` (not JSON; many parsers refuse them): a
value that is not finite, such as the ratio of a change from 0%, is ``null``.  CSV writes
missing values as empty cells and infinite ones as ``inf``, and neutralises text cells that
a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import math

from .._display import count_text, level_text, pct, points, pvalue_text, spreadsheet_cell

__all__ = ["pct", "points", "pvalue_text", "count_text", "level_text", "to_json", "to_csv", "plain"]


def plain(value):
    """A JSON-ready Python value from numpy scalars and arrays: NaN and ±inf become None."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_json(records):
    """One JSON object for one record, a list for several."""
    records = [{k: plain(v) for k, v in r.items()} for r in records]
    return json.dumps(records[0] if len(records) == 1 else records, indent=2, allow_nan=False)


def _csv_cell(value, escape_formulas):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str) and escape_formulas:
        return spreadsheet_cell(value)
    return value


def to_csv(records, escape_formulas=True):
    """A header line and one line per record (columns of the first record)."""
    fields = list(records[0])
    rows = [[_csv_cell(f, escape_formulas) for f in fields]]
    rows += [[_csv_cell(record.get(f), escape_formulas) for f in fields] for record in records]
    # a lone carriage return in a text cell would end the row for most readers: quote then
    has_cr = any(isinstance(cell, str) and "\r" in cell for row in rows for cell in row)
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        lineterminator="\n",
        quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()[:-1]  # without the last line end
