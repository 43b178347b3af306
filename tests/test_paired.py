"""Tests of surveystats.paired.paired_newcombe (Newcombe's paired hybrid score interval).

Sources of the expected numbers (all rounded as published; our contrast is p2 - p1 = (c - b)/n,
so a published interval (L, U) for p1 - p2 = (b - c)/n appears here as (-U, -L)):

- Newcombe RG (1998) Improved confidence intervals for the difference between binomial
  proportions based on paired data. Stat Med 17:2635-2650: the worked example a, b, c, d =
  20, 12, 2, 16, method 10 (corrected phi) 0.0562 to 0.3292 and method 8 (plain phi) 0.0618
  to 0.3242, as checked in the ratesci test suite (github.com/petelaud/ratesci,
  tests/testthat/test3.R, "example from Newcombe, against Newcombe's method 8 / 10 result").
- Fagerland MW, Lydersen S, Laake P (2014) Recommended tests and confidence intervals for
  paired binomial proportions. Stat Med 33:2850-2875, Bentur et al. (2009) airway data
  1, 1, 7, 12, Newcombe hybrid score -0.507 to -0.026 (ratesci tests/testthat/test3.R,
  "MOVER Wilson - Fagerland use Newcombe's correlation-corrected 'method 10'").
- Fagerland, Lydersen & Laake (2017) Statistical Analysis of Contingency Tables, chapter 8,
  as asserted by the R package contingencytables (github.com/ocbe-uio/contingencytables,
  tests/testthat/test-ch8.R, Newcombe_square_and_add_CI_paired_2x2): Cavo et al. (2012)
  59, 6, 16, 80 -> -0.1186 to -0.0046; the table 1, 0, 0, 1 -> -0.5734 to 0.5734; the empty
  table -> NaN.
- Tang M-L, Li H-Q, Tang N-S (2010) Confidence interval construction for proportion ratio in
  paired studies based on hybrid method. Stat Methods Med Res 21:361-378, example 8, 3, 1, 2,
  hybrid Wilson RD -0.1574 to 0.4136 (ratesci tests/testthat/test3.R, "RD: Tang(ML) 2010
  example - MOVER-wilson matches").
- Chang P et al. (2024) J Appl Stat 51:139-152, example 7, 25, 2, 68, 0.133 to 0.318 (ratesci
  tests/testthat/test3.R, "They appear to use Newcombe's correlation correction method 10").
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats import compare
from surveystats import paired as _paired
from surveystats.exceptions import InvalidOptionError
from surveystats.paired import _newcombe_phi, paired_newcombe

TAIL = 0.025  # two-sided 95%

# (a, b, c, d), published (low, high) for p1 - p2, absolute tolerance of the rounding.
METHOD_10 = [
    # Newcombe (1998b), worked example, method 10
    ((20, 12, 2, 16), (0.0562, 0.3292), 5e-5),
    # Fagerland et al. (2014), Bentur et al. (2009) data, via ratesci test3.R (3 decimals)
    ((1, 1, 7, 12), (-0.507, -0.026), 5e-4),
    # Fagerland et al. (2017) ch. 8, Cavo et al. (2012) data, via contingencytables test-ch8.R
    ((59, 6, 16, 80), (-0.1186, -0.0046), 5e-5),
    # contingencytables test-ch8.R: ad - bc = n/2 exactly, so the corrected phi is 0
    ((1, 0, 0, 1), (-0.5734, 0.5734), 5e-5),
    # Tang, Li & Tang (2010) example, via ratesci test3.R
    ((8, 3, 1, 2), (-0.1574, 0.4136), 5e-5),
    # Chang et al. (2024) example, via ratesci test3.R (3 decimals)
    ((7, 25, 2, 68), (0.133, 0.318), 5e-4),
]


def _published_as_ours(published):
    low, high = published
    return -high, -low


@pytest.mark.parametrize("table, published, tol", METHOD_10)
def test_method_10_matches_published(table, published, tol):
    low, high = paired_newcombe(*table, TAIL, TAIL)
    want_low, want_high = _published_as_ours(published)
    assert low == pytest.approx(want_low, abs=tol)
    assert high == pytest.approx(want_high, abs=tol)


def _plain_phi(a, b, c, d):
    # Newcombe's method 8: the uncorrected phi coefficient (0 when a margin is 0).
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(margins > 0, (a * d - b * c) / np.sqrt(margins), 0.0)


def test_method_8_with_plain_phi_matches_published(monkeypatch):
    # Newcombe (1998b) worked example, method 8: 0.0618 to 0.3242 (ratesci test3.R).  Only
    # phi differs from method 10, so this checks the square-and-add formula a second time.
    monkeypatch.setattr(_paired, "_newcombe_phi", _plain_phi)
    low, high = paired_newcombe(20, 12, 2, 16, TAIL, TAIL)
    assert low == pytest.approx(-0.3242, abs=5e-5)
    assert high == pytest.approx(-0.0618, abs=5e-5)


def test_empty_table_is_nan_without_warnings():
    # contingencytables test-ch8.R: the all-zero table gives NaN bounds.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = paired_newcombe([0, 20], [0, 12], [0, 2], [0, 16], TAIL, TAIL)
        low_cc, high_cc = paired_newcombe(0, 0, 0, 0, TAIL, TAIL, correction=True)
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isnan(low_cc) and np.isnan(high_cc)
    assert low[1] == pytest.approx(-0.3292, abs=5e-5)


# ------------------------------------------------------------------------ the phi rule
@pytest.mark.parametrize(
    "table, phi",
    [
        # ad - bc = 320 - 24 = 296 > n/2 = 25: numerator 271 over sqrt(32*18*22*28)
        ((20, 12, 2, 16), 271.0 / np.sqrt(32 * 18 * 22 * 28)),
        # ad - bc = 1 = n/2: shrunk to 0
        ((1, 0, 0, 1), 0.0),
        # ad - bc = 3 - 4 = -1 < 0: left uncorrected
        ((1, 2, 2, 3), -1.0 / np.sqrt(3 * 5 * 3 * 5)),
        # a margin is zero (c + d = 0): phi is 0
        ((5, 3, 0, 0), 0.0),
        # two margins zero (all respondents said yes twice)
        ((7, 0, 0, 0), 0.0),
    ],
)
def test_newcombe_phi_rule(table, phi):
    # Newcombe (1998b) as implemented in ratesci moverpair(corc = TRUE), MKinfer binomDiffCI
    # (paired, "wilson-cc") and diffdepprop wilson.phi; numbers worked by hand.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _newcombe_phi(*(np.float64(v) for v in table)) == pytest.approx(phi, abs=1e-15)


def test_zero_margin_is_handled_without_warnings():
    # Everyone said yes in wave 1 (c = d = 0): p1 = 1, phi = 0 by Newcombe's rule.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = paired_newcombe(5, 3, 0, 0, TAIL, TAIL)
    assert np.isfinite(low) and np.isfinite(high)
    assert low <= -3 / 8 <= high


# --------------------------------------------------- agreement with the independent samples
def _independent(table, a_lo, a_hi, correction):
    a, b, c, d = (np.asarray(v, dtype=float) for v in table)
    n = a + b + c + d
    x1, x2 = a + b, a + c
    method = compare.METHODS["newcombe-cc" if correction else "newcombe"]
    return method(x1 / n, x1, n, x2 / n, x2, n, a_lo, a_hi)


@pytest.mark.parametrize("correction", [False, True])
def test_phi_zero_reduces_to_independent_newcombe(monkeypatch, correction):
    # With phi forced to 0 the paired interval is the independent-samples square-and-add
    # interval of the two margins (Newcombe 1998b, section on method 10; compare.py's
    # "newcombe" and "newcombe-cc", themselves checked against Newcombe 1998a Table II).
    monkeypatch.setattr(_paired, "_newcombe_phi", lambda a, b, c, d: np.zeros(np.shape(a)))
    tables = np.array(
        [
            (20, 12, 2, 16),
            (1, 1, 7, 12),
            (59, 6, 16, 80),
            (0, 3, 9, 1),
            (0, 0, 4, 0),
            (10, 0, 0, 10),
        ],
        dtype=float,
    ).T
    for a_lo, a_hi in [(TAIL, TAIL), (0.05, 0.01)]:
        got = paired_newcombe(*tables, a_lo, a_hi, correction=correction)
        want = _independent(tables, a_lo, a_hi, correction)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_natural_phi_zero_equals_independent_newcombe():
    # Tables whose corrected phi is 0 without any patching: a zero margin, or 0 <= ad - bc
    # <= n/2.
    tables = np.array([(0, 0, 4, 3), (5, 3, 0, 0), (1, 0, 0, 1), (2, 1, 1, 1)], dtype=float).T
    assert np.all(_newcombe_phi(*tables) == 0.0)
    for correction in (False, True):
        got = paired_newcombe(*tables, TAIL, TAIL, correction=correction)
        want = _independent(tables, TAIL, TAIL, correction)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


# ------------------------------------------------------------------------ vectorization
def test_broadcasts_and_agrees_with_scalar_calls():
    a = np.array([[20.0], [1.0], [59.0]])
    b, c, d = np.array([12.0, 1.0]), np.array([2.0, 7.0]), np.array([16.0, 12.0])
    low, high = paired_newcombe(a, b, c, d, TAIL, TAIL)
    assert low.shape == high.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            one = paired_newcombe(a[i, 0], b[j], c[j], d[j], TAIL, TAIL)
            assert (low[i, j], high[i, j]) == pytest.approx(one, abs=1e-15)


def test_unequal_tails_take_each_bound_from_its_own_level():
    lo_90 = paired_newcombe(20, 12, 2, 16, 0.05, 0.05)[0]
    hi_98 = paired_newcombe(20, 12, 2, 16, 0.01, 0.01)[1]
    low, high = paired_newcombe(20, 12, 2, 16, 0.05, 0.01)
    assert (low, high) == pytest.approx((lo_90, hi_98), abs=1e-15)


def test_correction_widens_the_interval():
    # The continuity-corrected Wilson intervals are wider, so is the combination.
    low, high = paired_newcombe(20, 12, 2, 16, TAIL, TAIL)
    low_cc, high_cc = paired_newcombe(20, 12, 2, 16, TAIL, TAIL, correction=True)
    assert low_cc < low and high_cc > high


# ------------------------------------------------------------------------ properties
@st.composite
def panels(draw):
    n = draw(st.integers(1, 400))
    a = draw(st.integers(0, n))
    b = draw(st.integers(0, n - a))
    c = draw(st.integers(0, n - a - b))
    return a, b, c, n - a - b - c


@settings(max_examples=300, deadline=None)
@given(panels(), st.floats(0.0005, 0.25), st.floats(0.0005, 0.25), st.booleans())
def test_interval_properties(table, a_lo, a_hi, correction):
    a, b, c, d = table
    n = a + b + c + d
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = paired_newcombe(a, b, c, d, a_lo, a_hi, correction=correction)
        swapped_low, swapped_high = paired_newcombe(a, c, b, d, a_hi, a_lo, correction=correction)
    estimate = (c - b) / n
    assert -1.0 <= low <= estimate + 1e-12
    assert estimate - 1e-12 <= high <= 1.0
    # Swapping b and c turns p2 - p1 into p1 - p2: the bounds are negated and swapped
    # (the tails swap with them).
    assert swapped_low == pytest.approx(-high, abs=1e-12)
    assert swapped_high == pytest.approx(-low, abs=1e-12)


# ------------------------------------------------------------- exact and mid-p McNemar tests
EXACT = pd.read_csv(Path(__file__).parent / "reference" / "compare_mcnemar_exact.csv")


@pytest.mark.parametrize("test, column", [("exact", "exact"), ("mid-p", "mid_p")])
def test_exact_and_mid_p_match_r(test, column):
    # R: binom.test(b, b + c, 0.5)$p.value and 2 pbinom(k, b + c, .5) - dbinom(k, b + c, .5),
    # k = min(b, c) (tests/reference/compare_mcnemar.R)
    r = ss.mcnemar(EXACT.b.to_numpy(float), EXACT.c.to_numpy(float), test=test)
    np.testing.assert_allclose(r.pvalue, EXACT[column], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(r.statistic, EXACT.b)
    assert r.test == test


def test_fagerland_example():
    # Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, worked example with
    # b = 1, c = 7: exact conditional p = 0.070, mid-p = 0.039, asymptotic McNemar 0.034
    assert round(ss.mcnemar(1, 7, test="exact").pvalue, 3) == 0.070
    assert round(ss.mcnemar(1, 7, test="mid-p").pvalue, 3) == 0.039
    assert round(ss.mcnemar(1, 7, correction=False).pvalue, 3) == 0.034


def test_mid_p_below_exact_and_unknown_test_named():
    b, c = np.arange(0.0, 30.0), np.arange(30.0, 0.0, -1.0)
    exact = ss.mcnemar(b, c, test="exact").pvalue
    mid = ss.mcnemar(b, c, test="mid-p").pvalue
    assert np.all(mid <= exact) and np.all(mid > 0.0)
    with pytest.raises(InvalidOptionError, match="test"):
        ss.mcnemar(1, 7, test="binomial")
