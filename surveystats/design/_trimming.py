"""Trimming of extreme weights as R ``survey::trimWeights``, with a check R lacks.

Weights outside ``[lower, upper]`` are set to the bound and the amount trimmed is shared out
equally among the weights that were inside, so the weight sum stays the same (R
``trimWeights.survey.design2``, survey 4.1.1).  Sharing out can push a weight that was inside
over a bound; ``strict=True`` repeats the pass until every weight is inside, as R's recursive
call does.  Here the weights those repeated passes converge to are solved for directly
(:func:`_strict_limit`), so the result is exact however many passes R would need.  When the
bounds cannot hold the weight sum (``n * upper < sum`` or ``n * lower > sum``) no such weights
exist: R recurses until the C stack overflows, here it is a clear error before the first pass.

The weights may be one vector (rows,) or a block (rows, k) whose columns are trimmed each on its
own (replicate weights, a chunk at a time).

The step (:class:`TrimmingStep`) leaves the scores as they are: R keeps the design's earlier
``postStrata`` (their sweeps still use the weights those steps made) and adds nothing for the
trimming, treating the trimmed amounts as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import InvalidOptionError, SurveyStatsError

__all__ = ["R_PASSES", "TrimmingStep", "trim_weights_array"]

#: passes the replicate trimming (``_replicate_steps.trim_columns``) makes as R does them
#: before finishing a column with :func:`trim_weights_array`'s exact limit
R_PASSES = 100


@dataclass(frozen=True)
class TrimmingStep:
    """The trimming step: its bounds, passes and how many weights it moved.

    ``iterations`` is 1 when R's first pass leaves every weight inside, 2 when ``strict=True``
    needed R's repeated passes (their limit solved directly, :func:`_strict_limit`).
    ``n_trimmed`` counts the weights that some pass set to a bound: an ``int`` for one vector
    of weights, an array with one count per column for a block.
    """

    lower: float
    upper: float
    strict: bool
    n_trimmed: int | np.ndarray
    iterations: int
    weights: np.ndarray = field(repr=False)
    kind: str = "trim"
    max_error: float = 0.0

    margins = ()

    def adjust_scores(self, scores):
        """The scores unchanged: as R, trimming adds nothing to the linearization."""
        return scores


def _where(columns, two_d):
    return f" in column {int(np.flatnonzero(columns)[0])}" if two_d else ""


def _trim_pass(w, lower, upper, two_d):
    """One pass of R ``trimWeights`` on every column of ``w`` (n, k).

    Clip, then add each column's trimmed amount over its number of inside weights to those.
    Returns the new weights, the mask of weights that were outside and each column's shift.
    """
    outside = (w < lower) | (w > upper)
    n_inside = w.shape[0] - outside.sum(axis=0)
    stuck = outside.any(axis=0) & (n_inside == 0)
    if stuck.any():
        raise SurveyStatsError(
            f"trim_weights: every weight{_where(stuck, two_d)} is outside "
            f"[{lower:g}, {upper:g}], so there is no weight left to take the trimmed amount"
        )
    clipped = np.clip(w, lower, upper)
    # R: sum(trimmings) / sum(!outside); zero where nothing was outside
    shift = (w - clipped).sum(axis=0) / np.maximum(n_inside, 1)
    return np.where(outside, clipped, clipped + shift), outside, shift


def _water_level(x, bound):
    """``min(x + c, bound)`` per column with the shift ``c >= 0`` that keeps each column's sum.

    With the columns sorted in decreasing order and the ``k`` largest at the bound, the sum is
    kept by ``c_k = (sum of the k largest excesses over the bound) / (n - k)``; the right ``k``
    is the one where the ``k``-th largest is at or above the bound after the shift and the
    ``(k+1)``-th at or below it.  Every ``k`` is tried at once (a cumulative sum); rounding is
    absorbed by taking the ``k`` whose two conditions are violated least.  Needs
    ``n * bound >= sum`` (checked by the caller).
    """
    n = x.shape[0]
    excess = -np.sort(-x, axis=0) - bound  # decreasing: the k largest come first
    clipped_sum = np.zeros_like(excess)
    np.cumsum(excess[:-1], axis=0, out=clipped_sum[1:])  # row k: the k largest, k = 0..n-1
    shift = clipped_sum / (n - np.arange(n))[:, None]
    free_over = np.maximum(excess + shift, 0.0)  # (k+1)-th largest must end at or below
    clipped_under = np.zeros_like(excess)
    clipped_under[1:] = np.maximum(-(excess[:-1] + shift[1:]), 0.0)  # k-th at or above
    k = np.argmin(free_over + clipped_under, axis=0)
    c = shift[k, np.arange(x.shape[1])]
    shifted = x + c
    return np.minimum(shifted, bound), shifted > bound


def _strict_limit(first, shift, lower, upper):
    """Where R's repeated strict passes go, from the weights after the first pass.

    After the first pass every later shift has the sign of the first one: with ``shift > 0``
    (more was trimmed above than below) everything inside moved up, so nothing is below
    ``lower`` any more and only ``upper`` can be crossed again; each later pass sets the weights
    over ``upper`` to it and adds the same amount to every other weight, the ones at a bound
    from an earlier pass included.  A weight that reaches ``upper`` stays there in the limit
    and every other weight gains the summed shifts: the limit is ``min(first + c, upper)`` with
    the ``c`` that keeps the sum (:func:`_water_level`).  ``shift < 0`` is the mirror image at
    ``lower``; ``shift == 0`` means the first pass already ended inside.
    Returns the limit and the mask of weights that a later pass sets to a bound.
    """
    out = first.copy()
    moved = np.zeros(first.shape, dtype=bool)
    up = shift > 0
    if up.any():
        out[:, up], moved[:, up] = _water_level(first[:, up], upper)
    down = shift < 0
    if down.any():
        level, moved[:, down] = _water_level(-first[:, down], -lower)
        out[:, down] = -level
    return out, moved


def trim_weights_array(weights, *, lower, upper, strict):
    """Trimmed weights (R ``trimWeights``) and the step that records the trimming.

    Parameters
    ----------
    weights : array_like (rows,) or (rows, k)
        Positive weights; the columns of a 2-D block are trimmed each on its own.
    lower, upper : float or None
        Bounds on the weights (None: no bound).
    strict : bool
        Repeat until every weight is inside (R ``strict = TRUE``), solved as the limit.

    Returns
    -------
    (ndarray, TrimmingStep)
        The trimmed weights, of the shape of ``weights``, and the step.

    Raises
    ------
    SurveyStatsError
        ``strict=True`` with bounds that cannot hold a column's weight sum (the mean weight
        must be inside them), or a pass with every weight outside.

    Examples
    --------
    >>> import numpy as np
    >>> w, step = trim_weights_array(np.array([1.0, 1.0, 1.0, 9.0]), lower=-np.inf, upper=4.0,
    ...                              strict=False)
    >>> np.round(w, 6).tolist(), step.n_trimmed  # 9 -> 4, the 5 trimmed shared by three
    ([2.666667, 2.666667, 2.666667, 4.0], 1)

    With ``strict=True`` the sharing out that pushes 3 + 5/3 over 4 is repeated until the
    limit: 1 + c + 2 + c + 4 + 4 = 15 gives c = 2.

    >>> w, step = trim_weights_array(np.array([1.0, 2.0, 3.0, 9.0]), lower=None, upper=4.0,
    ...                              strict=True)
    >>> w.tolist(), step.n_trimmed
    ([3.0, 4.0, 4.0, 4.0], 3)

    A block of weights (one column per replicate) is trimmed column by column:

    >>> block = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0], [9.0, 2.0]])
    >>> w, step = trim_weights_array(block, lower=None, upper=4.0, strict=False)
    >>> np.round(w[:, 0], 6).tolist(), w[:, 1].tolist(), step.n_trimmed.tolist()
    ([2.666667, 2.666667, 2.666667, 4.0], [2.0, 2.0, 2.0, 2.0], [1, 0])
    """
    lower = -np.inf if lower is None else float(lower)
    upper = np.inf if upper is None else float(upper)
    if not lower < upper:
        raise InvalidOptionError(f"trim_weights: lower={lower:g} must be below upper={upper:g}")
    if lower <= 0 and np.isfinite(lower):
        raise InvalidOptionError(f"trim_weights: lower={lower:g} must be positive (weights are)")
    w = np.asarray(weights, dtype=float)
    if w.ndim not in (1, 2):
        raise InvalidOptionError(
            f"trim_weights: weights must be one vector (rows,) or a block (rows, k); got "
            f"shape {w.shape}"
        )
    two_d = w.ndim == 2
    columns = w if two_d else w[:, None]
    n = columns.shape[0]
    total = columns.sum(axis=0)
    if strict:
        infeasible = (n * upper < total) | (n * lower > total)
        if infeasible.any():
            j = int(np.flatnonzero(infeasible)[0])
            raise SurveyStatsError(
                f"trim_weights(strict=True): no weights of sum {total[j]:.10g} over {n} rows "
                f"fit in [{lower:g}, {upper:g}]{_where(infeasible, two_d)} (it needs "
                f"{total[j] / n:.6g}, the mean weight, inside the bounds); widen the bounds"
            )
    new, ever, shift = _trim_pass(columns, lower, upper, two_d)
    iterations = 1
    if strict and ((new > upper) | (new < lower)).any():
        new, moved = _strict_limit(new, shift, lower, upper)
        ever = ever | moved
        iterations = 2
    counts = ever.sum(axis=0)
    if not two_d:
        return new[:, 0], TrimmingStep(lower, upper, strict, int(counts[0]), iterations, new[:, 0])
    return new, TrimmingStep(lower, upper, strict, counts, iterations, new)
