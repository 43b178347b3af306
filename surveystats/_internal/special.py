"""Thin, named wrappers of the scipy.special ufuncs the core uses.

Nothing here is a statistical method; the wrappers only give the quantiles and tail
probabilities names that read like the formulas in the papers.
"""

import numpy as np
from scipy import special as _sc


def z_upper(tail):
    """Normal quantile leaving probability ``tail`` above it (``qnorm(1 - tail)``)."""
    return -_sc.ndtri(tail)


def normal_sf(z):
    """Upper tail of the standard normal, ``P(Z > z)``."""
    return _sc.ndtr(-np.asarray(z, dtype=float))


def normal_cdf(z):
    """Lower tail of the standard normal, ``P(Z <= z)``."""
    return _sc.ndtr(z)


def normal_ppf(q):
    """Standard normal quantile."""
    return _sc.ndtri(q)


def normal_pdf(z):
    """Standard normal density."""
    return np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


def chi2_sf(statistic, df):
    """Upper tail of the chi-square distribution."""
    return _sc.chdtrc(df, statistic)


def beta_ppf(q, a, b):
    """Quantile of the Beta(a, b) distribution (regularized incomplete beta inverse)."""
    return _sc.betaincinv(a, b, q)


def beta_cdf(x, a, b):
    """Regularized incomplete beta function ``I_x(a, b)``, the Beta(a, b) CDF."""
    return _sc.betainc(a, b, x)


def binom_logpmf(k, n, p):
    """Log binomial probability for real-valued ``k`` and ``n`` (via log-gamma)."""
    return (
        _sc.gammaln(n + 1)
        - _sc.gammaln(k + 1)
        - _sc.gammaln(n - k + 1)
        + _sc.xlogy(k, p)
        + _sc.xlog1py(n - k, -p)
    )


xlogy = _sc.xlogy
xlog1py = _sc.xlog1py
expit = _sc.expit
logit = _sc.logit


def chi2_upper(tail, df):
    """Chi-square quantile leaving probability ``tail`` above it (``qchisq(1 - tail, df)``)."""
    return _sc.chdtri(df, tail)


def poisson_logpmf(k, lam):
    """Log Poisson probability ``log P(Y = k)`` (``dpois(k, lam, log = TRUE)``)."""
    return _sc.xlogy(k, lam) - lam - _sc.gammaln(np.asarray(k, dtype=float) + 1.0)


log_expit = _sc.log_expit


def log_choose(n, k):
    """Log binomial coefficient log C(n, k) for real-valued ``n`` and ``k`` (via log-gamma)."""
    return _sc.gammaln(n + 1.0) - _sc.gammaln(k + 1.0) - _sc.gammaln(n - k + 1.0)
