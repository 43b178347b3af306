"""The small inference rules every test and interval of the core shares, written once.

Lives here: the tail probabilities of an interval (:func:`tails`, :func:`one_tail`), the
one-sided override of an interval's open side (:func:`open_side`), the p-value of a z
statistic (:func:`normal_pvalue`) and the significance rule (:func:`significant`).
Does not live here: any particular interval or test (the core modules), validation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exceptions import InvalidOptionError
from . import special as sp

__all__ = ["tails", "one_tail", "open_side", "normal_pvalue", "significant"]


def tails(confidence_level: float, alternative: str) -> tuple[float, float]:
    """Tail probabilities outside the lower and the upper bound of an interval.

    ``alpha / 2`` on each side for a two-sided interval; ``alpha`` on each side for a
    one-sided one, whose open side :func:`open_side` then replaces by the end of the
    parameter space.  A one-sided interval needs a level of at least 0.5: below it, its
    finite bound would lie on the wrong side of the estimate.
    """
    if alternative != "two-sided" and confidence_level < 0.5:
        raise InvalidOptionError(
            f"confidence_level={confidence_level!r} is below 0.5, too low for a one-sided "
            f"interval (alternative={alternative!r}): its bound would fall on the wrong side "
            "of the estimate"
        )
    alpha = 1.0 - confidence_level
    if alternative == "two-sided":
        return alpha / 2.0, alpha / 2.0
    return alpha, alpha


def one_tail(confidence_level: float, alternative: str) -> float:
    """The tail probability of a test at this level: ``alpha / 2`` two-sided, else ``alpha``."""
    alpha = 1.0 - confidence_level
    return alpha / 2.0 if alternative == "two-sided" else alpha


def open_side(low: Any, high: Any, alternative: str, bottom: float, top: float):
    """The one-sided override: ``low = bottom`` for 'less' and ``high = top`` for 'greater'
    (the ends of the parameter space: 0 and 1 for a proportion, -1 and 1 for a difference,
    0 and infinity for a ratio); two-sided bounds are returned as they are."""
    if alternative == "less":
        low = np.full_like(low, bottom, dtype=float)
    elif alternative == "greater":
        high = np.full_like(high, top, dtype=float)
    return low, high


def normal_pvalue(z: Any, alternative: str):
    """P-value of a standard normal statistic ``z`` under ``alternative`` ('greater': large
    ``z`` is evidence), two-sided ``min(1, 2 P(Z > |z|))``."""
    if alternative == "two-sided":
        return np.minimum(2.0 * sp.normal_sf(np.abs(z)), 1.0)
    if alternative == "greater":
        return sp.normal_sf(z)
    return sp.normal_cdf(z)


def significant(pvalue: Any, confidence_level: float, scalar: bool | None = None):
    """The significance rule: ``pvalue < 1 - confidence_level`` (NaN is not significant).

    ``scalar``: return a Python bool (None: whenever ``pvalue`` is 0-d).
    """
    flag = np.asarray(pvalue) < 1.0 - confidence_level
    if scalar or (scalar is None and flag.ndim == 0):
        return bool(flag)
    return flag
