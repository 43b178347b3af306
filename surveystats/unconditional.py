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
``pi``.  Both orderings are monotone in ``i`` along a total (Barnard's pooled z, whose variance
depends on the total only, and Fisher's one-sided p-values), so along every total the region
is a run of outcomes at one end, or both, and ``w_s`` is a hypergeometric tail at a cut.  The
tails of every outcome are computed once per unordered pair of sample sizes, for batches of
similar pairs at once (:func:`_tail_grids`); the cut of every table and total is the root of a
line (Barnard) or a bisection (Boschloo), all tables of a batch at once
(:func:`_banded_weights`).  The maximum over ``pi`` is taken on a grid fine enough for the
binomial's width and refined by safeguarded Newton steps around each near-best grid peak,
all tables at once.  Barnard's test with the unpooled z (not monotone) keeps the general
path: one enumeration and sort per pair of sizes (:func:`_grouped`).

Cost: ``O(n1 n2)`` per distinct pair of sample sizes, then ``O(N log n)`` per table for the
cuts and ``O(N)`` per table and grid point; meant for the small samples where these tests
matter (n up to a few hundred per sample).  About 50 µs of CPU time per table for either
test at n1, n2 <= 100 (wall times on a shared machine: benchmarks/results/unconditional.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

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
_PEAK_SHARE = 0.9  # grid maxima within 10% of the best are refined (a peak between two
# grid points a quarter of a standard deviation apart loses at most ~1% on the grid)
_PEAKS = 4  # at most this many per row
_CHUNK = 2048  # rows per block of the nuisance maximization (sorted by N: narrow blocks)
_MIRRORED_SIDE = {"two-sided": "two-sided", "less": "greater", "greater": "less"}
_BATCH_CELLS = 1 << 20  # outcomes per batch of size pairs (a few 8 MB grids at a time)


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
    # about four grid points per standard deviation of a binomial share, on the arcsine scale
    # where that deviation, 1 / (2 sqrt N), is the same at every pi
    return int(32 + 12 * np.ceil(np.sqrt(big_n)))


@functools.lru_cache(maxsize=512)
def _grid_pmf(big_n):
    """The grid of pi for a total sample size N and the Binomial(N, pi) probabilities on it
    (grid points x (N + 1)); cached, as many tables share N.  The grid is even in
    ``arcsin(sqrt(pi))``: a uniform grid in pi is too coarse near 0 and 1, where the binomial
    is narrow, and missed the higher of two peaks there (25 of 65 vs 2 of 30, Barnard: 0.0013337
    at pi = 0.32 instead of 0.0013349 at pi = 0.92)."""
    grid = np.sin(np.linspace(0.0, np.pi / 2, _grid_size(big_n))) ** 2
    grid[-1] = 1.0
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
    a common width; ``big_n`` the total sample size of each row): a grid of about four points
    per standard deviation of the binomial (one product per distinct N), then safeguarded
    Newton steps inside the two grid cells around each of the grid's local maxima that come
    within ``_PEAK_SHARE`` of its best value (up to ``_PEAKS`` of them; the function can have
    several peaks of nearly equal height), all rows and peaks at once (the function is smooth
    in pi).

    The products are ``einsum`` loops, not BLAS: on a machine whose cores are busy, a
    multithreaded BLAS spinning on ~200 small products was 10-20x slower than one thread."""
    if len(big_n) == 0:
        return np.empty(0)
    top, owner, low, high = _grid_peaks(weights, big_n)
    _refine_peaks(weights, big_n, top, owner, low, high)
    return top


def _grid_peaks(
    weights: np.ndarray, big_n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The grid stage of :func:`_maximize_over_nuisance`: the best grid value of every row and
    the peaks to refine (their rows and brackets)."""
    rows = np.arange(len(big_n))
    top = np.empty(len(rows))
    peak_rows, peak_low, peak_high = [], [], []
    by_size = np.argsort(big_n, kind="stable")
    totals, starts = np.unique(big_n[by_size], return_index=True)
    for total, members in zip(totals, np.split(by_size, starts[1:]), strict=True):
        grid, pmf = _grid_pmf(int(total))
        values = np.einsum("ks,gs->kg", weights[members, : int(total) + 1], pmf)
        best = values.max(axis=1)
        top[members] = best
        # local maxima (rising into them, so that a plateau gives one), near the best value
        peak = np.empty(values.shape, dtype=bool)
        peak[:, 0] = values[:, 0] >= values[:, 1]
        peak[:, 1:-1] = (values[:, 1:-1] > values[:, :-2]) & (values[:, 1:-1] >= values[:, 2:])
        peak[:, -1] = values[:, -1] > values[:, -2]
        peak &= values >= _PEAK_SHARE * best[:, None]
        candidates = np.where(peak, values, -1.0)
        if candidates.shape[1] > _PEAKS:
            keep = np.argpartition(-candidates, _PEAKS - 1, axis=1)[:, :_PEAKS]
        else:
            keep = np.broadcast_to(np.arange(candidates.shape[1]), candidates.shape)
        chosen = np.take_along_axis(peak, keep, axis=1)
        row, k = np.nonzero(chosen)
        at = keep[row, k]
        peak_rows.append(members[row])
        peak_low.append(grid[np.maximum(at - 1, 0)])
        peak_high.append(grid[np.minimum(at + 1, grid.size - 1)])

    # the peaks, sorted by N (the rows were) so that each block of Newton steps is narrow
    owner = np.concatenate(peak_rows)
    return top, owner, np.concatenate(peak_low), np.concatenate(peak_high)


def _refine_peaks(
    weights: np.ndarray,
    big_n: np.ndarray,
    top: np.ndarray,
    owner: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> None:
    """Newton steps from every peak (``owner`` its row, ``[low, high]`` its bracket) and the
    row's maximum raised to the best of them, in ``top`` (in place)."""
    refined = np.empty(owner.size)
    for start in range(0, owner.size, _CHUNK):
        block = slice(start, start + _CHUNK)
        of_block = owner[block]
        width = int(big_n[of_block].max()) + 1
        refined[block] = _refine(
            weights[of_block, :width], big_n[of_block], low[block], high[block]
        )
    np.maximum.at(top, owner, refined)


def _smaller_maximum(weights: np.ndarray, big_n: np.ndarray) -> np.ndarray:
    """For rows ``k`` and ``k + T`` (the two sides of T tables), the maximum of the side with
    the smaller maximum exactly, and of the other a lower bound that is at least that: the
    side whose grid value is lower is refined first, the other only where its grid value (a
    lower bound of its maximum) does not already reach the first side's maximum."""
    tables = len(big_n) // 2
    top, owner, low, high = _grid_peaks(weights, big_n)
    rows = np.arange(tables)
    first = np.where(top[:tables] <= top[tables:], rows, rows + tables)
    partner = np.concatenate([rows + tables, rows])
    is_first = np.zeros(len(big_n), dtype=bool)
    is_first[first] = True
    pick = is_first[owner]
    _refine_peaks(weights, big_n, top, owner[pick], low[pick], high[pick])
    need = ~is_first & (top <= top[partner])
    pick = need[owner]
    _refine_peaks(weights, big_n, top, owner[pick], low[pick], high[pick])
    return top


def _weighted_binomial(
    weights: np.ndarray,
    log_choose: np.ndarray,
    s: np.ndarray,
    tail: np.ndarray,
    pi: np.ndarray,
) -> np.ndarray:
    """``w_s Binom(s; N_k, pi_k)``, one row per table; ``tail`` is ``N_k - s``.  Exponents
    are floored at -700 (exp(-700) = 1e-304, the terms it changes are below any p-value) so
    that ``exp`` never takes its slow underflow path; padding has weight 0."""
    pi = np.clip(pi, 1e-300, 1.0 - 2.0**-53)[:, None]
    exponent = log_choose + s * np.log(pi) + tail * np.log1p(-pi)
    np.maximum(exponent, -700.0, out=exponent)
    np.exp(exponent, out=exponent)
    exponent *= weights
    return exponent


def _refine(weights, big_n, low, high):
    """Safeguarded Newton steps on ``p(pi) = sum_s w_s Binom(s; N, pi)`` inside each row's
    bracket ``[low, high]``, which holds the maximum; returns ``p`` at the last iterate.

    With ``b`` the binomial probabilities and the moments ``M_r = sum w b s^r``:
    ``p' = (M1 - N pi M0) / (pi q)`` and
    ``p'' = (M2 - 2 N pi M1 + (N pi)^2 M0) / (pi q)^2 - M1 / pi^2 - (N M0 - M1) / q^2``
    (``q = 1 - pi``), three sums per step."""
    width = weights.shape[1]
    log_choose = np.maximum(_log_choose_rows(big_n, width), -1e300)
    n = big_n.astype(float)
    s = np.arange(width, dtype=float)
    tail = n[:, None] - s
    powers = np.stack([np.ones(width), s, s * s], axis=1)
    pi = 0.5 * (low + high)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_NEWTON_STEPS):
            m0, m1, m2 = np.einsum(
                "ks,sr->rk",
                _weighted_binomial(weights, log_choose, s, tail, pi),
                powers,
            )
            q = 1.0 - pi
            mean = n * pi
            slope = (m1 - mean * m0) / (pi * q)
            curve = (
                (m2 - 2.0 * mean * m1 + mean * mean * m0) / (pi * q) ** 2
                - m1 / pi**2
                - (n * m0 - m1) / q**2
            )
            low = np.where(slope > 0.0, pi, low)
            high = np.where(slope > 0.0, high, pi)
            step = pi - slope / curve
            inside = (curve < 0.0) & (step >= low) & (step <= high)
            pi = np.where(inside, step, 0.5 * (low + high))
    refined = _weighted_binomial(weights, log_choose, s, tail, pi).sum(axis=1)
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


def _size_batches(m1: np.ndarray, m2: np.ndarray, budget: int = _BATCH_CELLS) -> list[np.ndarray]:
    """Split the distinct size pairs ``(m1[g], m2[g])`` into batches of similar sizes whose
    padded grids ``(max m1 + 1, max m2 + 1, count)`` hold at most about ``budget`` cells: a
    list of index arrays into the pairs.  Pairs are binned by both sizes (bins of 1/8 of the
    largest size) so that the padding within a batch stays small."""
    bin_width = max(int(max(m1.max(), m2.max())) // 8, 1)
    bins = (m1 // bin_width) * (int(m2.max()) // bin_width + 1) + m2 // bin_width
    order = np.lexsort((m2, m1, bins))
    cells = ((m1 + 1) * (m2 + 1))[order]
    piece = np.cumsum(cells) // budget
    key = bins[order] * (int(piece.max()) + 1) + piece
    cuts = np.flatnonzero(np.diff(key)) + 1
    return np.split(order, cuts)


def _tail_grids(
    m1: np.ndarray, m2: np.ndarray, lf: np.ndarray, buffer: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """For a batch of size pairs, the hypergeometric tails of every outcome given its total
    ``s = i + j``: ``lower[i, j, g] = P(X1 <= i | s)`` and ``upper[i, j, g] = P(X1 >= i | s)``
    (the one-sided Fisher p-values 'less' and 'greater' of pair ``g``), padded to
    ``(max m1 + 1, max m2 + 1, len(m1))`` with zero shares outside each pair's grid; the pair
    is the last axis so that every step below works on contiguous memory.

    The probabilities ``C(m1, i) C(m2, j) / C(N, s)`` are products of exponentials of the
    log-binomial coefficients (exponentials per pair and outcome count, not per outcome), in an
    order that neither overflows nor underflows while N <= 1000 (C(m1, i) / C(N, s) <= 1 by
    Vandermonde, and C(N, s) < 2^1000); above that, one exponential per outcome.  The sums
    along a total run along the anti-diagonals of the grid, one row ``i`` at a time over all
    pairs of the batch, in the order of :func:`_fisher_ordering` (small tails keep their
    relative precision).  ``buffer``, if given, is a flat float array of at least three grids'
    size to work in (fresh memory for every batch costs more in page faults than the sums).
    """
    width1, width2 = int(m1.max()) + 1, int(m2.max()) + 1
    shape = (width1, width2, len(m1))
    cells = width1 * width2 * len(m1)
    if buffer is None:
        buffer = np.empty(3 * cells)
    share, lower, upper = (buffer[k * cells : (k + 1) * cells].reshape(shape) for k in range(3))
    i, j = np.arange(width1)[:, None], np.arange(width2)[:, None]
    big_n = m1 + m2
    s = np.arange(width1 + width2 - 1)[:, None]
    a = lf[m1] - lf[i] - lf[np.maximum(m1 - i, 0)]  # log C(m1, i), (width1, pairs)
    a[i > m1] = -np.inf
    b = lf[m2] - lf[j] - lf[np.maximum(m2 - j, 0)]
    b[j > m2] = -np.inf
    c = lf[big_n] - lf[s] - lf[np.maximum(big_n - s, 0)]
    c[s > big_n] = 0.0  # only ever beside a zero share

    def of_total(v):  # v[i + j] as a (width1, width2, pairs) strided view, no gather
        return np.lib.stride_tricks.as_strided(
            v, (width1, width2, v.shape[1]), (v.strides[0], v.strides[0], v.strides[1])
        )

    if int(big_n.max()) <= 1000:
        np.multiply(np.exp(a)[:, None, :], of_total(np.exp(-c)), out=share)
        share *= np.exp(b)[None, :, :]
    else:
        np.subtract(a[:, None, :] + b[None, :, :], of_total(c), out=share)
        np.exp(share, out=share)
    lower[0] = share[0]
    for row in range(1, width1):  # (i - 1, j + 1) precedes (i, j) on the total i + j
        np.add(lower[row - 1, 1:], share[row, :-1], out=lower[row, :-1])
        lower[row, -1] = share[row, -1]
    upper[-1] = share[-1]
    for row in range(width1 - 2, -1, -1):
        np.add(share[row, 1:], upper[row + 1, :-1], out=upper[row, 1:])
        upper[row, 0] = share[row, 0]
    # a sum of probabilities can round an ulp above 1; every use caps it there
    np.minimum(lower, 1.0, out=lower)
    np.minimum(upper, 1.0, out=upper)
    return lower, upper


def _first_false(
    low: np.ndarray, high: np.ndarray, holds: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """The least ``k`` in ``[low, high]`` with ``holds(k)`` False, or ``high + 1``, where
    ``holds`` is True then False along each range (a vectorized bisection)."""
    left, right = low.copy(), high + 1
    while True:
        active = left < right
        if not active.any():
            return left
        mid = (left + right) // 2
        ok = holds(np.where(active, mid, low))
        left = np.where(active & ok, mid + 1, left)
        right = np.where(active & ~ok, mid, right)


def _pooled_z(i: np.ndarray, total: np.ndarray, n1: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Scipy's pooled z of ``i/n1 - (total - i)/n2``, the same operations as
    :func:`_wald_ordering` (so that ties fall the same way): increasing in ``i`` for a fixed
    ``total``, as the variance depends on the total only."""
    x2 = total - i
    p1, p2 = i / n1, x2 / n2
    p = (i + x2) / (n1 + n2)
    variances = p * (1 - p) * (1 / n1 + 1 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        wald = np.divide(p1 - p2, np.sqrt(variances))
    return np.where(p1 == p2, 0.0, wald)


def _first_z_beyond(
    total: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    n1: np.ndarray,
    n2: np.ndarray,
    cut: np.ndarray,
    strict: bool,
) -> np.ndarray:
    """The least ``i`` in ``[lo, hi]`` whose pooled z (of ``i`` of ``n1`` against ``total - i``
    of ``n2``) is ``>= cut`` (``> cut`` if ``strict``), or ``hi + 1``; elementwise.

    The z is linear in ``i`` for a fixed total, so the answer is the ceiling of the root of
    a line; the z of the float operations of :func:`_pooled_z` decides, so the root is
    checked at it and its neighbour, and the few that fail the check (a root within a rounding
    of a whole number) are bisected."""
    n1f, n2f = n1.astype(float), n2.astype(float)
    p = total / (n1f + n2f)
    sd = np.sqrt(p * (1 - p) * (1 / n1f + 1 / n2f))

    def beyond(k: np.ndarray, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        p1, p2 = k / n1f[rows], (total[rows] - k) / n2f[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(p1 == p2, 0.0, np.divide(p1 - p2, sd[rows]))
        return z > cut[rows] if strict else z >= cut[rows]

    root = (cut * sd + total / n2f) * (n1f * n2f / (n1f + n2f))
    first = np.clip(np.ceil(root), lo, hi + 1).astype(np.int64)
    wrong = ((first <= hi) & ~beyond(np.minimum(first, hi))) | (
        (first > lo) & beyond(np.maximum(first - 1, lo))
    )
    if wrong.any():
        rows = np.flatnonzero(wrong)

        def short_of(k: np.ndarray) -> np.ndarray:
            return ~beyond(k, rows)

        first[rows] = _first_false(lo[rows], hi[rows], short_of)
    return first


class _Batch:
    """One batch of tables for the region functions of :func:`_banded_weights`: the tails of
    its size pairs (:func:`_tail_grids`), per table its counts and sizes (``x1, n1, x2, n2``,
    with ``n1 <= n2``), and one entry per (table, total) pair: the table ``t`` (an index into
    the batch's tables), the total ``s``, the range ``lo..hi`` of ``i`` and the sizes
    ``m1, m2``."""

    def __init__(
        self,
        lower: np.ndarray,
        upper: np.ndarray,
        local: np.ndarray,
        x1: np.ndarray,
        n1: np.ndarray,
        x2: np.ndarray,
        n2: np.ndarray,
    ) -> None:
        self.lower, self.upper, self._local = lower, upper, local
        self._strides = lower.shape[1] * lower.shape[2], lower.shape[2]
        self.x1, self.n1, self.x2, self.n2 = x1, n1, x2, n2
        counts = n1 + n2 + 1
        self.t = np.repeat(np.arange(len(n1)), counts)
        self.s = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        self.m1, self.m2 = n1[self.t], n2[self.t]
        self.lo, self.hi = np.maximum(self.s - self.m2, 0), np.minimum(self.s, self.m1)
        self._base: np.ndarray | None = None

    def at(self, grid: np.ndarray, t: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """``grid`` (lower or upper) at outcomes ``(i, j)`` of tables ``t``."""
        return grid.reshape(-1)[i * self._strides[0] + j * self._strides[1] + self._local[t]]

    def on_totals(self, grid: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """``k -> grid`` at the outcomes ``(k, s - k)`` of every (table, total) pair: one
        multiply-add and a gather per call (for bisections along the totals)."""
        flat = grid.reshape(-1)
        if self._base is None:
            self._base = self._local[self.t] + self.s * self._strides[1]
        base, step = self._base, self._strides[0] - self._strides[1]
        return lambda k: flat.take(k * step + base)


# a region function of _banded_weights: (batch, mirrored) -> [(observed, weights), ...]
Regions = Callable[["_Batch", bool], list[tuple[np.ndarray, np.ndarray]]]


def _banded_weights(
    x1: np.ndarray, n1: np.ndarray, x2: np.ndarray, n2: np.ndarray, regions: Regions
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """The region weights ``w_s`` of every table when the region is, along every total ``s``,
    a run of outcomes at one end of ``i`` (true of Barnard's pooled z and of Fisher's one-sided
    p-values, both monotone in ``i`` for a fixed total).

    ``regions(batch, mirrored)`` gets a :class:`_Batch` and returns ``[(observed, weights),
    ...]``, one pair per side: the observed statistic per table and the weight per (table,
    total) pair.  Tables with ``n1 > n2`` come with their samples swapped (``mirrored=True``:
    'less' and 'greater' trade places), so that a pair of sizes and its mirror image share
    one grid and the row loops of :func:`_tail_grids` run over the smaller sample.  Batches of
    distinct size pairs bound the memory; there is no loop over tables or over pairs of sizes.
    """
    big_n = (n1 + n2).astype(np.int64)
    n1i, n2i = n1.astype(np.int64), n2.astype(np.int64)
    x1i, x2i = x1.astype(np.int64), x2.astype(np.int64)
    width = int(big_n.max(initial=0)) + 1
    if x1.size == 0:
        return [(np.empty(0), np.zeros((0, width)))], big_n
    mirrored = n1i > n2i
    c1, c2 = np.where(mirrored, n2i, n1i), np.where(mirrored, n1i, n2i)
    cx1, cx2 = np.where(mirrored, x2i, x1i), np.where(mirrored, x1i, x2i)
    lf = _log_factorials(int(c1.max() + c2.max()))
    sizes, group = np.unique(np.stack([c1, c2], axis=1), axis=0, return_inverse=True)
    group = group.ravel()
    batches = _size_batches(sizes[:, 0], sizes[:, 1])
    batch_of, local_of = np.empty(len(sizes), np.int64), np.empty(len(sizes), np.int64)
    for k, members in enumerate(batches):  # a loop over ~100 batches, not over pairs
        batch_of[members], local_of[members] = k, np.arange(len(members))
    spans = [(int(sizes[m, 0].max()) + 1) * (int(sizes[m, 1].max()) + 1) * len(m) for m in batches]
    buffer = np.empty(3 * max(spans))
    by_batch = np.argsort(batch_of[group], kind="stable")
    bounds = np.searchsorted(batch_of[group][by_batch], np.arange(len(batches) + 1))
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for k, members in enumerate(batches):
        lower, upper = _tail_grids(sizes[members, 0], sizes[members, 1], lf, buffer)
        in_batch = by_batch[bounds[k] : bounds[k + 1]]
        for flag in (False, True):
            tables = in_batch[mirrored[in_batch] == flag]
            if tables.size == 0:
                continue
            batch = _Batch(
                lower,
                upper,
                local_of[group[tables]],
                cx1[tables],
                c1[tables],
                cx2[tables],
                c2[tables],
            )
            found = regions(batch, flag)
            if not out:
                out = [(np.empty(x1.size), np.zeros((x1.size, width))) for _ in found]
            for (statistic, weights), (stat, w) in zip(out, found, strict=True):
                statistic[tables] = stat
                weights.reshape(-1)[tables[batch.t] * width + batch.s] = np.minimum(w, 1.0)
    return out, big_n


def _barnard_regions(alternative: str) -> Regions:
    """The region weights of Barnard's test with the pooled z (see :func:`_banded_weights`):
    ``{z >= z_obs}`` ('greater'), ``{z <= z_obs}`` ('less') or ``{|z| >= |z_obs|}``, ties up to
    ``_TIE_RTOL``, are along each total the outcomes with ``i`` above a cut, below one, or
    both.  Swapping the samples negates z exactly (a - b = -(b - a) in floating point)."""

    def upper_part(batch, cut):
        # the outcomes with z >= cut: i from the first such up to hi
        first = _first_z_beyond(batch.s, batch.lo, batch.hi, batch.m1, batch.m2, cut, False)
        edge = np.minimum(first, batch.hi)
        w = batch.at(batch.upper, batch.t, edge, batch.s - edge)
        return np.where(first <= batch.hi, w, 0.0)

    def lower_part(batch, cut):
        # the outcomes with z <= cut: i from lo up to the last such
        last = _first_z_beyond(batch.s, batch.lo, batch.hi, batch.m1, batch.m2, cut, True) - 1
        edge = np.maximum(last, batch.lo)
        w = batch.at(batch.lower, batch.t, edge, batch.s - edge)
        return np.where(last >= batch.lo, w, 0.0)

    def regions(batch, mirrored):
        t = batch.t
        observed = _pooled_z(batch.x1, batch.x1 + batch.x2, batch.n1 * 1.0, batch.n2 * 1.0)
        sign = -1.0 if mirrored else 1.0  # the z of the caller's samples
        side = _MIRRORED_SIDE[alternative] if mirrored else alternative
        if side == "two-sided":
            size = np.abs(observed)
            cut = (size - _TIE_RTOL * size)[t]
            w = upper_part(batch, cut) + lower_part(batch, -cut)
            # |z| >= 0: every outcome of the total
            everything = batch.at(batch.lower, t, batch.hi, batch.s - batch.hi)
            return [(sign * observed, np.where(cut > 0.0, w, everything))]
        slack = _TIE_RTOL * np.abs(observed)
        if side == "greater":
            return [(sign * observed, upper_part(batch, (observed - slack)[t]))]
        return [(sign * observed, lower_part(batch, (observed + slack)[t]))]

    return regions


def _boschloo_regions(sides: tuple[str, ...]) -> Regions:
    """The region weights of Boschloo's test (see :func:`_banded_weights`): the outcomes whose
    one-sided Fisher p-value is at most the observed one (ties up to ``_TIE_RTOL``); along each
    total the 'less' p-value grows with ``i`` and the 'greater' one falls, so the region is
    the outcomes below a cut ('less') or above one ('greater') and its weight is the tail at
    the cut, read off the grid.  Swapping the samples trades the two p-values
    (``P(X1 <= i | s) = P(X2 >= j | s)``)."""

    def regions(batch, mirrored):
        t, lo, hi = batch.t, batch.lo, batch.hi
        table = np.arange(batch.x1.size)
        found = []
        for asked in sides:
            side = _MIRRORED_SIDE[asked] if mirrored else asked
            grid = batch.lower if side == "less" else batch.upper
            observed = batch.at(grid, table, batch.x1, batch.x2)  # capped at 1 already
            cut = (observed + _TIE_RTOL * np.abs(observed))[t]
            fisher = batch.on_totals(grid)
            if side == "less":  # the outcomes with i up to the last under the cut
                after = _first_false(lo, hi, lambda k, fisher=fisher, cut=cut: fisher(k) <= cut)
                w = np.where(after > lo, fisher(np.maximum(after - 1, lo)), 0.0)
            else:  # from the first under the cut up to hi
                first = _first_false(lo, hi, lambda k, fisher=fisher, cut=cut: fisher(k) > cut)
                w = np.where(first <= hi, fisher(np.minimum(first, hi)), 0.0)
            found.append((observed, w))
        return found

    return regions


def barnard_pvalue(x1, n1, x2, n2, alternative, pooled=True):
    """Barnard's exact unconditional test of ``p1 = p2`` for whole counts (1-D arrays).

    The ordering statistic is the z statistic of ``p1 - p2`` (pooled or unpooled variance), as
    scipy ``barnard_exact(table=[[x1, x2], [n1 - x1, n2 - x2]], pooled=...)``; ``alternative``
    has scipy's meaning for ``p1 - p2`` ('less': p1 < p2).  Returns the observed statistic and
    the p-value.
    """

    if pooled:
        [(statistic, weights)], big_n = _banded_weights(
            x1, n1, x2, n2, _barnard_regions(alternative)
        )
        return statistic, _maximize_over_nuisance(weights, big_n)

    def per_group(share, xs1, xs2):
        wald = _wald_ordering(share.shape[0] - 1, share.shape[1] - 1, pooled)
        observed = wald[xs1, xs2]
        if alternative == "two-sided":
            return [
                (
                    observed,
                    _region_weights(np.abs(wald), "high", np.abs(observed), share),
                )
            ]
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
    if np.size(x1) == 0:
        return np.empty(0), np.empty(0)
    sides = ("less", "greater") if alternative == "two-sided" else (alternative,)

    results, big_n = _banded_weights(x1, n1, x2, n2, _boschloo_regions(sides))
    if len(sides) == 1:
        statistic, weights = results[0]
        return statistic, _maximize_over_nuisance(weights, big_n)
    (stat_less, w_less), (stat_greater, w_greater) = results
    both = _smaller_maximum(np.concatenate([w_less, w_greater]), np.tile(big_n, 2))
    p_less, p_greater = both[: len(big_n)], both[len(big_n) :]
    use_less = p_less < p_greater
    statistic = np.where(use_less, stat_less, stat_greater)
    return statistic, np.minimum(2.0 * np.where(use_less, p_less, p_greater), 1.0)
