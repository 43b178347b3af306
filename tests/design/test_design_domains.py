"""Domain proportions against R's svyby(..., svyciprop) taken literally.

Expected numbers: tests/reference/design/domain_reference.csv, made by domain_reference.R
beside it (R 4.2.2, survey 4.1.1): ``svyby(~I(y == level), ~by, design, svyciprop, method =
m, level = 0.95 / 0.90, vartype = "ci")`` and ``degf(design[in_domain, ])``, on apiclus1
(clusters, 8 to 15 domains), apistrat (strata, 9 domains) and nhanes (strata, nested PSUs,
16 domains).  Inside svyby, svyciprop's df is the domain's own degf (PSUs minus strata among
the domain's rows), not the whole design's.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import surveystats as ss

REFERENCE = Path(__file__).parent.parent / "reference" / "design"
RTOL = 1e-8
# svyciprop's logit bounds come from svyglm's IRLS (glm.control epsilon = 1e-8)
LOGIT_GLM_RTOL = 1e-7
# svyciprop's likelihood bounds come from a spline through profile points; held to RTOL
# against "likelihood_exact" (the same equation solved by uniroot in R), and to this against
# the spline (worst seen: 1.6e-3 in apiclus1 H.No, a domain with 3 degrees of freedom)
LIKELIHOOD_SPLINE_RTOL = 2e-3

DESIGNS = {
    "clus1": ("apiclus1", dict(weights="pw", clusters="dnum", fpc="fpc")),
    "clus1_nofpc": ("apiclus1", dict(weights="pw", clusters="dnum")),
    "strat": ("apistrat", dict(weights="pw", strata="stype", fpc="fpc")),
    "nhanes": (
        "nhanes",
        dict(weights="WTMEC2YR", strata="SDMVSTRA", clusters="SDMVPSU", nest=True),
    ),
}
METHODS = ("logit", "mean", "xlogit", "asin", "beta", "likelihood")


def _read():
    table = pd.read_csv(REFERENCE / "domain_reference.csv", keep_default_na=False, dtype=str)
    table["value"] = [
        float("nan") if v.strip() in ("NA", "NaN") else float(v) for v in table["value"]
    ]
    return table


REF = _read()
_CACHE: dict = {}


def _design(name):
    if name not in _CACHE:
        data_name, keywords = DESIGNS[name]
        data = pd.read_csv(REFERENCE / f"{data_name}.csv")
        if "meals" in data:  # domain_reference.R's floor(meals / 34): 0-33, 34-67, 68-100
            data["meals3"] = data["meals"] // 34
        _CACHE[name] = ss.SurveyDesign(data, **keywords)
    return _CACHE[name]


def _label(value):
    if isinstance(value, tuple):
        return ".".join(_label(v) for v in value)
    return str(value)


def _level(level):
    return int(level) if level.isdigit() else level


def _cases():
    rows = REF[REF["design"].isin(list(DESIGNS))]
    keys = rows[["design", "variable", "level", "by"]].drop_duplicates()
    return [tuple(k) for k in keys.itertuples(index=False)]


def _expected(design, variable, level, by, method, quantity):
    rows = REF[
        (REF["design"] == design)
        & (REF["variable"] == variable)
        & (REF["level"] == level)
        & (REF["by"] == by)
        & (REF["method"] == method)
        & (REF["quantity"] == quantity)
    ]
    assert len(rows) >= 5, (design, variable, by, method, quantity)
    return rows.set_index("domain")["value"]


def _frame(result):
    frame = result.to_frame()
    frame.index = [_label(d) for d in frame["domain"]]
    return frame


@pytest.mark.parametrize("design,variable,level,by", _cases())
def test_domain_df_is_r_degf_of_the_domain_subset(design, variable, level, by):
    d = _design(design)
    result = d.proportion(variable, level=_level(level), by=by.split("+"))
    frame = _frame(result)
    expected = _expected(design, variable, level, by, "", "df")
    np.testing.assert_array_equal(frame.loc[expected.index, "df"], expected.to_numpy())
    estimate = _expected(design, variable, level, by, "", "estimate")
    np.testing.assert_allclose(frame.loc[estimate.index, "estimate"], estimate, rtol=RTOL)


def test_domain_df_differ_from_the_design_df_in_the_references():
    # the test above is not vacuous: most reference domains have fewer degrees of freedom
    # than their design
    rows = REF[(REF["quantity"] == "df") & REF["design"].isin(list(DESIGNS))]
    whole = rows["design"].map(lambda name: _design(name).degf)
    assert (rows["value"] != whole).sum() >= 40


@pytest.mark.parametrize("design,variable,level,by", _cases())
@pytest.mark.parametrize("method", METHODS)
def test_domain_intervals_match_svyby_svyciprop(design, variable, level, by, method):
    d = _design(design)
    result = d.proportion(variable, level=_level(level), by=by.split("+"), method=method)
    frame = _frame(result)
    at90 = result.confidence_interval(0.90)
    frame = frame.assign(low90=at90.low, high90=at90.high)
    references = [(method, LOGIT_GLM_RTOL if method == "logit" else RTOL)]
    if method == "likelihood":
        references = [("likelihood_exact", RTOL), ("likelihood", LIKELIHOOD_SPLINE_RTOL)]
    for reference, rtol in references:
        for quantity in ("low", "high", "low90", "high90"):
            expected = _expected(design, variable, level, by, reference, quantity)
            # a domain whose answers are all alike (p = 0 or 1) has no variance; R's bounds
            # there are degenerate or NA (the existing reference tests skip them too)
            keep = frame.loc[expected.index, "se"].to_numpy() > 0
            assert keep.sum() >= 1
            rows = frame.loc[expected.index[keep]]
            got = rows[quantity].to_numpy(dtype=float)
            want = expected[keep].to_numpy()
            confidence = 0.90 if quantity.endswith("90") else 0.95
            fine = np.ones(len(got), dtype=bool)
            if reference in ("likelihood", "likelihood_exact"):
                # NA in R where its profile fails or (exact) the root lies beyond uniroot's
                # bracket of +-30 logit units; surveystats' bound there is in [0, 1], or NaN
                # where df is 0
                fine = np.isfinite(want)
                assert (((got >= 0) & (got <= 1)) | np.isnan(got))[~fine].all()
                if reference == "likelihood":
                    # the spline through profile points spaced by qt(a, df) is coarse when
                    # df is small (2e-3 off the exact root at df = 4, 1e-36 for 7e-8 at
                    # df = 2): compared where df >= 5 only
                    fine &= rows["df"].to_numpy() >= 5
            elif reference == "logit":
                # confint.svyglm turns qt(a, df) into a normal level, 1 - 2 pnorm(qt(a, df)),
                # which rounds to exactly 1 when df is 1 or 2 at 95% (qt = -12.7, -4.3 ...)
                # and then gives an infinite interval ([0, NaN] after expit); the same
                # formula without that detour is R's xlogit, held to RTOL above
                t = stats.t.ppf((1 - confidence) / 2, rows["df"].to_numpy())
                fine = 1 - 2 * stats.norm.cdf(t) < 1
            elif reference == "asin":
                # R squares the sine of an angle below 0 (or above pi/2), folding the bound
                # back into (0, 1); surveystats clips the angle (a bound of 0 or 1 there)
                p, se = rows["estimate"].to_numpy(), rows["se"].to_numpy()
                t = stats.t.ppf(1 - (1 - confidence) / 2, rows["df"].to_numpy())
                angle, half = np.arcsin(np.sqrt(p)), t * se / (2 * np.sqrt(p * (1 - p)))
                if quantity.startswith("high"):
                    fine, bound = angle + half <= np.pi / 2, 1.0
                else:
                    fine, bound = angle - half >= 0, 0.0
                clipped = (~fine) & np.isfinite(t)
                np.testing.assert_array_equal(got[clipped], bound)
            got, want = got[fine], want[fine]
            # NaN where R is NaN: a one-PSU domain has df 0 and qt(0.975, 0) is NaN
            np.testing.assert_allclose(got, want, rtol=rtol, atol=0, equal_nan=True)


def test_one_psu_domains_have_no_interval_and_say_why():
    # apiclus1 by district: each domain is one PSU, R's degf of the subset is 1 - 1 = 0
    d = _design("clus1")
    result = d.proportion("sch.wide", level="Yes", by="dnum")
    assert np.all(result.df == 0)
    varies = result.se > 0
    assert varies.sum() >= 1
    assert np.isnan(result.low[varies]).all() and np.isnan(result.high[varies]).all()
    assert all("no degrees of freedom" in p for p in result.problem[varies])


def test_mean_and_total_keep_the_whole_design_df():
    # R: confint(svyby(~api00, ~stype, d, svymean), df = degf(d)) -- svymean's result carries
    # no df of its own, so every domain uses the one given (the design's)
    d = _design("strat")
    for estimator in (d.mean, d.total):
        result = estimator("api00", by="stype")
        assert np.all(result.df == d.degf)


def test_domain_df_counts_rows_that_did_not_answer():
    # R's svyby(~y, ~by, d, svyciprop, na.rm = TRUE) evaluates svyciprop's df = degf(design)
    # on the domain subset before svymean drops the NA rows: a PSU whose domain members all
    # failed to answer still counts.  Constructed: apiclus1, every answer of district 61
    # removed.
    data = pd.read_csv(REFERENCE / "apiclus1.csv")
    data.loc[data["dnum"] == 61, "sch.wide"] = np.nan
    d = ss.SurveyDesign(data, weights="pw", clusters="dnum", fpc="fpc")
    full = _design("clus1")
    got = d.proportion("sch.wide", level="Yes", by="stype")
    want = full.proportion("sch.wide", level="Yes", by="stype")
    np.testing.assert_array_equal(got.df, want.df)
    assert int(np.sum(got.n_missing)) == int((data["dnum"] == 61).sum())


# -- a by column with missing values ---------------------------------------------------------
def _blanked(name):
    """domain_reference.R's designs with the by column blanked (NA) on some rows."""
    if name == "clus1":
        data = pd.read_csv(REFERENCE / "apiclus1.csv")
        blank = (data["snum"] % 7 == 0).to_numpy()
        by, keywords = "stype", DESIGNS["clus1"][1]
    else:
        data = pd.read_csv(REFERENCE / "nhanes.csv")
        blank = ((data["SDMVSTRA"] % 2 == 1) & (np.floor(data["WTMEC2YR"]) % 5 == 0)).to_numpy()
        by, keywords = "race", DESIGNS["nhanes"][1]
    values = data[by].astype(str).astype(object)
    values[blank] = None
    data["by_na"] = values
    return ss.SurveyDesign(data, **keywords), int(blank.sum())


@pytest.mark.parametrize("name", ["clus1", "nhanes"])
def test_missing_by_values_form_no_domain_and_are_counted(name):
    # R: svyby(~y, ~by_na, d, svymean / svytotal / svyciprop) -- no group for NA, the
    # design whole for the variance
    d, blanked = _blanked(name)
    key = f"{name}_by_na"
    rows = REF[REF["design"] == key]
    assert rows[rows["quantity"] == "n_missing_by"]["value"].item() == blanked
    variable = "api00" if name == "clus1" else "RIAGENDR"
    for statistic, estimator in (("mean", d.mean), ("total", d.total)):
        result = estimator(variable, by="by_na")
        assert result.n_missing_by == blanked
        assert int(np.sum(result.n)) + blanked == d.n_rows
        frame = _frame(result)
        for quantity in ("estimate", "se"):
            want = rows[(rows["statistic"] == statistic) & (rows["quantity"] == quantity)]
            want = want.set_index("domain")["value"]
            assert len(frame) == len(want)  # no NA domain
            np.testing.assert_allclose(frame.loc[want.index, quantity], want, rtol=RTOL)
        assert (result.to_frame()["n_missing_by"] == blanked).all()
    answer, level = ("sch.wide", "Yes") if name == "clus1" else ("RIAGENDR", 2)
    proportions = rows[rows["statistic"] == "proportion"]
    df = proportions[proportions["quantity"] == "df"].set_index("domain")["value"]
    for method in ("logit", "mean", "beta"):
        result = d.proportion(answer, level=level, by="by_na", method=method)
        assert result.n_missing_by == blanked
        frame = _frame(result)
        np.testing.assert_array_equal(frame.loc[df.index, "df"], df)
        for quantity in ("low", "high"):
            want = proportions[
                (proportions["method"] == method) & (proportions["quantity"] == quantity)
            ].set_index("domain")["value"]
            rtol = LOGIT_GLM_RTOL if method == "logit" else RTOL
            np.testing.assert_allclose(frame.loc[want.index, quantity], want, rtol=rtol)


def test_missing_by_in_one_of_crossed_columns_leaves_the_row_out():
    d, blanked = _blanked("clus1")
    crossed = d.proportion("sch.wide", level="Yes", by=["by_na", "awards"])
    single = d.proportion("sch.wide", level="Yes", by="by_na")
    assert crossed.n_missing_by == blanked
    assert int(np.sum(crossed.n)) == int(np.sum(single.n))
    assert all(None not in label for label in crossed.domain)


def test_no_by_means_no_rows_left_out():
    assert _design("clus1").mean("api00").n_missing_by == 0


def test_a_by_column_that_is_all_missing_raises():
    data = pd.read_csv(REFERENCE / "apiclus1.csv").assign(empty=None)
    d = ss.SurveyDesign(data, **DESIGNS["clus1"][1])
    with pytest.raises(ss.SurveyStatsError, match="by column 'empty' has no values"):
        d.mean("api00", by="empty")
