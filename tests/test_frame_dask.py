"""compare_waves and describe on a Dask data frame, on an in-process dask.distributed cluster.

The reference is the pandas path of the same functions (itself checked against R and the
core functions in test_frame.py): the Dask results must hold the same rows and values.
Skipped when the optional ``dask`` extra is not installed (CI installs it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

from surveystats.batch import compare_waves, describe  # noqa: E402
from surveystats.exceptions import SurveyStatsError  # noqa: E402

KEY = ["question", "wave_from", "wave_to", "p_from"]
NUMBERS = [
    "wave_from",
    "wave_to",
    "p_from",
    "p_to",
    "n_from",
    "n_to",
    "change",
    "low",
    "high",
    "statistic",
    "pvalue",
    "pvalue_adjusted",
]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            yield client


def tracking_table(n_questions=60, seed=2):
    rng = np.random.default_rng(seed)
    rows = []
    for q in range(n_questions):
        k = int(rng.integers(1, 6))
        for w in rng.permutation(np.arange(2015, 2015 + k)):
            rows.append(
                (
                    f"q{q:03d}",
                    int(w),
                    float(rng.uniform(0.02, 0.98)),
                    int(rng.integers(50, 3000)),
                    float(rng.uniform(1.0, 2.0)),
                )
            )
    frame = pd.DataFrame(rows, columns=["question", "wave", "p", "n", "deff"])
    frame.loc[4, "p"] = 1.4
    frame.loc[9, "n"] = 0
    # shuffle, so that a question's rows start out in several partitions
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def assert_same_rows(got, want):
    assert len(got) == len(want)
    got = got.sort_values(KEY).reset_index(drop=True)
    want = want.sort_values(KEY).reset_index(drop=True)
    assert got["question"].astype(str).tolist() == want["question"].astype(str).tolist()
    for col in NUMBERS:
        np.testing.assert_allclose(
            got[col].to_numpy(float, na_value=np.nan),
            want[col].to_numpy(float, na_value=np.nan),
            rtol=1e-15,
            equal_nan=True,
        )
    assert got["problem"].astype(object).tolist() == want["problem"].tolist()
    assert got["significant"].astype("boolean").equals(want["significant"])


@pytest.mark.parametrize("family", ["all", "question"])
def test_compare_waves_on_dask_equals_pandas(client, family):
    frame = tracking_table()
    lazy = compare_waves(dd.from_pandas(frame, npartitions=4), family=family, deff="deff")
    assert isinstance(lazy, dd.DataFrame)
    assert list(lazy.columns) == list(compare_waves(frame.iloc[:0], deff="deff").columns)
    assert_same_rows(lazy.compute(), compare_waves(frame, family=family, deff="deff"))


def test_baseline_on_dask_equals_pandas(client):
    frame = tracking_table(seed=5)
    lazy = compare_waves(dd.from_pandas(frame, npartitions=3), baseline=2015, adjust="bh")
    assert_same_rows(lazy.compute(), compare_waves(frame, baseline=2015, adjust="bh"))


def test_duplicates_raise_on_dask(client):
    frame = tracking_table(seed=7)
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    with pytest.raises(SurveyStatsError, match="duplicated"):
        compare_waves(dd.from_pandas(doubled, npartitions=3), family="question").compute()


def test_describe_on_dask_equals_pandas(client):
    frame = tracking_table(seed=3)
    lazy = describe(dd.from_pandas(frame, npartitions=4), deff="deff", method="jeffreys")
    assert isinstance(lazy, dd.DataFrame)
    got = lazy.compute()
    want = describe(frame, deff="deff", method="jeffreys")
    for col in ["p", "n", "estimate", "low", "high", "moe", "n_effective"]:
        np.testing.assert_allclose(
            got[col].to_numpy(float, na_value=np.nan),
            want[col].to_numpy(float, na_value=np.nan),
            rtol=1e-15,
            equal_nan=True,
        )
    assert got["problem"].astype(object).tolist() == want["problem"].tolist()


def test_percent_rule_on_dask_is_judged_on_the_whole_column(client):
    # issue #15.19 in its Dask form: a partition that alone looks like percentages must not
    # decide for the column (here the first partition holds 50, 60, 70; the column is
    # mostly proportions, so those rows are bad numbers, as in the pandas call)
    frame = pd.DataFrame(
        {
            "question": [f"q{i}" for i in range(12)],
            "wave": 1,
            "p": [50.0, 60.0, 70.0] + [0.3 + 0.01 * i for i in range(9)],
            "n": 500,
        }
    )
    lazy = dd.from_pandas(frame, npartitions=4, sort=False)
    assert lazy.partitions[0].compute()["p"].tolist() == [50.0, 60.0, 70.0]
    want = describe(frame)
    got = describe(lazy).compute()
    assert got["problem"].astype(object).tolist() == want["problem"].tolist()
    assert got["problem"].iloc[0] == "p=50 is outside [0, 1]"
    assert len(compare_waves(lazy, family="question").compute()) == len(compare_waves(frame))
    percent = frame.assign(p=[0.5, 0.4, 0.3] + [30.0 + i for i in range(9)])
    with pytest.raises(SurveyStatsError, match="looks like percentages"):
        describe(dd.from_pandas(percent, npartitions=4, sort=False))
