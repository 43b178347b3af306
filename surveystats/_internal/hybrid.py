"""Newcombe's square-and-add: an interval for ``p2 - p1`` from one interval per proportion.

Lives here: :func:`square_and_add` (and :func:`clip_difference`), shared by the
independent-samples hybrid score intervals (``compare.py``, Newcombe 1998 methods 10 and
11) and the paired one (``_paired.py``, Newcombe 1998b method 10, which adds the
correlation of the two proportions).
Does not live here: the single-proportion intervals (``proportion.py``), validation.
"""

from __future__ import annotations

import numpy as np

from .arrays import writable_out as _out

__all__ = ["square_and_add", "clip_difference"]


def clip_difference(low, high):
    """Bounds of a difference of proportions clipped to [-1, 1], in place for fresh arrays."""
    return np.clip(low, -1.0, 1.0, out=_out(low)), np.clip(high, -1.0, 1.0, out=_out(high))


def _half_width(near_1, near_2, phi):
    """sqrt(near_1² + near_2² - 2·phi·near_1·near_2), in the buffer of ``near_1`` (a fresh
    array) when it is one; with a correlation the radicand is clipped at 0 against rounding
    (it is >= (near_1 - near_2)² exactly for |phi| <= 1)."""
    out = _out(near_1)
    cross = None if phi is None else 2.0 * phi * near_1 * near_2
    total = np.multiply(near_1, near_1, out=out)
    total += near_2 * near_2
    if cross is not None:
        total -= cross
        total = np.maximum(total, 0.0, out=out)
    return np.sqrt(total, out=out)


def square_and_add(single, p1, x1, n1, p2, x2, n2, a_lo, a_hi, phi=None):
    """Bounds for ``p2 - p1`` from the ``single`` intervals of ``p1`` and ``p2``.

    ``low = d - sqrt((p2 - l2)² + (u1 - p1)² - 2·phi·(p2 - l2)(u1 - p1))`` with both single
    intervals at the lower tail ``a_lo``, and ``high = d + sqrt((u2 - p2)² + (p1 - l1)² - ...)``
    at the upper tail ``a_hi``; ``phi`` None (independent samples) drops the last term.
    ``single`` has the signature of :data:`surveystats.proportion.INTERVAL_METHODS`.
    The bounds are clipped to [-1, 1].
    """
    d = p2 - p1
    l1, u1 = single(p1, x1, n1, a_lo, a_lo)
    l2, u2 = single(p2, x2, n2, a_lo, a_lo)
    low = np.subtract(d, _half_width(p2 - l2, u1 - p1, phi))
    if a_hi != a_lo:
        l1, u1 = single(p1, x1, n1, a_hi, a_hi)
        l2, u2 = single(p2, x2, n2, a_hi, a_hi)
    high = np.add(d, _half_width(u2 - p2, p1 - l1, phi), out=_out(d))
    return clip_difference(low, high)
