"""The peers' own reference values, mapped onto surveystats' conventions.

tests/reference/peer_values.csv holds numbers taken as they stand from the test suites of
statsmodels and scipy (made by tests/reference/peer_values.py, which names the commit, file,
array and test of each one in the csv's ``source`` column, and the R call behind it):

- proportion_ci: statsmodels ``stats/tests/results/results_proportion.py`` ``res_binom``
  (R ``binom::binom.confint(x, n, tol = 1e-8)``), 7 tables x 9 methods x 2 bounds, and R
  ``binom.test(51, 235)``'s Clopper-Pearson intervals in ``test_proportion.py``;
- adjust_pvalues: statsmodels ``stats/tests/test_multi.py`` (R ``multtest::mt.rawp2adjp`` for
  bonferroni, holm, hochberg, sidak, holm-sidak, bh, by on four sets of p-values; R
  ``p.adjust(method = "hommel")`` in ``test_hommel``);
- mcnemar: statsmodels ``stats/tests/results/contingency_table_r_results.csv`` (R
  ``mcnemar.test`` and the binomial test);
- barnard / boschloo: scipy ``stats/tests/test_hypotests.py`` (R ``Barnard::barnard.test``
  and ``Exact::exact.test``).

Values of the same methods already checked elsewhere are not repeated here: statsmodels'
multinomial results (tests/test_shares.py), the PropCIs and Fagerland et al. (2015) values
quoted in statsmodels' ``test_proportion.py`` and the ratesci ``test3.R`` examples
(tests/test_compare.py, tests/test_paired.py).  DescTools on CRAN ships no test files with
reference values (only R/ and man/), so there is nothing of its own to take.

Conventions mapped: our intervals are clipped to [0, 1] (R binom's 'asymptotic' and
'agresti-coull' are not); ``compare_proportions`` is about p2 - p1 where scipy's
alternatives are about p1 - p2 (mirrored), and its Barnard statistic is the z of p2 - p1
(scipy's negated).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.unconditional import barnard_pvalue

PEERS = pd.read_csv(Path(__file__).parent / "reference" / "peer_values.csv")
MIRRORED = {"two-sided": "two-sided", "less": "greater", "greater": "less"}

# Where we and a peer disagree, and the peer is wrong: (family, case, method, quantity) ->
# (the right value, why).  One of the 699.
PEER_WRONG = {
    ("barnard", "[[5, 0], [1, 4]]", "unpooled", "pvalue"): (
        14 / 1024,
        # x1 = 5 of 6 vs x2 = 0 of 4, unpooled z = (5/6) / sqrt(5/216).  Its mirror image
        # (1 of 6 vs 4 of 4) has |z| = |1/6 - 1| / sqrt(5/216), the same number in exact
        # arithmetic; R Barnard (0.0078125, quoted by scipy) and scipy compare the rounded
        # z exactly and drop it (1/6 - 1 and 5/6 differ in the last bit).  With it the
        # region is (5, 0), (1, 4) and the two tables of infinite z, (6, 0) and (0, 4), of
        # weight C(6,5) + C(6,1) + 1 + 1 = 14, and its probability is largest at pi = 1/2:
        # 14 / 2^10 (the enumeration in tests/test_unconditional.py gives the same).
        "an exact tie with the mirror image, dropped by the peer",
    ),
}


def _close(got, row):
    return bool(np.isclose(got, row.expected, rtol=row.rtol, atol=row.atol))


def _rows(family):
    return PEERS[PEERS.family == family]


def test_every_family_is_present():
    # 699 values from the two peers (a regenerated csv that lost a family fails here)
    counts = PEERS.family.value_counts()
    assert counts.to_dict() == {
        "adjust_pvalues": 432,
        "proportion_ci": 150,
        "barnard": 58,
        "boschloo": 56,
        "mcnemar": 3,
    }


@pytest.mark.parametrize(
    "method, alternative",
    sorted(_rows("proportion_ci").groupby(["method", "alternative"]).groups),
)
def test_proportion_ci_matches_r_binom_via_statsmodels(method, alternative):
    g = _rows("proportion_ci")
    g = g[(g.method == method) & (g.alternative == alternative)]
    r = ss.proportion_ci(g.x1 / g.n1, g.n1.to_numpy(float), method=method, alternative=alternative)
    got = np.where(g.quantity == "low", r.low, r.high)
    # ours are clipped to [0, 1]; R binom leaves wald and agresti-coull outside
    expected = np.clip(g.expected.to_numpy(), 0.0, 1.0)
    bad = ~np.isclose(got, expected, rtol=0, atol=g.atol.to_numpy())
    assert not bad.any(), g.assign(got=got)[bad][["case", "quantity", "expected", "got"]]


@pytest.mark.parametrize("case", sorted(_rows("adjust_pvalues").case.unique()))
def test_adjust_pvalues_matches_r_via_statsmodels(case):
    g = _rows("adjust_pvalues")
    g = g[g.case == case]
    for method, m in g.groupby("method"):
        m = m.sort_values("position")
        got = ss.adjust_pvalues(m.input.to_numpy(), method=method)
        np.testing.assert_allclose(
            got,
            m.expected,
            rtol=m.rtol.iloc[0],
            atol=m.atol.iloc[0],
            err_msg=f"{case} {method}",
        )


def test_mcnemar_matches_r_via_statsmodels():
    for row in _rows("mcnemar").itertuples():
        test = "chi2" if row.method.startswith("chi2") else row.method
        r = ss.mcnemar(row.x1, row.x2, correction=row.method == "chi2-cc", test=test)
        got = r.statistic if row.quantity == "statistic" else r.pvalue
        assert _close(got, row), (row.source, got)


@pytest.mark.parametrize("family", ["barnard", "boschloo"])
def test_unconditional_tests_match_r_via_scipy(family):
    g = _rows(family)
    public = g[g.method != "unpooled"]
    for alternative, m in public.groupby("alternative"):
        r = ss.compare_proportions(
            m.x1 / m.n1,
            m.n1.to_numpy(float),
            m.x2 / m.n2,
            m.n2.to_numpy(float),
            test=family,
            alternative=MIRRORED[alternative],
        )
        # compare_proportions' Barnard statistic is the z of p2 - p1: scipy's negated
        sign = -1.0 if family == "barnard" else 1.0
        got = np.where(m.quantity == "pvalue", r.pvalue, sign * r.statistic)
        bad = [
            (r.case, r.quantity, alternative, v)
            for r, v in zip(m.itertuples(), got, strict=True)
            if not _close(v, r)
        ]
        assert not bad, bad
    # the unpooled z (scipy barnard_exact(pooled=False)) through the module's function
    unpooled = g[g.method == "unpooled"]
    if len(unpooled):
        statistic, pvalue = barnard_pvalue(
            *(unpooled[c].to_numpy(float) for c in ("x1", "n1", "x2", "n2")),
            "two-sided",
            pooled=False,
        )
        got = np.where(unpooled.quantity == "pvalue", pvalue, statistic)
        bad = []
        for r, v in zip(unpooled.itertuples(), got, strict=True):
            known = PEER_WRONG.get((r.family, r.case, r.method, r.quantity))
            if known is None:
                bad += [] if _close(v, r) else [(r.case, r.quantity, v)]
            else:  # ours is the right value, the peer's is not
                assert v == pytest.approx(known[0], rel=1e-12) and not _close(v, r), known[1]
        assert not bad, bad
