"""Planning comparisons of two proportions: power, sample size, smallest detectable change.

Lives here: :func:`power_two_proportions`, :func:`sample_size_two_proportions` (both as R's
``power.prop.test``), :func:`detectable_change` and their result classes.
Does not live here: the tests themselves (``compare.py``), the sample size for a margin of
error of one proportion (``proportion.sample_size``).

The test planned for is the two-sample z-test with pooled variance (R's ``prop.test``
without continuity correction).  With ``d = p2 - p1``, ``q = 1 - p``, the pooled proportion
``P = (n1 p1 + n2 p2) / (n1 + n2)`` and the tail probability ``a`` (``alpha / 2`` two-sided),
the normal-approximation power is

    power = Phi( (|d| - z_a sqrt(P (1 - P) (1/n1 + 1/n2))) / sqrt(p1 q1 / n1 + p2 q2 / n2) ),

the numerator's root being the standard error under the null hypothesis and the
denominator's under the alternative (Fleiss, Levin & Paik 2003, section 4.2, for unequal
groups).  For ``n1 = n2 = n`` it is exactly R's ``power.prop.test`` formula
``Phi((sqrt(n) |d| - z_a sqrt((p1 + p2)(1 - (p1 + p2)/2))) / sqrt(p1 q1 + p2 q2))``.
One-sided alternatives use the signed ``d`` in the direction of the alternative
(``'greater'``: ``p2 > p1``), which for the right direction is R's ``"one.sided"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.inference import one_tail
from ._internal.results import Result
from ._internal.roots import find_root
from ._internal.validation import (
    Inputs,
    check_alternative,
    check_confidence_level,
    check_flag,
    check_probability,
)
from .exceptions import InvalidOptionError

__all__ = [
    "power_two_proportions",
    "sample_size_two_proportions",
    "detectable_change",
    "PowerResult",
    "SampleSizeResult",
    "DetectableChangeResult",
]


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PowerResult(Result):
    """Power of the two-sample test of proportions (fields broadcast like the inputs).

    Attributes
    ----------
    power : float or ndarray
        Probability that the test rejects when the true proportions are ``p1`` and ``p2``.
    n1, n2, p1, p2 : float or ndarray
        The design and the proportions assumed.
    confidence_level : float
    alternative : str
    problem : str or ndarray
    """

    power: Any
    n1: Any
    n2: Any
    p1: Any
    p2: Any
    confidence_level: float
    alternative: str
    problem: Any


@dataclass(frozen=True)
class SampleSizeResult(Result):
    """Respondents per group for a wanted power (as R's ``power.prop.test``).

    Attributes
    ----------
    n : float or ndarray
        Fractional sample size per group, the number ``power.prop.test`` reports.
    n_required : float or ndarray
        ``n`` rounded up: respondents to recruit in *each* group.
    p1, p2, power : float or ndarray
    confidence_level : float
    alternative : str
    problem : str or ndarray
    """

    n: Any
    n_required: Any
    p1: Any
    p2: Any
    power: Any
    confidence_level: float
    alternative: str
    problem: Any


@dataclass(frozen=True)
class DetectableChangeResult(Result):
    """Smallest fall and rise from a baseline that a design detects with a given power.

    Attributes
    ----------
    p : float or ndarray
        Baseline proportion (first wave).
    n1, n2 : float or ndarray
        Sample sizes of the two waves.
    decrease, increase : float or ndarray
        Positive magnitudes ``d`` such that the test of ``p`` against ``p - d`` (or
        ``p + d``) has exactly the requested power; NaN where no change within [0, 1] gets
        there, or where the alternative does not test that direction.
    power : float
    confidence_level : float
    alternative : str
    problem : str or ndarray
    """

    p: Any
    n1: Any
    n2: Any
    decrease: Any
    increase: Any
    power: float
    confidence_level: float
    alternative: str
    problem: Any


# --------------------------------------------------------------------------- formulas
def _power(p1, p2, n1, n2, z, alternative, strict):
    """Normal-approximation power of the pooled two-sample z-test (module docstring).

    ``strict`` adds, two-sided, the probability of rejecting in the wrong tail, as
    ``power.prop.test(strict = TRUE)``.
    """
    d = p2 - p1
    if alternative == "two-sided":
        d = np.abs(d)
    elif alternative == "less":
        d = -d
    pooled = (n1 * p1 + n2 * p2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        se0 = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
        se1 = np.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
        power = sp.normal_cdf((d - z * se0) / se1)
        if strict and alternative == "two-sided":
            power = power + sp.normal_cdf((-d - z * se0) / se1)
    return power


def _check_power_target(power, tail):
    power = check_probability("power", power)
    if power <= tail:
        raise InvalidOptionError(
            f"power={power!r} must exceed the test's tail probability {tail:g}: a test "
            f"rejects that often with no change at all"
        )
    return power


# --------------------------------------------------------------------------- public API
@quiet_numpy
def power_two_proportions(
    p1: ArrayLike,
    p2: ArrayLike,
    n: ArrayLike,
    *,
    n2: ArrayLike | None = None,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    strict: bool = False,
) -> PowerResult:
    """Power to detect a change from ``p1`` to ``p2`` with samples of ``n`` (and ``n2``).

    Parameters
    ----------
    p1, p2 : float or array_like
        True proportions in the first and second wave (or group).
    n : float or array_like
        Sample size of the first group (of each group when ``n2`` is None).
    n2 : float or array_like, optional
        Sample size of the second group; unequal groups use the variances
        ``P(1-P)(1/n1 + 1/n2)`` under the null and ``p1 q1/n1 + p2 q2/n2`` under the
        alternative (module docstring).
    confidence_level : float
        ``1 - sig.level`` of R.
    alternative : {'two-sided', 'less', 'greater'}
        'greater' tests ``p2 > p1``, 'less' ``p2 < p1``.
    strict : bool
        Two-sided only: also count rejections in the wrong tail (R's ``strict = TRUE``).
        The default ignores them, as R's default.

    Returns
    -------
    PowerResult
        ``power, n1, n2, p1, p2, confidence_level, alternative, problem``.

    Examples
    --------
    Two waves of 1,000 catch a fall from 48.7% to 41.1% (NATO concession "completely
    unacceptable", 2024 to 2025) 93 times in 100:

    >>> import surveystats as ss
    >>> round(ss.power_two_proportions(0.487, 0.411, 1000).power, 3)
    0.928

    A fall of 3 points mostly goes unnoticed, even with 4,000 per wave:

    >>> round(ss.power_two_proportions(0.487, 0.457, 1000).power, 3)
    0.269
    >>> ss.power_two_proportions(0.487, 0.457, [1000, 2000, 4000]).power.round(3)
    array([0.269, 0.476, 0.767])
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    strict = check_flag("strict", strict)
    inputs = Inputs(p1=p1, p2=p2, n1=n, n2=n if n2 is None else n2)
    inputs.proportion("p1")
    inputs.proportion("p2")
    inputs.sample_size("n1")
    inputs.sample_size("n2")
    p1_, p2_ = inputs["p1"], inputs["p2"]
    inputs.where(
        "p1",
        (p1_ == p2_) & ((p1_ == 0.0) | (p1_ == 1.0)),
        "equals p2 at 0 or 1: no variation, power undefined",
        0.5,
    )
    p1_, p2_, n1_, n2_ = inputs["p1"], inputs["p2"], inputs["n1"], inputs["n2"]
    z = sp.z_upper(one_tail(level, alternative))
    power = _power(p1_, p2_, n1_, n2_, z, alternative, strict)
    fin = inputs.finish
    return PowerResult(
        power=fin(power),
        n1=fin(n1_),
        n2=fin(n2_),
        p1=fin(p1_),
        p2=fin(p2_),
        confidence_level=level,
        alternative=alternative,
        problem=inputs.result_problem,
    )


@quiet_numpy
def sample_size_two_proportions(
    p1: ArrayLike,
    p2: ArrayLike,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
    strict: bool = False,
) -> SampleSizeResult:
    """Respondents needed in each of two equal groups to detect ``p1`` -> ``p2``.

    Solves ``power_two_proportions(p1, p2, n) = power`` for ``n``.  Without ``strict`` the
    solution has a closed form,
    ``n = (z_a sqrt(2 P (1 - P)) + z_b sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2`` with
    ``P = (p1 + p2)/2`` and ``z_b`` the normal quantile of ``power``: the number R's
    ``power.prop.test`` finds with ``uniroot``.  With ``strict`` the root is found between
    the closed-form ``n`` for ``power - a`` and for ``power`` (the wrong-tail term lies in
    [0, a]), which bracket it.

    Parameters
    ----------
    p1, p2 : float or array_like
        Proportions to tell apart (different; one-sided: in the direction of the alternative).
    power : float
        Wanted power, above the test's tail probability.
    confidence_level, alternative, strict
        As in :func:`power_two_proportions`.

    Returns
    -------
    SampleSizeResult
        ``n`` (fractional, as R), ``n_required`` (rounded up), ``p1, p2, power,
        confidence_level, alternative, problem``.

    Examples
    --------
    How many respondents per wave would show, with 80% power, a fall from 48.7% to 45%?

    >>> import surveystats as ss
    >>> r = ss.sample_size_two_proportions(0.487, 0.45)
    >>> round(r.n, 1), r.n_required
    (2854.1, 2855.0)
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    strict = check_flag("strict", strict)
    tail = one_tail(level, alternative)
    power = _check_power_target(power, tail)
    inputs = Inputs(p1=p1, p2=p2)
    inputs.proportion("p1")
    inputs.proportion("p2")
    p1_, p2_ = inputs["p1"], inputs["p2"]
    inputs.where("p2", p1_ == p2_, "equals p1: no sample size detects no change", 0.25)
    p1_, p2_ = inputs["p1"], inputs["p2"]
    if alternative != "two-sided":
        wrong = (p2_ < p1_) if alternative == "greater" else (p2_ > p1_)
        inputs.where(
            "p2",
            wrong,
            f"is on the wrong side of p1 for alternative={alternative!r}",
            np.where(p1_ < 0.5, p1_ + 0.25, p1_ - 0.25),
        )
        p2_ = inputs["p2"]
    z = sp.z_upper(tail)
    c = np.sqrt((p1_ + p2_) * (1.0 - (p1_ + p2_) / 2.0))  # sqrt(2 P (1 - P))
    s = np.sqrt(p1_ * (1.0 - p1_) + p2_ * (1.0 - p2_))
    d = np.abs(p2_ - p1_)

    def closed_form(target):
        return ((z * c + sp.z_upper(1.0 - target) * s) / d) ** 2

    n = closed_form(power)
    if strict and alternative == "two-sided":
        # Strict power = plain power + wrong-tail term in [0, tail], so the root lies between
        # the plain solutions for power - tail (strict power <= power there) and power.
        low = closed_form(power - tail) if power - tail > tail else np.zeros_like(n)
        ones = np.ones_like(n)

        def excess(m, a, b):
            return _power(a, b, m, m, z, alternative, True) - power

        n = find_root(excess, np.maximum(low, 1e-12) * ones, n, args=(p1_, p2_))
    # Round up, but not past a value that is whole up to rounding noise (1e-9 relative, at
    # most 1e-6: a relative allowance alone would round huge sizes down, below n).
    inputs.where(
        "p2", ~(n > 0.0), "and p1: the strict search found no sample size for this power", 0.25
    )
    n_required = np.ceil(n - np.minimum(1e-9 * np.maximum(n, 1.0), 1e-6))
    fin = inputs.finish
    return SampleSizeResult(
        n=fin(n),
        n_required=fin(n_required),
        p1=fin(p1_),
        p2=fin(p2_),
        power=fin(np.full_like(n, power)),
        confidence_level=level,
        alternative=alternative,
        problem=inputs.result_problem,
    )


@quiet_numpy
def detectable_change(
    p: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike | None = None,
    *,
    power: float = 0.8,
    confidence_level: float = 0.95,
    alternative: str = "two-sided",
) -> DetectableChangeResult:
    """The smallest fall and rise from ``p`` that samples of ``n1`` and ``n2`` detect.

    Solves ``power_two_proportions(p, p - d, n1, n2=n2) = power`` (and ``p + d``) for
    ``d > 0``, elementwise with a bracketing root finder.  The bracket is ``(0, p]`` for a
    fall and ``(0, 1 - p]`` for a rise: as ``d -> 0`` the power tends to the tail
    probability, below the wanted power (checked), and at the far end it is evaluated;
    where even a fall to 0% (rise to 100%) has less power, the answer is NaN.

    Parameters
    ----------
    p : float or array_like
        Baseline proportion (the first wave).
    n1 : float or array_like
        Sample size of the first wave.
    n2 : float or array_like, optional
        Sample size of the second wave (default ``n1``).
    power : float
        Wanted power.
    confidence_level, alternative
        As in :func:`power_two_proportions`; 'greater' gives only the rise, 'less' only the
        fall (the other is NaN).

    Returns
    -------
    DetectableChangeResult
        ``p, n1, n2, decrease, increase, power, confidence_level, alternative, problem``.

    Examples
    --------
    With 1,000 respondents in each wave, a share of 48.7% must move by more than 6 points
    before the change is detected with 80% power:

    >>> import surveystats as ss
    >>> r = ss.detectable_change(0.487, 1000)
    >>> round(r.decrease, 4), round(r.increase, 4)
    (0.0624, 0.0626)

    Near the floor the fall that can be seen is smaller than the rise:

    >>> r = ss.detectable_change(0.05, [1000, 4000])
    >>> r.decrease.round(4), r.increase.round(4)
    (array([0.0239, 0.0128]), array([0.031 , 0.0146]))
    """
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    tail = one_tail(level, alternative)
    power = _check_power_target(power, tail)
    inputs = Inputs(p=p, n1=n1, n2=n1 if n2 is None else n2)
    inputs.proportion("p")
    inputs.sample_size("n1")
    inputs.sample_size("n2")
    p_, n1_, n2_ = inputs["p"], inputs["n1"], inputs["n2"]
    z = sp.z_upper(tail)

    def shortfall(d, base, n_a, n_b, sign):
        return _power(base, base + sign * d, n_a, n_b, z, alternative, False) - power

    answers = {}
    notes = []
    for name, sign, room, side in (
        ("decrease", -1.0, p_, "less"),
        ("increase", 1.0, 1.0 - p_, "greater"),
    ):
        if alternative not in ("two-sided", side):
            answers[name] = np.full(inputs.shape, np.nan)
            continue
        # Near end: d = 0 (power = tail < wanted power) or, from p = 0 or 1, the smallest
        # positive step, whose power is evaluated like the far end's.
        near = np.where((p_ == 0.0) | (p_ == 1.0), 1e-12, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            reachable = (
                (room > near)
                & (shortfall(np.maximum(room, near), p_, n1_, n2_, sign) >= 0.0)
                & (shortfall(near, p_, n1_, n2_, sign) < 0.0)
            )
        far = np.where(reachable, room, 1.0)
        base = np.where(reachable, p_, 0.5)
        near = np.where(reachable, near, 0.0)
        root = find_root(shortfall, near, far, args=(base, n1_, n2_, sign))
        answers[name] = np.where(reachable, root, np.nan)
        word, edge = ("fall", "0%") if sign < 0 else ("rise", "100%")
        notes.append((~reachable, f"even a {word} to {edge} has less than {power:.0%} power"))

    problem = inputs.problem
    if inputs.scalar:
        problem = "; ".join(text for mask, text in notes if bool(mask))
    else:
        fine = problem == ""
        for mask, text in notes:
            add = mask & fine
            problem = np.where(
                add, np.where(problem == "", text, problem + "; " + text), problem
            ).astype(object)
    fin = inputs.finish
    return DetectableChangeResult(
        p=fin(p_),
        n1=fin(n1_),
        n2=fin(n2_),
        decrease=fin(answers["decrease"]),
        increase=fin(answers["increase"]),
        power=power,
        confidence_level=level,
        alternative=alternative,
        problem=problem,
    )
