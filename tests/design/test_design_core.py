"""SurveyDesign: input rules, invariants (hypothesis) and the contract other modules use.

Reference values against R live in test_design_reference.py; here the expected values come
from closed forms (the with-replacement variance of a simple random sample), from a
brute-force loop over strata and PSUs written from R's ``onestrat`` formula, or from
invariances every design-based estimator has.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import surveystats as ss
from surveystats.design import DesignResult, load_api
from surveystats.exceptions import SurveyStatsError


@pytest.fixture(scope="module")
def apistrat():
    return load_api("apistrat")


# -- input rules (DESIGN.md "Rules for inputs") -------------------------------------------


def test_missing_column_is_named(apistrat):
    with pytest.raises(SurveyStatsError, match="strata='school_type' is not a column"):
        ss.SurveyDesign(apistrat, weights="pw", strata="school_type")
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype")
    with pytest.raises(SurveyStatsError, match="variable='income' is not a column"):
        d.mean("income")
    with pytest.raises(SurveyStatsError, match="by='region' is not a column"):
        d.proportion("sch.wide", level="Yes", by="region")


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_bad_weight_is_named(apistrat, bad):
    data = apistrat.copy()
    data.loc[7, "pw"] = bad
    with pytest.raises(SurveyStatsError, match=r"weights column 'pw' has 1 .* row 7"):
        ss.SurveyDesign(data, weights="pw", strata="stype")


def test_lonely_psu_fails_naming_the_stratum(apistrat):
    data = apistrat.copy()
    data["stratum"] = data["stype"].astype(str)
    data.loc[0, "stratum"] = "L"
    with pytest.raises(SurveyStatsError, match="stratum stratum='L' has only one PSU"):
        ss.SurveyDesign(data, weights="pw", strata="stratum")
    # each of R's other options builds a design
    for option in ("remove", "certainty", "adjust", "average"):
        ss.SurveyDesign(data, weights="pw", strata="stratum", lonely_psu=option)
    with pytest.raises(SurveyStatsError, match="lonely_psu='drop' is not recognized"):
        ss.SurveyDesign(data, weights="pw", strata="stratum", lonely_psu="drop")


def test_fpc_smaller_than_sample_is_named(apistrat):
    data = apistrat.copy()
    data.loc[data["stype"] == "H", "fpc"] = 10  # 50 high schools sampled of "10"
    with pytest.raises(SurveyStatsError, match=r"stratum stype='H' has 50 sampled PSU\(s\)"):
        ss.SurveyDesign(data, weights="pw", strata="stype", fpc="fpc")


def test_level_that_does_not_occur_is_named(apistrat):
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype")
    with pytest.raises(SurveyStatsError, match="level='yes' does not occur in column 'sch.wide'"):
        d.proportion("sch.wide", level="yes")


def test_missing_design_column_and_unknown_options(apistrat):
    data = apistrat.copy()
    data.loc[3, "stype"] = None
    with pytest.raises(SurveyStatsError, match="strata column 'stype' has 1 missing"):
        ss.SurveyDesign(data, weights="pw", strata="stype")
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype")
    with pytest.raises(SurveyStatsError, match="method='wald' is not recognized"):
        d.proportion("sch.wide", level="Yes", method="wald")
    with pytest.raises(SurveyStatsError, match="confidence_level"):
        d.mean("api00", confidence_level=95)
    with pytest.raises(SurveyStatsError, match="deff='yes' is not recognized"):
        d.mean("api00", deff="yes")
    with pytest.raises(SurveyStatsError, match="statistic='G' is not recognized"):
        d.chisq("sch.wide", "stype", statistic="G")


def test_clusters_not_nested_in_strata(apistrat):
    with pytest.raises(SurveyStatsError, match="not nested in strata"):
        ss.SurveyDesign(apistrat, weights="pw", strata="stype", clusters="dnum")
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", clusters="dnum", nest=True)
    assert d.degf == d.data.groupby(["stype", "dnum"]).ngroups - 3


# -- the design object --------------------------------------------------------------------


def test_design_is_immutable_and_pickles(apistrat):
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    with pytest.raises(AttributeError):
        d.degf = 3
    with pytest.raises(ValueError):
        d.weights[0] = 1.0
    again = pickle.loads(pickle.dumps(d))
    assert again.mean("api00").se == d.mean("api00").se


def test_weights_implied_by_fpc_fractions():
    # apiclus2 with fpc as population sizes implies weights N1/n1 * N2/n2 (R svydesign)
    data = load_api("apiclus2")
    d = ss.SurveyDesign(data, clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    n2 = data.groupby("dnum")["snum"].transform("nunique")
    np.testing.assert_allclose(d.weights, 757 / 40 * data["fpc2"] / n2, rtol=1e-14)
    # the same design with the fpc given as sampling fractions
    fractions = data.assign(f1=40 / data["fpc1"], f2=n2 / data["fpc2"])
    e = ss.SurveyDesign(fractions, clusters=["dnum", "snum"], fpc=["f1", "f2"])
    np.testing.assert_allclose(e.weights, d.weights, rtol=1e-12)
    np.testing.assert_allclose(e.mean("api00").se, d.mean("api00").se, rtol=1e-12)


def test_result_pickles_and_recomputes_without_closures(apistrat):
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    r = d.proportion("sch.wide", level="Yes", by="stype", method="beta")
    again = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(again.low, r.low)
    same = again.confidence_interval(0.95)
    np.testing.assert_allclose(same.low, r.low, rtol=1e-15)
    frame = r.to_frame()
    assert list(frame["domain"]) == ["E", "H", "M"]
    assert {"estimate", "se", "deff", "low", "high", "df", "n", "n_missing"} <= set(frame)
    assert isinstance(d.mean("api00"), DesignResult)


class _ZeroScores:
    """A weighting step that removes all variance (to see that steps are applied)."""

    def adjust_scores(self, scores):
        return np.zeros_like(scores)


class _Record:
    def __init__(self, log, name):
        self.log, self.name = log, name

    def adjust_scores(self, scores):
        self.log.append(self.name)
        return scores


def test_weighting_steps_are_applied_in_order(apistrat):
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype")
    log = []
    e = d._replace(weighting_steps=(_Record(log, "first"), _Record(log, "second")))
    assert e.mean("api00", by="stype").se[0] == d.mean("api00", by="stype").se[0]
    assert log == ["first", "second"]
    z = d._replace(weights=d.weights * 2, weighting_steps=(_ZeroScores(),))
    assert z.mean("api00").se == 0
    assert d.mean("api00").se > 0  # the original design is untouched
    assert z.total("api00").estimate == pytest.approx(2 * d.total("api00").estimate)


# -- invariants ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=5, max_value=60),
    share=st.floats(min_value=0.05, max_value=0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_simple_random_sample_closed_form(n, share, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < share).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    d = ss.SurveyDesign(pd.DataFrame({"y": y}))
    r = d.proportion("y", level=1, method="mean")
    p = y.mean()
    # with-replacement linearization with n/(n-1), as R: sqrt(p(1-p)/(n-1))
    assert r.se == pytest.approx(np.sqrt(p * (1 - p) / (n - 1)), rel=1e-12)
    t = stats.t.ppf(0.975, n - 1)
    assert r.df == n - 1
    assert r.low == pytest.approx(p - t * r.se, rel=1e-12)
    assert r.high == pytest.approx(p + t * r.se, rel=1e-12)
    assert r.deff == pytest.approx(1.0, rel=1e-12)


def _random_design_frame(rng, n_strata, with_fpc):
    rows = []
    for h in range(n_strata):
        n_psu = rng.integers(2, 6)
        population = n_psu + rng.integers(0, 20)
        for j in range(n_psu):
            for _ in range(rng.integers(1, 5)):
                rows.append((h, f"{h}-{j}", population))
    frame = pd.DataFrame(rows, columns=["stratum", "psu", "population"])
    n = len(frame)
    frame["w"] = rng.uniform(0.5, 5.0, n)
    frame["y"] = rng.normal(10, 3, n)
    frame["group"] = rng.integers(0, 3, n)
    if not with_fpc:
        frame = frame.drop(columns="population")
    return frame


def _brute_force_domain_se(frame, domain, with_fpc):
    """R's svyrecvar for one domain mean, with Python loops over strata and PSUs."""
    inside = (frame["group"] == domain).to_numpy()
    w = frame["w"].to_numpy() * inside
    y = frame["y"].to_numpy()
    mean = np.sum(w * y) / np.sum(w)
    scores = w * (y - mean) / np.sum(w)
    variance = 0.0
    for _, stratum in frame.groupby("stratum"):
        # PSU totals of the scores (positions within the stratum mapped back to rows)
        totals = np.array(
            [scores[stratum.index[i]].sum() for i in stratum.groupby("psu").indices.values()]
        )
        n_h = len(totals)
        f = 1.0
        if with_fpc:
            population = stratum["population"].iloc[0]
            f = (population - n_h) / population
        variance += f * n_h / (n_h - 1) * np.sum((totals - totals.mean()) ** 2)
    return mean, np.sqrt(variance)


@settings(max_examples=30, deadline=None)
@given(
    n_strata=st.integers(1, 4),
    with_fpc=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_domains_match_a_brute_force_loop(n_strata, with_fpc, seed):
    rng = np.random.default_rng(seed)
    frame = _random_design_frame(rng, n_strata, with_fpc)
    keywords = dict(weights="w", strata="stratum", clusters="psu")
    if with_fpc:
        keywords["fpc"] = "population"
    r = ss.SurveyDesign(frame, **keywords).mean("y", by="group")
    for i, domain in enumerate(r.domain):
        mean, se = _brute_force_domain_se(frame, domain, with_fpc)
        assert r.estimate[i] == pytest.approx(mean, rel=1e-12)
        assert r.se[i] == pytest.approx(se, rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(min_value=1e-3, max_value=1e4), seed=st.integers(0, 2**32 - 1))
def test_scaling_weights_changes_no_mean_se_or_interval(scale, seed):
    rng = np.random.default_rng(seed)
    frame = _random_design_frame(rng, 3, False)
    frame["answer"] = np.where(frame["y"] > 10, "yes", "no")
    frame.loc[0, "answer"] = "yes"
    frame.loc[1, "answer"] = "no"
    scaled = frame.assign(w=frame["w"] * scale)
    one = ss.SurveyDesign(frame, weights="w", strata="stratum", clusters="psu")
    other = ss.SurveyDesign(scaled, weights="w", strata="stratum", clusters="psu")
    for method in ("logit", "likelihood", "beta", "asin", "wilson"):
        a = one.proportion("answer", level="yes", method=method, by="group")
        b = other.proportion("answer", level="yes", method=method, by="group")
        # a domain whose variance is zero but for rounding (all its rows in one PSU of a
        # stratum, say) has an se of 1e-17 that scaling moves; its interval is not compared
        real = a.se > 1e-12
        for field in ("estimate", "se", "deff", "low", "high"):
            np.testing.assert_allclose(getattr(b, field)[real], getattr(a, field)[real], rtol=1e-9)
    a, b = one.total("y"), other.total("y")
    assert b.estimate == pytest.approx(scale * a.estimate, rel=1e-12)
    assert b.se == pytest.approx(scale * a.se, rel=1e-9)
    assert b.deff == pytest.approx(a.deff, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_one_stratum_equals_no_strata(seed):
    rng = np.random.default_rng(seed)
    frame = _random_design_frame(rng, 1, True)
    with_stratum = ss.SurveyDesign(
        frame, weights="w", strata="stratum", clusters="psu", fpc="population"
    )
    without = ss.SurveyDesign(frame, weights="w", clusters="psu", fpc="population")
    a, b = with_stratum.mean("y", by="group"), without.mean("y", by="group")
    np.testing.assert_allclose(a.se, b.se, rtol=1e-12)
    assert a.df.tolist() == b.df.tolist()


def test_wilson_bounds_solve_the_score_equation(apistrat):
    # Wilson's bounds pi solve (p - pi)^2 = t^2 pi (1 - pi) / n_eff, n_eff = p(1-p)/var
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    r = d.proportion("sch.wide", level="Yes", by="stype", method="wilson")
    n_eff = r.estimate * (1 - r.estimate) / r.se**2
    t = stats.t.ppf(0.975, r.df)
    for bound in (r.low, r.high):
        np.testing.assert_allclose(
            (r.estimate - bound) ** 2, t**2 * bound * (1 - bound) / n_eff, rtol=1e-10
        )
    assert np.all(r.low < r.estimate) and np.all(r.estimate < r.high)


def test_fifty_domains_in_one_pass_agree_with_one_domain_at_a_time():
    rng = np.random.default_rng(3)
    frame = _random_design_frame(rng, 4, True)
    frame["group"] = rng.integers(0, 50, len(frame))
    keywords = dict(weights="w", strata="stratum", clusters="psu", fpc="population")
    many = ss.SurveyDesign(frame, **keywords).mean("y", by="group")
    assert len(many.domain) == frame["group"].nunique()
    for i, domain in enumerate(many.domain[:5]):
        alone = frame.assign(inside=frame["group"] == domain)
        single = ss.SurveyDesign(alone, **keywords).mean("y", by="inside")
        j = list(single.domain).index(True)
        assert single.estimate[j] == pytest.approx(many.estimate[i], rel=1e-13)
        assert single.se[j] == pytest.approx(many.se[i], rel=1e-10)


def test_more_input_rules(apistrat):
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    with pytest.raises(SurveyStatsError, match="variable='sch.wide' is not numeric"):
        d.mean("sch.wide")
    with pytest.raises(SurveyStatsError, match="compare needs by="):
        d.compare("api00", by=None)
    with pytest.raises(SurveyStatsError, match="pairs names domain 'X', which does not occur"):
        d.compare("api00", by="stype", pairs=[("E", "X")])
    data = apistrat.copy()
    data.loc[5, "awards"] = None
    e = ss.SurveyDesign(data, weights="pw", strata="stype")
    # a missing by value: the row is in no domain (R's svyby forms no group for NA) and
    # is counted, never dropped silently (test_design_domains.py checks the numbers with R)
    by_missing = e.mean("api00", by="awards")
    assert by_missing.n_missing_by == 1
    assert int(np.sum(by_missing.n)) == 199
    # a missing answer in a chisq column is left out and counted
    r = e.chisq("awards", "sch.wide")
    assert (r.n, r.n_missing) == (199, 1)


def test_public_names_and_compare_frame(apistrat):
    assert ss.SurveyDesign is ss.design.SurveyDesign
    assert ss.DesignResult is DesignResult
    d = ss.SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")
    r = d.compare("sch.wide", by="stype", level="Yes")
    frame = r.to_frame()
    assert list(zip(frame["first"], frame["second"], strict=True)) == [
        ("E", "H"),
        ("E", "M"),
        ("H", "M"),
    ]
    # second minus first
    shares = d.proportion("sch.wide", level="Yes", by="stype")
    assert frame["estimate"][0] == pytest.approx(shares.estimate[1] - shares.estimate[0])
    wide = r.confidence_interval(0.99)
    assert np.all(wide.low < r.low) and np.all(r.high < wide.high)
    again = pickle.loads(pickle.dumps(r))
    np.testing.assert_array_equal(again.pvalue, r.pvalue)
