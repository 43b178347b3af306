"""Tests of surveystats.trend against R's prop.trend.test and prop.test.

Reference file: tests/reference/trend_prop_trend_test.csv, written by
tests/reference/trend_prop_trend_test.R (R 4.x, stats::prop.trend.test, stats::prop.test
with correct = FALSE, and the lm inside prop.trend.test for the slope).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.exceptions import InvalidOptionError, InvalidValueError, ShapeError

REFERENCE = pd.read_csv(
    Path(__file__).parent / "reference" / "trend_prop_trend_test.csv", keep_default_na=False
)
RTOL = 1e-9
FIELDS = (
    "statistic",
    "pvalue",
    "slope",
    "homogeneity_statistic",
    "homogeneity_pvalue",
    "homogeneity_df",
)


def _split(text):
    return None if text == "" else np.array(text.split(";"), dtype=float)


def _case(row):
    x, n = _split(row.x), _split(row.n)
    return x / n, n, _split(row.scores)


@pytest.mark.parametrize("row", list(REFERENCE.itertuples()), ids=lambda r: f"k{r.k}-{r.Index}")
def test_matches_r_one_question(row):
    # R: prop.trend.test(x, n, score), prop.test(x, n, correct = FALSE), lm slope (see .R)
    p, n, scores = _case(row)
    r = ss.trend_test(p, n, scores=scores)
    for name in FIELDS:
        assert getattr(r, name) == pytest.approx(float(getattr(row, name)), rel=RTOL), name
    assert r.df == 1.0
    assert r.problem == ""


@pytest.mark.parametrize("k", sorted(REFERENCE.k.unique()))
def test_matches_r_many_questions_at_once(k):
    # The same R rows, all questions with k waves stacked into one 2-D call, and again
    # with the waves along axis 0.
    rows = [r for r in REFERENCE.itertuples() if r.k == k]
    cases = [_case(r) for r in rows]
    p = np.array([c[0] for c in cases])
    n = np.array([c[1] for c in cases])
    scores = np.array([np.arange(1.0, k + 1) if c[2] is None else c[2] for c in cases])
    for result in (
        ss.trend_test(p, n, scores=scores),
        ss.trend_test(p.T, n.T, scores=scores.T, axis=0),
    ):
        for name in FIELDS:
            expected = np.array([float(getattr(r, name)) for r in rows])
            np.testing.assert_allclose(getattr(result, name), expected, rtol=RTOL, err_msg=name)
        assert (result.problem == "").all()


def test_ukraine_nato_concession():
    # R: prop.trend.test(c(569, 487, 411), c(1000, 1000, 1000))
    #    X-squared = 49.952176853597052, p-value = 1.5753920037579041e-12;
    #    lm slope -0.079; prop.test(..., correct = FALSE) X-squared = 49.976188475222003, df 2
    r = ss.trend_test([0.569, 0.487, 0.411], [1000] * 3)
    assert r.statistic == pytest.approx(49.952176853597052, rel=RTOL)
    assert r.pvalue == pytest.approx(1.5753920037579041e-12, rel=RTOL)
    assert r.slope == pytest.approx(-0.078999999999999931, rel=RTOL)
    assert r.homogeneity_statistic == pytest.approx(49.976188475222003, rel=RTOL)
    assert r.homogeneity_pvalue == pytest.approx(1.4054278631007137e-11, rel=RTOL)
    assert r.homogeneity_df == 2.0
    assert r.significant is True
    assert isinstance(r.statistic, float)


def test_scalar_n_broadcasts_and_counts_snap_to_whole_numbers():
    # 0.569 * 1000 = 568.9999999999999 in floating point; R is given the count 569.
    a = ss.trend_test([0.569, 0.487, 0.411], 1000)
    b = ss.trend_test(np.array([569, 487, 411]) / 1000, [1000, 1000, 1000])
    assert a.statistic == b.statistic


def test_bad_wave_makes_only_its_question_nan():
    p = [[0.569, 0.487, 0.411], [0.3, np.nan, 0.2], [0.3, 0.31, 1.2], [0.2, 0.2, 0.3]]
    n = [[1000] * 3, [500] * 3, [500] * 3, [100, -1, 100]]
    r = ss.trend_test(p, n)
    assert r.statistic[0] == pytest.approx(49.952176853597052, rel=RTOL)  # R, as above
    assert np.isnan(r.statistic[1:]).all() and np.isnan(r.homogeneity_pvalue[1:]).all()
    assert list(r.problem) == [
        "",
        "wave 2 of 3: p is missing (NaN)",
        "wave 3 of 3: p is outside [0, 1]",
        "wave 2 of 3: n must be greater than 0 and finite",
    ]
    assert list(r.significant) == [True, False, False, False]


def test_no_variation_and_equal_scores():
    # R: prop.trend.test(c(0, 0, 0), c(10, 10, 10)) stops ("NA/NaN/Inf in 'x'").
    r = ss.trend_test(
        [[0, 0, 0], [1, 1, 1], [0.1, 0.2, 0.3]], 10, scores=[[1, 2, 3], [1, 2, 3], [5, 5, 5]]
    )
    assert np.isnan(r.statistic).all()
    assert "no variation" in r.problem[0] and "no variation" in r.problem[1]
    assert "same score" in r.problem[2]
    with pytest.raises(InvalidValueError, match="no variation"):
        ss.trend_test([0, 0, 0], [10, 10, 10])
    with pytest.raises(InvalidValueError, match="outside"):
        ss.trend_test([0.5, 0.4, -0.1], 100)


def test_option_and_shape_errors():
    with pytest.raises(ShapeError, match="at least two waves"):
        ss.trend_test([0.5], [100])
    with pytest.raises(ShapeError, match="scores has 2 values"):
        ss.trend_test([0.5, 0.4, 0.3], 100, scores=[1, 2])
    with pytest.raises(ShapeError):
        ss.trend_test([0.5, 0.4, 0.3], [100, 100])
    with pytest.raises(ShapeError):
        ss.trend_test(0.5, 100)
    with pytest.raises(InvalidOptionError, match="confidence_level"):
        ss.trend_test([0.5, 0.4, 0.3], 100, confidence_level=95)
    with pytest.raises(InvalidValueError, match="percentage"):
        ss.trend_test([56.9, 48.7, 41.1], 1000)


def test_confidence_level_sets_significance():
    # R: prop.trend.test(c(120, 100, 90), c(1000, 1000, 1000))$p.value = 0.027539003130907694
    r95 = ss.trend_test([0.12, 0.10, 0.09], 1000)
    r99 = ss.trend_test([0.12, 0.10, 0.09], 1000, confidence_level=0.99)
    assert r95.pvalue == pytest.approx(0.027539003130907694, rel=RTOL)
    assert r95.significant and not r99.significant


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 2000), st.floats(0.0, 1.0)), min_size=2, max_size=8),
    st.floats(-100.0, 100.0),
    st.floats(0.01, 50.0),
    st.booleans(),
)
def test_statistic_invariant_to_affine_scores(waves, shift, scale, flip):
    n = np.array([w[0] for w in waves], dtype=float)
    x = np.round(np.array([w[1] for w in waves]) * n)
    if x.sum() == 0 or x.sum() == n.sum():
        return
    base = np.arange(1.0, len(waves) + 1.0)
    b = -scale if flip else scale
    r0 = ss.trend_test(x / n, n)
    r1 = ss.trend_test(x / n, n, scores=shift + b * base)
    assert r1.statistic == pytest.approx(r0.statistic, rel=1e-7, abs=1e-9)
    assert r1.slope * b == pytest.approx(r0.slope, rel=1e-7, abs=1e-12)
    assert r1.homogeneity_statistic == r0.homogeneity_statistic
    # The trend is one component of the homogeneity chi-square.
    assert r0.statistic <= r0.homogeneity_statistic * (1 + 1e-9) + 1e-12


def test_design_effect_shrinks_every_wave():
    # issue #10 item 3: trend_test(..., deff=) is trend_test on the effective sizes n / deff
    # (the annotator divided n by the design effect itself)
    p = [0.569, 0.487, 0.411]
    r = ss.trend_test(p, 1000, deff=1.5)
    ref = ss.trend_test(p, 1000 / 1.5)
    for name in ("statistic", "pvalue", "slope", "homogeneity_statistic"):
        np.testing.assert_allclose(getattr(r, name), getattr(ref, name), rtol=1e-12)
    # per wave, and a bad design effect spoils its question only
    r = ss.trend_test([p, p], [1000, 800, 1000], deff=[[1.5, 2.0, 1.2], [1.0, -1.0, 1.0]])
    ref = ss.trend_test(p, [1000 / 1.5, 800 / 2.0, 1000 / 1.2])
    np.testing.assert_allclose(r.statistic[0], ref.statistic, rtol=1e-12)
    assert np.isnan(r.statistic[1]) and r.problem[1].startswith("wave 2 of 3: deff")
    # R: prop.trend.test(c(569, 487, 411) / 1.5, rep(1000, 3) / 1.5)$statistic, which is
    # prop.trend.test(c(569, 487, 411), rep(1000, 3))$statistic / 1.5 = 49.9546.../1.5
    full = ss.trend_test(p, 1000)
    np.testing.assert_allclose(ss.trend_test(p, 1000, deff=1.5).statistic, full.statistic / 1.5)


def test_huge_scores_are_centred_and_scaled():
    # issue #15 item 18: scores=[1e300, 2e300, 3e300] overflowed to p = 1.  The statistic is
    # invariant under a + b * scores, so it equals the one with scores 1, 2, 3.
    p = [0.569, 0.487, 0.411]
    plain = ss.trend_test(p, 1000)
    for scores, unit in (([1e300, 2e300, 3e300], 1e300), ([-1e308, 0.0, 1e308], 1e308)):
        r = ss.trend_test(p, 1000, scores=scores)
        np.testing.assert_allclose(r.statistic, plain.statistic, rtol=1e-12)
        np.testing.assert_allclose(r.pvalue, plain.pvalue, rtol=1e-9)
        np.testing.assert_allclose(r.slope * unit, plain.slope, rtol=1e-12)
    # years with a tiny spread: 2025 + 1e-6 steps
    r = ss.trend_test(p, 1000, scores=[2025.0, 2025.000001, 2025.000002])
    np.testing.assert_allclose(r.statistic, plain.statistic, rtol=1e-6)


def test_no_questions_in_no_questions_out():
    # issue #15 item 8: empty in, empty out
    r = ss.trend_test(np.zeros((0, 3)), 100)
    assert r.statistic.shape == (0,) and r.pvalue.shape == (0,) and r.problem.shape == (0,)
