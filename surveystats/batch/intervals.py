"""Intervals for every row of a table of shares: :func:`describe`.

Does not live here: statistics.  One :func:`surveystats.proportion.proportion_ci` call over
the rows that pass the row checks; bad rows keep their values and get a reason.
"""

from __future__ import annotations

import numpy as np

from .._internal.validation import check_alternative, check_choice, check_confidence_level
from ..exceptions import InvalidOptionError
from ._checks import SCALES, checked_rows, require_columns
from ._columns import text_column
from ._dask import is_dask, refuse_percent_column

__all__ = ["describe", "DESCRIBE_COLUMNS"]

DESCRIBE_COLUMNS = ("estimate", "low", "high", "moe", "n_effective", "problem")


def describe(
    frame,
    *,
    p="p",
    n="n",
    deff=None,
    method="wilson",
    confidence_level=0.95,
    alternative="two-sided",
    scale="proportion",
):
    """A copy of the table with the interval of every row's share added.

    Parameters
    ----------
    frame : pandas.DataFrame or dask.dataframe.DataFrame
    p, n : str
        Columns of shares and sample sizes.
    deff : str, optional
        Column of design effects.
    method, confidence_level, alternative
        Passed to :func:`surveystats.proportion.proportion_ci`.
    scale : {'proportion', 'percent'}
        As in :func:`compare_waves`.

    Returns
    -------
    DataFrame
        The input columns, then ``estimate`` (the share as a proportion), ``low, high,
        moe, n_effective, problem``.  A row with a bad number gets NaN and a reason.
        A Dask frame gives a Dask frame (partition by partition).

    Examples
    --------
    >>> import pandas as pd, surveystats as ss
    >>> poll = pd.DataFrame({"answer": ["own nuclear weapons", "NATO membership"],
    ...                      "p": [31.1, 19.4], "n": 1000})
    >>> ss.describe(poll, scale="percent")[["answer", "low", "high", "moe"]].round(4)
                    answer     low    high     moe
    0  own nuclear weapons  0.2832  0.3403  0.0286
    1      NATO membership  0.1707  0.2197  0.0245
    """
    from ..proportion import INTERVAL_METHODS

    method = check_choice("method", method, INTERVAL_METHODS)
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    scale = check_choice("scale", scale, tuple(SCALES))
    require_columns(frame.columns, p=p, n=n, deff=deff)
    clash = [c for c in DESCRIBE_COLUMNS if c in frame.columns]
    if clash:
        raise InvalidOptionError(
            f"the table already has column(s) {clash!r} that describe() adds; rename them"
        )
    kwargs = dict(
        p=p,
        n=n,
        deff=deff,
        method=method,
        confidence_level=level,
        alternative=alternative,
        scale=scale,
    )
    if is_dask(frame):
        if scale == "proportion":  # judged on the whole column, not per partition
            kwargs["evidence"] = refuse_percent_column(frame, p)
        meta = describe_table(frame._meta, **kwargs)
        return frame.map_partitions(describe_table, meta=meta, **kwargs)
    return describe_table(frame, **kwargs)


def describe_table(
    frame, *, p, n, deff, method, confidence_level, alternative, scale, evidence=None
):
    """The pandas work of :func:`describe` on checked options (``evidence``: as in
    ``compare_table``, for the parts of a larger table)."""
    from ..proportion import proportion_ci

    level = confidence_level
    rows = checked_rows(frame, p, n, deff, scale, evidence)
    out = frame.copy()
    columns = {name: np.full(len(frame), np.nan) for name in DESCRIBE_COLUMNS[:-1]}
    problem = rows.problems.text.copy()
    good = np.flatnonzero(~rows.problems.bad)
    if good.size:
        r = proportion_ci(
            rows.p[good],
            rows.n[good],
            method=method,
            confidence_level=level,
            deff=1.0 if rows.deff is None else rows.deff[good],
            alternative=alternative,
        )
        for name in DESCRIBE_COLUMNS[:-1]:
            columns[name][good] = getattr(r, name)
        problem[good] = np.asarray(r.problem, dtype=object)
    # a bad row still shows the share it was handed (as a proportion)
    columns["estimate"] = np.where(rows.problems.bad, rows.p_shown, columns["estimate"])
    for name, values in columns.items():
        out[name] = values
    out["problem"] = text_column(problem, index=out.index)
    return out
