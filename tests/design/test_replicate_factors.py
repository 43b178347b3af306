"""Hadamard matrices and replicate factors per PSU, against R survey 4.1.1.

Reference files in tests/reference/replicates/ (scripts hadamard.R and replicates.R beside
them): the Hadamard order R's ``hadamard(k)`` picks for k = 1..600 and some of its matrices;
R's ``weights(as.svrepdesign(...), "analysis")`` for JKn on apistrat and BRR on NHANES, whose
ratio to the sampling weight is R's replicate factor of each row's PSU.
"""

from __future__ import annotations

import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest

from surveystats.design._hadamard import hadamard, hadamard_order
from surveystats.design.replicates import (
    PsuLayout,
    make_factors,
    psu_sums,
    replicate_variance,
)
from surveystats.exceptions import InvalidOptionError, SurveyStatsError

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "replicates"


# --- Hadamard ---------------------------------------------------------------------------------


@pytest.mark.parametrize("k", list(range(1, 130)) + [150, 199, 200, 250, 300, 399, 511, 600])
def test_hadamard_rows_are_orthogonal(k):
    h = hadamard(k).astype(np.int64)
    n = h.shape[0]
    assert n > k
    assert set(np.unique(h)) == {-1, 1}
    np.testing.assert_array_equal(h @ h.T, n * np.eye(n, dtype=np.int64))
    # first row all +1: the other rows are balanced (as many +1 as -1)
    assert (h[0] == 1).all()


def test_hadamard_order_matches_r_for_1_to_600():
    # R: nrow(survey::hadamard(k)), k = 1..600 (hadamard.R)
    ref = pd.read_csv(REF / "hadamard_sizes.csv")
    mine = np.array([hadamard_order(k) for k in ref["k"]])
    np.testing.assert_array_equal(mine, ref["order"].to_numpy())


def test_hadamard_matrices_equal_rs_sylvester_and_paley_matrices():
    # R: survey::hadamard(k) in 0/1 form (1 <-> +1), for k whose order R builds by Sylvester
    # doubling or the Paley construction (hadamard.R); R's tabulated 28 and 36 and the orders
    # doubled from them: test_hadamard_brr.py.
    ref = pd.read_csv(REF / "hadamard_matrices.csv", dtype={"bits": str})
    for k, rows in ref.groupby("k"):
        expected = np.array([[int(c) for c in bits] for bits in rows["bits"]])
        np.testing.assert_array_equal((hadamard(int(k)) + 1) // 2, expected, err_msg=f"k={k}")


# --- factors ----------------------------------------------------------------------------------


def _layout(frame, strata, psu, population=None, has_strata=True):
    """PSU layout with PSUs and strata numbered by first appearance (as R's unique())."""
    n = len(frame)
    s_codes, s_labels = (
        pd.factorize(frame[strata]) if strata else (np.zeros(n, np.int64), pd.Index(["all"]))
    )
    key = frame[psu].astype(str) + "|" + pd.Series(s_codes).astype(str) if psu else np.arange(n)
    p_codes, _ = pd.factorize(pd.Series(key))
    first = np.unique(p_codes, return_index=True)[1]
    pop = None if population is None else frame[population].to_numpy(float)[first]
    layout = PsuLayout(s_codes[first], tuple(s_labels), pop, has_strata=has_strata)
    return layout, p_codes


def test_jkn_factors_equal_rs_on_apistrat():
    # R: weights(as.svrepdesign(svydesign(id=~1, strata=~stype, fpc=~fpc, weights=~pw,
    #    data=apistrat), type="JKn"), "analysis") / pw; rscales from r$rscales (replicates.R)
    data = pd.read_csv(REF / "apistrat_jkn_repweights.csv")
    layout, row_psu = _layout(data, "stype", None, "fpc")
    f = make_factors(layout, "jkn")
    expected = data.filter(regex="^repw").to_numpy() / data["pw"].to_numpy()[:, None]
    np.testing.assert_allclose(f.factors()[row_psu], expected, rtol=1e-12, atol=1e-12)
    rscales = pd.read_csv(REF / "apistrat_jkn_rscales.csv")["rscales"].to_numpy()
    np.testing.assert_allclose(f.rscales, rscales, rtol=1e-12)
    assert f.scale == 1.0
    assert f.rank() - 1 == 197  # R: degf(r) (design_info.csv)


def test_brr_and_fay_factors_equal_rs_on_nhanes():
    # R: weights(as.svrepdesign(svydesign(id=~SDMVPSU, strata=~SDMVSTRA, weights=~WTMEC2YR,
    #    nest=TRUE, data=nh), type="BRR"), "analysis") / WTMEC2YR (replicates.R)
    data = pd.read_csv(REF / "nhanes_brr_repweights.csv")
    layout, row_psu = _layout(data, "SDMVSTRA", "SDMVPSU")
    f = make_factors(layout, "brr")
    expected = data.filter(regex="^brr").to_numpy() / data["WTMEC2YR"].to_numpy()[:, None]
    np.testing.assert_array_equal(f.factors()[row_psu], expected)
    assert (f.n_replicates, f.scale, f.rank() - 1) == (16, 1 / 16, 15)  # design_info.csv
    fay = make_factors(layout, "fay", rho=0.3)
    # Fay: 2 - rho where BRR gives 2, rho where BRR gives 0
    np.testing.assert_allclose(fay.factors(), np.where(f.factors() == 2, 1.7, 0.3), rtol=1e-15)
    assert fay.scale == pytest.approx(0.127551020408163, rel=1e-14)  # R: r4$scale


def test_jk1_factors_and_scale_with_fpc_on_apiclus1():
    # R: as.svrepdesign(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), "JK1"):
    # scale 0.914839277851167 = (1 - 15/757) * 14/15, degf 14 (design_info.csv)
    data = pd.read_csv(REF / "apiclus1.csv")
    layout, row_psu = _layout(data, None, "dnum", "fpc", has_strata=False)
    f = make_factors(layout, "jk1")
    assert f.scale == pytest.approx(0.914839277851167, rel=1e-14)
    assert f.rank() - 1 == 14
    expected = np.full((15, 15), 15 / 14)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(f.factors(), expected, rtol=1e-15)


def test_jackknife_totals_shortcut_equals_factor_product():
    rng = np.random.default_rng(1)
    stratum = np.repeat(np.arange(4), [2, 3, 5, 1])
    layout = PsuLayout(stratum, tuple("abcd"), lonely_psu="adjust")
    f = make_factors(layout, "jkn")
    sums = rng.normal(size=(stratum.size, 3))
    for start, stop in [(0, f.n_replicates), (2, 7)]:
        np.testing.assert_allclose(
            f.totals(sums, start, stop), f.factors(start, stop).T @ sums, rtol=1e-13
        )
    # rank of the dense factors equals the closed form
    assert f.rank() == np.linalg.matrix_rank(f.factors())


@pytest.mark.parametrize("type_", ["bootstrap", "sdr", "brr"])
def test_rank_of_factors_equals_numpy_rank(type_):
    stratum = np.repeat(np.arange(6), 2 if type_ == "brr" else 4)
    layout = PsuLayout(stratum, tuple(range(6)))
    f = make_factors(layout, type_, seed=3) if type_ == "bootstrap" else make_factors(layout, type_)
    assert f.rank() == np.linalg.matrix_rank(f.factors())


def test_bootstrap_factors_are_rao_wu_counts():
    # Rao & Wu (1988) with n_h - 1 draws: factor * (n_h - 1)/n_h is a count, counts in a stratum
    # add up to n_h - 1 (so factors add up to n_h); with an FPC the factor is
    # 1 - lambda + lambda * (rescaled count), lambda = sqrt(1 - n_h/N_h).
    stratum = np.repeat(np.arange(3), [2, 4, 7])
    layout = PsuLayout(stratum, ("a", "b", "c"))
    f = make_factors(layout, "bootstrap", replicates=300, seed=11).factors()
    n_h = np.bincount(stratum)[stratum][:, None]
    counts = f * (n_h - 1) / n_h
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-12)
    sums = np.stack([f[stratum == h].sum(axis=0) for h in range(3)])
    np.testing.assert_allclose(sums, np.bincount(stratum)[:, None] * np.ones((1, 300)))
    # mean count of a PSU is (n_h - 1)/n_h, i.e. mean factor 1 (300 x 13 draws)
    assert abs(f.mean() - 1) < 0.03
    pop = np.array([4.0, 16.0, 70.0])[stratum]
    g = make_factors(PsuLayout(stratum, ("a", "b", "c"), pop), "bootstrap", replicates=300, seed=11)
    lam = np.sqrt(1 - np.bincount(stratum) / np.array([4.0, 16.0, 70.0]))[stratum][:, None]
    np.testing.assert_allclose(g.factors(), 1 - lam + lam * f, rtol=1e-13)


def test_bootstrap_seed_reproduces_and_blocks_agree():
    stratum = np.repeat(np.arange(5), 6)
    layout = PsuLayout(stratum, tuple(range(5)))
    a = make_factors(layout, "bootstrap", replicates=600, seed=2026)
    b = make_factors(layout, "bootstrap", replicates=600, seed=2026)
    c = make_factors(layout, "bootstrap", replicates=600, seed=2027)
    np.testing.assert_array_equal(a.factors(), b.factors())
    assert not np.array_equal(a.factors(), c.factors())
    # any range of replicates is the same slice of the whole set, across block boundaries
    np.testing.assert_array_equal(a.factors(250, 270), a.factors()[:, 250:270])
    # seed=None draws entropy once and keeps it: the design reuses the same replicates
    d = make_factors(layout, "bootstrap", replicates=20)
    np.testing.assert_array_equal(d.factors(), d.factors())
    again = pickle.loads(pickle.dumps(d))
    np.testing.assert_array_equal(again.factors(), d.factors())


def test_sdr_total_variance_is_half_circular_successive_differences():
    # Fay & Train (1995): with distinct orthogonal Hadamard rows the SDR variance of a total
    # is exactly (1/2) sum of squared successive differences, wrapped around in each stratum.
    rng = np.random.default_rng(5)
    stratum = np.repeat(np.arange(3), [5, 8, 2])
    layout = PsuLayout(stratum, tuple("xyz"))
    f = make_factors(layout, "sdr")
    assert f.n_replicates == hadamard_order(stratum.size) == 16
    t = rng.normal(10, 3, size=stratum.size)
    reps = f.totals(t[:, None], 0, f.n_replicates)
    v = replicate_variance(reps, np.array([t.sum()]), scale=f.scale, rscales=f.rscales, mse=True)
    expected = 0.0
    for h in range(3):
        th = t[stratum == h]
        expected += 0.5 * np.sum((th - np.roll(th, 1)) ** 2)
    assert v[0, 0] == pytest.approx(expected, rel=1e-12)
    assert f.scale == 4 / 16
    # 80 replicates, as the ACS ships them
    assert make_factors(layout, "sdr", replicates=80).n_replicates == 80


def test_replicate_variance_centres_like_r():
    est = np.array([[1.0, 2.0], [2.0, 2.0], [6.0, 5.0]])
    full = np.array([2.0, 2.0])
    v = replicate_variance(est, full, scale=0.5, rscales=np.array([1.0, 1.0, 0.0]), mse=False)
    # centre = mean of the replicates with rscales > 0: (1.5, 2.0)
    dev = (est - [1.5, 2.0]) * np.sqrt([1.0, 1.0, 0.0])[:, None]
    np.testing.assert_allclose(v, 0.5 * dev.T @ dev)
    v = replicate_variance(est, full, scale=1.0, rscales=np.ones(3), mse=True)
    np.testing.assert_allclose(v, (est - full).T @ (est - full))
    # a replicate with a non-finite estimate is left out (R: na.action on the replicates)
    est[1, 0] = np.nan
    v = replicate_variance(est, full, scale=1.0, rscales=np.ones(3), mse=True)
    np.testing.assert_allclose(v, (est[[0, 2]] - full).T @ (est[[0, 2]] - full))


def test_psu_sums():
    z = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(
        psu_sums(np.array([2, 0, 2, 1, 0, 0]), 3, z), [[2 + 8 + 10, 3 + 9 + 11], [6, 7], [4, 6]]
    )


# --- errors -----------------------------------------------------------------------------------


def test_brr_names_the_stratum_with_three_psus():
    layout = PsuLayout(np.array([0, 0, 1, 1, 1]), ("75", "86"))
    with pytest.raises(SurveyStatsError, match=r"stratum '86' has 3"):
        make_factors(layout, "brr")


def test_bad_options_raise():
    layout = PsuLayout(np.array([0, 0, 1, 1]), ("a", "b"))
    with pytest.raises(InvalidOptionError, match="jk1, jkn, brr, fay, bootstrap, sdr"):
        make_factors(layout, "JK1")
    with pytest.raises(InvalidOptionError, match="rho"):
        make_factors(layout, "fay")
    with pytest.raises(InvalidOptionError, match="rho must be strictly between"):
        make_factors(layout, "fay", rho=1.0)
    with pytest.raises(InvalidOptionError, match="only with type='fay'"):
        make_factors(layout, "brr", rho=0.5)
    with pytest.raises(InvalidOptionError, match="use type='jkn'"):
        make_factors(layout, "jk1")
    with pytest.raises(InvalidOptionError, match="fixed by the design"):
        make_factors(layout, "jkn", replicates=10)
    with pytest.raises(InvalidOptionError, match="Hadamard"):
        make_factors(layout, "sdr", replicates=10)
    with pytest.raises(InvalidOptionError, match="seed"):
        make_factors(layout, "bootstrap", seed=-1)


def test_lonely_psu_in_jkn_and_bootstrap_names_the_stratum():
    layout = PsuLayout(np.array([0, 0, 1]), ("north", "south"))
    with pytest.raises(SurveyStatsError, match="'south' has only one PSU"):
        make_factors(layout, "jkn")
    with pytest.raises(SurveyStatsError, match="'south' has only one PSU"):
        make_factors(layout, "bootstrap", seed=1)
    removed = PsuLayout(np.array([0, 0, 1]), ("north", "south"), lonely_psu="remove")
    assert make_factors(removed, "jkn").n_replicates == 2
    boot = make_factors(removed, "bootstrap", seed=1, replicates=5).factors()
    np.testing.assert_array_equal(boot[2], np.ones(5))  # the lonely PSU is never rescaled
