"""Strict trimming against R ``survey::trimWeights`` 4.1.1, and trimming of weight blocks.

Every expected number comes from ``tests/reference/weighting/trimming.R`` (R 4.2.2): four sets
of starting weights from the api data sets (apistrat's design weights and their calibration to
apipop totals, apiclus1 raked to apipop margins, apiclus2's two-stage weights) and sixteen
bound pairs, some close to the mean weight where R calls itself up to 63 times.  R stops when
no weight is outside in double precision, so its weights are the limit to rounding: tolerance
1e-12 relative (each R call also rounds through ``1 / (1 / w)``).

Where R and surveystats part:
- In two cases R crashes ("C stack usage ... is too close to the limit") on bounds that do
  hold the weight sum: its shared-out amounts stop shrinking and cycle in the last bits, so no
  call ever ends with every weight inside.  The script's loop of R's own arithmetic shows the
  cycle; in it the rounding drifts (after 10^5 calls the weight sum is off by 1.7e-8 and the
  weights by up to 3e-11 relative), so the loop's weights are compared at 1e-9, and the sum and
  bounds, which the limit meets exactly, are checked on their own.
- In three cases every weight starts outside the bounds: R sets them all to a bound and has
  nobody to share the trimmed amount with, so its weight sum changes (apistrat 6194 -> 6150
  for [30, 31.5], apiclus1 6194 -> 6183 for [33, 36]); surveystats raises an error instead.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

from surveystats.design._trimming import trim_weights_array
from surveystats.exceptions import InvalidOptionError, SurveyStatsError

REF = pathlib.Path(__file__).resolve().parent.parent / "reference" / "weighting"
CASES = pd.read_csv(REF / "trimming_cases.csv")
WEIGHTS = pd.read_csv(REF / "trimming_weights.csv")
RTOL = 1e-12


def _case(name):
    row = CASES.set_index("case").loc[name]
    frame = WEIGHTS[WEIGHTS["case"] == name].sort_values("row")
    bound = lambda v: None if not np.isfinite(v) else float(v)  # noqa: E731
    return row, frame, bound(row["lower"]), bound(row["upper"])


def _all_outside(name):
    _, frame, lower, upper = _case(name)
    start = frame["start"].to_numpy()
    lo, hi = (-np.inf if lower is None else lower), (np.inf if upper is None else upper)
    return bool(np.all((start < lo) | (start > hi)))


ALL_OUTSIDE = [n for n in CASES["case"] if _all_outside(n)]
R_OK = [n for n in CASES["case"][CASES["r_status"] == "ok"] if n not in ALL_OUTSIDE]


@pytest.mark.parametrize("name", R_OK)
def test_strict_trimming_equals_r(name):
    # trimWeights(design, lower, upper, strict = TRUE): R's recursive calls to their end
    row, frame, lower, upper = _case(name)
    new, step = trim_weights_array(frame["start"].to_numpy(), lower=lower, upper=upper, strict=True)
    np.testing.assert_allclose(new, frame["strict"], rtol=RTOL, atol=0)
    assert step.iterations == (1 if row["r_calls"] <= 2 else 2)  # R's last call only checks


@pytest.mark.parametrize("name", [n for n in CASES["case"] if n not in ALL_OUTSIDE])
def test_one_pass_equals_r(name):
    # trimWeights(design, lower, upper, strict = FALSE)
    _, frame, lower, upper = _case(name)
    new, step = trim_weights_array(
        frame["start"].to_numpy(), lower=lower, upper=upper, strict=False
    )
    np.testing.assert_allclose(new, frame["one_pass"], rtol=RTOL, atol=0)
    assert step.iterations == 1


@pytest.mark.parametrize("name", CASES["case"][CASES["r_status"] != "ok"].tolist())
def test_strict_trimming_where_r_overflows_its_stack(name):
    # R: "C stack usage ... is too close to the limit"; feasible bounds all the same
    row, frame, lower, upper = _case(name)
    assert row["r_status"].startswith("C stack usage") and np.isnan(row["r_calls"])
    start = frame["start"].to_numpy()
    new, _ = trim_weights_array(start, lower=lower, upper=upper, strict=True)
    # the loop of R's arithmetic (10^5 calls, cycling and drifting in the last bits)
    np.testing.assert_allclose(new, frame["r_loop"], rtol=1e-9, atol=0)
    assert abs(frame["r_loop"].sum() - start.sum()) > 1e-9  # R's drift, which the limit lacks
    lo, hi = (-np.inf if lower is None else lower), (np.inf if upper is None else upper)
    assert np.all((new >= lo) & (new <= hi))
    np.testing.assert_allclose(new.sum(), start.sum(), rtol=1e-14)


@pytest.mark.parametrize("name", ALL_OUTSIDE)
def test_every_weight_outside_is_an_error_where_r_changes_the_sum(name):
    _, frame, lower, upper = _case(name)
    start = frame["start"].to_numpy()
    # R: every weight clipped, nobody inside to take the trimmed amount, a new weight sum
    np.testing.assert_allclose(frame["one_pass"], np.clip(start, lower, upper), rtol=1e-15)
    assert abs(frame["one_pass"].sum() - start.sum()) > 1.0
    for strict in (False, True):
        with pytest.raises(SurveyStatsError, match="every weight is outside"):
            trim_weights_array(start, lower=lower, upper=upper, strict=strict)


def test_the_crossing_cases_exercise_both_bounds():
    # guard on the reference itself: some strict cases needed many calls, some both bounds
    ok = CASES[CASES["r_status"] == "ok"]
    assert ok["r_calls"].max() >= 60
    both = ok[np.isfinite(ok["lower"]) & np.isfinite(ok["upper"]) & (ok["r_calls"] > 2)]
    assert len(both) >= 2


# ------------------------------------------------------------------ blocks of weights (k columns)
def test_a_block_is_trimmed_column_by_column_as_r():
    # columns: four of R's starting weight vectors of one length (apistrat: 200 rows), each
    # trimmed as R did it; the block result equals R's column by column
    names = [n for n in CASES["case"] if n.startswith("apistrat_cal")]
    ok = [n for n in names if n in R_OK]
    frames = [_case(n) for n in ok]
    block = np.column_stack([f["start"].to_numpy() for _, f, _, _ in frames])
    for _, frame, lower, upper in frames:
        new, step = trim_weights_array(block, lower=lower, upper=upper, strict=True)
        np.testing.assert_allclose(new[:, 0], frame["strict"], rtol=RTOL, atol=0)
        assert new.shape == block.shape and step.n_trimmed.shape == (block.shape[1],)


def test_block_columns_match_the_vector_function():
    rng = np.random.default_rng(20261202)
    block = rng.lognormal(3.0, 0.7, size=(300, 25))
    block *= 25.0 / block.mean(axis=0)  # every column's mean weight 25: the bounds fit all
    for lower, upper in [(None, 40.0), (12.0, None), (15.0, 30.0), (24.0, 26.0)]:
        new, step = trim_weights_array(block, lower=lower, upper=upper, strict=True)
        for j in range(block.shape[1]):
            one, one_step = trim_weights_array(block[:, j], lower=lower, upper=upper, strict=True)
            # 1e-14: the column sums are added in another order
            np.testing.assert_allclose(new[:, j], one, rtol=1e-14)
            assert step.n_trimmed[j] == one_step.n_trimmed
        np.testing.assert_allclose(new.sum(axis=0), block.sum(axis=0), rtol=1e-13)


def test_block_errors_name_the_column():
    block = np.column_stack([np.full(4, 2.0), [1.0, 2.0, 3.0, 10.0]])
    with pytest.raises(SurveyStatsError, match=r"no weights of sum 16 .* in column 1"):
        trim_weights_array(block, lower=None, upper=3.0, strict=True)
    with pytest.raises(InvalidOptionError, match=r"one vector \(rows,\) or a block"):
        trim_weights_array(np.ones((2, 2, 2)), lower=None, upper=3.0, strict=True)


def _r_passes(w, lower, upper, passes):
    """R trimWeights.survey.design2's arithmetic, repeated (an independent re-statement)."""
    for _ in range(passes):
        outside = (w < lower) | (w > upper)
        if not outside.any():
            break
        new = np.clip(w, lower, upper)
        new[~outside] += (w - new).sum() / (~outside).sum()
        w = new
    return w


@pytest.mark.parametrize("seed", range(6))
def test_limit_is_where_many_r_passes_go(seed):
    # both bounds active in the first pass: the later passes only cross one of them
    rng = np.random.default_rng(seed)
    w = rng.lognormal(0.0, 1.0, 80)
    lower, upper = 0.6 * w.mean(), 1.6 * w.mean()
    new, _ = trim_weights_array(w, lower=lower, upper=upper, strict=True)
    np.testing.assert_allclose(new, _r_passes(w, lower, upper, 20_000), rtol=1e-12)
