"""The rows of a result table as CSV, byte for byte what :meth:`pandas.DataFrame.to_csv`
writes, made with pyarrow's vectorized string kernels.

Lives here: :func:`write_rows` (the rows of a table, no header, no index, as
``DataFrame.to_csv(header=False, index=False)`` writes them under ``csv.QUOTE_MINIMAL``) and
the self-check :func:`arrow_writes_as_pandas`.  Where pyarrow (the optional ``parquet``
extra) is absent or fails the self-check, or a column is of a type not handled here,
:func:`write_rows` writes nothing and says so, and the caller writes with pandas as before.

Why: pandas formats each float with numpy's shortest round-trip repr (Dragon4, 1-2 µs a
number) and hands every row to :class:`csv.writer`; of ``surveystats batch`` on 10^6 rows
that was 28 of 35 s.  pyarrow formats floats with the same shortest round-trip digits
(double-conversion) several times faster, but lays them out differently (``1`` for ``1.0``,
``0.00001`` for ``1e-05``, ``1e-7`` for ``1e-07``, ``1e+14`` for ``100000000000000.0``);
:func:`_arrow_floats` puts them into Python's layout and leaves the few numbers whose
layouts differ in kind to :func:`repr`.  Formatting in numpy instead saves only pandas'
row loop (numpy's float to text is the Dragon4 that pandas already uses); see
``benchmarks/bench_frame.py``, which measures the candidates, and ``results/frame.md``.

Does not live here: formula neutralisation, the choice of quoting and atomic files
(``_output``).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import IO, Any

import numpy as np
import pandas as pd

__all__ = ["write_rows", "arrow_writes_as_pandas"]

# pandas writes rows ending in os.linesep ('\n', or '\r\n' on Windows)
_LINE_END = os.linesep
# rows per slice: bounds the memory of the text of a part, and keeps an arrow string array
# far below its 2 GiB limit whatever the chunk size
_SLICE = 131_072


# ---------------------------------------------------------------------------- which cells pandas quotes
@cache
def _quote_characters() -> str:
    """The characters whose presence makes the csv module quote a field (QUOTE_MINIMAL).

    Asked of the csv module itself, with pandas' settings, rather than assumed: the
    delimiter, the quote character and those of the line terminator in CPython's ``_csv.c``
    today.  Probed over ASCII and a few Unicode line breaks; other characters are never
    quoted by any CPython release.
    """
    probe = [chr(c) for c in range(128)] + ["\x85", "\u2028", "\u2029", "\xa0", "\ufeff"]
    quoted = []
    for char in probe:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=_LINE_END, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([f"a{char}b", "x"])
        if buffer.getvalue().startswith('"'):
            quoted.append(char)
    return "".join(quoted)


def _quote_pattern() -> str:
    return "[" + "".join(re.escape(c) for c in _quote_characters()) + "]"


def _large(text: str) -> Any:
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


# ---------------------------------------------------------------------------- column kinds
def _kind(column: pd.Series) -> str | None:
    """How a column is written: 'float', 'int', 'bool', 'text', or None (not handled here)."""
    dtype = column.dtype
    if dtype == np.float64:
        return "float"
    if isinstance(dtype, (np.dtype, pd.BooleanDtype)) and pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):  # numpy, masked (Int64) or pyarrow integers
        return "int"
    if dtype == np.dtype(object) or isinstance(dtype, pd.StringDtype):
        # every cell text or missing: what pandas writes is then the text itself
        if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
            return "text"
    return None


# ---------------------------------------------------------------------------- formatting
def _arrow_floats(values: np.ndarray) -> Any:
    """Float64 values as Python's repr writes them, from pyarrow's shortest digits.

    Python writes ``repr`` in fixed notation for 1e-4 <= |x| < 1e16 (and zero), with at
    least one digit after the point, and otherwise in exponent notation with at least two
    exponent digits.  pyarrow uses the same shortest round-trip digits but its own
    thresholds, no ``.0`` and no padding.  So where both use fixed notation only ``.0`` can
    be missing (whole numbers); where both use exponents, only an exponent's leading zero
    (``1e-7``); where one uses fixed and the other exponents (|x| in [1e-6, 1e-4) and
    around [1e12, 1e16) in pyarrow 26), ``repr`` formats the number.  Which notation
    pyarrow chose is read from its text, so none of its thresholds is assumed.  NaN: null.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    missing = np.isnan(values)
    mask = missing if missing.any() else None
    size = np.abs(values)
    with np.errstate(invalid="ignore"):  # NaN (a signalling one warns): masked anyway
        integral = (values == np.trunc(values)) & (size < 1e16)
    if (integral | missing).all() and not np.signbit(values[values == 0]).any():
        # whole numbers below 1e16 (sample sizes): repr is the integer's digits and '.0'
        # (every integer below 2**53 is exact, and above it the spacing of 2 leaves no
        # shorter decimal within reach), and formatting integers is far cheaper
        whole_numbers = pa.array(np.where(missing, 0, values).astype(np.int64), mask=mask)
        return pc.binary_join_element_wise(
            pc.cast(whole_numbers, pa.large_string()), _large(".0"), _large("")
        )
    text = pc.cast(pa.array(values, mask=mask), pa.large_string())
    exponent = pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
    finite = ~missing & (size != np.inf)  # inf is 'inf' in both
    fixed = finite & (((size >= 1e-4) & (size < 1e16)) | (size == 0))
    scientific = finite & ~fixed
    with np.errstate(invalid="ignore"):  # a signalling NaN; not in `fixed` anyway
        whole = fixed & ~exponent & (values == np.trunc(values))  # '1813' -> '1813.0'
    # one-digit exponents occur from 1e-10 up (1e-7 -> 1e-07); the pattern matches no other
    padded = scientific & exponent & (size >= 1e-10)
    by_repr = (fixed & exponent) | (scientific & ~exponent)
    if not (whole.any() or padded.any() or by_repr.any()):
        return text
    rows = [np.flatnonzero(m) for m in (whole, padded, by_repr)]
    fixes = [
        pc.binary_join_element_wise(text.take(rows[0]), _large(".0"), _large("")),
        pc.replace_substring_regex(
            text.take(rows[1]), pattern=r"e([+-])([0-9])$", replacement=r"e\10\2"
        ),
        pa.array([repr(v) for v in values[rows[2]].tolist()], type=pa.large_string()),
    ]
    # replace_with_mask takes the new values in the order of the rows they replace
    order = np.argsort(np.concatenate(rows), kind="stable")
    new = pa.concat_arrays([f.cast(pa.large_string()) for f in fixes]).take(order)
    return pc.replace_with_mask(text, pa.array(whole | padded | by_repr), new)


def _arrow_column(column: pd.Series, kind: str) -> Any:
    """One column's cells as a pyarrow large_string array without nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "float":
        text = _arrow_floats(column.to_numpy())
    else:
        values = column.to_numpy(dtype=object) if column.dtype == object else column
        array = pa.array(values, from_pandas=True)
        if kind == "bool":
            text = pc.if_else(array, "True", "False")
        else:
            text = pc.cast(array, pa.large_string())
        if kind == "text":
            needs = pc.match_substring_regex(text, _quote_pattern())
            if pc.any(needs).as_py():
                doubled = pc.replace_substring(text, '"', '""')
                text = pc.if_else(
                    needs,
                    pc.binary_join_element_wise(_large('"'), doubled, _large('"'), _large("")),
                    text,
                )
    return pc.fill_null(text.cast(pa.large_string()), "")


def _arrow_lines(columns: list[tuple[pd.Series, str]]) -> str:
    import pyarrow.compute as pc

    cells = [_arrow_column(column, kind) for column, kind in columns]
    # the last cell of a row ends it: "cell" + line end + ""
    cells[-1] = pc.binary_join_element_wise(cells[-1], _large(""), _large(_LINE_END))
    lines = pc.binary_join_element_wise(*cells, _large(","))
    # the data buffer of a string array holds its values back to back: the text of all rows
    _, offsets, data = lines.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64)[[lines.offset, lines.offset + len(lines)]]
    return str(memoryview(data)[bounds[0] : bounds[1]], "utf-8")


# numbers whose layout is easy to get wrong: both sides of every threshold of either notation
_PROBE = np.array(
    [0.0, -0.0, 1.0, -1.0, 0.5, 100.0, 123.456, 1813.0, 1e-4, 9.999e-5, 1e-5, 1.5e-6, 1e-6,
     1e-7, 1.5e-7, 1e-9, 1e-10, 3.4745091753832707e-81, 5e-324, 1.7976931348623157e308,
     1e12, 1.25e13, 472522389958906.56, 1e15, 9999999999999998.0, 1e16, 1.5e16, 1e22,
     2.0**53, np.inf, -np.inf, np.nan, -0.021999999999999992, 0.1 + 0.2]
)  # fmt: skip


def _have_pyarrow() -> bool:
    try:
        import pyarrow.compute  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def arrow_writes_as_pandas() -> bool:
    """Whether pyarrow is installed and writes the probe table as pandas does.

    Checked once per process (a few milliseconds), so that a pyarrow whose formatting
    differs from the one this module was written against makes the writer fall back to
    pandas instead of writing other text.
    """
    if not _have_pyarrow():
        return False
    probe = pd.DataFrame(
        {
            "x": _PROBE,
            "n": pd.array(np.arange(_PROBE.size), dtype="Int64"),
            "text": ["a,b", 'say "hi"', "line\nbreak", "é", None] + ["q"] * (_PROBE.size - 5),
            "flag": pd.array([True, False, None] + [True] * (_PROBE.size - 3), dtype="boolean"),
        }
    )
    try:
        got = "".join(_arrow_pieces(probe, ["float", "int", "text", "bool"]))
    except Exception:  # an unforeseen pyarrow: pandas writes instead
        return False
    return got == probe.to_csv(header=False, index=False)


def _arrow_pieces(part: pd.DataFrame, kinds: list[str]) -> Iterator[str]:
    """The text of ``part``'s rows, a slice of rows at a time."""
    for start in range(0, len(part), _SLICE):
        rows = part.iloc[start : start + _SLICE]
        yield _arrow_lines([(rows.iloc[:, i], kind) for i, kind in enumerate(kinds)])


def write_rows(handle: IO[str], part: pd.DataFrame) -> bool:
    """Write the rows of ``part`` to ``handle`` as ``part.to_csv(handle, header=False,
    index=False)`` would, and return True; or write nothing and return False where pandas
    must do it (pyarrow absent or failing its self-check, a column of a type not handled
    here, fewer than two columns).  Text cells with a carriage return are the caller's
    business: pandas quotes them only under ``csv.QUOTE_NONNUMERIC``.
    """
    if part.shape[1] < 2 or not arrow_writes_as_pandas():
        return False  # (a row of one empty cell is written '""')
    kinds = [_kind(part.iloc[:, i]) for i in range(part.shape[1])]
    if None in kinds:
        return False
    for text in _arrow_pieces(part, kinds):  # type: ignore[arg-type]  # no None left
        handle.write(text)
    return True
