"""Properties of bootstrap and successive-difference replicates (no R reference exists for
replicates drawn with numpy's generator, so these check what the methods promise).

* Rao-Wu bootstrap (Rao & Wu 1988): for a total its replicate variance is unbiased for the
  with-replacement Taylor variance sum_h n_h/(n_h - 1) sum_i (t_hi - tbar_h)^2, so the
  bootstrap variance approaches it as replicates grow (Monte Carlo error ~ sqrt(2/R)).
* SDR (Fay & Train 1995): averaged over random orderings of the PSUs, half the circular sum
  of squared successive differences equals that same Taylor variance exactly, so the SDR
  variance over shuffled PSU orders approaches it.
"""

from __future__ import annotations

import numpy as np
import pytest

from surveystats.design.replicates import PsuLayout, make_factors, replicate_variance


def _taylor_total_variance(stratum, t):
    out = 0.0
    for h in np.unique(stratum):
        th = t[stratum == h]
        out += th.size / (th.size - 1) * np.sum((th - th.mean()) ** 2)
    return out


def _replicate_total_variance(factors, t):
    reps = factors.totals(t[:, None], 0, factors.n_replicates)
    v = replicate_variance(
        reps, np.array([t.sum()]), scale=factors.scale, rscales=factors.rscales, mse=False
    )
    return v[0, 0]


@pytest.fixture(scope="module")
def psus():
    rng = np.random.default_rng(20261201)
    stratum = np.repeat(np.arange(6), [3, 4, 5, 6, 8, 10])
    t = rng.gamma(4.0, 50.0, size=stratum.size) * (1 + stratum)
    return stratum, t


def test_bootstrap_variance_approaches_taylor_as_replicates_grow(psus):
    stratum, t = psus
    layout = PsuLayout(stratum, tuple(range(6)))
    taylor = _taylor_total_variance(stratum, t)
    errors = []
    for replicates in (50, 500, 20_000):
        f = make_factors(layout, "bootstrap", replicates=replicates, seed=7)
        errors.append(abs(_replicate_total_variance(f, t) / taylor - 1))
    # 20,000 replicates: relative Monte Carlo sd about sqrt(2/20000) times a kurtosis factor
    assert errors[-1] < 0.04
    assert errors[-1] < errors[0]


def test_bootstrap_with_fpc_approaches_taylor_with_fpc(psus):
    # Rao, Wu & Yue (1992): lambda = sqrt(1 - f_h) carries the FPC (1 - f_h) into the variance
    stratum, t = psus
    n_h = np.bincount(stratum)
    population = (3 * n_h)[stratum].astype(float)  # f_h = 1/3 in every stratum
    layout = PsuLayout(stratum, tuple(range(6)), population)
    f = make_factors(layout, "bootstrap", replicates=20_000, seed=8)
    taylor = _taylor_total_variance(stratum, t) * (1 - 1 / 3)
    assert _replicate_total_variance(f, t) / taylor == pytest.approx(1, abs=0.04)


def test_sdr_variance_over_random_orders_approaches_taylor(psus):
    stratum, t = psus
    layout = PsuLayout(stratum, tuple(range(6)))
    f = make_factors(layout, "sdr")
    rng = np.random.default_rng(3)
    values = []
    for _ in range(4000):
        shuffled = t.copy()
        for h in range(6):
            where = np.flatnonzero(stratum == h)
            shuffled[where] = rng.permutation(t[where])
        values.append(_replicate_total_variance(f, shuffled))
    assert np.mean(values) / _taylor_total_variance(stratum, t) == pytest.approx(1, abs=0.03)


def test_bootstrap_fixed_seed_reproduces_variance(psus):
    stratum, t = psus
    layout = PsuLayout(stratum, tuple(range(6)))
    a = _replicate_total_variance(make_factors(layout, "bootstrap", replicates=100, seed=1), t)
    b = _replicate_total_variance(make_factors(layout, "bootstrap", replicates=100, seed=1), t)
    c = _replicate_total_variance(make_factors(layout, "bootstrap", replicates=100, seed=2), t)
    assert a == b
    assert a != c


def test_brr_total_variance_equals_taylor_for_two_psus_per_stratum():
    # McCarthy (1969): with a Hadamard matrix (full orthogonal balance) the BRR variance of a
    # total equals sum_h (t_h1 - t_h2)^2, the with-replacement Taylor variance, for any order.
    rng = np.random.default_rng(4)
    for k in (3, 15, 26, 33, 70):  # 26 and 33 use the Paley II orders 28 and 36
        stratum = np.repeat(np.arange(k), 2)
        t = rng.normal(100, 20, size=2 * k)
        f = make_factors(PsuLayout(stratum, tuple(range(k))), "brr")
        assert _replicate_total_variance(f, t) == pytest.approx(
            _taylor_total_variance(stratum, t), rel=1e-10
        )


def test_replicate_estimate_never_builds_rows_by_replicates():
    # 200,000 rows x 1,000 replicates would be 1.6 GB as a weight matrix; per-PSU factors
    # (400 x 1,000) and PSU sums keep the traced peak to a few row-length arrays.
    import tracemalloc

    import pandas as pd

    import surveystats as ss

    rng = np.random.default_rng(9)
    rows, n_psu = 200_000, 400
    psu = rng.integers(0, n_psu, size=rows)
    frame = pd.DataFrame(
        {"psu": psu, "stratum": psu % 20, "w": rng.uniform(1, 3, rows), "y": rng.random(rows)}
    )
    d = ss.SurveyDesign(frame, weights="w", strata="stratum", clusters="psu")
    rd = d.replicate("bootstrap", replicates=1000, seed=1)
    tracemalloc.start()
    result = rd.mean("y", by="stratum")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert np.isfinite(result.se).all()
    assert peak < 100 * 2**20, peak / 2**20
