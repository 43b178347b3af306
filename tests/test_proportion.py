"""Tests of surveystats.proportion against R, a published table and hand computations.

Sources:
- tests/reference/proportion_ci.csv, made by tests/reference/proportion_ci.R: R binom.test
  (Clopper-Pearson), prop.test(correct = FALSE) (Wilson), prop.test(correct = TRUE)
  (Wilson-cc, rows with |x - n/2| <= 0.5 left out: R shrinks its correction there, Newcombe
  does not), qbeta(a, x + 1/2, n - x + 1/2) (Jeffreys, 0 at x = 0 and 1 at x = n), and the
  mid-p and likelihood-ratio equations solved in R with uniroot from pbinom/dbinom (an
  independent implementation), for two-sided and one-sided ("less", "greater") intervals.
- tests/reference/proportion_svyciprop.csv, made by tests/reference/proportion_svyciprop.R:
  R survey::svyciprop (beta; mean, xlogit, asin with df = Inf) on weighted designs, for the
  design-effect handling.
- Newcombe RG (1998) Two-sided confidence intervals for the single proportion: comparison of
  seven methods. Stat Med 17:857-872, Table I (four decimals).
- Hand computations written out in the comments.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.exceptions import InvalidOptionError
from surveystats.proportion import INTERVAL_METHODS

REFERENCE = Path(__file__).parent / "reference"
ALL_METHODS = sorted(INTERVAL_METHODS)
CLOSED_FORM = ["wald", "wilson", "wilson-cc", "agresti-coull", "arcsine", "logit"]


def _close(ours, expected):
    # 1e-9 relative; 1e-12 absolute for bounds at or near 0.
    return math.isclose(ours, expected, rel_tol=1e-9, abs_tol=1e-12)


# ------------------------------------------------------------------------- R reference
def _r_rows():
    with open(REFERENCE / "proportion_ci.csv", newline="") as fh:
        return list(csv.DictReader(fh))


R_ROWS = _r_rows()


def test_r_reference_covers_the_required_cases():
    # The brief: x = 0, x = n, n = 1, n = 100000, several levels, one-sided rows.
    xs_ns = {(int(r["x"]), int(r["n"])) for r in R_ROWS}
    assert (0, 1) in xs_ns and (1, 1) in xs_ns and (0, 100000) in xs_ns
    assert (100000, 100000) in xs_ns and (1, 2) in xs_ns
    assert {r["level"] for r in R_ROWS} == {"0.8", "0.9", "0.95", "0.99"}
    assert {r["alternative"] for r in R_ROWS} == {"two-sided", "less", "greater"}
    assert {r["method"] for r in R_ROWS} == {
        "clopper-pearson",
        "wilson",
        "wilson-cc",
        "jeffreys",
        "mid-p",
        "likelihood",
    }
    assert len(R_ROWS) > 3000
    # the wilson-cc rows R would shrink its correction on are absent
    assert not [
        r
        for r in R_ROWS
        if r["method"] == "wilson-cc" and abs(int(r["x"]) - int(r["n"]) / 2) <= 0.5
    ]


R_METHODS = ["clopper-pearson", "wilson", "wilson-cc", "jeffreys", "mid-p", "likelihood"]


@pytest.mark.parametrize("method", R_METHODS)
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_matches_r_scalar(method, alternative):
    # Expected: R binom.test / prop.test / qbeta / uniroot, see proportion_ci.R.
    rows = [r for r in R_ROWS if r["method"] == method and r["alternative"] == alternative]
    assert rows
    failures = []
    for r in rows:
        x, n, level = int(r["x"]), int(r["n"]), float(r["level"])
        res = ss.proportion_ci(
            x / n, n, method=method, confidence_level=level, alternative=alternative
        )
        lo, hi = float(r["low"]), float(r["high"])
        if not (_close(res.low, lo) and _close(res.high, hi)):
            failures.append((x, n, level, res.low, lo, res.high, hi))
    assert not failures, failures[:5]


@pytest.mark.parametrize("method", R_METHODS)
def test_matches_r_vectorized(method):
    # Same R rows in one array call per (level, alternative): the vector path agrees too.
    for level in (0.8, 0.9, 0.95, 0.99):
        for alternative in ("two-sided", "less", "greater"):
            rows = [
                r
                for r in R_ROWS
                if r["method"] == method
                and r["alternative"] == alternative
                and float(r["level"]) == level
            ]
            x = np.array([float(r["x"]) for r in rows])
            n = np.array([float(r["n"]) for r in rows])
            res = ss.proportion_ci(
                x / n, n, method=method, confidence_level=level, alternative=alternative
            )
            np.testing.assert_allclose(
                res.low, [float(r["low"]) for r in rows], rtol=1e-9, atol=1e-12
            )
            np.testing.assert_allclose(
                res.high, [float(r["high"]) for r in rows], rtol=1e-9, atol=1e-12
            )


def _svyciprop_rows():
    with open(REFERENCE / "proportion_svyciprop.csv", newline="") as fh:
        return list(csv.DictReader(fh))


SVYCIPROP_ROWS = _svyciprop_rows()


@pytest.mark.parametrize(
    "row", SVYCIPROP_ROWS, ids=lambda r: f"case{r['case']}-{r['method']}-{r['level']}"
)
def test_deff_matches_r_survey_svyciprop(row):
    # Expected: R survey::svyciprop on a weighted design, see proportion_svyciprop.R.  There
    # deff = v / (p (1 - p) / n), so n / deff is svyciprop's n.eff and p * n / deff its count.
    res = ss.proportion_ci(
        float(row["p"]),
        float(row["n"]),
        deff=float(row["deff"]),
        method=row["method"],
        confidence_level=float(row["level"]),
    )
    expected = (float(row["low"]), float(row["high"]))
    ours = (res.low, res.high)
    if row["crosses"] == "FALSE":
        assert _close(ours[0], expected[0]) and _close(ours[1], expected[1])
    else:
        # svyciprop reports a Wald bound outside [0, 1], or an arcsine angle below 0 folded
        # back by sin()^2, raw; we clip that bound to 0 or 1.  The other bound still agrees.
        clipped = [
            o in (0.0, 1.0) and not _close(o, e) for o, e in zip(ours, expected, strict=False)
        ]
        assert sum(clipped) == 1
        for o, e, c in zip(ours, expected, clipped, strict=False):
            assert c or _close(o, e)


def test_svyciprop_reference_covers_every_method_and_a_clipped_row():
    assert {r["method"] for r in SVYCIPROP_ROWS} == {"clopper-pearson", "wald", "logit", "arcsine"}
    assert {r["crosses"] for r in SVYCIPROP_ROWS} == {"TRUE", "FALSE"}
    assert all(float(r["deff"]) != 1.0 for r in SVYCIPROP_ROWS)


def test_one_sided_convention_matches_r():
    # R binom.test(81, 263, alternative = "less") gives [0, upper]; "greater" gives [lower, 1]
    # (rows of proportion_ci.csv); ours: 'less' -> [0, high], 'greater' -> [low, 1].
    less = ss.proportion_ci(81 / 263, 263, method="clopper-pearson", alternative="less")
    greater = ss.proportion_ci(81 / 263, 263, method="clopper-pearson", alternative="greater")
    assert less.low == 0.0 and greater.high == 1.0
    row_less = next(
        r
        for r in R_ROWS
        if r["x"] == "81"
        and r["n"] == "263"
        and r["level"] == "0.95"
        and r["alternative"] == "less"
        and r["method"] == "clopper-pearson"
    )
    assert _close(less.high, float(row_less["high"]))
    assert less.moe == less.high - 81 / 263
    assert greater.moe == 81 / 263 - greater.low


# ------------------------------------------------------------------ Newcombe (1998) Table I
# Newcombe (1998) Stat Med 17:857-872, Table I, 95% intervals; methods 1 (Wald),
# 3 (score = Wilson), 4 (score with cc), 5 (exact = Clopper-Pearson), 6 (mid-p),
# 7 (likelihood-based).  Method 2 (Wald with cc) is not one of ours.  For 1/29 the paper
# prints Wald -0.0306; our intervals are clipped to [0, 1], so 0.
NEWCOMBE_TABLE_I = {
    (81, 263): {
        "wald": (0.2522, 0.3638),
        "wilson": (0.2553, 0.3662),
        "wilson-cc": (0.2535, 0.3682),
        "clopper-pearson": (0.2527, 0.3676),
        "mid-p": (0.2544, 0.3658),
        "likelihood": (0.2542, 0.3655),
    },
    (15, 148): {
        "wald": (0.0527, 0.1500),
        "wilson": (0.0624, 0.1605),
        "wilson-cc": (0.0598, 0.1644),
        "clopper-pearson": (0.0578, 0.1617),
        "mid-p": (0.0601, 0.1581),
        "likelihood": (0.0596, 0.1567),
    },
    (0, 20): {
        "wald": (0.0, 0.0),
        "wilson": (0.0, 0.1611),
        "wilson-cc": (0.0, 0.2005),
        "clopper-pearson": (0.0, 0.1684),
        "mid-p": (0.0, 0.1391),
        "likelihood": (0.0, 0.0916),
    },
    (1, 29): {
        "wald": (0.0, 0.1009),
        "wilson": (0.0061, 0.1718),
        "wilson-cc": (0.0018, 0.1963),
        "clopper-pearson": (0.0009, 0.1776),
        "mid-p": (0.0017, 0.1585),
        "likelihood": (0.0020, 0.1432),
    },
}
NEWCOMBE_CASES = [
    (x, n, m, lo, hi) for (x, n), by in NEWCOMBE_TABLE_I.items() for m, (lo, hi) in by.items()
]


def test_newcombe_1998_wald_below_zero_is_clipped():
    # Newcombe (1998) Table I, 1/29, Wald: upper limit 0.1009 and a lower limit below 0
    # (the lower limit was quoted to us as -0.0306; the Wald interval is symmetric about
    # p = 0.0345 and its upper limit 0.1009 is reproduced, so the unclipped lower limit is
    # 2p - 0.1009 = -0.0319, which the formula gives; -0.0306 is not reproducible and is
    # not used here).  We clip the interval to [0, 1].
    p, n = 1 / 29, 29
    half = Z975 * math.sqrt(p * (1 - p) / n)
    assert round(p + half, 4) == 0.1009  # Newcombe Table I
    assert round(p - half, 4) == -0.0319 < 0  # hand formula, unclipped
    res = ss.proportion_ci(p, n, method="wald")
    assert res.low == 0.0 and res.high == pytest.approx(p + half, rel=1e-15)
    assert res.moe_below == pytest.approx(p, rel=1e-15)  # estimate - 0
    # 0/20: Newcombe prints a zero-width Wald interval <0.0000, 0.0000>, an aberration we keep.
    zero = ss.proportion_ci(0.0, 20, method="wald")
    assert zero.low == 0.0 and zero.high == 0.0


@pytest.mark.parametrize("x, n, method, low, high", NEWCOMBE_CASES)
def test_newcombe_1998_table_1(x, n, method, low, high):
    # Expected: Newcombe (1998) Table I, to its 4 decimals.
    res = ss.proportion_ci(x / n, n, method=method)
    assert round(res.low, 4) == pytest.approx(low, abs=1e-12)
    assert round(res.high, 4) == pytest.approx(high, abs=1e-12)


def test_newcombe_1998_table_1_as_one_array_call():
    for method in ("wald", "wilson", "wilson-cc", "clopper-pearson", "mid-p", "likelihood"):
        cases = [(x, n, *NEWCOMBE_TABLE_I[(x, n)][method]) for x, n in NEWCOMBE_TABLE_I]
        x, n, lo, hi = (np.array(c, dtype=float) for c in zip(*cases, strict=False))
        res = ss.proportion_ci(x / n, n, method=method)
        np.testing.assert_array_equal(np.round(res.low, 4), lo)
        np.testing.assert_array_equal(np.round(res.high, 4), hi)


# ------------------------------------------------------------------------- properties
counts = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99])


@settings(max_examples=60, deadline=None)
@given(counts, levels)
def test_bounds_ordered_and_inside_unit_interval(xn, level):
    x, n = xn
    p = x / n
    for method in ALL_METHODS:
        r = ss.proportion_ci(p, n, method=method, confidence_level=level)
        assert 0.0 <= r.low <= r.estimate <= r.high <= 1.0, method
        assert r.moe_below >= 0.0 and r.moe_above >= 0.0


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from([(0.8, 0.9), (0.9, 0.95), (0.95, 0.99)]))
def test_wider_at_higher_confidence(xn, pair):
    x, n = xn
    lower_level, higher_level = pair
    for method in ALL_METHODS:
        a = ss.proportion_ci(x / n, n, method=method, confidence_level=lower_level)
        b = ss.proportion_ci(x / n, n, method=method, confidence_level=higher_level)
        assert b.low <= a.low and b.high >= a.high, method
        # Strictly wider unless the narrower one is already [0, 1] (clipping) or it is the
        # degenerate zero-width Wald interval at x = 0 or x = n.
        if a.high - a.low < 1.0 and not (method == "wald" and x in (0, n)):
            assert b.high - b.low > a.high - a.low, method


@settings(max_examples=80, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=10, max_value=10**6),
    st.integers(min_value=2, max_value=50),
    levels,
)
def test_narrower_with_larger_n_closed_forms(p, n, k, level):
    # Provable for these: Wald and arcsine intervals are nested (fixed centre, half-width
    # decreasing in n); the Wilson width 2z·sqrt(npq + z²/4)/(n + z²) has derivative sign
    # pq·z² - npq - z²/2 < 0; Agresti-Coull's squared width (pn + z²/2)(qn + z²/2)/(n + z²)³
    # has log-derivative below 2/(n + z²/2) - 3/(n + z²) < 0 for n > z²/2 (n >= 10 here).
    for method in ("wald", "wilson", "agresti-coull", "arcsine"):
        a = ss.proportion_ci(p, n, method=method, confidence_level=level)
        b = ss.proportion_ci(p, k * n, method=method, confidence_level=level)
        assert b.high - b.low <= a.high - a.low + 1e-15, method


@settings(max_examples=60, deadline=None)
@given(counts, st.integers(min_value=2, max_value=10), levels)
def test_narrower_with_larger_n_count_methods(xn, k, level):
    # Same observed proportion x/n with k times the sample (kx out of kn).  Not proved
    # analytically; checked as a property over the count-based methods.
    x, n = xn
    for method in ("clopper-pearson", "jeffreys", "mid-p", "likelihood", "wilson-cc"):
        a = ss.proportion_ci(x / n, n, method=method, confidence_level=level)
        b = ss.proportion_ci(k * x / (k * n), k * n, method=method, confidence_level=level)
        assert b.high - b.low < a.high - a.low, method


@settings(max_examples=40, deadline=None)
@given(counts, st.sampled_from([0.8, 0.9, 0.95, 0.975, 0.99]))
def test_one_sided_bound_is_the_two_sided_bound_at_twice_the_tail(xn, level):
    # A one-sided interval at level L puts all of 1 - L in one tail: its finite bound is the
    # matching bound of the two-sided interval at level 2L - 1 (true by construction of
    # every method; R's binom.test / prop.test follow the same rule).
    x, n = xn
    for method in ALL_METHODS:
        two = ss.proportion_ci(x / n, n, method=method, confidence_level=2 * level - 1)
        less = ss.proportion_ci(x / n, n, method=method, confidence_level=level, alternative="less")
        greater = ss.proportion_ci(
            x / n, n, method=method, confidence_level=level, alternative="greater"
        )
        assert less.low == 0.0 and greater.high == 1.0, method
        assert less.high == pytest.approx(two.high, rel=1e-12, abs=1e-15), method
        assert greater.low == pytest.approx(two.low, rel=1e-12, abs=1e-15), method
        assert less.moe == less.moe_above and greater.moe == greater.moe_below


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=10, max_value=10**5),
    st.floats(min_value=1.0, max_value=5.0),
    st.floats(min_value=1.0, max_value=3.0),
)
def test_larger_deff_widens_closed_forms(p, n, deff, factor):
    # deff divides n; for the closed forms with a proved narrowing in n (see above) a larger
    # design effect can only widen the interval, and deff = 1 is no design effect.
    for method in ("wald", "wilson", "agresti-coull", "arcsine"):
        base = ss.proportion_ci(p, n, method=method)
        one = ss.proportion_ci(p, n, method=method, deff=1.0)
        a = ss.proportion_ci(p, n, method=method, deff=deff)
        b = ss.proportion_ci(p, n, method=method, deff=deff * factor)
        assert (one.low, one.high) == (base.low, base.high)
        assert b.high - b.low >= a.high - a.low - 1e-15, method
        assert a.n_effective == pytest.approx(n / deff, rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(counts, st.integers(min_value=0, max_value=10**6))
def test_population_is_an_effective_sample_size(xn, extra):
    # With population N >= n the finite population correction (N - n)/(N - 1) divides n:
    # the interval is the plain one at n_eff = n (N - 1)/(N - n), for every method
    # (N = n is a census: zero width).
    x, n = xn
    big_n = n + extra
    for method in ALL_METHODS:
        r = ss.proportion_ci(x / n, n, method=method, population=big_n)
        if extra == 0:
            assert r.low == r.high == x / n
            continue
        n_eff = n * (big_n - 1) / (big_n - n)
        assert r.n_effective == pytest.approx(n_eff, rel=1e-14)
        plain = ss.proportion_ci(x / n, n_eff, method=method)
        assert r.low == pytest.approx(plain.low, rel=1e-12, abs=1e-15), method
        assert r.high == pytest.approx(plain.high, rel=1e-12, abs=1e-15), method


@settings(max_examples=30, deadline=None)
@given(st.lists(counts, min_size=1, max_size=8), levels)
def test_scalar_list_array_series_agree(xns, level):
    x = [c[0] for c in xns]
    n = [c[1] for c in xns]
    p = [xi / ni for xi, ni in zip(x, n, strict=False)]
    for method in ALL_METHODS:
        scalars = [
            ss.proportion_ci(pi, ni, method=method, confidence_level=level)
            for pi, ni in zip(p, n, strict=False)
        ]
        as_list = ss.proportion_ci(p, n, method=method, confidence_level=level)
        as_array = ss.proportion_ci(np.array(p), np.array(n), method=method, confidence_level=level)
        as_series = ss.proportion_ci(
            pd.Series(p), pd.Series(n), method=method, confidence_level=level
        )
        for res in (as_list, as_array, as_series):
            assert isinstance(res.low, np.ndarray)
            for field in ("estimate", "low", "high", "moe", "n_effective"):
                np.testing.assert_allclose(
                    getattr(res, field),
                    [getattr(s, field) for s in scalars],
                    rtol=1e-12,
                    atol=1e-15,
                    err_msg=method,
                )


def test_scalar_in_float_out():
    r = ss.proportion_ci(0.194, 1000)
    for field in ("estimate", "low", "high", "moe", "moe_below", "moe_above", "n", "n_effective"):
        assert type(getattr(r, field)) is float
    assert r.problem == ""


@pytest.mark.parametrize("method", ALL_METHODS)
def test_broadcasting_two_dimensional(method):
    p = np.array([[0.0], [0.194], [0.311], [1.0]])  # (4, 1)
    n = np.array([1, 50, 1000, 100000])  # (4,)
    r = ss.proportion_ci(p, n, method=method, confidence_level=0.9)
    assert r.low.shape == (4, 4) and r.problem.shape == (4, 4)
    for i in range(4):
        for j in range(4):
            s = ss.proportion_ci(float(p[i, 0]), float(n[j]), method=method, confidence_level=0.9)
            assert r.low[i, j] == pytest.approx(s.low, rel=1e-12, abs=1e-15)
            assert r.high[i, j] == pytest.approx(s.high, rel=1e-12, abs=1e-15)


# ------------------------------------------------------------------ deff and population
@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize(
    "p, n, deff",
    [(0.194, 1000, 1.5), (0.311, 1000, 2.3), (0.05, 400, 1.2), (0.0, 300, 2.0), (1.0, 90, 1.5)],
)
def test_deff_equals_smaller_sample(method, p, n, deff):
    # Design doc: deff shrinks n to n/deff and the count with it (p fixed), so the interval
    # for (p, n, deff) is the plain interval for (p, n/deff).
    a = ss.proportion_ci(p, n, method=method, deff=deff)
    b = ss.proportion_ci(p, n / deff, method=method)
    assert a.low == pytest.approx(b.low, rel=1e-12, abs=1e-15)
    assert a.high == pytest.approx(b.high, rel=1e-12, abs=1e-15)
    assert a.n == n and a.n_effective == pytest.approx(n / deff, rel=1e-15)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_population_correction_shrinks_and_census_has_zero_width(method):
    plain = ss.proportion_ci(0.194, 1000, method=method)
    fpc = ss.proportion_ci(0.194, 1000, method=method, population=5000)
    assert fpc.high - fpc.low < plain.high - plain.low
    # n_effective = n / ((N - n)/(N - 1)) = 1000 * 4999 / 4000
    assert fpc.n_effective == pytest.approx(1000 * 4999 / 4000, rel=1e-14)
    census = ss.proportion_ci(0.194, 1000, method=method, population=1000)
    assert census.low == census.high == 0.194 and census.moe == 0.0


@pytest.mark.parametrize("method", ["clopper-pearson", "jeffreys", "mid-p", "likelihood"])
def test_all_successes_reach_one_with_a_fractional_effective_n(method):
    # Regression (found by the property above): p = 1 with population 7262 and n = 3631 gives
    # n_eff = 3631 * 7261 / 3631, not exactly whole; the count must still be n_eff (x = n),
    # so the upper bound is 1 as for any x = n (Jeffreys: BCD 2001 section 4.1.2).
    r = ss.proportion_ci(1.0, 3631, method=method, population=7262)
    assert r.high == 1.0
    r = ss.proportion_ci(1.0, 90, method=method, deff=1.3)
    assert r.high == 1.0


def test_population_infinite_is_no_correction():
    a = ss.proportion_ci(0.194, 1000, population=np.inf)
    b = ss.proportion_ci(0.194, 1000)
    assert a.low == b.low and a.high == b.high


# ---------------------------------------------------------------- moe, sample size, deff
Z975 = 1.959963984540054  # qnorm(0.975) in R


def test_margin_of_error_hand_formula():
    # z * sqrt(.25 / 1000) with z = qnorm(0.975) = 1.959964: 0.0309897516...
    # (with z rounded to 1.96 it would be 0.0309903)
    assert ss.margin_of_error(0.5, 1000) == pytest.approx(Z975 * math.sqrt(0.25 / 1000), rel=1e-14)
    assert ss.margin_of_error(0.5, 1000) == pytest.approx(0.03098975, abs=1e-8)
    # with deff 1.5 and population 5000: z * sqrt(p q deff (N - n)/(N - 1) / n)
    expected = Z975 * math.sqrt(0.194 * 0.806 * 1.5 * (5000 - 1000) / 4999 / 1000)
    assert ss.margin_of_error(0.194, 1000, deff=1.5, population=5000) == pytest.approx(
        expected, rel=1e-14
    )
    # 99%: qnorm(0.995) = 2.5758293035489
    assert ss.margin_of_error(0.5, 1000, confidence_level=0.99) == pytest.approx(
        2.5758293035489 * math.sqrt(0.25 / 1000), rel=1e-12
    )
    # the Wald half-width is the published margin
    assert ss.margin_of_error(0.311, 1000) == pytest.approx(
        ss.proportion_ci(0.311, 1000, method="wald").moe, rel=1e-14
    )


def test_sample_size_hand_computed():
    # n0 = z² p q / e² = 1.959964² * 0.25 / 0.03² = 1067.07 -> 1068
    n0 = Z975**2 * 0.25 / 0.03**2
    assert 1067 < n0 < 1068
    assert ss.sample_size(0.03) == 1068.0
    # deff 1.5: 1.5 * n0 = 1600.61 -> 1601
    assert ss.sample_size(0.03, deff=1.5) == math.ceil(1.5 * n0) == 1601
    # Cochran (1977) finite population correction, n = N n0 / (n0 + N - 1):
    # 5000 * 1067.07 / 6066.07 = 879.55 -> 880
    assert ss.sample_size(0.03, population=5000) == math.ceil(5000 * n0 / (n0 + 4999)) == 880
    # p = 0.2, e = 0.02: 1.959964² * 0.16 / 0.0004 = 1536.58 -> 1537
    assert ss.sample_size(0.02, p=0.2) == 1537.0
    # array in, array out
    np.testing.assert_array_equal(ss.sample_size([0.03, 0.05]), [1068.0, 385.0])


def test_sample_size_reaches_the_margin():
    for moe in (0.01, 0.02, 0.03, 0.05):
        n = ss.sample_size(moe)
        assert ss.margin_of_error(0.5, n) <= moe < ss.margin_of_error(0.5, n - 1)


def test_kish_deff_hand_computed():
    # n Σw² / (Σw)²: [1, 2, 3, 4] -> 4 * 30 / 100 = 1.2; [1, 1, 2] -> 3 * 6 / 16 = 1.125
    assert ss.kish_deff([1, 2, 3, 4]) == pytest.approx(1.2, rel=1e-15)
    assert ss.kish_deff([1, 1, 2]) == pytest.approx(1.125, rel=1e-15)
    assert ss.kish_deff(np.full(7, 3.3)) == pytest.approx(1.0, rel=1e-15)
    # several samples along the last axis
    np.testing.assert_allclose(ss.kish_deff([[1, 2, 3, 4], [2, 2, 2, 2]]), [1.2, 1.0], rtol=1e-15)
    # axis=0: columns are samples
    np.testing.assert_allclose(
        ss.kish_deff(np.array([[1, 2], [2, 2], [3, 2], [4, 2]]), axis=0), [1.2, 1.0], rtol=1e-15
    )


def test_effective_n():
    assert ss.effective_n(1000, 1.25) == 800.0
    np.testing.assert_allclose(ss.effective_n([1000, 500], [2.0, 1.25]), [500.0, 400.0])
    # kish_deff then effective_n = (Σw)²/Σw² : [1, 2, 3, 4] -> 100/30
    w = [1, 2, 3, 4]
    assert ss.effective_n(len(w), ss.kish_deff(w)) == pytest.approx(100 / 30, rel=1e-14)


def test_result_frame_and_moe_fields():
    r = ss.proportion_ci(0.194, 1000, method="clopper-pearson")
    assert r.moe == pytest.approx((r.high - r.low) / 2, rel=1e-15)
    assert r.moe_below == pytest.approx(0.194 - r.low, rel=1e-15)
    assert r.moe_above == pytest.approx(r.high - 0.194, rel=1e-15)
    assert r.moe_above > r.moe_below  # asymmetric exact interval, skewed up at p < 1/2
    frame = r.to_frame()
    assert {"estimate", "low", "high", "moe", "n_effective", "method"} <= set(frame.columns)
    assert len(frame) == 1


def test_margins_below_and_above_are_exported_in_order():
    # moe_below / moe_above are computed on first access but to_dict and to_frame list them
    # right after moe, with estimate - low and high - estimate.
    r = ss.proportion_ci([0.194, 0.0, 1.0], [1000, 50, 50], method="clopper-pearson")
    keys = list(r.to_dict())
    assert keys[keys.index("moe") + 1 : keys.index("moe") + 3] == ["moe_below", "moe_above"]
    frame = r.to_frame()
    np.testing.assert_array_equal(frame["moe_below"], r.estimate - r.low)
    np.testing.assert_array_equal(frame["moe_above"], r.high - r.estimate)
    assert frame["moe_below"][1] == 0.0 and frame["moe_above"][2] == 0.0
    w = ss.proportion_ci(0.5, 100, method="wald")
    assert f"moe={w.moe!r}, moe_below={w.moe_below!r}, moe_above={w.moe_above!r}, n=" in repr(w)


# ------------------------------------------- probit, cloglog, loglog and bayes against R binom
BINOM = pd.read_csv(REFERENCE / "proportion_binom.csv")


@pytest.mark.parametrize("method", ["probit", "cloglog", "loglog", "bayes"])
def test_transformed_and_bayes_match_r_binom(method):
    # R binom 1.1-1.1: binom.confint(x, n, conf.level, methods = "probit"/"cloglog");
    # loglog = 1 - binom.confint(n - x, n, ..., "cloglog") reversed; bayes =
    # binom.bayes(x, n, conf.level, type = "central", prior.shape1, prior.shape2)
    # (tests/reference/proportion_binom.R)
    rows = BINOM[BINOM.method == method]
    priors = (
        [(None, None)]
        if method != "bayes"
        else sorted(set(zip(rows.prior_a, rows.prior_b, strict=True)))
    )
    for a, b in priors:
        sub = rows if a is None else rows[(rows.prior_a == a) & (rows.prior_b == b)]
        for level, group in sub.groupby("level"):
            kwargs = {} if a is None else {"prior": (a, b)}
            r = ss.proportion_ci(
                group.x / group.n,
                group.n.to_numpy(float),
                method=method,
                confidence_level=level,
                **kwargs,
            )
            np.testing.assert_allclose(r.low, group.low, rtol=1e-10, atol=1e-15)
            np.testing.assert_allclose(r.high, group.high, rtol=1e-10, atol=1e-15)


def test_loglog_mirrors_cloglog():
    # the definition: loglog of p is one minus cloglog of 1 - p, ends swapped
    p = np.array([0.01, 0.194, 0.5, 0.9, 0.999])
    one = ss.proportion_ci(p, 500, method="loglog")
    other = ss.proportion_ci(1 - p, 500, method="cloglog")
    np.testing.assert_allclose(one.low, 1 - other.high, rtol=1e-12)
    np.testing.assert_allclose(one.high, 1 - other.low, rtol=1e-12)


def test_bayes_jeffreys_prior_equals_jeffreys_inside():
    # Brown, Cai & DasGupta (2001) 4.1.2: the Jeffreys interval is the central Beta(x+1/2,
    # n-x+1/2) interval; they differ only at x = 0 and n (where jeffreys keeps a/2)
    p = np.arange(1, 40) / 40
    np.testing.assert_allclose(
        ss.proportion_ci(p, 40, method="bayes").low,
        ss.proportion_ci(p, 40, method="jeffreys").low,
        rtol=1e-13,
    )


def test_prior_is_checked():
    with pytest.raises(InvalidOptionError, match="prior"):
        ss.proportion_ci(0.2, 100, method="wilson", prior=(1, 1))
    with pytest.raises(InvalidOptionError, match="prior"):
        ss.proportion_ci(0.2, 100, method="bayes", prior=(0, 1))
    with pytest.raises(InvalidOptionError, match="prior"):
        ss.proportion_ci(0.2, 100, method="bayes", prior="flat")
