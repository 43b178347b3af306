"""Several waves of one question: the Cochran-Armitage test for a trend in proportions.

Lives here: :func:`trend_test` (Cochran-Armitage trend test as R's ``prop.trend.test``, the
chi-square test of homogeneity across the waves as R's ``prop.test(correct = FALSE)``, and
the slope of the weighted least-squares line through the wave proportions) and its result
class :class:`TrendResult`.
Does not live here: comparisons of two waves (``compare.py``), one row per question from a
data frame (``trend_by_question`` in the ``batch/`` subpackage), p-value adjustment across
questions (``multiple.py``).

The waves lie along one axis; every other axis indexes independent questions, so a table of
10,000 questions by 5 waves is one call.  With ``k`` waves, counts ``x_i = p_i n_i``,
pooled proportion ``P = sum(x) / sum(n)``, scores ``s_i`` and their ``n``-weighted mean
``s_bar``:

* slope ``b = sum(n_i (s_i - s_bar)(p_i - P)) / sum(n_i (s_i - s_bar)^2)``, the
  coefficient of R's ``lm(x/n ~ score, weights = n / (P (1 - P)))``;
* trend statistic ``b^2 sum(n_i (s_i - s_bar)^2) / (P (1 - P))``, the regression sum of
  squares of that ``lm`` (chi-square, 1 df);
* homogeneity statistic ``sum(n_i (p_i - P)^2) / (P (1 - P))``, Pearson's chi-square for the
  2 x k table (``k - 1`` df).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.inference import significant as significance
from ._internal.results import Result
from ._internal.validation import (
    Inputs,
    as_float_array,
    check_axis,
    check_confidence_level,
    check_same_index,
)
from .exceptions import InvalidValueError, ShapeError

__all__ = ["trend_test", "TrendResult"]


@dataclass(frozen=True)
class TrendResult(Result):
    """Cochran-Armitage trend test and chi-square homogeneity test over waves.

    Attributes
    ----------
    statistic, pvalue : float or ndarray
        Cochran-Armitage chi-square statistic (1 df) and its upper-tail p-value, as R's
        ``prop.trend.test``.
    df : float or ndarray
        Degrees of freedom of the trend test (1).
    slope : float or ndarray
        Change in proportion per unit of score (per wave with the default scores), the
        weighted least-squares slope of R's ``prop.trend.test``.
    homogeneity_statistic, homogeneity_pvalue, homogeneity_df : float or ndarray
        Pearson chi-square test that all waves share one proportion (R's
        ``prop.test(x, n, correct = FALSE)``), ``k - 1`` df.
    significant : bool or ndarray
        ``pvalue < 1 - confidence_level`` of the trend test (False where it is NaN).
    confidence_level : float
    problem : str or ndarray
        Why a question is NaN ('' where it is fine).
    """

    statistic: Any
    pvalue: Any
    df: Any
    slope: Any
    homogeneity_statistic: Any
    homogeneity_pvalue: Any
    homogeneity_df: Any
    significant: Any
    confidence_level: float
    problem: Any


def _move_waves_last(name, value, axis):
    arr = as_float_array(name, value)
    if arr.ndim == 0:
        return arr
    return np.moveaxis(arr, check_axis("axis", axis, arr.ndim), -1)


def _standard_scores(s):
    """Scores moved to [-1, 1] per question: ``(s - mid) / half_range``.

    The statistics do not change under ``a + b·s`` (b != 0), but the sums of squares of raw
    scores overflow for scores near 1e154 and lose all digits for years such as 2023 with
    tiny spreads; centred and scaled scores keep both in range.  Returns the standard
    scores and the half range, which turns the slope back into units of the raw score.
    Halves are taken before subtracting, so ``hi - lo`` cannot overflow.
    """
    lo = s.min(axis=-1, keepdims=True)
    hi = s.max(axis=-1, keepdims=True)
    mid = 0.5 * lo + 0.5 * hi
    half = 0.5 * hi - 0.5 * lo
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(half > 0.0, (s - mid) / half, 0.0)
    return t, half[..., 0]


def _question_problems(element_problem, k):
    """Reduce per-wave reasons to one reason per question, naming the first bad wave."""
    bad = element_problem != ""
    any_bad = bad.any(axis=-1)
    first = np.argmax(bad, axis=-1)
    reason = np.take_along_axis(element_problem, first[..., None], axis=-1)[..., 0]
    labels = np.array([f"wave {i + 1} of {k}: " for i in range(k)], dtype=object)
    out = np.full(any_bad.shape, "", dtype=object)
    out[any_bad] = labels[first[any_bad]] + reason[any_bad]
    return out


@quiet_numpy
def trend_test(
    p: ArrayLike,
    n: ArrayLike,
    *,
    scores: ArrayLike | None = None,
    axis: int = -1,
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
) -> TrendResult:
    """Is there a linear trend in a proportion across survey waves (Cochran-Armitage)?

    Parameters
    ----------
    p : array_like
        Proportions in [0, 1], one per wave along ``axis`` (oldest first); other axes index
        independent questions.
    n : array_like
        Sample sizes, broadcasting with ``p``.  The counts ``p * n`` are snapped to whole
        numbers when within rounding (1e-9 relative) of one.
    scores : array_like, optional
        The score of each wave (e.g. the survey years); a 1-D array of the length of the
        wave axis, or an array broadcasting with ``p`` (waves along ``axis``).  Default
        ``1, 2, ..., k`` as R; the test statistic and p-value do not change under
        ``a + b * scores`` (``b != 0``), the slope is per unit of score.
    axis : int
        The axis of the waves (at least two).
    confidence_level : float
        Sets ``significant``: ``pvalue < 1 - confidence_level``.
    deff : float or array_like
        Design effect, a number or an array broadcasting with ``p`` (one per wave or per
        question); each wave enters with its effective size ``n / deff`` and effective
        count ``p · n / deff``, as in :func:`~surveystats.proportion_ci`.

    Returns
    -------
    TrendResult
        ``statistic, pvalue, df, slope, homogeneity_statistic, homogeneity_pvalue,
        homogeneity_df, significant, confidence_level, problem``, one value per question
        (Python floats for a single question).

    Notes
    -----
    A bad number in any wave of a question (p outside [0, 1], n <= 0, NaN, a missing score)
    makes that question NaN with a reason in ``problem``; for a single question it raises.
    A question whose waves are all 0% or all 100% has nothing to test (R's
    ``prop.trend.test`` stops with an error there); neither do equal scores.
    The scores are centred and scaled per question before the sums of squares (the test
    does not change under ``a + b·scores``), so scores as large as 1e300 are fine.
    pandas inputs with different indexes are refused (they would be paired by position).

    Examples
    --------
    Was NATO membership as a concession "completely unacceptable" to fewer Ukrainians each
    year?  56.9% (2023), 48.7% (2024), 41.1% (2025), independent samples of 1,000:

    >>> import surveystats as ss
    >>> r = ss.trend_test([0.569, 0.487, 0.411], [1000, 1000, 1000])
    >>> round(r.statistic, 2), r.pvalue < 1e-10, round(r.slope, 3)
    (49.95, True, -0.079)
    >>> round(r.homogeneity_statistic, 2), r.homogeneity_df
    (49.98, 2.0)

    A fall of 7.9 points a year, and the waves hardly depart from a straight line: the
    trend takes up almost all of the homogeneity statistic.  With the years as scores
    the test is the same and the slope is per year:

    >>> round(ss.trend_test([0.569, 0.487, 0.411], 1000, scores=[2023, 2024, 2025]).statistic, 2)
    49.95

    Many questions at once (rows), waves along the last axis; a bad wave spoils only its row:

    >>> r = ss.trend_test([[0.569, 0.487, 0.411], [0.30, 0.31, 1.2]], 1000)
    >>> r.statistic.round(2)
    array([49.95,   nan])
    >>> r.problem[1]
    'wave 3 of 3: p is outside [0, 1]'
    """
    level = check_confidence_level(confidence_level)
    check_same_index(p=p, n=n, scores=scores, deff=deff)
    p_arr = _move_waves_last("p", p, axis)
    n_arr = _move_waves_last("n", n, axis)
    d_arr = _move_waves_last("deff", deff, axis)
    if p_arr.ndim == 0:
        raise ShapeError("p must hold one proportion per wave (an array along axis), got a scalar")
    if n_arr.ndim == 0:
        n_arr = np.broadcast_to(n_arr, p_arr.shape[-1:])
    try:
        shape = np.broadcast_shapes(p_arr.shape, n_arr.shape)
    except ValueError:
        raise ShapeError(
            f"p {p_arr.shape} and n {n_arr.shape} do not broadcast together "
            f"(waves moved to the last axis)"
        ) from None
    k = shape[-1]
    if scores is None:
        s_arr = np.arange(1.0, k + 1.0)
    else:
        s_arr = as_float_array("scores", scores)
        if s_arr.ndim == 1:
            if s_arr.shape[0] != k:
                raise ShapeError(f"scores has {s_arr.shape[0]} values but there are {k} waves")
        else:
            s_arr = _move_waves_last("scores", s_arr, axis)
    try:
        shape = np.broadcast_shapes(shape, s_arr.shape)
    except ValueError:
        raise ShapeError(
            f"scores {s_arr.shape} does not broadcast with p and n {shape} "
            f"(waves moved to the last axis)"
        ) from None
    try:
        shape = np.broadcast_shapes(shape, d_arr.shape)
    except ValueError:
        raise ShapeError(
            f"deff {d_arr.shape} does not broadcast with p and n {shape} "
            f"(waves moved to the last axis)"
        ) from None
    if k < 2:
        raise ShapeError(f"a trend needs at least two waves along axis {axis}; got {k}")

    # Element checks on a never-scalar Inputs: per-wave reasons, reduced to one per question.
    if 0 in shape:  # no questions: empty in, empty out
        empty = np.zeros(shape[:-1])
        return TrendResult(
            statistic=empty,
            pvalue=empty.copy(),
            df=empty.copy(),
            slope=empty.copy(),
            homogeneity_statistic=empty.copy(),
            homogeneity_pvalue=empty.copy(),
            homogeneity_df=empty.copy(),
            significant=np.zeros(shape[:-1], dtype=bool),
            confidence_level=level,
            problem=np.full(shape[:-1], "", dtype=object),
        )
    # p at full shape keeps the Inputs never scalar; scores and deff keep their own shapes
    # (Inputs.raw), so that one set of scores or one deff is checked and used once.
    # (A single score is one per wave, all alike: at least the waves' axis for the scaling.)
    s_arr = np.broadcast_to(s_arr, shape[-1:]) if s_arr.ndim == 0 else s_arr
    inputs = Inputs(p=np.broadcast_to(p_arr, shape), n=n_arr, scores=s_arr, deff=d_arr)
    inputs.proportion("p")
    inputs.sample_size("n")
    inputs.positive("deff")
    s = inputs.raw("scores")
    inputs.where("scores", ~np.isfinite(s), "is missing or not finite", 0.0)
    problem = _question_problems(inputs.problem, k)

    p_ = inputs["p"]
    deff_ = inputs.raw("deff")
    n_ = inputs["n"] if np.all(deff_ == 1.0) else inputs["n"] / deff_
    s, half_range = _standard_scores(inputs.raw("scores"))
    x = p_ * n_
    nearest = np.round(x)
    x = np.where(np.abs(x - nearest) <= 1e-9 * np.maximum(1.0, x), nearest, x)
    freq = x / n_

    n_total = n_.sum(axis=-1)
    pooled = x.sum(axis=-1) / n_total
    s_bar = (n_ * s).sum(axis=-1) / n_total
    s_dev = s - s_bar[..., None]
    resid = freq - pooled[..., None]
    sxx = (n_ * s_dev * s_dev).sum(axis=-1)
    sxy = (n_ * s_dev * resid).sum(axis=-1)
    pq = pooled * (1.0 - pooled)

    fine = problem == ""
    flat = fine & (pq <= 0.0)
    problem[flat] = "every wave is 0% or every wave is 100%: no variation to test"
    same = fine & ~flat & ~(sxx > 0.0)
    problem[same] = "all waves have the same score: no trend to test"
    bad = problem != ""

    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        slope = sxy / sxx
        statistic = slope * sxy / pq
        homogeneity = (n_ * resid * resid).sum(axis=-1) / pq
        slope = slope / half_range  # per unit of the raw score
    df = np.ones_like(statistic)
    homogeneity_df = np.full_like(statistic, float(k - 1))
    pvalue = sp.chi2_sf(statistic, 1.0)
    homogeneity_pvalue = sp.chi2_sf(homogeneity, float(k - 1))

    single = statistic.ndim == 0
    if single and bad:
        raise InvalidValueError(str(problem[()]))

    def finish(value):
        value = np.where(bad, np.nan, value)
        return float(value) if single else value

    significant = ~bad & significance(pvalue, level, scalar=False)
    return TrendResult(
        statistic=finish(statistic),
        pvalue=finish(pvalue),
        df=finish(df),
        slope=finish(slope),
        homogeneity_statistic=finish(homogeneity),
        homogeneity_pvalue=finish(homogeneity_pvalue),
        homogeneity_df=finish(homogeneity_df),
        significant=bool(significant) if single else significant,
        confidence_level=level,
        problem="" if single else problem,
    )
