"""Tests of input checking (surveystats/_validation.py) through the public proportion API.

Rules under test (DESIGN.md): a bad option raises InvalidOptionError naming the argument and
the allowed values; a bad number in a scalar call raises InvalidValueError; in an array call
it becomes NaN in that slot with a reason in ``result.problem``; shapes that do not broadcast
raise ShapeError.  No expected numbers here other than those checked by test_proportion.py.
"""

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.exceptions import (
    InvalidOptionError,
    InvalidValueError,
    ShapeError,
    SurveyStatsError,
)
from surveystats.proportion import INTERVAL_METHODS


def test_percentage_instead_of_proportion_suggests_the_fraction():
    with pytest.raises(InvalidValueError, match=r"0\.194"):
        ss.proportion_ci(19.4, 1000)
    with pytest.raises(InvalidValueError, match=r"0\.194"):
        ss.margin_of_error(19.4, 1000)
    # all elements of an array look like percentages: same error
    with pytest.raises(InvalidValueError, match=r"0\.194"):
        ss.proportion_ci([19.4, 31.1], 1000)


def test_unknown_method_lists_the_valid_ones():
    with pytest.raises(InvalidOptionError) as info:
        ss.proportion_ci(0.194, 1000, method="exact")
    message = str(info.value)
    assert "method" in message and "'exact'" in message
    for name in INTERVAL_METHODS:
        assert repr(name) in message
    # no aliases, no case folding, no prefix matching
    for bad in ("Wilson", "wil", "clopper_pearson", None, 3):
        with pytest.raises(InvalidOptionError):
            ss.proportion_ci(0.194, 1000, method=bad)


def test_errors_share_the_base_class():
    assert issubclass(InvalidOptionError, SurveyStatsError)
    assert issubclass(InvalidValueError, SurveyStatsError)
    assert issubclass(ShapeError, SurveyStatsError)


@pytest.mark.parametrize("level", [95, 95.0, 99])
def test_confidence_level_as_percentage_gets_a_hint(level):
    with pytest.raises(InvalidOptionError, match=r"did you mean 0\.9[59]"):
        ss.proportion_ci(0.194, 1000, confidence_level=level)


@pytest.mark.parametrize("level", [0, 1, -0.5, 100, 150, float("nan"), "0.95", True, None])
def test_confidence_level_out_of_range_raises(level):
    with pytest.raises(InvalidOptionError, match="confidence_level"):
        ss.proportion_ci(0.194, 1000, confidence_level=level)
    with pytest.raises(InvalidOptionError, match="confidence_level"):
        ss.margin_of_error(0.194, 1000, confidence_level=level)


def test_bad_alternative_raises():
    with pytest.raises(InvalidOptionError, match="two-sided"):
        ss.proportion_ci(0.194, 1000, alternative="two.sided")


def test_array_with_bad_elements_gives_nan_and_reasons():
    p = [0.194, 1.4, np.nan, 0.311, -0.1]
    r = ss.proportion_ci(p, 1000, method="clopper-pearson")
    good = ss.proportion_ci([0.194, 0.311], 1000, method="clopper-pearson")
    for field in ("estimate", "low", "high", "moe", "moe_below", "moe_above", "n_effective"):
        values = getattr(r, field)
        assert np.isnan(values[[1, 2, 4]]).all(), field
        np.testing.assert_array_equal(values[[0, 3]], getattr(good, field))
    assert list(r.problem) == [
        "",
        "p is outside [0, 1]",
        "p is missing (NaN)",
        "",
        "p is outside [0, 1]",
    ]


def test_series_with_missing_values():
    r = ss.proportion_ci(pd.Series([0.194, None, 0.311]), pd.Series([1000, 1000, 1000]))
    assert np.isnan(r.low[1]) and not np.isnan(r.low[[0, 2]]).any()
    assert r.problem[1] == "p is missing (NaN)"


@pytest.mark.parametrize(
    "n, reason",
    [
        (0, "n must be greater than 0 and finite"),
        (-5, "n must be greater than 0 and finite"),
        (np.inf, "n must be greater than 0 and finite"),
        (np.nan, "n is missing (NaN)"),
    ],
)
def test_bad_n(n, reason):
    with pytest.raises(InvalidValueError, match="n="):
        ss.proportion_ci(0.194, n)
    r = ss.proportion_ci(0.194, [1000, n, 500])
    assert np.isnan(r.low[1]) and np.isnan(r.high[1])
    assert not np.isnan(r.low[[0, 2]]).any()
    assert r.problem[1] == reason and r.problem[0] == "" and r.problem[2] == ""


def test_nan_p_scalar_raises():
    with pytest.raises(InvalidValueError, match="missing"):
        ss.proportion_ci(float("nan"), 1000)
    with pytest.raises(InvalidValueError, match="outside"):
        ss.proportion_ci(-0.2, 1000)


def test_bad_deff_and_population():
    with pytest.raises(InvalidValueError, match="deff"):
        ss.proportion_ci(0.194, 1000, deff=0)
    with pytest.raises(InvalidValueError, match="population"):
        ss.proportion_ci(0.194, 1000, population=500)  # smaller than the sample
    r = ss.proportion_ci(0.194, 1000, deff=[1.5, -1.0])
    assert np.isnan(r.low[1]) and not np.isnan(r.low[0])
    assert r.problem[1].startswith("deff")


def test_first_problem_is_reported_when_several_inputs_are_bad():
    r = ss.proportion_ci([1.4, 0.2], [0, 0])
    assert r.problem[0] == "p is outside [0, 1]"
    assert r.problem[1] == "n must be greater than 0 and finite"


@pytest.mark.parametrize(
    "p, n", [([0.1, 0.2], [100, 200, 300]), (np.zeros((2, 3)), np.ones((2, 2)) * 100)]
)
def test_shapes_that_do_not_broadcast_raise(p, n):
    with pytest.raises(ShapeError, match="broadcast"):
        ss.proportion_ci(p, n)
    with pytest.raises(ShapeError):
        ss.margin_of_error(p, n)


def test_non_numeric_input_raises():
    with pytest.raises(InvalidValueError, match="p must be numbers"):
        ss.proportion_ci("a lot", 1000)
    with pytest.raises(InvalidValueError, match="required"):
        ss.proportion_ci(None, 1000)


def test_sample_size_and_kish_checks():
    with pytest.raises(InvalidValueError, match="moe"):
        ss.sample_size(3)  # 3 points should be 0.03
    with pytest.raises(InvalidValueError, match="moe"):
        ss.sample_size(0)
    r = ss.sample_size([0.03, -1.0])
    assert r[0] == 1068.0 and np.isnan(r[1])
    for weights in ([], [1.0, np.nan], [1.0, -1.0], [0.0, 0.0]):
        with pytest.raises(InvalidValueError, match="weights"):
            ss.kish_deff(weights)
    with pytest.raises(InvalidValueError, match="deff"):
        ss.effective_n(1000, 0)
