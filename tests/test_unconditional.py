"""Tests of surveystats/unconditional.py: Barnard's and Boschloo's exact unconditional tests.

References:
- exact enumeration from the definition (below): every table of the two sample sizes, the
  region of tables at least as extreme as the observed one (Barnard 1947 with the pooled z of
  Suissa & Shuster 1985; Boschloo 1970 with Fisher's one-sided p-values from
  ``scipy.stats.hypergeom``), its probability ``sum C(n1,i) C(n2,j) pi^(i+j) (1-pi)^(N-i-j)``
  from ``scipy.stats.binom`` and its maximum over ``pi`` by a 1001-point grid and scipy's
  bounded Brent search over the two cells around the best point;
- ``scipy.stats.hypergeom`` for the tails the module computes for every outcome;
- scipy's own ``barnard_exact`` / ``boschloo_exact`` values are in tests/test_compare.py
  (tests/reference/compare_unconditional.csv) and tests/test_peer_references.py.

The alternatives here are scipy's (about p1 - p2), as the module's functions take them;
``compare_proportions`` mirrors them.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats

from surveystats.unconditional import (
    _log_factorials,
    _tail_grids,
    barnard_pvalue,
    boschloo_pvalue,
)

MIRRORED = {"two-sided": "two-sided", "less": "greater", "greater": "less"}
TIE = 1e-12  # relative tie tolerance of the enumeration (the module's is 1e-13)


def _outcomes(n1, n2):
    i, j = np.meshgrid(np.arange(n1 + 1), np.arange(n2 + 1), indexing="ij")
    return i.ravel(), j.ravel()


def _z(i, j, n1, n2, pooled):
    # the z of p1 - p2; 0 where the two shares are equal (scipy's convention)
    p1, p2 = i / n1, j / n2
    if pooled:
        p = (i + j) / (n1 + n2)
        var = p * (1 - p) * (1 / n1 + 1 / n2)
    else:
        var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(i * n2 == j * n1, 0.0, z)


def _max_over_pi(ri, rj, n1, n2):
    def prob(pi):
        pi = np.atleast_1d(pi)[:, None]
        return (stats.binom.pmf(ri, n1, pi) * stats.binom.pmf(rj, n2, pi)).sum(axis=1)

    grid = np.linspace(0.0, 1.0, 1001)
    values = prob(grid)
    best = grid[np.argmax(values)]
    found = optimize.minimize_scalar(
        lambda pi: -prob(pi)[0],
        bounds=(max(best - 1e-3, 0.0), min(best + 1e-3, 1.0)),
        method="bounded",
        options={"xatol": 1e-12},
    )
    return max(values.max(), -found.fun)


def enumerated_barnard(x1, n1, x2, n2, alternative, pooled=True):
    i, j = _outcomes(n1, n2)
    z = _z(i, j, n1, n2, pooled)
    z_obs = _z(np.array(x1), np.array(x2), n1, n2, pooled)
    tie = TIE * abs(z_obs)
    with np.errstate(invalid="ignore"):  # an infinite unpooled z: inf - inf
        region = {
            "two-sided": np.abs(z) >= abs(z_obs) - tie,
            "greater": z >= z_obs - tie,
            "less": z <= z_obs + tie,
        }[alternative]
    return float(z_obs), _max_over_pi(i[region], j[region], n1, n2)


def _fisher(i, j, n1, n2, side):
    # Fisher's one-sided p-value of each outcome given its total, the side about p1 - p2
    if side == "less":
        return stats.hypergeom.cdf(i, n1 + n2, i + j, n1)
    return stats.hypergeom.sf(i - 1, n1 + n2, i + j, n1)


def enumerated_boschloo(x1, n1, x2, n2, alternative):
    i, j = _outcomes(n1, n2)
    sides = ("less", "greater") if alternative == "two-sided" else (alternative,)
    found = []
    for side in sides:
        f = _fisher(i, j, n1, n2, side)
        f_obs = float(_fisher(np.array(x1), np.array(x2), n1, n2, side))
        region = f <= f_obs * (1 + TIE)
        found.append((f_obs, _max_over_pi(i[region], j[region], n1, n2)))
    if len(found) == 1:
        return found[0]
    (f_less, p_less), (f_greater, p_greater) = found
    if p_less < p_greater:
        return f_less, min(1.0, 2 * p_less)
    return f_greater, min(1.0, 2 * p_greater)


def _small_tables():
    # edge rows (n = 1, x = 0, x = n, equal and unequal sizes in both orders, a mirror-image
    # tie) and random tables with n1, n2 in 1..12
    tables = [
        (0, 1, 0, 1),
        (1, 1, 0, 1),
        (0, 1, 1, 3),
        (0, 5, 5, 5),
        (5, 5, 5, 5),
        (2, 6, 2, 5),
        (3, 12, 0, 2),
        (0, 2, 7, 12),
        (4, 9, 4, 9),
        (7, 7, 0, 10),
    ]
    rng = np.random.default_rng(16)
    for _ in range(30):
        n1, n2 = (int(v) for v in rng.integers(1, 13, 2))
        tables.append((int(rng.integers(0, n1 + 1)), n1, int(rng.integers(0, n2 + 1)), n2))
    return np.array(tables, dtype=float).T


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_barnard_matches_enumeration_on_small_tables(alternative):
    x1, n1, x2, n2 = _small_tables()
    statistic, pvalue = barnard_pvalue(x1, n1, x2, n2, alternative)  # one call, all sizes
    for k in range(x1.size):
        z, p = enumerated_barnard(int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k]), alternative)
        assert statistic[k] == pytest.approx(z, rel=1e-13, abs=1e-15)
        assert pvalue[k] == pytest.approx(p, rel=1e-9), (x1[k], n1[k], x2[k], n2[k])


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_boschloo_matches_enumeration_on_small_tables(alternative):
    x1, n1, x2, n2 = _small_tables()
    statistic, pvalue = boschloo_pvalue(x1, n1, x2, n2, alternative)
    for k in range(x1.size):
        f, p = enumerated_boschloo(int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k]), alternative)
        assert pvalue[k] == pytest.approx(p, rel=1e-9), (x1[k], n1[k], x2[k], n2[k])
        if pvalue[k] < 1.0:  # at p = 1 both sides tie and either statistic is the answer
            assert statistic[k] == pytest.approx(f, rel=1e-12), (x1[k], n1[k], x2[k], n2[k])


def test_unpooled_barnard_matches_enumeration():
    # the unpooled z is not monotone along a total: the general (sorted region) path
    x1, n1, x2, n2 = _small_tables()[:, :20]
    for alternative in ("two-sided", "greater", "less"):
        statistic, pvalue = barnard_pvalue(x1, n1, x2, n2, alternative, pooled=False)
        for k in range(x1.size):
            row = int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k])
            z, p = enumerated_barnard(*row, alternative, pooled=False)
            assert pvalue[k] == pytest.approx(p, rel=1e-9), (row, alternative)


def test_larger_tables_match_enumeration():
    # sizes up to 90, both orders of the two sizes, both tests, one vectorized call each
    tables = np.array(
        [(30, 80, 45, 90), (45, 90, 30, 80), (2, 40, 9, 35), (60, 61, 33, 60), (0, 25, 4, 70)],
        dtype=float,
    ).T
    x1, n1, x2, n2 = tables
    _, barnard = barnard_pvalue(x1, n1, x2, n2, "two-sided")
    _, boschloo = boschloo_pvalue(x1, n1, x2, n2, "two-sided")
    for k in range(x1.size):
        row = int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k])
        assert barnard[k] == pytest.approx(enumerated_barnard(*row, "two-sided")[1], rel=1e-9)
        assert boschloo[k] == pytest.approx(enumerated_boschloo(*row, "two-sided")[1], rel=1e-9)


def test_mirror_tie_is_counted():
    # The mirror image of [[2, 2], [4, 3]] (x1 = 2 of 6, x2 = 2 of 5) ties the observed |z| in
    # exact arithmetic but not after rounding: scipy 1.17.1 barnard_exact drops it (0.9149);
    # the enumeration with ties counted gives 0.9697265625 (the maximum is at pi = 1/2,
    # a multiple of 2^-11).
    _, p = barnard_pvalue(
        np.array([2.0]), np.array([6.0]), np.array([2.0]), np.array([5.0]), "two-sided"
    )
    assert enumerated_barnard(2, 6, 2, 5, "two-sided")[1] == pytest.approx(0.9697265625, 1e-12)
    assert p[0] == pytest.approx(0.9697265625, rel=1e-12)


def test_swapping_the_samples_mirrors_the_alternative():
    # a property of the definition: p(x1, n1, x2, n2, alt) = p(x2, n2, x1, n1, mirrored alt);
    # the module computes one grid per unordered pair of sizes, so this checks the swap
    rng = np.random.default_rng(3)
    n1, n2 = rng.integers(1, 60, 300).astype(float), rng.integers(1, 60, 300).astype(float)
    x1, x2 = rng.binomial(n1.astype(int), 0.4).astype(float), rng.binomial(n2.astype(int), 0.5)
    x2 = x2.astype(float)
    for alternative in ("two-sided", "greater", "less"):
        z, p = barnard_pvalue(x1, n1, x2, n2, alternative)
        z_swap, p_swap = barnard_pvalue(x2, n2, x1, n1, MIRRORED[alternative])
        np.testing.assert_allclose(p, p_swap, rtol=1e-12)
        np.testing.assert_array_equal(z, -z_swap)
        f, p = boschloo_pvalue(x1, n1, x2, n2, alternative)
        f_swap, p_swap = boschloo_pvalue(x2, n2, x1, n1, MIRRORED[alternative])
        np.testing.assert_allclose(p, p_swap, rtol=1e-12)


@pytest.mark.parametrize(
    "sizes",
    [
        [(3, 7), (7, 3), (1, 1), (12, 12), (5, 40)],  # one padded batch of mixed sizes
        [(600, 500)],  # N > 1000: the exponential of the log probabilities per outcome
    ],
)
def test_tail_grids_match_scipy_hypergeom(sizes):
    m1, m2 = (np.array(v, dtype=np.int64) for v in zip(*sizes, strict=True))
    lower, upper = _tail_grids(m1, m2, _log_factorials(int(m1.max() + m2.max())))
    for g, (a, b) in enumerate(sizes):
        i, j = _outcomes(a, b)
        got_lower, got_upper = lower[i, j, g], upper[i, j, g]
        want_lower = stats.hypergeom.cdf(i, a + b, i + j, a)
        want_upper = stats.hypergeom.sf(i - 1, a + b, i + j, a)
        # relative where the tail is representable: sums of probabilities, no differences
        keep = want_lower > 1e-290
        np.testing.assert_allclose(got_lower[keep], want_lower[keep], rtol=1e-11)
        keep = want_upper > 1e-290
        np.testing.assert_allclose(got_upper[keep], want_upper[keep], rtol=1e-11)


def test_empty_input():
    empty = np.array([], dtype=float)
    for func in (barnard_pvalue, boschloo_pvalue):
        for alternative in ("two-sided", "less"):
            statistic, pvalue = func(empty, empty, empty, empty, alternative)
            assert statistic.shape == (0,) and pvalue.shape == (0,)
