"""Properties of re-weighted replicate designs (no external reference needed for these).

- raking every replicate meets every margin in every replicate;
- calibrating to the design's own totals changes no weight, full sample or replicate;
- post-stratifying on one variable equals linear calibration on it, also in every replicate;
- ``SurveyDesign.replicate`` on a weighted design equals the replicates of the unweighted design
  with the same steps taken on the replicate design (R: ``as.svrepdesign`` then the steps);
- user-supplied replicate weights re-weight as the replicates made from factors;
- replicate weights are re-weighted in blocks: a block size of one replicate gives the same;
- pickling keeps the re-weighted replicates.
"""

from __future__ import annotations

import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.design import replicate_design as rdmod

REF = pathlib.Path(__file__).resolve().parent.parent / "reference"
API = pd.read_csv(REF / "weighting" / "apiclus1.csv")  # R's apiclus1 (survey 4.1.1)
STRAT = pd.read_csv(REF / "replicates" / "apistrat_weighting.csv")  # R's apistrat
STYPE = {"stype": {"E": 4421, "H": 755, "M": 1018}}
SCHWIDE = {"sch.wide": {"No": 1072, "Yes": 5122}}
COMPIMP = {"comp.imp": {"No": 1712, "Yes": 4482}}
MARGINS = STYPE | SCHWIDE | COMPIMP
CAL = STYPE | SCHWIDE | {"api99": 3914069}


def clus1():
    return ss.SurveyDesign(API, weights="pw", clusters="dnum", fpc="fpc")


def boot():
    d = ss.SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc")
    return d.replicate("bootstrap", replicates=40, seed=3)


def _margin_totals(reps, column, levels):
    values = API[column].to_numpy() if len(reps) == len(API) else STRAT[column].to_numpy()
    return np.array([reps[values == lv].sum(axis=0) for lv in levels])


@pytest.mark.parametrize("make", [lambda: clus1().replicate("jk1"), boot])
def test_raking_meets_every_margin_in_every_replicate(make):
    rd = make().rake(MARGINS, tolerance=1e-12)
    reps = rd.replicate_weights().to_numpy()
    for column, targets in MARGINS.items():
        levels = list(targets)
        got = _margin_totals(reps, column, levels)
        want = np.array([targets[lv] for lv in levels], dtype=float)[:, None]
        np.testing.assert_allclose(got, np.broadcast_to(want, got.shape), rtol=1e-11)


@pytest.mark.parametrize("method", ["linear", "raking", "logit"])
def test_calibrating_to_own_totals_changes_nothing(method):
    rd = clus1().replicate("jk1")
    w = rd.weights
    own = {
        "stype": {lv: w[API["stype"].to_numpy() == lv].sum() for lv in ("E", "H", "M")},
        "api99": float((w * API["api99"].to_numpy()).sum()),
    }
    # a replicate's own totals differ from the full sample's, so only the full-sample g is 1;
    # calibrating to totals that every replicate already has (their common weight sum) is
    # exact in every replicate: JK1 replicates of apiclus1 do not share totals, so use the
    # full sample here and check the replicates against the unweighted ones below
    bounds = (0.5, 2.0) if method == "logit" else None
    cal = rd.calibrate(own, method=method, bounds=bounds, tolerance=1e-12)
    np.testing.assert_allclose(cal.weights, w, rtol=1e-12)


def test_calibrating_every_replicate_to_totals_it_has_changes_no_replicate_weight():
    # apistrat's JKn replicates keep every stratum count (weights are constant in a stratum),
    # so calibrating to the stratum counts is the identity in every replicate
    d = ss.SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc").replicate("jkn")
    counts = {"stype": {lv: d.weights[STRAT["stype"].to_numpy() == lv].sum() for lv in "EHM"}}
    before = d.replicate_weights().to_numpy()
    for method in ("linear", "raking"):
        after = d.calibrate(counts, method=method).replicate_weights().to_numpy()
        np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: clus1().replicate("jk1"), boot])
def test_poststratify_equals_linear_calibration_in_every_replicate(make):
    rd = make()
    ps = rd.poststratify(STYPE)
    cal = rd.calibrate(STYPE)
    np.testing.assert_allclose(ps.weights, cal.weights, rtol=1e-12)
    np.testing.assert_allclose(
        ps.replicate_weights().to_numpy(), cal.replicate_weights().to_numpy(), rtol=1e-11
    )
    assert ps.mean("api00").se == pytest.approx(cal.mean("api00").se, rel=1e-11)


CHAINS = {
    "poststratify": lambda d: d.poststratify(STYPE),
    "rake_trim": lambda d: d.rake(MARGINS, tolerance=1e-12).trim_weights(upper=45),
    "calibrate_logit": lambda d: d.calibrate(CAL, method="logit", bounds=(0.4, 2.5)),
    "trim_rake": lambda d: d.poststratify(STYPE).trim_weights(upper=50).rake(MARGINS),
    "linear_then_rake": lambda d: d.calibrate(CAL).rake(MARGINS, tolerance=1e-12),
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_replicate_of_weighted_design_replays_every_step(chain):
    step = CHAINS[chain]
    replayed = step(clus1()).replicate("jk1")
    direct = step(clus1().replicate("jk1"))
    np.testing.assert_allclose(replayed.weights, direct.weights, rtol=1e-12)
    for got, want in [
        (replayed.mean("api00"), direct.mean("api00")),
        (replayed.total("enroll", by="comp.imp"), direct.total("enroll", by="comp.imp")),
    ]:
        np.testing.assert_allclose(got.estimate, want.estimate, rtol=1e-12)
        np.testing.assert_allclose(got.se, want.se, rtol=1e-10)
    assert replayed.degf == direct.degf
    assert len(replayed.weight_summary().steps) == len(direct.weight_summary().steps)


def test_user_supplied_replicates_reweight_as_factors():
    rd = clus1().replicate("jk1")
    shipped = pd.concat([API, rd.replicate_weights()], axis=1)
    back = ss.ReplicateDesign(
        shipped, weights="pw", replicate_weights="^repw", type="jk1", scale=rd.scale
    )
    for step in (lambda d: d.rake(MARGINS, tolerance=1e-12), lambda d: d.calibrate(CAL)):
        a, b = step(rd), step(back)
        assert a.mean("api00").se == pytest.approx(b.mean("api00").se, rel=1e-10)
        np.testing.assert_allclose(
            a.replicate_weights().to_numpy(), b.replicate_weights().to_numpy(), rtol=1e-10
        )


def test_blocks_of_one_replicate_give_the_same(monkeypatch):
    rd = clus1().replicate("jk1").calibrate(CAL, method="raking", bounds=(0.4, 2.5))
    rd = rd.trim_weights(upper=60)
    want = rd.proportion("awards", level="Yes")
    monkeypatch.setattr(rdmod, "_REWEIGHT_BLOCK", 1)
    again = clus1().replicate("jk1").calibrate(CAL, method="raking", bounds=(0.4, 2.5))
    got = again.trim_weights(upper=60).proportion("awards", level="Yes")
    assert got.se == pytest.approx(want.se, rel=1e-12)


def test_pickle_keeps_the_reweighted_replicates():
    rd = clus1().replicate("jk1").rake(MARGINS, tolerance=1e-12).trim_weights(upper=45)
    back = pickle.loads(pickle.dumps(rd))
    assert back.mean("api00").se == rd.mean("api00").se
    assert back.degf == rd.degf


def test_weight_bounds_are_refused_on_replicates():
    with pytest.raises(ss.SurveyStatsError, match="weight_bounds"):
        clus1().replicate("jk1").calibrate(CAL, weight_bounds=(20, 60))


def test_trimming_a_replicate_that_cannot_fit_names_it():
    # at upper = 40 two raked JK1 replicates have a mean weight above 40
    with pytest.raises(ss.SurveyStatsError, match="replicate"):
        clus1().replicate("jk1").rake(MARGINS, tolerance=1e-12).trim_weights(upper=40, strict=True)


def test_rows_outside_a_replicate_keep_weight_zero_after_trimming():
    rd = clus1().replicate("jk1").rake(MARGINS, tolerance=1e-12)
    before = rd.replicate_weights().to_numpy()
    after = rd.trim_weights(lower=25, upper=45).replicate_weights().to_numpy()
    np.testing.assert_array_equal(after == 0, before == 0)


def test_weight_summary_after_poststratify_reports_its_margin():
    # the one margin's weighted counts before (pw: 33.847 for every school) and after
    rd = clus1().replicate("jk1").poststratify(STYPE)
    frame = rd.weight_summary().to_frame().set_index("level")
    np.testing.assert_allclose(frame["achieved"], [4421, 755, 1018], rtol=1e-12)
    counts = API["stype"].value_counts().reindex(["E", "H", "M"]).to_numpy()
    np.testing.assert_allclose(frame["share_before"], counts / counts.sum(), rtol=1e-12)


@pytest.mark.parametrize(
    "step",
    [
        lambda d: d.rake(MARGINS, tolerance=1e-12),
        lambda d: d.poststratify(STYPE).calibrate(CAL),
        lambda d: d.calibrate(STYPE | SCHWIDE, method="logit", bounds=(0.4, 2.5)),
    ],
)
def test_units_path_equals_the_dense_path(monkeypatch, step):
    # the same replicate totals with the (PSU x cell) sums dense and gathered per unit
    want = step(boot()).mean("api00", by="comp.imp")
    monkeypatch.setattr(rdmod, "_DENSE_CELLS", 0)
    got = step(boot()).mean("api00", by="comp.imp")
    np.testing.assert_allclose(got.se, want.se, rtol=1e-11)
    np.testing.assert_allclose(got.estimate, want.estimate, rtol=1e-12)


def test_rank_after_linear_calibration_from_unit_sums_equals_row_blocks(monkeypatch):
    # degf from the per-unit moments of (1, x) equals the rank of the rows x replicates weights
    step = lambda d: d.poststratify(STYPE).calibrate(CAL)  # noqa: E731
    fast = step(ss.SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc").replicate("jkn"))
    monkeypatch.setattr(rdmod, "_linear_gram", lambda *args: None)
    slow = step(ss.SurveyDesign(STRAT, weights="pw", strata="stype", fpc="fpc").replicate("jkn"))
    assert fast.degf == slow.degf
    assert (
        fast.degf
        == rdmod.user_weights_rank(
            fast.replicate_weights().to_numpy().T @ fast.replicate_weights().to_numpy()
        )
        - 1
    )


def test_a_cell_empty_in_some_replicates_keeps_those_replicates():
    # bootstrap replicates of apistrat (PSUs are schools) leave out every school of some small
    # crossed cell stype x sch.wide x comp.imp (without an FPC a school not drawn has factor 0);
    # raking must not turn those replicates into NaN
    d = ss.SurveyDesign(STRAT, weights="pw", strata="stype")
    rd = d.replicate("bootstrap", replicates=40, seed=3)
    cells = STRAT["stype"] + STRAT["sch.wide"] + STRAT["comp.imp"]
    before = rd.replicate_weights().groupby(cells.to_numpy()).sum().to_numpy()
    assert (before == 0).any()  # the situation the test is about does occur
    raked = rd.rake(STYPE | SCHWIDE | COMPIMP, tolerance=1e-12)
    reps = raked.replicate_weights().to_numpy()
    assert np.isfinite(reps).all()
    assert np.isfinite(raked.mean("api00").se)
