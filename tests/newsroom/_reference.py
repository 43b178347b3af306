"""Independent verdicts for the newsroom corpus, from scipy's normal and chi-square
distributions and the textbook formulas (not from surveystats):

* change between waves, and difference between subgroups: two-sample z test with the pooled
  proportion (R ``prop.test(correct = FALSE)``);
* lead within one poll: Wald z test of ``p_a - p_b`` with variance ``(p_a + p_b - d^2) / n``
  (the multinomial variance of a difference of two shares of one sample);
* trend: Cochran-Armitage chi-square with the wave scores (R ``prop.trend.test``);
* stated margin: the simple random sample's margin at 50%, ``z * sqrt(0.25 / n)``;
* an amount stated in words ("down 16%", "leads by 9 points"): the difference of the two
  figures in percentage points and as a relative change, within the rounding of the amount
  as written plus that of the two figures;
* a relative change of unknown base ("a 10% drop"): both readings tested as changes.
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


def amount_holds(values, stated, unit, figure_half=0.05):
    """Does an amount as written fit its two figures (``values`` as proportions, earlier then
    later, or leader then trailer)?  ``figure_half`` is each figure's rounding, in points."""
    a, b = (float(v) for v in values)
    half = 0.5 * 10.0 ** -(len(str(stated).split(".")[1]) if "." in str(stated) else 0)
    if unit == "points":
        return abs(abs(stated) - 100 * abs(b - a)) <= half + 2 * figure_half + 1e-9
    relative = 100 * abs(b / a - 1)
    return abs(abs(stated) - relative) <= half + 200 * figure_half / (100 * a) + 1e-9


def readings_verdict(later, amount, n):
    """Both readings of a relative change of unknown base: ``amount`` percent as written,
    signed.  'ambiguous' when the points reading and the relative one disagree."""
    d = abs(amount) / 100
    falls = amount < 0
    by_points = later + d if falls else later - d
    by_ratio = later / (1 - d) if falls else later / (1 + d)
    sig = [change_p(e, later, n) < 0.05 for e in (by_points, by_ratio)]
    if sig[0] != sig[1]:
        return "ambiguous"
    return "holds" if sig[0] else "wrong"


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
        if claim == "amount":
            holds = amount_holds(expected["values"], expected["stated"], expected["unit"])
            return "holds" if holds else "wrong"
        if claim == "readings":
            n = expected.get("n") or poll_n or TYPICAL_N
            return readings_verdict(float(expected["values"][0]), expected["amount"], n)

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
