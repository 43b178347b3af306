"""Estimates from chunks of a file and from a Dask DataFrame equal the in-memory design's.

The reference is ``SurveyDesign`` on the same rows (itself checked against R survey 4.1.1 in the
design-core tests): the per-cell sums are an exact rewriting of the same Taylor linearization,
so every field must agree to rounding (1e-10 relative), the domains in the same order.  Data:
R's API samples (one-stage clusters, two stages with FPC at both, strata with clusters) and a
simulated file of 50 strata x 40 PSUs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats.design import load_api
from surveystats.design.chunked import ChunkedSurveyDesign
from surveystats.exceptions import InvalidOptionError, InvalidValueError, SurveyStatsError

REFERENCE = Path(__file__).parent.parent / "reference" / "design"
HAVE_DASK = importlib.util.find_spec("distributed") is not None
HAVE_PYARROW = importlib.util.find_spec("pyarrow") is not None

FIELDS = ("estimate", "se", "deff", "low", "high", "df", "n", "n_missing", "n_missing_by")

DESIGNS = {
    "apiclus1": dict(weights="pw", clusters="dnum", fpc="fpc"),
    "apiclus2": dict(clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"]),  # weights implied
    "apistrat": dict(weights="pw", strata="stype", clusters="snum", fpc="fpc"),
    # no clusters: every school its own PSU (per-cell sums of squared scores)
    "apistrat rows": dict(weights="pw", strata="stype", fpc="fpc"),
    "apistrat rows, no fpc": dict(weights="pw", strata="stype"),
    "apiclus1 rows, weights implied": dict(fpc="fpc"),
    "apistrat rows, nothing": dict(),
}

CALLS = {
    "mean": lambda d: d.mean("api00"),
    "mean with missing, by": lambda d: d.mean("acs.k3", by="stype"),
    "total by": lambda d: d.total("enroll", by="stype"),
    "proportion": lambda d: d.proportion("sch.wide", level="Yes"),
    "proportion with missing": lambda d: d.proportion("answer", level="Yes", method="likelihood"),
    "proportion crossed domains, beta": lambda d: d.proportion(
        "sch.wide", level="Yes", by=["stype", "awards"], method="beta"
    ),
    "proportion asin": lambda d: d.proportion("answer", level="No", by="stype", method="asin"),
    "proportion 90%, srswor deff": lambda d: d.proportion(
        "sch.wide", level="No", by="awards", confidence_level=0.9, deff="srswor"
    ),
    "mean by a column with missing values": lambda d: d.mean("api00", by="group"),
    "proportion by crossed columns with missing values": lambda d: d.proportion(
        "answer", level="Yes", by=["group", "awards"]
    ),
}


def api_frame(name):
    frame = load_api(name.split(" ")[0])
    answer = frame["sch.wide"].astype(object)
    answer[::7] = np.nan  # every seventh school did not answer
    frame["answer"] = answer
    group = frame["stype"].astype(object)
    group[::5] = np.nan  # every fifth school in no domain (n_missing_by)
    frame["group"] = group
    return frame


def assert_same(chunked, memory, rtol=1e-12):
    # A domain without answers has no estimate; its SE is NaN here.  In memory it is NaN or
    # 0 depending on the variance engine's path (0 when every row is its own PSU), so those
    # domains are checked apart.
    empty = np.atleast_1d(np.asarray(memory.n)) == 0
    for name in FIELDS:
        ours = np.atleast_1d(np.asarray(getattr(chunked, name), dtype=float))
        theirs = np.atleast_1d(np.asarray(getattr(memory, name), dtype=float))
        if name in ("se", "deff"):
            assert np.isnan(ours[empty]).all(), name
            assert (np.isnan(theirs[empty]) | (theirs[empty] == 0)).all(), name
            ours, theirs = ours[~empty], theirs[~empty]
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0, err_msg=name)
    assert chunked.method == memory.method
    assert chunked.statistic == memory.statistic
    if memory.domain is None:
        assert chunked.domain is None
    else:
        assert list(chunked.domain) == list(memory.domain)
        assert chunked.by == memory.by
    kept = np.flatnonzero(~empty)
    theirs = memory.covariance[np.ix_(kept, kept)]
    # a covariance that is 0 but for rounding (1e-34 against variances of 1e-3, between
    # domains of a design without clusters, whose scores sum to 0) is held to rtol of the
    # largest variance, not to its own size
    scale = np.nanmax(np.abs(np.diag(theirs)), initial=0.0)
    np.testing.assert_allclose(
        chunked.covariance[np.ix_(kept, kept)],
        theirs,
        rtol=rtol,
        atol=max(rtol * scale, 1e-300),
    )


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("name", list(DESIGNS))
def test_chunked_csv_equals_memory(tmp_path, name, call):
    frame = api_frame(name)
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    chunked = ChunkedSurveyDesign(path, chunksize=23, **DESIGNS[name])
    memory = ss.SurveyDesign(pd.read_csv(path), **DESIGNS[name])
    assert_same(CALLS[call](chunked), CALLS[call](memory))


# ------------------------------------------------------------------------ a simulated file
def simulated(n_rows=30_000, seed=7):
    """50 strata x 40 PSUs, unequal weights, FPC, a Yes/No answer with gaps, 5 domains."""
    rng = np.random.default_rng(seed)
    psu = rng.integers(0, 2000, n_rows)
    stratum = psu // 40
    fpc = (40 * (2 + stratum % 9)).astype(float)
    share = np.clip(rng.normal(0.4, 0.15, 2000), 0.02, 0.98)[psu]
    answer = np.where(rng.random(n_rows) < share, "Yes", "No").astype(object)
    answer[rng.random(n_rows) < 0.03] = np.nan
    return pd.DataFrame(
        {
            "stratum": stratum,
            "psu": psu,
            "fpc": fpc,
            "pw": fpc / 40 * rng.lognormal(0, 0.5, n_rows),
            "answer": answer,
            "income": rng.gamma(2.0, 1500.0, n_rows),
            "region": pd.Categorical(
                rng.choice(["north", "south", "east", "west", "centre"], n_rows),
                categories=["north", "south", "east", "west", "centre"],
            ),
        }
    )


SIM = dict(weights="pw", strata="stratum", clusters="psu", fpc="fpc")
SIM_CALLS = {
    "proportion by region": lambda d: d.proportion("answer", level="Yes", by="region"),
    "mean": lambda d: d.mean("income"),
    "total by region": lambda d: d.total("income", by="region"),
}


@pytest.mark.skipif(not HAVE_PYARROW, reason="pyarrow (extra 'parquet') missing")
def test_chunked_parquet_by_record_batches(tmp_path):
    frame = simulated()
    path = tmp_path / "poll.parquet"
    frame.to_parquet(path, index=False)
    chunked = ChunkedSurveyDesign(path, chunksize=4_000, **SIM)
    memory = ss.SurveyDesign(frame, **SIM)
    for call in SIM_CALLS.values():
        assert_same(call(chunked), call(memory))


def test_chunked_from_a_function_returning_frames():
    frame = simulated()
    pieces = lambda: (frame.iloc[i : i + 2_500] for i in range(0, len(frame), 2_500))  # noqa: E731
    chunked = ChunkedSurveyDesign(pieces, **SIM)
    memory = ss.SurveyDesign(frame, **SIM)
    for call in SIM_CALLS.values():
        assert_same(call(chunked), call(memory))


def test_chunked_lonely_psu_rules_as_memory():
    frame = api_frame("apiclus1")
    frame["region"] = np.where(frame["dnum"] == frame["dnum"].iloc[0], "A", "B")
    pieces = lambda: (frame.iloc[i : i + 40] for i in range(0, len(frame), 40))  # noqa: E731
    options = dict(weights="pw", strata="region", clusters="dnum")
    with pytest.raises(SurveyStatsError, match="region=.A."):
        ChunkedSurveyDesign(pieces, **options).mean("api00")
    for rule in ("remove", "adjust", "average"):
        chunked = ChunkedSurveyDesign(pieces, lonely_psu=rule, **options)
        memory = ss.SurveyDesign(frame, lonely_psu=rule, **options)
        assert_same(chunked.mean("api00"), memory.mean("api00"))


# ------------------------------------------------------------------------ mistakes
def test_chunked_without_clusters_matches_r():
    # R: svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat) --
    # tests/reference/design/api_reference.csv ("strat"), svymean / svytotal / svyciprop
    reference = pd.read_csv(REFERENCE / "api_reference.csv", keep_default_na=False, dtype=str)
    reference = reference[reference["design"] == "strat"]
    frame = pd.read_csv(REFERENCE / "apistrat.csv")
    pieces = lambda: (frame.iloc[i : i + 17] for i in range(0, len(frame), 17))  # noqa: E731
    chunked = ChunkedSurveyDesign(pieces, weights="pw", strata="stype", fpc="fpc")
    checked = 0
    for statistic, variable, level, by, method in (
        ("mean", "api00", "", "", ""),
        ("total", "enroll", "", "stype", ""),
        ("proportion", "sch.wide", "Yes", "stype", "beta"),
        ("proportion", "sch.wide", "Yes", "", "logit"),
    ):
        if statistic == "proportion":
            result = chunked.proportion(variable, level=level, by=by or None, method=method)
        else:
            result = getattr(chunked, statistic)(variable, by=by or None)
        rows = reference[
            (reference["statistic"] == statistic)
            & (reference["variable"] == variable)
            & (reference["by"] == by)
        ]
        got = result.to_frame()
        got.index = [""] if not by else [str(d) for d in got["domain"]]
        for quantity, column, rtol in (
            ("estimate", "estimate", 1e-8),
            ("se", "se", 1e-8),
            ("low", "low", 1e-7 if method == "logit" else 1e-8),  # logit: svyglm's IRLS
        ):
            want = rows[
                (rows["quantity"] == quantity)
                & (rows["method"] == (method if quantity == "low" else ""))
            ]
            want = want.set_index("domain")["value"].astype(float)
            np.testing.assert_allclose(got.loc[want.index, column], want, rtol=rtol)
            checked += len(want)
    assert checked >= 14


def test_chunked_without_clusters_lonely_rules_as_memory():
    frame = api_frame("apistrat")
    frame["stratum"] = frame["stype"].astype(str)
    frame.loc[0, "stratum"] = "L"  # a stratum of one school
    frame["group"] = np.where(frame.index % 3 == 0, "a", "b")
    pieces = lambda: (frame.iloc[i : i + 40] for i in range(0, len(frame), 40))  # noqa: E731
    options = dict(weights="pw", strata="stratum", fpc="fpc")
    with pytest.raises(SurveyStatsError, match="stratum=.L."):
        ChunkedSurveyDesign(pieces, **options).mean("api00")
    for rule in ("remove", "certainty", "adjust", "average"):
        chunked = ChunkedSurveyDesign(pieces, lonely_psu=rule, **options)
        memory = ss.SurveyDesign(frame, lonely_psu=rule, **options)
        assert_same(chunked.mean("api00"), memory.mean("api00"), rtol=1e-12)
        assert_same(chunked.mean("api00", by="group"), memory.mean("api00", by="group"), rtol=1e-12)


def test_chunked_names_a_missing_column(tmp_path):
    path = tmp_path / "apiclus1.csv"
    load_api("apiclus1").to_csv(path, index=False)
    with pytest.raises(InvalidOptionError, match="weights='weight' is not a column"):
        ChunkedSurveyDesign(path, weights="weight", clusters="dnum").mean("api00")


def test_chunked_level_that_does_not_occur_lists_the_answers(tmp_path):
    pieces = lambda: iter([load_api("apiclus1")])  # noqa: E731
    design = ChunkedSurveyDesign(pieces, weights="pw", clusters="dnum")
    with pytest.raises(InvalidValueError, match=r"level='Maybe' does not occur.*'No', 'Yes'"):
        design.proportion("sch.wide", level="Maybe")


def test_chunked_bad_weights(tmp_path):
    frame = load_api("apiclus1")
    frame.loc[[3, 9], "pw"] = [0.0, np.nan]
    design = ChunkedSurveyDesign(lambda: iter([frame]), weights="pw", clusters="dnum")
    with pytest.raises(InvalidValueError, match="weights column 'pw' has 2 missing"):
        design.mean("api00")


def test_chunked_refuses_formats_it_cannot_read_in_pieces(tmp_path):
    path = tmp_path / "poll.dta"
    load_api("apiclus1")[["dnum", "pw", "api00"]].to_stata(path, write_index=False)
    with pytest.raises(InvalidOptionError, match="stata file"):
        ChunkedSurveyDesign(path, weights="pw", clusters="dnum")
    with pytest.raises(FileNotFoundError):
        ChunkedSurveyDesign(tmp_path / "absent.csv", clusters="dnum")


# ------------------------------------------------------------------------ Dask
@pytest.fixture(scope="module")
def dask_client():
    if not HAVE_DASK:
        pytest.skip("dask.distributed (extra 'dask') missing")
    from distributed import Client, LocalCluster

    # two worker processes: the per-partition sums really travel between processes
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    # the workers import surveystats from wherever this test process does
    root = str(Path(ss.__file__).resolve().parent.parent)
    client.run(lambda: sys.path.insert(0, root) if root not in sys.path else None)
    yield client
    client.close()
    cluster.close()


@pytest.mark.parametrize("call", list(SIM_CALLS))
def test_dask_local_cluster_equals_memory(dask_client, call):
    import dask.dataframe as dd

    from surveystats.design.dask import DaskSurveyDesign

    frame = simulated()
    memory = ss.SurveyDesign(frame, **SIM)
    distributed = DaskSurveyDesign(dd.from_pandas(frame, npartitions=6), **SIM)
    assert_same(SIM_CALLS[call](distributed), SIM_CALLS[call](memory))


@pytest.mark.parametrize("name", list(DESIGNS))
def test_dask_api_samples_equal_memory(dask_client, name):
    import dask.dataframe as dd

    from surveystats.design.dask import DaskSurveyDesign

    frame = api_frame(name)
    memory = ss.SurveyDesign(frame, **DESIGNS[name])
    distributed = DaskSurveyDesign(dd.from_pandas(frame, npartitions=4), **DESIGNS[name])
    for call in CALLS.values():
        assert_same(call(distributed), call(memory))


def test_dask_level_that_does_not_occur(dask_client):
    import dask.dataframe as dd

    from surveystats.design.dask import DaskSurveyDesign

    d = DaskSurveyDesign(
        dd.from_pandas(load_api("apiclus1"), npartitions=2), weights="pw", clusters="dnum"
    )
    with pytest.raises(InvalidValueError, match=r"level='Maybe' does not occur.*'No', 'Yes'"):
        d.proportion("sch.wide", level="Maybe")
