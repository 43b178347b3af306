"""Wave-to-wave changes and trends of a long table of questions x waves.

Lives here: :func:`compare_waves` (every wave-to-wave change of every question, on pandas or
Dask), :func:`trend_by_question` (one trend test per question) and :func:`compare_table`, the
pandas work of ``compare_waves`` that the Dask and file versions run on each part.

Does not live here: statistics.  These functions map columns onto calls of
:func:`surveystats.compare.compare_proportions`, :func:`surveystats.multiple.adjust_pvalues`
and :func:`surveystats.trend.trend_test`, each called once on whole arrays (loops run only
over a handful of family sizes).

Rules every function here keeps (DESIGN.md, "Rules for inputs"):

* every input row has an output row: a row with a bad number (p = 1.4, n = 0) gives NaN
  results and a ``problem`` text; a row that cannot be placed in a sequence (its wave or
  question is missing) appears alone, with its values in the ``_from`` columns and
  ``wave_to`` empty, and says why;
* a column of percentages (most values above 1, all within [0, 100]) is refused with a
  hint unless ``scale="percent"`` says so;
* a duplicated (question, wave) key is an error that names the duplicates; so is a wave
  column that mixes numbers and text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._internal.validation import check_alternative, check_choice, check_confidence_level
from ..exceptions import InvalidOptionError
from ._checks import (
    FAMILIES,
    SCALES,
    TREND_SCORES,
    as_list,
    check_adjust,
    check_compare_options,
    checked_rows,
    numbers,
    require_columns,
)
from ._columns import adjust_families, significance, take, take_float, text_column
from ._dask import is_dask
from ._sequence import join, labelled, pair_problems, pairs, place

__all__ = ["compare_waves", "trend_by_question", "COMPARE_COLUMNS", "TREND_COLUMNS"]

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


# the options of compare_waves that compare_table takes (the file version passes them on too)
COMPARE_OPTIONS = (
    "question",
    "wave",
    "p",
    "n",
    "deff",
    "by",
    "baseline",
    "method",
    "test",
    "confidence_level",
    "alternative",
    "adjust",
    "family",
    "scale",
)


def checked_compare_options(given):
    """The :data:`COMPARE_OPTIONS` of a call (``given``: its ``locals()``), checked, as
    keyword arguments of :func:`compare_table`.  ``by`` is left as given: the callers turn
    it into a list where their other checks leave room for its error."""
    options = {name: given[name] for name in COMPARE_OPTIONS}
    options.update(
        confidence_level=check_confidence_level(options["confidence_level"]),
        alternative=check_alternative(options["alternative"]),
        scale=check_choice("scale", options["scale"], tuple(SCALES)),
        family=check_choice("family", options["family"], FAMILIES),
        adjust=check_adjust(options["adjust"]),
    )
    check_compare_options(options["method"], options["test"])
    return options


def require_option_columns(columns, options):
    """The columns named by the options (question, wave, p, n, deff, by) must be there."""
    names = ("question", "wave", "p", "n", "deff", "by")
    require_columns(columns, **{name: options[name] for name in names})


def refuse_by_clash(by):
    """A ``by`` column may not share its name with an output column."""
    clash = [c for c in by if c in COMPARE_COLUMNS]
    if clash:
        raise InvalidOptionError(f"by={clash!r} collides with an output column; rename it")


def output_columns(by=()):
    """The columns of :func:`compare_waves` with ``by`` key columns after ``question``."""
    return (COMPARE_COLUMNS[0], *as_list(by, "by"), *COMPARE_COLUMNS[1:])


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
    options = checked_compare_options(locals())
    options["by"] = by = as_list(by, "by")
    require_option_columns(frame.columns, options)
    keys = by + [question]
    refuse_by_clash(by)

    if is_dask(frame):
        from ._dask import compare_waves_dask

        return compare_waves_dask(frame, keys, compare_table, dict(options, by=by or None))

    return compare_table(frame, **options)


def compare_table(
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
    evidence=None,
):
    """The pandas work of :func:`compare_waves` on checked options.

    A part of a larger table (a chunk, a Dask partition) may lack the baseline wave:
    ``strict_baseline=False`` then reports its rows as lacking it instead of raising.
    ``evidence``: a ``PercentEvidence`` (of the row checks) that collects the percent
    rule's evidence over the parts of a file; the caller judges it at the end.
    """
    keys = as_list(by, "by") + [question]
    rows = checked_rows(frame, p, n, deff, scale, evidence)
    seq = place(frame, keys, wave)
    src, dst, note = pairs(seq, _baseline_code(seq, baseline, strict_baseline))
    problem = pair_problems(src, dst, note, seq, rows.problems, frame[wave])
    change, low, high, statistic, pvalue = _compare_pairs(
        rows, src, dst, problem, method, test, confidence_level, alternative
    )

    if adjust is None:
        pvalue_adjusted = pvalue.copy()
    else:
        family_id = None
        if family == "question":
            family_id = seq.group[np.where(src >= 0, src, dst)]
        pvalue_adjusted = adjust_families(pvalue, family_id, adjust)

    label_row = np.where(src >= 0, src, dst)
    out = {"question": take(frame[question], label_row)}
    for col in as_list(by, "by"):
        out[col] = take(frame[col], label_row)
    missing_base = (src < 0) & (dst >= 0)
    out["wave_from"] = take(frame[wave], src, fill=(missing_base, baseline))
    out["wave_to"] = take(frame[wave], dst)
    out["p_from"], out["p_to"] = take_float(rows.p_shown, src), take_float(rows.p_shown, dst)
    if pd.api.types.is_integer_dtype(frame[n].dtype):  # whole sizes stay whole (1000, not 1000.0)
        out["n_from"], out["n_to"] = take(frame[n], src), take(frame[n], dst)
    else:
        out["n_from"] = take_float(rows.n_shown, src)
        out["n_to"] = take_float(rows.n_shown, dst)
    out.update(
        change=change,
        low=low,
        high=high,
        statistic=statistic,
        pvalue=pvalue,
        pvalue_adjusted=pvalue_adjusted,
        significant=significance(pvalue_adjusted, confidence_level),
        problem=text_column(problem),
    )
    return pd.DataFrame(out, copy=False)  # fresh arrays: no need to copy them into blocks


def _baseline_code(seq, baseline, strict):
    """The wave code of ``baseline`` (None: consecutive mode; -1: no row of this part has
    it and ``strict`` is off, so every row lacks its baseline)."""
    if baseline is None:
        return None
    hits = np.flatnonzero(pd.Index(seq.wave_values) == baseline)
    if hits.size:
        return int(hits[0])
    if strict:
        shown = ", ".join(repr(w) for w in pd.Index(seq.wave_values)[:10].tolist())
        raise InvalidOptionError(
            f"baseline={baseline!r} is not a wave of the table; waves are {shown}"
        )
    return -1


def _compare_pairs(rows, src, dst, problem, method, test, confidence_level, alternative):
    """One ``compare_proportions`` call over every output row that pairs two input rows.

    Returns ``change, low, high, statistic, pvalue`` (NaN elsewhere) and writes into
    ``problem`` the reason the core gives for a NaN the row checks did not foresee.
    """
    from ..compare import compare_proportions

    size = src.size
    change, low, high, statistic, pvalue = (np.full(size, np.nan) for _ in range(5))
    both = np.flatnonzero((src >= 0) & (dst >= 0))
    if not both.size:
        return change, low, high, statistic, pvalue
    i, j = src[both], dst[both]
    extra = {}
    if rows.deff is not None:
        extra = dict(deff1=rows.deff[i], deff2=rows.deff[j])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        r = compare_proportions(
            rows.p[i],
            rows.n[i],
            rows.p[j],
            rows.n[j],
            method=method,
            test=test,
            confidence_level=confidence_level,
            alternative=alternative,
            **extra,
        )
    change[both], low[both], high[both] = r.estimate, r.low, r.high
    statistic[both], pvalue[both] = r.statistic, r.pvalue
    quiet = np.isnan(pvalue[both]) | np.isnan(low[both])
    quiet[quiet] = problem[both[quiet]] == ""
    if quiet.any():
        problem[both[quiet]] = np.asarray(r.problem, dtype=object)[quiet]
    return change, low, high, statistic, pvalue


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
    adjust = check_adjust(adjust)
    by = as_list(by, "by")
    require_columns(frame.columns, question=question, wave=wave, p=p, n=n, by=by)
    keys = by + [question]

    rows_checked = checked_rows(frame, p, n, None, scale)
    problems, p_clean, n_clean = rows_checked.problems, rows_checked.p, rows_checked.n
    seq = place(frame, keys, wave)
    wave_numbers = None
    if scores == "wave":
        wave_numbers = numbers(frame[wave].to_numpy(), wave)

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
        texts = labelled(
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
    pvalue_adjusted = pvalue.copy() if adjust is None else adjust_families(pvalue, None, adjust)
    out = {"question": take(frame[question], label_row)}
    for col in by:
        out[col] = take(frame[col], label_row)
    out["waves"] = np.concatenate([counts[kept], np.zeros(lone.size, dtype=np.int64)])
    out["wave_first"] = take(frame[wave], label_row)
    out["wave_last"] = take(frame[wave], np.concatenate([last_row, np.full(lone.size, -1)]))
    out["statistic"] = padded(results["statistic"])
    out["pvalue"] = pvalue
    out["pvalue_adjusted"] = pvalue_adjusted
    out["significant"] = significance(pvalue_adjusted, level)
    for name in ("df", "slope", "homogeneity_statistic", "homogeneity_pvalue", "homogeneity_df"):
        out[name] = padded(results[name])
    lone_text = np.asarray(seq.unplaced_reason, dtype=object)
    if problems.bad[lone].any():
        lone_text = join(lone_text, problems.text[lone])
    out["problem"] = text_column(np.concatenate([problem[kept], lone_text]))
    return pd.DataFrame(out, copy=False)  # fresh arrays: no need to copy them into blocks
