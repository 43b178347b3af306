"""One proportion: confidence intervals, margin of error, sample size, design effects.

Lives here: :func:`proportion_ci` and its registry of interval methods (one small private
function each, citing its source), :func:`margin_of_error`, :func:`sample_size`,
:func:`kish_deff`, :func:`effective_n`.
Does not live here: comparisons of two proportions (``compare.py``), respondent-level
design-based estimation (``design.py``), any formatting.

Every interval method has the signature ``(p, x, n, a_lo, a_hi) -> (low, high)`` where
``p`` is the proportion, ``x = p * n`` the (effective) count, ``n`` the effective sample
size, and ``a_lo``/``a_hi`` the tail probabilities outside the lower and upper bounds
(both alpha/2 for a two-sided interval).  ``x`` is a whole number whenever ``p * n`` is
within floating-point rounding of one; otherwise (after a design effect) it is fractional
and the beta-function methods use the continuous extension, as R's ``survey`` package does.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.arrays import writable_out as _out
from ._internal.inference import open_side, tails
from ._internal.results import Call, FloatOrArray, ProportionResult
from ._internal.roots import find_root_halley
from ._internal.validation import (
    Inputs,
    as_float_array,
    check_alternative,
    check_axis,
    check_choice,
    check_confidence_level,
)
from .exceptions import InvalidOptionError, InvalidValueError

__all__ = [
    "proportion_ci",
    "margin_of_error",
    "sample_size",
    "kish_deff",
    "effective_n",
    "INTERVAL_METHODS",
]


# --------------------------------------------------------------------------- methods
def _clip(low, high):
    """Clip bounds into [0, 1] in place (they are fresh arrays, or floats)."""
    return np.clip(low, 0.0, 1.0, out=_out(low)), np.clip(high, 0.0, 1.0, out=_out(high))


def _per_side(bounds, p, n, a_lo, a_hi):
    """Evaluate a ``bounds(p, n, z) -> (low, high)`` formula once per distinct tail."""
    low, high = bounds(p, n, sp.z_upper(a_lo))
    if a_hi != a_lo:
        high = bounds(p, n, sp.z_upper(a_hi))[1]
    return low, high


def _pin_ends(p, low, high):
    """Exactly 0 below p = 0 and 1 above p = 1 (the formulas get there only up to rounding);
    the comparison passes run only when such an element exists."""
    if np.ndim(p) == 0:
        return (0.0 if p == 0.0 else low), (1.0 if p == 1.0 else high)
    if p.size == 0:
        return low, high
    if p.min() == 0.0:
        low = np.where(p == 0.0, 0.0, low)
    if p.max() == 1.0:
        high = np.where(p == 1.0, 1.0, high)
    return low, high


def _contain(p, low, high):
    """Bounds widened to contain the estimate.  With a fractional count near 0 or n (after
    a design effect) the continuity-corrected and Beta-quantile formulas can put the lower
    bound above p (or the upper below it); an interval always contains its estimate."""
    return np.minimum(low, p, out=_out(low)), np.maximum(high, p, out=_out(high))


def _wald(p, x, n, a_lo, a_hi):
    """Simple asymptotic (Wald) interval, p ± z·sqrt(p(1-p)/n), clipped to [0, 1].

    Newcombe (1998), method 1; Brown, Cai & DasGupta (2001), section 2.1.
    """

    def bounds(p, n, z):
        half = np.subtract(1.0, p)  # z·sqrt(p(1-p)/n), built in one buffer
        half *= p
        half /= n
        half = np.sqrt(half, out=_out(half))
        half *= z
        return p - half, p + half

    return _clip(*_per_side(bounds, p, n, a_lo, a_hi))


def _wilson_bounds(p, n, z):
    z2n = np.divide(z * z, n)  # z²/n
    scale = np.add(z2n, 1.0)  # 1 + z²/n
    half = np.subtract(1.0, p)  # sqrt(p(1-p)/n + z²/(4n²)) ...
    half *= p
    half += 0.25 * z2n
    half /= n
    half = np.sqrt(half, out=_out(half))
    half *= z  # ... times z
    centre = np.multiply(0.5, z2n, out=_out(z2n))
    centre += p  # p + z²/(2n)
    low = centre - half
    low /= scale
    high = np.add(centre, half, out=_out(centre))
    high /= scale
    return low, high


def _wilson(p, x, n, a_lo, a_hi):
    """Wilson (1927) score interval; Newcombe (1998) method 3; R ``prop.test(correct=FALSE)``."""
    low, high = _per_side(_wilson_bounds, p, n, a_lo, a_hi)
    return _clip(*_pin_ends(p, low, high))


def _wilson_cc(p, x, n, a_lo, a_hi):
    """Wilson score interval with continuity correction, Newcombe (1998) method 4.

    Newcombe's closed form (his equations for L and U).  R's ``prop.test(correct=TRUE)``
    agrees except where ``x`` lies within 0.5 of ``n/2``, where R shrinks the correction.
    For a fractional count below 1/2 (or above n - 1/2) the formula's bound lies beyond p;
    the bounds are widened to contain p (``_contain``).
    """

    def bounds(p, n, z):
        z2 = z * z
        denom = 2.0 * (n + z2)
        root_lo = np.sqrt(np.maximum(z2 - 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) + 1.0), 0.0))
        root_hi = np.sqrt(np.maximum(z2 + 2.0 - 1.0 / n + 4.0 * p * (n * (1.0 - p) - 1.0), 0.0))
        low = (2.0 * n * p + z2 - 1.0 - z * root_lo) / denom
        high = (2.0 * n * p + z2 + 1.0 + z * root_hi) / denom
        return low, high

    low, high = _per_side(bounds, p, n, a_lo, a_hi)
    return _clip(*_contain(p, *_pin_ends(p, low, high)))


def _agresti_coull(p, x, n, a_lo, a_hi):
    """Agresti & Coull (1998): Wald interval around (x + z²/2)/(n + z²); BCD (2001) 4.1.3."""

    def bounds(p, n, z):
        n_tilde = np.add(n, z * z)
        p_tilde = p * n
        p_tilde += z * z / 2.0
        p_tilde /= n_tilde
        half = np.subtract(1.0, p_tilde)  # z·sqrt(p~(1-p~)/n~), in one buffer
        half *= p_tilde
        half /= n_tilde
        half = np.sqrt(half, out=_out(half))
        half *= z
        return p_tilde - half, np.add(p_tilde, half, out=_out(p_tilde))

    return _clip(*_per_side(bounds, p, n, a_lo, a_hi))


def _clopper_pearson(p, x, n, a_lo, a_hi):
    """Clopper & Pearson (1934) exact interval from beta quantiles; R ``binom.test``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0.0, sp.beta_ppf(a_lo, np.maximum(x, 1e-300), n - x + 1.0), 0.0)
        high = np.where(x < n, sp.beta_ppf(1.0 - a_hi, x + 1.0, np.maximum(n - x, 1e-300)), 1.0)
    return low, high


def _jeffreys(p, x, n, a_lo, a_hi):
    """Jeffreys interval: Beta(x + 1/2, n - x + 1/2) quantiles, with the lower bound 0 at
    x = 0 and the upper bound 1 at x = n (Brown, Cai & DasGupta 2001, section 4.1.2).
    A fractional count just above 0 (below n) would give a lower bound above p (upper below
    it); the bounds are widened to contain p (``_contain``)."""
    low = np.where(x > 0.0, sp.beta_ppf(a_lo, x + 0.5, n - x + 0.5), 0.0)
    high = np.where(x < n, sp.beta_ppf(1.0 - a_hi, x + 0.5, n - x + 0.5), 1.0)
    return _contain(p, low, high)


def _mid_p_tail(pi, x, n, log_choose, target):
    """P(X > x) + P(X = x)/2 - target under Binomial(n, pi), with its first two
    derivatives in pi (increasing).  With u = x/pi and v = (n - x)/(1 - pi):
    d/dpi P(X > x) = pmf·v and d/dpi pmf = pmf·(u - v), so the first derivative is
    pmf·(u + v)/2 and the second pmf·((u - v)(u + v) - u/pi + v/(1 - pi))/2."""
    pmf = np.exp(log_choose + sp.xlogy(x, pi) + sp.xlog1py(n - x, -pi))
    value = sp.beta_cdf(pi, x + 1.0, n - x) + 0.5 * pmf - target
    u = x / pi
    v = (n - x) / (1.0 - pi)
    first = 0.5 * pmf * (u + v)
    second = 0.5 * pmf * ((u - v) * (u + v) - u / pi + v / (1.0 - pi))
    return value, first, second


def _inner_counts(x, n):
    """``x, n`` broadcast, the mask of counts strictly between 0 and n (None when that is
    every element), and ``x, n`` at those counts: the root-finding methods solve only
    there; the bounds at x = 0 and x = n have closed forms."""
    x, n = np.broadcast_arrays(x, n)
    inner = (x > 0.0) & (x < n)
    if inner.all():
        return x, n, None, x, n
    return x, n, inner, x[inner], n[inner]


def _fill_inner(low, high, inner, low_inner, high_inner):
    """The closed-form edge bounds ``low, high`` with the solved ones put in at ``inner``."""
    low[inner] = low_inner
    high[inner] = high_inner
    return low, high


def _mid_p_start(p, n, a_lo, a_hi):
    """Starting points for the mid-p bounds: Wilson bounds with z moved by the
    Cornish-Fisher skewness term of the binomial, z ± γ(z² - 1)/6 with
    γ = (1 - 2π)/sqrt(nπ(1 - π)) evaluated at the plain Wilson bound.  About twenty times
    closer to the mid-p bounds than Wilson's (median relative error 1.5e-5 against 3e-4 for
    n from 20 to 3000), which saves a third binomial-tail evaluation for most elements.
    The moved z is kept within [z/2, 2z]; the start needs to be good, not exact."""
    z_lo, z_hi = sp.z_upper(a_lo), sp.z_upper(a_hi)

    def skew(pi):
        return (1.0 - 2.0 * pi) / np.sqrt(n * pi * (1.0 - pi))

    def moved(z, shift):
        return np.clip(z + shift * (z * z - 1.0) / 6.0, 0.5 * z, 2.0 * z)

    low = _wilson_bounds(p, n, moved(z_lo, skew(_wilson_bounds(p, n, z_lo)[0])))[0]
    high = _wilson_bounds(p, n, moved(z_hi, -skew(_wilson_bounds(p, n, z_hi)[1])))[1]
    return low, high


def _mid_p(p, x, n, a_lo, a_hi):
    """Mid-p exact interval (Lancaster 1961; Newcombe 1998 method 6).

    The lower bound solves P(X > x) + P(X = x)/2 = a_lo, the upper bound
    P(X < x) + P(X = x)/2 = a_hi, both under Binomial(n, pi).  The left side is
    increasing in pi, from 0 at pi = 0 to 1 at pi = 1 for 0 < x < n, so [0, 1] brackets
    each root; safeguarded Halley steps start from skewness-corrected Wilson bounds
    (:func:`_mid_p_start`) and typically need two evaluations of the binomial tail.
    At x = 0 the upper bound has the closed form 1 - (2 a)^(1/n), and at x = n the lower
    bound (2 a)^(1/n).
    """
    x, n, inner, xi, ni = _inner_counts(x, n)
    log_choose = sp.log_choose(ni, xi)
    start_lo, start_hi = _mid_p_start(xi / ni, ni, a_lo, a_hi)
    zeros, ones = np.zeros_like(start_lo), np.ones_like(start_lo)
    low_inner = find_root_halley(
        _mid_p_tail, start_lo, zeros, ones, args=(xi, ni, log_choose, a_lo)
    )
    high_inner = find_root_halley(
        _mid_p_tail, start_hi, zeros, ones, args=(xi, ni, log_choose, 1.0 - a_hi)
    )
    if inner is None:
        return low_inner, high_inner
    with np.errstate(divide="ignore"):
        low = np.where(x >= n, (2.0 * a_lo) ** (1.0 / n), 0.0)
        high = np.where(x <= 0.0, 1.0 - (2.0 * a_hi) ** (1.0 / n), 1.0)
    return _fill_inner(low, high, inner, low_inner, high_inner)


def _logit(p, x, n, a_lo, a_hi):
    """Wald interval on the log-odds scale, back-transformed (BCD 2001, section 4.2.1).

    Undefined at x = 0 and x = n; there the bound that exists is the Clopper-Pearson one
    (the other is 0 or 1), the convention of R's ``binom`` package for its logit method.
    """

    def bounds(p, n, z):
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = sp.logit(p)
            half = z / np.sqrt(n * p * (1.0 - p))
        return sp.expit(centre - half), sp.expit(centre + half)

    low, high = _per_side(bounds, p, n, a_lo, a_hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x >= n, a_lo ** (1.0 / n), np.where(x <= 0.0, 0.0, low))
        high = np.where(x <= 0.0, 1.0 - a_hi ** (1.0 / n), np.where(x >= n, 1.0, high))
    return low, high


def _arcsine(p, x, n, a_lo, a_hi):
    """Variance-stabilized interval sin²(arcsin(√p) ± z/(2√n)) (BCD 2001, section 4.2.2,
    without Anscombe's 3/8 offset; the ``asin`` method of R ``survey::svyciprop``)."""

    def bounds(p, n, z):
        angle = np.arcsin(np.sqrt(p))
        half = z / (2.0 * np.sqrt(n))
        return (
            np.sin(np.clip(angle - half, 0.0, np.pi / 2)) ** 2,
            np.sin(np.clip(angle + half, 0.0, np.pi / 2)) ** 2,
        )

    return _per_side(bounds, p, n, a_lo, a_hi)


def _deviance_gap(theta, x, n, loglik_hat, z2, sign):
    """sign·(2[l(p_hat) - l(theta)] - z²) on the log-odds scale, with its first two
    derivatives: l(theta) = x log pi + (n - x) log(1 - pi), pi = expit(theta), so
    l' = x - n pi and l'' = -n pi (1 - pi).  ``sign`` = -1 below p_hat, where the deviance
    decreases, makes the function increasing on both sides."""
    loglik = x * sp.log_expit(theta) + (n - x) * sp.log_expit(-theta)
    pi = sp.expit(theta)
    value = sign * (2.0 * (loglik_hat - loglik) - z2)
    first = sign * 2.0 * (n * pi - x)
    second = sign * 2.0 * n * pi * (1.0 - pi)
    return value, first, second


def _likelihood(p, x, n, a_lo, a_hi):
    """Likelihood-ratio interval: {pi : 2[l(p) - l(pi)] <= z²} (Newcombe 1998, method 7).

    Solved on the log-odds scale, where the deviance is convex with its minimum 0 at
    logit(p) and grows without bound on both sides for 0 < x < n, so
    [logit(p) - 1000, logit(p)] and [logit(p), logit(p) + 1000] bracket the two roots (a
    bound beyond ±1000 is 0 or 1 in floating point anyway).  Safeguarded Halley steps start
    from the quadratic approximation logit(p) ± z/sqrt(n p (1 - p)).  At x = 0 the upper
    bound is 1 - exp(-z²/(2n)), at x = n the lower bound is exp(-z²/(2n)).
    """
    z_lo = sp.z_upper(a_lo)
    z_hi = sp.z_upper(a_hi)
    x, n, inner, xi, ni = _inner_counts(x, n)
    theta_hat = sp.logit(xi / ni)
    loglik_hat = xi * sp.log_expit(theta_hat) + (ni - xi) * sp.log_expit(-theta_hat)
    spread = 1.0 / np.sqrt(xi * (1.0 - xi / ni))
    low_inner = sp.expit(
        find_root_halley(
            _deviance_gap,
            theta_hat - z_lo * spread,
            theta_hat - 1000.0,
            theta_hat,
            args=(xi, ni, loglik_hat, z_lo * z_lo, -1.0),
        )
    )
    high_inner = sp.expit(
        find_root_halley(
            _deviance_gap,
            theta_hat + z_hi * spread,
            theta_hat,
            theta_hat + 1000.0,
            args=(xi, ni, loglik_hat, z_hi * z_hi, 1.0),
        )
    )
    if inner is None:
        return low_inner, high_inner
    low = np.where(x >= n, np.exp(-z_lo * z_lo / (2.0 * n)), 0.0)
    high = np.where(x <= 0.0, -np.expm1(-z_hi * z_hi / (2.0 * n)), 1.0)
    return _fill_inner(low, high, inner, low_inner, high_inner)


def _ends_as_binom(low, high, x, n, a_lo, a_hi):
    """At x = 0 and x = n a transformed-scale interval is undefined; there R's ``binom``
    package (``binom.confint``, its logit, probit and cloglog methods) takes the one bound
    that exists from Clopper-Pearson, ``1 - a^(1/n)`` or ``a^(1/n)``, and 0 or 1 for the other.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x >= n, a_lo ** (1.0 / n), np.where(x <= 0.0, 0.0, low))
        high = np.where(x <= 0.0, 1.0 - a_hi ** (1.0 / n), np.where(x >= n, 1.0, high))
    return low, high


def _probit(p, x, n, a_lo, a_hi):
    """Wald interval on the probit scale, ``Phi(Phi^-1(p) ± z sqrt(p(1 - p)/n)/phi(Phi^-1(p)))``
    (delta method), back-transformed; R ``binom.confint(method = "probit")``."""

    def bounds(p, n, z):
        centre = sp.normal_ppf(p)
        half = z * np.sqrt(p * (1.0 - p) / n) / sp.normal_pdf(centre)
        return sp.normal_cdf(centre - half), sp.normal_cdf(centre + half)

    return _ends_as_binom(*_per_side(bounds, p, n, a_lo, a_hi), x, n, a_lo, a_hi)


def _cloglog(p, x, n, a_lo, a_hi):
    """Wald interval for ``eta = log(-log p)``, se ``sqrt((1 - p)/(n p log(p)^2))``, mapped back
    by ``exp(-exp(eta))`` (which reverses the ends); R ``binom.confint(method = "cloglog")``.
    R's name is kept although ``log(-log p)`` is the complementary log-log of ``1 - p``: the
    interval is the same as R's."""

    def bounds(p, n, z):
        log_p = np.log(p)
        centre = np.log(-log_p)
        half = z * np.sqrt((1.0 - p) / (n * p)) / np.abs(log_p)
        return np.exp(-np.exp(centre + half)), np.exp(-np.exp(centre - half))

    return _ends_as_binom(*_per_side(bounds, p, n, a_lo, a_hi), x, n, a_lo, a_hi)


def _loglog(p, x, n, a_lo, a_hi):
    """The mirror of 'cloglog': a Wald interval for ``eta = log(-log(1 - p))`` (the
    complementary log-log of ``p``), so that the 'loglog' interval of ``p`` is one minus the
    'cloglog' interval of ``1 - p`` (Collett 2003, section 2.4, for the pair of links).
    Tighter than 'cloglog' near 1, looser near 0."""

    def bounds(p, n, z):
        log_q = np.log1p(-p)
        centre = np.log(-log_q)
        half = z * np.sqrt(p / (n * (1.0 - p))) / np.abs(log_q)
        return -np.expm1(-np.exp(centre - half)), -np.expm1(-np.exp(centre + half))

    return _ends_as_binom(*_per_side(bounds, p, n, a_lo, a_hi), x, n, a_lo, a_hi)


def _bayes(p, x, n, a_lo, a_hi, prior=(0.5, 0.5)):
    """Central Bayesian interval: quantiles of the Beta(x + a, n - x + b) posterior of a
    Beta(a, b) prior; at x = 0 (x = n) the bound 0 (1) and the other from the whole tail, as
    R ``binom.bayes(type = "central", prior.shape1 = a, prior.shape2 = b)``.  With the default
    Jeffreys prior (1/2, 1/2) it differs from 'jeffreys' only at x = 0 and x = n, where
    'jeffreys' keeps the two-sided tail (Brown, Cai & DasGupta 2001)."""
    a, b = prior
    post_a, post_b = x + a, n - x + b
    whole = a_lo + a_hi
    low = sp.beta_ppf(np.where(x >= n, whole, a_lo), post_a, post_b)
    high = sp.beta_ppf(np.where(x <= 0.0, 1.0 - whole, 1.0 - a_hi), post_a, post_b)
    return np.where(x <= 0.0, 0.0, low), np.where(x >= n, 1.0, high)


INTERVAL_METHODS = {
    "wald": _wald,
    "wilson": _wilson,
    "wilson-cc": _wilson_cc,
    "agresti-coull": _agresti_coull,
    "clopper-pearson": _clopper_pearson,
    "jeffreys": _jeffreys,
    "mid-p": _mid_p,
    "logit": _logit,
    "arcsine": _arcsine,
    "likelihood": _likelihood,
    "probit": _probit,
    "cloglog": _cloglog,
    "loglog": _loglog,
    "bayes": _bayes,
}


# --------------------------------------------------------------------------- helpers
def _checked_prior(prior):
    """``(a, b)`` as two positive finite floats, else an error naming ``prior``."""
    try:
        a, b = (float(v) for v in prior)
    except (TypeError, ValueError):
        raise InvalidOptionError(
            f"prior={prior!r} must be two positive numbers (a, b), the Beta prior's shapes"
        ) from None
    if not (0.0 < a < np.inf and 0.0 < b < np.inf):
        raise InvalidOptionError(f"prior={prior!r}: both Beta shapes must be positive and finite")
    return a, b


_P_ONLY_METHODS = frozenset({"wald", "wilson", "wilson-cc", "agresti-coull", "arcsine"})


def _fpc_factor(n, population):
    """(N - n)/(N - 1): the finite population correction of a variance (1 when N is None)."""
    if population is None:
        return 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(population > 1.0, (population - n) / (population - 1.0), 0.0)
        return np.where(np.isinf(population), 1.0, factor)  # N = inf: no correction


def _effective_n(n, deff, population):
    with np.errstate(divide="ignore"):
        if population is None:  # fpc = 1: n / deff, bit for bit n / (deff * 1.0)
            return n if (np.ndim(deff) == 0 and deff == 1.0) else n / deff
        return n / (deff * _fpc_factor(n, population))


def _whole_count(p, n):
    """p·n, snapped to the nearest whole number when within floating-point rounding of it;
    exactly n when p = 1 (snapping a fractional n would otherwise leave x just below n)."""
    x = p * n
    nearest = np.round(x)
    x = np.where(np.abs(x - nearest) <= 1e-9 * np.maximum(1.0, x), nearest, x)
    return np.where(p == 1.0, n, x)


def _plain_number(value):
    """``value`` as a float when it is a finite positive scalar (the usual deff), else None."""
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        value = float(value)
        if 0.0 < value < np.inf:
            return value
    return None


def _checked_inputs(p, n, deff, population):
    """Inputs of p, n, deff and population, checked.  A valid scalar ``deff`` (the usual
    case) is kept out of the broadcast: ``inputs.deff`` is then that float, else the array."""
    named = dict(p=p, n=n)
    deff_number = _plain_number(deff)
    if deff_number is None:
        named["deff"] = deff
    if population is not None:
        named["population"] = population
    inputs = Inputs(**named)
    inputs.proportion("p")
    inputs.sample_size("n")
    if deff_number is None:
        inputs.positive("deff")
        inputs.deff = inputs["deff"]
    else:
        inputs.deff = deff_number
    if population is not None:
        inputs.positive("population", allow_inf=True, placeholder=np.inf)
        inputs.at_least("population", "n", np.inf)
    return inputs


# --------------------------------------------------------------------------- public API
@quiet_numpy
def proportion_ci(
    p: ArrayLike,
    n: ArrayLike,
    *,
    method: str = "wilson",
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
    population: ArrayLike | None = None,
    alternative: str = "two-sided",
    prior: tuple[float, float] | None = None,
) -> ProportionResult:
    """Confidence interval and margin of error for a proportion from a sample of ``n``.

    Parameters
    ----------
    p : float or array_like
        Estimated proportion(s) in [0, 1] (0.194, not 19.4).
    n : float or array_like
        Sample size(s) behind ``p``; broadcasts with ``p``.
    method : str
        One of ``INTERVAL_METHODS``: 'wilson' (default), 'wald', 'wilson-cc',
        'agresti-coull', 'clopper-pearson', 'jeffreys', 'mid-p', 'logit', 'arcsine',
        'likelihood', 'probit', 'cloglog', 'loglog' (R ``binom`` transformed-scale Wald
        intervals and the mirror of its cloglog), 'bayes' (central posterior interval for
        a Beta ``prior``).
    confidence_level : float
        Between 0 and 1, default 0.95.
    deff : float or array_like
        Design effect; the interval uses the effective sample size ``n / deff`` and, for the
        count-based methods, the effective count ``p · n / deff`` (as R ``survey::svyciprop``).
    population : float or array_like, optional
        Population size for the finite population correction ``(N - n)/(N - 1)``.
    alternative : {'two-sided', 'less', 'greater'}
        'less' gives ``[0, high]`` and 'greater' ``[low, 1]``, each at the full level.
    prior : (float, float), optional
        Shape parameters ``(a, b)`` of the Beta prior of ``method='bayes'`` (default
        ``(0.5, 0.5)``, Jeffreys'; ``(1, 1)`` is uniform).  Only for 'bayes'.

    Returns
    -------
    ProportionResult
        ``estimate, low, high, moe, moe_below, moe_above, n, n_effective, method,
        confidence_level, alternative, problem``; floats for scalar input, else arrays.

    Examples
    --------
    NATO membership was the best security guarantee for 19.4% of 1,000 Ukrainians polled in
    November 2025.  How sure is that figure?

    >>> import surveystats as ss
    >>> r = ss.proportion_ci(0.194, 1000)
    >>> round(r.low, 4), round(r.high, 4), round(r.moe, 4)
    (0.1707, 0.2197, 0.0245)

    With a design effect of 1.5 the effective sample is 667 and the margin grows:

    >>> round(ss.proportion_ci(0.194, 1000, deff=1.5).moe, 4)
    0.03

    Arrays broadcast; a bad element becomes NaN and says why:

    >>> r = ss.proportion_ci([0.194, 0.311, 1.4], 1000, method="clopper-pearson")
    >>> r.low.round(4)
    array([0.1699, 0.2824,    nan])
    >>> r.problem[2]
    'p is outside [0, 1]'

    A uniform prior, 3 respondents of 40:

    >>> r = ss.proportion_ci(3 / 40, 40, method="bayes", prior=(1, 1))
    >>> round(r.low, 4), round(r.high, 4)
    (0.0272, 0.1992)
    """
    method = check_choice("method", method, INTERVAL_METHODS)
    interval = INTERVAL_METHODS[method]
    if prior is not None:
        if method != "bayes":
            raise InvalidOptionError(f"prior is used by method='bayes' only, not {method!r}")
        prior = _checked_prior(prior)
        interval = functools.partial(_bayes, prior=prior)
    level = check_confidence_level(confidence_level)
    alternative = check_alternative(alternative)
    inputs = _checked_inputs(p, n, deff, population)
    p_, n_ = inputs["p"], inputs["n"]
    n_eff = _effective_n(n_, inputs.deff, inputs["population"] if population is not None else None)
    # n_eff is infinite for a census (population = n); with no population and a scalar
    # deff >= 1 it is at most n, finite, and the check is skipped.
    if population is None and np.ndim(inputs.deff) == 0 and inputs.deff >= 1.0:
        census = None
    else:
        census = np.isinf(n_eff)
        census = census if census.any() else None
    n_calc = n_eff if census is None else np.where(census, 1.0, n_eff)
    # Only the count-based methods read x; the closed-form ones work from p alone, so they
    # skip the snapping (a fifth of their run time on large arrays).
    x = _whole_count(p_, n_calc) if method not in _P_ONLY_METHODS else None

    a_lo, a_hi = tails(level, alternative)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = interval(p_, x, n_calc, a_lo, a_hi)
    low, high = open_side(low, high, alternative, 0.0, 1.0)
    if census is not None:
        low = np.where(census, p_, low)
        high = np.where(census, p_, high)

    if alternative == "two-sided":
        moe = np.subtract(high, low)
        moe *= 0.5
    elif alternative == "less":
        moe = high - p_
    else:
        moe = p_ - low

    call = Call(
        proportion_ci,
        (p, n),
        dict(
            method=method,
            deff=deff,
            population=population,
            alternative=alternative,
            prior=prior,
            confidence_level=level,
        ),
    )

    fin = inputs.finish
    return ProportionResult(
        estimate=fin(p_),
        low=fin(low),
        high=fin(high),
        moe=fin(moe),
        n=fin(n_),
        n_effective=fin(n_eff),
        method=method,
        confidence_level=level,
        alternative=alternative,
        problem=inputs.result_problem,
        _call=call,
    )


@quiet_numpy
def margin_of_error(
    p: ArrayLike,
    n: ArrayLike,
    *,
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
    population: ArrayLike | None = None,
) -> FloatOrArray:
    """The margin of error pollsters publish: z·sqrt(p(1 - p)·deff·fpc / n).

    This is the Wald half-width; at ``p = 0.5`` it is the largest margin a poll of ``n``
    can have, the figure usually quoted for a whole poll.

    Parameters
    ----------
    p : float or array_like
        Proportion(s) in [0, 1]; pass 0.5 for the poll-wide maximum.
    n : float or array_like
        Sample size(s).
    confidence_level, deff, population
        As in :func:`proportion_ci`.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import surveystats as ss
    >>> round(ss.margin_of_error(0.5, 1000), 4)      # the classic ±3.1 points
    0.031
    >>> round(ss.margin_of_error(0.194, 1000, deff=1.5), 4)
    0.0301
    """
    level = check_confidence_level(confidence_level)
    inputs = _checked_inputs(p, n, deff, population)
    n_eff = _effective_n(
        inputs["n"], inputs.deff, inputs["population"] if population is not None else None
    )
    p_ = inputs["p"]
    z = sp.z_upper(tails(level, "two-sided")[0])
    return inputs.finish(z * np.sqrt(p_ * (1.0 - p_) / n_eff))


@quiet_numpy
def sample_size(
    moe: ArrayLike,
    *,
    p: ArrayLike = 0.5,
    confidence_level: float = 0.95,
    deff: ArrayLike = 1.0,
    population: ArrayLike | None = None,
) -> FloatOrArray:
    """Respondents needed for a margin of error of ``moe`` (rounded up).

    Solves ``margin_of_error(p, n) = moe``: ``n0 = z² p (1 - p) deff / moe²``, and with a
    finite population ``N``, ``n = N n0 / (n0 + N - 1)`` (the same correction
    ``(N - n)/(N - 1)`` as :func:`margin_of_error`).

    Parameters
    ----------
    moe : float or array_like
        Wanted margin of error as a proportion (0.03 for ±3 points).
    p : float or array_like
        Expected proportion; 0.5 (the default) is the conservative choice.
    confidence_level, deff, population
        As in :func:`proportion_ci`.

    Returns
    -------
    float or ndarray
        Whole numbers of respondents.

    Examples
    --------
    >>> import surveystats as ss
    >>> ss.sample_size(0.03)
    1068.0
    >>> ss.sample_size(0.03, deff=1.5)
    1601.0
    >>> ss.sample_size(0.03, population=5000)
    880.0
    """
    level = check_confidence_level(confidence_level)
    named = dict(moe=moe, p=p, deff=deff)
    if population is not None:
        named["population"] = population
    inputs = Inputs(**named)
    inputs.proportion("p")
    inputs.positive("deff")
    m = inputs["moe"]
    inputs.where(
        "moe", ~((m > 0.0) & (m < 1.0)), "must be between 0 and 1 (0.03 for ±3 points)", 0.5
    )
    if population is not None:
        inputs.positive("population", allow_inf=True, placeholder=np.inf)
    m, p_ = inputs["moe"], inputs["p"]
    z = sp.z_upper(tails(level, "two-sided")[0])
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        n0 = z * z * p_ * (1.0 - p_) * inputs["deff"] / (m * m)
    if population is not None:
        big_n = inputs["population"]
        with np.errstate(invalid="ignore"):
            n0 = np.where(np.isinf(big_n), n0, big_n * n0 / (n0 + big_n - 1.0))
    # a margin so small that no finite sample reaches it (moe = 1e-200): raise or NaN
    inputs.where("moe", ~np.isfinite(n0), "is too small: no finite sample size reaches it", 0.5)
    # Round up, but not past a value that is whole up to floating-point noise.
    return inputs.finish(np.ceil(n0 - 1e-9 * np.maximum(n0, 1.0)))


@quiet_numpy
def kish_deff(weights: ArrayLike, *, axis: int = -1) -> FloatOrArray:
    """Kish's design effect due to unequal weights: n·Σw² / (Σw)².

    Parameters
    ----------
    weights : array_like
        Respondent weights (>= 0, not all zero) along ``axis``; NaN weights are an error.
    axis : int
        The axis of respondents, for several samples at once.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> import surveystats as ss
    >>> ss.kish_deff([1, 1, 1, 1])
    1.0
    >>> round(ss.kish_deff([0.5, 1.0, 1.5, 2.0]), 4)
    1.2
    """
    w = as_float_array("weights", weights)
    if w.ndim:
        axis = check_axis("axis", axis, w.ndim)
    if w.ndim == 0 or w.shape[axis] == 0:
        raise InvalidValueError("weights must be a non-empty array of respondent weights")
    if not np.all(np.isfinite(w)):
        raise InvalidValueError(
            "weights contains NaN or infinite values; drop or fix those respondents"
        )
    if np.any(w < 0):
        raise InvalidValueError("weights must be >= 0; found a negative weight")
    total = w.sum(axis=axis)
    if np.any(total == 0):
        raise InvalidValueError("weights sum to 0; at least one weight must be positive")
    result = w.shape[axis] * np.sum(w * w, axis=axis) / (total * total)
    return float(result) if np.ndim(result) == 0 else result


@quiet_numpy
def effective_n(n: ArrayLike, deff: ArrayLike) -> FloatOrArray:
    """Effective sample size ``n / deff``.

    Parameters
    ----------
    n : float or array_like
        Sample size (respondents).
    deff : float or array_like
        Design effect (for example from :func:`kish_deff`).

    Returns
    -------
    float or ndarray
        ``n / deff``; NaN where an element of ``n`` or ``deff`` is not positive.

    Examples
    --------
    >>> import surveystats as ss
    >>> round(ss.effective_n(1000, 1.5), 2)
    666.67
    """
    inputs = Inputs(n=n, deff=deff)
    inputs.sample_size("n")
    inputs.positive("deff")
    return inputs.finish(inputs["n"] / inputs["deff"])
