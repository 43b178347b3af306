"""Options and row checks of the batch layer.

Lives here: the checks of the batch functions' options (names of columns, adjustment,
comparison methods), and the row checks that turn a table's share, size and design-effect
columns into clean float arrays plus a ``problem`` text per row (DESIGN.md, "Rules for
inputs": a bad number makes its row NaN with a reason, the rest goes on).

Does not live here: pairing rows into sequences (``_sequence``), statistics (the core).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._internal.validation import check_choice, percent_example
from ..exceptions import InvalidOptionError, InvalidValueError

SCALES = {"proportion": 1.0, "percent": 100.0}
FAMILIES = ("all", "question")
TREND_SCORES = ("rank", "wave")
NO_ADJUSTMENT = "none"


# ============================================================================ options
def check_adjust(adjust):
    """None or 'none' switch the adjustment off; anything else must be a method of
    :func:`surveystats.multiple.adjust_pvalues`."""
    if adjust is None or adjust == NO_ADJUSTMENT:
        return None
    from ..multiple import ADJUST_METHODS

    return check_choice("adjust", adjust, tuple(ADJUST_METHODS) + (NO_ADJUSTMENT,))


def check_compare_options(method, test):
    """``method`` and ``test`` must be keys of the registries of ``compare_proportions``."""
    from .. import compare

    check_choice("method", method, tuple(compare.METHODS))
    check_choice("test", test, tuple(compare.TESTS))


def as_list(columns, name):
    """A column name or a list of them, as a list (None: empty)."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    try:
        return list(columns)
    except TypeError:
        raise InvalidOptionError(
            f"{name}={columns!r} must be a column name or a list of them"
        ) from None


def require_columns(columns, **named):
    """Raise naming the argument and the available columns if a column is absent.

    ``columns``: the table's column names; ``named``: argument -> column name(s) or None.
    """
    available = list(columns)
    for argument, column in named.items():
        for col in as_list(column, argument):
            if col not in available:
                shown = ", ".join(repr(c) for c in available[:20])
                raise InvalidOptionError(
                    f"{argument}={col!r} is not a column of the table; columns are {shown}"
                )


def check_wave_kinds(waves, wave):
    """Refuse a wave column that mixes numbers with text (``2023, "2024"``).

    Sorted together, Python puts every number before every string, so ``"2024"`` would come
    after ``2025`` and the changes would run backwards.  Which of the two readings the user
    meant cannot be known, so the column is refused, not normalised.
    """
    if waves.dtype != object:
        return
    kind = pd.api.types.infer_dtype(waves, skipna=True)
    if kind in ("mixed-integer", "mixed"):
        values = waves.dropna()
        numbers = [v for v in values.head(10_000) if isinstance(v, (int, float, np.number))]
        texts = [v for v in values.head(10_000) if isinstance(v, str)]
        example = ""
        if numbers and texts:
            example = f" (e.g. {numbers[0]!r} and {texts[0]!r})"
        raise InvalidValueError(
            f"column {wave!r} mixes numbers and text{example}, which do not sort in time "
            f"order together; make every wave a number or every wave text"
        )


# ============================================================================ row checks
class RowProblems:
    """A ``problem`` text per row: '' where the row is fine, reasons joined by '; '."""

    def __init__(self, size):
        self.size = size
        self._text = None  # made on the first problem: a clean table never builds strings
        self.bad = np.zeros(size, dtype=bool)
        self.not_number = {}  # column -> rows whose text is not a number

    @property
    def text(self):
        if self._text is None:
            self._text = np.full(self.size, "", dtype=object)
        return self._text

    def add(self, mask, message):
        """``message``: one string, or an array of strings for the rows of ``mask``."""
        if not mask.any():
            return
        old = self.text[mask]
        message = np.broadcast_to(np.asarray(message, dtype=object), old.shape)
        self.text[mask] = np.where(old == "", message, old + "; " + message)
        self.bad |= mask


def numbers(values, column, problems=None):
    """A column as a float array.

    With ``problems`` (a :class:`RowProblems`), text that is not a number becomes NaN and the
    row gets a problem naming the value (the mask of those rows is kept in
    ``problems.not_number[column]``); without it, such text is refused, naming the column.
    """
    series = pd.Series(values)
    if problems is None:
        try:
            return pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(f"column {column!r} must hold numbers: {exc}") from None
    as_numbers = pd.to_numeric(series, errors="coerce")
    not_number = (as_numbers.isna() & series.notna()).to_numpy()
    problems.not_number[column] = not_number
    if not_number.any():
        # one message per offending row (only those rows are visited)
        problems.add(
            not_number,
            np.array(
                [f"{column}={str(v)!r} is not a number" for v in series[not_number]], dtype=object
            ),
        )
    return as_numbers.to_numpy(dtype=float, na_value=np.nan)


def shown(values):
    """Numbers as short text for a problem message."""
    return np.char.mod("%g", np.asarray(values, dtype=float)).astype(object)


def _refuse_percent(column, example):
    raise InvalidValueError(
        f"column {column!r} looks like percentages (e.g. {example:g}); proportions are in "
        f"[0, 1]: pass scale='percent' to read {example:g} as {example / 100:g}, or divide the "
        f"column by 100"
    )


@dataclass
class PercentEvidence:
    """The one "looks like percentages" rule (:func:`surveystats._internal.validation.
    percent_example`) over a column read in chunks.

    The rule reads only how many finite values there are, how many lie above 1, whether
    any lies outside [0, 100], and the first above 1; those add up over the chunks, so the
    verdict on a file is the rule's verdict on its whole column, whatever the chunk size
    (``tests/test_batch_files.py`` checks the two agree).
    """

    finite: int = 0
    above_one: int = 0
    outside_percent: int = 0  # finite values below 0 or above 100
    example: float | None = None

    def add(self, p):
        finite = p[np.isfinite(p)]
        above = finite > 1.0
        self.finite += int(finite.size)
        self.above_one += int(above.sum())
        self.outside_percent += int(((finite < 0.0) | (finite > 100.0)).sum())
        if self.example is None and above.any():
            self.example = float(finite[above][0])

    def merge(self, other):
        """Add the evidence of a later part (``self`` comes first in the column)."""
        self.finite += other.finite
        self.above_one += other.above_one
        self.outside_percent += other.outside_percent
        if self.example is None:
            self.example = other.example
        return self

    def percent_example(self):
        """What ``percent_example`` gives on the whole column: the first value above 1 when
        it looks like percentages, else None."""
        # the same three conditions as percent_example, on the counts
        if self.finite and self.above_one * 2 > self.finite and not self.outside_percent:
            return self.example
        return None

    def refuse_if_percent(self, column):
        example = self.percent_example()
        if example is not None:
            _refuse_percent(column, example)


def scaled_shares(values, column, scale, problems=None, evidence=None):
    """Shares as proportions.

    Refuses a column that looks like percentages unless ``scale='percent'`` says it is one.
    With ``evidence`` (a :class:`PercentEvidence` kept over the chunks of a file), the column
    is not judged here: its evidence is added and the caller judges the whole file.
    """
    p = numbers(values, column, problems)
    if scale == "percent":
        return p / 100.0
    if evidence is None:
        example = percent_example(p)  # the one rule of the core, the batch layer and the CLI
        if example is not None:
            _refuse_percent(column, example)
    else:
        evidence.add(p)
    return p


@dataclass
class CheckedRows:
    """Clean arrays of a table's rows (NaN where a row is bad) and the row problems.

    ``p_shown``/``n_shown`` keep what the user handed in (shares scaled to proportions) for
    the output columns; ``p``/``n``/``deff`` are NaN in every bad row (``deff`` is None
    when the table has no design-effect column).
    """

    p_shown: np.ndarray
    p: np.ndarray
    n_shown: np.ndarray
    n: np.ndarray
    deff: np.ndarray | None
    problems: RowProblems


def _positive_finite(frame, column, problems):
    """A column that must be > 0 and finite; returns it with NaN in the rows it makes bad."""
    values = numbers(frame[column].to_numpy(), column, problems)
    not_number = problems.not_number[column]
    missing = np.isnan(values) & ~not_number
    problems.add(missing, f"{column} is missing")
    bad = ~missing & ~not_number & ~((values > 0.0) & np.isfinite(values))
    if bad.any():
        problems.add(bad, f"{column}=" + shown(values[bad]) + " must be greater than 0 and finite")
    return values, missing | bad


def checked_rows(frame, p, n, deff, scale, evidence=None):
    """Check the share, size and design-effect columns of ``frame`` row by row."""
    problems = RowProblems(len(frame))
    p_shown = scaled_shares(frame[p].to_numpy(), p, scale, problems, evidence)
    not_number = problems.not_number[p]
    unit = "[0, 100]" if scale == "percent" else "[0, 1]"

    p_missing = np.isnan(p_shown) & ~not_number
    problems.add(p_missing, f"{p} is missing")
    p_bad = ~p_missing & ~not_number & ~((p_shown >= 0.0) & (p_shown <= 1.0))
    if p_bad.any():
        problems.add(p_bad, f"{p}=" + shown(p_shown[p_bad] * SCALES[scale]) + f" is outside {unit}")

    n_shown, _ = _positive_finite(frame, n, problems)
    deff_clean = None
    if deff is not None:
        d, d_bad = _positive_finite(frame, deff, problems)
        deff_clean = np.where(d_bad, np.nan, d)

    bad = problems.bad
    if deff_clean is not None:
        deff_clean = np.where(bad, np.nan, deff_clean)
    return CheckedRows(
        p_shown=p_shown,
        p=np.where(bad, np.nan, p_shown),
        n_shown=n_shown,
        n=np.where(bad, np.nan, n_shown),
        deff=deff_clean,
        problems=problems,
    )
