"""Result of a design-based estimate: ``DesignResult`` (frozen, picklable, no closures).

Fields are plain floats for a whole-design estimate and arrays over domains with ``by=``.
``confidence_interval(level)`` recomputes the interval from the stored fields (estimate,
se, df, n, method) through :func:`surveystats.design._intervals.interval`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._internal.results import ConfidenceInterval, Result
from ._intervals import interval

__all__ = ["DesignResult"]


@dataclass(frozen=True)
class DesignResult(Result):
    """Estimate, standard error, design effect and interval of a design-based estimate.

    Attributes
    ----------
    estimate, se : float or ndarray
        The estimate and its Taylor-linearization standard error.
    deff : float or ndarray
        Design effect (variance over that of simple random sampling, with replacement by
        default: R ``deff = "replace"``).
    low, high : float or ndarray
        Interval bounds at ``confidence_level``.
    df : float or ndarray
        Degrees of freedom of the t quantile (the design's ``degf``).
    n : int or ndarray
        Rows that answered (in the domain); ``n_missing``: rows with no answer.
    method : str
        Interval method (``"wald"`` for means and totals).
    confidence_level : float
    problem : str or ndarray
        Why an element is NaN ('' where it is fine).
    statistic : str
        ``"mean"``, ``"total"`` or ``"proportion"``; ``variable``, ``level``: what was estimated.
    domain : ndarray or None
        Domain labels with ``by=`` (tuples for crossed domains); ``by``: the column names.
    covariance : ndarray
        Covariance matrix of the estimates (k x k; not shown).
    """

    estimate: Any
    se: Any
    deff: Any
    low: Any
    high: Any
    df: Any
    n: Any
    n_missing: Any
    method: str
    confidence_level: float
    problem: Any
    statistic: str
    variable: str
    level: Any = None
    domain: Any = field(default=None, repr=False)
    by: Any = field(default=None, repr=False)
    covariance: Any = field(default=None, repr=False, compare=False)

    @property
    def ci(self):
        """The interval as a :class:`~surveystats.ConfidenceInterval`."""
        return ConfidenceInterval(self.low, self.high)

    def confidence_interval(self, confidence_level=None):
        """The interval at another confidence level (same method and inputs)."""
        if confidence_level is None:
            return self.ci
        from .._internal.validation import check_confidence_level

        level = check_confidence_level(confidence_level)
        low, high = interval(self.method, self.estimate, self.se, self.df, self.n, level)
        if np.ndim(self.estimate) == 0:
            return ConfidenceInterval(float(low), float(high))
        return ConfidenceInterval(low, high)

    def to_frame(self):
        """One row per domain (a ``domain`` column with ``by=``), one column per field."""
        import pandas as pd

        values = self.to_dict()
        size = int(np.size(self.estimate))
        columns = {}
        if self.domain is not None:
            labels = np.empty(size, dtype=object)
            labels[:] = list(self.domain)
            columns["domain"] = labels
        for name, value in values.items():
            arr = np.asarray(value)
            if arr.dtype.kind == "U":
                arr = arr.astype(object)
            if arr.ndim == 0:
                filled = np.empty(size, dtype=object if arr.dtype == object else arr.dtype)
                filled[:] = value
                arr = filled
            columns[name] = arr.reshape(-1)
        return pd.DataFrame(columns)
