"""The pandas batch layer: a table of questions x waves in, a tidy table of results out.

Lives here: :func:`compare_waves` (every wave-to-wave change of every question),
:func:`describe` (interval columns for every row), :func:`trend_by_question` (one trend test
per question), :func:`compare_waves_csv` (the same as ``compare_waves`` on a CSV or Parquet
file larger than memory, in chunks), and the Dask versions of ``compare_waves`` and
``describe``.

Does not live here: statistics.  This module maps columns onto calls of
:func:`surveystats.compare.compare_proportions`, :func:`surveystats.multiple.adjust_pvalues`,
:func:`surveystats.trend.trend_test` and :func:`surveystats.proportion.proportion_ci`, each
called once on whole arrays (loops run only over a handful of family sizes or chunks).

Rules every function here keeps (DESIGN.md, "Rules for inputs"):

* every input row has an output row: a row with a bad number (p = 1.4, n = 0) gives NaN
  results and a ``problem`` text; a row that cannot be placed in a sequence (its wave or
  question is missing) appears alone, with its values in the ``_from`` columns and
  ``wave_to`` empty, and says why;
* a column of percentages (most values above 1, all within [0, 100]) is refused with a
  hint unless ``scale="percent"`` says so;
* a duplicated (question, wave) key is an error that names the duplicates.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._internal.validation import check_alternative, check_choice, check_confidence_level
from ..exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError

__all__ = [
    "compare_waves",
    "describe",
    "trend_by_question",
    "compare_waves_csv",
    "BatchSummary",
    "COMPARE_COLUMNS",
    "DESCRIBE_COLUMNS",
    "TREND_COLUMNS",
]

SCALES = {"proportion": 1.0, "percent": 100.0}
FAMILIES = ("all", "question")
TREND_SCORES = ("rank", "wave")
NO_ADJUSTMENT = "none"

COMPARE_COLUMNS = (
    "question",
    "wave_from",
    "wave_to",
    "p_from",
    "p_to",
    "n_from",
    "n_to",
    "change",
    "low",
    "high",
    "statistic",
    "pvalue",
    "pvalue_adjusted",
    "significant",
    "problem",
)
DESCRIBE_COLUMNS = ("estimate", "low", "high", "moe", "n_effective", "problem")
TREND_COLUMNS = (
    "question",
    "waves",
    "wave_first",
    "wave_last",
    "statistic",
    "pvalue",
    "pvalue_adjusted",
    "significant",
    "df",
    "slope",
    "homogeneity_statistic",
    "homogeneity_pvalue",
    "homogeneity_df",
    "problem",
)


# ============================================================================ options
def _check_adjust(adjust):
    """None or 'none' switch the adjustment off; anything else must be a method of
    :func:`surveystats.multiple.adjust_pvalues` (its own check names the valid ones)."""
    if adjust is None or adjust == NO_ADJUSTMENT:
        return None
    from .. import multiple

    registry = getattr(multiple, "ADJUST_METHODS", None) or getattr(multiple, "METHODS", None)
    if registry is not None:
        return check_choice("adjust", adjust, tuple(registry) + (NO_ADJUSTMENT,))
    multiple.adjust_pvalues(np.array([0.5, 0.5]), method=adjust)  # raises on an unknown name
    return adjust


def _check_compare_options(method, test):
    from .. import compare

    for name, value, registry_name in (("method", method, "METHODS"), ("test", test, "TESTS")):
        registry = getattr(compare, registry_name, None)
        if registry is not None:
            check_choice(name, value, tuple(registry))


def _as_list(columns, name):
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


def _require_columns(frame, **named):
    """Raise naming the argument and the available columns if a column is absent."""
    available = list(frame.columns)
    for argument, column in named.items():
        for col in _as_list(column, argument):
            if col not in available:
                shown = ", ".join(repr(c) for c in available[:20])
                raise InvalidOptionError(
                    f"{argument}={col!r} is not a column of the table; columns are {shown}"
                )


# ============================================================================ row checks
class _RowProblems:
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


def _numbers(values, column, problems=None):
    """A column as a float array.

    With ``problems`` (a ``_RowProblems``), text that is not a number becomes NaN and the row
    gets a problem naming the value (the mask of those rows is kept in
    ``problems.not_number[column]``); without it, such text is refused, naming the column.
    """
    series = pd.Series(values)
    if problems is None:
        try:
            return pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise InvalidValueError(f"column {column!r} must hold numbers: {exc}") from None
    numbers = pd.to_numeric(series, errors="coerce")
    not_number = (numbers.isna() & series.notna()).to_numpy()
    problems.not_number[column] = not_number
    if not_number.any():
        # one message per offending row (only those rows are visited)
        problems.add(
            not_number,
            np.array(
                [f"{column}={str(v)!r} is not a number" for v in series[not_number]], dtype=object
            ),
        )
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _shown(values):
    return np.char.mod("%g", np.asarray(values, dtype=float)).astype(object)


def _scaled_shares(values, column, scale, problems=None):
    """Shares as proportions.  Refuses a column that looks like percentages unless
    ``scale='percent'`` says it is one."""
    p = _numbers(values, column, problems)
    if scale == "percent":
        return p / 100.0
    finite = p[np.isfinite(p)]
    above = finite > 1.0
    if (
        above.sum() * 2 > finite.size
        and finite.size
        and (finite >= 0.0).all()
        and (finite <= 100.0).all()
    ):
        example = float(finite[above][0])
        raise InvalidValueError(
            f"column {column!r} looks like percentages (e.g. {example:g}); proportions are in "
            f"[0, 1]: pass scale='percent' to read {example:g} as {example / 100:g}, or divide "
            f"the column by 100"
        )
    return p


def _checked_rows(frame, p, n, deff, scale):
    """Clean share, size and design-effect arrays (NaN where bad) and the row problems.

    Returns ``(p_shown, p_clean, n_shown, n_clean, deff_clean, problems)``: the ``_shown``
    arrays keep what the user handed in (scaled to proportions) for the output columns.
    """
    size = len(frame)
    problems = _RowProblems(size)
    p_shown = _scaled_shares(frame[p].to_numpy(), p, scale, problems)
    n_shown = _numbers(frame[n].to_numpy(), n, problems)
    not_number, not_number_n = problems.not_number[p], problems.not_number[n]
    unit = "[0, 100]" if scale == "percent" else "[0, 1]"
    factor = SCALES[scale]

    p_missing = np.isnan(p_shown) & ~not_number
    problems.add(p_missing, f"{p} is missing")
    p_bad = ~p_missing & ~not_number & ~((p_shown >= 0.0) & (p_shown <= 1.0))
    if p_bad.any():
        problems.add(p_bad, f"{p}=" + _shown(p_shown[p_bad] * factor) + f" is outside {unit}")

    n_missing = np.isnan(n_shown) & ~not_number_n
    problems.add(n_missing, f"{n} is missing")
    n_bad = ~n_missing & ~not_number_n & ~((n_shown > 0.0) & np.isfinite(n_shown))
    if n_bad.any():
        problems.add(n_bad, f"{n}=" + _shown(n_shown[n_bad]) + " must be greater than 0 and finite")

    deff_clean = None
    if deff is not None:
        d = _numbers(frame[deff].to_numpy(), deff, problems)
        d_missing = np.isnan(d) & ~problems.not_number[deff]
        problems.add(d_missing, f"{deff} is missing")
        d_bad = ~d_missing & ~problems.not_number[deff] & ~((d > 0.0) & np.isfinite(d))
        if d_bad.any():
            problems.add(
                d_bad, f"{deff}=" + _shown(d[d_bad]) + " must be greater than 0 and finite"
            )
        deff_clean = np.where(d_missing | d_bad, np.nan, d)

    bad = problems.bad
    p_clean = np.where(bad, np.nan, p_shown)
    n_clean = np.where(bad, np.nan, n_shown)
    if deff_clean is not None:
        deff_clean = np.where(bad, np.nan, deff_clean)
    return p_shown, p_clean, n_shown, n_clean, deff_clean, problems


# ============================================================================ sequences
def _group_codes(frame, keys):
    """Codes 0..g-1 of the key combinations in order of first appearance; -1 where a key is
    missing.  Also returns, per row, the position in ``keys`` of the first missing key
    (-1 where none is)."""
    codes = None
    missing_key = np.full(len(frame), -1, dtype=np.int16)
    for position, key in enumerate(keys):
        c, uniques = pd.factorize(frame[key], sort=False, use_na_sentinel=True)
        c = c.astype(np.int64)
        missing_key[(c < 0) & (missing_key < 0)] = position
        if codes is None:
            codes = c
        else:
            combined = np.where((codes < 0) | (c < 0), -1, codes * max(len(uniques), 1) + c)
            codes, _ = pd.factorize(combined, sort=False)
            codes = np.where(combined < 0, -1, codes).astype(np.int64)
    return codes, missing_key


def _wave_codes(waves, wave):
    try:
        codes, uniques = pd.factorize(waves, sort=True, use_na_sentinel=True)
    except TypeError as exc:
        raise InvalidValueError(
            f"column {wave!r} mixes values that cannot be ordered: {exc}"
        ) from None
    return codes.astype(np.int64), uniques


@dataclass
class _Sequence:
    """Rows of a table placed into (question, wave) order.

    ``order``: the placeable rows sorted by group and wave; ``group``/``wave_code``: per row;
    ``unplaced``: rows whose question (or a ``by`` column) or wave is missing.
    """

    group: np.ndarray
    wave_code: np.ndarray
    wave_values: object
    order: np.ndarray
    unplaced: np.ndarray
    unplaced_reason: np.ndarray
    n_groups: int


def _place(frame, keys, wave):
    group, missing_key = _group_codes(frame, keys)
    wave_code, wave_values = _wave_codes(frame[wave], wave)
    placeable = (group >= 0) & (wave_code >= 0)
    rows = np.flatnonzero(placeable)
    sort_key = group[rows] * max(len(wave_values), 1) + wave_code[rows]
    if sort_key.size > 1 and not (sort_key[1:] > sort_key[:-1]).all():
        position = np.argsort(sort_key, kind="stable")
        rows, sort_key = rows[position], sort_key[position]
    repeated = np.flatnonzero(sort_key[1:] == sort_key[:-1])
    if repeated.size:
        shown = []
        for i in repeated[:5]:
            r = rows[i]
            shown.append(
                "("
                + ", ".join(f"{k}={frame[k].iloc[[r]].tolist()[0]!r}" for k in keys + [wave])
                + ")"
            )
        more = f" and {repeated.size - 5} more" if repeated.size > 5 else ""
        raise SurveyStatsError(
            f"{repeated.size} duplicated ({', '.join(keys)}, {wave}) keys: "
            + ", ".join(shown)
            + more
            + "; each question may have one row per wave"
        )
    unplaced = np.flatnonzero(~placeable)
    names = np.array(list(keys) + [wave], dtype=object)
    which = missing_key[unplaced].astype(np.int64)
    which[which < 0] = len(keys)
    reason = names[which] + " is missing; the row cannot be placed in a sequence"
    n_groups = int(group.max()) + 1 if group.size and group.max() >= 0 else 0
    return _Sequence(group, wave_code, wave_values, rows, unplaced, reason, n_groups)


NOTES = np.array(
    [
        "",
        "only one wave; nothing to compare with",
        "only the baseline wave; nothing to compare with",
        "the baseline wave is missing for this question",
        "",
    ],
    dtype=object,
)
UNPLACED = 4  # note code of an unplaced row; its text is in _Sequence.unplaced_reason


def _pairs(seq, baseline_code):
    """Index arrays ``(from, to)`` into the table (-1: absent) and a note code per output
    row (an index into ``NOTES``).

    Consecutive mode pairs each placed row with the one before it in its group; baseline
    mode pairs each non-baseline row with its group's baseline row.  A group of one row
    gives one lone output row; unplaced rows come last, alone.
    """
    order = seq.order
    g = seq.group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    last = np.ones(order.size, dtype=bool)
    last[:-1] = first[1:]
    alone = first & last
    note = np.zeros(order.size, dtype=np.int8)
    if baseline_code is None:
        keep = ~first | alone
        previous = np.empty_like(order)
        previous[1:] = order[:-1]
        previous[:1] = -1
        src = np.where(first, order, previous)
        dst = np.where(first, -1, order)
        note[alone] = 1
    else:
        is_base = seq.wave_code[order] == baseline_code
        base_row = np.full(seq.n_groups, -1, dtype=np.int64)
        base_row[g[is_base]] = order[is_base]
        keep = ~is_base | alone
        src = np.where(is_base, order, base_row[g])
        dst = np.where(is_base, -1, order)
        note[is_base & alone] = 2
        note[~is_base & (src < 0)] = 3
    src, dst, note = src[keep], dst[keep], note[keep]
    src = np.concatenate([src, seq.unplaced])
    dst = np.concatenate([dst, np.full(seq.unplaced.size, -1, dtype=np.int64)])
    note = np.concatenate([note, np.full(seq.unplaced.size, UNPLACED, dtype=np.int8)])
    return src.astype(np.int64), dst.astype(np.int64), note


def _pair_problems(src, dst, note, seq, problems, waves):
    """The ``problem`` column of compare_waves: strings are built only for the output rows
    that have one (a note, or an input row with a problem)."""
    size = src.size
    out = np.full(size, "", dtype=object)
    from_bad = np.zeros(size, dtype=bool)
    to_bad = np.zeros(size, dtype=bool)
    from_bad[src >= 0] = problems.bad[src[src >= 0]]
    to_bad[dst >= 0] = problems.bad[dst[dst >= 0]]
    rows = np.flatnonzero((note > 0) | from_bad | to_bad)
    if not rows.size:
        return out
    text = NOTES[note[rows]]
    unplaced = note[rows] == UNPLACED
    if unplaced.any():
        first_unplaced = size - seq.unplaced.size
        text[unplaced] = seq.unplaced_reason[rows[unplaced] - first_unplaced]
    paired = (src[rows] >= 0) & (dst[rows] >= 0)
    out[rows] = _join(
        text,
        _labelled(problems, src[rows], waves, paired),
        _labelled(problems, dst[rows], waves, paired),
    )
    return out


def _take(series, index, fill=None):
    """``series`` at ``index`` (-1 gives a missing value), integers kept as integers."""
    values = series.array
    if pd.api.types.is_integer_dtype(series.dtype) and not isinstance(
        series.dtype, pd.api.extensions.ExtensionDtype
    ):
        values = pd.array(series.to_numpy(), dtype="Int64")
    elif pd.api.types.is_bool_dtype(series.dtype) and not isinstance(
        series.dtype, pd.api.extensions.ExtensionDtype
    ):
        values = pd.array(series.to_numpy(), dtype="boolean")
    taken = pd.Series(values.take(index, allow_fill=True))
    if fill is not None:
        mask, value = fill
        if mask.any():
            taken[mask] = value
    return taken


def _take_float(values, index):
    """``values[index]`` as floats, NaN where ``index`` is -1 (absent)."""
    if values.size == 0:
        return np.full(index.size, np.nan)
    return np.where(index >= 0, np.asarray(values, dtype=float).take(index, mode="clip"), np.nan)


def _wave_text(value):
    # 2023.0 (an integer column that became float because of a missing wave) reads as 2023
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _labelled(problems, index, waves, labelled):
    """Row problems at ``index`` ('' where fine or absent), prefixed with 'wave X: ' where
    ``labelled`` (the output row joins two input rows).  Only rows with a problem have their
    wave turned into text."""
    out = np.full(index.size, "", dtype=object)
    ok = index >= 0
    out[ok] = problems.text[index[ok]]
    tag = labelled & (out != "")
    if tag.any():
        shown = np.array([_wave_text(w) for w in waves.iloc[index[tag]].tolist()], dtype=object)
        out[tag] = "wave " + shown + ": " + out[tag]
    return out


def _join(*parts):
    out = parts[0].copy()
    for part in parts[1:]:
        both = (out != "") & (part != "")
        out = np.where(both, out + "; " + part, np.where(out == "", part, out))
    return out


def _text(values, index=None):
    """Problem texts as an object column (the same dtype whatever the rows, for Dask meta)."""
    return pd.Series(np.asarray(values, dtype=object), dtype=object, index=index)


def _significance(pvalue_adjusted, confidence_level):
    """``pvalue_adjusted < 1 - confidence_level``; missing where the p-value is NaN."""
    flag = pd.array(pvalue_adjusted < 1.0 - confidence_level, dtype="boolean")
    flag[np.isnan(pvalue_adjusted)] = pd.NA
    return flag


def _adjust_families(pvalues, family_id, method):
    """``adjust_pvalues`` within each family, vectorized: families of equal size are stacked
    into one 2-D array and adjusted along its rows (one call per distinct family size)."""
    from ..multiple import adjust_pvalues

    out = np.full(pvalues.size, np.nan)
    if family_id is None:
        if pvalues.size:
            out[:] = adjust_pvalues(pvalues, method=method)
        return out
    if not pvalues.size:
        return out
    members = np.argsort(family_id, kind="stable")
    fam = family_id[members]
    starts = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]])
    sizes = np.diff(np.r_[starts, fam.size])
    for size in np.unique(sizes):
        block_starts = starts[sizes == size]
        where = members[block_starts[:, None] + np.arange(size)]
        out[where] = adjust_pvalues(pvalues[where], method=method, axis=-1)
    return out


# ============================================================================ dask
def _is_dask(frame):
    dd = sys.modules.get("dask.dataframe")
    return dd is not None and isinstance(frame, dd.DataFrame)


def _dask_compare_waves(frame, keys, kwargs):
    import dask
    import dask.dataframe as dd

    adjust = kwargs["adjust"]
    per_question = kwargs["family"] == "question" or adjust is None
    partition_kwargs = dict(kwargs) if per_question else dict(kwargs, adjust=None)
    partition_kwargs["strict_baseline"] = False
    meta = _compare_pandas(frame._meta, **partition_kwargs)
    shuffled = frame.shuffle(on=keys)
    result = shuffled.map_partitions(_compare_pandas, meta=meta, **partition_kwargs)
    if per_question:
        return result
    # One family over every comparison: the adjustment needs all p-values at once, so
    # compute them (the partial results stay persisted) and hand each partition its slice.
    result = result.persist()
    parts = result.to_delayed()
    pvalues = dask.compute(
        *[dask.delayed(lambda part: part["pvalue"].to_numpy())(part) for part in parts]
    )
    sizes = [len(v) for v in pvalues]
    adjusted = _adjust_families(np.concatenate(pvalues) if pvalues else np.zeros(0), None, adjust)
    bounds = np.cumsum([0] + sizes)
    level = kwargs["confidence_level"]

    def fill(part, padj):
        part = part.copy()
        part["pvalue_adjusted"] = padj
        part["significant"] = _significance(padj, level)
        return part

    filled = [
        dask.delayed(fill)(part, adjusted[bounds[i] : bounds[i + 1]])
        for i, part in enumerate(parts)
    ]
    return dd.from_delayed(filled, meta=meta)


# ============================================================================ public API
def compare_waves(
    frame,
    *,
    question="question",
    wave="wave",
    p="p",
    n="n",
    deff=None,
    by=None,
    baseline=None,
    method="newcombe",
    test="z-pooled",
    confidence_level=0.95,
    alternative="two-sided",
    adjust="holm",
    family="all",
    scale="proportion",
):
    """Every wave-to-wave change of every question in a long table, in one call.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        One row per question and wave (and ``by`` group), with a share and its sample size.
    question, wave, p, n : str
        Column names.  Waves may be numbers, dates or text that sorts in time order.
    deff : str, optional
        Column of design effects (default: none, i.e. 1).
    by : str or list of str, optional
        Further key columns (e.g. ``"subgroup"``): each (by, question) is its own sequence.
    baseline : optional
        A wave value: compare every wave with this one instead of consecutive waves.
        Raises if no row has it.
    method, test, confidence_level, alternative
        Passed to :func:`surveystats.compare.compare_proportions`.
    adjust : str or None
        Method of :func:`surveystats.multiple.adjust_pvalues` ('holm' by default);
        None or 'none' for no adjustment.
    family : {'all', 'question'}
        The comparisons adjusted together: all of the call (default), or those of each
        question (and ``by`` group) separately.
    scale : {'proportion', 'percent'}
        Whether ``p`` holds proportions (0.194) or percentages (19.4).  A column of
        percentages passed as proportions is refused with a hint.

    Returns
    -------
    DataFrame
        Columns ``question`` (then the ``by`` columns), ``wave_from, wave_to, p_from, p_to,
        n_from, n_to, change`` (``p_to - p_from``), ``low, high`` (interval of the change),
        ``statistic, pvalue, pvalue_adjusted, significant, problem``.  ``significant`` is
        ``pvalue_adjusted < 1 - confidence_level`` (missing where there is no p-value);
        the interval is not adjusted.  Shares come out as proportions whatever ``scale``.

        Rows: one per comparison, in order of each question's first appearance and then by
        wave.  A question with one wave gives one row with ``wave_to`` empty; a row whose
        wave or question is missing is listed at the end alone (its values in the
        ``_from`` columns); in baseline mode, the rows of a question without the baseline
        wave are compared with nothing (``p_from`` empty).  Each such row says why in
        ``problem``, as does every comparison involving a row with a bad number.

        For a Dask frame, a Dask frame: the rows are shuffled so that each question lies in
        one partition, so they come in another order; a ``baseline`` that no row has gives
        problem rows instead of an error; with ``family='all'`` the p-values are computed
        once (and the partial results persisted) to adjust them together.

    Raises
    ------
    SurveyStatsError
        If a (question, wave) key occurs twice (the message names them), a column is
        absent, an option is not recognized, or ``p`` looks like percentages.

    Examples
    --------
    "Completely unacceptable" to give up NATO membership, among 1,000 Ukrainians in each
    yearly wave (Info Sapiens for the New Europe Center):

    >>> import pandas as pd, surveystats as ss
    >>> waves = pd.DataFrame({"question": "nato_concession", "wave": [2023, 2024, 2025],
    ...                       "p": [0.569, 0.487, 0.411], "n": 1000})
    >>> out = ss.compare_waves(waves)
    >>> out[["wave_from", "wave_to", "change", "significant"]]
       wave_from  wave_to  change  significant
    0       2023     2024  -0.082         True
    1       2024     2025  -0.076         True
    >>> out.pvalue_adjusted.round(4).tolist()
    [0.0005, 0.0006]

    Against the first wave, with one bad row that is reported, not dropped:

    >>> waves.loc[3] = ["nato_concession", 2026, 1.4, 1000]
    >>> out = ss.compare_waves(waves, baseline=2023)
    >>> out[["wave_to", "change"]].round(3)
       wave_to  change
    0     2024  -0.082
    1     2025  -0.158
    2     2026     NaN
    >>> out.problem[2]
    'wave 2026: p=1.4 is outside [0, 1]'
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    scale = check_choice("scale", scale, tuple(SCALES))
    family = check_choice("family", family, FAMILIES)
    adjust = _check_adjust(adjust)
    _check_compare_options(method, test)
    by = _as_list(by, "by")
    _require_columns(frame, question=question, wave=wave, p=p, n=n, deff=deff, by=by)
    keys = by + [question]
    clash = [c for c in by if c in COMPARE_COLUMNS]
    if clash:
        raise InvalidOptionError(f"by={clash!r} collides with an output column; rename it")

    if _is_dask(frame):
        kwargs = dict(
            question=question,
            wave=wave,
            p=p,
            n=n,
            deff=deff,
            by=by or None,
            baseline=baseline,
            method=method,
            test=test,
            confidence_level=level,
            alternative=alternative,
            adjust=adjust,
            family=family,
            scale=scale,
        )
        return _dask_compare_waves(frame, keys, kwargs)

    return _compare_pandas(
        frame,
        question=question,
        wave=wave,
        p=p,
        n=n,
        deff=deff,
        by=by,
        baseline=baseline,
        method=method,
        test=test,
        confidence_level=level,
        alternative=alternative,
        adjust=adjust,
        family=family,
        scale=scale,
    )


def _compare_pandas(
    frame,
    *,
    question,
    wave,
    p,
    n,
    deff,
    by,
    baseline,
    method,
    test,
    confidence_level,
    alternative,
    adjust,
    family,
    scale,
    strict_baseline=True,
):
    """The pandas work of :func:`compare_waves` on checked options.  A part of a larger
    table (a chunk, a Dask partition) may lack the baseline wave: ``strict_baseline=False``
    then reports its rows as lacking it instead of raising."""
    from ..compare import compare_proportions

    by = _as_list(by, "by")
    keys = by + [question]
    level = confidence_level
    p_shown, p_clean, n_shown, n_clean, d_clean, problems = _checked_rows(frame, p, n, deff, scale)
    seq = _place(frame, keys, wave)
    baseline_code = None
    if baseline is not None:
        hits = np.flatnonzero(pd.Index(seq.wave_values) == baseline)
        if hits.size:
            baseline_code = int(hits[0])
        elif strict_baseline:
            shown = ", ".join(repr(w) for w in pd.Index(seq.wave_values)[:10].tolist())
            raise InvalidOptionError(
                f"baseline={baseline!r} is not a wave of the table; waves are {shown}"
            )
        else:
            baseline_code = -1  # no row matches: every row lacks its baseline
    src, dst, note = _pairs(seq, baseline_code)

    paired = (src >= 0) & (dst >= 0)
    problem = _pair_problems(src, dst, note, seq, problems, frame[wave])

    size = src.size
    change, low, high, statistic, pvalue = (np.full(size, np.nan) for _ in range(5))
    both = np.flatnonzero(paired)
    if both.size:
        i, j = src[both], dst[both]
        extra = {}
        if d_clean is not None:
            extra = dict(deff1=d_clean[i], deff2=d_clean[j])
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            r = compare_proportions(
                p_clean[i],
                n_clean[i],
                p_clean[j],
                n_clean[j],
                method=method,
                test=test,
                confidence_level=level,
                alternative=alternative,
                **extra,
            )
        change[both], low[both], high[both] = r.estimate, r.low, r.high
        statistic[both], pvalue[both] = r.statistic, r.pvalue
        # a reason the core found that the row checks did not (NaN without a row problem)
        quiet = np.isnan(pvalue[both]) | np.isnan(low[both])
        quiet[quiet] = problem[both[quiet]] == ""
        if quiet.any():
            problem[both[quiet]] = np.asarray(r.problem, dtype=object)[quiet]

    if adjust is None:
        pvalue_adjusted = pvalue.copy()
    else:
        family_id = None
        if family == "question":
            family_id = seq.group[np.where(src >= 0, src, dst)]
        pvalue_adjusted = _adjust_families(pvalue, family_id, adjust)

    label_row = np.where(src >= 0, src, dst)
    out = {"question": _take(frame[question], label_row)}
    for col in by:
        out[col] = _take(frame[col], label_row)
    missing_base = (src < 0) & (dst >= 0)
    out["wave_from"] = _take(frame[wave], src, fill=(missing_base, baseline))
    out["wave_to"] = _take(frame[wave], dst)
    out["p_from"], out["p_to"] = _take_float(p_shown, src), _take_float(p_shown, dst)
    if pd.api.types.is_integer_dtype(frame[n].dtype):  # whole sizes stay whole (1000, not 1000.0)
        out["n_from"], out["n_to"] = _take(frame[n], src), _take(frame[n], dst)
    else:
        out["n_from"], out["n_to"] = _take_float(n_shown, src), _take_float(n_shown, dst)
    out.update(
        change=change,
        low=low,
        high=high,
        statistic=statistic,
        pvalue=pvalue,
        pvalue_adjusted=pvalue_adjusted,
        significant=_significance(pvalue_adjusted, level),
        problem=_text(problem),
    )
    return pd.DataFrame(out, copy=False)  # fresh arrays: no need to copy them into blocks


def describe(
    frame,
    *,
    p="p",
    n="n",
    deff=None,
    method="wilson",
    confidence_level=0.95,
    alternative="two-sided",
    scale="proportion",
):
    """A copy of the table with the interval of every row's share added.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
    p, n : str
        Columns of shares and sample sizes.
    deff : str, optional
        Column of design effects.
    method, confidence_level, alternative
        Passed to :func:`surveystats.proportion.proportion_ci`.
    scale : {'proportion', 'percent'}
        As in :func:`compare_waves`.

    Returns
    -------
    DataFrame
        The input columns, then ``estimate`` (the share as a proportion), ``low, high,
        moe, n_effective, problem``.  A row with a bad number gets NaN and a reason.
        A Dask frame gives a Dask frame (partition by partition).

    Examples
    --------
    >>> import pandas as pd, surveystats as ss
    >>> poll = pd.DataFrame({"answer": ["own nuclear weapons", "NATO membership"],
    ...                      "p": [31.1, 19.4], "n": 1000})
    >>> ss.describe(poll, scale="percent")[["answer", "low", "high", "moe"]].round(4)
                    answer     low    high     moe
    0  own nuclear weapons  0.2832  0.3403  0.0286
    1      NATO membership  0.1707  0.2197  0.0245
    """
    from ..proportion import INTERVAL_METHODS, proportion_ci

    method = check_choice("method", method, INTERVAL_METHODS)
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    scale = check_choice("scale", scale, tuple(SCALES))
    _require_columns(frame, p=p, n=n, deff=deff)
    clash = [c for c in DESCRIBE_COLUMNS if c in frame.columns]
    if clash:
        raise InvalidOptionError(
            f"the table already has column(s) {clash!r} that describe() adds; rename them"
        )
    kwargs = dict(
        p=p,
        n=n,
        deff=deff,
        method=method,
        confidence_level=level,
        alternative=alternative,
        scale=scale,
    )
    if _is_dask(frame):
        return frame.map_partitions(describe, meta=describe(frame._meta, **kwargs), **kwargs)

    p_shown, p_clean, n_shown, n_clean, d_clean, problems = _checked_rows(frame, p, n, deff, scale)
    out = frame.copy()
    size = len(frame)
    columns = {name: np.full(size, np.nan) for name in DESCRIBE_COLUMNS[:-1]}
    problem = problems.text.copy()
    good = np.flatnonzero(~problems.bad)
    if good.size:
        deff_arg = 1.0 if d_clean is None else d_clean[good]
        r = proportion_ci(
            p_clean[good],
            n_clean[good],
            method=method,
            confidence_level=level,
            deff=deff_arg,
            alternative=alternative,
        )
        for name in DESCRIBE_COLUMNS[:-1]:
            columns[name][good] = getattr(r, name)
        problem[good] = np.asarray(r.problem, dtype=object)
    columns["estimate"] = np.where(problems.bad, p_shown, columns["estimate"])
    for name, values in columns.items():
        out[name] = values
    out["problem"] = _text(problem, index=out.index)
    return out


def trend_by_question(
    frame,
    *,
    question="question",
    wave="wave",
    p="p",
    n="n",
    by=None,
    scores="rank",
    confidence_level=0.95,
    adjust="holm",
    scale="proportion",
):
    """One Cochran-Armitage trend test per question, over its waves in order.

    Parameters
    ----------
    frame : pandas.DataFrame
    question, wave, p, n, by, scale
        As in :func:`compare_waves`.
    scores : {'rank', 'wave'}
        'rank' scores the waves 0, 1, 2, ... in order (the default of
        :func:`surveystats.trend.trend_test`); 'wave' uses the wave values themselves
        (numbers such as years, so that unequal gaps count).
    confidence_level : float
    adjust : str or None
        Adjustment of the trend p-values across the questions (all of the call).

    Returns
    -------
    DataFrame
        One row per question (and ``by`` group) in order of first appearance: ``question``,
        the ``by`` columns, ``waves`` (how many), ``wave_first, wave_last, statistic,
        pvalue, pvalue_adjusted, significant, df, slope, homogeneity_statistic,
        homogeneity_pvalue, homogeneity_df, problem``.  A question with a bad row or one
        wave gets NaN and a reason; a row whose question or wave is missing gets its own row
        at the end.

    Examples
    --------
    >>> import pandas as pd, surveystats as ss
    >>> waves = pd.DataFrame({"question": "nato_concession", "wave": [2023, 2024, 2025],
    ...                       "p": [0.569, 0.487, 0.411], "n": 1000})
    >>> t = ss.trend_by_question(waves)
    >>> t[["question", "waves", "significant"]]
              question  waves  significant
    0  nato_concession      3         True
    """
    from ..trend import trend_test

    level = check_confidence_level(confidence_level)
    scale = check_choice("scale", scale, tuple(SCALES))
    scores = check_choice("scores", scores, TREND_SCORES)
    adjust = _check_adjust(adjust)
    by = _as_list(by, "by")
    _require_columns(frame, question=question, wave=wave, p=p, n=n, by=by)
    keys = by + [question]

    p_shown, p_clean, n_shown, n_clean, _, problems = _checked_rows(frame, p, n, None, scale)
    seq = _place(frame, keys, wave)
    wave_numbers = None
    if scores == "wave":
        wave_numbers = _numbers(frame[wave].to_numpy(), wave)

    order = seq.order
    g = seq.group[order]
    n_groups = seq.n_groups
    counts = np.bincount(g, minlength=n_groups)
    starts = np.zeros(n_groups, dtype=np.int64)
    starts[1:] = np.cumsum(counts)[:-1]
    placed_groups = np.flatnonzero(counts > 0)

    results = {
        name: np.full(n_groups, np.nan)
        for name in (
            "statistic",
            "pvalue",
            "df",
            "slope",
            "homogeneity_statistic",
            "homogeneity_pvalue",
            "homogeneity_df",
        )
    }
    problem = np.full(n_groups, "", dtype=object)
    bad_rows = problems.bad[order]
    if bad_rows.any():
        # every reason of a question's rows, joined: one groupby over the bad rows only
        texts = _labelled(
            problems, order[bad_rows], frame[wave], np.ones(bad_rows.sum(), dtype=bool)
        )
        joined = pd.Series(texts).groupby(g[bad_rows]).agg("; ".join)
        problem[joined.index.to_numpy()] = joined.to_numpy()
    group_bad = problem != ""
    problem[(counts == 1) & ~group_bad] = "only one wave; no trend to test"

    for k in np.unique(counts[placed_groups]):
        if k < 2:
            continue
        block = placed_groups[(counts[placed_groups] == k) & ~group_bad[placed_groups]]
        if not block.size:
            continue
        rows = order[starts[block][:, None] + np.arange(k)]
        score_arg = None if wave_numbers is None else wave_numbers[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = trend_test(
                p_clean[rows], n_clean[rows], scores=score_arg, axis=-1, confidence_level=level
            )
        for name in results:
            results[name][block] = np.asarray(getattr(r, name), dtype=float)
        core_problem = np.broadcast_to(np.asarray(r.problem, dtype=object), block.shape)
        problem[block] = np.where(problem[block] == "", core_problem, problem[block])

    kept = placed_groups  # groups whose rows all lack a wave appear only as lone rows
    first_row = order[starts[kept]]
    last_row = order[starts[kept] + counts[kept] - 1]
    lone = seq.unplaced
    label_row = np.concatenate([first_row, lone])

    def padded(values):
        return np.concatenate([values[kept], np.full(lone.size, np.nan)])

    pvalue = padded(results["pvalue"])
    pvalue_adjusted = pvalue.copy() if adjust is None else _adjust_families(pvalue, None, adjust)
    out = {"question": _take(frame[question], label_row)}
    for col in by:
        out[col] = _take(frame[col], label_row)
    out["waves"] = np.concatenate([counts[kept], np.zeros(lone.size, dtype=np.int64)])
    out["wave_first"] = _take(frame[wave], label_row)
    out["wave_last"] = _take(frame[wave], np.concatenate([last_row, np.full(lone.size, -1)]))
    out["statistic"] = padded(results["statistic"])
    out["pvalue"] = pvalue
    out["pvalue_adjusted"] = pvalue_adjusted
    out["significant"] = _significance(pvalue_adjusted, level)
    for name in ("df", "slope", "homogeneity_statistic", "homogeneity_pvalue", "homogeneity_df"):
        out[name] = padded(results[name])
    lone_text = np.asarray(seq.unplaced_reason, dtype=object)
    if problems.bad[lone].any():
        lone_text = _join(lone_text, problems.text[lone])
    out["problem"] = _text(np.concatenate([problem[kept], lone_text]))
    return pd.DataFrame(out, copy=False)  # fresh arrays: no need to copy them into blocks


# ============================================================================ streaming
@dataclass(frozen=True)
class BatchSummary:
    """What :func:`compare_waves_csv` did: rows read, comparisons written, and so on."""

    rows: int
    comparisons: int
    significant: int
    problems: int
    chunks: int

    def __str__(self):
        return (
            f"{self.rows:,} rows, {self.comparisons:,} output rows, "
            f"{self.significant:,} significant, {self.problems:,} with a problem"
        )


class _Progress:
    """One self-overwriting line on stderr ('\\r'), only when asked or stderr is a terminal."""

    def __init__(self, enabled, total_bytes=None, stream=None):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.total = total_bytes
        self.shown = False

    def update(self, stage, rows, position=None):
        if not self.enabled:
            return
        share = ""
        if position is not None and self.total:
            share = f" {min(position / self.total, 1.0):4.0%}"
        self.stream.write(f"\rsurveystats: {stage}{share} ({rows:,} rows)")
        self.stream.flush()
        self.shown = True

    def close(self):
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _is_parquet(source, format):
    if format is not None:
        return check_choice("format", format, ("csv", "parquet")) == "parquet"
    return isinstance(source, (str, os.PathLike)) and str(source).lower().endswith(
        (".parquet", ".pq")
    )


def _wave_as_numbers(chunk, wave):
    """Waves read as text become numbers when every one is a number (whole: Int64), so that
    2023 sorts before 2024 and is written back as 2023 in every chunk."""
    column = chunk[wave]
    numbers = pd.to_numeric(column, errors="coerce")
    if (numbers.notna() | column.isna()).all():
        whole = numbers.dropna()
        if (whole == np.round(whole)).all():
            numbers = numbers.round().astype("Int64")
        chunk[wave] = numbers
    return chunk


def _chunks(source, *, parquet, chunksize, text_columns, wave, progress):
    """Yield ``(chunk, position)`` with key columns as text and waves as numbers if they are."""
    if parquet:
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise InvalidOptionError(
                "reading Parquet needs pyarrow; install it or pass a CSV"
            ) from None
        reader = pq.ParquetFile(source)
        done = 0
        for batch in reader.iter_batches(batch_size=chunksize):
            chunk = batch.to_pandas()
            for col in text_columns:
                if col in chunk.columns:
                    chunk[col] = (
                        chunk[col].astype("string").astype(object).where(chunk[col].notna(), None)
                    )
            done += batch.num_rows
            yield chunk, done / max(reader.metadata.num_rows, 1) * (progress.total or 0)
        return
    handle = None
    if isinstance(source, (str, os.PathLike)) and not str(source).lower().endswith(
        (".gz", ".bz2", ".zip", ".xz", ".zst")
    ):
        handle = open(source, "rb")
    try:
        reader = pd.read_csv(
            handle if handle is not None else source,
            chunksize=chunksize,
            dtype={col: str for col in text_columns + [wave]},
        )
        with reader:
            for chunk in reader:
                yield _wave_as_numbers(chunk, wave), (handle.tell() if handle is not None else None)
    finally:
        if handle is not None:
            handle.close()


def _split_trailing_run(chunk, keys):
    """``(body, tail)``: ``tail`` is the trailing run of rows sharing the last key."""
    if len(chunk) == 0:
        return chunk, chunk
    codes, _ = _group_codes(chunk, keys)
    last = codes[-1]
    differs = np.flatnonzero(codes != last)
    start = differs[-1] + 1 if differs.size else 0
    return chunk.iloc[:start], chunk.iloc[start:]


class _ContiguityCheck:
    """Raises if a question (with its ``by`` keys) turns up again after its rows ended.

    Keeps a sorted array of 64-bit hashes of the finished keys: 8 bytes per question.
    """

    def __init__(self, keys):
        self.keys = keys
        self.seen = np.zeros(0, dtype=np.uint64)

    def __call__(self, body):
        present = body[self.keys].dropna().drop_duplicates()
        if present.empty:
            return
        hashes = pd.util.hash_pandas_object(present, index=False).to_numpy()
        again = np.isin(hashes, self.seen)
        if again.any():
            shown = present[again].head(3).to_dict("records")
            raise SurveyStatsError(
                f"rows of {shown} are not contiguous in the file: compare_waves_csv reads in "
                f"chunks and needs all rows of a question next to each other (sort the file "
                f"by {', '.join(self.keys)} first)"
            )
        self.seen = np.union1d(self.seen, hashes)


def _open_destination(destination):
    if destination == "-" or destination is None:
        return sys.stdout, False
    if hasattr(destination, "write"):
        return destination, False
    return open(destination, "w", newline="", encoding="utf-8"), True


def compare_waves_csv(
    source,
    destination,
    *,
    chunksize=200_000,
    progress=None,
    question="question",
    wave="wave",
    p="p",
    n="n",
    deff=None,
    by=None,
    baseline=None,
    method="newcombe",
    test="z-pooled",
    confidence_level=0.95,
    alternative="two-sided",
    adjust="holm",
    family="all",
    scale="proportion",
    format=None,
):
    """:func:`compare_waves` over a CSV (or Parquet) file larger than memory, in chunks.

    Parameters
    ----------
    source : str, path or file-like
        CSV file (compressed ones too, by suffix) or Parquet file (``.parquet``, needs
        pyarrow).  The rows of each question (with its ``by`` keys) must be contiguous;
        waves within a question may come in any order.  A violation raises.
    destination : str, path, file-like or '-'
        Output CSV ('-': standard output), with the columns of :func:`compare_waves`.
    chunksize : int
        Rows read at a time; memory grows with it, not with the file.
    progress : bool, optional
        Show progress on stderr; default: only when stderr is a terminal.
    format : {'csv', 'parquet'}, optional
        Input format; default from the file name.
    question, wave, p, n, deff, by, baseline
        As in :func:`compare_waves`.  The question and ``by`` columns are read as text.
    method, test, confidence_level, alternative, adjust, family, scale
        As in :func:`compare_waves`.

    Returns
    -------
    BatchSummary
        Counts of rows read, output rows, significant changes and rows with a problem.

    Notes
    -----
    A chunk may end in the middle of a question; its trailing question is carried over to
    the next chunk, so each question is compared whole.  Memory is one chunk (plus the
    largest question) and a sorted 8-byte hash per question for the contiguity check.

    With ``family='all'`` (the default) the adjustment needs every p-value of the file, so
    the work takes two passes: the first computes the comparisons chunk by chunk, keeps
    the p-values (8 bytes per comparison) and spills the chunks of results to a temporary
    file; the second adjusts the p-values together and writes the output.  The output is
    then the same as :func:`compare_waves` on the whole table.  With ``family='question'``
    or ``adjust=None`` one pass suffices.

    Examples
    --------
    >>> import io, surveystats as ss
    >>> text = "question,wave,p,n\\nnato,2023,0.569,1000\\nnato,2024,0.487,1000\\nnato,2025,0.411,1000\\n"
    >>> out = io.StringIO()
    >>> print(ss.compare_waves_csv(io.StringIO(text), out, chunksize=2))
    3 rows, 2 output rows, 2 significant, 0 with a problem
    >>> print(out.getvalue().splitlines()[1][:36])
    nato,2023,2024,0.569,0.487,1000,1000
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    scale = check_choice("scale", scale, tuple(SCALES))
    family = check_choice("family", family, FAMILIES)
    adjust = _check_adjust(adjust)
    _check_compare_options(method, test)
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise InvalidOptionError(f"chunksize={chunksize!r} must be a whole number >= 1")
    by = _as_list(by, "by")
    keys = by + [question]
    clash = [c for c in by if c in COMPARE_COLUMNS]
    if clash:
        raise InvalidOptionError(f"by={clash!r} collides with an output column; rename it")
    parquet = _is_parquet(source, format)
    kwargs = dict(
        question=question,
        wave=wave,
        p=p,
        n=n,
        deff=deff,
        by=by or None,
        baseline=baseline,
        method=method,
        test=test,
        confidence_level=level,
        alternative=alternative,
        family=family,
        scale=scale,
    )
    one_pass = adjust is None or family == "question"
    chunk_adjust = adjust if family == "question" else None

    total = None
    if isinstance(source, (str, os.PathLike)):
        total = os.path.getsize(source)
    bar = _Progress(progress, total)
    check = _ContiguityCheck(keys)
    rows = chunks = 0
    pvalues = []
    counts = dict(comparisons=0, significant=0, problems=0)
    found_baseline = [False]

    out_handle, close_out = _open_destination(destination)
    spill = None
    header = True
    try:
        if not one_pass:
            spill = tempfile.TemporaryFile()

        def emit(body):
            nonlocal header
            if len(body) == 0 and not header:
                return
            result = _compare_pandas(body, adjust=chunk_adjust, strict_baseline=False, **kwargs)
            if baseline is not None and not found_baseline[0]:
                found_baseline[0] = bool((body[wave] == baseline).fillna(False).any())
            if result.empty and not header:
                return
            if one_pass:
                result.to_csv(out_handle, header=header, index=False)
                counts["comparisons"] += len(result)
                counts["significant"] += int(result["significant"].sum())
                counts["problems"] += int((result["problem"] != "").sum())
            else:
                pvalues.append(result["pvalue"].to_numpy())
                pickle.dump(result, spill, protocol=pickle.HIGHEST_PROTOCOL)
            header = False

        carry = None
        reader = _chunks(
            source, parquet=parquet, chunksize=chunksize, text_columns=keys, wave=wave, progress=bar
        )
        for chunk, position in reader:
            if not rows:
                _require_columns(chunk, question=question, wave=wave, p=p, n=n, deff=deff, by=by)
            rows += len(chunk)
            chunks += 1
            if carry is not None and len(carry):
                chunk = pd.concat([carry, chunk], ignore_index=True)
            body, carry = _split_trailing_run(chunk, keys)
            if len(body):
                check(body)
                emit(body)
            bar.update("reading", rows, position)
        if carry is not None and len(carry):
            check(carry)
            emit(carry)
        if header:  # an empty file: write the header of an empty result
            emit(
                pd.DataFrame(
                    {
                        c: pd.Series(dtype=float)
                        for c in keys + [wave, p, n] + ([deff] if deff else [])
                    }
                )
            )

        comparisons = significant = problems = 0
        if one_pass:
            out_handle.flush()
        else:
            all_p = np.concatenate(pvalues) if pvalues else np.zeros(0)
            adjusted = _adjust_families(all_p, None, adjust)
            spill.seek(0)
            start = 0
            written = 0
            first = True
            while True:
                try:
                    part = pickle.load(spill)
                except EOFError:
                    break
                stop = start + len(part)
                part["pvalue_adjusted"] = adjusted[start:stop]
                part["significant"] = _significance(adjusted[start:stop], level)
                start = stop
                part.to_csv(out_handle, header=first, index=False)
                first = False
                written += len(part)
                significant += int(part["significant"].sum())
                problems += int((part["problem"] != "").sum())
                bar.update("writing", written)
            comparisons = written
            out_handle.flush()
    finally:
        bar.close()
        if spill is not None:
            spill.close()
        if close_out:
            out_handle.close()
    if one_pass:
        comparisons, significant, problems = (
            counts["comparisons"],
            counts["significant"],
            counts["problems"],
        )
    if baseline is not None and rows and not found_baseline[0]:
        raise InvalidOptionError(
            f"baseline={baseline!r} is not a wave of the file (the output "
            f"written lists every row as lacking it)"
        )
    return BatchSummary(
        rows=rows,
        comparisons=comparisons,
        significant=significant,
        problems=problems,
        chunks=chunks,
    )
