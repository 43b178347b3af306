"""Small numpy array helpers shared by the core modules."""

from __future__ import annotations

import functools

import numpy as np


def writable_out(a):
    """``a`` itself when it is an array that can be overwritten, else None (new output)."""
    return a if isinstance(a, np.ndarray) and a.ndim and a.flags.writeable else None


def quiet_numpy(function):
    """Run a public function with numpy's floating-point warnings off.

    The core computes on whole arrays where some slots are flagged or degenerate (0/0 at
    a bound, exp overflow for an extreme count); those slots are set or reported
    explicitly, so a RuntimeWarning would only leak noise to the caller (issue #15).
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper
