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
        Degrees of freedom of the t quantile: the design's ``degf``, except for a
        proportion by domain, where each domain's own (R ``svyby(..., svyciprop)``: its
        first-stage PSUs minus its strata).
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
    n_missing_by : int
        Rows whose ``by`` value is missing: in no domain, so in no estimate (as R's
        ``svyby``, which forms no group for NA), but still in the design's variance.
        0 without ``by``.
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
    n_missing_by: int = 0

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


@dataclass(frozen=True)
class DomainComparisonResult(Result):
    """Differences between domains, second minus first (R ``svycontrast`` on ``svyby``).

    Attributes
    ----------
    estimate, se : float or ndarray
        ``estimate2 - estimate1`` and its standard error (the domains' covariance counted).
    low, high : float or ndarray
        ``estimate -/+ t(df) se``.
    statistic, pvalue : float or ndarray
        ``estimate / se`` and its two-sided p-value on t(df).
    significant : bool or ndarray
        ``pvalue < 1 - confidence_level``.
    df : float or ndarray
    first, second : label or ndarray
        The domains compared (``second`` minus ``first``).
    estimate1, estimate2 : float or ndarray
        The domains' own estimates.
    method, test : str
        ``"wald"`` and ``"t"``; ``statistic_of``: ``"mean"`` or ``"proportion"``.
    confidence_level : float
    alternative : str
        ``"two-sided"``.
    problem : str or ndarray
    """

    estimate: Any
    se: Any
    low: Any
    high: Any
    statistic: Any
    pvalue: Any
    significant: Any
    df: Any
    first: Any
    second: Any
    estimate1: Any
    estimate2: Any
    method: str
    test: str
    confidence_level: float
    alternative: str
    problem: Any
    variable: str
    level: Any = None
    statistic_of: str = "mean"

    @property
    def ci(self):
        """The interval as a :class:`~surveystats.ConfidenceInterval`."""
        return ConfidenceInterval(self.low, self.high)

    def confidence_interval(self, confidence_level=None):
        """The interval at another confidence level."""
        if confidence_level is None:
            return self.ci
        from .._internal.validation import check_confidence_level

        level = check_confidence_level(confidence_level)
        low, high = interval("wald", self.estimate, self.se, self.df, 0, level)
        if np.ndim(self.estimate) == 0:
            return ConfidenceInterval(float(low), float(high))
        return ConfidenceInterval(low, high)

    def to_frame(self):
        """One row per pair of domains."""
        import pandas as pd

        size = int(np.size(self.estimate))
        columns = {}
        for name, value in self.to_dict().items():
            arr = np.empty(size, dtype=object)
            if np.ndim(value) == 0 or (isinstance(value, tuple) and size == 1):
                arr[:] = [value] * size
            else:
                arr[:] = list(value)
            columns[name] = arr
        frame = pd.DataFrame(columns)
        for name in (
            "estimate",
            "se",
            "low",
            "high",
            "statistic",
            "pvalue",
            "df",
            "estimate1",
            "estimate2",
            "confidence_level",
        ):
            frame[name] = frame[name].astype(float)
        frame["significant"] = frame["significant"].astype(bool)
        return frame


@dataclass(frozen=True)
class ChisqResult(Result):
    """Rao-Scott test of independence in a two-way table (R ``svychisq``).

    Attributes
    ----------
    statistic : float
        ``"F"``: Pearson's X^2 over the sum of the design effects' eigenvalues (second-order
        correction, R's default); ``"chisq"``: X^2 over their mean (first-order correction).
    pvalue : float
        On F(ndf, ddf), or on chi-square(ndf).
    ndf, ddf : float
        Degrees of freedom (R's ``parameter``): ``d0`` and ``d0 * degf`` for ``"F"``;
        ``(r - 1)(c - 1)`` and infinity for ``"chisq"``.
    pearson : float
        Pearson's X^2 of the weighted table scaled to the number of rows (R's statistic
        for ``statistic = "Chisq"``).
    method : str
        ``"F"`` or ``"chisq"``.
    row, column : str
    n, n_missing : int
        Rows with both answers; rows missing either.
    problem : str
    """

    statistic: float
    pvalue: float
    ndf: float
    ddf: float
    pearson: float
    method: str
    row: str
    column: str
    n: int
    n_missing: int
    problem: str = ""
