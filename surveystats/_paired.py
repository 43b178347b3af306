"""Interval for the change within a panel: Newcombe's hybrid score interval for paired data.

Lives here: :func:`paired_newcombe`, the interval for the difference ``p2 - p1`` of two
*paired* proportions (the same respondents asked in two waves), built from the Wilson
intervals of the two margins and the correlation between them, and its helper
:func:`_newcombe_phi`.
Does not live here: validation of user input and the McNemar test (``compare.py``, which
calls this module), intervals for independent samples (``compare.py``), the single-proportion
Wilson intervals themselves (``proportion.py``), the square-and-add combination
(``_hybrid.py``).

The panel table, as everywhere in the package::

                    wave 2 yes   wave 2 no
    wave 1 yes          a            b
    wave 1 no           c            d

``n = a + b + c + d``, ``p1 = (a + b)/n``, ``p2 = (a + c)/n`` and the change is second minus
first, ``p2 - p1 = (c - b)/n``.
"""

from __future__ import annotations

import numpy as np

from ._hybrid import square_and_add
from .proportion import INTERVAL_METHODS as _ONE_SAMPLE

__all__ = ["paired_newcombe"]


def _newcombe_phi(a, b, c, d):
    """Newcombe's corrected estimate of the correlation between the two margins.

    The product-moment (phi) coefficient of the 2x2 table,
    ``(ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d))``, with Newcombe's two rules
    (Newcombe 1998, Stat Med 17:2635-2650, method 10):

    - when ``ad > bc`` the numerator is shrunk to ``max(ad - bc - n/2, 0)`` (a continuity
      correction of the correlation; a negative numerator is left as it is);
    - when any of the four margins is zero, phi is 0.

    The same rule is implemented in R ``ratesci`` (``moverpair(..., corc = TRUE)``),
    ``MKinfer::binomDiffCI(paired = TRUE)``, ``diffdepprop::wilson.phi`` and
    ``contingencytables::Newcombe_square_and_add_CI_paired_2x2``.
    """
    n = a + b + c + d
    cross = a * d - b * c
    numerator = np.where(cross > 0.0, np.maximum(cross - 0.5 * n, 0.0), cross)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = numerator / np.sqrt(margins)
    return np.where(margins > 0.0, phi, 0.0)


def paired_newcombe(a, b, c, d, a_lo, a_hi, *, correction=False):
    """Newcombe's hybrid score interval for the change ``p2 - p1`` in a panel.

    Newcombe RG (1998), "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17:2635-2650, method 10: the
    Wilson score intervals ``(l1, u1)`` of ``p1 = (a+b)/n`` and ``(l2, u2)`` of
    ``p2 = (a+c)/n`` are combined as ::

        low  = (p2 - p1) - sqrt((p2 - l2)² + (u1 - p1)² - 2·phi·(p2 - l2)·(u1 - p1))
        high = (p2 - p1) + sqrt((u2 - p2)² + (p1 - l1)² - 2·phi·(u2 - p2)·(p1 - l1))

    with phi Newcombe's corrected correlation of the table (see :func:`_newcombe_phi`).
    Newcombe writes the contrast as ``p1 - p2``; the bounds here are his, negated and swapped.

    Parameters
    ----------
    a, b, c, d : array_like
        Cell counts of the panel table (whole numbers >= 0, broadcast together): ``a`` yes in
        both waves, ``b`` yes then no, ``c`` no then yes, ``d`` no in both waves.  The counts
        are not validated here; the public functions do that.
    a_lo, a_hi : float
        Tail probabilities outside the lower and upper bound (0.025 each for a two-sided 95%
        interval).
    correction : bool
        False (default): Newcombe's method 10, plain Wilson intervals for the margins.
        True: the same construction with the continuity-corrected Wilson intervals
        (``INTERVAL_METHODS["wilson-cc"]``, Newcombe 1998a method 4) for the margins and
        the same corrected phi, as R ``ratesci::pairbinci(method = "MOVER_newc",
        moverbase = "wilson", cc = TRUE)`` does.  Not one of the numbered methods of the
        paired paper (whose method 10 has no corrected-Wilson variant) and not checked
        against a published table.

    Returns
    -------
    low, high : ndarray
        Bounds for ``p2 - p1 = (c - b)/n``, within [-1, 1], of the broadcast shape of the
        counts (numpy floats for scalar counts).  NaN where ``n = 0``.

    Examples
    --------
    Newcombe's (1998) worked example, a = 20, b = 12, c = 2, d = 16 (his contrast
    ``p1 - p2 = 0.2`` has the method-10 interval 0.0562 to 0.3292; ours is ``p2 - p1``):

    >>> low, high = paired_newcombe(20, 12, 2, 16, 0.025, 0.025)
    >>> round(float(low), 4), round(float(high), 4)
    (-0.3292, -0.0562)
    """
    a, b, c, d = (np.array(v, dtype=float) for v in np.broadcast_arrays(a, b, c, d))
    wilson = _ONE_SAMPLE["wilson-cc" if correction else "wilson"]
    n = a + b + c + d
    x1, x2 = a + b, a + c
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / n, x2 / n
        return square_and_add(wilson, p1, x1, n, p2, x2, n, a_lo, a_hi,
                              phi=_newcombe_phi(a, b, c, d))
