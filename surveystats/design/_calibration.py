"""Calibration of weights to categorical margins and numeric totals, and its SE residuals.

Deville & Särndal (1992): final weights ``w_i = d_i * F(x_i' lambda)`` with ``sum w_i x_i``
equal to the population totals, found by Newton's method on ``lambda`` as R
``survey::grake`` does (including its step halving when a step gives a non-finite g-weight).
The distance functions are the registry :data:`CALIBRATION_METHODS`:

- ``linear``: ``F(u) = 1 + u`` (GREG), truncated to the g-weight bounds;
- ``raking``: ``F(u) = exp(u)`` (multiplicative), truncated to the bounds;
- ``logit``: the logit distance of Deville & Särndal, which needs finite bounds ``L < 1 < U``
  and keeps every g-weight strictly inside them.

The model matrix ``x`` has, for the categorical margins, the indicator columns of the crossed
cells (every level of the first margin, all but the first of the others: the same column span
as R's ``model.matrix`` with an intercept) and then one column per numeric total.  When every
target is categorical and the bounds are the same for every row, Newton runs on the small
table of cells.

The step (:class:`CalibrationResiduals`) replaces each score by its calibration-regression
residual, as R's ``svyrecvar`` does for ``greg_calibration`` (``qr.resid`` of the scores on
``x`` weighted by the starting weights, times the g-weights).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..exceptions import InvalidOptionError, SurveyStatsError
from ._raking import group_sums, relative_errors
from ._targets import cell_codes

__all__ = ["CALIBRATION_METHODS", "CalibrationResiduals", "ModelMatrix", "calibrate_weights"]


# --------------------------------------------------------------------------- distances
def _linear(u, lower, upper):
    """GREG (Deville & Särndal 1992, case 1) truncated to [lower, upper]: R ``cal.linear``."""
    g = np.clip(1.0 + u, lower, upper)
    dg = ((u < upper - 1.0) & (u > lower - 1.0)).astype(float)
    return g, dg


def _raking(u, lower, upper):
    """Multiplicative (Deville & Särndal 1992, case 2) truncated: R ``cal.raking``."""
    e = np.exp(u)
    g = np.clip(e, lower, upper)
    dg = np.where((u < upper - 1.0) & (u > lower - 1.0), e, 0.0)
    return g, dg


def _logit(u, lower, upper):
    """Logit distance (Deville & Särndal 1992, case 6), g strictly in (L, U): R ``cal.logit``."""
    a = (upper - lower) / ((upper - 1.0) * (1.0 - lower))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        den = upper - 1.0 + (1.0 - lower) * e
        g = (lower * (upper - 1.0) + upper * (1.0 - lower) * e) / den
        dg = a * e * (1.0 - lower) * (upper - 1.0) * (upper - lower) / den**2
    return g, dg


CALIBRATION_METHODS = {"linear": _linear, "raking": _raking, "logit": _logit}


# --------------------------------------------------------------------------- model matrix
@dataclass(frozen=True)
class ModelMatrix:
    """The calibration model matrix without forming it: cell codes and numeric columns.

    Row ``i`` is ``[cell_x[cells[i]], numeric[i]]``; ``cell_x`` (n_cells, m_cat) holds the
    indicator columns of the categorical margins, ``numeric`` (n, p) the numeric columns.
    Products with it are group sums over the cells plus small matrix products.
    """

    cells: np.ndarray | None = field(repr=False)
    cell_x: np.ndarray | None = field(repr=False)
    numeric: np.ndarray | None = field(repr=False)
    names: tuple = ()

    @property
    def n_cells(self):
        return 0 if self.cell_x is None else self.cell_x.shape[0]

    def xt(self, v):
        """``x' v`` for v of shape (n,) or (n, k)."""
        parts = []
        if self.cell_x is not None:
            parts.append(self.cell_x.T @ group_sums(self.cells, self.n_cells, v))
        if self.numeric is not None:
            parts.append(self.numeric.T @ v)
        return np.concatenate(parts, axis=0)

    def x(self, beta):
        """``x beta`` for beta of shape (m,) or (m, k)."""
        out = 0.0
        m_cat = 0
        if self.cell_x is not None:
            m_cat = self.cell_x.shape[1]
            out = (self.cell_x @ beta[:m_cat])[self.cells]
        if self.numeric is not None:
            out = out + self.numeric @ beta[m_cat:]
        return out

    def gram(self, v):
        """``x' diag(v) x`` (m, m)."""
        blocks = []
        if self.cell_x is not None:
            cell_v = np.bincount(self.cells, weights=v, minlength=self.n_cells)
            cc = self.cell_x.T @ (cell_v[:, None] * self.cell_x)
            if self.numeric is None:
                return cc
            cn = self.cell_x.T @ group_sums(self.cells, self.n_cells, self.numeric * v[:, None])
            nn = (self.numeric * v[:, None]).T @ self.numeric
            return np.block([[cc, cn], [cn.T, nn]])
        blocks = (self.numeric * v[:, None]).T @ self.numeric
        return blocks


def build_model(margins, numeric_totals):
    """The model matrix and the target vector of its columns."""
    names, targets = [], []
    cells = cell_x = None
    if margins:
        cells, cell_levels = cell_codes(margins)
        columns = []
        for j, (m, lv) in enumerate(zip(margins, cell_levels, strict=True)):
            first = 0 if j == 0 else 1  # drop one level per extra margin: full column rank
            for level in range(first, m.n_levels):
                columns.append(lv == level)
                names.append(f"{m.name}={m.levels[level]}")
                targets.append(m.targets[level])
        cell_x = np.column_stack(columns).astype(float)
    numeric = None
    if numeric_totals:
        numeric = np.column_stack([t.values for t in numeric_totals])
        for t in numeric_totals:
            names.append(t.name)
            targets.append(t.target)
    return ModelMatrix(cells, cell_x, numeric, tuple(names)), np.asarray(targets, dtype=float)


def generalized_inverse(gram):
    """A generalized inverse of a symmetric positive semi-definite matrix, column-scaled first.

    Scaling by the diagonal makes indicator columns and numeric columns in the thousands
    comparable; ``D (D G D)^+ D`` is a generalized inverse of ``G``, and a projection
    ``x G^- x'`` does not depend on which one is used.  R uses ``MASS::ginv`` (tolerance
    ``256 * eps``) in ``grake`` and a pivoted QR in ``svyrecvar``.
    """
    d = np.sqrt(np.diag(gram))
    d[d == 0] = 1.0
    scaled = gram / np.outer(d, d)
    return np.linalg.pinv(scaled, rcond=1e-12, hermitian=True) / np.outer(d, d)


# --------------------------------------------------------------------------- Newton
def _r_step(gram, misfit, basis):
    """Newton's step as R ``grake``: ``MASS::ginv(T, tol = 256 * eps) %*% misfit``.

    It must be this very inverse, in R's columns, not any generalized inverse: once g-weights
    sit at their bounds the matrix can lose rank, and the rows at a bound then move with the
    part of the step that the choice of inverse decides (an unconverged ``force=True``
    iterate would otherwise differ from R's).  The Moore-Penrose inverse depends on the basis,
    so the step is taken in R's ``model.matrix`` columns (an intercept in place of the first
    margin's first level: ``x_R = x basis``) and mapped back.
    """
    g_r = basis.T @ gram @ basis
    return basis @ (np.linalg.pinv(g_r, rcond=256 * np.finfo(float).eps) @ (basis.T @ misfit))


def _r_basis(margins, n_columns):
    """``basis`` with ``x @ basis`` = R's model matrix (intercept, treatment contrasts)."""
    basis = np.eye(n_columns)
    if margins:
        basis[: margins[0].n_levels, 0] = 1.0  # (Intercept) = the sum of the first margin's
    return basis


def _dense(model):
    """(x, unit_of_row) on the table of cells when there are no numeric columns, else None."""
    if model.numeric is None and model.cell_x is not None:
        return model.cell_x, model.cells
    return None


def _newton(method, xt, x, gram, d, targets, lower, upper, max_iter, tolerance, basis):
    """Solve ``x' (d * F(x lambda)) = targets`` as R ``grake``: Newton with step halving."""
    distance = CALIBRATION_METHODS[method]
    eta = np.zeros(len(targets))
    g, dg = distance(x(eta), lower, upper)
    iteration = 1
    while True:
        misfit = targets - xt(d * g)
        step = _r_step(gram(d * dg), misfit, basis)
        eta = eta + step
        g, dg = distance(x(eta), lower, upper)
        while iteration < max_iter and not (np.isfinite(g).all() and np.isfinite(dg).all()):
            iteration += 1
            step = step / 2.0
            eta = eta - step
            g, dg = distance(x(eta), lower, upper)
        misfit = targets - xt(d * g)
        errors = relative_errors(targets - misfit, targets)
        if np.all(errors < tolerance):
            return g, iteration, errors, True
        iteration += 1
        if iteration > max_iter:
            return g, iteration - 1, errors, False  # R: attr(g, "failed")


def _trim_g(g, d, lower, upper):
    """R ``calibrate(..., trim = c(lower, upper))``: one pass on the g-weights.

    g-weights outside are set to the bound and the trimmed weight ``sum((g - g_new) d)`` is
    added to the others in proportion to their starting weights (the same amount on each
    g-weight), so the weight sum is kept; the totals are then no longer met exactly.
    """
    new = np.clip(g, lower, upper)
    outside = (g < lower) | (g > upper)
    if outside.any():
        if outside.all():
            raise SurveyStatsError(
                f"calibrate(trim=({lower:g}, {upper:g})): every g-weight is outside the trim "
                "bounds, so none is left to take the trimmed weight"
            )
        new[~outside] += ((g - new) * d).sum() / d[~outside].sum()
    return new, int(outside.sum())


def calibrate_weights(
    weights,
    margins,
    numeric_totals,
    *,
    method,
    lower,
    upper,
    max_iter,
    tolerance,
    force=False,
    trim=None,
):
    """Calibrated weights and the step that credits them in the SE.

    Parameters
    ----------
    weights : ndarray (n,)
        Starting weights ``d``.
    margins, numeric_totals : lists of Margin and NumericTotal (see ``_targets``)
    method : {"linear", "raking", "logit"}
    lower, upper : float or ndarray (n,)
        Bounds on the g-weights (final over starting weight); ``-inf, inf`` for none.
    max_iter : int
    tolerance : float
        Stop when every total is met to ``tolerance * (1 + |target|)`` (R ``grake``).
    force : bool
        R's ``force``: when Newton stops at ``max_iter`` without meeting ``tolerance``, keep
        its last weights with a ``RuntimeWarning`` instead of raising.
    trim : (float, float), optional
        R's ``trim``: bounds on the g-weights applied once after calibrating (:func:`_trim_g`).

    Examples
    --------
    >>> import numpy as np
    >>> from surveystats.design._targets import Margin, NumericTotal
    >>> m = Margin("sex", ("sex",), ("f", "m"), np.array([6.0, 4.0]), np.array([0, 0, 1, 1]))
    >>> age = NumericTotal("age", np.array([20.0, 40.0, 30.0, 50.0]), 340.0)
    >>> w, step = calibrate_weights(np.full(4, 2.5), [m], [age], method="linear",
    ...                             lower=-np.inf, upper=np.inf, max_iter=50, tolerance=1e-12)
    >>> np.round(w, 6).tolist()  # 3 + 3 = 6, 2 + 2 = 4, 20*3 + 40*3 + 30*2 + 50*2 = 340
    [3.0, 3.0, 2.0, 2.0]
    """
    model, targets = build_model(margins, numeric_totals)
    basis = _r_basis(margins, len(targets))
    scalar_bounds = np.ndim(lower) == 0 and np.ndim(upper) == 0
    dense = _dense(model) if scalar_bounds else None
    if dense is not None:
        cell_x, cells = dense
        d_cells = np.bincount(cells, weights=weights, minlength=cell_x.shape[0])
        g_units, iterations, errors, converged = _newton(
            method,
            lambda v: cell_x.T @ v,
            lambda b: cell_x @ b,
            lambda v: cell_x.T @ (v[:, None] * cell_x),
            d_cells,
            targets,
            lower,
            upper,
            max_iter,
            tolerance,
            basis,
        )
        g = g_units[cells]
    else:
        g, iterations, errors, converged = _newton(
            method,
            model.xt,
            model.x,
            model.gram,
            weights,
            targets,
            lower,
            upper,
            max_iter,
            tolerance,
            basis,
        )
    if not converged:
        worst = int(np.argmax(errors))
        text = (
            f"calibrate(method={method!r}) did not converge in max_iter={max_iter} iterations: "
            f"the total {model.names[worst]} is off by a relative {errors[worst]:.3g} "
            f"(tolerance={tolerance:g})"
        )
        if not force:
            raise SurveyStatsError(
                f"{text}; the bounds may be too tight for these totals: widen bounds=, raise "
                "max_iter= or tolerance=, or pass force=True to keep the last weights (R's "
                "force = TRUE)"
            )
        warnings.warn(f"{text}; force=True keeps the last weights", RuntimeWarning, stacklevel=4)
    n_trimmed = 0
    if trim is not None:
        g, n_trimmed = _trim_g(g, weights, *trim)
    if not np.all(g > 0):
        bad = int(np.sum(~(g > 0)))
        raise SurveyStatsError(
            f"calibrate(method={method!r}) makes {bad} weights zero or negative (smallest "
            f"g-weight {np.min(g):.4g}); set bounds=(lower, upper) with lower > 0 or use "
            "method='raking'"
        )
    new = weights * g
    achieved_before = tuple(m.totals(weights) for m in margins)
    max_error = float(np.max(np.abs(model.xt(new) - targets)))
    ginv = generalized_inverse(model.gram(weights))
    step = CalibrationResiduals(
        tuple(margins),
        tuple(numeric_totals),
        model,
        g,
        new,
        ginv,
        achieved_before,
        method,
        iterations,
        max_error,
        converged=converged,
        n_trimmed=n_trimmed,
        trim=None if trim is None else (float(trim[0]), float(trim[1])),
    )
    return new, step


@dataclass(frozen=True)
class CalibrationResiduals:
    """The calibration step: replaces scores by their calibration-regression residuals.

    R ``svyrecvar`` for a ``greg_calibration`` entry (stage 0):
    ``qr.resid(qr(x * sqrt(d)), scores / (g * sqrt(d))) * g * sqrt(d)``.  With
    ``G = x' diag(d) x`` that is ``scores - w * x beta`` with ``beta = G^- x' (scores / g)``:
    the residual of the scores' regression on ``x`` weighted by the starting weights ``d``,
    scaled back by the final weights ``w = d * g``.
    """

    margins: tuple
    numeric_totals: tuple
    model: ModelMatrix = field(repr=False)
    g: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    gram_inverse: np.ndarray = field(repr=False)
    achieved_before: tuple = field(repr=False)
    method: str = "linear"
    iterations: int = 0
    max_error: float = 0.0
    kind: str = "calibrate"
    #: False when ``force=True`` kept weights that missed the tolerance
    converged: bool = True
    #: g-weights set to a bound by ``trim=``
    n_trimmed: int = 0
    #: R's ``trim`` bounds on the g-weights, applied after calibrating (None: none)
    trim: tuple[float, float] | None = None
    #: the options of the call, so that the same calibration can be run on every replicate
    bounds: tuple[float, float] | None = None
    weight_bounds: tuple[float, float] | None = None
    max_iter: int = 50
    tolerance: float = 1e-10
    start_weights: np.ndarray | None = field(default=None, repr=False, compare=False)

    def adjust_scores(self, scores):
        """Scores (n, k) replaced by their residuals on the calibration model."""
        x = np.asarray(scores, dtype=float)
        x = x if x.ndim == 2 else x[:, None]
        beta = self.gram_inverse @ self.model.xt(x / self.g[:, None])
        return x - self.weights[:, None] * self.model.x(beta)


def check_method(method):
    if method not in CALIBRATION_METHODS:
        allowed = ", ".join(repr(k) for k in CALIBRATION_METHODS)
        raise InvalidOptionError(
            f"method={method!r} is not recognized; allowed values are {allowed}"
        )
    return method
