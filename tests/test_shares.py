"""Tests of surveystats.shares: compare_shares, compare_leads, multinomial_ci.

References (each expected number below names one of these):
* tests/reference/shares_compare.csv, made by shares_compare.R: R ``survey`` (svymean of two
  indicators of a synthetic respondent-level data set, then svycontrast of b - a),
  ``mcnemar.test(correct = FALSE)`` on the two answer counts, and Tango's (1998) score
  interval solved numerically in R (uniroot on the score equation and statistic).
* tests/reference/shares_leads.csv, made by shares_leads.R: R ``survey`` with the two polls
  as strata, ``svyby(..., covmat = TRUE)`` and ``svycontrast`` of the change of the lead.
* tests/reference/shares_multinomial.csv, made by shares_multinomial.R: Goodman (1965) and
  Quesenberry-Hurst (1964) closed forms with R ``qchisq``; Sison-Glaz (1995) by an
  independent R implementation (truncated-Poisson moments by direct summation).
* Published numbers: Sison & Glaz (1995, JASA 90:366-369) example 1 Goodman intervals (3
  decimals) and R ``MultinomialCI::multinomialCI`` output for the paper's three examples, both
  as recorded in statsmodels' ``stats/tests/results/results_multinomial_proportions.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import surveystats as ss
from surveystats.exceptions import InvalidOptionError, InvalidValueError, ShapeError
from surveystats.multinomial import MULTINOMIAL_METHODS
from surveystats.shares import SHARES_METHODS

REFERENCE = Path(__file__).parent / "reference"
RTOL = 1e-9


def _read(name):
    return pd.read_csv(REFERENCE / name)


# --------------------------------------------------------------------------- compare_shares
COMPARE = _read("shares_compare.csv")


@pytest.mark.parametrize(
    "row", COMPARE.to_dict("records"), ids=lambda r: f"{r['n']}-{r['x_a']}-{r['x_b']}-{r['level']}"
)
def test_wald_matches_survey_svycontrast(row):
    # R survey: svymean(~ya + yb) then svycontrast(c(-1, 1)); its with-replacement variance
    # carries n/(n-1), so the formula must agree with deff = n/(n - 1).
    n, level = row["n"], row["level"]
    r = ss.compare_shares(
        row["x_a"] / n, row["x_b"] / n, n, deff=n / (n - 1), confidence_level=level
    )
    z = stats.norm.ppf(1 - (1 - level) / 2)
    assert r.estimate == pytest.approx(row["svy_estimate"], rel=RTOL, abs=1e-15)
    assert (r.high - r.low) / (2 * z) == pytest.approx(row["svy_se"], rel=RTOL)
    if row["svy_estimate"] != 0:
        assert r.statistic == pytest.approx(row["svy_estimate"] / row["svy_se"], rel=RTOL)


@pytest.mark.parametrize(
    "row", COMPARE.to_dict("records"), ids=lambda r: f"{r['n']}-{r['x_a']}-{r['x_b']}-{r['level']}"
)
def test_score_matches_mcnemar_and_tango(row):
    # R mcnemar.test(correct = FALSE) on the answer counts; Tango's interval by uniroot in R.
    n, level = row["n"], row["level"]
    r = ss.compare_shares(row["x_a"] / n, row["x_b"] / n, n, method="score", confidence_level=level)
    assert r.statistic**2 == pytest.approx(row["mcnemar_statistic"], rel=RTOL, abs=1e-14)
    assert r.pvalue == pytest.approx(row["mcnemar_pvalue"], rel=RTOL)
    assert r.low == pytest.approx(row["tango_low"], rel=RTOL)
    assert r.high == pytest.approx(row["tango_high"], rel=RTOL)


def test_reference_rows_agree_as_one_array_call():
    rows = COMPARE[COMPARE.level == 0.95]
    n = rows.n.to_numpy()
    r = ss.compare_shares(rows.x_a / n, rows.x_b / n, n, method="score")
    np.testing.assert_allclose(r.low, rows.tango_low, rtol=RTOL)  # R uniroot, as above
    np.testing.assert_allclose(r.high, rows.tango_high, rtol=RTOL)
    np.testing.assert_allclose(r.pvalue, rows.mcnemar_pvalue, rtol=RTOL)  # R mcnemar.test


def test_poll_example_by_hand():
    # Closed form: var = (0.311 + 0.194 - 0.117^2) / 1000 = 0.000491311; z = qnorm(0.975).
    r = ss.compare_shares(0.311, 0.194, 1000)
    se = np.sqrt(0.000491311)
    assert r.estimate == pytest.approx(-0.117, abs=1e-15)
    assert r.lead == pytest.approx(0.117, abs=1e-15)
    assert r.low == pytest.approx(-0.117 - 1.959963984540054 * se, rel=1e-12)
    assert r.high == pytest.approx(-0.117 + 1.959963984540054 * se, rel=1e-12)
    assert (r.lead_low, r.lead_high) == (-r.high, -r.low)
    assert r.statistic == pytest.approx(-0.117 / se, rel=1e-12)
    assert r.significant is True


def test_deff_shrinks_n():
    a = ss.compare_shares([0.311, 0.4], [0.194, 0.35], 1000, deff=1.6, method="score")
    b = ss.compare_shares([0.311, 0.4], [0.194, 0.35], 625)
    c = ss.compare_shares([0.311, 0.4], [0.194, 0.35], 625, method="score")
    np.testing.assert_allclose(a.low, c.low, rtol=1e-12)
    np.testing.assert_allclose(a.pvalue, c.pvalue, rtol=1e-12)
    np.testing.assert_allclose(a.n_effective, 625.0)
    assert b.method == "wald" and c.method == "score"


def test_one_sided_is_two_sided_at_double_alpha():
    two = ss.compare_shares(0.311, 0.194, 1000, confidence_level=0.90)
    less = ss.compare_shares(0.311, 0.194, 1000, alternative="less")
    assert less.high == pytest.approx(two.high, rel=1e-12)
    assert less.low == -1.0
    assert less.pvalue == pytest.approx(two.pvalue / 2, rel=1e-12)  # z < 0
    greater = ss.compare_shares(0.311, 0.194, 1000, alternative="greater")
    assert greater.pvalue == pytest.approx(1 - two.pvalue / 2, rel=1e-12)
    assert greater.high == 1.0


def test_confidence_interval_at_other_level():
    r = ss.compare_shares(0.311, 0.194, 1000, method="score")
    other = ss.compare_shares(0.311, 0.194, 1000, method="score", confidence_level=0.9)
    assert tuple(r.confidence_interval(0.9)) == (other.low, other.high)
    assert tuple(r.confidence_interval()) == (r.low, r.high)


def test_degenerate_shares():
    # Nobody chose either answer: estimate 0, nothing to test, score interval still has width
    # (Tango's interval at x_a = x_b = 0 solves delta^2 n = z^2 delta (1 - delta) ... > 0).
    r = ss.compare_shares(0.0, 0.0, 100, method="score")
    assert r.estimate == 0.0 and r.pvalue == 1.0
    assert -0.1 < r.low < 0.0 < r.high < 0.1
    # Everyone chose b: the upper bound is 1, the lower one is below 1.
    r = ss.compare_shares(0.0, 1.0, 100, method="score")
    assert r.high == 1.0 and 0.9 < r.low < 1.0


def test_bad_inputs():
    with pytest.raises(InvalidValueError, match="exceeds 1"):
        ss.compare_shares(0.6, 0.5, 1000)
    r = ss.compare_shares([0.311, 0.6, 0.2], [0.194, 0.5, 0.1], [1000, 1000, 0])
    assert np.isnan(r.estimate[1]) and np.isnan(r.pvalue[1]) and np.isnan(r.low[2])
    assert r.problem[1] == "p_b plus p_a exceeds 1 (two answers of one single-choice question)"
    assert r.problem[2].startswith("n must be greater than 0")
    assert r.problem[0] == "" and not np.isnan(r.low[0])
    assert not r.significant[1]
    with pytest.raises(InvalidValueError, match="percentage"):
        ss.compare_shares(31.1, 19.4, 1000)
    with pytest.raises(InvalidOptionError, match="method='exact'.*'wald', 'score'"):
        ss.compare_shares(0.3, 0.2, 1000, method="exact")
    with pytest.raises(InvalidOptionError, match="alternative"):
        ss.compare_shares(0.3, 0.2, 1000, alternative="two_sided")


def test_to_frame():
    frame = ss.compare_shares([0.311, 0.3], [0.194, 0.3], 1000).to_frame()
    assert list(frame.columns[:5]) == ["p_a", "p_b", "n", "n_effective", "estimate"]
    assert len(frame) == 2


# --------------------------------------------------------------------------- compare_leads
LEADS = _read("shares_leads.csv")


@pytest.mark.parametrize("row", LEADS.to_dict("records"), ids=lambda r: f"{r['n1']}-{r['n2']}")
def test_compare_leads_matches_survey(row):
    # R survey: two polls as strata, svyby(~ya + yb, ~poll, svymean, covmat = TRUE) then
    # svycontrast(c(-1, 1, 1, -1)); strata carry n_h/(n_h - 1).
    n1, n2 = row["n1"], row["n2"]
    r = ss.compare_leads(
        row["x_a1"] / n1,
        row["x_b1"] / n1,
        n1,
        row["x_a2"] / n2,
        row["x_b2"] / n2,
        n2,
        deff1=n1 / (n1 - 1),
        deff2=n2 / (n2 - 1),
    )
    z = stats.norm.ppf(0.975)
    assert r.estimate == pytest.approx(row["svy_estimate"], rel=RTOL)
    assert (r.high - r.low) / (2 * z) == pytest.approx(row["svy_se"], rel=RTOL)
    assert r.statistic == pytest.approx(row["svy_estimate"] / row["svy_se"], rel=RTOL)
    assert r.lead2 - r.lead1 == pytest.approx(r.estimate, abs=1e-15)


def test_compare_leads_is_sum_of_variances():
    # var(lead2 - lead1) = var(lead1) + var(lead2), each the compare_shares Wald variance.
    one = ss.compare_shares(0.311, 0.194, 1000)
    two = ss.compare_shares(0.28, 0.22, 800, deff=1.4)
    r = ss.compare_leads(0.311, 0.194, 1000, 0.28, 0.22, 800, deff2=1.4)
    z = stats.norm.ppf(0.975)

    def half(res):
        return (res.high - res.low) / 2

    assert (r.high - r.low) / 2 == pytest.approx(np.hypot(half(one), half(two)), rel=1e-12)
    assert r.estimate == pytest.approx((0.28 - 0.22) - (0.311 - 0.194), abs=1e-15)
    assert r.pvalue == pytest.approx(
        2 * stats.norm.sf(abs(r.estimate) / ((r.high - r.low) / (2 * z))), rel=1e-12
    )


def test_compare_leads_bad_input():
    with pytest.raises(InvalidValueError, match="exceeds 1"):
        ss.compare_leads(0.6, 0.5, 1000, 0.3, 0.2, 1000)
    r = ss.compare_leads([0.3, 0.3], [0.2, 0.2], 1000, [0.3, 0.7], [0.25, 0.5], 1000)
    assert np.isnan(r.estimate[1]) and r.problem[1].startswith("p_b2 plus p_a2")


# --------------------------------------------------------------------------- multinomial_ci
MULTI = _read("shares_multinomial.csv")
GROUPS = [
    (case, method, level)
    for (case, method, level), _ in MULTI.groupby(["case", "method", "level"], sort=False)
]


@pytest.mark.parametrize("case,method,level", GROUPS)
def test_multinomial_matches_r(case, method, level):
    # shares_multinomial.R: closed forms with qchisq; independent Sison-Glaz in R.
    rows = MULTI[(MULTI.case == case) & (MULTI.method == method) & (MULTI.level == level)]
    r = ss.multinomial_ci(rows["count"].to_numpy(), method=method, confidence_level=level)
    np.testing.assert_allclose(r.low, rows.low, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(r.high, rows.high, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(r.estimate, rows["count"] / rows["count"].sum(), rtol=1e-15)
    assert r.problem == ""


@pytest.mark.parametrize("method", list(MULTINOMIAL_METHODS))
def test_multinomial_many_questions_in_one_call(method):
    # The reference questions with the same number of answers, stacked as rows of one call
    # (and transposed, with axis=0): same numbers as R, question by question.
    ref = MULTI[(MULTI.method == method) & (MULTI.level == 0.95)]
    sizes = ref.groupby("case", sort=False).size()
    for k in sorted(set(sizes)):
        cases = sizes.index[sizes == k]
        rows = ref[ref.case.isin(cases)]
        counts = rows["count"].to_numpy().reshape(len(cases), k)
        r = ss.multinomial_ci(counts, method=method)
        np.testing.assert_allclose(r.low.ravel(), rows.low, rtol=RTOL, atol=1e-14)
        np.testing.assert_allclose(r.high.ravel(), rows.high, rtol=RTOL, atol=1e-14)
        t = ss.multinomial_ci(counts.T, method=method, axis=0)
        np.testing.assert_array_equal(t.high, r.high.T)
        assert (r.problem == "").all()


SISON_GLAZ_EXAMPLES = {
    # Sison & Glaz (1995) examples, R MultinomialCI::multinomialCI output recorded in
    # statsmodels' results_multinomial_proportions.py ("computed using the R MultinomialCI
    # package").  The lower bounds (p - c/n) agree to all digits; the upper bounds carry the
    # Edgeworth interpolation gamma, on which the recorded output of that older MultinomialCI
    # release differs from the current one (1.2, which this code and shares_multinomial.R
    # match) by up to 1.4e-4, so they are checked to 2e-4.
    "example 1": (
        [56, 72, 73, 59, 62, 87, 58],
        [
            [0.07922912, 0.1643361],
            [0.11349036, 0.1985973],
            [0.11563169, 0.2007386],
            [0.08565310, 0.1707601],
            [0.09207709, 0.1771840],
            [0.14561028, 0.2307172],
            [0.08351178, 0.1686187],
        ],
    ),
    "example 2": ([5] * 50, [[0, 0.05304026]] * 50),
    "example 3": (
        [1] * 10 + [12] * 10 + [5] * 10 + [3] * 10 + [4] * 10,
        [[0, 0.04120118]] * 10
        + [[0.012, 0.08520118]] * 10
        + [[0, 0.05720118]] * 10
        + [[0, 0.04920118]] * 10
        + [[0, 0.05320118]] * 10,
    ),
}


@pytest.mark.parametrize("name", list(SISON_GLAZ_EXAMPLES))
def test_sison_glaz_published_examples(name):
    counts, expected = SISON_GLAZ_EXAMPLES[name]
    expected = np.array(expected)
    r = ss.multinomial_ci(counts, method="sison-glaz")
    np.testing.assert_allclose(r.low, expected[:, 0], atol=5e-9)
    np.testing.assert_allclose(r.high, expected[:, 1], atol=2e-4)


def test_goodman_sison_glaz_paper_example_1():
    # Sison & Glaz (1995), example 1, Goodman's intervals to 3 decimals (as recorded in
    # statsmodels' results_multinomial_proportions.py).
    expected = np.array(
        [
            [0.085, 0.166],
            [0.115, 0.204],
            [0.116, 0.207],
            [0.091, 0.173],
            [0.096, 0.181],
            [0.143, 0.239],
            [0.089, 0.171],
        ]
    )
    r = ss.multinomial_ci([56, 72, 73, 59, 62, 87, 58], method="goodman")
    np.testing.assert_allclose(r.low, expected[:, 0], atol=5.1e-4)
    np.testing.assert_allclose(r.high, expected[:, 1], atol=5.1e-4)


def test_multinomial_bad_input():
    with pytest.raises(InvalidValueError, match="whole numbers >= 0"):
        ss.multinomial_ci([3, -1, 5])
    with pytest.raises(InvalidValueError, match="add up to 0"):
        ss.multinomial_ci([0, 0, 0])
    with pytest.raises(ShapeError, match="at least two answers"):
        ss.multinomial_ci([[5], [6]])
    with pytest.raises(ShapeError, match="scalar"):
        ss.multinomial_ci(5)
    with pytest.raises(InvalidOptionError, match="method='sison'"):
        ss.multinomial_ci([3, 5], method="sison")
    r = ss.multinomial_ci(
        [[35, 74, 22, 69], [1, np.nan, 2, 3], [0, 0, 0, 0], [2.5, 3, 4, 1]], method="sison-glaz"
    )
    assert np.isnan(r.low[1:]).all() and not np.isnan(r.low[0]).any()
    assert r.problem.shape == (4, 4)
    assert r.problem[1, 2] == "counts must be whole numbers >= 0"
    assert r.problem[2, 0] == "counts add up to 0: no respondents"
    assert r.problem[3, 0] == "counts must be whole numbers for method 'sison-glaz'"
    # Goodman accepts weighted (fractional) counts.
    assert not np.isnan(ss.multinomial_ci([2.5, 3, 4, 1]).low).any()


def test_quesenberry_hurst_wider_than_goodman():
    # qchisq(1 - a, k - 1) > qchisq(1 - a/k, 1) for k >= 3 at these levels (R: e.g.
    # qchisq(0.95, 2) = 5.99 > qchisq(1 - 0.05/3, 1) = 5.73), and the bounds widen with A.
    counts = [35, 74, 22, 69]
    for level in (0.9, 0.95, 0.99):
        g = ss.multinomial_ci(counts, confidence_level=level)
        q = ss.multinomial_ci(counts, method="quesenberry-hurst", confidence_level=level)
        assert (q.low < g.low).all() and (q.high > g.high).all()


# --------------------------------------------------------------------------- properties
share_pairs = st.tuples(st.integers(0, 2000), st.integers(0, 2000), st.integers(0, 2000)).filter(
    lambda t: t[0] + t[1] + t[2] > 0
)


@settings(max_examples=150, deadline=None)
@given(share_pairs, st.sampled_from(list(SHARES_METHODS)), st.sampled_from([0.9, 0.95, 0.99]))
def test_shares_properties(counts, method, level):
    x_a, x_b, x_o = counts
    n = x_a + x_b + x_o
    p_a, p_b = x_a / n, x_b / n
    r = ss.compare_shares(p_a, p_b, n, method=method, confidence_level=level)
    s = ss.compare_shares(p_b, p_a, n, method=method, confidence_level=level)
    # swapping the answers flips the sign of everything directional
    assert s.estimate == -r.estimate
    assert s.statistic == pytest.approx(-r.statistic, rel=1e-12, abs=1e-12)
    assert s.pvalue == pytest.approx(r.pvalue, rel=1e-12, abs=1e-300)
    assert s.low == pytest.approx(-r.high, rel=1e-9, abs=1e-12)
    assert s.high == pytest.approx(-r.low, rel=1e-9, abs=1e-12)
    # the interval holds the estimate and lies in [-1, 1]; the p-value is a probability
    assert -1.0 <= r.low <= r.estimate <= r.high <= 1.0
    assert 0.0 <= r.pvalue <= 1.0
    # interval and test agree: 0 is outside exactly when the test rejects (away from ties)
    alpha = 1 - level
    if abs(r.pvalue - alpha) > 1e-6:
        assert (r.low > 0 or r.high < 0) == (r.pvalue < alpha)
    # an array call gives the same numbers as the scalar call
    arr = ss.compare_shares([p_a, 0.3], [p_b, 0.2], [n, 500], method=method, confidence_level=level)
    assert arr.low[0] == r.low and arr.high[0] == r.high and arr.pvalue[0] == r.pvalue


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 300), min_size=2, max_size=8).filter(lambda c: sum(c) > 0),
    st.sampled_from(list(MULTINOMIAL_METHODS)),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_multinomial_properties(counts, method, level):
    r = ss.multinomial_ci(counts, method=method, confidence_level=level)
    assert (r.low >= 0).all() and (r.high <= 1).all()
    assert (r.low <= r.estimate + 1e-15).all() and (r.estimate <= r.high + 1e-15).all()
    # reversing the answers reverses the intervals
    rev = ss.multinomial_ci(counts[::-1], method=method, confidence_level=level)
    np.testing.assert_allclose(rev.high[::-1], r.high, rtol=1e-12, atol=1e-15)
    # one question inside a batch gives the same numbers as alone
    batch = ss.multinomial_ci(
        np.vstack([counts, np.ones(len(counts)) * 7]), method=method, confidence_level=level
    )
    np.testing.assert_array_equal(batch.low[0], r.low)
    np.testing.assert_array_equal(batch.high[0], r.high)


# ------------------------------------------------ Fitzpatrick-Scott and Wald-Bonferroni
def test_fitzpatrick_scott_published_table():
    # Sangeetha et al. (2013), Table 2 (reproduced in R DescTools' MultinomCI examples):
    # counts 56, 72, 73, 59, 62, 87, 58 (n = 467), Fitzpatrick-Scott 95% bounds to 3 decimals
    counts = [56, 72, 73, 59, 62, 87, 58]
    low = [0.075, 0.109, 0.111, 0.081, 0.087, 0.141, 0.079]
    high = [0.165, 0.200, 0.202, 0.172, 0.178, 0.232, 0.170]
    r = ss.multinomial_ci(counts, method="fitzpatrick-scott")
    np.testing.assert_allclose(r.low, low, atol=5e-4 + 1e-12)
    np.testing.assert_allclose(r.high, high, atol=5e-4 + 1e-12)
    # one half-width for all answers: z_{0.025} / (2 sqrt(467))
    np.testing.assert_allclose(r.high - r.low, 1.959963984540054 / np.sqrt(467), rtol=1e-12)


def test_wald_bonferroni_is_wald_at_the_split_level():
    # Goodman (1965) section 2: each of k Wald intervals at level 1 - alpha/k; checked against
    # proportion_ci's Wald (itself checked against R) at that level
    counts = np.array([[35, 74, 22, 69], [1, 2, 3, 994]])
    r = ss.multinomial_ci(counts, method="wald-bonferroni", confidence_level=0.9)
    n = counts.sum(axis=-1, keepdims=True)
    single = ss.proportion_ci(counts / n, n, method="wald", confidence_level=1 - 0.1 / 4)
    np.testing.assert_allclose(r.low, single.low, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(r.high, single.high, rtol=1e-13, atol=1e-16)
