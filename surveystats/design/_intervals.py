"""Confidence intervals of design-based estimates, one private function per method.

Every method reads the same stored inputs: the estimate, its standard error, the degrees of
freedom ``df`` of its t quantile (a proportion's: its domain's own, as ``svyciprop`` inside
``svyby``; a mean's or total's: the design's, as ``confint(..., df = degf(design))``) and the
answered count ``n`` of the domain.  Results recompute their interval at another level
by calling :func:`interval` again with these fields (no closure is stored).

Proportion methods follow R's ``svyciprop`` (survey 4.1.1); ``wilson`` is Wilson's score
interval on the effective sample size ``p (1 - p) / var``, with the t quantile.
"""

from __future__ import annotations

import numpy as np
from scipy import special as _sc

from .._internal.roots import find_root
from .._internal.special import beta_ppf

__all__ = ["PROPORTION_METHODS", "interval", "t_quantile"]


def t_quantile(confidence_level, df):
    """Two-sided t quantile ``qt(1 - (1 - level) / 2, df)`` (normal for infinite df; NaN for
    df <= 0, as R's ``qt``: a domain inside one PSU of one stratum has no interval)."""
    tail = (1.0 - confidence_level) / 2.0
    df = np.asarray(df, dtype=float)
    quantile = _sc.stdtrit(np.where(df > 0, df, 1), 1 - tail)
    return np.where(np.isinf(df), -_sc.ndtri(tail), np.where(df > 0, quantile, np.nan))


def _wald(estimate, se, df, n, confidence_level):
    """estimate -/+ t(df) se: R ``confint(svymean(...), df = degf(design))``, and
    ``svyciprop(method = "mean")`` (not clipped to [0, 1], as R)."""
    t = t_quantile(confidence_level, df)
    return estimate - t * se, estimate + t * se


def _logit(estimate, se, df, n, confidence_level):
    """Wald interval for logit(p), back-transformed: ``svyciprop(method = "logit")``, which
    takes it from ``svyglm(y ~ 1, family = quasibinomial)``; its SE of the intercept is the
    delta-method ``se / (p (1 - p))``.  ``"xlogit"`` (``svycontrast`` of ``log(p / (1 - p))``)
    is the same formula."""
    t = t_quantile(confidence_level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(estimate) - np.log1p(-estimate)
        half = t * se / (estimate * (1 - estimate))
    return _sc.expit(centre - half), _sc.expit(centre + half)


def _asin(estimate, se, df, n, confidence_level):
    """Arcsine square-root transform: ``svyciprop(method = "asin")``; the angle is clipped to
    [0, pi/2] (R squares the sine of a negative angle, which folds the bound back up)."""
    t = t_quantile(confidence_level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        angle = np.arcsin(np.sqrt(estimate))
        half = t * se / (2 * np.sqrt(estimate * (1 - estimate)))
    low = np.sin(np.clip(angle - half, 0, np.pi / 2)) ** 2
    high = np.sin(np.clip(angle + half, 0, np.pi / 2)) ** 2
    return low, high


def _beta(estimate, se, df, n, confidence_level):
    """Korn & Graubard (1998) Clopper-Pearson on the effective n: ``svyciprop(method =
    "beta")``, with ``n_eff = p (1 - p) / var * (qt(a/2, n - 1) / qt(a/2, df))^2`` and n the
    answered count of the domain (R's ``nrow(design)`` of the design it is given)."""
    tail = (1.0 - confidence_level) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = estimate * (1 - estimate) / se**2
        n_eff = (
            n_eff * (t_quantile(confidence_level, n - 1) / t_quantile(confidence_level, df)) ** 2
        )
        x = n_eff * estimate
        low = np.where(estimate > 0, beta_ppf(tail, x, n_eff - x + 1), 0.0)
        high = np.where(estimate < 1, beta_ppf(1 - tail, x + 1, n_eff - x), 1.0)
    return low, high


def _wilson(estimate, se, df, n, confidence_level):
    """Wilson (1927) score interval on the effective n ``p (1 - p) / var`` with the t(df)
    quantile (Kish's effective sample size; not an R ``svyciprop`` method)."""
    t = t_quantile(confidence_level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = estimate * (1 - estimate) / se**2
        t2n = t * t / n_eff
        centre = (estimate + t2n / 2) / (1 + t2n)
        half = t * np.sqrt(estimate * (1 - estimate) / n_eff + t2n / (4 * n_eff)) / (1 + t2n)
    return centre - half, centre + half


def _likelihood(estimate, se, df, n, confidence_level):
    """Profile quasi-likelihood interval: ``svyciprop(method = "likelihood")``.

    R fits ``svyglm(y ~ 1, family = quasibinomial)`` (weights rescaled to mean 1 over the
    n rows) and profiles its deviance: the bounds are where the deviance change over the
    dispersion equals ``t(df)^2`` times the design-over-model variance ratio (survey's
    ``confint.svyglm(method = "likelihood")``, Rao & Scott's scaling).  For one binary y this
    is, in closed form, ``KL(p || pi) = t^2 phi var / (2 p (1 - p))`` with ``phi = n / (n - 1)``
    (the Pearson dispersion of a 0/1 variable) and ``KL`` the Bernoulli Kullback-Leibler
    divergence, solved here on each side of p to the root finder's tolerance (R
    interpolates a spline through a few profile points instead).
    """
    t = t_quantile(confidence_level, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = t * t * (n / (n - 1)) * se**2 / (2 * estimate * (1 - estimate))
        centre = np.log(estimate) - np.log1p(-estimate)
    ok = np.isfinite(target) & np.isfinite(centre) & (target > 0)
    p, c, eta = (np.where(ok, a, 0.5) for a in np.broadcast_arrays(estimate, target, centre))
    c = np.where(ok, c, 1.0)

    def excess(x, p, c):
        # KL(p || expit(x)) - c, with log expit(x) = -softplus(-x)
        log_pi = -np.logaddexp(0, -x)
        log_not_pi = -np.logaddexp(0, x)
        kl = p * (np.log(p) - log_pi) + (1 - p) * (np.log1p(-p) - log_not_pi)
        return kl - c

    reach = 1e4  # logit units: KL at the far end exceeds any finite target
    with np.errstate(invalid="ignore", over="ignore"):
        low = find_root(excess, eta - reach, eta, args=(p, c))
        high = find_root(excess, eta, eta + reach, args=(p, c))
    # A target below the rounding noise of KL near p (a variance that is zero up to
    # rounding): KL = p (1 - p) d^2 / 2 + O(d^3) in the logit distance d, exact to rounding.
    tiny = c < 1e-12
    step = np.sqrt(2 * c / (p * (1 - p)))
    low = np.where(tiny, eta - step, low)
    high = np.where(tiny, eta + step, high)
    low = np.where(ok, _sc.expit(low), np.nan)
    high = np.where(ok, _sc.expit(high), np.nan)
    return low, high


#: method name -> interval function, for ``SurveyDesign.proportion``.
PROPORTION_METHODS = {
    "logit": _logit,
    "likelihood": _likelihood,
    "asin": _asin,
    "beta": _beta,
    "mean": _wald,
    "xlogit": _logit,
    "wilson": _wilson,
}

#: every method a design result may carry ("wald" is the mean's and the total's)
_ALL = {"wald": _wald}


def interval(method, estimate, se, df, n, confidence_level):
    """``(low, high)`` of ``method`` from the stored fields of a result."""
    function = _ALL.get(method) or PROPORTION_METHODS[method]
    estimate, se, df, n = (np.asarray(a, dtype=float) for a in (estimate, se, df, n))
    return function(estimate, se, df, n, confidence_level)
