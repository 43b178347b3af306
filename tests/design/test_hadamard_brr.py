"""Hadamard matrices equal R's for every order R uses, and BRR / Fay with them equal R's SEs.

References in tests/reference/replicates/ (R 4.2.2, survey 4.1.1):
- ``hadamard_digests.R``: the MD5 digest of R's ``survey::hadamard(k)`` for k = 1..600 (every
  order R uses up to 604: Sylvester, Paley, its tabulated 28 and 36 and their doublings) and
  R's tabulated matrices of orders 28 and 36 in full;
- ``brr_orders.R``: ``as.svrepdesign(type = "BRR")`` (and ``"Fay"``, ``fay.rho = 0.3``) on
  designs of two schools per stratum made from apistrat, with 20 to 70 strata so that the
  orders 24 (Paley), 28, 36, 56 (28 doubled) and 72 (36 doubled) are used; mean, share and
  total with their replicate SEs, to 1e-8 relative.
"""

from __future__ import annotations

import hashlib
import pathlib

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.design._hadamard import hadamard

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "replicates"
DIGESTS = pd.read_csv(REF / "hadamard_digests.csv")
TABULATED = pd.read_csv(REF / "hadamard_tabulated.csv", dtype={"bits": str})
BRR = pd.read_csv(REF / "brr_orders.csv")
APISTRAT = pd.read_csv(REF / "apistrat.csv")


def _digest(h):
    # the text R's writeLines wrote: rows in 0/1 form, one a line
    text = "".join("".join(map(str, row)) + "\n" for row in (h.astype(int) + 1) // 2)
    return hashlib.md5(text.encode()).hexdigest()


def test_every_matrix_r_uses_up_to_604_is_rs():
    # R: tools::md5sum of survey::hadamard(k), k = 1..600
    mine = [_digest(hadamard(int(k))) for k in DIGESTS["k"]]
    wrong = DIGESTS["k"][np.array(mine) != DIGESTS["md5"].to_numpy()].tolist()
    assert wrong == []


@pytest.mark.parametrize("order, k", [(28, 27), (36, 35)])
def test_tabulated_orders_equal_rs_matrices(order, k):
    # R: survey:::hadamard.list[[3]] (Sloane's library) and [[4]] (Plackett & Burman 1946)
    rows = TABULATED[TABULATED["order"] == order]["bits"]
    expected = np.array([[1 if c == "1" else -1 for c in bits] for bits in rows])
    np.testing.assert_array_equal(hadamard(k), expected)


def _paired(k):
    # R: sub <- apistrat[1:(2k), ]; pair <- sprintf("s%03d", (1:(2k) + 1) %/% 2)
    sub = APISTRAT.iloc[: 2 * k].copy()
    sub["pair"] = [f"s{(i + 2) // 2:03d}" for i in range(2 * k)]
    return ss.SurveyDesign(sub, weights="pw", strata="pair", clusters="snum")


def _estimate(rd, statistic):
    if statistic == "mean_api00":
        return rd.mean("api00")  # R: svymean(~api00, r)
    if statistic == "share_sch.wide_Yes":
        return rd.proportion("sch.wide", level="Yes")  # R: svymean(~sch.wide, r)
    return rd.total("enroll")  # R: svytotal(~enroll, r)


_REPLICATED: dict = {}


def _replicate(k, type):
    if (k, type) not in _REPLICATED:
        d = _paired(k)
        _REPLICATED[k, type] = d.replicate("brr") if type == "brr" else d.replicate("fay", rho=0.3)
    return _REPLICATED[k, type]


@pytest.mark.parametrize(
    "k, type, replicates, statistic, estimate, se",
    list(BRR.itertuples(index=False, name=None)),
    ids=[f"{k}-{t}-{s}" for k, t, s in zip(BRR["k"], BRR["type"], BRR["statistic"], strict=True)],
)
def test_brr_and_fay_standard_errors_equal_r(k, type, replicates, statistic, estimate, se):
    rd = _replicate(int(k), type)
    assert rd.n_replicates == replicates
    r = _estimate(rd, statistic)
    np.testing.assert_allclose(r.estimate, estimate, rtol=1e-8)
    np.testing.assert_allclose(r.se, se, rtol=1e-8)
