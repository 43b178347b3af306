"""SurveyDesign estimates against R's survey package on the API samples.

Every expected number is read from tests/reference/design/api_reference.csv, made by
tests/reference/design/api_reference.R (R 4.2.2, survey 4.1.1) with the calls named there:
svymean / svytotal (deff = "replace" and deff = TRUE, na.rm = TRUE), confint(..., df =
degf(design)), svyciprop(..., df = degf(design)) and svyby-style domains (the design
subset to the domain, PSU counts kept).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss

REFERENCE = Path(__file__).parent.parent / "reference" / "design"
RTOL = 1e-8

# design name in the R script -> (data file, SurveyDesign keywords), the same svydesign calls
DESIGNS = {
    "strat": ("apistrat", dict(weights="pw", strata="stype", fpc="fpc")),
    "strat_nofpc": ("apistrat", dict(weights="pw", strata="stype")),
    "clus1": ("apiclus1", dict(weights="pw", clusters="dnum", fpc="fpc")),
    "clus1_nofpc": ("apiclus1", dict(weights="pw", clusters="dnum")),
}
CHECKED_METHODS = ("logit", "mean", "xlogit", "asin", "beta")


def _reference():
    table = pd.read_csv(REFERENCE / "api_reference.csv", keep_default_na=False)
    # R writes NA and NaN; float() reads both as nan
    table["value"] = [float(v.replace("NA", "nan").replace("nanN", "nan")) for v in table["value"]]
    return table


REF = _reference()


def _design(name):
    data_name, keywords = DESIGNS[name]
    data = pd.read_csv(REFERENCE / f"{data_name}.csv")
    return ss.SurveyDesign(data, **keywords)


def _cases(statistic):
    rows = REF[REF["statistic"] == statistic]
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
    return rows.set_index("domain")["value"]


def _by_argument(by):
    if by == "":
        return None
    parts = by.split("+")
    return parts[0] if len(parts) == 1 else parts


def _as_frame(result, by):
    frame = result.to_frame()
    if by == "":
        frame["domain"] = ""
    else:
        frame["domain"] = [".".join(d) if isinstance(d, tuple) else str(d) for d in frame["domain"]]
    return frame.set_index("domain")


def _check(frame, expected, column):
    assert len(expected) > 0
    got = frame.loc[expected.index, column].to_numpy(dtype=float)
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=RTOL, atol=0)


@pytest.mark.parametrize("design,variable,level,by", _cases("mean") + _cases("total"))
@pytest.mark.parametrize("statistic", ["mean", "total"])
def test_mean_and_total_match_r(design, variable, level, by, statistic):
    d = _design(design)
    estimator = d.mean if statistic == "mean" else d.total
    result = estimator(variable, by=_by_argument(by))
    frame = _as_frame(result, by)
    for quantity, column in [
        ("estimate", "estimate"),
        ("se", "se"),
        ("deff", "deff"),
        ("low", "low"),
        ("high", "high"),
    ]:
        _check(frame, _expected(design, statistic, variable, "", by, "", quantity), column)
    srswor = _as_frame(estimator(variable, by=_by_argument(by), deff="srswor"), by)
    _check(srswor, _expected(design, statistic, variable, "", by, "", "deff_srswor"), "deff")
    # confint(..., level = 0.90, df = degf(design))
    at90 = result.confidence_interval(0.90)
    frame90 = frame.assign(low90=np.atleast_1d(at90.low), high90=np.atleast_1d(at90.high))
    _check(frame90, _expected(design, statistic, variable, "", by, "", "low90"), "low90")
    _check(frame90, _expected(design, statistic, variable, "", by, "", "high90"), "high90")
    df = _expected(design, "all", variable, "", by, "", "df")
    _check(frame, df, "df")


@pytest.mark.parametrize("design,variable,level,by", _cases("proportion"))
@pytest.mark.parametrize("method", CHECKED_METHODS)
def test_proportion_matches_svyciprop(design, variable, level, by, method):
    d = _design(design)
    result = d.proportion(variable, level=level, by=_by_argument(by), method=method)
    frame = _as_frame(result, by)
    for quantity in ("estimate", "se", "deff"):
        _check(frame, _expected(design, "proportion", variable, level, by, "", quantity), quantity)
    for quantity in ("low", "high"):
        expected = _expected(design, "proportion", variable, level, by, method, quantity)
        # domains where p is 0 or 1 have no variance; R's interval there is degenerate
        keep = frame.loc[expected.index, "se"].to_numpy() > 0
        _check(frame, expected[keep], quantity)
    at90 = result.confidence_interval(0.90)
    frame90 = frame.assign(low90=np.atleast_1d(at90.low), high90=np.atleast_1d(at90.high))
    for quantity in ("low90", "high90"):
        expected = _expected(design, "proportion", variable, level, by, method, quantity)
        keep = frame.loc[expected.index, "se"].to_numpy() > 0
        _check(frame90, expected[keep], quantity)
