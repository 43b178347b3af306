"""Simultaneous intervals for all the answers of one question: :func:`multinomial_ci`.

Lives here: the multinomial interval registry ``MULTINOMIAL_METHODS`` (Goodman,
Quesenberry-Hurst, Sison-Glaz) and ``MultinomialResult``.  Does not live here: the lead of one
answer over another (``shares.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._internal import special as sp
from ._internal.arrays import quiet_numpy
from ._internal.results import ConfidenceInterval, Result
from ._internal.validation import (
    as_float_array,
    check_axis,
    check_choice,
    check_confidence_level,
)
from .exceptions import InvalidValueError, ShapeError

__all__ = ["multinomial_ci", "MultinomialResult", "MULTINOMIAL_METHODS"]


@dataclass(frozen=True)
class MultinomialResult(Result):
    """Simultaneous confidence intervals for all answers of a question.

    Attributes
    ----------
    estimate : ndarray
        Observed shares ``counts / counts.sum(axis)``, same shape as ``counts``.
    low, high : ndarray
        Simultaneous bounds: all answers of a question are covered together with
        probability (approximately) ``confidence_level``.
    method : str
    confidence_level : float
    problem : str or ndarray
        '' for a single question; else, per cell, why its question is NaN.
    """

    estimate: Any
    low: Any
    high: Any
    method: str
    confidence_level: float
    problem: Any

    @property
    def ci(self) -> ConfidenceInterval:
        """The intervals as a :class:`ConfidenceInterval`."""
        return ConfidenceInterval(self.low, self.high)


# --------------------------------------------------------------------------- multinomial_ci
# Each method: (counts (questions, k), level) -> (low, high, failed), questions along
# axis 0 and answers along axis 1; ``failed`` marks questions the method could not do.
def _quadratic_bounds(x, n, a):
    """Roots of ``(x - n·pi)² = a·n·pi(1 - pi)``, the form shared by Goodman and QH."""
    root = np.sqrt(a * (a + 4.0 * x * (n - x) / n))
    denom = 2.0 * (n + a)
    # the exact roots lie in [0, 1]; clipping removes rounding just outside
    return (
        np.clip((a + 2.0 * x - root) / denom, 0.0, 1.0),
        np.clip((a + 2.0 * x + root) / denom, 0.0, 1.0),
    )


def _goodman(x, level):
    """Goodman (1965): Wilson-type bounds with the chi-square(1) quantile at 1 - alpha/k.

    Goodman, L. A. (1965), "On simultaneous confidence intervals for multinomial
    proportions", Technometrics 7:247-254, equation (6): a Bonferroni split of alpha over
    the k answers.
    """
    n = x.sum(axis=-1, keepdims=True)
    k = x.shape[-1]
    a = sp.chi2_upper((1.0 - level) / k, 1.0)
    low, high = _quadratic_bounds(x, n, a)
    return low, high, np.zeros(x.shape[0], dtype=bool)


def _quesenberry_hurst(x, level):
    """Quesenberry & Hurst (1964): the same bounds with the chi-square(k - 1) quantile.

    Quesenberry, C. P. and Hurst, D. C. (1964), "Large sample simultaneous confidence
    intervals for multinomial proportions", Technometrics 6:191-195.  Wider than Goodman's
    for k >= 3 (Scheffe-type projection of the chi-square ellipsoid).
    """
    n = x.sum(axis=-1, keepdims=True)
    k = x.shape[-1]
    a = sp.chi2_upper(1.0 - level, float(k - 1))
    low, high = _quadratic_bounds(x, n, a)
    return low, high, np.zeros(x.shape[0], dtype=bool)


class _TruncatedPoissonSums:
    """Moments of Poisson(lam) truncated to ``[lam - c, lam + c]`` (lower end at least 0),
    grown one ``c`` at a time.

    Keeps ``M_j = sum of P(Y = y) (y - lam)^j`` over the window, j = 0..4, adding the two
    new end points at each step; their probabilities follow from the previous ends by the
    recursions ``P(y + 1) = P(y) lam / (y + 1)`` and ``P(y - 1) = P(y) y / lam``, so one step
    costs a few multiplications instead of incomplete gamma functions.  Powers of
    ``y - lam`` (at most ``c``) avoid the cancellation of raw moments when ``lam`` is large.
    """

    def __init__(self, lam):
        self.lam = lam
        self.c = 0
        centre = np.exp(sp.poisson_logpmf(lam, lam))
        self.upper = centre.copy()
        self.lower = centre.copy()
        self.sums = [centre.copy()] + [np.zeros_like(lam) for _ in range(4)]

    def keep(self, rows):
        """Drop the questions not in ``rows`` (they have left the search)."""
        self.lam = self.lam[rows]
        self.upper = self.upper[rows]
        self.lower = self.lower[rows]
        self.sums = [m[rows] for m in self.sums]

    def grow(self):
        """Widen every window by one on each side (c -> c + 1)."""
        self.c += 1
        c, lam = float(self.c), self.lam
        self.upper = self.upper * lam / (lam + c)
        inside = lam - c >= 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            self.lower = np.where(inside, self.lower * (lam - c + 1.0) / lam, 0.0)
        for t, w in ((c, self.upper), (-c, self.lower)):
            term = w
            for j in range(5):
                self.sums[j] = self.sums[j] + term
                term = term * t

    def cumulants(self):
        """Mean, variance, third and fourth cumulants and mass of each truncated Poisson."""
        m0, m1, m2, m3, m4 = self.sums
        inv = 1.0 / m0
        e1, e2, e3, e4 = m1 * inv, m2 * inv, m3 * inv, m4 * inv
        sq = e1 * e1
        var = e2 - sq
        k3 = e3 - 3.0 * e1 * e2 + 2.0 * sq * e1
        central4 = e4 - 4.0 * e1 * e3 + 6.0 * sq * e2 - 3.0 * sq * sq
        return self.lam + e1, var, k3, central4 - 3.0 * var * var, m0


def _sison_glaz_coverage(sums, n):
    """Edgeworth approximation of P(x_i - c <= X_i <= x_i + c for all i).

    Levin (1981): the multinomial probability equals
    ``n! / (n^n e^-n) · prod P(b_i <= Y_i <= a_i) · P(W = n)`` with independent
    ``Y_i ~ Poisson(x_i)`` and ``W`` the sum of the ``Y_i`` truncated to ``[b_i, a_i]``;
    Sison & Glaz (1995) approximate ``P(W = n)`` by a one-term Edgeworth expansion.
    """
    mean, var, k3, k4, mass = sums.cumulants()
    s1, s2 = mean.sum(axis=-1), var.sum(axis=-1)
    g1 = k3.sum(axis=-1) / s2**1.5
    g2 = k4.sum(axis=-1) / s2**2
    z = (n - s1) / np.sqrt(s2)
    z2 = z * z
    poly = (
        1.0
        + g1 * (z2 * z - 3.0 * z) / 6.0
        + g2 * (z2 * z2 - 6.0 * z2 + 3.0) / 24.0
        + g1 * g1 * (z2**3 - 15.0 * z2 * z2 + 45.0 * z2 - 15.0) / 72.0
    )
    density = poly * np.exp(-z2 / 2.0) / np.sqrt(2.0 * np.pi)
    with np.errstate(divide="ignore"):
        log_mass = np.log(mass).sum(axis=-1)
    return np.exp(log_mass - sp.poisson_logpmf(n, n)) * density / np.sqrt(s2)


#: Above this many respondents in a question, Sison-Glaz finds c by bisection on a normal
#: approximation of the truncated Poisson moments instead of scanning c = 1, 2, ...
SISON_GLAZ_SCAN_LIMIT = 10**7


class _NormalTruncatedSums:
    """Cumulants of Poisson(lam) truncated to ``[lam - c, lam + c]`` for large counts, at any
    ``c`` at once (no scan): a window of more than 8 standard deviations holds the whole
    Poisson, whose cumulants are all ``lam``; a narrower one is a normal ``N(lam, lam)``
    truncated to ``±(c + 1/2)`` (continuity correction), symmetric, so its mean is ``lam``
    and its third cumulant 0.  With ``t = (c + 1/2)/sqrt(lam)``, ``M = 2 Phi(t) - 1``:
    ``E Z² = 1 - 2 t phi(t)/M`` and ``E Z⁴ = 3 - 2 phi(t)(t³ + 3t)/M``."""

    def __init__(self, lam, c):
        self.lam, self.c = lam, c

    def cumulants(self):
        lam = self.lam
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (self.c[:, None] + 0.5) / np.sqrt(lam)
        whole = ~(t <= 8.0)  # also lam = 0: the window holds everything
        t = np.where(whole, 8.0, t)
        density = np.exp(-0.5 * t * t) / np.sqrt(2.0 * np.pi)
        mass = 1.0 - 2.0 * sp.normal_sf(t)
        m2 = 1.0 - 2.0 * t * density / mass
        m4 = 3.0 - 2.0 * density * (t**3 + 3.0 * t) / mass
        var = np.where(whole, lam, lam * m2)
        k3 = np.where(whole, lam, 0.0)
        k4 = np.where(whole, lam, lam * lam * (m4 - 3.0 * m2 * m2))
        return lam, var, k3, k4, np.where(whole, 1.0, mass)


def _sison_glaz_large(x, level):
    """c and the coverages on both sides of the level for questions beyond
    :data:`SISON_GLAZ_SCAN_LIMIT`: the smallest whole ``c`` with ``nu(c + 1) > level`` by
    bisection on [0, n] (``nu`` increases with c), about log2(n) steps."""
    n = x.sum(axis=-1)

    def coverage(c):
        return _sison_glaz_coverage(_NormalTruncatedSums(x, c), n)

    lo = np.zeros_like(n)  # nu(lo) <= level (nu(0) is about 0)
    hi = n.copy()  # nu(hi) > level
    while True:
        open_ = hi - lo > 1.0
        if not open_.any():
            break
        mid = np.floor(0.5 * (lo + hi))
        above = coverage(mid) > level
        hi = np.where(open_ & above, mid, hi)
        lo = np.where(open_ & ~above, mid, lo)
    c = hi - 1.0
    return c, coverage(c), coverage(hi)


def _sison_glaz(x, level):
    """Sison & Glaz (1995) simultaneous intervals ``[p_i - c/n, p_i + (c + 2γ)/n]``.

    Sison, C. P. and Glaz, J. (1995), "Simultaneous confidence intervals and sample size
    determination for multinomial proportions", JASA 90:366-369.  ``c`` is the whole number
    with ``nu(c) < level < nu(c + 1)``, ``nu`` the coverage of
    :func:`_sison_glaz_coverage`, found as in May & Johnson's (2000) program and R
    ``MultinomialCI::multinomialCI``: scanning c = 1, 2, ... for the first crossing, and
    ``γ = (level - nu(c)) / (nu(c + 1) - nu(c))``.  The scan steps c for all questions at
    once (a loop of about ``3 sqrt(n)`` steps, not one per question), each question leaving
    it when found.  Counts must be whole numbers.  Questions of more than
    :data:`SISON_GLAZ_SCAN_LIMIT` respondents (where the scan would take 10^4 steps and
    more) use :func:`_sison_glaz_large` instead: bisection on c with normal approximations of
    the truncated Poisson moments, so the run time grows with log(n), not sqrt(n).
    """
    q, k = x.shape
    n = x.sum(axis=-1)
    found_c = np.full(q, np.nan)
    nu_below = np.full(q, np.nan)
    nu_above = np.full(q, np.nan)
    large = n > SISON_GLAZ_SCAN_LIMIT
    if large.any():
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            found_c[large], nu_below[large], nu_above[large] = _sison_glaz_large(x[large], level)
    active = np.flatnonzero(~large)
    x_scan = x[active]
    previous = np.zeros(q)
    sums = _TruncatedPoissonSums(x_scan)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        while active.size:
            sums.grow()
            c = sums.c
            nu = _sison_glaz_coverage(sums, n[active])
            hit = (nu > level) & (previous[active] < level)
            done = active[hit]
            found_c[done] = c - 1
            nu_below[done] = previous[done]
            nu_above[done] = nu[hit]
            previous[active] = nu
            still = ~hit & (c < n[active])
            if not still.all():
                active = active[still]
                sums.keep(still)
    gamma = (level - nu_below) / (nu_above - nu_below)
    p = x / n[:, None]
    low = np.maximum(p - found_c[:, None] / n[:, None], 0.0)
    high = np.minimum(p + (found_c[:, None] + 2.0 * gamma[:, None]) / n[:, None], 1.0)
    return low, high, np.isnan(found_c)


def _fitzpatrick_scott(x, level):
    """Fitzpatrick & Scott (1987): the same half-width ``z_{alpha/2} / (2 sqrt(n))`` for every
    answer (the Wald half-width at p = 1/2), truncated to [0, 1].

    Fitzpatrick, S. and Scott, A. (1987), "Quick simultaneous confidence intervals for
    multinomial proportions", JASA 82:875-878: simultaneous coverage at least about
    ``1 - alpha`` for the usual levels however many answers there are.  Conservative for
    shares far from 1/2.
    """
    n = x.sum(axis=-1, keepdims=True)
    p = x / n
    half = sp.z_upper((1.0 - level) / 2.0) / (2.0 * np.sqrt(n))
    return np.clip(p - half, 0.0, 1.0), np.clip(p + half, 0.0, 1.0), np.zeros(x.shape[0], bool)


def _wald_bonferroni(x, level):
    """Wald intervals ``p ± z_{alpha/(2k)} sqrt(p(1 - p)/n)`` with Bonferroni's split of
    alpha over the k answers (Goodman 1965, section 2, as the simplest simultaneous set),
    truncated to [0, 1]; too narrow for small counts, like any Wald interval."""
    n = x.sum(axis=-1, keepdims=True)
    p = x / n
    k = x.shape[-1]
    half = sp.z_upper((1.0 - level) / (2.0 * k)) * np.sqrt(p * (1.0 - p) / n)
    return np.clip(p - half, 0.0, 1.0), np.clip(p + half, 0.0, 1.0), np.zeros(x.shape[0], bool)


MULTINOMIAL_METHODS = {
    "goodman": _goodman,
    "sison-glaz": _sison_glaz,
    "quesenberry-hurst": _quesenberry_hurst,
    "fitzpatrick-scott": _fitzpatrick_scott,
    "wald-bonferroni": _wald_bonferroni,
}


@quiet_numpy
def multinomial_ci(
    counts: ArrayLike, *, method: str = "goodman", confidence_level: float = 0.95, axis: int = -1
) -> MultinomialResult:
    """Simultaneous confidence intervals for the shares of all answers to a question.

    Parameters
    ----------
    counts : array_like
        Respondents per answer along ``axis``.  A 1-D array is one question; with more
        dimensions every other axis indexes separate questions, each with its own total:
        questions are never pooled.  Weighted (fractional) counts are accepted by the
        closed-form methods, but fractional counts adding up to at most 1 (shares) or to
        exactly 100 (percentages) are refused with a hint.
    method : str
        One of ``MULTINOMIAL_METHODS``:

        * ``'goodman'`` (default): Goodman (1965), closed form; good when every answer has
          a fair number of respondents.
        * ``'sison-glaz'``: Sison & Glaz (1995), the best coverage when there are many
          answers or small counts; bounds move in steps of ``1/n``.  Counts must be whole.
        * ``'quesenberry-hurst'``: Quesenberry & Hurst (1964), closed form, conservative.
        * ``'fitzpatrick-scott'``: Fitzpatrick & Scott (1987), one half-width
          ``z/(2 sqrt(n))`` for all answers; quick and conservative away from 1/2.
        * ``'wald-bonferroni'``: Wald intervals at level ``1 - alpha/k``; simple, too narrow
          for small counts.
    confidence_level : float
        Simultaneous level: all ``k`` intervals of a question hold together with this
        probability (approximately).
    axis : int
        The axis of the answers (at least two answers).

    Returns
    -------
    MultinomialResult
        ``estimate, low, high`` with the shape of ``counts``; ``problem`` ('' for one
        question; for several, per cell, why its question is NaN).

    Examples
    --------
    Four answers chosen by 35, 74, 22 and 69 of 200 respondents (the example of R's
    ``DescTools::MultinomCI``); all four intervals hold together at 95%:

    >>> import surveystats as ss
    >>> r = ss.multinomial_ci([35, 74, 22, 69])
    >>> r.low.round(4), r.high.round(4)
    (array([0.118 , 0.2899, 0.0661, 0.2669]), array([0.2516, 0.458 , 0.1775, 0.4325]))
    >>> ss.multinomial_ci([35, 74, 22, 69], method="sison-glaz").low.round(4)
    array([0.105, 0.3  , 0.04 , 0.275])

    Many questions at once (rows); a bad row does not spoil the others:

    >>> r = ss.multinomial_ci([[35, 74, 22, 69], [10, -1, 5, 5]])
    >>> r.low[1]
    array([nan, nan, nan, nan])
    >>> r.problem[1, 0]
    'counts must be whole numbers >= 0'
    """
    method = check_choice("method", method, MULTINOMIAL_METHODS)
    level = check_confidence_level(confidence_level)
    arr = as_float_array("counts", counts)
    if arr.ndim == 0:
        raise ShapeError(
            "counts must hold one count per answer (an array along axis), got a scalar"
        )
    axis = check_axis("axis", axis, arr.ndim)
    moved = np.moveaxis(arr, axis, -1)
    k = moved.shape[-1]
    if k < 2:
        raise ShapeError(f"counts needs at least two answers along axis {axis}; got {k}")
    flat = moved.reshape(-1, k)

    # ``bad`` tracks the questions with a reason as booleans: comparing the object array of
    # reasons with "" costs a Python comparison per question.
    bad = ~((flat >= 0.0) & np.isfinite(flat)).all(axis=-1)
    reasons = np.full(flat.shape[0], "", dtype=object)
    reasons[bad] = "counts must be whole numbers >= 0"
    totals = np.where(bad[:, None], 0.0, flat).sum(axis=-1)
    if method == "sison-glaz":
        fractional = ~bad & ~_whole_rows(flat)
        reasons[fractional] = "counts must be whole numbers for method 'sison-glaz'"
        bad = bad | fractional
    empty = ~bad & ~(totals > 0.0)
    reasons[empty] = "counts add up to 0: no respondents"
    bad = bad | empty
    # Fractional "counts" that add up to 1 or to 100 are shares or percentages, not
    # respondents: intervals for n = 1 or n = 100 would be given without a word.  Only the
    # questions with such a total are looked at for fractions (usually none of them).
    share_total = totals <= 1.0 + 1e-9
    percent_total = np.abs(totals - 100.0) <= 1e-6
    suspect = np.flatnonzero(~bad & (share_total | percent_total))
    if suspect.size:
        suspect = suspect[~_whole_rows(flat[suspect])]
        reasons[suspect[share_total[suspect]]] = (
            "counts look like shares (fractions adding up to at most 1): pass respondents per "
            "answer, e.g. shares times the sample size"
        )
        reasons[suspect[percent_total[suspect]]] = (
            "counts look like percentages (they add up to 100): pass respondents per answer, "
            "e.g. percentages times the sample size / 100"
        )
        bad[suspect] = True
    x = np.where(bad[:, None], 1.0, flat)
    if arr.ndim == 1 and bad[0]:
        raise InvalidValueError(f"{reasons[0]}; got {arr.tolist()!r:.80}")

    with np.errstate(invalid="ignore", divide="ignore"):
        low, high, failed = MULTINOMIAL_METHODS[method](x, level)
    reasons[~bad & failed] = "the Sison-Glaz search found no c reaching the confidence level"
    bad = bad | failed
    if arr.ndim == 1 and bad[0]:
        raise InvalidValueError(reasons[0])
    estimate = x / x.sum(axis=-1, keepdims=True)

    def finish(value):
        value = np.where(bad[:, None], np.nan, value).reshape(moved.shape)
        return np.moveaxis(value, -1, axis)

    problem = "" if arr.ndim == 1 else _problem_per_cell(reasons, moved.shape, axis)
    return MultinomialResult(
        estimate=finish(estimate),
        low=finish(low),
        high=finish(high),
        method=method,
        confidence_level=level,
        problem=problem,
    )


def _whole_rows(counts):
    """Per question (row): are all its counts whole numbers?"""
    return (np.floor(counts) == counts).all(axis=-1)


def _problem_per_cell(reasons, shape, axis):
    """Per-question reasons repeated over the answer axis, in the caller's layout."""
    per_cell = np.broadcast_to(reasons[:, None], (reasons.size, shape[-1])).reshape(shape)
    return np.moveaxis(per_cell, -1, axis).copy()
