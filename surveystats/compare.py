"""Two proportions from independent samples: the change between two waves.

Lives here: :func:`compare_proportions` (difference ``p2 - p1`` of two independent samples,
its interval from the ``METHODS`` registry, its test from the ``TESTS`` registry, plus the
ratio ``p2 / p1`` from ``RATIO_METHODS``, the odds ratio and Cohen's h).
The same respondents asked twice: ``paired.py`` (:func:`mcnemar`).
Does not live here: two answers of one question in the same sample (``shares.py``), three or
more waves (``trend.py``), planning (``power.py``), formatting of any kind.

Signatures of the registries (all arrays broadcast together; ``x = p·n`` is the effective count,
a whole number whenever ``p·n`` is within rounding of one; ``n`` the effective sample size):

- interval method ``(p1, x1, n1, p2, x2, n2, a_lo, a_hi) -> (low, high)`` for ``p2 - p1``, where
  ``a_lo``/``a_hi`` are the tail probabilities outside the lower/upper bound;
- ratio method, same arguments, ``-> (low, high)`` for ``p2 / p1``;
- test ``(p1, x1, n1, p2, x2, n2, d0, alternative) -> (statistic, pvalue)``.

The score intervals (Miettinen-Nurminen, Farrington-Manning, Koopman) are found by vectorized
bracketing root search (:func:`surveystats._internal.roots.find_root_fixed_point`).  Each bracket runs
from the
estimate, where the score statistic is 0, to the end of the parameter space (a difference of
-1 or +1, a ratio of 0 or infinity), where the restricted variance is 0 and the statistic is
infinite; the function searched is the bounded transform ``z²/(1 + z²)`` minus its critical
value, which is finite at both ends and has opposite signs there, so the bracket always holds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln as _gammaln

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.hybrid import clip_difference, square_and_add
from ._internal.inference import normal_pvalue, open_side, significant, tails
from ._internal.results import Call, IntervalResult, Result
from ._internal.roots import find_root_fixed_point
from ._internal.validation import Inputs, check_alternative, check_choice, check_confidence_level
from .exceptions import InvalidOptionError
from .proportion import INTERVAL_METHODS as _ONE_SAMPLE
from .unconditional import barnard_pvalue, boschloo_pvalue

__all__ = ["compare_proportions", "ComparisonResult", "METHODS", "TESTS", "RATIO_METHODS"]


# --------------------------------------------------------------------------- results
def _effect(name, doc):
    """A read-only attribute of :class:`ComparisonResult` taken from its lazily computed
    effect sizes."""
    return property(lambda self: self._effect_sizes[name], doc=doc)


@dataclass(frozen=True, repr=False)
class ComparisonResult(IntervalResult):
    """Change between two independent samples, ``p2 - p1`` (second minus first).

    Attributes
    ----------
    p1, n1, p2, n2 : float or ndarray
        The inputs as given.
    estimate : float or ndarray
        ``p2 - p1``.
    low, high : float or ndarray
        Interval for ``p2 - p1`` by ``method`` (-1 or 1 on the open side of a one-sided one).
    statistic, pvalue : float or ndarray
        Test of ``p2 - p1 = null_difference`` by ``test``.
    significant : bool or ndarray
        ``pvalue < 1 - confidence_level``.
    ratio, ratio_low, ratio_high : float or ndarray
        Relative change ``p2 / p1`` and its interval by ``ratio_method``.
    odds_ratio, odds_ratio_low, odds_ratio_high : float or ndarray
        Odds of the second sample over odds of the first, Woolf (log) interval.
    cohens_h : float or ndarray
        ``2·asin(sqrt(p2)) - 2·asin(sqrt(p1))``.

        The ratio, odds ratio and h are computed together on first access to any of them
        (and by ``to_dict``/``to_frame``), so a large batch that reads only the difference
        does not pay for the ratio's root search.
    method, test, ratio_method, alternative : str
    confidence_level, null_difference : float or ndarray
    problem : str or ndarray
        Why an element is NaN ('' where it is fine).

    Examples
    --------
    >>> import surveystats as ss
    >>> r = ss.compare_proportions(0.487, 1000, 0.411, 1000)
    >>> lo, hi = r.confidence_interval(0.99)
    >>> round(lo, 4), round(hi, 4)
    (-0.1326, -0.0187)
    """

    p1: Any
    n1: Any
    p2: Any
    n2: Any
    estimate: Any
    low: Any
    high: Any
    statistic: Any
    pvalue: Any
    significant: Any
    method: str
    test: str
    ratio_method: str
    confidence_level: float
    alternative: str
    null_difference: Any
    problem: Any
    _call: Call | None = field(default=None, repr=False, compare=False)
    _effect_inputs: _EffectInputs | None = field(default=None, repr=False, compare=False)

    _derived_after = {
        "significant": (
            "ratio",
            "ratio_low",
            "ratio_high",
            "odds_ratio",
            "odds_ratio_low",
            "odds_ratio_high",
            "cohens_h",
        )
    }
    __repr__ = Result._repr_with_derived

    @functools.cached_property
    def _effect_sizes(self):
        # The ratio, odds ratio and Cohen's h, computed together on first access: a batch
        # that only needs the difference does not pay for the Koopman root search.
        return self._effect_inputs.compute()

    ratio = _effect("ratio", "``p2 / p1`` (NaN when both are 0).")
    ratio_low = _effect(
        "ratio_low", "Lower bound of the ratio by ``ratio_method`` (0 for alternative='less')."
    )
    ratio_high = _effect(
        "ratio_high",
        "Upper bound of the ratio by ``ratio_method`` (inf for alternative='greater').",
    )
    odds_ratio = _effect("odds_ratio", "Odds of the second sample over odds of the first.")
    odds_ratio_low = _effect("odds_ratio_low", "Lower bound of the odds ratio (Woolf).")
    odds_ratio_high = _effect("odds_ratio_high", "Upper bound of the odds ratio (Woolf).")
    cohens_h = _effect("cohens_h", "``2·asin(sqrt(p2)) - 2·asin(sqrt(p1))``.")


# --------------------------------------------------------------------------- difference
def _wald_bounds(d, se, extra, a_lo, a_hi):
    return clip_difference(d - sp.z_upper(a_lo) * se - extra, d + sp.z_upper(a_hi) * se + extra)


def _wald(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Simple asymptotic (Wald) interval, d ± z·sqrt(p1q1/n1 + p2q2/n2), truncated to [-1, 1].

    Newcombe (1998), method 1; R ``prop.test(correct = FALSE)``.
    """
    se = np.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return _wald_bounds(p2 - p1, se, 0.0, a_lo, a_hi)


def _wald_cc(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Wald interval widened by the continuity correction (1/n1 + 1/n2)/2, truncated to [-1, 1].

    Newcombe (1998), method 2.  R ``prop.test(correct = TRUE)`` agrees except where
    ``|p2 - p1| < (1/n1 + 1/n2)/2``, where R shrinks the correction to ``|p2 - p1|``.
    """
    se = np.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return _wald_bounds(p2 - p1, se, 0.5 * (1.0 / n1 + 1.0 / n2), a_lo, a_hi)


def _agresti_caffo(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Agresti & Caffo (2000): Wald interval after adding one success and one failure to each
    sample; R ``PropCIs::wald2ci(adjust = "AC")``."""
    q1 = (x1 + 1.0) / (n1 + 2.0)
    q2 = (x2 + 1.0) / (n2 + 2.0)
    se = np.sqrt(q1 * (1.0 - q1) / (n1 + 2.0) + q2 * (1.0 - q2) / (n2 + 2.0))
    return _wald_bounds(q2 - q1, se, 0.0, a_lo, a_hi)


def _newcombe(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Newcombe's hybrid score interval from two Wilson intervals (Newcombe 1998, method 10)."""
    return square_and_add(_ONE_SAMPLE["wilson"], p1, x1, n1, p2, x2, n2, a_lo, a_hi)


def _newcombe_cc(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Newcombe's hybrid score interval from two continuity-corrected Wilson intervals
    (Newcombe 1998, method 11)."""
    return square_and_add(_ONE_SAMPLE["wilson-cc"], p1, x1, n1, p2, x2, n2, a_lo, a_hi)


def _restricted_mle(p1, n1, p2, n2, d):
    """Maximum-likelihood (pi1, pi2) subject to pi2 - pi1 = d.

    The closed-form root of the likelihood cubic (Miettinen & Nurminen 1985, appendix;
    Farrington & Manning 1990, eq. 13), written for the difference pi2 - pi1.
    """
    theta = n1 / n2
    a = 1.0 + theta
    b = -(1.0 + theta + p2 + theta * p1 + d * (theta + 2.0))
    c = d * d + d * (2.0 * p2 + theta + 1.0) + p2 + theta * p1
    e = -p2 * d * (1.0 + d)
    b3a = b / (3.0 * a)
    v = b3a * b3a * b3a - b * c / (6.0 * a * a) + e / (2.0 * a)
    s = np.sqrt(np.maximum(b3a * b3a - c / (3.0 * a), 0.0))
    u = np.where(v > 0.0, s, -s)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(u != 0.0, v / (u * u * u), 0.0)
    w = (np.pi + np.arccos(np.clip(cosine, -1.0, 1.0))) / 3.0
    pi2 = np.clip(2.0 * u * np.cos(w) - b3a, np.maximum(0.0, d), np.minimum(1.0, 1.0 + d))
    return pi2 - d, pi2


def _score_variance(p1, n1, p2, n2, d, factor):
    pi1, pi2 = _restricted_mle(p1, n1, p2, n2, d)
    return factor * (pi1 * (1.0 - pi1) / n1 + pi2 * (1.0 - pi2) / n2)


def _bounded_score(d, p1, n1, p2, n2, factor, target):
    # z²/(1 + z²) - target, with z the score statistic at difference d; 0/0 (at the estimate
    # when the variance vanishes) counts as z = 0.
    num2 = (p2 - p1 - d) ** 2
    var = _score_variance(p1, n1, p2, n2, d, factor)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(num2 > 0.0, num2 / (num2 + var), 0.0)
    return ratio - target


def _mn_factor(n1, n2):
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 1.0, total / (total - 1.0), np.nan)


def _mn_step(x, p1, n1, p2, n2, factor, signed_z):
    # The score equation d_hat - d = -/+ z·sqrt(V(d)) as a fixed point d = step(d).
    return (
        p2 - p1 + signed_z * np.sqrt(_score_variance(p1, n1, p2, n2, np.clip(x, -1.0, 1.0), factor))
    )


def _score_interval(p1, n1, p2, n2, a_lo, a_hi, factor):
    # Brackets [-1, d] and [d, 1]; at d = -1 (d = 1) the lower (upper) bound is exactly -1 (1).
    p1, n1, p2, n2, factor = np.broadcast_arrays(p1, n1, p2, n2, factor)
    d = p2 - p1
    at_bottom = d <= -1.0
    at_top = d >= 1.0
    wall = np.ones(d.shape)
    bounds = []
    for tail, sign, skip in ((a_lo, -1.0, at_bottom), (a_hi, 1.0, at_top)):
        z = sp.z_upper(tail)
        wide = (-wall, d) if sign < 0 else (d, wall)
        # start from the Wald-type bound with the score variance at the estimate
        start = d + sign * z * np.sqrt(factor * (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2))
        bounds.append(
            find_root_fixed_point(
                _bounded_score,
                (p1, n1, p2, n2, factor, z * z / (1.0 + z * z)),
                _mn_step,
                (p1, n1, p2, n2, factor, sign * z),
                start,
                *wide,
                skip,
            )
        )
    low, high = bounds
    return np.where(at_bottom, -1.0, low), np.where(at_top, 1.0, high)


def _miettinen_nurminen(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Miettinen & Nurminen (1985) score interval: inverts the score test with the restricted
    MLE variance times N/(N - 1) (Newcombe 1998, method 6; R ``PropCIs::diffscoreci``)."""
    return _score_interval(p1, n1, p2, n2, a_lo, a_hi, _mn_factor(n1, n2))


def _farrington_manning(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Score interval without the N/(N - 1) factor: Mee (1984), Farrington & Manning (1990)
    (Newcombe 1998, method 5 'Mee')."""
    return _score_interval(p1, n1, p2, n2, a_lo, a_hi, 1.0)


def _hauck_anderson(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Hauck & Anderson (1986): Wald interval with the unbiased variances ``p q / (n - 1)`` and
    the continuity correction ``1 / (2 min(n1, n2))``, truncated to [-1, 1]; as R
    ``DescTools::BinomDiffCI(method = "ha")``.  A sample of one has ``p q = 0`` and adds no
    variance (DescTools gives NaN there: ``0 / 0``)."""

    def unbiased_variance(p, n):
        spread = p * (1.0 - p)
        return np.where(spread > 0.0, spread / (n - 1.0), 0.0)

    se = np.sqrt(unbiased_variance(p1, n1) + unbiased_variance(p2, n2))
    return _wald_bounds(p2 - p1, se, 0.5 / np.minimum(n1, n2), a_lo, a_hi)


def _haldane_bound(d, psi, n1, n2, tail, sign):
    """One end of the Haldane-type interval of Newcombe (1998, method 3) for ``d = p2 - p1``:
    ``theta + sign * w`` with ``u = (1/n1 + 1/n2)/4``, ``v = (1/n2 - 1/n1)/4``,
    ``theta = (d + z^2 v (1 - 2 psi)) / (1 + z^2 u)`` and
    ``w = z/(1 + z^2 u) sqrt(u(4 psi(1 - psi) - d^2) + 2 v (1 - 2 psi) d
    + 4 z^2 u^2 psi(1 - psi) + z^2 v^2 (1 - 2 psi)^2)``; ``sign * 1`` where the tail is 0."""
    z = sp.z_upper(tail)
    u = 0.25 * (1.0 / n1 + 1.0 / n2)
    v = 0.25 * (1.0 / n2 - 1.0 / n1)
    z2 = z * z
    skew = 1.0 - 2.0 * psi
    theta = (d + z2 * v * skew) / (1.0 + z2 * u)
    spread = (
        u * (4.0 * psi * (1.0 - psi) - d * d)
        + 2.0 * v * skew * d
        + 4.0 * z2 * u * u * psi * (1.0 - psi)
        + z2 * v * v * skew * skew
    )
    bound = theta + sign * z / (1.0 + z2 * u) * np.sqrt(np.maximum(spread, 0.0))
    return np.where(np.isinf(z), sign * 1.0, bound)


def _haldane(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Haldane's interval (Newcombe 1998, method 3) with ``psi = (p1 + p2)/2``, truncated to
    [-1, 1]; as R ``DescTools::BinomDiffCI(method = "hal")``."""
    d, psi = p2 - p1, 0.5 * (p1 + p2)
    return clip_difference(
        _haldane_bound(d, psi, n1, n2, a_lo, -1.0), _haldane_bound(d, psi, n1, n2, a_hi, 1.0)
    )


def _jeffreys_perks(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Jeffreys-Perks interval (Newcombe 1998, method 4): Haldane's with
    ``psi = ((x1 + 1/2)/(n1 + 1) + (x2 + 1/2)/(n2 + 1)) / 2``, which keeps it off the
    degenerate bounds at x = 0 or n; as R ``DescTools::BinomDiffCI(method = "jp")``."""
    d = p2 - p1
    psi = 0.5 * ((p1 * n1 + 0.5) / (n1 + 1.0) + (p2 * n2 + 0.5) / (n2 + 1.0))
    return clip_difference(
        _haldane_bound(d, psi, n1, n2, a_lo, -1.0), _haldane_bound(d, psi, n1, n2, a_hi, 1.0)
    )


def _exact_unconditional(name, x1, n1, x2, n2, a_lo, a_hi):
    # imported here: the module imports compare's restricted MLE
    from ._unconditional_interval import MAX_TOTAL, exact_difference_interval

    (x1r, n1r, x2r, n2r), shape = _whole_table(x1, n1, x2, n2)
    if x1r.size and float(np.max(n1r + n2r)) > MAX_TOTAL:
        raise InvalidOptionError(
            f"method={name!r} is an exact method for small samples: n1 + n2 must be at most "
            f"{MAX_TOTAL} (got {float(np.max(n1r + n2r)):g}); use 'miettinen-nurminen'"
        )
    low, high = exact_difference_interval(x1r, n1r, x2r, n2r, a_lo, a_hi, name)
    return low.reshape(shape), high.reshape(shape)


def _chan_zhang(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Chan & Zhang (1999) exact unconditional interval: inverts two one-sided exact tests of
    ``p2 - p1 = delta`` at ``alpha/2`` each, tables ordered by the score statistic, p-values
    maximized over the nuisance parameter; as R ``exact2x2::uncondExact2x2(parmtype =
    "difference", method = "score", tsmethod = "central")``.  Counts are rounded to whole
    numbers (``_unconditional_interval.py``)."""
    return _exact_unconditional("chan-zhang", x1, n1, x2, n2, a_lo, a_hi)


def _agresti_min(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Agresti & Min (2001) exact unconditional interval: inverts one two-sided exact test
    (squared score statistic) at level ``alpha``; as R ``exact2x2::uncondExact2x2(parmtype =
    "difference", method = "score", tsmethod = "square")``.  Two-sided only."""
    return _exact_unconditional("agresti-min", x1, n1, x2, n2, a_lo, a_hi)


def _santner_snell(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Santner & Snell (1980) exact unconditional interval: as 'chan-zhang' with the raw
    difference ``p2 - p1`` as the ordering statistic; as R ``exact2x2::uncondExact2x2(
    parmtype = "difference", method = "simple", tsmethod = "central")`` with ties counted
    exactly (R compares the raw differences in floating point and can drop tied tables)."""
    return _exact_unconditional("santner-snell", x1, n1, x2, n2, a_lo, a_hi)


METHODS = {
    "wald": _wald,
    "wald-cc": _wald_cc,
    "agresti-caffo": _agresti_caffo,
    "newcombe": _newcombe,
    "newcombe-cc": _newcombe_cc,
    "miettinen-nurminen": _miettinen_nurminen,
    "farrington-manning": _farrington_manning,
    "hauck-anderson": _hauck_anderson,
    "haldane": _haldane,
    "jeffreys-perks": _jeffreys_perks,
    "chan-zhang": _chan_zhang,
    "agresti-min": _agresti_min,
    "santner-snell": _santner_snell,
}

_TWO_SIDED_ONLY = ("agresti-min",)  # inverts one two-sided test: no one-sided version
_EXACT_METHODS = ("chan-zhang", "agresti-min", "santner-snell")
_EXACT_MAX_N = 10_000  # per sample; the cost grows as (n1 + n2)^1.5 per table


# --------------------------------------------------------------------------- ratio p2 / p1
def _katz(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Katz et al. (1978) log interval for p2/p1: exp(log ratio ± z·sqrt(1/x2 - 1/n2 + 1/x1 - 1/n1)).

    Undefined (NaN) when either count is 0 (Fagerland, Lydersen & Laake 2015, section 3.1).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p2) - np.log(p1)
        se = np.sqrt(1.0 / x2 - 1.0 / n2 + 1.0 / x1 - 1.0 / n1)
        ok = (x1 > 0.0) & (x2 > 0.0)
        low = np.where(ok, np.exp(centre - sp.z_upper(a_lo) * se), np.nan)
        high = np.where(ok, np.exp(centre + sp.z_upper(a_hi) * se), np.nan)
    return low, high


def _koopman_score(rho, x1, n1, x2, n2, target):
    # z²/(1 + z²) - target for the ratio phi = rho / (1 - rho), everything multiplied through
    # by (1 - rho) so that rho = 0 (phi = 0) and rho = 1 (phi = infinity) are ordinary points.
    s = x1 + x2
    bq = (1.0 - rho) * (n1 + x2) + rho * (n2 + x1)
    root = bq + np.sqrt(np.maximum(bq * bq - 4.0 * rho * (1.0 - rho) * (n1 + n2) * s, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        pi1 = np.where(root > 0.0, 2.0 * (1.0 - rho) * s / root, 0.0)
        pi2 = np.where(root > 0.0, 2.0 * rho * s / root, 0.0)
        num = (1.0 - rho) * x2 / n2 - rho * x1 / n1
        var = (1.0 - rho) ** 2 * pi2 * (1.0 - pi2) / n2 + rho * rho * pi1 * (1.0 - pi1) / n1
        ratio = np.where(num != 0.0, num * num / (num * num + var), 0.0)
    return ratio - target


def _koopman_step(phi, x1, n1, x2, n2, signed_z):
    # phi = (p2_hat -/+ z·sqrt(V(phi))) / p1_hat, V the restricted variance of
    # p2_hat - phi·p1_hat (Farrington & Manning 1990, for the ratio).
    phi = np.maximum(phi, 0.0)
    s = x1 + x2
    bq = n1 + x2 + phi * (n2 + x1)
    pi1 = 2.0 * s / (bq + np.sqrt(np.maximum(bq * bq - 4.0 * phi * (n1 + n2) * s, 0.0)))
    pi2 = phi * pi1
    var = pi2 * (1.0 - pi2) / n2 + phi * phi * pi1 * (1.0 - pi1) / n1
    return (x2 / n2 + signed_z * np.sqrt(np.maximum(var, 0.0))) / (x1 / n1)


def _phi_to_rho(phi, change):
    # rho = phi / (1 + phi) and the matching change (d rho = d phi / (1 + phi)^2).
    return phi / (1.0 + phi), change / (1.0 + phi) ** 2


def _koopman(p1, x1, n1, p2, x2, n2, a_lo, a_hi):
    """Koopman (1984) asymptotic score interval for p2/p1 (the Pearson chi-square with the
    restricted MLE; Fagerland, Lydersen & Laake 2015, section 3.4).

    Solved for rho = phi/(1 + phi) in [0, 1], bracketed by [0, rho_hat] and [rho_hat, 1],
    starting from the Katz interval.  A zero count in the second sample gives the lower
    bound 0, in the first the upper bound infinity.
    """
    x1, n1, x2, n2 = np.broadcast_arrays(x1, n1, x2, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho_hat = np.where(x1 + x2 > 0.0, (x2 / n2) / (x1 / n1 + x2 / n2), 0.5)
        phi_hat = (x2 / n2) / (x1 / n1)
        katz_se = np.sqrt(1.0 / x2 - 1.0 / n2 + 1.0 / x1 - 1.0 / n1)
    free = (x2 > 0.0, x1 > 0.0)  # lower bound above 0, upper bound finite
    zero, one = np.zeros(rho_hat.shape), np.ones(rho_hat.shape)
    rhos = []
    for tail, sign, is_free in ((a_lo, -1.0, free[0]), (a_hi, 1.0, free[1])):
        z = sp.z_upper(tail)
        wide = (
            (zero, np.where(is_free, rho_hat, 1.0))
            if sign < 0
            else (np.where(is_free, rho_hat, 0.0), one)
        )
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            start = phi_hat * np.exp(sign * z * katz_se)
        start = np.where(np.isfinite(start), start, 1.0)
        rhos.append(
            find_root_fixed_point(
                _koopman_score,
                (x1, n1, x2, n2, z * z / (1.0 + z * z)),
                _koopman_step,
                (x1, n1, x2, n2, sign * z),
                start,
                *wide,
                ~is_free,
                to_root=_phi_to_rho,
            )
        )
    rho_low, rho_high = rhos
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(free[0], rho_low / (1.0 - rho_low), 0.0)
        high = np.where(free[1], rho_high / (1.0 - rho_high), np.inf)
    return low, high


RATIO_METHODS = {
    "koopman": _koopman,
    "katz": _katz,
}


def _woolf(x1, n1, x2, n2, a_lo, a_hi):
    """Woolf (1955) logit interval for the odds ratio; NaN when a cell of the 2x2 table is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        y1, y2 = n1 - x1, n2 - x2
        centre = np.log(x2) + np.log(y1) - np.log(x1) - np.log(y2)
        se = np.sqrt(1.0 / x1 + 1.0 / y1 + 1.0 / x2 + 1.0 / y2)
        ok = (x1 > 0.0) & (y1 > 0.0) & (x2 > 0.0) & (y2 > 0.0)
        low = np.where(ok, np.exp(centre - sp.z_upper(a_lo) * se), np.nan)
        high = np.where(ok, np.exp(centre + sp.z_upper(a_hi) * se), np.nan)
    return low, high


# --------------------------------------------------------------------------- tests
def _ratio_z(num, var):
    # num / sqrt(var) with 0/0 = 0 (no difference and no variance: no evidence either way).
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(num == 0.0, 0.0, num / np.sqrt(var))


def _z_pooled(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Pooled z test, z = (p2 - p1)/sqrt(pbar(1 - pbar)(1/n1 + 1/n2)); z² is R's
    ``prop.test(correct = FALSE)`` statistic.  Both proportions 0 (or both 1): z = 0, p = 1."""
    pooled = (x1 + x2) / (n1 + n2)
    z = _ratio_z(p2 - p1, pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    return z, normal_pvalue(z, alternative)


def _z_unpooled(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Unpooled (Wald) z test, z = (p2 - p1 - d0)/sqrt(p1q1/n1 + p2q2/n2)."""
    z = _ratio_z(p2 - p1 - d0, p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    return z, normal_pvalue(z, alternative)


def _chi2_yates(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Chi-square test with Yates' correction, exactly as R ``prop.test(correct = TRUE)``:
    the correction is min(0.5, |x1 - E1|); one-sided p-values from sign(p2 - p1)·sqrt(X²).
    The statistic is the chi-square (1 df)."""
    pooled = (x1 + x2) / (n1 + n2)
    gap = np.abs(p2 - p1) * n1 * n2 / (n1 + n2)  # |x - E| in every cell of the 2x2 table
    excess = gap - np.minimum(0.5, gap)
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = np.where(
            excess == 0.0, 0.0, excess**2 * (1.0 / n1 + 1.0 / n2) / (pooled * (1.0 - pooled))
        )
    if alternative == "two-sided":
        return chi2, sp.chi2_sf(chi2, 1.0)
    return chi2, normal_pvalue(np.sign(p2 - p1) * np.sqrt(chi2), alternative)


def _mn_test(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Miettinen & Nurminen (1985) score test of p2 - p1 = d0, any d0 in (-1, 1): the restricted
    MLE under the null from the closed-form cubic, variance times N/(N - 1).  Its acceptance
    region is exactly the 'miettinen-nurminen' interval."""
    var = _score_variance(p1, n1, p2, n2, d0, _mn_factor(n1, n2))
    z = _ratio_z(p2 - p1 - d0, var)
    return z, normal_pvalue(z, alternative)


_FISHER_BLOCK = 64  # support points summed per pass of a tail
_FISHER_CHUNK = 1 << 15  # pairs per chunk (bounds memory to a few MB per array)
_R_RELATIVE_ERROR = np.log1p(1e-7)  # fisher.test: d <= d[x] * (1 + 1e-7)


def _hyper_logpmf(k, n1, n2, m, const):
    g = _gammaln
    return const - g(k + 1.0) - g(n1 - k + 1.0) - g(m - k + 1.0) - g(n2 - m + k + 1.0)


def _hyper_tail(start, stop, step, n1, n2, m, const):
    """Sum of the hypergeometric pmf over start, start + step, ..., stop (inclusive), a run on
    which the pmf decreases (beyond the mode).  Summed in blocks until the terms fall below
    e^-45 of the first one or the run ends; the loop is over blocks, not elements."""
    total = np.zeros(start.shape)
    active = np.flatnonzero((stop - start) * step >= 0.0)
    k = start[active]
    lp = _hyper_logpmf(k, n1[active], n2[active], m[active], const[active])
    first = lp.copy()
    offsets = np.arange(_FISHER_BLOCK, dtype=float)
    while active.size:
        a1, a2, am, aend = n1[active], n2[active], m[active], stop[active]
        grid = k[:, None] + step * offsets  # support points of this block
        prev = grid[:, :-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            if step > 0:  # log pmf(k + 1) - log pmf(k)
                inc = np.log((a1[:, None] - prev) * (am[:, None] - prev)) - np.log(
                    (prev + 1.0) * (a2[:, None] - am[:, None] + prev + 1.0)
                )
            else:  # log pmf(k - 1) - log pmf(k)
                inc = np.log(prev * (a2[:, None] - am[:, None] + prev)) - np.log(
                    (a1[:, None] - prev + 1.0) * (am[:, None] - prev + 1.0)
                )
        inside = (aend[:, None] - grid) * step >= 0.0
        logs = lp[:, None] + np.concatenate([np.zeros((k.size, 1)), np.cumsum(inc, axis=1)], axis=1)
        total[active] += np.where(inside, np.exp(np.where(inside, logs, -np.inf)), 0.0).sum(axis=1)
        k = grid[:, -1] + step
        keep = ((aend - k) * step >= 0.0) & (logs[:, -1] > first - 45.0)
        active, k, first = active[keep], k[keep], first[keep]
        lp = _hyper_logpmf(k, n1[active], n2[active], m[active], const[active])
    return total


def _fisher_chunk(x1, n1, x2, n2, alternative):
    m = x1 + x2
    g = _gammaln
    const = g(n1 + 1.0) + g(n2 + 1.0) - g(n1 + n2 + 1.0) + g(m + 1.0) + g(n1 + n2 - m + 1.0)
    lo = np.maximum(0.0, m - n2)
    hi = np.minimum(n1, m)
    mode = np.clip(np.floor((m + 1.0) * (n1 + 1.0) / (n1 + n2 + 2.0)), lo, hi)

    def tail(start, stop, step):
        return _hyper_tail(start, stop, step, n1, n2, m, const)

    with np.errstate(invalid="ignore", divide="ignore"):
        if alternative == "greater":  # p2 > p1: few successes in sample 1, P(X1 <= x1)
            below = x1 <= mode
            p = np.where(
                below,
                tail(np.where(below, x1, lo - 1.0), lo, -1.0),
                1.0 - tail(np.where(below, hi + 1.0, x1 + 1.0), hi, 1.0),
            )
        elif alternative == "less":  # P(X1 >= x1)
            above = x1 >= mode
            p = np.where(
                above,
                tail(np.where(above, x1, hi + 1.0), hi, 1.0),
                1.0 - tail(np.where(above, lo - 1.0, x1 - 1.0), lo, -1.0),
            )
        else:
            # R: sum of the probabilities of all tables no more likely than the observed one.
            # The pmf is unimodal, so those tables form the tails [lo, k_left] and
            # [k_right, hi]; both cut points are found by integer bisection.
            threshold = _hyper_logpmf(x1, n1, n2, m, const) + _R_RELATIVE_ERROR
            everything = _hyper_logpmf(mode, n1, n2, m, const) <= threshold
            left_a, left_b = lo - 1.0, mode  # lp(left_a) <= thr < lp(left_b)
            right_a, right_b = mode, hi + 1.0  # lp(right_a) > thr >= lp(right_b)
            while True:
                open_left = left_b - left_a > 1.0
                open_right = right_b - right_a > 1.0
                if not (open_left.any() or open_right.any()):
                    break
                mid = np.floor((left_a + left_b) / 2.0)
                ok = _hyper_logpmf(mid, n1, n2, m, const) <= threshold
                left_a = np.where(open_left & ok, mid, left_a)
                left_b = np.where(open_left & ~ok, mid, left_b)
                mid = np.floor((right_a + right_b) / 2.0)
                ok = _hyper_logpmf(mid, n1, n2, m, const) <= threshold
                right_b = np.where(open_right & ok, mid, right_b)
                right_a = np.where(open_right & ~ok, mid, right_a)
            p = tail(left_a, lo, -1.0) + tail(right_b, hi, 1.0)
            p = np.where(everything, 1.0, p)
    return np.clip(p, 0.0, 1.0)


def _whole_table(x1, n1, x2, n2):
    """Counts and sizes rounded to whole numbers (fractional only after a design effect),
    flattened, with the broadcast shape."""
    n1r = np.maximum(np.round(n1), 1.0)
    n2r = np.maximum(np.round(n2), 1.0)
    x1r = np.clip(np.round(x1), 0.0, n1r)
    x2r = np.clip(np.round(x2), 0.0, n2r)
    shape = np.broadcast_shapes(np.shape(x1), np.shape(n1), np.shape(x2), np.shape(n2))
    return [a.ravel() for a in np.broadcast_arrays(x1r, n1r, x2r, n2r)], shape


def _fisher(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Fisher's exact conditional test, two-sided as R ``fisher.test`` (the probabilities of all
    tables with the observed margins that are no more likely than the observed table, with
    R's relative tolerance 1e-7).  The statistic is the second sample's count, the statistic
    the test conditions on.  Counts and sample sizes are rounded to whole numbers (they are
    fractional only after a design effect)."""
    (x1r, n1r, x2r, n2r), shape = _whole_table(x1, n1, x2, n2)
    pvalue = np.empty(x1r.size)
    for start in range(0, x1r.size, _FISHER_CHUNK):  # chunks bound memory; each is vectorized
        part = slice(start, start + _FISHER_CHUNK)
        pvalue[part] = _fisher_chunk(x1r[part], n1r[part], x2r[part], n2r[part], alternative)
    return x2r.reshape(shape), pvalue.reshape(shape)


# scipy's alternatives speak of p1 - p2, ours of p2 - p1
_MIRRORED = {"two-sided": "two-sided", "less": "greater", "greater": "less"}


def _barnard(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Barnard's (1947) exact unconditional test, ordered by the pooled z statistic (Suissa &
    Shuster 1985), as scipy ``barnard_exact``; vectorized (``unconditional.py``).  The
    statistic is the z of ``p2 - p1``.  Counts are rounded to whole numbers."""
    (x1r, n1r, x2r, n2r), shape = _whole_table(x1, n1, x2, n2)
    wald, pvalue = barnard_pvalue(x1r, n1r, x2r, n2r, _MIRRORED[alternative], pooled=True)
    # a sum of probabilities can round an ulp above 1 (all tables as extreme: p = 1)
    return (-wald).reshape(shape), np.minimum(pvalue, 1.0).reshape(shape)


def _boschloo(p1, x1, n1, p2, x2, n2, d0, alternative):
    """Boschloo's (1970) exact unconditional test, ordered by Fisher's one-sided p-value, as
    scipy ``boschloo_exact`` (two-sided: twice the smaller one-sided p-value); vectorized
    (``unconditional.py``).  Uniformly more powerful than Fisher's test.  The statistic is the
    Fisher p-value that orders the tables.  Counts are rounded to whole numbers."""
    (x1r, n1r, x2r, n2r), shape = _whole_table(x1, n1, x2, n2)
    fisher, pvalue = boschloo_pvalue(x1r, n1r, x2r, n2r, _MIRRORED[alternative])
    return fisher.reshape(shape), np.minimum(pvalue, 1.0).reshape(shape)


TESTS = {
    "z-pooled": _z_pooled,
    "z-unpooled": _z_unpooled,
    "chi2-yates": _chi2_yates,
    "fisher": _fisher,
    "miettinen-nurminen": _mn_test,
    "barnard": _barnard,
    "boschloo": _boschloo,
}

_TESTS_OF_EQUALITY = ("z-pooled", "chi2-yates", "fisher", "barnard", "boschloo")


def _divide_by_deff(n, deff):
    """n / deff, skipping the pass over n when deff is the scalar 1."""
    return n if (np.ndim(deff) == 0 and deff == 1.0) else n / deff


@dataclass(frozen=True)
class _EffectInputs:
    """What the ratio, odds ratio and Cohen's h of one call need, kept by the result until
    one of them is read (a picklable record, not a closure): the cleaned proportions and
    effective sizes, the tails, the options and the call's finisher."""

    q1: Any
    m1: Any
    q2: Any
    m2: Any
    a_lo: float
    a_hi: float
    ratio_method: str
    alternative: str
    finish: Any

    def compute(self):
        # the effective counts exactly as the call computed them
        x1, x2 = self.q1 * self.m1, self.q2 * self.m2
        sizes = _effect_sizes(
            self.q1,
            x1,
            self.m1,
            self.q2,
            x2,
            self.m2,
            self.a_lo,
            self.a_hi,
            self.ratio_method,
            self.alternative,
        )
        return {name: self.finish(value) for name, value in sizes.items()}


def _effect_sizes(q1, x1, m1, q2, x2, m2, a_lo, a_hi, ratio_method, alternative):
    """Ratio p2/p1 with its interval, odds ratio with Woolf's interval, and Cohen's h."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        ratio = np.where((q1 == 0.0) & (q2 == 0.0), np.nan, q2 / q1)
        ratio_low, ratio_high = RATIO_METHODS[ratio_method](q1, x1, m1, q2, x2, m2, a_lo, a_hi)
        odds_ratio = q2 * (1.0 - q1) / (q1 * (1.0 - q2))
        odds_low, odds_high = _woolf(x1, m1, x2, m2, a_lo, a_hi)
    ratio_low, ratio_high = open_side(ratio_low, ratio_high, alternative, 0.0, np.inf)
    odds_low, odds_high = open_side(odds_low, odds_high, alternative, 0.0, np.inf)
    cohens_h = 2.0 * np.arcsin(np.sqrt(q2)) - 2.0 * np.arcsin(np.sqrt(q1))
    return dict(
        ratio=ratio,
        ratio_low=ratio_low,
        ratio_high=ratio_high,
        odds_ratio=odds_ratio,
        odds_ratio_low=odds_low,
        odds_ratio_high=odds_high,
        cohens_h=cohens_h,
    )


# --------------------------------------------------------------------------- public API
@quiet_numpy
def compare_proportions(
    p1: ArrayLike,
    n1: ArrayLike,
    p2: ArrayLike,
    n2: ArrayLike,
    *,
    method: str = "newcombe",
    test: str = "z-pooled",
    confidence_level: float = 0.95,
    deff1: ArrayLike = 1.0,
    deff2: ArrayLike = 1.0,
    alternative: str = "two-sided",
    null_difference: ArrayLike = 0.0,
    ratio_method: str = "koopman",
) -> ComparisonResult:
    """Change between two independent samples (two survey waves): ``p2 - p1``.

    Parameters
    ----------
    p1, n1 : float or array_like
        Proportion and sample size of the first sample (the earlier wave).
    p2, n2 : float or array_like
        Proportion and sample size of the second sample.
    method : str
        Interval for ``p2 - p1``, one of ``METHODS``: 'newcombe' (default; Wilson-based hybrid
        score, Newcombe's method 10), 'newcombe-cc', 'wald', 'wald-cc', 'agresti-caffo',
        'miettinen-nurminen', 'farrington-manning', 'hauck-anderson', 'haldane',
        'jeffreys-perks' (Newcombe's methods 3 and 4), and the exact unconditional intervals
        'chan-zhang' (score statistic, two one-sided tests), 'agresti-min' (score statistic,
        one two-sided test; two-sided only) and 'santner-snell' (raw difference, two one-sided
        tests), as R ``exact2x2::uncondExact2x2``; these round counts to whole numbers and are
        for small samples (the cost grows with ``(n1 + n2)^1.5`` per table).
    test : str
        One of ``TESTS``: 'z-pooled' (default; R ``prop.test(correct = FALSE)``),
        'z-unpooled', 'chi2-yates' (R ``prop.test(correct = TRUE)``), 'fisher' (exact, as R
        ``fisher.test``), 'miettinen-nurminen' (score test, also for a non-zero
        ``null_difference``), 'barnard' and 'boschloo' (exact unconditional tests, as scipy
        ``barnard_exact`` and ``boschloo_exact``, vectorized; for small samples: the cost
        grows with ``n1 · n2``).
    confidence_level : float
        Sets the interval level and ``significant = pvalue < 1 - confidence_level``.
    deff1, deff2 : float or array_like
        Design effects; each sample enters with its effective size ``n / deff`` and effective
        count ``p·n / deff``.
    alternative : {'two-sided', 'less', 'greater'}
        'greater' tests ``p2 - p1 > null_difference`` and gives the interval ``[low, 1]``;
        'less' the reverse.
    null_difference : float or array_like
        The difference under the null hypothesis, in (-1, 1).  Only the 'z-unpooled' and
        'miettinen-nurminen' tests take a non-zero value.
    ratio_method : str
        Interval of the ratio ``p2 / p1``, one of ``RATIO_METHODS``: 'koopman' (default; score
        interval, defined with zero counts) or 'katz' (log interval, closed form, NaN when a
        count is 0).

    Returns
    -------
    ComparisonResult
        ``estimate`` (= p2 - p1), ``low, high, statistic, pvalue, significant``, the ratio
        ``p2 / p1`` with ``ratio_low, ratio_high``, the odds ratio (Woolf interval), Cohen's h,
        and the inputs and options.

    Notes
    -----
    The statistic is a z value for the z and score tests, the chi-square for 'chi2-yates',
    and the second sample's count for 'fisher'.  When both proportions are 0 (or both 1)
    the pooled tests report statistic 0 and p-value 1 (R gives NaN).

    Examples
    --------
    "Completely unacceptable" to give up NATO membership for peace: 48.7% of 1,000 Ukrainians
    in 2024, 41.1% of another 1,000 in 2025 (Info Sapiens for the New Europe Center).

    >>> import surveystats as ss
    >>> r = ss.compare_proportions(0.487, 1000, 0.411, 1000)
    >>> round(r.estimate, 3), round(r.low, 4), round(r.high, 4)
    (-0.076, -0.1192, -0.0324)
    >>> round(r.pvalue, 5), r.significant
    (0.00063, True)

    A relative fall of about 16%:

    >>> round(r.ratio, 3), round(r.ratio_low, 3), round(r.ratio_high, 3)
    (0.844, 0.765, 0.93)

    Three years, 2023 to 2025 (56.9% to 41.1%), by the score method and tested against a
    fall of 10 points:

    >>> r = ss.compare_proportions(0.569, 1000, 0.411, 1000, method="miettinen-nurminen",
    ...                            test="miettinen-nurminen", null_difference=-0.10)
    >>> round(r.low, 4), round(r.high, 4), round(r.pvalue, 4)
    (-0.2009, -0.1145, 0.0091)

    A small pilot, 2 of 7 against 6 of 13: the exact unconditional interval of Chan & Zhang
    keeps 95% coverage whatever the true shares (StatXact: -0.3108, 0.5787):

    >>> r = ss.compare_proportions(2 / 7, 7, 6 / 13, 13, method="chan-zhang")
    >>> round(r.low, 4), round(r.high, 4)
    (-0.3108, 0.5787)
    """
    method = check_choice("method", method, METHODS)
    test = check_choice("test", test, TESTS)
    ratio_method = check_choice("ratio_method", ratio_method, RATIO_METHODS)
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    if method in _TWO_SIDED_ONLY and alternative != "two-sided":
        raise InvalidOptionError(
            f"method={method!r} inverts a two-sided test and has no one-sided version "
            f"(alternative={alternative!r}); use 'chan-zhang' for a one-sided exact bound"
        )
    inputs = Inputs(
        p1=p1, n1=n1, p2=p2, n2=n2, deff1=deff1, deff2=deff2, null_difference=null_difference
    )
    inputs.proportion("p1")
    inputs.proportion("p2")
    for name in ("n1", "n2"):
        inputs.sample_size(name)
    for name in ("deff1", "deff2"):
        inputs.positive(name)
    if method in _EXACT_METHODS:
        for name in ("n1", "n2"):
            inputs.where(
                name,
                inputs[name] > _EXACT_MAX_N,
                f"is above {_EXACT_MAX_N}, the largest sample method={method!r} takes "
                "(an exact method for small samples)",
                1.0,
            )
    inputs.inside("null_difference", -1.0, 1.0, 0.0)
    d0 = inputs.raw("null_difference")
    if test in _TESTS_OF_EQUALITY and np.any(d0 != 0.0):
        raise InvalidOptionError(
            f"test={test!r} tests p2 - p1 = 0 only; for null_difference != 0 use "
            "test='miettinen-nurminen' (score test) or 'z-unpooled'"
        )

    q1, q2 = inputs["p1"], inputs["p2"]
    m1 = _divide_by_deff(inputs["n1"], inputs.raw("deff1"))
    m2 = _divide_by_deff(inputs["n2"], inputs.raw("deff2"))
    # Effective counts.  Not snapped to whole numbers as in proportion_ci: no interval or
    # test here depends on a count being exactly whole (Fisher rounds its own), and p·n is
    # exact at 0 and at n, where the zero-count rules apply.
    x1, x2 = q1 * m1, q2 * m2
    a_lo, a_hi = tails(level, alternative)

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        low, high = METHODS[method](q1, x1, m1, q2, x2, m2, a_lo, a_hi)
        statistic, pvalue = TESTS[test](q1, x1, m1, q2, x2, m2, d0, alternative)
    low, high = open_side(low, high, alternative, -1.0, 1.0)

    fin = inputs.finish
    pvalue = fin(pvalue)

    effect_inputs = _EffectInputs(
        q1, m1, q2, m2, a_lo, a_hi, ratio_method, alternative, inputs.finisher()
    )

    call = Call(
        compare_proportions,
        (p1, n1, p2, n2),
        dict(
            method=method,
            test=test,
            deff1=deff1,
            deff2=deff2,
            alternative=alternative,
            null_difference=null_difference,
            ratio_method=ratio_method,
            confidence_level=level,
        ),
    )

    return ComparisonResult(
        p1=fin(q1),
        n1=fin(inputs["n1"]),
        p2=fin(q2),
        n2=fin(inputs["n2"]),
        estimate=fin(q2 - q1),
        low=fin(low),
        high=fin(high),
        statistic=fin(statistic),
        pvalue=pvalue,
        significant=significant(pvalue, level, inputs.scalar),
        method=method,
        test=test,
        ratio_method=ratio_method,
        confidence_level=level,
        alternative=alternative,
        null_difference=fin(inputs["null_difference"]),
        problem=inputs.result_problem,
        _call=call,
        _effect_inputs=effect_inputs,
    )
