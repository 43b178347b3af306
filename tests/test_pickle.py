"""Every result type of the core pickles, and recomputes at another level after the trip.

Issue #10 item 3: results held closures (``proportion_ci.<locals>.recompute``), so none
pickled and none could come back from a worker process.  Now a result keeps a
``surveystats._internal.results.Call`` record (a module-level function and the inputs as
given).  Expected numbers are the results of the same calls made in this process: the test
is that the trip changes nothing, not a check of the formulas (the module tests do that).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import inspect
import multiprocessing
import pickle

import numpy as np
import pandas as pd
import pytest

import surveystats as ss
from surveystats._internal.results import ConfidenceInterval, Result

CORE_MODULES = ("proportion", "compare", "paired", "shares", "multinomial", "trend", "power")


def _calls():
    """One call per result type, scalar and array, with the interval methods that have a
    lazy part (the comparison's effect sizes)."""
    p = np.array([0.194, 0.311, 0.5])
    return {
        "ProportionResult": [
            lambda: ss.proportion_ci(0.194, 1000),
            lambda: ss.proportion_ci(p, [1000, 800, 20], method="mid-p", deff=1.4),
            lambda: ss.proportion_ci(pd.Series(p), 1000, alternative="less", population=5000),
        ],
        "ComparisonResult": [
            lambda: ss.compare_proportions(0.487, 1000, 0.411, 1000),
            lambda: ss.compare_proportions(p, 1000, p[::-1], 900, method="miettinen-nurminen"),
        ],
        "PairedResult": [
            lambda: ss.mcnemar(61, 140, n=1000),
            lambda: ss.mcnemar([12, 3], [2, 9], n=50, a=20),
        ],
        "SharesResult": [
            lambda: ss.compare_shares(0.311, 0.194, 1000),
            lambda: ss.compare_shares(p[:2], [0.1, 0.2], 1000, method="score"),
        ],
        "LeadChangeResult": [lambda: ss.compare_leads(0.311, 0.194, 1000, 0.28, 0.22, 1000)],
        "MultinomialResult": [lambda: ss.multinomial_ci([35, 74, 22, 69], method="sison-glaz")],
        "TrendResult": [lambda: ss.trend_test([0.569, 0.487, 0.411], 1000, deff=1.2)],
        "PowerResult": [lambda: ss.power_two_proportions(0.487, 0.411, [1000, 2000])],
        "SampleSizeResult": [lambda: ss.sample_size_two_proportions(0.487, 0.45)],
        "DetectableChangeResult": [lambda: ss.detectable_change(0.487, 1000)],
    }


def _result_classes():
    """The result classes defined in the core modules (and the shared ProportionResult)."""
    found = {}
    for name in CORE_MODULES:
        module = importlib.import_module(f"surveystats.{name}")
        for attr, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Result):
                found[attr] = value
    return {k: v for k, v in found.items() if k not in ("Result", "IntervalResult")}


def _assert_same(a, b):
    assert type(a) is type(b)
    da, db = a.to_dict(), b.to_dict()
    assert list(da) == list(db)
    for key in da:
        left, right = np.asarray(da[key]), np.asarray(db[key])
        if left.dtype.kind in "fc":
            np.testing.assert_array_equal(left, right, err_msg=key)
        else:
            assert left.tolist() == right.tolist(), key


def test_every_core_result_type_is_covered():
    assert set(_result_classes()) == set(_calls())


@pytest.mark.parametrize(
    "kind, index", [(k, i) for k, calls in _calls().items() for i in range(len(calls))]
)
def test_round_trip(kind, index):
    result = _calls()[kind][index]()
    assert type(result).__name__ == kind
    back = pickle.loads(pickle.dumps(result))
    _assert_same(result, back)
    if hasattr(result, "confidence_interval"):
        # recomputed from the stored inputs, after the trip
        again = back.confidence_interval(0.9)
        expected = result.confidence_interval(0.9)
        np.testing.assert_array_equal(again.low, expected.low)
        np.testing.assert_array_equal(again.high, expected.high)
        same_low = np.array_equal(np.asarray(again.low), np.asarray(result.low), equal_nan=True)
        same_high = np.array_equal(np.asarray(again.high), np.asarray(result.high), equal_nan=True)
        assert not (same_low and same_high)  # the level did change the interval


def test_lazy_effect_sizes_survive_the_trip_before_and_after_first_access():
    r = ss.compare_proportions([0.487, 0.2], 1000, [0.411, 0.0], 1000)
    fresh = pickle.loads(pickle.dumps(r))  # effect sizes not computed yet
    np.testing.assert_array_equal(fresh.ratio_high, r.ratio_high)
    np.testing.assert_array_equal(fresh.odds_ratio, r.odds_ratio)
    computed = pickle.loads(pickle.dumps(r))  # r has computed them now
    np.testing.assert_array_equal(computed.cohens_h, r.cohens_h)


def test_confidence_interval_pickles():
    ci = ss.proportion_ci(0.194, 1000).ci
    assert pickle.loads(pickle.dumps(ci)) == ConfidenceInterval(ci.low, ci.high)


def test_results_come_back_from_a_worker_process():
    # a fresh interpreter (spawn) computes the results and sends them back pickled
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        remote = pool.submit(ss.proportion_ci, [0.194, 0.311], 1000).result(timeout=120)
        remote_cmp = pool.submit(ss.compare_proportions, 0.487, 1000, 0.411, 1000).result(
            timeout=120
        )
    _assert_same(remote, ss.proportion_ci([0.194, 0.311], 1000))
    _assert_same(remote_cmp, ss.compare_proportions(0.487, 1000, 0.411, 1000))
    lo, hi = remote.confidence_interval(0.99)
    np.testing.assert_array_equal(
        lo, ss.proportion_ci([0.194, 0.311], 1000, confidence_level=0.99).low
    )


def _results_in_a_worker(p):
    # runs in a Dask worker process: core results computed there travel back by pickle
    return ss.proportion_ci(p, 1000), ss.compare_proportions(0.487, 1000, p, 1000)


def test_results_come_back_from_dask_worker_processes():
    # issue #10: a Dask distributed run with worker processes (processes=True: every result
    # crosses a process boundary, pickled)
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        one, change = client.submit(_results_in_a_worker, 0.411).result(timeout=120)
    assert one == ss.proportion_ci(0.411, 1000)
    assert change.pvalue == ss.compare_proportions(0.487, 1000, 0.411, 1000).pvalue
    assert one.confidence_interval(0.9) == ss.proportion_ci(0.411, 1000, confidence_level=0.9).ci
