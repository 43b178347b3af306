"""Re-weighting every replicate of a replicate design, as R ``survey`` does on ``svyrep.design``.

R's ``postStratify``, ``rake``, ``calibrate`` and ``trimWeights`` methods for replicate
designs (survey 4.1.1) apply the weighting to the full-sample weights *and* to every column of
replicate weights, with the same targets; the replicate variance then comes from the
re-weighted replicates.  A replicate design here never holds a rows x replicates matrix of
weights, so each step is kept in a compact form that is applied on the fly:

- :class:`CellFactors` -- post-stratification, raking and calibration to categorical margins
  only (bounds the same for every row): the new replicate weight is the old one times a factor
  per *cell* and replicate, ``W_ir * G[cell_i, r]``; the (cells x replicates) table ``G`` is
  stored.  It is found on the table of weighted cell counts of every replicate at once
  (``cells x replicates``), never row by row.
- :class:`ModelFactors` -- calibration with numeric totals: ``W_ir * F(x_i' lambda_r)`` with
  ``lambda`` (p x replicates) stored.  Unbounded linear calibration (GREG, R's
  ``regcalibrate``) has ``lambda_r`` in closed form from per-replicate weighted sums of
  ``x x'``; the other distances run Newton's method on all rows of a block of replicates at a
  time (:func:`newton_columns`).
- :class:`TrimFactors` -- trimming: the shares of the trimmed amount depend on the whole column
  of a replicate, so it has no factor form; it is redone on every block of replicates when
  weights are needed.

This module holds the fitting algorithms on arrays; the design
(:mod:`.replicate_design`) supplies the weighted cell counts and the blocks of replicate weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..exceptions import SurveyStatsError
from ._calibration import CALIBRATION_METHODS
from ._raking import relative_errors
from ._trimming import R_PASSES, trim_weights_array

__all__ = [
    "CellFactors",
    "ModelFactors",
    "TrimFactors",
    "calibrate_cells",
    "linear_lambda",
    "model_grams",
    "newton_columns",
    "poststratify_cells",
    "rake_cells",
    "trim_columns",
]


@dataclass(frozen=True)
class CellFactors:
    """Replicate weights times ``table[cell_i, r]`` (poststratify, rake, categorical calibration).

    Attributes
    ----------
    kind : str
        "poststratify", "rake" or "calibrate".
    cells : ndarray (n_rows,)
        Cell code of every row.
    table : ndarray (n_cells, n_replicates)
        The factor of every cell in every replicate.
    """

    kind: str
    cells: np.ndarray = field(repr=False)
    table: np.ndarray = field(repr=False)

    row_local = True

    @property
    def n_cells(self) -> int:
        return int(self.table.shape[0])

    def apply(self, weights: np.ndarray, rows, start: int, stop: int) -> np.ndarray:
        """``weights`` (rows x replicates start..stop-1) re-weighted."""
        return weights * self.table[self.cells[rows], start:stop]


@dataclass(frozen=True)
class ModelFactors:
    """Replicate weights times ``F(x_i' lambda_r)`` (calibration with numeric totals).

    ``x`` is the dense model matrix (n_rows x p: p is a handful of columns), ``lam`` holds one
    column of Lagrange multipliers per replicate, ``F`` is the calibration distance truncated
    to the g-weight bounds (see :data:`._calibration.CALIBRATION_METHODS`).
    """

    method: str
    x: np.ndarray = field(repr=False)
    lam: np.ndarray = field(repr=False)
    lower: float = -np.inf
    upper: float = np.inf

    kind = "calibrate"
    row_local = True

    @property
    def linear(self) -> bool:
        """Unbounded linear calibration: the factor ``1 + x' lambda`` is linear in x."""
        return self.method == "linear" and self.lower == -np.inf and self.upper == np.inf

    def apply(self, weights: np.ndarray, rows, start: int, stop: int) -> np.ndarray:
        g, _ = CALIBRATION_METHODS[self.method](
            self.x[rows] @ self.lam[:, start:stop], self.lower, self.upper
        )
        return weights * g


@dataclass(frozen=True)
class TrimFactors:
    """Trimming of every replicate column among the rows in that replicate.

    Each column's positive weights are trimmed as the full-sample weights are
    (:func:`._trimming.trim_weights_array`, R ``trimWeights``); rows with weight 0 in a
    replicate (a PSU left out of a jackknife or bootstrap replicate) stay at 0, neither
    clipped up to ``lower`` nor given a share of the trimmed amount.  R's
    ``trimWeights.svyrep.design`` (survey 4.1.1) means to trim every column but does not:
    it leaves the full-sample weights untrimmed and garbles the replicate weights.
    """

    lower: float
    upper: float
    strict: bool

    kind = "trim"
    row_local = False  # the trimmed amount is shared over the whole column

    def apply(self, weights: np.ndarray, rows, start: int, stop: int) -> np.ndarray:
        return trim_columns(weights, self.lower, self.upper, self.strict, offset=start)


def trim_columns(weights, lower, upper, strict, offset=0):
    """R ``trimWeights`` passes on every column of ``weights`` (rows x k) at once.

    One pass clips the positive weights to ``[lower, upper]`` and adds the trimmed amount,
    shared equally, to the positive weights that were inside (R ``trimWeights``); ``strict``
    repeats it.  A column still outside after the passes R would make here
    (:data:`._trimming.R_PASSES`) is finished by :func:`._trimming.trim_weights_array` itself,
    so every column ends as the full-sample trimming would end it.

    Examples
    --------
    >>> w = np.array([[1.0, 0.0], [1.0, 2.0], [1.0, 2.0], [9.0, 8.0]])
    >>> np.round(trim_columns(w, -np.inf, 4.0, False), 6).tolist()
    [[2.666667, 0.0], [2.666667, 4.0], [2.666667, 4.0], [4.0, 4.0]]
    """
    lower = -np.inf if lower is None else float(lower)
    upper = np.inf if upper is None else float(upper)
    live = weights > 0
    n_live = live.sum(axis=0)
    total = np.where(live, weights, 0.0).sum(axis=0)
    if strict:
        infeasible = (n_live * upper < total) | (n_live * lower > total)
        if infeasible.any():
            r = int(np.flatnonzero(infeasible)[0])
            raise SurveyStatsError(
                f"trim_weights(strict=True): the {int(n_live[r])} weights of replicate "
                f"{offset + r + 1} sum to {total[r]:.10g} and cannot all fit in "
                f"[{lower:g}, {upper:g}]; widen the bounds"
            )
    w = np.where(live, weights, 0.0)
    passes = 0
    while True:
        outside = live & ((w < lower) | (w > upper))
        if not outside.any():
            return w
        if passes >= (R_PASSES if strict else 1):
            break
        inside = live & ~outside
        n_inside = inside.sum(axis=0)
        touched = outside.any(axis=0)
        if (touched & (n_inside == 0)).any():
            r = int(np.flatnonzero(touched & (n_inside == 0))[0])
            raise SurveyStatsError(
                f"trim_weights: every weight of replicate {offset + r + 1} is outside "
                f"[{lower:g}, {upper:g}], so there is no weight left to take the trimmed amount"
            )
        clipped = np.where(live, np.clip(w, lower, upper), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n_inside > 0, (w - clipped).sum(axis=0) / n_inside, 0.0)
        w = clipped + inside * share
        passes += 1
    if not strict:
        return w
    # columns that need more passes than R_PASSES: the full-sample algorithm finishes them
    for r in np.flatnonzero(outside.any(axis=0)):  # a rare few columns, not every replicate
        keep = live[:, r]
        finished, _ = trim_weights_array(
            np.asarray(weights[keep, r], dtype=float), lower=lower, upper=upper, strict=True
        )
        w[keep, r] = finished
    return w


# ------------------------------------------------------------------------------ fitting
def _ratio(target, count):
    """target / count with 0 / 0 = NaN and x / 0 = inf kept silent (an empty cell in one
    replicate makes that replicate's estimates NaN, and the variance leaves it out, as R)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return target / count


def poststratify_cells(counts: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Factors (levels x replicates) of post-stratification of every replicate.

    R ``postStratify.svyrep.design``: ``repreweight <- Pop.Freq / replicateFreq`` with
    ``replicateFreq`` the replicate's weighted count of the post-stratum.

    Examples
    --------
    >>> poststratify_cells(np.array([[2.0, 4.0], [8.0, 6.0]]), np.array([5.0, 5.0])).tolist()
    [[2.5, 1.25], [0.625, 0.8333333333333334]]
    """
    return _ratio(targets[:, None], counts)


def rake_cells(counts, cell_levels, margins, *, max_iter, tolerance):
    """Factors (cells x replicates) of raking every replicate, and the passes it took.

    Iterative proportional fitting (Deming & Stephan 1940) run on the table of weighted counts
    of the crossed cells in every replicate at once, as R's ``rake`` on a replicate design
    post-stratifies every replicate column to each margin in turn; every replicate is run
    until every level is within ``tolerance * (1 + target)`` (R stops when the full-sample
    table stops moving).  Replicates whose table is not finite (a cell empty in that
    replicate with weight asked of it: R gives NaN there too) are left as they are.

    Examples
    --------
    >>> from surveystats.design._targets import Margin
    >>> sex = Margin("sex", ("sex",), ("f", "m"), np.array([50.0, 50.0]), np.array([0, 0, 1, 1]))
    >>> age = Margin("age", ("age",), ("y", "o"), np.array([30.0, 70.0]), np.array([0, 1, 0, 1]))
    >>> table, passes = rake_cells(np.ones((4, 2)), (np.array([0, 0, 1, 1]),
    ...                            np.array([0, 1, 0, 1])), [sex, age], max_iter=50,
    ...                            tolerance=1e-12)
    >>> np.round(table[:, 0], 6).tolist()
    [15.0, 35.0, 15.0, 35.0]
    """
    from scipy import sparse

    n_cells = counts.shape[0]
    indicators = [
        sparse.csr_matrix((np.ones(n_cells), (lv, np.arange(n_cells))), shape=(m.n_levels, n_cells))
        for m, lv in zip(margins, cell_levels, strict=True)
    ]
    table = np.array(counts, dtype=float)
    passes = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while True:
            passes += 1
            for m, lv, ind in zip(margins, cell_levels, indicators, strict=True):
                table *= (m.targets[:, None] / (ind @ table))[lv]
            worst = np.zeros(table.shape[1])
            for m, ind in zip(margins, indicators, strict=True):
                errors = relative_errors(ind @ table, m.targets[:, None])
                worst = np.maximum(worst, errors.max(axis=0))
            finite = np.isfinite(worst)
            if not finite.any() or worst[finite].max() <= tolerance:
                break
            if passes >= max_iter:
                r = int(np.flatnonzero(finite)[np.argmax(worst[finite])])
                raise SurveyStatsError(
                    f"rake did not converge in {max_iter} iterations in replicate {r + 1}: "
                    f"a margin is off by a relative {worst[r]:.3g} (tolerance {tolerance:g}); "
                    "a replicate may lack respondents in a crossed cell, or need more max_iter"
                )
        # a cell with no weight in a replicate (its PSUs left out) keeps weight 0 there: its
        # factor is 0, not 0 / 0 (which would make the whole replicate NaN)
        return np.where(counts > 0, table / np.where(counts > 0, counts, 1.0), 0.0), passes


def _stacked_ginv(gram: np.ndarray) -> np.ndarray:
    """Generalized inverses of a stack (k, p, p) of PSD matrices, column-scaled first (as
    :func:`._calibration.generalized_inverse`, one per replicate)."""
    d = np.sqrt(np.einsum("kii->ki", gram))
    d = np.where(d > 0, d, 1.0)
    outer = d[:, :, None] * d[:, None, :]
    return np.linalg.pinv(gram / outer, rcond=1e-12, hermitian=True) / outer


#: rows of the model matrix handled together when forming per-replicate Gram matrices
_GRAM_ROWS = 2**15


def _weighted_grams(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``x' diag(v_k) x`` for every column k of ``v``: (k, p, p), by BLAS products over blocks
    of rows (an (rows, k, p) block at a time, so memory does not grow with the rows)."""
    n, p = x.shape
    k = v.shape[1]
    gram = np.zeros((k, p, p))
    for start in range(0, n, _GRAM_ROWS):  # blocks of rows: each one BLAS tensordot
        stop = min(start + _GRAM_ROWS, n)
        xs = x[start:stop]
        weighted = xs[:, None, :] * v[start:stop, :, None]  # (rows, k, p)
        gram += np.tensordot(weighted, xs, axes=([0], [0]))
    return gram


def model_grams(model):
    """A function ``v -> x' diag(v_k) x`` (k, p, p) that uses the model's structure.

    The categorical part of the model matrix is the indicator of a row's cell, so its blocks
    are group sums of ``v`` (and of ``v`` times each numeric column) over the cells: about
    ``(1 + q)(2 + q) / 2`` passes over rows x replicates for q numeric columns, instead of
    ``p^2`` for the dense product.
    """
    from scipy import sparse

    if model.cell_x is None:
        numeric = model.numeric
        return lambda v: _weighted_grams(numeric, v)
    n = model.cells.shape[0]
    indicator = sparse.csr_matrix(
        (np.ones(n), (model.cells, np.arange(n))), shape=(model.n_cells, n)
    )
    cell_x = model.cell_x
    numeric = model.numeric
    m_cat = cell_x.shape[1]

    def grams(v):
        k = v.shape[1]
        p = m_cat + (0 if numeric is None else numeric.shape[1])
        out = np.empty((k, p, p))
        cell_v = indicator @ v  # (cells, k)
        out[:, :m_cat, :m_cat] = np.einsum("cp,ck,cq->kpq", cell_x, cell_v, cell_x)
        if numeric is not None:
            for a in range(numeric.shape[1]):  # q numeric columns: one or two
                va = v * numeric[:, a : a + 1]
                cross = cell_x.T @ (indicator @ va)  # (m_cat, k)
                out[:, :m_cat, m_cat + a] = cross.T
                out[:, m_cat + a, :m_cat] = cross.T
                for b in range(a, numeric.shape[1]):
                    nn = numeric[:, b] @ va
                    out[:, m_cat + a, m_cat + b] = nn
                    out[:, m_cat + b, m_cat + a] = nn
        return out

    return grams


def newton_columns(method, x, d, targets, *, lower, upper, max_iter, tolerance, grams=None):
    """Calibrate every column of ``d`` (units x k starting weights) to ``targets``.

    R ``grake`` (survey 4.1.1), run for k replicates together: Newton's method on the
    multipliers ``eta`` (p x k) with ``gram_r = x' diag(d_r F'(x eta_r)) x`` inverted by a
    generalized inverse, step halving in the columns whose g-weights are not finite, and the
    stop when every total of every column is met to ``tolerance * (1 + |target|)``.  Units are
    rows, or cells when every row of a cell has the same model row.

    Returns
    -------
    eta : ndarray (p, k)
    g : ndarray (units, k)
    converged : ndarray of bool (k,)
    errors : ndarray (k,)
        The largest relative misfit of each column.
    """
    distance = CALIBRATION_METHODS[method]
    k = d.shape[1]
    eta = np.zeros((x.shape[1], k))
    t = targets[:, None]
    g, dg = distance(x @ eta, lower, upper)
    achieved = x.T @ (d * g)
    errors = relative_errors(achieved, t).max(axis=0)
    active = ~(errors < tolerance)
    iteration = 1
    # every column is updated together (no copies of column subsets); a converged column's
    # step is set to 0, so its multipliers stay where they converged, as R's per-replicate loop
    grams = grams or (lambda v: _weighted_grams(x, v))
    while active.any():
        gram = grams(d * dg)
        step = np.einsum("kpq,qk->pk", _stacked_ginv(gram), t - achieved)
        step[:, ~active] = 0.0
        eta = eta + step
        g, dg = distance(x @ eta, lower, upper)
        bad = ~(np.isfinite(g).all(axis=0) & np.isfinite(dg).all(axis=0))
        while iteration < max_iter and bad.any():  # R grake's step halving, per column
            iteration += 1
            step[:, ~bad] = 0.0
            step /= 2.0
            eta = eta - step
            g, dg = distance(x @ eta, lower, upper)
            bad = ~(np.isfinite(g).all(axis=0) & np.isfinite(dg).all(axis=0))
        achieved = x.T @ (d * g)
        errors = relative_errors(achieved, t).max(axis=0)
        active = ~(errors < tolerance)
        iteration += 1
        if iteration > max_iter:
            break
    return eta, g, ~active, errors


def calibrate_cells(counts, cell_x, targets, *, method, lower, upper, max_iter, tolerance):
    """Factors (cells x replicates) of calibrating every replicate to categorical margins.

    With categorical margins only and the same bounds for every row, a calibrated weight is the
    starting weight times a g-weight per cell, so Newton runs on the (cells x replicates) table
    of weighted counts (:func:`newton_columns` with the cells as units).
    """
    _, g, converged, errors = newton_columns(
        method,
        cell_x,
        counts,
        targets,
        lower=lower,
        upper=upper,
        max_iter=max_iter,
        tolerance=tolerance,
    )
    check_converged(method, converged, errors, max_iter, tolerance)
    return g


def check_converged(method, converged, errors, max_iter, tolerance, offset=0):
    """Raise naming the first replicate whose calibration did not converge."""
    if converged.all():
        return
    r = int(np.flatnonzero(~converged)[0])
    raise SurveyStatsError(
        f"calibrate(method={method!r}) did not converge in {max_iter} iterations in replicate "
        f"{offset + r + 1}: a total is off by a relative {errors[r]:.3g} (tolerance "
        f"{tolerance:g}); the bounds may be too tight for the replicates (R warns and keeps "
        "the unconverged replicate weights)"
    )


def linear_lambda(gram: np.ndarray, sums: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Multipliers (p x replicates) of unbounded linear calibration of every replicate.

    R ``regcalibrate.svyrep.design``: ``g = 1 + x' solve(T_r, population - sample.total_r)``
    with ``T_r = x' diag(W_r) x`` and ``sample.total_r = x' W_r``; here a generalized inverse
    (the same solution when ``T_r`` is invertible, as R requires).

    ``gram`` is (replicates x p x p), ``sums`` (replicates x p).
    """
    misfit = targets[None, :] - sums
    return np.einsum("kpq,kq->pk", _stacked_ginv(gram), misfit)
