"""Exact unconditional tests of two independent proportions: Barnard's and Boschloo's.

Lives here: the p-values of :func:`barnard_pvalue` (Barnard 1947, with the pooled or unpooled
z statistic as the ordering, as Suissa & Shuster 1985 and scipy ``barnard_exact``) and
:func:`boschloo_pvalue` (Boschloo 1970: Fisher's one-sided p-value as the ordering, as scipy
``boschloo_exact``), vectorized over many tables.  ``compare_proportions(test="barnard")`` and
``test="boschloo"`` call them.  Does not live here: Fisher's conditional test and the
asymptotic tests (``compare.py``).

Both tests order all ``(n1 + 1)(n2 + 1)`` possible tables of the two sample sizes by a
statistic, and the p-value is the largest, over the common success probability ``pi`` under
the null, of the probability of a table at least as extreme as the observed one::

    p = max_pi  sum_{(i, j) in R}  C(n1, i) C(n2, j) pi^(i+j) (1 - pi)^(N-i-j)

Grouping the region ``R`` by ``s = i + j`` gives ``p(pi) = sum_s w_s Binom(s; N, pi)`` with
``w_s`` the hypergeometric share of the tables with total ``s`` that lie in ``R``
(Vandermonde: ``sum_{i+j=s} C(n1, i) C(n2, j) = C(N, s)``), a smooth, well-scaled function of
``pi``.  All tables with the same two sample sizes share one enumeration and one sort; the
region of each is a prefix of that order, so the weights of every table of the group come
from one segmented ``np.bincount``.  The maximum over ``pi`` is taken on a grid fine enough
for the binomial's width and refined by safeguarded Newton steps around the best grid point,
all tables at once.

Cost: one sort of ``(n1 + 1)(n2 + 1)`` statistics per distinct pair of sample sizes, then
``O(N)`` per table and grid point; meant for the small samples where these tests matter
(n up to a few hundred per sample).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special as _sc

__all__ = ["barnard_pvalue", "boschloo_pvalue"]

_NEWTON_STEPS = 7  # from a grid point a third of a standard deviation away; 4-5 would do
# Relative tolerance for ties of the ordering statistic.  scipy uses it for Boschloo's Fisher
# p-values (scipy gh-14178) but compares Barnard's z exactly, so its barnard_exact can drop a
# table whose |z| equals the observed one in exact arithmetic (the mirror image of [[2, 2],
# [4, 3]] is one: scipy 0.9149, exact enumeration 0.9697); here both tests use it.
_TIE_RTOL = 1e-13
_MASK_TABLES = 8  # up to this many tables of one pair of sizes, masks beat one sort
_CHUNK = 2048  # rows per block of the nuisance maximization (sorted by N: narrow blocks)


def _wald_ordering(n1, n2, pooled):
    """Scipy's ordering statistic ``(p1 - p2)/se`` on the grid of outcomes (i of n1, j of n2),
    computed with the same operations so that ties fall the same way."""
    x1 = np.arange(n1 + 1, dtype=np.int64).reshape(-1, 1)
    x2 = np.arange(n2 + 1, dtype=np.int64).reshape(1, -1)
    p1, p2 = x1 / n1, x2 / n2
    if pooled:
        p = (x1 + x2) / (n1 + n2)
        variances = p * (1 - p) * (1 / n1 + 1 / n2)
    else:
        variances = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        wald = np.divide(p1 - p2, np.sqrt(variances))
    wald[np.broadcast_to(p1 == p2, wald.shape)] = 0.0
    return wald


def _log_factorials(top):
    """``log k!`` for k = 0..top (one gammaln call; indexing it is cheaper than gammaln)."""
    return _sc.gammaln(np.arange(top + 1) + 1.0)


def _log_hypergeometric(n1, n2):
    """``log P(X1 = i | X1 + X2 = i + j)`` on the grid of outcomes (n1 + 1, n2 + 1): the log
    of ``C(n1, i) C(n2, j) / C(n1 + n2, i + j)``."""
    big_n = n1 + n2
    lf = _log_factorials(big_n)
    i = np.arange(n1 + 1).reshape(-1, 1)
    j = np.arange(n2 + 1).reshape(1, -1)
    total = i + j
    return (
        (lf[n1] - lf[i] - lf[n1 - i])
        + (lf[n2] - lf[j] - lf[n2 - j])
        - (lf[big_n] - lf[total] - lf[big_n - total])
    )


def _fisher_ordering(share, side):
    """One-sided Fisher p-values of every outcome given its total ``s = i + j``:
    ``P(X1 <= i | s)`` ('less') or ``P(X2 <= j | s) = P(X1 >= i | s)`` ('greater'), the
    orderings of scipy ``boschloo_exact``, from the hypergeometric probabilities ``share``
    (n1 + 1, n2 + 1).  Cumulative sums along each total, laid out as one row of an
    (N + 1, n1 + 1) array, so that small tails keep their relative precision."""
    n1, n2 = share.shape[0] - 1, share.shape[1] - 1
    i = np.broadcast_to(np.arange(n1 + 1).reshape(-1, 1), share.shape)
    total = i + np.arange(n2 + 1).reshape(1, -1)
    layout = np.zeros((n1 + n2 + 1, n1 + 1))
    layout[total, i] = share
    if side == "less":
        cumulative = np.cumsum(layout, axis=1)
    else:
        cumulative = np.cumsum(layout[:, ::-1], axis=1)[:, ::-1]
    return np.minimum(cumulative[total, i], 1.0)


def _region_weights(order_values, extreme_first, observed, share):
    """For each observed value, the weights ``w_s`` of the region of outcomes at least as
    extreme: rows of a (tables, N + 1) array.

    ``share`` (n1 + 1, n2 + 1) holds the hypergeometric probabilities of the outcomes given
    their totals; ``order_values`` (same shape) ranks them; an outcome is at least as extreme as
    the observed one when its value is ``>= observed`` (``extreme_first='high'``) or
    ``<= observed`` ('low'), up to a relative ``_TIE_RTOL``: values equal in exact arithmetic
    (a table and its mirror image) can differ by a rounding, and must not fall out of the
    region by it.
    """
    n1, n2 = share.shape[0] - 1, share.shape[1] - 1
    big_n = n1 + n2
    share = share.ravel()
    total = (np.arange(n1 + 1).reshape(-1, 1) + np.arange(n2 + 1)).ravel()
    values = order_values.ravel()
    slack = _TIE_RTOL * np.abs(observed)
    if observed.size <= _MASK_TABLES:
        # few tables of these sizes: a mask per table, no sort
        if extreme_first == "high":
            inside = values >= (observed - slack)[:, None]
        else:
            inside = values <= (observed + slack)[:, None]
        rows = np.arange(observed.size)[:, None] * (big_n + 1)
        sums = np.bincount(
            (rows + total)[inside],
            weights=np.broadcast_to(share, inside.shape)[inside],
            minlength=observed.size * (big_n + 1),
        )
        return np.minimum(sums.reshape(observed.size, big_n + 1), 1.0)
    if extreme_first == "high":
        order = np.argsort(-values, kind="stable")
        counts = np.searchsorted(-values[order], -(observed - slack), side="right")
    else:
        order = np.argsort(values, kind="stable")
        counts = np.searchsorted(values[order], observed + slack, side="right")
    # prefix sums of the shares by total s, evaluated only at the prefix lengths needed
    cuts, segment_of_table = np.unique(counts, return_inverse=True)
    segment = np.searchsorted(cuts, np.arange(values.size), side="right")  # 0..len(cuts)
    keep = segment < cuts.size
    sums = np.bincount(
        segment[keep] * (big_n + 1) + total[order][keep],
        weights=share[order][keep],
        minlength=cuts.size * (big_n + 1),
    ).reshape(cuts.size, big_n + 1)
    np.cumsum(sums, axis=0, out=sums)
    return np.minimum(sums[segment_of_table], 1.0)


def _log_choose_rows(big_n, width):
    """``log C(N_k, s)`` for s = 0..width-1 in row k (-inf where s > N_k)."""
    s = np.arange(width)
    n = big_n[:, None].astype(float)
    with np.errstate(invalid="ignore"):
        out = _sc.gammaln(n + 1) - _sc.gammaln(s + 1) - _sc.gammaln(n - s + 1)
    return np.where(s <= n, out, -np.inf)


def _binomial_rows(log_choose, big_n, pi):
    """Binomial(N_k, pi_k) probabilities of s = 0..width-1, one row per table."""
    s = np.arange(log_choose.shape[1])
    with np.errstate(invalid="ignore"):
        tail = np.maximum(big_n[:, None] - s, 0.0)
        log_pmf = log_choose + _sc.xlogy(s, pi[:, None]) + _sc.xlog1py(tail, -pi[:, None])
    return np.exp(log_pmf)


def _grid_size(big_n):
    # about three grid points per standard deviation of a binomial share at pi = 1/2: enough
    # to land in the basin of the maximum, which the Newton steps then find
    return int(32 + 12 * np.ceil(np.sqrt(big_n)))


@functools.lru_cache(maxsize=512)
def _grid_pmf(big_n):
    """The grid of pi for a total sample size N and the Binomial(N, pi) probabilities on it
    (grid points x (N + 1)); cached, as many tables share N."""
    grid = np.linspace(0.0, 1.0, _grid_size(big_n))
    s = np.arange(big_n + 1)
    lf = _log_factorials(big_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = (lf[big_n] - lf[s] - lf[big_n - s]) + (
            _sc.xlogy(s, grid[:, None]) + _sc.xlog1py(big_n - s, -grid[:, None])
        )
    pmf = np.exp(log_pmf)
    pmf.setflags(write=False)
    return grid, pmf


def _maximize_over_nuisance(weights, big_n):
    """``max_pi sum_s w_s Binom(s; N, pi)`` for each row of ``weights`` (padded with zeros to
    a common width; ``big_n`` the total sample size of each row): the best point of a grid
    of about three points per standard deviation of the binomial (one matrix product per distinct
    N), then safeguarded Newton steps inside the two grid cells around it, all rows at once
    (the function is smooth in pi)."""
    rows = np.arange(len(big_n))
    low, high, top = np.empty(len(rows)), np.empty(len(rows)), np.empty(len(rows))
    for total in np.unique(big_n):
        members = rows[big_n == total]
        grid, pmf = _grid_pmf(int(total))
        values = weights[members, : int(total) + 1] @ pmf.T
        best = np.argmax(values, axis=1)
        low[members] = grid[np.maximum(best - 1, 0)]
        high[members] = grid[np.minimum(best + 1, grid.size - 1)]
        top[members] = values[np.arange(len(members)), best]

    out = np.empty(len(rows))
    by_size = np.argsort(big_n, kind="stable")
    for start in range(0, len(rows), _CHUNK):
        block = by_size[start : start + _CHUNK]
        width = int(big_n[block].max()) + 1
        out[block] = _refine(weights[block, :width], big_n[block], low[block], high[block])
    return np.maximum(top, out)


def _refine(weights, big_n, low, high):
    """Safeguarded Newton steps on ``p(pi) = sum_s w_s Binom(s; N, pi)`` inside each row's
    bracket ``[low, high]``, which holds the maximum; returns ``p`` at the last iterate."""
    log_choose = _log_choose_rows(big_n, weights.shape[1])
    big_n = big_n.astype(float)
    s = np.arange(weights.shape[1])
    pi = 0.5 * (low + high)
    # Safeguarded Newton steps on p(pi) inside the bracket [low, high]:
    # p' = sum w b (s - N pi) / (pi (1 - pi)),
    # p'' = sum w b [((s - N pi) / (pi (1 - pi)))^2 - s / pi^2 - (N - s) / (1 - pi)^2].
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_NEWTON_STEPS):
            wb = weights * _binomial_rows(log_choose, big_n, pi)
            odds = (pi * (1.0 - pi))[:, None]
            score = (s - big_n[:, None] * pi[:, None]) / odds
            slope = np.einsum("ks,ks->k", wb, score)
            spread = (
                score**2 - s / pi[:, None] ** 2 - (big_n[:, None] - s) / (1.0 - pi[:, None]) ** 2
            )
            curve = np.einsum("ks,ks->k", wb, spread)
            low = np.where(slope > 0.0, pi, low)
            high = np.where(slope > 0.0, high, pi)
            step = pi - slope / curve
            inside = (curve < 0.0) & (step >= low) & (step <= high)
            pi = np.where(inside, step, 0.5 * (low + high))
    refined = np.einsum("ks,ks->k", weights, _binomial_rows(log_choose, big_n, pi))
    return np.clip(np.nan_to_num(refined), 0.0, 1.0)


def _grouped(x1, n1, x2, n2, per_group, sides=1):
    """The region weights of every table, from ``per_group(share, x1s, x2s) -> [(statistic,
    weights), ...]`` (one pair per side) called once per distinct pair of sample sizes (a loop
    over distinct sizes, each group vectorized); ``share`` is the group's hypergeometric
    probabilities.  Returns ``[(statistic, weights), ...]`` over all tables and the total N."""
    big_n = (n1 + n2).astype(np.int64)
    width = int(big_n.max(initial=0)) + 1
    out = [(np.empty(x1.size), np.zeros((x1.size, width))) for _ in range(sides)]
    pairs = np.stack([n1, n2], axis=1)
    sizes, group = np.unique(pairs, axis=0, return_inverse=True)
    group = group.ravel()
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(len(sizes) + 1))
    for g, (m1, m2) in enumerate(sizes.astype(np.int64)):
        members = order[bounds[g] : bounds[g + 1]]
        share = np.exp(_log_hypergeometric(int(m1), int(m2)))
        found = per_group(share, x1[members].astype(np.int64), x2[members].astype(np.int64))
        for (statistic, weights), (stat, w) in zip(out, found, strict=True):
            statistic[members] = stat
            weights[members, : w.shape[1]] = w
    return out, big_n


def barnard_pvalue(x1, n1, x2, n2, alternative, pooled=True):
    """Barnard's exact unconditional test of ``p1 = p2`` for whole counts (1-D arrays).

    The ordering statistic is the z statistic of ``p1 - p2`` (pooled or unpooled variance), as
    scipy ``barnard_exact(table=[[x1, x2], [n1 - x1, n2 - x2]], pooled=...)``; ``alternative``
    has scipy's meaning for ``p1 - p2`` ('less': p1 < p2).  Returns the observed statistic and
    the p-value.
    """

    def per_group(share, xs1, xs2):
        wald = _wald_ordering(share.shape[0] - 1, share.shape[1] - 1, pooled)
        observed = wald[xs1, xs2]
        if alternative == "two-sided":
            return [(observed, _region_weights(np.abs(wald), "high", np.abs(observed), share))]
        if alternative == "greater":
            return [(observed, _region_weights(wald, "high", observed, share))]
        return [(observed, _region_weights(-wald, "high", -observed, share))]

    [(statistic, weights)], big_n = _grouped(x1, n1, x2, n2, per_group)
    return statistic, _maximize_over_nuisance(weights, big_n)


def boschloo_pvalue(x1, n1, x2, n2, alternative):
    """Boschloo's exact unconditional test of ``p1 = p2`` for whole counts (1-D arrays).

    The ordering statistic is Fisher's one-sided p-value, as scipy
    ``boschloo_exact(table=[[x1, x2], [n1 - x1, n2 - x2]])``; the two-sided p-value is twice
    the smaller one-sided one, capped at 1 (scipy's definition).  ``alternative`` has scipy's
    meaning for ``p1 - p2``.  Returns the Fisher p-value of the side used and the p-value.
    """
    sides = ("less", "greater") if alternative == "two-sided" else (alternative,)

    def per_group(share, xs1, xs2):
        found = []
        for side in sides:
            fisher = _fisher_ordering(share, side)
            observed = fisher[xs1, xs2]
            found.append((observed, _region_weights(fisher, "low", observed, share)))
        return found

    results, big_n = _grouped(x1, n1, x2, n2, per_group, sides=len(sides))
    if len(sides) == 1:
        statistic, weights = results[0]
        return statistic, _maximize_over_nuisance(weights, big_n)
    (stat_less, w_less), (stat_greater, w_greater) = results
    both = _maximize_over_nuisance(np.concatenate([w_less, w_greater]), np.tile(big_n, 2))
    p_less, p_greater = both[: len(big_n)], both[len(big_n) :]
    use_less = p_less < p_greater
    statistic = np.where(use_less, stat_less, stat_greater)
    return statistic, np.minimum(2.0 * np.where(use_less, p_less, p_greater), 1.0)
