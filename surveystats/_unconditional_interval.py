"""Exact unconditional confidence intervals for the difference ``p2 - p1`` of two independent
binomial proportions, vectorized over many tables.

Lives here: the tail probabilities ``max_pi P(T >= t_obs)`` of an ordering statistic ``T``
under ``p1 = pi, p2 = pi + delta``, maximized over the nuisance parameter ``pi``, and their
inversion in ``delta``: :func:`exact_difference_interval`, behind the ``'chan-zhang'``,
``'agresti-min'`` and ``'santner-snell'`` methods of ``compare_proportions``.  Does not live
here: the exact unconditional *tests* of ``p1 = p2`` (``unconditional.py``), the asymptotic
score intervals (``compare.py``).

The intervals are those of R ``exact2x2::uncondExact2x2(x1, n1, x2, n2, parmtype =
"difference", conf.int = TRUE)``:

===============  ====================  ===============  ======================================
method           ``method =``          ``tsmethod =``   source
===============  ====================  ===============  ======================================
chan-zhang       ``"score"``           ``"central"``    Chan & Zhang (1999): two one-sided
                                                        tests at alpha/2, score statistic
agresti-min      ``"score"``           ``"square"``     Agresti & Min (2001): one two-sided
                                                        test (squared score statistic)
santner-snell    ``"simple"``          ``"central"``    Santner & Snell (1980): two one-sided
                                                        tests, the raw difference as statistic
===============  ====================  ===============  ======================================

How a bound is computed (all tables at once):

- For a given ``delta`` the ordering statistic of every outcome ``(i, j)`` is increasing in
  ``j`` for fixed ``i`` (checked exhaustively for the score statistic in the tests), so the
  region "at least as extreme as observed" is, in each row ``i``, a tail ``j >= c(i)`` (or
  ``j <= c(i)``); the thresholds come from a vectorized binary search, and the probability of
  the region is ``sum_i Binom(i; n1, pi) P(X2 >= c(i); n2, pi + delta)``: ``O(n1 + n2)`` per
  value of ``pi`` instead of ``O(n1 n2)``.
- The maximum over ``pi`` in ``[max(0, -delta), min(1, 1 - delta)]``: the best point of a grid
  (about four points per binomial standard deviation), refined by safeguarded Newton steps
  inside the two grid cells around it.  (R takes the best of an equally spaced grid of
  ``nPgrid = 100`` points; a grid can only miss the maximum from below, so R's p-values are a
  little smaller and its intervals a little narrower.)
- The bound in ``delta``: the tail probability is not monotone in ``delta`` for the score
  statistic (the ordering changes with ``delta``); as R, the lower bound is the smallest
  ``delta`` that is not rejected, found by scanning R's grid of ``nCIgrid = 500`` values of
  ``delta`` from -1 upwards and bisecting the first cell where the test stops rejecting (the
  upper bound likewise from +1 down).  For the raw difference the ordering does not depend on
  ``delta`` and the tail probabilities are monotone in it, so a bracketing root search on
  [-1, 1] suffices (R's ``unirootGrid`` over ``2^20`` cells does the same).
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sc

__all__ = ["exact_difference_interval", "tail_probability"]

_TIE_RTOL = 1e-10  # statistics within this (relative) of the observed one tie with it
_NEWTON_STEPS = 8
_CHUNK = 512  # rows per block of the grid evaluation
_BLOCK_ELEMENTS = 2_000_000  # at most this many (row, pi, outcome) cells per block (memory)
MAX_TOTAL = 20_000  # largest n1 + n2 accepted (memory grows as (n1 + n2)^1.5 per table)
R_NCIGRID = 500  # exact2x2 ucControl(nCIgrid = 500): the scan of delta
R_NPGRID = 100  # exact2x2 ucControl(nPgrid = 100): R's grid over pi


# --------------------------------------------------------------------------- statistics
def _restricted_mle(p1, n1, p2, n2, d):
    from .compare import _restricted_mle as mle  # compare.py imports this module

    return mle(p1, n1, p2, n2, d)


def score_statistic(i, n1, j, n2, delta):
    """Score z of ``p2 - p1 = delta`` for the outcome ``(i, j)``: ``(j/n2 - i/n1 - delta) /
    sqrt(pi1 (1 - pi1)/n1 + pi2 (1 - pi2)/n2)`` with ``(pi1, pi2)`` the maximum-likelihood
    estimate under ``pi2 - pi1 = delta`` (Farrington & Manning 1990; the ``N/(N - 1)`` factor
    of Miettinen & Nurminen is a constant for given sizes and does not change the ordering);
    0/0 counts as 0, as in R ``exact2x2``."""
    p1 = i / n1
    p2 = j / n2
    pi1, pi2 = _restricted_mle(p1, n1, p2, n2, delta)
    num = p2 - p1 - delta
    se = np.sqrt(pi1 * (1.0 - pi1) / n1 + pi2 * (1.0 - pi2) / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = num / se
    return np.where(num == 0.0, 0.0, z)


def simple_statistic(i, n1, j, n2, delta):
    """The raw difference ``j/n2 - i/n1 - delta`` (Santner & Snell 1980)."""
    return j / n2 - i / n1 - delta


_STATISTICS = {"score": score_statistic, "simple": simple_statistic}


# --------------------------------------------------------------------------- regions
def _first_at_least(stat, i, n1, n2, delta, threshold, width2):
    """Smallest ``j`` in ``0..n2`` with ``stat(i, j) >= threshold`` (``n2 + 1`` if none), by
    binary search; every argument broadcasts to (rows, n1 + 1)."""
    lo = np.zeros(threshold.shape, dtype=np.int64)
    hi = np.broadcast_to(n2 + 1, threshold.shape).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(width2 + 1))) + 1):
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        with np.errstate(invalid="ignore", divide="ignore"):
            value = stat(i, n1, np.minimum(mid, n2), n2, delta)
        ok = (value >= threshold) & active
        hi = np.where(ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1, lo)
    return lo


def _thresholds(stat_name, x1, n1, x2, n2, delta, side, width1, width2):
    """Per row ``i`` of each table, the region at least as extreme as the observed table:
    ``(lower_cut, upper_cut)`` with the region ``{j <= lower_cut} U {j >= upper_cut}``.

    side 'upper': ``T >= t_obs`` (lower_cut = -1); 'lower': ``T <= t_obs`` (upper_cut =
    n2 + 1); 'square': ``|T| >= |t_obs|``.  Ties within ``_TIE_RTOL`` count as at least as
    extreme (as R, which rounds the statistic to 10 digits).
    """
    stat = _STATISTICS[stat_name]
    col = lambda a: np.asarray(a)[:, None]  # noqa: E731
    i = np.minimum(np.arange(width1)[None, :], col(n1))
    n1c, n2c, dc = col(n1).astype(float), col(n2).astype(float), col(delta)
    none_low = np.full((len(x1), width1), -1, dtype=np.int64)
    none_high = np.broadcast_to(col(n2) + 1, none_low.shape).astype(np.int64)
    if stat_name == "simple" and side != "square":
        # integer arithmetic: j/n2 - i/n1 >= x2/n2 - x1/n1  <=>  j n1 >= x2 n1 + (i - x1) n2
        x1c, x2c, n1i, n2i = col(x1), col(x2), col(n1), col(n2)
        rhs = x2c * n1i + (i - x1c) * n2i
        if side == "upper":
            cut = np.clip(-((-rhs) // n1i), 0, n2i + 1)  # ceil division
            return none_low, cut
        cut = np.clip(rhs // n1i, -1, n2i)
        return cut, none_high
    observed = stat(col(x1), n1c, col(x2), n2c, dc)
    slack = np.where(np.isfinite(observed), _TIE_RTOL * (1.0 + np.abs(observed)), 0.0)
    if side == "upper":
        return none_low, _first_at_least(stat, i, n1c, n2c, dc, observed - slack, width2)
    if side == "lower":
        # last j with T <= t_obs + slack: one before the first with T > t_obs + slack
        above = _first_at_least_strict(stat, i, n1c, n2c, dc, observed + slack, width2)
        return above - 1, none_high
    size = np.abs(observed)
    upper = _first_at_least(stat, i, n1c, n2c, dc, size - slack, width2)
    lower = _first_at_least_strict(stat, i, n1c, n2c, dc, -size + slack, width2) - 1
    return lower, upper


def _first_at_least_strict(stat, i, n1, n2, delta, threshold, width2):
    """Smallest ``j`` with ``stat(i, j) > threshold`` (``n2 + 1`` if none)."""
    neg = lambda ii, nn1, jj, nn2, dd: -stat(ii, nn1, jj, nn2, dd)  # noqa: E731
    # stat > t  <=>  not (stat <= t); the first j with stat > t is the first j where -stat < -t
    lo = np.zeros(threshold.shape, dtype=np.int64)
    hi = np.broadcast_to(n2 + 1, threshold.shape).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(width2 + 1))) + 1):
        active = lo < hi
        if not active.any():
            break
        mid = (lo + hi) // 2
        with np.errstate(invalid="ignore", divide="ignore"):
            value = neg(i, n1, np.minimum(mid, n2), n2, delta)
        ok = (value < -threshold) & active
        hi = np.where(ok, mid, hi)
        lo = np.where(active & ~ok, mid + 1, lo)
    return lo


# --------------------------------------------------------------------------- probabilities
def _log_choose(n, width):
    """``log C(n_k, s)`` for s = 0..width-1 in row k (-inf where s > n_k)."""
    s = np.arange(width)
    nf = np.asarray(n, dtype=float)[:, None]
    with np.errstate(invalid="ignore"):
        out = _sc.gammaln(nf + 1) - _sc.gammaln(s + 1) - _sc.gammaln(nf - s + 1)
    return np.where(s <= nf, out, -np.inf)


def _pmf(log_choose, n, p):
    """Binomial(n_k, p_kg) probabilities: (rows, points, width) from log C (rows, width),
    n (rows,) and p (rows, points)."""
    s = np.arange(log_choose.shape[1])
    rest = np.maximum(np.asarray(n, dtype=float)[:, None] - s, 0.0)[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        # s log p + (n - s) log(1 - p) with 0 log 0 = 0 (p = 0 or 1 at the ends of the range);
        # plain products, about twice as fast as xlogy/xlog1py
        successes = s * np.log(p)[:, :, None]
        successes[:, :, 0] = 0.0
        failures = np.where(rest == 0.0, 0.0, rest * np.log1p(-p)[:, :, None])
        return np.exp(log_choose[:, None, :] + successes + failures)


def _region_sums(pmf1, pmf2, low_cut, high_cut):
    """``sum_i pmf1(i) P(X2 <= low_cut(i) or X2 >= high_cut(i))`` over the last axis, with
    pmf arrays (rows, points, width) and cuts (rows, width1)."""
    return np.einsum("kgi,kgi->kg", pmf1, _covered(pmf2, low_cut, high_cut))


def _covered(pmf2, low_cut, high_cut):
    """``P(X2 <= low_cut(i) or X2 >= high_cut(i))`` for every row i of each table (the region
    of row i), from the second sample's probabilities (..., width2) and the cuts (rows,
    width1); a side without a cut (-1, or n2 + 1) is skipped."""
    width2 = pmf2.shape[-1]
    shape = pmf2.shape[:-1] + (low_cut.shape[-1],)
    extra = (slice(None),) + (None,) * (pmf2.ndim - 2) + (slice(None),)
    covered = np.zeros(shape)
    if np.any(low_cut >= 0):
        below = np.cumsum(pmf2, axis=-1)  # F2(k)
        idx = np.broadcast_to(np.clip(low_cut, 0, width2 - 1)[extra], shape)
        covered += np.where((low_cut >= 0)[extra], np.take_along_axis(below, idx, axis=-1), 0.0)
    if np.any(high_cut < width2):
        above = np.cumsum(pmf2[..., ::-1], axis=-1)[..., ::-1]  # S2(k)
        idx = np.broadcast_to(np.clip(high_cut, 0, width2 - 1)[extra], shape)
        inside = (high_cut < width2)[extra]
        covered += np.where(inside, np.take_along_axis(above, idx, axis=-1), 0.0)
    return np.where((low_cut >= high_cut)[extra], 1.0, np.minimum(covered, 1.0))


def _nuisance_range(delta):
    return np.maximum(0.0, -delta), np.minimum(1.0, 1.0 - delta)


def _grid_points(n1, n2, density=8.0, base=24.0):
    """Grid points over pi for each row, from its own sizes (so that a table gets the same
    grid alone or in a batch): ``base + density * sqrt(max(n1, n2))``, about four points per
    standard deviation of the larger sample's proportion at 1/2 by default."""
    size = np.maximum(np.maximum(n1, n2), 1)
    return (base + density * np.ceil(np.sqrt(size))).astype(np.int64)


def _evaluate_grid(n1, n2, delta, cuts, lc1, lc2, points, r_grid):
    """Tail probabilities on a grid of pi per row: (rows, points) and the grid."""
    lo, hi = _nuisance_range(delta)
    if not r_grid:
        # each row's own grid, padded by repeating its last point
        width = int(points.max())
        t = np.minimum(np.arange(width)[None, :], points[:, None] - 1) / (points[:, None] - 1.0)
        points = width
    if r_grid:
        # R: seq(p1min, p1max, length = nPgrid), from + (0:(n - 1)) * by
        grid = lo[:, None] + np.arange(points)[None, :] * ((hi - lo) / (points - 1.0))[:, None]
    else:
        grid = lo[:, None] + t * (hi - lo)[:, None]
    grid = np.clip(grid, lo[:, None], hi[:, None])
    p2 = np.clip(grid + delta[:, None], 0.0, 1.0)
    pmf1 = _pmf(lc1, n1, grid)
    pmf2 = _pmf(lc2, n2, p2)
    return _region_sums(pmf1, pmf2, *cuts), grid


def _refine(n1, n2, delta, cuts, lc1, lc2, low, high):
    """Safeguarded Newton steps on ``f(pi) = sum_i b1(i; pi) G_i(pi + delta)`` inside the
    bracket [low, high]; returns f at the last iterate."""
    low_cut, high_cut = cuts
    n1f = np.asarray(n1, dtype=float)[:, None]
    n2f = np.asarray(n2, dtype=float)[:, None]
    s1 = np.arange(lc1.shape[1])[None, :]
    s2 = np.arange(lc2.shape[1])[None, :]
    width2 = lc2.shape[1]
    lo_idx = np.clip(low_cut + 1, 0, width2)
    hi_idx = np.clip(high_cut, 0, width2)
    full = low_cut >= high_cut
    pi = 0.5 * (low + high)

    def pieces(pi):
        p2 = np.clip(pi + delta, 0.0, 1.0)
        b1 = _pmf(lc1, n1, pi[:, None])[:, 0, :]
        b2 = _pmf(lc2, n2, p2[:, None])[:, 0, :]
        return p2, b1, b2

    def gather(values):
        # the same region sums for any per-outcome values (the pmf or its derivatives)
        zero = np.zeros((values.shape[0], 1))
        out = np.zeros(low_cut.shape)
        if np.any(low_cut >= 0):
            below = np.concatenate([zero, np.cumsum(values, axis=-1)], axis=-1)
            out += np.take_along_axis(below, lo_idx, axis=-1)
        if np.any(high_cut < width2):
            above = np.concatenate([np.cumsum(values[:, ::-1], axis=-1)[:, ::-1], zero], axis=-1)
            out += np.take_along_axis(above, hi_idx, axis=-1)
        return out

    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_NEWTON_STEPS):
            p2, b1, b2 = pieces(pi)
            q1 = (pi * (1.0 - pi))[:, None]
            q2 = (p2 * (1.0 - p2))[:, None]
            sc1 = (s1 - n1f * pi[:, None]) / q1
            sc2 = (s2 - n2f * p2[:, None]) / q2
            cv1 = sc1**2 - s1 / pi[:, None] ** 2 - (n1f - s1) / (1.0 - pi[:, None]) ** 2
            cv2 = sc2**2 - s2 / p2[:, None] ** 2 - (n2f - s2) / (1.0 - p2[:, None]) ** 2
            valid2 = s2 <= n2f
            g0 = np.where(full, 1.0, gather(b2))
            g1 = np.where(full, 0.0, gather(np.where(valid2, b2 * sc2, 0.0)))
            g2 = np.where(full, 0.0, gather(np.where(valid2, b2 * cv2, 0.0)))
            valid1 = s1 <= n1f
            d1 = np.where(valid1, b1 * sc1, 0.0)
            d2 = np.where(valid1, b1 * cv1, 0.0)
            slope = np.sum(d1 * g0 + b1 * g1, axis=-1)
            curve = np.sum(d2 * g0 + 2.0 * d1 * g1 + b1 * g2, axis=-1)
            low = np.where(slope > 0.0, pi, low)
            high = np.where(slope > 0.0, high, pi)
            step = pi - slope / curve
            inside = (curve < 0.0) & (step >= low) & (step <= high)
            pi = np.where(inside, step, 0.5 * (low + high))
    p2, b1, b2 = pieces(pi)
    value = _region_sums(b1[:, None, :], b2[:, None, :], low_cut, high_cut)[:, 0]
    return np.clip(np.nan_to_num(value), 0.0, 1.0)


def tail_probability(x1, n1, x2, n2, delta, statistic, side, nuisance_grid=None, screen=False):
    """``max_pi P(outcome at least as extreme as (x1, x2))`` under ``p1 = pi``,
    ``p2 = pi + delta``, for 1-D integer arrays (one ``delta`` per table).

    statistic: 'score' or 'simple'; side: 'upper' (``T >= t_obs``), 'lower' or 'square'.
    ``nuisance_grid``: None for the grid-and-Newton maximum, or an integer for R's rule (the
    best of that many equally spaced values of pi, no refinement).  ``screen``: a cheap lower
    estimate instead (the best of a grid of about 1.5 points per standard deviation), within
    a few percent of the maximum.
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=np.int64) for a in (x1, n1, x2, n2))
    delta = np.asarray(delta, dtype=float)
    out = np.empty(x1.size)
    order = np.argsort(n1 + n2, kind="stable")
    # cells of one row's grid evaluation, nondecreasing along ``order``
    sizes = np.maximum(n1, n2)[order]
    cost = (24 + 8 * np.ceil(np.sqrt(np.maximum(sizes, 1)))) * (sizes + 1.0)
    start = 0
    while start < x1.size:
        end = min(start + _CHUNK, x1.size)
        fits = start + int(_BLOCK_ELEMENTS // cost[end - 1])
        end = max(start + 1, min(end, fits))
        rows = order[start:end]
        start = end
        out[rows] = _tail_block(
            x1[rows],
            n1[rows],
            x2[rows],
            n2[rows],
            delta[rows],
            statistic,
            side,
            nuisance_grid,
            screen,
        )
    return out


def _tail_block(x1, n1, x2, n2, delta, statistic, side, nuisance_grid, screen):
    width1, width2 = int(n1.max()) + 1, int(n2.max()) + 1
    cuts = _thresholds(statistic, x1, n1, x2, n2, delta, side, width1, width2)
    lc1, lc2 = _log_choose(n1, width1), _log_choose(n2, width2)
    if nuisance_grid is not None:
        values, _ = _evaluate_grid(n1, n2, delta, cuts, lc1, lc2, int(nuisance_grid), True)
        return values.max(axis=1)
    if screen:
        points = _grid_points(n1, n2, density=3.0, base=8.0)
        values, _ = _evaluate_grid(n1, n2, delta, cuts, lc1, lc2, points, False)
        return values.max(axis=1)
    points = _grid_points(n1, n2)
    values, grid = _evaluate_grid(n1, n2, delta, cuts, lc1, lc2, points, False)
    best = np.argmax(values, axis=1)  # the first of equal values: never in the padding
    rows = np.arange(len(best))
    top = values[rows, best]
    low = grid[rows, np.maximum(best - 1, 0)]
    high = grid[rows, np.minimum(best + 1, points - 1)]
    refined = _refine(n1, n2, delta, cuts, lc1, lc2, low, high)
    return np.maximum(top, refined)


# --------------------------------------------------------------------------- inversion in delta
_DELTA_XATOL = 1e-10  # bracket width at which a bound is accepted (R's own step: 3.8e-9)
_SCAN_BATCH = 8  # grid values of delta per table per pass of the scan
# The scan beyond the innermost crossing stops once the tail probability falls below this
# fraction of its target: between the rejected and the accepted values of delta that R's scan
# meets, the tail probability was never seen below 0.2 of the target (900 tables, n <= 40)
_SCAN_STOP = 0.01
_SCREEN_MARGIN = 0.7  # the screening estimate is within a few percent of the maximum


def _root_in(func, args, low, high):
    """A root of ``func`` in each bracket [low, high] (a sign change at a jump counts), by
    Chandrupatla's method, to ``_DELTA_XATOL``."""
    if low.size == 0:
        return low.copy()
    from scipy.optimize import elementwise

    res = elementwise.find_root(
        func,
        (low, high),
        args=args,
        tolerances=dict(xatol=_DELTA_XATOL, xrtol=0.0, fatol=0.0, frtol=0.0),
        maxiter=200,
    )
    return np.where(res.success, res.x, np.nan)


def _bound(x1, n1, x2, n2, target, statistic, side, which, nuisance_grid, scan):
    """One bound of the interval for every table: ``which = 'low'`` gives the smallest
    ``delta`` whose tail probability on ``side`` exceeds ``target``, 'high' the largest.

    The tail probability runs from 0 at one end of [-1, 1] to 1 at the other, so the
    bracket [-1, 1] always holds a crossing; ``scan`` then walks R's grid of ``delta``
    outwards from it for acceptance further out (the non-monotone score statistic).
    """
    m = x1.size
    # 'low': the tail probability grows from 0 at delta = -1 towards the estimate; 'high': it
    # falls to 0 at delta = +1.  ``excess`` is signed to increase in delta in both cases.
    sign = 1.0 if which == "low" else -1.0

    def excess(delta, x1, n1, x2, n2, target, screen=False):
        shape = delta.shape
        flat = [np.ravel(np.broadcast_to(a, shape)) for a in (x1, n1, x2, n2, target)]
        tail = tail_probability(
            *(f.astype(np.int64) for f in flat[:4]),
            delta.ravel(),
            statistic,
            side,
            nuisance_grid,
            screen,
        )
        return (sign * (tail - flat[4])).reshape(shape)

    outer = np.full(m, -sign)
    # the other end of the bracket: +1/-1 for a one-sided tail (probability 1 there); the
    # estimate for the two-sided tail, which is 1 at the estimate and 0 at both ends
    inner = np.full(m, sign) if side != "square" else x2 / n2 - x1 / n1
    accepted_at_end = sign * excess(outer, x1, n1, x2, n2, target) > 0.0
    bound = np.where(accepted_at_end, -sign, np.nan)
    todo = np.flatnonzero(~accepted_at_end)
    if todo.size == 0:
        return bound
    lo = (outer if sign > 0 else inner)[todo]
    hi = (inner if sign > 0 else outer)[todo]
    args = (x1[todo], n1[todo], x2[todo], n2[todo], target[todo])
    root = _root_in(excess, args, lo, hi)
    if scan:
        root = _scan_outwards(root, excess, args, sign, nuisance_grid is None)
    bound[todo] = root
    return bound


def _scan_outwards(root, excess, args, sign, screening):
    """R's rule for a tail probability that is not monotone in delta: the bound is the
    outermost value of R's grid ``seq(-1, 1, length = 500)`` that is not rejected, refined
    inside the grid cell beyond it (``exact2x2`` scans the whole grid from the end; here the
    scan starts at the crossing found and walks outwards until the tail probability falls
    below ``_SCAN_STOP`` of its target).  With ``screening``, each value of delta is first
    judged by the cheap lower estimate of the tail probability, and only those within
    ``_SCREEN_MARGIN`` below the target are computed in full."""
    grid = np.linspace(-1.0, 1.0, R_NCIGRID)
    # first grid index outside the root (below it for 'low', above for 'high')
    if sign > 0:
        start = np.searchsorted(grid, root, side="left") - 1  # grid[start] < root
    else:
        start = np.searchsorted(grid, root, side="right")  # grid[start] > root
    inner_edge = start + (1 if sign > 0 else -1)  # the accepted grid cell end at the root
    best = inner_edge.copy()  # outermost accepted grid index so far (or the root's cell)
    nxt = start.copy()
    active = np.flatnonzero((nxt >= 0) & (nxt < R_NCIGRID))
    step = -1 if sign > 0 else 1
    target = args[4]
    while active.size:
        offsets = np.arange(_SCAN_BATCH) * step
        idx = nxt[active][:, None] + offsets[None, :]
        valid = (idx >= 0) & (idx < R_NCIGRID)
        safe = np.clip(idx, 0, R_NCIGRID - 1)
        a_args = [a[active][:, None] for a in args]
        goal = target[active][:, None]
        tail = sign * excess(grid[safe], *a_args, screen=screening) + goal
        if screening:
            # the estimate is at most the maximum: above the target it is accepted for sure
            unsure = valid & (tail <= goal) & (tail >= _SCREEN_MARGIN * goal)
            if unsure.any():
                rows, cols = np.nonzero(unsure)
                sure = excess(grid[safe][rows, cols], *(a[rows, 0] for a in a_args))
                tail[rows, cols] = sign * sure + goal[rows, 0]
        accepted = valid & (tail > target[active][:, None])
        low_tail = valid & (tail < _SCAN_STOP * target[active][:, None])
        # outermost accepted index in this batch
        far = np.where(accepted, idx, -1 if sign < 0 else R_NCIGRID)
        outermost = far.min(axis=1) if sign > 0 else far.max(axis=1)
        hit = accepted.any(axis=1)
        best[active] = np.where(
            hit,
            np.minimum(best[active], outermost)
            if sign > 0
            else np.maximum(best[active], outermost),
            best[active],
        )
        nxt[active] = nxt[active] + _SCAN_BATCH * step
        stop = low_tail.any(axis=1) | ~valid.all(axis=1)
        active = active[~stop]
    moved = best != inner_edge
    out = root.copy()
    at_end = moved & ((best == 0) if sign > 0 else (best == R_NCIGRID - 1))
    out[at_end] = -sign
    refine = np.flatnonzero(moved & ~at_end)
    if refine.size:
        outer_idx = best[refine] - (1 if sign > 0 else -1)
        a, b = grid[outer_idx], grid[best[refine]]
        lo, hi = (a, b) if sign > 0 else (b, a)
        found = _root_in(excess, tuple(x[refine] for x in args), lo, hi)
        # no sign change in the cell (the outer end was never evaluated): its accepted end
        out[refine] = np.where(np.isnan(found), grid[best[refine]], found)
    return out


_METHODS = {
    # name: (statistic, two one-sided tests?, scan R's delta grid?)
    "chan-zhang": ("score", True, True),
    "agresti-min": ("score", False, True),
    "santner-snell": ("simple", True, False),
}


def exact_difference_interval(x1, n1, x2, n2, a_lo, a_hi, method, nuisance_grid=None):
    """Exact unconditional interval for ``p2 - p1`` (1-D integer arrays of counts and sizes).

    ``a_lo``/``a_hi``: the tail probabilities outside the lower and upper bound (R's
    ``alpha / 2`` each for a two-sided central interval).  For 'agresti-min' (one two-sided
    test) the test's level is ``a_lo + a_hi`` and both bounds invert it.  Returns
    ``(low, high)``.

    Examples
    --------
    Two small groups, 2 of 7 and 6 of 13 (the StatXact example of R ``exact2x2``), and an
    all-or-nothing table, in one call:

    >>> low, high = exact_difference_interval([2, 0], [7, 7], [6, 13], [13, 13],
    ...                                       0.025, 0.025, "chan-zhang")
    >>> low.round(4), high.round(4)
    (array([-0.3108,  0.5904]), array([0.5787, 1.    ]))
    """
    statistic, central, scan = _METHODS[method]
    x1, n1, x2, n2 = (np.asarray(a, dtype=np.int64).ravel() for a in (x1, n1, x2, n2))
    m = x1.size
    full = lambda v: np.broadcast_to(np.asarray(v, dtype=float), (m,)).copy()  # noqa: E731
    a_lo, a_hi = full(a_lo), full(a_hi)
    if central:
        low = _bound(x1, n1, x2, n2, a_lo, statistic, "upper", "low", nuisance_grid, scan)
        high = _bound(x1, n1, x2, n2, a_hi, statistic, "lower", "high", nuisance_grid, scan)
    else:
        alpha = a_lo + a_hi
        low = _bound(x1, n1, x2, n2, alpha, statistic, "square", "low", nuisance_grid, scan)
        high = _bound(x1, n1, x2, n2, alpha, statistic, "square", "high", nuisance_grid, scan)
    return low, high
