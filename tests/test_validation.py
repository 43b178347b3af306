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


# --------------------------------------------------------------------------- one percent rule
# The rule (surveystats._internal.validation.percent_example): at least one finite value,
# every finite value in [0, 100], more than half of them above 1.
@pytest.mark.parametrize(
    "values, looks_percent",
    [
        ([19.4], True),
        ([19.4, 31.1], True),
        ([0.5, 40, 50], True),  # issue #10: the library and describe() disagreed here
        ([0, 0.5, 40, 50], False),  # half above 1 is not more than half
        ([0.194, 0.311, 1.4], False),  # one stray value: a bad element, not a percent column
        ([56.9, 140.0, 41.1], False),  # 140 is no percentage either
        ([-5, 40, 50], False),
        ([np.nan, 40.0], True),  # NaN is ignored
        ([np.nan], False),
        ([1.0, 1.0], False),  # 1 is a proportion
    ],
)
def test_one_percent_rule(values, looks_percent):
    from surveystats._internal.validation import percent_example, percent_hint

    assert (percent_example(values) is not None) == looks_percent
    assert (percent_hint(values, "p") is not None) == looks_percent


@pytest.mark.parametrize(
    "column", [[0.5, 40, 50], [19.4, 31.1, 48.7], [0.194, 0.311, 1.4], [0, 0.5, 40, 50]]
)
def test_library_and_batch_layer_agree_on_percentages(column):
    # proportion_ci on an argument and describe() on a column holding the same numbers
    # give the same verdict: both refuse with a hint, or neither does.
    def refused(call):
        try:
            call()
        except InvalidValueError as exc:
            return "looks like a percentage" in str(exc) or "looks like percentages" in str(exc)
        return False

    frame = pd.DataFrame({"question": "q", "answer": [f"a{i}" for i in range(len(column))]})
    frame["p"], frame["n"] = column, 100
    library = refused(lambda: ss.proportion_ci(column, 100))
    batch = refused(lambda: ss.describe(frame))
    assert library == batch


def test_percent_hint_names_the_argument_and_the_fraction():
    with pytest.raises(InvalidValueError, match=r"p=40 looks like a percentage.*0\.4"):
        ss.proportion_ci([0.5, 40, 50], 100)
    with pytest.raises(InvalidValueError, match=r"p2=40"):
        ss.compare_proportions(0.5, 100, [0.5, 40, 50], 100)


# --------------------------------------------------------------------------- issue 15 inputs
def test_booleans_are_not_numbers():
    # issue #15 item 22: proportion_ci(True, 100) used to read True as p = 1
    for call in (
        lambda: ss.proportion_ci(True, 100),
        lambda: ss.proportion_ci(0.5, np.array([True, False])),
        lambda: ss.compare_proportions(0.4, 100, 0.5, pd.Series([True, True])),
        lambda: ss.mcnemar(np.bool_(True), 5),
        lambda: ss.trend_test([True, False, True], 100),
        lambda: ss.multinomial_ci([True, False, True]),
        lambda: ss.adjust_pvalues([True, False]),
    ):
        with pytest.raises(InvalidValueError, match="not True/False"):
            call()


def test_flags_are_checked_alike():
    # issue #15 item 22: strict="yes" was accepted while correction="no" was refused
    for call in (
        lambda: ss.power_two_proportions(0.4, 0.5, 100, strict="yes"),
        lambda: ss.sample_size_two_proportions(0.4, 0.5, strict=1),
        lambda: ss.mcnemar(5, 9, correction="no"),
        lambda: ss.mcnemar(5, 9, correction=0),
    ):
        with pytest.raises(InvalidOptionError, match="must be True or False"):
            call()
    assert ss.power_two_proportions(0.4, 0.5, 100, strict=np.bool_(True)).power > 0


def test_complex_arrays_are_refused():
    # issue #15 item 10: the imaginary part was dropped without a word
    for call in (
        lambda: ss.trend_test(np.array([0.5, 0.4, 0.3j]), 1000),
        lambda: ss.proportion_ci(np.array([0.5 + 0j]), 100),
        lambda: ss.proportion_ci(0.5 + 0j, 100),
        lambda: ss.multinomial_ci(np.array([3, 4j])),
        lambda: ss.adjust_pvalues(pd.Series([0.01 + 0j])),
    ):
        with pytest.raises(InvalidValueError, match="complex"):
            call()


def test_bad_axis_raises_a_surveystats_error():
    # issue #15 item 21: raw TypeError / IndexError from numpy
    for call in (
        lambda: ss.adjust_pvalues([0.01, 0.02], axis="x"),
        lambda: ss.adjust_pvalues([0.01, 0.02], axis=3),
        lambda: ss.kish_deff([1, 2], axis=5),
        lambda: ss.kish_deff([1, 2], axis=1.5),
        lambda: ss.multinomial_ci([3, 4], axis="answers"),
        lambda: ss.trend_test([0.5, 0.4], 100, axis=2),
        lambda: ss.trend_test([0.5, 0.4], 100, axis=True),
    ):
        with pytest.raises(SurveyStatsError, match="axis"):
            call()


def test_sample_sizes_below_one_respondent():
    # issue #15 item 23: margin_of_error(0.5, 1e-300) gave a margin of 9.8e149.  Rule: n >= 1
    # (fractional n above 1 is fine); the effective size n / deff may fall below 1.
    with pytest.raises(InvalidValueError, match="at least 1"):
        ss.margin_of_error(0.5, 1e-300)
    with pytest.raises(InvalidValueError, match="at least 1"):
        ss.proportion_ci(0.5, 0.5)
    with pytest.raises(InvalidValueError, match="n2=0.2 must be at least 1"):
        ss.compare_proportions(0.4, 100, 0.5, 0.2)
    with pytest.raises(InvalidValueError, match="at least 1"):
        ss.compare_shares(0.4, 0.5, 0.9)
    with pytest.raises(InvalidValueError, match="at least 1"):
        ss.power_two_proportions(0.4, 0.5, 0.01)
    with pytest.raises(InvalidValueError, match="at least 1"):
        ss.effective_n(0.5, 1.0)
    r = ss.proportion_ci(0.5, [100, 0.5, 1.0])
    assert r.problem[1] == "n must be at least 1 (a sample of at least one respondent)"
    assert np.isnan(r.low[1]) and not np.isnan(r.low[[0, 2]]).any()
    r = ss.trend_test([[0.5, 0.4], [0.5, 0.4]], [[100, 100], [100, 0.3]])
    assert r.problem[1] == "wave 2 of 2: n must be at least 1 (a sample of at least one respondent)"
    # effective size below one respondent: allowed
    assert ss.proportion_ci(0.5, 2, deff=4.0).n_effective == 0.5


def test_pandas_inputs_with_different_indexes_are_refused():
    # issue #15 item 24: paired by position without a word
    p = pd.Series([0.2, 0.3], index=["a", "b"])
    n = pd.Series([100, 1000], index=["b", "a"])
    for call in (
        lambda: ss.proportion_ci(p, n),
        lambda: ss.compare_proportions(p, n, p, n.sort_index()),
        lambda: ss.trend_test(p, n),
    ):
        with pytest.raises(ShapeError, match="different indexes"):
            call()
    # the same labels in the same order, or numpy on one side, are fine
    aligned = n.reindex(p.index)
    r = ss.proportion_ci(p, aligned)
    np.testing.assert_array_equal(r.n, [1000, 100])
    r = ss.proportion_ci(p, n.to_numpy())
    np.testing.assert_array_equal(r.n, [100, 1000])


def test_infinite_counts_raise_in_a_scalar_call():
    # issue #15 item 17: mcnemar(inf, 5) returned NaN
    with pytest.raises(InvalidValueError, match="b=inf must be a finite whole number"):
        ss.mcnemar(float("inf"), 5)
