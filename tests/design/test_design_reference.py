"""SurveyDesign estimates against R's survey package on real respondent files.

Every expected number is read from tests/reference/design/{api,design}_reference.csv, made
by the R scripts of the same names beside them (R 4.2.2, survey 4.1.1), which name each R
call: svymean / svytotal (deff = "replace" and deff = TRUE, na.rm = TRUE), confint(...,
df = degf(design)), svyciprop(..., df = degf(domain)) on the design restricted to the
domain's answered rows (svyby's way: PSU counts kept; degf(domain) that of the domain's subset
design, as svyciprop inside svyby), svyby + svycontrast, svychisq.
Data: R's apistrat, apiclus1, apiclus2 and nhanes, exported by those scripts.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss

REFERENCE = Path(__file__).parent.parent / "reference" / "design"
RTOL = 1e-8
# svyciprop's likelihood interval interpolates a spline through a few profile points of a
# glm fitted to epsilon = 1e-8; its distance from the exact root (held to RTOL against
# "likelihood_exact", the same equation solved by uniroot in R on a converged fit) reaches
# 5.3e-4 relative on these files (an nhanes domain with p = 0.004) and 1.6e-3 in a domain
# with 3 degrees of freedom (apiclus1 H.No, whose own df svyciprop uses inside svyby).
LIKELIHOOD_SPLINE_RTOL = 2e-3
# svyciprop's logit interval centres on svyglm's coefficient, which IRLS leaves within
# glm.control(epsilon = 1e-8) of logit(p) (xlogit, the same formula on svycontrast's exact
# logit, is held to RTOL).
LOGIT_GLM_RTOL = 1e-7


def _lonely(option, fpc):
    keywords = dict(weights="pw", strata="stratum", lonely_psu=option)
    if fpc:
        keywords["fpc"] = "fpc"
    return ("apistrat_lonely", keywords)


# design name in the R scripts -> (data file, SurveyDesign keywords): the same svydesign calls
DESIGNS = {
    "strat": ("apistrat", dict(weights="pw", strata="stype", fpc="fpc")),
    "strat_nofpc": ("apistrat", dict(weights="pw", strata="stype")),
    "clus1": ("apiclus1", dict(weights="pw", clusters="dnum", fpc="fpc")),
    "clus1_nofpc": ("apiclus1", dict(weights="pw", clusters="dnum")),
    "clus2": ("apiclus2", dict(clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"])),
    "clus2_pw": ("apiclus2", dict(weights="pw", clusters=["dnum", "snum"])),
    "nhanes": (
        "nhanes",
        dict(weights="WTMEC2YR", strata="SDMVSTRA", clusters="SDMVPSU", nest=True),
    ),
}
for _option in ("remove", "certainty", "adjust", "average"):
    DESIGNS[f"lonely_{_option}"] = _lonely(_option, True)
    DESIGNS[f"lonely_{_option}_nofpc"] = _lonely(_option, False)
# lonely PSUs at stage 2 ("average" there: R returns NaN, and so does surveystats)
for _option in ("remove", "certainty", "adjust", "average"):
    DESIGNS[f"clus2_lonely_{_option}"] = (
        "apiclus2_lonely",
        dict(clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"], lonely_psu=_option),
    )
# NHANES with one lonely stratum (PSU 2 of stratum 83 dropped), by race and by a domain that
# misses the lonely stratum; and with one PSU per stratum (all lonely)
_NHANES = dict(weights="WTMEC2YR", strata="SDMVSTRA", clusters="SDMVPSU", nest=True)
for _option in ("remove", "certainty", "adjust", "average"):
    DESIGNS[f"nhanes_lonely_{_option}"] = ("nhanes_lonely", dict(_NHANES, lonely_psu=_option))
    DESIGNS[f"nhanes_single_{_option}"] = ("nhanes_single", dict(_NHANES, lonely_psu=_option))

METHODS = ("logit", "mean", "xlogit", "asin", "beta", "likelihood")


def _read(name):
    table = pd.read_csv(REFERENCE / name, keep_default_na=False, dtype=str)
    # R writes NA and NaN; float() reads "nan"
    table["value"] = [
        float("nan") if v.strip() in ("NA", "NaN") else float(v) for v in table["value"]
    ]
    return table


REF = pd.concat([_read("api_reference.csv"), _read("design_reference.csv")], ignore_index=True)
_DATA = {}
_CACHE = {}


def _design(name):
    if name not in _CACHE:
        data_name, keywords = DESIGNS[name]
        if data_name == "nhanes_single" and data_name not in _DATA:
            # design_reference.R: nhanes_lonely.csv's rows with SDMVPSU == 1
            lonely = pd.read_csv(REFERENCE / "nhanes_lonely.csv")
            _DATA[data_name] = lonely[lonely["SDMVPSU"] == 1].reset_index(drop=True)
        if data_name not in _DATA:
            _DATA[data_name] = pd.read_csv(REFERENCE / f"{data_name}.csv")
        _CACHE[name] = ss.SurveyDesign(_DATA[data_name], **keywords)
    return _CACHE[name]


def _cases(*statistics):
    rows = REF[REF["statistic"].isin(statistics) & REF["design"].isin(list(DESIGNS))]
    keys = rows[["design", "variable", "level", "by"]].drop_duplicates()
    return [tuple(k) for k in keys.itertuples(index=False)]


def _expected(design, statistic, variable, level, by, method, quantity):
    rows = REF[
        (REF["design"] == design)
        & (REF["statistic"] == statistic)
        & (REF["variable"] == variable)
        & (REF["level"] == level)
        & (REF["by"] == by)
        & (REF["method"] == method)
        & (REF["quantity"] == quantity)
    ]
    assert len(rows) > 0, (design, statistic, variable, level, by, method, quantity)
    return rows.set_index("domain")["value"]


def _by_argument(by):
    if by == "":
        return None
    parts = by.split("+")
    return parts[0] if len(parts) == 1 else parts


def _level(level):
    # HI_CHOL is numeric 0/1 in nhanes; R's level "1"
    return 1 if level == "1" else level


def _label(value):
    if isinstance(value, tuple):
        return ".".join(_label(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_frame(result, by):
    frame = result.to_frame()
    frame["domain"] = "" if by == "" else [_label(d) for d in frame["domain"]]
    return frame.set_index("domain")


def _check(frame, expected, column, rtol=RTOL):
    got = frame.loc[expected.index, column].to_numpy(dtype=float)
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("design,variable,level,by", _cases("mean", "total"))
@pytest.mark.parametrize("statistic", ["mean", "total"])
def test_mean_and_total_match_r(design, variable, level, by, statistic):
    d = _design(design)
    estimator = d.mean if statistic == "mean" else d.total
    result = estimator(variable, by=_by_argument(by))
    frame = _as_frame(result, by)
    for quantity in ("estimate", "se", "deff", "low", "high"):
        _check(frame, _expected(design, statistic, variable, "", by, "", quantity), quantity)
    srswor = _as_frame(estimator(variable, by=_by_argument(by), deff="srswor"), by)
    _check(srswor, _expected(design, statistic, variable, "", by, "", "deff_srswor"), "deff")
    # confint(..., level = 0.90, df = degf(design)), recomputed from the stored fields
    at90 = result.confidence_interval(0.90)
    frame = frame.assign(low90=np.atleast_1d(at90.low), high90=np.atleast_1d(at90.high))
    _check(frame, _expected(design, statistic, variable, "", by, "", "low90"), "low90")
    _check(frame, _expected(design, statistic, variable, "", by, "", "high90"), "high90")
    _check(frame, _expected(design, "all", variable, "", by, "", "df"), "df")


@pytest.mark.parametrize("design,variable,level,by", _cases("proportion"))
@pytest.mark.parametrize("method", METHODS)
def test_proportion_matches_svyciprop(design, variable, level, by, method):
    d = _design(design)
    result = d.proportion(variable, level=_level(level), by=_by_argument(by), method=method)
    frame = _as_frame(result, by)
    for quantity in ("estimate", "se", "deff", "df"):
        _check(frame, _expected(design, "proportion", variable, level, by, "", quantity), quantity)
    srswor = _as_frame(
        d.proportion(variable, level=_level(level), by=_by_argument(by), deff="srswor"), by
    )
    expected = _expected(design, "proportion", variable, level, by, "", "deff_srswor")
    _check(srswor, expected, "deff")
    at90 = result.confidence_interval(0.90)
    frame = frame.assign(low90=np.atleast_1d(at90.low), high90=np.atleast_1d(at90.high))
    references = [(method, LOGIT_GLM_RTOL if method == "logit" else RTOL)]
    if method == "likelihood":
        references = [("likelihood_exact", RTOL), ("likelihood", LIKELIHOOD_SPLINE_RTOL)]
    for reference, rtol in references:
        for quantity in ("low", "high", "low90", "high90"):
            expected = _expected(design, "proportion", variable, level, by, reference, quantity)
            # domains where p is 0 or 1 have no variance (R's interval there is degenerate)
            keep = frame.loc[expected.index, "se"].to_numpy() > 0
            assert keep.sum() > 0
            _check(frame, expected[keep], quantity, rtol)


@pytest.mark.parametrize("design,variable,level,by", _cases("proportion"))
def test_missing_answers_are_counted(design, variable, level, by):
    d = _design(design)
    result = d.proportion(variable, level=_level(level), by=_by_argument(by))
    column = d.data[variable]
    assert int(np.sum(result.n_missing)) == int(column.isna().sum())
    assert int(np.sum(result.n)) + int(np.sum(result.n_missing)) == d.n_rows


def _contrast_cases():
    rows = REF[REF["method"] == "contrast"]
    keys = rows[["design", "statistic", "variable", "level", "by"]].drop_duplicates()
    return [tuple(k) for k in keys.itertuples(index=False)]


@pytest.mark.parametrize("design,statistic,variable,level,by", _contrast_cases())
def test_compare_matches_svycontrast(design, statistic, variable, level, by):
    d = _design(design)
    level = _level(level) if statistic == "proportion" else None
    result = d.compare(variable, by=by, level=level)
    frame = result.to_frame()
    frame.index = [
        f"{_label(a)}|{_label(b)}" for a, b in zip(frame["first"], frame["second"], strict=True)
    ]
    for quantity in ("estimate", "se", "pvalue"):
        expected = _expected(
            design,
            statistic,
            variable,
            "" if level is None else "1" if level == 1 else level,
            by,
            "contrast",
            quantity,
        )
        _check(frame, expected, quantity)


def _chisq_cases():
    rows = REF[REF["statistic"] == "chisq"]
    return [
        tuple(k) for k in rows[["design", "variable"]].drop_duplicates().itertuples(index=False)
    ]


@pytest.mark.parametrize("design,table", _chisq_cases())
def test_chisq_matches_svychisq(design, table):
    d = _design(design)
    row, column = table.split("*")

    def expected(method, quantity):
        return float(_expected(design, "chisq", table, "", "", method, quantity).iloc[0])

    f = d.chisq(row, column, statistic="F")
    np.testing.assert_allclose(f.statistic, expected("F", "statistic"), rtol=RTOL)
    np.testing.assert_allclose(f.pvalue, expected("F", "pvalue"), rtol=RTOL)
    np.testing.assert_allclose(f.ndf, expected("F", "ndf"), rtol=RTOL)
    np.testing.assert_allclose(f.ddf, expected("F", "ddf"), rtol=RTOL)
    chi = d.chisq(row, column, statistic="chisq")
    np.testing.assert_allclose(chi.pearson, expected("chisq", "pearson"), rtol=RTOL)
    np.testing.assert_allclose(chi.pvalue, expected("chisq", "pvalue"), rtol=RTOL)
    assert chi.ndf == expected("chisq", "df")
    # the first-order statistic is X^2 / mean(delta) = F * (r - 1)(c - 1) (same deltas)
    np.testing.assert_allclose(chi.statistic, f.statistic * chi.ndf, rtol=RTOL)


def test_average_with_nothing_to_average_is_nan_and_says_why():
    # R: svymean(~api00, d) under survey.lonely.psu = "average" gives SE NaN (design_reference.R,
    # "clus2_lonely_average"): each lonely district is a group of one stratum with one PSU
    # (0 * strata / 0 in R's onestage).  test_mean_and_total_match_r holds the NaN to R's.
    assert np.isnan(_expected("clus2_lonely_average", "mean", "api00", "", "", "", "se").iloc[0])
    result = _design("clus2_lonely_average").mean("api00")
    assert np.isnan(result.se) and np.isnan(result.low)
    assert "nothing to average" in result.problem
    assert np.isfinite(result.estimate)
    # every stratum lonely at stage 1: the same
    single = _design("nhanes_single_average").mean("RIAGENDR")
    assert np.isnan(single.se) and "nothing to average" in single.problem


def test_average_factor_counts_the_strata_a_domain_touches():
    # R runs onestage on the domain's subset, so strata / (strata with 2+ PSUs) is counted
    # among the strata holding the domain's rows: 1 for a domain that misses the lonely
    # stratum 83 (design_reference.R, "nhanes_lonely_average", by = "upper")
    d = _design("nhanes_lonely_average")
    upper = d.mean("RIAGENDR", by="upper")
    remove = _design("nhanes_lonely_remove").mean("RIAGENDR", by="upper")
    frame, frame_remove = _as_frame(upper, "upper"), _as_frame(remove, "upper")
    assert frame.loc["upper", "se"] == pytest.approx(frame_remove.loc["upper", "se"], rel=1e-12)
    assert frame.loc["lower", "se"] > frame_remove.loc["lower", "se"]
    data = _DATA["nhanes_lonely"]
    n_lower = data.loc[data["upper"] == "lower", "SDMVSTRA"].nunique()
    # the lower domain's variance is remove's times strata / (strata - 1)
    ratio = (frame.loc["lower", "se"] / frame_remove.loc["lower", "se"]) ** 2
    assert ratio == pytest.approx(n_lower / (n_lower - 1), rel=1e-12)


def test_fail_names_the_lonely_stratum_at_stage_2():
    data = pd.read_csv(REFERENCE / "apiclus2_lonely.csv")
    with pytest.raises(ss.SurveyStatsError, match="has only one PSU at stage 2"):
        ss.SurveyDesign(data, clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"])
