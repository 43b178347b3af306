"""Weighting methods of SurveyDesign: properties, diagnostics, targets tables, errors, the CLI.

Expected values are invariants (raked margins equal their targets; calibrating to the
design's own totals changes no weight; post-stratifying on one variable equals linear
calibration on it, SE included), exact algebra (Kish's design effect
``n sum(w^2) / sum(w)^2``), or the R references of ``tests/reference/weighting``.
"""

from __future__ import annotations

import json
import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surveystats as ss
from surveystats.cli.main import main
from surveystats.design.weighting import read_targets
from surveystats.exceptions import SurveyStatsError

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "weighting"
DATA = pd.read_csv(REF / "apiclus1.csv")
TARGETS = read_targets(REF / "apipop_targets.csv")
MARGINS = TARGETS[TARGETS["variable"].isin(["stype", "sch.wide", "comp.imp"])]


def clus1():
    return ss.SurveyDesign(DATA, weights="pw", clusters="dnum", fpc="fpc")


def _poll(seed, n=400):
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "psu": np.repeat(np.arange(n // 10), 10),
            "stratum": np.repeat(np.arange(n // 100), 100),
            "sex": rng.choice(["f", "m"], n),
            "age": rng.choice(["18-34", "35-54", "55+"], n, p=[0.25, 0.35, 0.4]),
            "vote": rng.choice(["A", "B", "C"], n),
            "income": rng.gamma(2.0, 15.0, n),
            "w": rng.uniform(0.5, 2.5, n),
        }
    )
    return data, ss.SurveyDesign(data, weights="w", strata="stratum", clusters="psu", nest=True)


# --------------------------------------------------------------------------- properties
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_raked_design_meets_every_margin(seed):
    data, d = _poll(seed)
    rng = np.random.default_rng(seed)
    total = 1000.0
    margins = {}
    for column in ["sex", "age", "vote"]:
        levels = sorted(data[column].unique())
        share = rng.uniform(0.5, 1.5, len(levels))
        margins[column] = dict(zip(levels, total * share / share.sum(), strict=True))
    raked = d.rake(margins, tolerance=1e-12)
    for column, targets in margins.items():
        for level, target in targets.items():
            assert raked.weights[data[column] == level].sum() == pytest.approx(target, rel=1e-11)
    np.testing.assert_array_equal(d.weights, data["w"])  # the first design is unchanged


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), method=st.sampled_from(["linear", "raking", "logit"]))
def test_calibrating_to_its_own_totals_changes_no_weight(seed, method):
    data, d = _poll(seed)
    w = d.weights
    totals = {
        "sex": {k: float(w[data["sex"] == k].sum()) for k in ("f", "m")},
        "age": {k: float(w[data["age"] == k].sum()) for k in data["age"].unique()},
        "income": float(w @ data["income"]),
    }
    calibrated = d.calibrate(totals, method=method, bounds=(0.5, 2.0))
    np.testing.assert_allclose(calibrated.weights, w, rtol=1e-12)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_poststratifying_on_one_variable_equals_linear_calibration_on_it(seed):
    data, d = _poll(seed)
    population = {"age": {"18-34": 300.0, "35-54": 330.0, "55+": 370.0}}
    post = d.poststratify(population)
    cal = d.calibrate(population)
    np.testing.assert_allclose(cal.weights, post.weights, rtol=1e-12)
    for estimate in (lambda x: x.mean("income"), lambda x: x.proportion("vote", level="A")):
        a, b = estimate(post), estimate(cal)
        assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
        assert a.se == pytest.approx(b.se, rel=1e-9)


def test_scaling_the_targets_scales_the_weights_and_keeps_means_and_ses():
    d = clus1()
    once = d.rake(MARGINS, tolerance=1e-12)
    scaled = MARGINS.assign(target=MARGINS["target"] * 3.0)
    thrice = d.rake(scaled, tolerance=1e-12)
    np.testing.assert_allclose(thrice.weights, 3 * once.weights, rtol=1e-10)
    a, b = once.mean("api00"), thrice.mean("api00")
    assert b.estimate == pytest.approx(a.estimate, rel=1e-10)
    assert b.se == pytest.approx(a.se, rel=1e-9)


def test_shares_times_a_total_equal_counts():
    d = clus1()
    counts = {"stype": {"E": 4421, "H": 755, "M": 1018}}
    shares = {"stype": {k: v / 6194 for k, v in counts["stype"].items()}}
    np.testing.assert_allclose(
        d.poststratify(shares, total=6194).weights, d.poststratify(counts).weights, rtol=1e-13
    )


def test_a_weighted_design_pickles_with_its_steps():
    d = clus1().rake(MARGINS).trim_weights(upper=45, strict=True)
    back = pickle.loads(pickle.dumps(d))
    np.testing.assert_array_equal(back.weights, d.weights)
    assert back.mean("api00").se == d.mean("api00").se


def test_numeric_totals_with_a_population_size():
    # R: calibrate(d, ~api99, c(`(Intercept)` = 6194, api99 = sum(apipop$api99)))
    api99 = TARGETS.loc[TARGETS["variable"] == "api99", "target"].item()
    d = clus1().calibrate({"api99": api99}, population_size=6194)
    assert d.weights.sum() == pytest.approx(6194, rel=1e-12)
    assert d.weights @ DATA["api99"] == pytest.approx(api99, rel=1e-12)


# --------------------------------------------------------------------------- diagnostics
def test_weight_summary_reports_spread_steps_and_every_margin_level():
    d = clus1().rake(MARGINS, tolerance=1e-12).trim_weights(upper=45, strict=True)
    s = d.weight_summary()
    w = d.weights
    assert s.n == 183
    assert s.kish_deff == pytest.approx(len(w) * (w @ w) / w.sum() ** 2, rel=1e-14)
    assert s.kish_deff == pytest.approx(ss.kish_deff(w), rel=1e-12)
    assert s.effective_n == pytest.approx(183 / s.kish_deff, rel=1e-14)
    assert s.weight_max <= 45 and s.weight_ratio == pytest.approx(w.max() / w.min())
    assert s.steps[0].startswith("rake: ") and s.steps[1].startswith("trim to [-inf, 45] strict")
    frame = s.to_frame()
    assert list(frame["margin"]) == ["stype"] * 3 + ["sch.wide"] * 2 + ["comp.imp"] * 2
    target = MARGINS.set_index(["variable", "level"])["target"]
    for row in frame.itertuples(index=False):
        assert row.target == target[(row.margin, row.level)]
        level = (DATA[row.margin] == row.level).to_numpy()
        assert row.achieved == pytest.approx(w[level].sum(), rel=1e-13)
        # before raking the weights were apiclus1's pw, equal for every school
        assert row.share_before == pytest.approx(level.mean(), rel=1e-12)
    margins = s.margin_frame()
    assert list(margins["margin"]) == ["stype", "sch.wide", "comp.imp"]
    # trimming moves the margins off their targets; the summary says by how much
    assert margins["max_error"].max() > 1
    raked = clus1().rake(MARGINS, tolerance=1e-12).weight_summary().margin_frame()
    assert raked["asmd_after"].max() < 1e-10
    # stype before raking: shares 144/183, 14/183, 25/183 against 4421, 755, 1018 of 6194
    before = np.array([144, 14, 25]) / 183
    p = np.array([4421, 755, 1018]) / 6194
    expected = np.mean(np.abs(before - p) / np.sqrt(p * (1 - p)))
    assert raked.set_index("margin").loc["stype", "asmd_before"] == pytest.approx(
        expected, rel=1e-12
    )


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "call, message",
    [
        (lambda d: d.poststratify(MARGINS), "poststratify takes one margin"),
        (lambda d: d.rake({"stype": {"E": 1, "H": 1}}), "respondents but no target at level 'M'"),
        (lambda d: d.rake({"nope": {"E": 1}}), "column 'nope' is not in the data"),
        (lambda d: d.rake(MARGINS, max_iter=0), "max_iter=0 must be a positive whole number"),
        (lambda d: d.calibrate(MARGINS, method="ratio"), "method='ratio' is not recognized"),
        (lambda d: d.calibrate(MARGINS, method="logit"), "needs finite bounds"),
        (lambda d: d.calibrate(MARGINS, bounds=(2, 1)), "lower must be below upper"),
        (lambda d: d.trim_weights(), "needs lower=, upper= or both"),
        (lambda d: d.trim_weights(upper=20, strict=True), "no weights of sum"),
        (
            lambda d: d.rake({"stype": {"E": 1, "H": 1, "M": 1}, "awards": {"No": 5, "Yes": 5}}),
            "disagree on the population total",
        ),
    ],
)
def test_bad_weighting_input_raises_naming_what_is_wrong(call, message):
    with pytest.raises(SurveyStatsError, match=message):
        call(clus1())


# --------------------------------------------------------------------------- command line
def test_weight_command_rakes_writes_the_file_and_prints_the_diagnostics(tmp_path, capsys):
    data_path, targets_path = tmp_path / "poll.csv", tmp_path / "targets.csv"
    DATA.to_csv(data_path, index=False)
    MARGINS.to_csv(targets_path, index=False)
    out = tmp_path / "weighted.csv"
    status = main(
        ["weight", str(data_path), "--weights", "pw", "--rake", str(targets_path),
         "--trim-upper", "45", "--strict", "-o", str(out)]
    )  # fmt: skip
    assert status == 0
    written = pd.read_csv(out)
    expected = clus1().rake(MARGINS).trim_weights(upper=45, strict=True).weights
    np.testing.assert_allclose(written["weight"], expected, rtol=1e-12)
    assert list(written.columns[:-1]) == list(DATA.columns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poll.csv", "targets.csv", "weighted.csv"]
    shown = capsys.readouterr().out
    assert "Weighted 183 rows" in shown and "Kish design effect" in shown and "comp.imp" in shown


def test_weight_command_json_and_shares(tmp_path, capsys):
    data_path, targets_path = tmp_path / "poll.csv", tmp_path / "shares.csv"
    DATA.to_csv(data_path, index=False)
    shares = MARGINS.assign(target=MARGINS["target"] / 6194)
    shares.to_csv(targets_path, index=False)
    out = tmp_path / "w.csv"
    assert (
        main(["weight", str(data_path), "--rake", str(targets_path), "-o", str(out), "--json"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    # no starting weights: 1 each, so the shares are scaled to n = 183
    assert record["weight_sum"] == pytest.approx(183, rel=1e-12)
    assert {m["margin"] for m in record["margins"]} == {"stype", "sch.wide", "comp.imp"}


def test_weight_command_errors_are_one_line_and_exit_2(tmp_path, capsys):
    data_path, targets_path = tmp_path / "poll.csv", tmp_path / "targets.csv"
    DATA.to_csv(data_path, index=False)
    MARGINS[MARGINS["level"] != "M"].to_csv(targets_path, index=False)
    out = tmp_path / "w.csv"
    assert main(["weight", str(data_path), "--rake", str(targets_path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("surveystats: error: ") and "level 'M'" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
