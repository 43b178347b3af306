"""Independent verdicts for the newsroom corpus, from scipy's normal and chi-square
distributions and the textbook formulas (not from surveystats):

* change between waves, and difference between subgroups: two-sample z test with the pooled
  proportion (R ``prop.test(correct = FALSE)``);
* lead within one poll: Wald z test of ``p_a - p_b`` with variance ``(p_a + p_b - d^2) / n``
  (the multinomial variance of a difference of two shares of one sample);
* trend: Cochran-Armitage chi-square with the wave scores (R ``prop.trend.test``);
* stated margin: the simple random sample's margin at 50%, ``z * sqrt(0.25 / n)``.
"""

from __future__ import annotations

import math

from scipy import stats

Z = stats.norm.ppf(0.975)
TYPICAL_N = 1000


def change_p(p1, p2, n):
    pooled = (p1 + p2) / 2
    se = math.sqrt(pooled * (1 - pooled) * 2 / n)
    return 1.0 if se == 0 else 2 * stats.norm.sf(abs(p2 - p1) / se)


def lead_p(a, b, n):
    d = a - b
    se = math.sqrt((a + b - d * d) / n)
    return 1.0 if se == 0 else 2 * stats.norm.sf(abs(d) / se)


def trend_p(ps, n, scores):
    mean_x = sum(scores) / len(scores)
    pbar = sum(ps) / len(ps)
    t = sum(n * (p - pbar) * (x - mean_x) for p, x in zip(ps, scores, strict=True))
    var = pbar * (1 - pbar) * sum(n * (x - mean_x) ** 2 for x in scores)
    return stats.chi2.sf(t * t / var, 1)


def srs_moe(n):
    return Z * math.sqrt(0.25 / n)


def pvalue(expected, poll_n=None):
    """The p-value of the test an expected finding stands for."""
    kind = expected.get("test", expected["kind"])
    values = [float(v) for v in expected["values"]]
    n = expected.get("n") or TYPICAL_N
    if kind == "change":
        return change_p(values[0], values[1], n)
    if kind == "lead":
        return lead_p(values[0], values[1], n)
    if kind == "trend":
        scores = expected.get("scores") or list(range(len(values)))
        return trend_p(values, n, scores)
    if kind == "subgroup_difference":
        each = (poll_n or TYPICAL_N) / 2
        return change_p(values[0], values[1], each)
    raise ValueError(kind)


def verdict(expected, poll_n=None):
    """The verdict the corpus must list for an expected finding."""
    kind = expected["kind"]
    if kind in ("change", "lead", "trend", "subgroup_difference"):
        return "sig" if pvalue(expected, poll_n) < 0.05 else "ns"
    if kind == "wording":
        claim = expected["claim"]
        if claim == "majority":
            return "holds" if expected["values"][0] > 0.5 else "wrong"
        significant = pvalue(expected, poll_n) < 0.05
        if claim in ("tie", "within", "overlap"):
            return "wrong" if significant else "holds"
        return "holds" if significant else "wrong"
    if kind == "stated_moe":
        if expected["verdict"] in ("modelled", "implied"):
            return expected["verdict"]
        moe = expected["moe"]
        half = 0.0005 if round(moe * 1000) % 10 else 0.005
        srs = srs_moe(expected["n"])
        if abs(moe - srs) <= half + 1e-9:
            return "matches"
        return "larger" if moe > srs else "smaller"
    return None
