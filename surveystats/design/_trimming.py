"""Trimming of extreme weights as R ``survey::trimWeights``, with a check R lacks.

Weights outside ``[lower, upper]`` are set to the bound and the amount trimmed is shared out
equally among the weights that were inside, so the weight sum stays the same (R
``trimWeights.survey.design2``, survey 4.1.1).  Sharing out can push a weight that was inside
over a bound; ``strict=True`` repeats the pass until every weight is inside, as R's recursive
call does.  When the bounds cannot hold the weight sum (``n * upper < sum`` or
``n * lower > sum``) no such weights exist: R recurses until the C stack overflows, here it is
a clear error before the first pass.

The step (:class:`TrimmingStep`) leaves the scores as they are: R keeps the design's earlier
``postStrata`` (their sweeps still use the weights those steps made) and adds nothing for the
trimming, treating the trimmed amounts as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import InvalidOptionError, SurveyStatsError

__all__ = ["TrimmingStep", "trim_weights_array"]

#: passes of strict trimming done as R does them; when weights are still outside after these
#: (the excess shrinks slowly when the bound is close to the mean weight), the limit the
#: passes are heading for is computed directly (:func:`_trim_limit`)
R_PASSES = 100


@dataclass(frozen=True)
class TrimmingStep:
    """The trimming step: its bounds, passes and how many weights it moved."""

    lower: float
    upper: float
    strict: bool
    n_trimmed: int
    iterations: int
    weights: np.ndarray = field(repr=False)
    kind: str = "trim"
    max_error: float = 0.0

    margins = ()

    def adjust_scores(self, scores):
        """The scores unchanged: as R, trimming adds nothing to the linearization."""
        return scores


def _trim_pass(w, lower, upper):
    """One pass of R ``trimWeights``: clip, then add the mean trimmed amount to the rest."""
    outside = (w < lower) | (w > upper)
    if not outside.any():
        return w, outside
    inside = ~outside
    n_inside = int(inside.sum())
    if n_inside == 0:
        raise SurveyStatsError(
            f"trim_weights: every weight is outside [{lower:g}, {upper:g}], so there is no "
            "weight left to take the trimmed amount"
        )
    new = np.clip(w, lower, upper)
    new[inside] += (w - new).sum() / n_inside
    return new, outside


def _trim_limit(w, lower, upper, total):
    """``clip(w + c, lower, upper)`` with the shift ``c`` that keeps the weight sum.

    Where R's strict passes are heading: each pass sets the weights outside to the bound and
    adds the same amount to all the others, so with one bound the limit is exactly this
    (a weight once over ``upper`` stays there, every other one gains the summed shift ``c``).
    The sum is increasing in ``c``: bisection to find which weights are clipped, then the
    shift solved exactly on the free ones.
    """
    # a missing bound is replaced by one no weight reaches (the shift moves weights away from it)
    mean = total / w.size
    lower = lower if np.isfinite(lower) else min(w.min(), mean) - 1.0
    upper = upper if np.isfinite(upper) else max(w.max(), mean) + 1.0
    low, high = lower - w.max(), upper - w.min()
    for _ in range(200):
        mid = 0.5 * (low + high)
        if np.clip(w + mid, lower, upper).sum() < total:
            low = mid
        else:
            high = mid
    shifted = np.clip(w + 0.5 * (low + high), lower, upper)
    free = (shifted > lower) & (shifted < upper)
    if free.any():
        at_bounds = shifted[~free].sum()
        shift = (total - at_bounds - w[free].sum()) / free.sum()
        shifted[free] = np.clip(w[free] + shift, lower, upper)
    return shifted


def trim_weights_array(weights, *, lower, upper, strict):
    """Trimmed weights (R ``trimWeights``) and the step that records the trimming.

    Examples
    --------
    >>> import numpy as np
    >>> w, step = trim_weights_array(np.array([1.0, 1.0, 1.0, 9.0]), lower=-np.inf, upper=4.0,
    ...                              strict=False)
    >>> np.round(w, 6).tolist(), step.n_trimmed  # 9 -> 4, the 5 trimmed shared by three
    ([2.666667, 2.666667, 2.666667, 4.0], 1)
    """
    lower = -np.inf if lower is None else float(lower)
    upper = np.inf if upper is None else float(upper)
    if not lower < upper:
        raise InvalidOptionError(f"trim_weights: lower={lower:g} must be below upper={upper:g}")
    if lower <= 0 and np.isfinite(lower):
        raise InvalidOptionError(f"trim_weights: lower={lower:g} must be positive (weights are)")
    n = weights.size
    total = float(weights.sum())
    if strict and (n * upper < total or n * lower > total):
        raise SurveyStatsError(
            f"trim_weights(strict=True): no weights of sum {total:.10g} over {n} rows fit in "
            f"[{lower:g}, {upper:g}] (it needs {total / n:.6g}, the mean weight, inside the "
            "bounds); widen the bounds"
        )
    w, outside = _trim_pass(np.asarray(weights, dtype=float), lower, upper)
    passes, ever = 1, outside.copy()
    while strict and outside.any():
        if passes >= R_PASSES:
            w = _trim_limit(w, lower, upper, total)
            ever |= (w <= lower) | (w >= upper)
            break
        w, outside = _trim_pass(w, lower, upper)
        ever |= outside
        passes += 1
    return w, TrimmingStep(lower, upper, strict, int(ever.sum()), passes, w)
