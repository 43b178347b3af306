"""Post-stratification and raking on arrays, and the score sweeps that credit them in the SE.

- :func:`poststratify_weights` scales the weights in every cell of one margin (one variable or
  crossed cells) to its population count (Holt & Smith 1979; R ``survey::postStratify``).
- :func:`rake_weights` is iterative proportional fitting (Deming & Stephan 1940; R
  ``survey::rake``) run until every level of every margin is within the tolerance.  It runs on
  the small table of crossed cells (one ``np.bincount`` of the weights), since raking changes a
  row's weight by a factor that depends only on its cell.

Each returns the new weights and a frozen *step* whose ``adjust_scores(scores)`` is what R's
``svyrecvar`` does with the ``postStrata`` that ``postStratify`` and ``rake`` leave behind.  The
design's variance engine applies the steps in order before the PSU totals.  Level codes and
targets come from :mod:`._targets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import SurveyStatsError
from ._targets import Margin, cell_codes

__all__ = ["PostStratumSweep", "RakingSweeps", "poststratify_weights", "rake_weights"]

#: R's svyrecvar repeats the raking sweeps a fixed ten times (survey 4.1.1, R/survey.R).
RAKING_SWEEP_CYCLES = 10


def group_sums(codes, n_groups, x):
    """Column sums of ``x`` (n,) or (n, k) within the groups ``codes`` (n,): ``np.bincount``."""
    if x.ndim == 1:
        return np.bincount(codes, weights=x, minlength=n_groups)
    k = x.shape[1]
    out = np.empty((n_groups, k))
    for j in range(k):  # k score columns, a handful; each column is one pass of bincount
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=n_groups)
    return out


def _as_columns(scores):
    x = np.asarray(scores, dtype=float)
    return x if x.ndim == 2 else x[:, None]


def relative_errors(achieved, target):
    """|achieved - target| / (1 + |target|): R ``grake``'s convergence measure, used throughout."""
    return np.abs(achieved - target) / (1.0 + np.abs(target))


@dataclass(frozen=True)
class PostStratumSweep:
    """The post-stratification step: its margin, the weights it made, what the SE needs.

    ``adjust_scores`` subtracts from each score the post-stratum mean times the weight, as
    ``svyrecvar`` does for a ``postStratify`` entry of ``postStrata``: with the weights before
    (``oldw``) and after (``psw``) the step, R's mean ``sum(x * oldw / psw) / sum(oldw)`` over a
    post-stratum equals ``sum(x) / target`` there, since ``psw / oldw`` is constant in it.
    """

    margin: Margin
    weights: np.ndarray = field(repr=False)
    achieved_before: np.ndarray = field(repr=False)
    kind: str = "poststratify"
    iterations: int = 0
    max_error: float = 0.0
    #: the weights before the step, kept on a design's first step only (``replicate()`` of a
    #: weighted design replays the steps from them)
    start_weights: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def margins(self):
        return (self.margin,)

    def adjust_scores(self, scores):
        """Scores (n, k) minus their post-stratum means times the step's weights."""
        x = _as_columns(scores)
        m = self.margin
        means = group_sums(m.codes, m.n_levels, x) / m.targets[:, None]
        return x - self.weights[:, None] * means[m.codes]


def poststratify_weights(weights, margin):
    """Post-stratified weights: every cell of ``margin`` scaled to its target.

    Holt & Smith (1979); R ``survey::postStratify`` (weights times target over the weighted
    count of the cell).

    Returns
    -------
    weights : ndarray
    step : PostStratumSweep

    Examples
    --------
    >>> import numpy as np
    >>> from surveystats.design._targets import Margin
    >>> m = Margin("sex", ("sex",), ("f", "m"), np.array([60.0, 40.0]), np.array([0, 0, 1]))
    >>> w, step = poststratify_weights(np.array([10.0, 20.0, 30.0]), m)
    >>> w.tolist()
    [20.0, 40.0, 40.0]
    """
    before = margin.totals(weights)
    new = weights * (margin.targets / before)[margin.codes]
    return new, PostStratumSweep(margin, new, before)


@dataclass(frozen=True)
class RakingSweeps:
    """The raking step: margins, crossed cells, final weights, iterations, largest error.

    ``adjust_scores`` is R's treatment of a ``raking`` entry of ``postStrata`` in
    ``svyrecvar`` (survey 4.1.1): ten cycles over the margins of
    ``x <- x - psw * ave(x / psw, margin)`` (unweighted means of ``x / psw`` within each
    level).  Each cycle is done here on the table of cells: with ``u = x / w`` the sweeps only
    ever subtract per-cell amounts from ``u``, so one ``np.bincount`` of ``u`` over the cells
    gives every level mean of every cycle, and one gather applies the result.  R's ``psw`` of
    each margin is the weight after that margin in the last raking pass; after convergence it
    equals the final weight to the raking tolerance, which is used here.
    """

    margins: tuple
    cells: np.ndarray = field(repr=False)
    cell_levels: tuple = field(repr=False)
    weights: np.ndarray = field(repr=False)
    achieved_before: tuple = field(repr=False)
    iterations: int = 0
    max_error: float = 0.0
    kind: str = "rake"
    #: the options of the call, so that the same raking can be run on every replicate
    max_iter: int = 1000
    tolerance: float = 1e-10
    start_weights: np.ndarray | None = field(default=None, repr=False, compare=False)

    def adjust_scores(self, scores):
        """Scores (n, k) after R's ten cycles of raking sweeps."""
        x = _as_columns(scores)
        w = self.weights[:, None]
        u = x / w
        n_cells = len(self.cell_levels[0])
        cell_sums = group_sums(self.cells, n_cells, u)
        cell_counts = np.bincount(self.cells, minlength=n_cells).astype(float)
        level_sums = [
            group_sums(lv, m.n_levels, cell_sums)
            for m, lv in zip(self.margins, self.cell_levels, strict=True)
        ]
        level_counts = [
            np.bincount(lv, weights=cell_counts, minlength=m.n_levels)
            for m, lv in zip(self.margins, self.cell_levels, strict=True)
        ]
        # per-cell amount A already subtracted from u; a level mean of the current u is
        # (level sum of u - level sum of count * A) / level count
        shift = np.zeros_like(cell_sums)
        for _ in range(RAKING_SWEEP_CYCLES):
            for m, lv, sums, counts in zip(
                self.margins, self.cell_levels, level_sums, level_counts, strict=True
            ):
                removed = group_sums(lv, m.n_levels, cell_counts[:, None] * shift)
                shift += ((sums - removed) / counts[:, None])[lv]
        return (u - shift[self.cells]) * w


def rake_weights(weights, margins, *, max_iter, tolerance):
    """Raked weights: iterative proportional fitting until every margin meets its targets.

    Deming & Stephan (1940); R ``survey::rake``, which stops when the weighted table of all
    margin variables moves by less than ``epsilon`` between passes (its default ``epsilon = 1``,
    ``maxit = 10`` leaves apiclus1's stype E at 4420.6 where the target is 4421).  Here the
    stopping rule is on the margins themselves: every level within
    ``tolerance * (1 + target)`` of its target.

    The passes run on the table of crossed cells of the margins (weight sums per cell), since a
    raked weight is the starting weight times a factor per cell; the rows are touched twice.

    Returns
    -------
    weights : ndarray
    step : RakingSweeps

    Raises
    ------
    SurveyStatsError
        When the margins are not met after ``max_iter`` passes, naming the margin and level
        furthest from its target.

    Examples
    --------
    >>> import numpy as np
    >>> from surveystats.design._targets import Margin
    >>> sex = Margin("sex", ("sex",), ("f", "m"), np.array([50.0, 50.0]), np.array([0, 0, 1, 1]))
    >>> age = Margin("age", ("age",), ("young", "old"), np.array([30.0, 70.0]), np.array([0, 1, 0, 1]))
    >>> w, step = rake_weights(np.ones(4), [sex, age], max_iter=100, tolerance=1e-12)
    >>> np.round(w, 6).tolist(), step.iterations
    ([15.0, 35.0, 15.0, 35.0], 1)
    """
    cells, cell_levels = cell_codes(margins)
    n_cells = len(cell_levels[0])
    start = np.bincount(cells, weights=weights, minlength=n_cells)
    achieved_before = tuple(
        np.bincount(lv, weights=start, minlength=m.n_levels)
        for m, lv in zip(margins, cell_levels, strict=True)
    )
    table = start.copy()
    iterations = 0
    while True:
        iterations += 1
        for m, lv in zip(margins, cell_levels, strict=True):
            level_totals = np.bincount(lv, weights=table, minlength=m.n_levels)
            table *= (m.targets / level_totals)[lv]
        errors = [
            relative_errors(np.bincount(lv, weights=table, minlength=m.n_levels), m.targets)
            for m, lv in zip(margins, cell_levels, strict=True)
        ]
        if max(float(e.max()) for e in errors) <= tolerance:
            break
        if iterations >= max_iter:
            _raise_not_converged(margins, cell_levels, table, errors, max_iter, tolerance)
    factor = table / start
    new = weights * factor[cells]
    max_error = max(
        float(np.max(np.abs(np.bincount(lv, weights=table, minlength=m.n_levels) - m.targets)))
        for m, lv in zip(margins, cell_levels, strict=True)
    )
    step = RakingSweeps(
        tuple(margins), cells, cell_levels, new, achieved_before, iterations, max_error
    )
    return new, step


def _raise_not_converged(margins, cell_levels, table, errors, max_iter, tolerance):
    j = int(np.argmax([e.max() for e in errors]))
    m, lv = margins[j], cell_levels[j]
    i = int(np.argmax(errors[j]))
    achieved = np.bincount(lv, weights=table, minlength=m.n_levels)[i]
    raise SurveyStatsError(
        f"rake did not converge in {max_iter} iterations: margin {m.name!r} is at "
        f"{achieved:.10g} for level {m.levels[i]!r} where the target is {m.targets[i]:.10g} "
        f"(relative error {errors[j][i]:.3g} > tolerance {tolerance:g}); the margins may "
        "ask for weight in crossed cells that have no respondents, or need more max_iter"
    )
