"""Differences between domains with their covariance (R ``svycontrast`` on ``svyby``).

The domain estimates of one variable come from one call of the estimators, with their full
covariance matrix; a difference ``second - first`` has variance
``V[s, s] + V[f, f] - 2 V[f, s]``, its interval and t test on the design's degrees of freedom.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import special as _sc

from .._internal.validation import check_confidence_level
from ..exceptions import InvalidOptionError
from ._intervals import interval
from .estimators import estimate_mean, estimate_proportion
from .results import DomainComparisonResult

__all__ = ["compare_domains"]


def _pair_indices(labels, pairs):
    index = {label: i for i, label in enumerate(labels)}
    if pairs is None:
        return list(itertools.combinations(range(len(labels)), 2))
    out = []
    for pair in pairs:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise InvalidOptionError(f"pairs must be (first, second) domain pairs; got {pair!r}")
        missing = [label for label in pair if label not in index]
        if missing:
            shown = ", ".join(repr(label) for label in labels[:20])
            raise InvalidOptionError(
                f"pairs names domain {missing[0]!r}, which does not occur; domains are {shown}"
            )
        out.append((index[pair[0]], index[pair[1]]))
    return out


def compare_domains(design, variable, *, by, level=None, pairs=None, confidence_level=0.95):
    """See :meth:`SurveyDesign.compare`."""
    confidence_level = check_confidence_level(confidence_level)
    if by is None:
        raise InvalidOptionError("compare needs by= (the column whose domains are compared)")
    if level is None:
        domains = estimate_mean(design, variable, by=by)
        statistic_of = "mean"
    else:
        domains = estimate_proportion(design, variable, level=level, by=by)
        statistic_of = "proportion"
    labels = list(domains.domain)
    index = np.array(_pair_indices(labels, pairs), dtype=np.int64).reshape(-1, 2)
    first, second = index[:, 0], index[:, 1]
    estimates = np.asarray(domains.estimate, dtype=float)
    v = domains.covariance
    difference = estimates[second] - estimates[first]
    variance = v[second, second] + v[first, first] - 2 * v[first, second]
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(np.maximum(variance, 0.0))
        t = difference / se
    df = np.full(difference.shape, float(design.degf))
    pvalue = 2 * _sc.stdtr(df, -np.abs(t))
    low, high = interval("wald", difference, se, df, 0, confidence_level)
    problem = np.where(se > 0, "", "no variance: the difference is not tested").astype(object)
    label_array = np.empty(len(labels), dtype=object)
    label_array[:] = labels
    return DomainComparisonResult(
        estimate=difference,
        se=se,
        low=low,
        high=high,
        statistic=t,
        pvalue=pvalue,
        significant=pvalue < 1 - confidence_level,
        df=df,
        first=label_array[first],
        second=label_array[second],
        estimate1=estimates[first],
        estimate2=estimates[second],
        method="wald",
        test="t",
        confidence_level=confidence_level,
        alternative="two-sided",
        problem=problem,
        variable=variable,
        level=level,
        statistic_of=statistic_of,
    )
