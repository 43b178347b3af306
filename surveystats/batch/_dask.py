"""Dask versions of the batch functions: the pandas work carried to each partition.

Lives here: recognising a Dask frame without importing Dask, and ``compare_waves`` on one
(shuffle so that each question lies in one partition, compare partition by partition, and
for one family over the whole table adjust the p-values together).  No home-made
scheduler: Dask's ``shuffle``, ``map_partitions`` and ``from_delayed``.
"""

from __future__ import annotations

import sys

import numpy as np

from ._checks import PercentEvidence, RowProblems, numbers
from ._columns import adjust_families, significance


def is_dask(frame):
    """Whether ``frame`` is a Dask data frame (without importing Dask if it is not loaded)."""
    dd = sys.modules.get("dask.dataframe")
    return dd is not None and isinstance(frame, dd.DataFrame)


def _percent_evidence(part, p):
    evidence = PercentEvidence()
    evidence.add(numbers(part[p].to_numpy(), p, RowProblems(len(part))))
    return evidence


def refuse_percent_column(frame, p):
    """The percent rule on the whole ``p`` column of a Dask frame, not partition by partition
    (whose verdicts could differ): one pass that adds up each partition's evidence.

    Returns a fresh :class:`PercentEvidence` for the partitions to fill (so that they do not
    judge their own slice again)."""
    import dask

    parts = dask.compute(*[dask.delayed(_percent_evidence)(d, p) for d in frame.to_delayed()])
    total = PercentEvidence()
    for evidence in parts:
        total.merge(evidence)
    total.refuse_if_percent(p)
    return PercentEvidence()


def _pvalues(part):
    return part["pvalue"].to_numpy()


def _with_adjusted(part, pvalue_adjusted, confidence_level):
    part = part.copy()
    part["pvalue_adjusted"] = pvalue_adjusted
    part["significant"] = significance(pvalue_adjusted, confidence_level)
    return part


def compare_waves_dask(frame, keys, compare_part, kwargs):
    """``compare_part(partition, **kwargs)`` (the pandas work of compare_waves) on a Dask
    frame shuffled by ``keys``; module-level helpers only, so that the graph pickles for
    worker processes."""
    import dask
    import dask.dataframe as dd

    adjust = kwargs["adjust"]
    per_question = kwargs["family"] == "question" or adjust is None
    partition_kwargs = dict(kwargs) if per_question else dict(kwargs, adjust=None)
    partition_kwargs["strict_baseline"] = False
    if kwargs["scale"] == "proportion":
        partition_kwargs["evidence"] = refuse_percent_column(frame, kwargs["p"])
    meta = compare_part(frame._meta, **partition_kwargs)
    shuffled = frame.shuffle(on=keys)
    result = shuffled.map_partitions(compare_part, meta=meta, **partition_kwargs)
    if per_question:
        return result
    # One family over every comparison: the adjustment needs all p-values at once, so
    # compute them (the partial results stay persisted) and hand each partition its slice.
    result = result.persist()
    parts = result.to_delayed()
    pvalues = dask.compute(*[dask.delayed(_pvalues)(part) for part in parts])
    sizes = [len(v) for v in pvalues]
    adjusted = adjust_families(np.concatenate(pvalues) if pvalues else np.zeros(0), None, adjust)
    bounds = np.cumsum([0] + sizes)
    level = kwargs["confidence_level"]
    filled = [
        dask.delayed(_with_adjusted)(part, adjusted[bounds[i] : bounds[i + 1]], level)
        for i, part in enumerate(parts)
    ]
    return dd.from_delayed(filled, meta=meta)
