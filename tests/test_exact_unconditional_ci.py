"""Exact unconditional intervals for p2 - p1: 'chan-zhang', 'agresti-min', 'santner-snell'.

Sources:
- tests/reference/compare_exact_unconditional.csv: R exact2x2 1.7.0 ``uncondExact2x2(x1, n1,
  x2, n2, parmtype = "difference", conf.int = TRUE, ...)``, script
  compare_exact_unconditional.R beside it (control settings in the file: nPgrid, nCIgrid,
  power2).  exact2x2's difference is p2 - p1, ours too.
- StatXact 11 and SAS 9.4 values quoted in exact2x2's own slow tests
  (inst/slowTests/test_StatXact.R, test_SAS.R in the exact2x2 1.7.0 sources), 4 digits.
- Exact enumeration in this file for tables with n <= 8: every outcome's probability, a very
  fine grid of the nuisance parameter, bisection on delta.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar
from scipy.stats import binom

import surveystats as ss
from surveystats import _unconditional_interval as ui
from surveystats.exceptions import InvalidOptionError, InvalidValueError

REFERENCE = Path(__file__).parent / "reference"
R_CSV = pd.read_csv(REFERENCE / "compare_exact_unconditional.csv")
# R's (method, tsmethod) -> ours
R_METHODS = {
    "score/central": "chan-zhang",
    "score/square": "agresti-min",
    "simple-rounded/central": "santner-snell",
}


def _tails(rows):
    alpha = 1.0 - rows.level.to_numpy()
    return np.where(rows.alternative.to_numpy() == "two.sided", alpha / 2.0, alpha)


def _ours(rows, method, nuisance_grid):
    tail = _tails(rows)
    low, high = ui.exact_difference_interval(
        rows.x1.to_numpy(),
        rows.n1.to_numpy(),
        rows.x2.to_numpy(),
        rows.n2.to_numpy(),
        tail,
        tail,
        method,
        nuisance_grid=nuisance_grid,
    )
    alt = rows.alternative.to_numpy()
    return np.where(alt == "less", -1.0, low), np.where(alt == "greater", 1.0, high)


# R's own resolution in delta: the score intervals bisect a cell of seq(-1, 1, length = 500)
# into 2^20 steps (3.8e-9); the simple one runs unirootGrid on [-1, 1] in 2^24 steps (1.2e-7),
# and reports the rejected end of its step.
R_RESOLUTION = {"score/central": 2 / 499 / 2**20, "score/square": 2 / 499 / 2**20}
R_RESOLUTION["simple-rounded/central"] = 2 / 2**24


def _is_crossing(rows, bound, which, method):
    """Whether the tail probability minus its target (R's nuisance grid) changes sign within
    1e-8 of each bound: a crossing or a jump of the function the bound inverts."""
    statistic, central, _ = ui._METHODS[method]
    tail = _tails(rows)
    target = tail if central else 2.0 * tail
    side = ("upper" if which == "low" else "lower") if central else "square"
    args = [rows[c].to_numpy() for c in ("x1", "n1", "x2", "n2")]
    below = ui.tail_probability(*args, bound - 1e-8, statistic, side, 100) - target
    above = ui.tail_probability(*args, bound + 1e-8, statistic, side, 100) - target
    return np.sign(below) != np.sign(above)


@pytest.mark.parametrize("r_method", sorted(R_METHODS))
def test_matches_exact2x2_with_rs_nuisance_grid(r_method):
    # Same rule for the nuisance parameter as R (the best of nPgrid = 100 equally spaced
    # values), so the two compute the same bounds; agreement to two of R's steps in delta
    # (R reports a grid point next to the crossing) or, for the score, 1e-8 (R rounds the
    # restricted MLE to 8 digits, which moves the jumps of the tail probability in delta).
    # Where the tail probability crosses its target more than once inside one cell of R's
    # grid of delta (a few tables in a hundred for the score), R's stepping search and our
    # bracketing search can stop at different crossings of that cell: there both bounds
    # must be crossings, less than one cell (2/499) apart.
    rows = R_CSV[(R_CSV.method == r_method) & (R_CSV.nPgrid == 100)]
    assert len(rows) >= 120
    method = R_METHODS[r_method]
    low, high = _ours(rows, method, nuisance_grid=100)
    tol = max(2 * R_RESOLUTION[r_method], 1e-8)
    for which, ours, theirs in (("low", low, rows.low.to_numpy()), ("high", high, rows.high)):
        theirs = np.asarray(theirs)
        differ = np.abs(ours - theirs) > tol
        assert differ.mean() < 0.03, (which, differ.sum())
        if differ.any():
            part = rows[differ]
            assert np.all(np.abs(ours - theirs)[differ] < 2 / 499)
            assert np.all(_is_crossing(part, ours[differ], which, method))
            assert np.all(_is_crossing(part, theirs[differ], which, method))


def test_matches_exact2x2_fine_nuisance_grid():
    # R with nPgrid = 2000 on small tables is within ~1e-7 of the maximum over pi (its grid
    # misses the maximum by at most ~1e-7 of the p-value here); ours maximizes exactly.
    rows = R_CSV[(R_CSV.method == "score/central") & (R_CSV.nPgrid == 2000)]
    assert len(rows) >= 8
    low, high = _ours(rows, "chan-zhang", nuisance_grid=None)
    np.testing.assert_allclose(low, rows.low, rtol=0, atol=2e-7)
    np.testing.assert_allclose(high, rows.high, rtol=0, atol=2e-7)


@pytest.mark.parametrize("r_method", sorted(R_METHODS))
def test_exact_maximum_contains_rs_grid_interval(r_method):
    # R's grid can only miss the maximum over pi from below: its p-values are smaller and its
    # intervals no wider than the exact ones; the gap is the grid's error (below 1e-2 here).
    # Every third table (time).
    rows = R_CSV[(R_CSV.method == r_method) & (R_CSV.nPgrid == 100)].iloc[::3]
    low, high = _ours(rows, R_METHODS[r_method], nuisance_grid=None)
    tol = R_RESOLUTION[r_method] + 1e-9
    assert np.all(low <= rows.low + tol) and np.all(high >= rows.high - tol)
    assert np.max(rows.low - low) < 1e-2 and np.max(high - rows.high) < 1e-2


def test_exact2x2_simple_drops_floating_point_ties():
    # exact2x2's method = "simple" compares raw differences x2/n2 - x1/n1 in floating point, so
    # a table tied with the observed one in exact arithmetic (e.g. 21/60 - 6/60 against
    # 18/30 - 12/30) can fall out of the tail; its intervals are then narrower than with ties
    # counted.  The same statistic rounded to 10 digits (R "user-fixed") agrees with ours
    # (test above), and the shipped one lies inside ours everywhere.
    shipped = R_CSV[(R_CSV.method == "simple/central")]
    low, high = _ours(shipped, "santner-snell", nuisance_grid=100)
    tol = R_RESOLUTION["simple-rounded/central"] + 1e-9
    assert np.all(low <= shipped.low + tol) and np.all(high >= shipped.high - tol)
    row = shipped[(shipped.x1 == 12) & (shipped.n1 == 30) & (shipped.x2 == 18)].iloc[0]
    assert row.high == pytest.approx(0.44301, abs=1e-5)  # R as shipped
    r = ss.compare_proportions(12 / 30, 30, 18 / 30, 30, method="santner-snell")
    assert r.high == pytest.approx(0.44876, abs=1e-5)  # ties counted


# StatXact 11 / SAS 9.4 via exact2x2 inst/slowTests: (x1, n1, x2, n2, method, low, high,
# digits of low); the published values are rounded to 4 digits (the low of 10/35 vs 24/61 to 5)
PUBLISHED = [
    (2, 7, 6, 13, "chan-zhang", -0.3108, 0.5787, 4),  # StatXact 11, test_StatXact.R
    (0, 7, 13, 13, "chan-zhang", 0.5904, 1.0000, 4),  # StatXact 11 and SAS 9.4
    (10, 35, 24, 61, "chan-zhang", -0.09922, 0.2949, 5),  # StatXact 11 (gamma = 0)
    (4, 12, 9, 11, "chan-zhang", 0.0616, 0.7968, 4),  # SAS riskdiff(method = score)
    (2, 7, 6, 13, "agresti-min", -0.3079, 0.5542, 4),  # StatXact 11, tsmethod = "square"
    (10, 35, 24, 61, "santner-snell", -0.1016, 0.3079, 4),  # SAS exact riskdiff default
    (4, 12, 9, 11, "santner-snell", 0.0683, 0.7923, 4),  # SAS exact riskdiff default
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "method", "low", "high", "digits"), PUBLISHED)
def test_published_values(x1, n1, x2, n2, method, low, high, digits):
    r = ss.compare_proportions(x1 / n1, n1, x2 / n2, n2, method=method)
    assert round(r.low, digits) == pytest.approx(low, abs=1e-12)
    assert round(r.high, 4) == pytest.approx(high, abs=1e-12)


def test_statxact_square_example_where_statxact_is_wrong():
    # exact2x2's test_StatXact.R: StatXact 11 gives (0.6088, 0.6101) for 0/7 vs 13/13 by the
    # squared score, an interval that excludes the estimate 1; exact2x2 says StatXact "appears
    # to be wrong" and gives (0.6088, 1) (its output, compare_exact_unconditional.csv).
    r = ss.compare_proportions(0.0, 7, 1.0, 13, method="agresti-min")
    assert round(r.low, 4) == 0.6088 and r.high == 1.0


# ------------------------------------------------------------------ exact enumeration
def _brute_tail(x1, n1, x2, n2, delta, statistic, side, points, refine=True):
    """max over pi of P(T >= t_obs) (or <=, or |T| >= |t_obs|) summed over every outcome: the
    best of an equally spaced grid of pi, then (``refine``) scipy's bounded scalar minimizer
    on the two grid cells around it."""
    stat = ui.score_statistic if statistic == "score" else ui.simple_statistic
    i = np.arange(n1 + 1)[:, None]
    j = np.arange(n2 + 1)[None, :]
    t = stat(i, float(n1), j, float(n2), delta)
    t0 = stat(x1, float(n1), x2, float(n2), delta)
    slack = 1e-10 * (1 + abs(t0)) if np.isfinite(t0) else 0.0
    region = {"upper": t >= t0 - slack, "lower": t <= t0 + slack}.get(side)
    if region is None:
        region = np.abs(t) >= abs(t0) - slack
    region = region.astype(float)

    def prob(pi):
        pi = np.atleast_1d(pi)
        b1 = binom.pmf(np.arange(n1 + 1)[None, :], n1, pi[:, None])
        b2 = binom.pmf(np.arange(n2 + 1)[None, :], n2, np.clip(pi + delta, 0, 1)[:, None])
        return np.einsum("gi,ij,gj->g", b1, region, b2)

    lo, hi = max(0.0, -delta), min(1.0, 1.0 - delta)
    pi = lo + np.arange(points) * ((hi - lo) / (points - 1))
    values = prob(pi)
    best = int(np.argmax(values))
    if not refine:
        return values[best]
    a, b = pi[max(best - 1, 0)], pi[min(best + 1, points - 1)]
    found = minimize_scalar(
        lambda x: -prob(x)[0], bounds=(a, b), method="bounded", options=dict(xatol=1e-12)
    )
    return max(values[best], -found.fun)


def _brute_bound(x1, n1, x2, n2, target, statistic, side, which):
    """R's rule, by brute force: scan all of seq(-1, 1, length = 500) from the outer end for the
    first delta not rejected, then bisect that cell."""
    grid = np.linspace(-1, 1, 500)
    order = range(500) if which == "low" else range(499, -1, -1)
    prev = None
    for k in order:
        if _brute_tail(x1, n1, x2, n2, grid[k], statistic, side, 201) > target:
            break
        prev = k
    if prev is None:
        return grid[k]
    a, b = grid[prev], grid[k]  # a rejected, b accepted
    for _ in range(36):
        mid = 0.5 * (a + b)
        if _brute_tail(x1, n1, x2, n2, mid, statistic, side, 201) > target:
            b = mid
        else:
            a = mid
    return b


ENUMERATED = [
    (2, 7, 6, 8, "chan-zhang"),
    (0, 5, 0, 6, "chan-zhang"),
    (4, 4, 1, 6, "chan-zhang"),
    (3, 8, 5, 8, "chan-zhang"),  # equal sizes: mirror-image ties
    (0, 2, 4, 7, "chan-zhang"),  # a non-monotone tail probability (an earlier accepted delta)
    (1, 3, 2, 2, "agresti-min"),
    (5, 6, 2, 5, "agresti-min"),
    (1, 6, 6, 8, "santner-snell"),
    (2, 8, 2, 8, "santner-snell"),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "method"), ENUMERATED)
def test_exact_enumeration(x1, n1, x2, n2, method):
    # The enumeration's own error: its maximum over pi is found to ~1e-12 in pi (so 1e-15 of
    # the p-value) and the bisection stops at 6e-14 in delta; tolerance 1e-9.
    statistic, central, _ = ui._METHODS[method]
    if central:
        low = _brute_bound(x1, n1, x2, n2, 0.025, statistic, "upper", "low")
        high = _brute_bound(x1, n1, x2, n2, 0.025, statistic, "lower", "high")
    else:
        low = _brute_bound(x1, n1, x2, n2, 0.05, statistic, "square", "low")
        high = _brute_bound(x1, n1, x2, n2, 0.05, statistic, "square", "high")
    r = ss.compare_proportions(x1 / n1, n1, x2 / n2, n2, method=method)
    assert r.low == pytest.approx(low, abs=1e-9)
    assert r.high == pytest.approx(high, abs=1e-9)


def test_tail_probability_by_enumeration():
    # the region sums (thresholds per row + binomial tails) against every outcome summed, on
    # R's grid of pi (the same 100 points: equal to rounding), and the Newton-refined maximum
    # against the enumeration's grid + scipy minimize_scalar maximum
    rng = np.random.default_rng(16)
    n1, n2 = rng.integers(1, 12, 12), rng.integers(1, 12, 12)
    x1, x2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    delta = rng.uniform(-0.95, 0.95, 12)
    for statistic in ("score", "simple"):
        for side in ("upper", "lower", "square"):
            on_grid = ui.tail_probability(x1, n1, x2, n2, delta, statistic, side, 100)
            refined = ui.tail_probability(x1, n1, x2, n2, delta, statistic, side)
            for k in range(12):
                args = (int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k]), delta[k])
                grid = _brute_tail(*args, statistic, side, 100, refine=False)
                assert on_grid[k] == pytest.approx(grid, abs=1e-14)
                assert refined[k] == pytest.approx(
                    _brute_tail(*args, statistic, side, 201), abs=1e-12
                )


def test_score_statistic_increases_with_the_second_count():
    # The per-row thresholds assume the score statistic increases in x2 for fixed x1 at any
    # delta; checked here for all sizes up to 20 (and by a slower run up to 40).
    deltas = np.linspace(-0.999, 0.999, 41)[:, None, None]
    for n1 in range(1, 21):
        for n2 in range(1, 21):
            i = np.arange(n1 + 1)[None, :, None]
            j = np.arange(n2 + 1)[None, None, :]
            t = ui.score_statistic(i, float(n1), j, float(n2), deltas)
            assert np.all(np.diff(t, axis=2) >= -1e-12 * (1 + np.abs(t[:, :, 1:])))


# ------------------------------------------------------------------ the public function
def test_vectorized_scalar_and_nan():
    p1 = np.array([2 / 7, 0.5, np.nan])
    r = ss.compare_proportions(p1, [7, 10, 5], [6 / 13, 0.1, 0.2], [13, 10, 5], method="chan-zhang")
    one = ss.compare_proportions(0.5, 10, 0.1, 10, method="chan-zhang")
    assert r.low[1] == one.low and r.high[1] == one.high
    assert np.isnan(r.low[2]) and np.isnan(r.high[2])
    assert isinstance(one.low, float) and one.low <= one.estimate <= one.high


def test_one_sided():
    # a one-sided bound at level 0.95 is the two-sided 0.90 bound (two one-sided tests)
    r = ss.compare_proportions(2 / 7, 7, 6 / 13, 13, method="chan-zhang", alternative="greater")
    two = ss.compare_proportions(2 / 7, 7, 6 / 13, 13, method="chan-zhang", confidence_level=0.9)
    assert r.low == pytest.approx(two.low, rel=1e-12) and r.high == 1.0
    with pytest.raises(InvalidOptionError, match="agresti-min"):
        ss.compare_proportions(0.2, 7, 0.5, 13, method="agresti-min", alternative="less")


def test_large_samples_are_refused():
    # a size above 10000 is a bad number for an exact method: NaN in an array (with the
    # reason), an error for a scalar call
    with pytest.raises(InvalidValueError, match="n1=15000 is above 10000"):
        ss.compare_proportions(0.2, 15000, 0.5, 150, method="santner-snell")
    r = ss.compare_proportions(0.2, [15000, 20], 0.5, 20, method="santner-snell")
    assert np.isnan(r.low[0]) and not np.isnan(r.low[1])
    assert "n1 is above 10000" in r.problem[0]
    # effective sizes larger than the sample (a design effect below 1) are refused as an option
    with pytest.raises(InvalidOptionError, match="n1 \\+ n2"):
        ss.compare_proportions(0.2, 9000, 0.5, 9000, method="santner-snell", deff1=0.5)


def test_design_effect_rounds_counts():
    # effective counts 20/2.5 = 8 of 20/... are rounded to whole numbers, as the exact tests do
    r = ss.compare_proportions(0.4, 20, 0.6, 20, method="chan-zhang", deff1=2.0, deff2=2.0)
    s = ss.compare_proportions(0.4, 10, 0.6, 10, method="chan-zhang")
    assert (r.low, r.high) == (s.low, s.high)
