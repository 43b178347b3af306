"""Vectorized root finding for the score, likelihood and mid-p intervals.

A thin layer over :func:`scipy.optimize.elementwise.find_root` (Chandrupatla's bracketing
method), which works elementwise on whole arrays: no Python loop per element.  Callers
must hand in a bracket on which the function changes sign; every method here builds its
bracket from quantities that provably straddle the root, so the search never fails to
bracket (statsmodels' brentq-based score intervals do, on ordinary inputs).
"""

import numpy as np

_TOLERANCES = dict(xatol=1e-15, xrtol=1e-14, fatol=0.0, frtol=0.0)


def find_root(func, low, high, args=()):
    """Root of ``func`` inside ``[low, high]``, elementwise.

    Parameters
    ----------
    func : callable
        ``func(x, *args)``, elementwise and monotonic on the bracket.
    low, high : ndarray
        Bracket ends with ``func(low)`` and ``func(high)`` of opposite signs (or zero).
    args : tuple of ndarray
        Extra arrays broadcastable with ``low``.

    Returns
    -------
    ndarray
        The roots; NaN where the algorithm did not converge (never expected).
    """
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if low.size == 0:
        return np.broadcast_arrays(low, high, *args)[0].astype(float)
    from scipy.optimize import elementwise  # imported here: scipy.optimize is slow to import

    res = elementwise.find_root(func, (low, high), args=args, tolerances=_TOLERANCES)
    return np.where(res.success, res.x, np.nan)
