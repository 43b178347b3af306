"""``calibrate(force=, trim=)`` and its non-convergence error, against R ``survey`` 4.1.1.

Every expected number comes from ``tests/reference/weighting/calibration_options.R`` (R 4.2.2)
on apiclus1 with the apipop totals of stype, sch.wide and api99:
- ``force = TRUE`` with bounds too tight for the totals: R warns "Failed to converge:
  eps=0.3719 in 6 iterations" (linear, bounds c(0.9, 1.1), maxit = 5) and "eps=0.3853 in 5
  iterations" (raking, bounds c(0.85, 1.15), maxit = 4) and keeps iterate number ``maxit``;
  without ``force`` it stops with "Calibration failed".  Newton's iterates are the same
  arithmetic here, so 1e-8 relative.
- ``trim = c(lo, hi)`` after a converged bounded calibration (maxit = 100, epsilon = 1e-10;
  here tolerance 1e-12): R's messages "76 weights were trimmed" (linear, trim c(0.8, 1.5)) and
  "56 weights were trimmed" (logit, trim c(0.7, 1.6)).  1e-8 relative.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.design.weighting import read_targets
from surveystats.exceptions import InvalidOptionError, SurveyStatsError

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "weighting"
RTOL = 1e-8
DATA = pd.read_csv(REF / "apiclus1.csv")
WEIGHTS = pd.read_csv(REF / "calibration_options_weights.csv")
ESTIMATES = pd.read_csv(REF / "calibration_options_estimates.csv")
TARGETS = read_targets(REF / "apipop_targets.csv")
CALIBRATION = TARGETS[TARGETS["variable"].isin(["stype", "sch.wide", "api99"])]


def base():
    # R: svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
    return ss.SurveyDesign(DATA, weights="pw", clusters="dnum", fpc="fpc")


def _forced(method, bounds, max_iter):
    with pytest.warns(RuntimeWarning, match=f"did not converge in max_iter={max_iter}"):
        return base().calibrate(
            CALIBRATION,
            method=method,
            bounds=bounds,
            max_iter=max_iter,
            tolerance=1e-10,
            force=True,
        )


DESIGNS = {
    # calibrate(d, f, totals, calfun = "linear", bounds = c(0.9, 1.1), maxit = 5, force = TRUE)
    "force_linear": lambda: _forced("linear", (0.9, 1.1), 5),
    # calfun = "raking", bounds = c(0.85, 1.15), maxit = 4, force = TRUE
    "force_raking": lambda: _forced("raking", (0.85, 1.15), 4),
    # calfun = "linear", bounds = c(0.6, 1.8), trim = c(0.8, 1.5)
    "trim_linear": lambda: base().calibrate(
        CALIBRATION, bounds=(0.6, 1.8), max_iter=100, tolerance=1e-12, trim=(0.8, 1.5)
    ),
    # calfun = "logit", bounds = c(0.6, 1.8), trim = c(0.7, 1.6)
    "trim_logit": lambda: base().calibrate(
        CALIBRATION,
        method="logit",
        bounds=(0.6, 1.8),
        max_iter=100,
        tolerance=1e-12,
        trim=(0.7, 1.6),
    ),
}
_BUILT: dict = {}


def design(name):
    if name not in _BUILT:
        _BUILT[name] = DESIGNS[name]()
    return _BUILT[name]


@pytest.mark.parametrize("name", list(DESIGNS))
def test_weights_match_r(name):
    np.testing.assert_allclose(design(name).weights, WEIGHTS[name], rtol=RTOL)


def _estimate(d, statistic):
    if statistic == "mean_api00":
        return d.mean("api00")  # R: svymean(~api00, g)
    if statistic == "share_awards_Yes":
        return d.proportion("awards", level="Yes")  # R: svymean(~awards, g)["awardsYes"]
    return d.total("enroll")  # R: svytotal(~enroll, g)


@pytest.mark.parametrize(
    "name, statistic, estimate, se",
    list(ESTIMATES.itertuples(index=False, name=None)),
    ids=[f"{d}-{s}" for d, s in zip(ESTIMATES["design"], ESTIMATES["statistic"], strict=True)],
)
def test_estimates_and_standard_errors_match_r(name, statistic, estimate, se):
    r = _estimate(design(name), statistic)
    np.testing.assert_allclose(r.estimate, estimate, rtol=RTOL)
    np.testing.assert_allclose(r.se, se, rtol=RTOL)


def test_steps_record_what_happened():
    forced = design("force_linear")._weighting_steps[-1]
    assert not forced.converged and forced.iterations == 5
    trimmed = design("trim_linear")._weighting_steps[-1]
    assert trimmed.converged and trimmed.n_trimmed == 76  # R: "76 weights were trimmed"
    assert design("trim_logit")._weighting_steps[-1].n_trimmed == 56  # R: 56
    # trimming keeps the weight sum (6194 after calibration)
    np.testing.assert_allclose(design("trim_linear").weights.sum(), 6194, rtol=1e-12)


def test_without_force_the_error_names_the_settings():
    # R: stop("Calibration failed")
    with pytest.raises(SurveyStatsError) as info:
        base().calibrate(CALIBRATION, bounds=(0.9, 1.1), max_iter=5, tolerance=1e-10)
    text = str(info.value)
    for word in ("max_iter=5", "tolerance=1e-10", "bounds=", "force=True", "off by a relative"):
        assert word in text


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"force": 1}, "force=1 must be True or False"),
        ({"trim": (1.5, 0.8)}, "trim=.*lower must be below upper"),
        ({"trim": 3}, "trim=3 must be a pair"),
    ],
)
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(InvalidOptionError, match=message):
        base().calibrate(CALIBRATION, **kwargs)


def test_trim_with_every_g_weight_outside_is_an_error():
    with pytest.raises(SurveyStatsError, match="every g-weight is outside the trim bounds"):
        base().calibrate(CALIBRATION, bounds=(0.6, 1.8), max_iter=100, trim=(1.9, 2.0))


def test_trim_and_unconverged_force_are_refused_on_replicates():
    # every replicate would need the same trimming / the same unconverged iterate: not replayed
    for d in (design("trim_linear"), design("force_linear")):
        with pytest.raises(InvalidOptionError, match="not available on a replicate design"):
            d.replicate("jk1")
