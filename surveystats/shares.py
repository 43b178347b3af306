"""Answers within one sample: the lead of one answer over another, and multinomial intervals.

Lives here: :func:`compare_shares` (two answers of one single-choice question, asked of one
sample), :func:`compare_leads` (the change of such a lead between two independent polls),
their
registries (``SHARES_METHODS``, ``MULTINOMIAL_METHODS``) and result classes.
Does not live here: two proportions from independent samples (``compare.py``), the same
respondents asked twice (``paired.mcnemar``), one proportion (``proportion.py``).

Two answers of one single-choice question are shares of one multinomial sample, so they
are negatively correlated: with ``n`` respondents, ``cov(p_a, p_b) = -p_a p_b / n`` and

    var(p_b - p_a) = (p_a + p_b - (p_a - p_b)^2) / n,

larger than the ``(p_a(1 - p_a) + p_b(1 - p_b)) / n`` one would get by wrongly treating them
as independent samples only through the covariance term.  A design effect shrinks ``n`` to
``n / deff``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.inference import normal_pvalue, open_side, significant, tails
from ._internal.results import Call, IntervalResult
from ._internal.roots import find_root
from ._internal.validation import (
    Inputs,
    check_alternative,
    check_choice,
    check_confidence_level,
)

__all__ = ["compare_shares", "compare_leads", "SharesResult", "LeadChangeResult", "SHARES_METHODS"]


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class SharesResult(IntervalResult):
    """Difference between two answers' shares in one sample, with interval and test.

    Attributes
    ----------
    p_a, p_b : float or ndarray
        The two shares as given (first and second answer).
    n, n_effective : float or ndarray
        Sample size as given and ``n / deff``.
    estimate : float or ndarray
        ``p_b - p_a``, second minus first (as every difference in surveystats).
    low, high : float or ndarray
        Confidence interval for ``p_b - p_a`` (-1 or 1 on the open side of a one-sided one).
    statistic, pvalue : float or ndarray
        z statistic of the test of ``p_a = p_b`` and its p-value under ``alternative``.
    significant : bool or ndarray
        ``pvalue < 1 - confidence_level``.
    method, alternative : str
    confidence_level : float
    problem : str or ndarray
        Why an element is NaN ('' where it is fine).

    The lead of the first answer, ``p_a - p_b``, is :attr:`lead` with interval
    ``(lead_low, lead_high)``.

    Examples
    --------
    >>> import surveystats as ss
    >>> lo, hi = ss.compare_shares(0.311, 0.194, 1000).confidence_interval(0.99)
    >>> round(lo, 4), round(hi, 4)
    (-0.1741, -0.0599)
    """

    p_a: Any
    p_b: Any
    n: Any
    n_effective: Any
    estimate: Any
    low: Any
    high: Any
    statistic: Any
    pvalue: Any
    significant: Any
    method: str
    confidence_level: float
    alternative: str
    problem: Any
    _call: Call | None = field(default=None, repr=False, compare=False)

    @property
    def lead(self) -> Any:
        """``p_a - p_b``: how far the first answer is ahead of the second."""
        return -self.estimate

    @property
    def lead_low(self) -> Any:
        """Lower bound for :attr:`lead` (``-high``)."""
        return -self.high

    @property
    def lead_high(self) -> Any:
        """Upper bound for :attr:`lead` (``-low``)."""
        return -self.low


@dataclass(frozen=True)
class LeadChangeResult(IntervalResult):
    """Change of a lead (``p_a - p_b``) from one poll to an independent later one.

    Attributes
    ----------
    p_a1, p_b1, n1, p_a2, p_b2, n2 : float or ndarray
        The inputs.
    lead1, lead2 : float or ndarray
        ``p_a1 - p_b1`` and ``p_a2 - p_b2``.
    estimate : float or ndarray
        ``lead2 - lead1``, second poll minus first.
    low, high, statistic, pvalue, significant, method, confidence_level, alternative, problem
        As in :class:`SharesResult`, for the change of the lead.
    """

    p_a1: Any
    p_b1: Any
    n1: Any
    p_a2: Any
    p_b2: Any
    n2: Any
    lead1: Any
    lead2: Any
    estimate: Any
    low: Any
    high: Any
    statistic: Any
    pvalue: Any
    significant: Any
    method: str
    confidence_level: float
    alternative: str
    problem: Any
    _call: Call | None = field(default=None, repr=False, compare=False)


# --------------------------------------------------------------------------- compare_shares
# Each method: (p_a, p_b, n_eff, a_lo, a_hi) -> (low, high, statistic), the interval for
# d = p_b - p_a (tails a_lo below, a_hi above) and the z statistic of d = 0 (positive when
# p_b > p_a).
def _lead_variance(p_a, p_b, n):
    # var(p_b - p_a) for two cells of one multinomial sample of n.
    d = p_b - p_a
    return np.maximum(p_a + p_b - d * d, 0.0) / n


def _z_statistic(d, variance):
    # d / sqrt(variance), with 0/0 -> 0 (no answer chose either: nothing to test) and
    # d/0 -> ±inf (everyone chose one of the two answers).
    with np.errstate(divide="ignore", invalid="ignore"):
        z = d / np.sqrt(variance)
    return np.where(d == 0.0, 0.0, z)


def _shares_wald(p_a, p_b, n, a_lo, a_hi):
    """Wald interval ``d ± z·sqrt((p_a + p_b - d²)/n)`` and the Wald z test, same variance.

    The variance is that of the difference of two cells of one multinomial sample (e.g.
    Agresti 2013, *Categorical Data Analysis*, 3rd ed., section 1.2.2 for the multinomial
    covariance ``-p_a p_b / n``).  The interval excludes 0 exactly when the test rejects at
    the matching level.  Clipped to [-1, 1].
    """
    d = p_b - p_a
    se = np.sqrt(_lead_variance(p_a, p_b, n))
    low = np.clip(d - sp.z_upper(a_lo) * se, -1.0, 1.0)
    high = np.clip(d + sp.z_upper(a_hi) * se, -1.0, 1.0)
    return low, high, _z_statistic(d, se * se)


def _restricted_share_a(delta, p_a, p_b):
    """Maximum-likelihood share of answer a when ``p_b - p_a`` is held at ``delta``.

    The positive root of ``2 t² + B t + C = 0`` with ``B = -(p_a + p_b) + (2 + p_a - p_b)·delta``
    and ``C = -p_a·delta·(1 - delta)``: Tango (1998), section 2, with his discordant cells
    ``b, c`` as our answers b and a, divided by n.
    """
    b = -(p_a + p_b) + (2.0 + p_a - p_b) * delta
    c = -p_a * delta * (1.0 - delta)
    return (-b + np.sqrt(np.maximum(b * b - 8.0 * c, 0.0))) / 4.0


def _score_gap(delta, d_hat, p_a, p_b, n, z_signed):
    # (d_hat - delta) + z_signed·sqrt(V(delta)): zero at a bound of the score interval.
    t = _restricted_share_a(delta, p_a, p_b)
    variance = np.maximum(2.0 * t + delta * (1.0 - delta), 0.0) / n
    return d_hat - delta + z_signed * np.sqrt(variance)


def _shares_score(p_a, p_b, n, a_lo, a_hi):
    """Score interval of Tango (1998) and the score (McNemar) test.

    Tango, T. (1998), "Equivalence test and confidence interval for the difference in
    proportions for the paired-sample design", Statistics in Medicine 17:891-908.  His
    paired difference is the difference of the two discordant cells of a multinomial sample,
    which is exactly the difference of two answers of one question.  The interval collects
    every ``delta`` with ``|d - delta| <= z·sqrt(V(delta))``, the variance evaluated at the
    shares that maximize the likelihood under ``p_b - p_a = delta``; at ``delta = 0`` that
    variance is ``(p_a + p_b)/n`` and the test is McNemar's without continuity correction
    (R ``mcnemar.test(correct = FALSE)`` on the two answer counts).

    Brackets: at ``delta = d`` the lower-bound gap is ``-z·sqrt(V) <= 0`` and at ``delta = -1``
    it is ``d + 1 >= 0`` (V(-1) = 0); mirrored for the upper bound on ``[d, 1]``.  Where
    ``V(d) = 0`` (both shares 0, or one share 1) the inner end is moved 1e-12 towards the
    outer one, where the square root term dominates.
    """
    d = p_b - p_a
    degenerate = _lead_variance(p_a, p_b, 1.0) <= 0.0
    shift = np.where(degenerate, 1e-12, 0.0)
    z_lo, z_hi = sp.z_upper(a_lo), sp.z_upper(a_hi)
    at_floor, at_ceiling = d <= -1.0, d >= 1.0
    lo_in = np.where(at_floor, 0.0, d - shift)
    hi_in = np.where(at_ceiling, 0.0, d + shift)
    low = find_root(_score_gap, np.full_like(lo_in, -1.0), lo_in, args=(d, p_a, p_b, n, -z_lo))
    high = find_root(_score_gap, hi_in, np.ones_like(hi_in), args=(d, p_a, p_b, n, z_hi))
    low = np.where(at_floor, -1.0, low)
    high = np.where(at_ceiling, 1.0, high)
    # z = 0 (a one-sided interval at level 0.5): the bound is the estimate itself, a root
    # at the inner end of the bracket that the shifted end would miss.
    if z_lo == 0.0:
        low = np.where(at_floor, -1.0, d)
    if z_hi == 0.0:
        high = np.where(at_ceiling, 1.0, d)
    return low, high, _z_statistic(d, (p_a + p_b) / n)


SHARES_METHODS = {
    "wald": _shares_wald,
    "score": _shares_score,
}


def _check_pair(inputs, first, second):
    """Two shares of one question cannot add up to more than 1."""
    total = inputs[first] + inputs[second]
    inputs.where(
        second,
        total > 1.0 + 1e-12,
        f"plus {first} exceeds 1 (two answers of one single-choice question)",
        0.0,
    )


@quiet_numpy
def compare_shares(
    p_a: ArrayLike,
    p_b: ArrayLike,
    n: ArrayLike,
    *,
    method: str = "wald",
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
    alternative: str = "two-sided",
) -> SharesResult:
    """Is one answer really ahead of another in the same poll?

    Compares two answers of one single-choice question asked of one sample, such as two
    options of "what is the best security guarantee?".  The shares are not independent
    (``cov = -p_a p_b / n``), so :func:`~surveystats.compare_proportions` is the wrong tool.

    Parameters
    ----------
    p_a, p_b : float or array_like
        Shares of the first and the second answer, in [0, 1], with ``p_a + p_b <= 1``.
    n : float or array_like
        Respondents who answered the question.
    method : str
        One of ``SHARES_METHODS``:

        * ``'wald'`` (default): ``d ± z·sqrt((p_a + p_b - d²)/n)`` and the z test with the
          same standard error.  The formula newsrooms and textbooks quote for "is the lead
          outside the margin of error", whose interval and test always agree; it is accurate
          when both answers have at least a few dozen respondents, as in national polls.
        * ``'score'``: Tango's (1998) score interval and the score test, which is McNemar's
          test without continuity correction on the two answer counts.  Better coverage for
          small counts or shares near 0; recommended when an answer has only a handful of
          respondents.
    confidence_level : float
        Between 0 and 1, default 0.95.
    deff : float or array_like
        Design effect; the effective sample size ``n / deff`` replaces ``n``.
    alternative : {'two-sided', 'less', 'greater'}
        For ``p_b - p_a``: 'greater' tests whether the second answer is ahead.  One-sided
        intervals are open on the other side (-1 or 1).

    Returns
    -------
    SharesResult
        ``estimate = p_b - p_a`` with ``low, high, statistic, pvalue, significant``; the
        property ``lead`` is ``p_a - p_b`` (interval ``lead_low, lead_high``).

    Examples
    --------
    In November 2025, 31.1% of 1,000 Ukrainians named their own nuclear weapons and 19.4%
    NATO membership as the best security guarantee (one single-choice question):

    >>> import surveystats as ss
    >>> r = ss.compare_shares(0.311, 0.194, 1000)
    >>> round(r.lead, 3), round(r.lead_low, 4), round(r.lead_high, 4)
    (0.117, 0.0736, 0.1604)
    >>> round(r.statistic, 2), r.pvalue < 1e-6, r.significant
    (-5.28, True, True)

    An 11.7-point lead, real beyond doubt.  A 2-point gap (48% vs 46%, n = 1,200, design
    effect 1.3) is not:

    >>> r = ss.compare_shares(0.48, 0.46, 1200, deff=1.3, method="score")
    >>> round(r.pvalue, 2), r.significant
    (0.53, False)

    Arrays broadcast; shares that cannot belong to one question give NaN and a reason:

    >>> r = ss.compare_shares([0.311, 0.6], [0.194, 0.5], 1000)
    >>> r.estimate.round(3)
    array([-0.117,    nan])
    >>> r.problem[1]
    'p_b plus p_a exceeds 1 (two answers of one single-choice question)'
    """
    method = check_choice("method", method, SHARES_METHODS)
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    inputs = Inputs(p_a=p_a, p_b=p_b, n=n, deff=deff)
    inputs.proportion("p_a")
    inputs.proportion("p_b")
    inputs.sample_size("n")
    inputs.positive("deff")
    _check_pair(inputs, "p_a", "p_b")
    pa, pb, n_ = inputs["p_a"], inputs["p_b"], inputs["n"]
    n_eff = n_ / inputs["deff"]

    a_lo, a_hi = tails(level, alternative)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high, statistic = SHARES_METHODS[method](pa, pb, n_eff, a_lo, a_hi)
    low, high = open_side(low, high, alternative, -1.0, 1.0)
    pvalue = normal_pvalue(statistic, alternative)

    call = Call(
        compare_shares,
        (p_a, p_b, n),
        dict(method=method, deff=deff, alternative=alternative, confidence_level=level),
    )

    fin = inputs.finish
    pvalue = fin(pvalue)
    return SharesResult(
        p_a=fin(pa),
        p_b=fin(pb),
        n=fin(n_),
        n_effective=fin(n_eff),
        estimate=fin(pb - pa),
        low=fin(low),
        high=fin(high),
        statistic=fin(statistic),
        pvalue=pvalue,
        significant=significant(pvalue, level, inputs.scalar),
        method=method,
        confidence_level=level,
        alternative=alternative,
        problem=inputs.result_problem,
        _call=call,
    )


@quiet_numpy
def compare_leads(
    p_a1: ArrayLike,
    p_b1: ArrayLike,
    n1: ArrayLike,
    p_a2: ArrayLike,
    p_b2: ArrayLike,
    n2: ArrayLike,
    *,
    confidence_level: float = 0.95,
    deff1: ArrayLike = 1.0,
    deff2: ArrayLike = 1.0,
    alternative: str = "two-sided",
) -> LeadChangeResult:
    """Did a lead change between two independent polls?

    The lead ``p_a - p_b`` of the first answer over the second is measured in two
    independent samples; its change ``(p_a2 - p_b2) - (p_a1 - p_b1)`` has variance
    ``var(lead1) + var(lead2)``, each ``(p_a + p_b - (p_a - p_b)²) / (n / deff)``.  Wald
    interval and z test (Wald).

    Parameters
    ----------
    p_a1, p_b1, n1 : float or array_like
        The two shares and the sample size of the first poll.
    p_a2, p_b2, n2 : float or array_like
        The same for the second poll.
    confidence_level : float
        Between 0 and 1, default 0.95.
    deff1, deff2 : float or array_like
        Design effects of the two polls.
    alternative : {'two-sided', 'less', 'greater'}
        For the change ``lead2 - lead1``.

    Returns
    -------
    LeadChangeResult
        ``lead1, lead2, estimate (= lead2 - lead1), low, high, statistic, pvalue,
        significant`` and the inputs.

    Examples
    --------
    Nuclear weapons led NATO membership 31.1% to 19.4% in November 2025 (n = 1,000).  If a
    later poll of 1,000 found 28% to 22%, has the lead really shrunk from 11.7 to 6 points?

    >>> import surveystats as ss
    >>> r = ss.compare_leads(0.311, 0.194, 1000, 0.28, 0.22, 1000)
    >>> round(r.estimate, 3), round(r.low, 4), round(r.high, 4)
    (-0.057, -0.1186, 0.0046)
    >>> round(r.pvalue, 2), r.significant
    (0.07, False)

    Not beyond chance: the interval still includes no change.
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    inputs = Inputs(
        p_a1=p_a1, p_b1=p_b1, n1=n1, p_a2=p_a2, p_b2=p_b2, n2=n2, deff1=deff1, deff2=deff2
    )
    for name in ("p_a1", "p_b1", "p_a2", "p_b2"):
        inputs.proportion(name)
    for name in ("n1", "n2"):
        inputs.sample_size(name)
    for name in ("deff1", "deff2"):
        inputs.positive(name)
    _check_pair(inputs, "p_a1", "p_b1")
    _check_pair(inputs, "p_a2", "p_b2")
    pa1, pb1, pa2, pb2 = (inputs[k] for k in ("p_a1", "p_b1", "p_a2", "p_b2"))
    lead1, lead2 = pa1 - pb1, pa2 - pb2
    change = lead2 - lead1
    variance = _lead_variance(pa1, pb1, inputs["n1"] / inputs["deff1"]) + _lead_variance(
        pa2, pb2, inputs["n2"] / inputs["deff2"]
    )
    se = np.sqrt(variance)
    a_lo, a_hi = tails(level, alternative)
    low = np.clip(change - sp.z_upper(a_lo) * se, -2.0, 2.0)
    high = np.clip(change + sp.z_upper(a_hi) * se, -2.0, 2.0)
    low, high = open_side(low, high, alternative, -2.0, 2.0)
    statistic = _z_statistic(change, variance)

    call = Call(
        compare_leads,
        (p_a1, p_b1, n1, p_a2, p_b2, n2),
        dict(deff1=deff1, deff2=deff2, alternative=alternative, confidence_level=level),
    )

    fin = inputs.finish
    pvalue = fin(normal_pvalue(statistic, alternative))
    return LeadChangeResult(
        p_a1=fin(pa1),
        p_b1=fin(pb1),
        n1=fin(inputs["n1"]),
        p_a2=fin(pa2),
        p_b2=fin(pb2),
        n2=fin(inputs["n2"]),
        lead1=fin(lead1),
        lead2=fin(lead2),
        estimate=fin(change),
        low=fin(low),
        high=fin(high),
        statistic=fin(statistic),
        pvalue=pvalue,
        significant=significant(pvalue, level, inputs.scalar),
        method="wald",
        confidence_level=level,
        alternative=alternative,
        problem=inputs.result_problem,
        _call=call,
    )
