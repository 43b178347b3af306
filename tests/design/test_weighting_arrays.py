"""The weighting algorithms on arrays: invariants, literal re-computations, and errors.

Independent references used here:
- raking sweeps: R ``svyrecvar`` (survey 4.1.1) applied literally row by row,
  ``for (i in 1:10) for (margin) x <- x - psw * apply(x / psw, 2, ave, margin)``;
- calibration residuals: R's ``qr.resid(qr(X * sqrt(d)), x / (g * sqrt(d))) * g * sqrt(d)``,
  done here with ``numpy.linalg.lstsq`` on the dense model matrix;
- exact algebra (post-stratified weights, trimming by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveystats.design._calibration import calibrate_weights
from surveystats.design._raking import (
    RAKING_SWEEP_CYCLES,
    poststratify_weights,
    rake_weights,
)
from surveystats.design._targets import build_targets, check_same_total
from surveystats.design._trimming import trim_weights_array
from surveystats.exceptions import SurveyStatsError

INF = np.inf


def _frame(seed, n=300):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sex": rng.choice(["f", "m"], n),
            "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.2, 0.3, 0.5]),
            "region": rng.choice(list("abcd"), n),
            "income": rng.gamma(2.0, 20.0, n),
        }
    ), rng.uniform(0.5, 3.0, n)


def _targets(data, weights, columns, rng, spread=0.3, scale=1.3):
    """Targets near the weighted sample shares, all on one total."""
    total = scale * weights.sum()
    out = {}
    for c in columns:
        levels = sorted(data[c].unique())
        share = rng.uniform(1 - spread, 1 + spread, len(levels))
        out[c] = dict(zip(levels, total * share / share.sum(), strict=True))
    return out


# --------------------------------------------------------------------------- post-stratification
def test_poststratified_weights_are_the_cell_ratio_times_the_weight():
    # exact algebra: w_i * N_h / sum_{h} w
    data = pd.DataFrame({"g": ["a", "a", "b", "b", "b"]})
    w = np.array([1.0, 3.0, 2.0, 2.0, 4.0])
    (margin,), _ = build_targets(data, {"g": {"a": 8.0, "b": 4.0}}, argument="population")
    new, step = poststratify_weights(w, margin)
    np.testing.assert_allclose(new, [2.0, 6.0, 1.0, 1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(step.achieved_before, [4.0, 8.0])


def test_crossed_cells_match_by_value_or_by_text():
    data = pd.DataFrame({"sex": [1, 1, 2, 2], "age": ["y", "o", "y", "o"]})
    population = {("sex", "age"): {("1", "y"): 1.0, ("1", "o"): 2.0, (2, "y"): 3.0, (2, "o"): 4.0}}
    (margin,), _ = build_targets(data, population, argument="population")
    new, _ = poststratify_weights(np.ones(4), margin)
    np.testing.assert_allclose(new, [1.0, 2.0, 3.0, 4.0])  # one row per cell: its target


# --------------------------------------------------------------------------- raking
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_raked_margins_equal_their_targets(seed):
    data, w = _frame(seed)
    rng = np.random.default_rng(seed + 1)
    margins, _ = build_targets(
        data, _targets(data, w, ["sex", "age", "region"], rng), argument="margins"
    )
    new, step = rake_weights(w, margins, max_iter=1000, tolerance=1e-12)
    for m in margins:
        np.testing.assert_allclose(m.totals(new), m.targets, rtol=1e-11)
    assert step.iterations >= 1
    assert step.max_error <= 1e-11 * max(m.targets.max() for m in margins)


def test_raking_sweeps_equal_r_svyrecvar_applied_row_by_row():
    data, w = _frame(7)
    rng = np.random.default_rng(8)
    margins, _ = build_targets(
        data, _targets(data, w, ["sex", "age", "region"], rng), argument="margins"
    )
    new, step = rake_weights(w, margins, max_iter=1000, tolerance=1e-13)
    x = new[:, None] * np.column_stack([data["income"], data["sex"] == "f"]).astype(float)
    literal = x.copy()
    for _ in range(RAKING_SWEEP_CYCLES):
        for m in margins:
            u = literal / new[:, None]
            means = np.stack(
                [np.bincount(m.codes, u[:, j]) / np.bincount(m.codes) for j in range(2)], axis=1
            )
            literal = literal - new[:, None] * means[m.codes]
    np.testing.assert_allclose(step.adjust_scores(x), literal, rtol=1e-10, atol=1e-12)


def test_rake_reports_no_convergence_naming_the_margin():
    # a structural zero: the only 'm' respondents are old, but the targets want young men
    data = pd.DataFrame({"sex": ["f", "f", "m"], "age": ["y", "o", "o"]})
    margins, _ = build_targets(
        data, {"sex": {"f": 50, "m": 50}, "age": {"y": 90, "o": 10}}, argument="margins"
    )
    with pytest.raises(SurveyStatsError, match="did not converge in 50 iterations: margin"):
        rake_weights(np.ones(3), margins, max_iter=50, tolerance=1e-10)


def test_margins_that_disagree_on_the_total_are_named():
    data = pd.DataFrame({"sex": ["f", "m"], "age": ["y", "o"]})
    margins, _ = build_targets(
        data, {"sex": {"f": 50, "m": 50}, "age": {"y": 60, "o": 60}}, argument="margins"
    )
    with pytest.raises(SurveyStatsError, match="'sex' adds up to 100 but 'age' to 120"):
        check_same_total(margins, "margins")


def test_a_target_without_respondents_and_respondents_without_target():
    data = pd.DataFrame({"age": ["y", "o", "o"]})
    with pytest.raises(
        SurveyStatsError, match="level 'mid' of 'age' has a target .* no respondents"
    ):
        build_targets(data, {"age": {"y": 1, "o": 2, "mid": 3}}, argument="margins")
    with pytest.raises(SurveyStatsError, match="'age' has respondents but no target at level"):
        build_targets(data, {"age": {"y": 1}}, argument="margins")
    # a zero target for a level nobody has is harmless (R drops such cells too)
    (m,), _ = build_targets(data, {"age": {"y": 1, "o": 2, "mid": 0}}, argument="margins")
    assert m.levels == ("o", "y")


def test_missing_values_in_a_margin_column_are_an_error():
    data = pd.DataFrame({"age": ["y", None, "o"]})
    with pytest.raises(SurveyStatsError, match="column 'age' has 1 missing values"):
        build_targets(data, {"age": {"y": 1, "o": 2}}, argument="margins")


def test_shares_times_total():
    data = pd.DataFrame({"age": ["y", "o", "o"]})
    (m,), _ = build_targets(data, {"age": {"y": 0.25, "o": 0.75}}, argument="m", total=200)
    np.testing.assert_allclose(m.targets, [150.0, 50.0])  # levels sorted: o, y
    with pytest.raises(SurveyStatsError, match="add up to 1.1, not 1"):
        build_targets(data, {"age": {"y": 0.35, "o": 0.75}}, argument="m", total=200)


# --------------------------------------------------------------------------- calibration
def _dense_model(margins, numeric):
    cols = []
    for j, m in enumerate(margins):
        for level in range(0 if j == 0 else 1, m.n_levels):
            cols.append((m.codes == level).astype(float))
    cols += [t.values for t in numeric]
    return np.column_stack(cols)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), method=st.sampled_from(["linear", "raking", "logit"]))
def test_calibrating_to_the_designs_own_totals_changes_no_weight(seed, method):
    data, w = _frame(seed, n=120)
    totals = {
        "sex": data.groupby("sex")["sex"].size().mul(0).add(0).to_dict(),
        "age": {},
        "income": float(w @ data["income"]),
    }
    totals["sex"] = {k: float(w[data["sex"] == k].sum()) for k in sorted(data["sex"].unique())}
    totals["age"] = {k: float(w[data["age"] == k].sum()) for k in sorted(data["age"].unique())}
    margins, numeric = build_targets(data, totals, argument="totals")
    new, step = calibrate_weights(
        w, margins, numeric, method=method, lower=0.5, upper=2.0, max_iter=50, tolerance=1e-12
    )
    np.testing.assert_allclose(new, w, rtol=1e-12)


@pytest.mark.parametrize(
    "method, lower, upper", [("linear", -INF, INF), ("raking", 0.5, 2.5), ("logit", 0.3, 3.0)]
)
def test_calibration_meets_every_total_and_its_residuals_are_qr_resid(method, lower, upper):
    data, w = _frame(3)
    rng = np.random.default_rng(4)
    totals = _targets(data, w, ["sex", "age"], rng, spread=0.15, scale=1.05)
    totals["income"] = float(w @ data["income"]) * 1.1
    margins, numeric = build_targets(data, totals, argument="totals")
    new, step = calibrate_weights(
        w, margins, numeric, method=method, lower=lower, upper=upper, max_iter=100, tolerance=1e-12
    )
    for m in margins:
        np.testing.assert_allclose(m.totals(new), m.targets, rtol=1e-10)
    np.testing.assert_allclose(new @ data["income"], totals["income"], rtol=1e-10)
    g = new / w
    assert np.all(g >= lower - 1e-12) and np.all(g <= upper + 1e-12)
    if method == "logit":
        assert np.all(g > lower) and np.all(g < upper)
    # R: qr.resid(qr(X * sqrt(d)), x / (g * sqrt(d))) * g * sqrt(d)
    X = _dense_model(margins, numeric)
    x = new[:, None] * np.column_stack([data["income"], data["sex"] == "f"]).astype(float)
    sd = np.sqrt(w)
    A = X * sd[:, None]
    u = x / (g * sd)[:, None]
    coef = np.linalg.lstsq(A, u, rcond=None)[0]
    expected = (u - A @ coef) * (g * sd)[:, None]
    np.testing.assert_allclose(step.adjust_scores(x), expected, rtol=1e-9, atol=1e-9)


def test_poststratifying_on_one_variable_equals_linear_calibration_on_it():
    data, w = _frame(11)
    rng = np.random.default_rng(12)
    targets = _targets(data, w, ["age"], rng)
    (margin,), _ = build_targets(data, targets, argument="population")
    post, post_step = poststratify_weights(w, margin)
    cal, cal_step = calibrate_weights(
        w, [margin], [], method="linear", lower=-INF, upper=INF, max_iter=10, tolerance=1e-12
    )
    np.testing.assert_allclose(cal, post, rtol=1e-13)
    x = post[:, None] * np.column_stack([data["income"], data["sex"] == "m"]).astype(float)
    np.testing.assert_allclose(cal_step.adjust_scores(x), post_step.adjust_scores(x), atol=1e-10)


def test_bounds_too_tight_do_not_converge_and_say_so():
    data, w = _frame(5)
    totals = {"sex": {"f": 10 * w.sum(), "m": 0.1 * w.sum()}}
    margins, _ = build_targets(data, totals, argument="totals")
    with pytest.raises(
        SurveyStatsError, match="did not converge .* 'sex=f'|bounds may be too tight"
    ):
        calibrate_weights(
            w, margins, [], method="linear", lower=0.8, upper=1.2, max_iter=30, tolerance=1e-10
        )


# --------------------------------------------------------------------------- trimming
def test_trimming_as_r_trimweights_by_hand():
    # R: trimWeights(d, upper = 4): 9 -> 4, the 5 trimmed shared by the three others
    w = np.array([1.0, 2.0, 3.0, 9.0])
    new, step = trim_weights_array(w, lower=None, upper=4.0, strict=False)
    np.testing.assert_allclose(new, [1 + 5 / 3, 2 + 5 / 3, 3 + 5 / 3, 4.0])
    assert step.n_trimmed == 1 and step.iterations == 1
    # 3 + 5/3 > 4: strict repeats until every weight is inside, keeping the sum
    strict, step = trim_weights_array(w, lower=None, upper=4.0, strict=True)
    assert strict.max() <= 4.0 and step.iterations > 1
    np.testing.assert_allclose(strict.sum(), w.sum(), rtol=1e-14)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), upper_ratio=st.floats(1.05, 3.0))
def test_strict_trimming_keeps_the_sum_and_ends_inside(seed, upper_ratio):
    w = np.random.default_rng(seed).lognormal(0.0, 0.8, 200)
    upper = upper_ratio * w.mean()
    new, _ = trim_weights_array(w, lower=None, upper=upper, strict=True)
    assert new.max() <= upper
    np.testing.assert_allclose(new.sum(), w.sum(), rtol=1e-12)


def test_infeasible_strict_bounds_are_an_error_not_a_stack_overflow():
    w = np.array([1.0, 2.0, 3.0, 10.0])  # mean 4: no weights of this sum are all <= 3
    with pytest.raises(SurveyStatsError, match="no weights of sum 16 over 4 rows fit"):
        trim_weights_array(w, lower=None, upper=3.0, strict=True)
    with pytest.raises(SurveyStatsError, match="lower=5 must be below upper=5"):
        trim_weights_array(w, lower=5.0, upper=5.0, strict=False)
