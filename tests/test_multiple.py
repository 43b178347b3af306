"""Tests of surveystats.multiple.adjust_pvalues against R's p.adjust.

Reference file: tests/reference/multiple_p_adjust.csv, written by
tests/reference/multiple_p_adjust.R (R 4.x stats::p.adjust for bonferroni, holm, hochberg,
BH, BY and hommel; Sidak and Holm-Sidak written out in R; bh-adaptive from Bioconductor
qvalue::qvalue with the Storey-Taylor-Siegmund null proportion; every row of a 2-D case is
adjusted by its own call; NA dropped and not counted, as p.adjust does).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.exceptions import InvalidOptionError, InvalidValueError, ShapeError

REFERENCE = pd.read_csv(Path(__file__).parent / "reference" / "multiple_p_adjust.csv")
METHODS = [
    "bonferroni",
    "holm",
    "hochberg",
    "bh",
    "by",
    "hommel",
    "sidak",
    "holm-sidak",
    "bh-adaptive",
]
RTOL = 1e-9


def _matrix(case, column):
    g = REFERENCE[REFERENCE.case == case]
    out = np.full((g.row.max() + 1, g.col.max() + 1), np.nan)
    out[g.row, g.col] = g[column]
    return out


CASES = sorted(REFERENCE.case.unique())


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", CASES)
def test_matches_r(case, method):
    # R: p.adjust(row, method = c(bonferroni=, holm=, hochberg=, bh="BH", by="BY")[method])
    p = _matrix(case, "p")
    expected = _matrix(case, method.replace("-", "_"))
    got = ss.adjust_pvalues(p, method=method)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=0)
    # the same families along axis 0
    np.testing.assert_allclose(
        ss.adjust_pvalues(p.T, method=method, axis=0), expected.T, rtol=RTOL, atol=0
    )
    if p.shape[0] == 1:  # a plain 1-D vector, and a 3-D stack of it
        np.testing.assert_allclose(ss.adjust_pvalues(p[0], method=method), expected[0], rtol=RTOL)
        stacked = np.stack([p, p])
        np.testing.assert_allclose(
            ss.adjust_pvalues(stacked, method=method), np.stack([expected, expected]), rtol=RTOL
        )


def test_reference_has_ties_missing_and_many_families():
    assert REFERENCE.p.isna().sum() >= 5
    assert (
        REFERENCE.groupby(["case", "row"]).p.apply(lambda s: s.dropna().duplicated().any()).sum()
        >= 5
    )
    assert REFERENCE.groupby("case").row.max().max() >= 49


def test_ukraine_three_comparisons():
    # R: p.adjust(c(0.00018, 0.00054, 0.02), "holm") = 0.00054 0.00108 0.02
    np.testing.assert_allclose(
        ss.adjust_pvalues([0.00018, 0.00054, 0.02]), [0.00054, 0.00108, 0.02], rtol=RTOL
    )


def test_axis_none_is_one_family():
    p = np.array([[0.01, 0.04], [0.03, np.nan]])
    # R: p.adjust(c(0.01, 0.04, 0.03, NA), "holm") = 0.03 0.06 0.06 NA
    np.testing.assert_allclose(
        ss.adjust_pvalues(p, axis=None), [[0.03, 0.06], [0.06, np.nan]], rtol=RTOL
    )


def test_scalar_empty_and_errors():
    assert ss.adjust_pvalues(0.03, method="bh") == 0.03 and isinstance(
        ss.adjust_pvalues(0.03), float
    )
    assert ss.adjust_pvalues(np.empty((3, 0))).shape == (3, 0)
    with pytest.raises(InvalidOptionError, match="'bh'"):
        ss.adjust_pvalues([0.1, 0.2], method="BH")
    with pytest.raises(InvalidValueError, match="divide by 100"):
        ss.adjust_pvalues([3.0, 0.2])
    with pytest.raises(InvalidValueError):
        ss.adjust_pvalues([-0.1, 0.2])
    with pytest.raises(ShapeError):
        ss.adjust_pvalues([0.1, 0.2], axis=1)


pvalue_lists = st.lists(
    st.one_of(st.floats(0.0, 1.0), st.just(np.nan), st.sampled_from([0.01, 0.05, 0.5])),
    min_size=1,
    max_size=30,
)


FAMILY_WISE_AND_BH = [m for m in METHODS if m != "bh-adaptive"]


@settings(max_examples=150, deadline=None)
@given(pvalue_lists, st.sampled_from(FAMILY_WISE_AND_BH))
def test_adjusted_at_least_raw_and_nan_in_place(values, method):
    p = np.array(values)
    adj = ss.adjust_pvalues(p, method=method)
    np.testing.assert_array_equal(np.isnan(adj), np.isnan(p))
    ok = ~np.isnan(p)
    assert np.all(adj[ok] >= p[ok]) and np.all(adj[ok] <= 1.0)
    # missing values are not counted: dropping them changes nothing
    np.testing.assert_array_equal(ss.adjust_pvalues(p[ok], method=method), adj[ok])


@settings(max_examples=150, deadline=None)
@given(pvalue_lists)
def test_q_values_lie_between_their_bounds(values):
    # Storey's q-values are pi0 times BH with 2/m <= pi0 <= 1, so they can fall below the raw
    # p-value (why the adjusted >= raw property above leaves this method out), never above BH.
    p = np.array(values)
    p = p[~np.isnan(p)]
    if p.size == 0:
        return
    q = ss.adjust_pvalues(p, method="bh-adaptive")
    bh = ss.adjust_pvalues(p, method="bh")
    assert np.all(q <= bh) and np.all(q >= bh * min(1.0, 2.0 / len(p)) * (1 - 1e-15))


@settings(max_examples=150, deadline=None)
@given(
    pvalue_lists,
    st.sampled_from(
        ["holm", "hochberg", "bh", "by", "hommel", "sidak", "holm-sidak", "bh-adaptive"]
    ),
)
def test_order_preserved(values, method):
    p = np.array(values)
    p = p[~np.isnan(p)]
    adj = ss.adjust_pvalues(p, method=method)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adj[order]) >= 0)


@settings(max_examples=100, deadline=None)
@given(pvalue_lists)
def test_bonferroni_is_m_times_p(values):
    p = np.array(values)
    m = np.sum(~np.isnan(p))
    np.testing.assert_array_equal(ss.adjust_pvalues(p, method="bonferroni"), np.minimum(1.0, m * p))
